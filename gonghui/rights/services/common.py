"""What every change to a request does: a line on its timeline, an audit entry, the row locked
while it changes, and the checks shared by the transitions (still open, a reason given)."""

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _

from gonghui.core import audit, crypto, inputs
from gonghui.core.inputs import InputCode
from gonghui.core.validation import merge_errors
from gonghui.notifications.services import notify
from gonghui.rights.choices import OPEN_STATUSES, AuditAction
from gonghui.rights.models import Request, RequestEvent


def tell_filer(req: Request, *, kind: str, title, body, params: dict | None = None) -> None:
    """Notify the worker who filed ``req``: the account that filed it (or the member's
    account), with the SMS to the phone given when filing; without an account, that phone
    (claimed by the account that later signs in with it). The link is the request's status
    page, where the worker follows it and rates it once closed."""
    user = req.user or (req.member.user if req.member_id else None)
    phone = crypto.decrypt(req.phone_enc) if req.phone_enc else ""
    if user is None and not phone:
        return
    notify(
        kind=kind,
        user=user,
        phone=phone or None,
        title=title,
        body=body,
        params={"number": req.number, **(params or {})},
        link=reverse("rights:status", args=[req.pk]),
    )


def add_event(req: Request, kind: str, *, actor, note: str = "", organisation=None) -> RequestEvent:
    """One line of the request's timeline (what the worker and the officers see), at the union
    holding it unless ``organisation`` says otherwise. ``actor`` None: the system."""
    return RequestEvent.objects.create(
        request=req,
        kind=kind,
        actor=actor if actor is not None and actor.is_authenticated else None,
        organisation=organisation or req.organisation,
        note=note,
    )


def audit_request(req: Request, action: AuditAction, *, actor, changes=None, reason: str = "") -> None:
    """The audit entry of a change to the request, filed under the union holding it."""
    audit.record(
        actor=actor,
        action=action,
        obj=req,
        organisation_id=req.organisation_id,
        changes=changes or {},
        reason=reason,
    )


def check_open(req: Request) -> None:
    """Refuse a change that needs the request still open."""
    if req.status not in OPEN_STATUSES:
        raise ValidationError(_("This request is closed."), code="request_closed")


def given_text(value, field: str, message, *, max_length: int | None = None) -> str:
    """Free text that must be given (a story, a reason, a reply, a note), read with the one
    input vocabulary (control characters and more than ``max_length`` characters refused) and,
    when empty, refused with code ``required`` and ``message`` saying what to write."""
    value = inputs.text(value, field, prose=True, max_length=max_length)
    if not value:
        raise inputs.field_error(field, message, InputCode.REQUIRED)
    return value


def collect[T](errors: dict, field: str, read: Callable[[], T]) -> T | None:
    """``read()``, or None with its ValidationError added to ``errors`` (under ``field`` when
    it names none): for reading every field of an input before refusing them all at once with
    ``ValidationError(errors)``."""
    try:
        return read()
    except ValidationError as exc:
        merge_errors(errors, exc, field=field)
        return None
