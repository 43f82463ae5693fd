"""Passing a request to another union (转办): the holding union proposes, the receiving union
accepts (the request moves, with a fresh time limit) or refuses (it stays)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.core import inputs, locking
from gonghui.organisations import selectors as org_selectors
from gonghui.organisations.models import Organisation
from gonghui.rights import permissions, selectors
from gonghui.rights.choices import AuditAction, EventKind, NotificationKind, RequestStatus, TransferStatus
from gonghui.rights.models import Request, RequestTransfer
from gonghui.rights.services.common import add_event, audit_request, check_open, given_text, tell_filer
from gonghui.rights.services.requests import due_date


def transfer_target(to: Organisation | str | None, field: str = "to") -> Organisation:
    """The union a request is passed to: given, or named by its code as typed (any active
    union in the country — codes and names are public); anything else is a ValidationError
    on ``field`` (code ``org_unknown``). The page and the API both name it by its code."""
    if isinstance(to, Organisation):
        target = to if to.is_active else None
    else:
        target = org_selectors.transfer_target(to or "")
    if target is None:
        raise inputs.field_error(field, _("Choose an active union."), "org_unknown")
    return target


def request_transfer(
    *, actor, request: Request, to: Organisation | str, reason: str, letter: bool = False
) -> RequestTransfer:
    """Propose passing the request to another union (``to``: the union or its code); it moves
    when that union accepts. ``letter``: a cross-region referral with a printable letter
    (转办函)."""
    permissions.require_handle(actor, request)
    reason = given_text(reason, "reason", _("Give a reason."))
    to = transfer_target(to)
    if to.pk == request.organisation_id:
        raise inputs.field_error("to", _("The request is already there."), "same_union")
    with transaction.atomic():
        req = locking.locked(request, "organisation")
        check_open(req)
        if RequestTransfer.objects.filter(request=req, status=TransferStatus.PENDING).exists():
            raise ValidationError(_("A transfer is already waiting."), code="transfer_pending")
        t = RequestTransfer.objects.create(
            request=req,
            from_organisation=req.organisation,
            to_organisation=to,
            reason=reason,
            letter=letter,
            created_by=actor,
        )
        add_event(req, EventKind.TRANSFER_ASKED, actor=actor, note=f"→ {to.name}: {reason}")
        audit_request(
            req,
            AuditAction.REQUEST_TRANSFER_ASKED,
            actor=actor,
            changes={"to": [None, to.code], "letter": [None, letter]},
            reason=reason,
        )
    return t


def waiting_transfer(request: Request) -> RequestTransfer:
    """The transfer of ``request`` waiting for the receiving union's decision; none is a
    ValidationError (code ``no_pending_transfer``)."""
    t = selectors.pending_transfer(request)
    if t is None:
        raise ValidationError(_("No transfer is waiting."), code="no_pending_transfer")
    return t


def transfer_decide(*, actor, transfer: RequestTransfer, accept: bool, note: str = "") -> RequestTransfer:
    """The receiving union accepts (the request moves, with a fresh time limit) or refuses
    with a note (it stays where it was)."""
    permissions.require_decide(actor, transfer)
    if accept:
        note = inputs.text(note, "note", prose=True)
    else:
        note = given_text(note, "note", _("Give a reason."))
    with transaction.atomic():
        t = RequestTransfer.objects.select_for_update().select_related("to_organisation").get(pk=transfer.pk)
        if t.status != TransferStatus.PENDING:
            raise ValidationError(_("This transfer has already been decided."), code="already_decided")
        req = locking.locked(t.request, "organisation")
        check_open(req)
        t.status = TransferStatus.ACCEPTED if accept else TransferStatus.REFUSED
        t.decided_at = timezone.now()
        t.decision_note = note
        t.save(update_fields=["status", "decided_at", "decision_note"])
        if accept:
            before = req.organisation.code
            req.organisation = t.to_organisation
            req.status = RequestStatus.HANDLING
            req.accepted_at = timezone.now()
            req.due_on = max(req.due_on, due_date(timezone.localdate(), req.complexity))
            req.save(update_fields=["organisation", "status", "accepted_at", "due_on"])
            add_event(req, EventKind.TRANSFER_ACCEPTED, actor=actor, note=note)
            audit_request(
                req,
                AuditAction.REQUEST_TRANSFER_ACCEPTED,
                actor=actor,
                changes={"organisation": [before, req.organisation.code]},
            )
            tell_filer(
                req,
                kind=NotificationKind.REQUEST_TRANSFERRED,
                title=gettext_lazy("Your request %(number)s moved to %(union)s"),
                body=gettext_lazy("%(union)s now handles your request and will reply by %(due)s."),
                params={"union": req.organisation.name, "due": req.due_on.isoformat()},
            )
        else:
            add_event(req, EventKind.TRANSFER_REFUSED, actor=actor, note=note, organisation=t.to_organisation)
            audit_request(
                req,
                AuditAction.REQUEST_TRANSFER_REFUSED,
                actor=actor,
                changes={"transfer": ["pending", "refused"]},
                reason=note,
            )
    return t
