"""The worker's side of a request: finding it by its number and mobile number, adding
information while it is open, and rating the handling once it is closed. Neither may become an oracle for numbers or phones: a wrong
phone answers exactly like an unknown request (404), and both are throttled per request
whatever the client address."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import inputs, locking, throttle
from gonghui.core.validators import normalise_mobile
from gonghui.members.services import personal
from gonghui.rights import permissions, selectors
from gonghui.rights.choices import AuditAction, EventKind, RequestStatus
from gonghui.rights.models import Request
from gonghui.rights.services.common import add_event, audit_request, check_open, given_text
from gonghui.rights.services.numbers import normalise_number

RATE_ATTEMPTS_PER_REQUEST = 10
LOOKUP_ATTEMPTS_PER_NUMBER = 10


def count_rating_attempt(*, actor, request_id, req: Request | None) -> None:
    """Rating by phone number is throttled per request too (whatever the client address), so
    the four hidden digits of a masked phone cannot be guessed from many addresses. The
    logged-in filer is not counted. Unknown request numbers count the same way."""
    if req is not None and permissions.is_own(actor, req):
        return
    throttle.hit("rights-rate-request", str(request_id), limit=RATE_ATTEMPTS_PER_REQUEST, window=3600)


def _phone_matches(req: Request | None, phone: str) -> bool:
    try:
        digest = personal.phone_hash(normalise_mobile(phone))
    except ValidationError:
        return False
    return req is not None and bool(req.phone_hash) and digest == req.phone_hash


def request_lookup(*, number: str, phone: str) -> Request:
    """A worker finds their request by its number and the mobile number it was filed with.
    Both must match: an unknown number and a wrong phone both raise ``Http404`` (no oracle for
    numbers or phones). Throttled per number whatever the client (like rating), so the phone
    of a known number cannot be guessed from many addresses; the caller throttles per client."""
    number = normalise_number(number)[:20]
    throttle.hit("rights-lookup-number", number or "-", limit=LOOKUP_ATTEMPTS_PER_NUMBER, window=3600)
    req = selectors.request_by_number(number) if number else None
    if not _phone_matches(req, phone or ""):
        raise Http404
    return req


def request_rate(*, actor, request: Request, rating, comment: str = "", phone: str = "") -> Request:
    """The worker rates the handling 1–5, once, after closing. The worker is the logged-in
    filer, or whoever gives the phone number the request was filed with; anyone else gets
    404, as for a request that does not exist (no oracle for phone numbers)."""
    if not (permissions.is_own(actor, request) or (phone and _phone_matches(request, phone))):
        # Answered exactly like an unknown request number: a stranger learns nothing.
        raise Http404
    rating = inputs.integer(rating, "rating", minimum=1, maximum=5)
    comment = inputs.text(comment, "comment", prose=True)[:200]
    with transaction.atomic():
        req = locking.locked(request, "organisation")
        if req.status != RequestStatus.CLOSED:
            raise ValidationError(_("You can rate once the request is closed."), code="not_closed")
        if req.rating is not None:
            raise ValidationError(_("This request has already been rated."), code="already_rated")
        req.rating = rating
        req.rating_comment = comment
        req.rated_at = timezone.now()
        req.save(update_fields=["rating", "rating_comment", "rated_at"])
        add_event(req, EventKind.RATED, actor=actor, note=f"{rating}/5")
        audit_request(req, AuditAction.REQUEST_RATED, actor=actor, changes={"rating": [None, rating]})
    return req


def request_add_information(*, actor, request: Request, text) -> Request:
    """The worker who filed ``request`` (signed in: the filer's account or the member's)
    adds what they have learnt since — a date, an amount, a name — while it is open. It is a
    line of the timeline that the handling union reads; the request itself does not change.
    Anyone else gets 404 (as for a request that does not exist); ``request_closed`` once it is
    closed; ``required`` and the text codes of core.inputs on ``text``."""
    if not permissions.is_own(actor, request):
        raise Http404
    text = given_text(text, "text", _("Write what you want to add."), max_length=1000)
    with transaction.atomic():
        req = locking.locked(request, "organisation")
        check_open(req)
        add_event(req, EventKind.INFORMATION, actor=actor, note=text)
        audit_request(
            req, AuditAction.REQUEST_INFORMATION, actor=actor, changes={"information": [None, len(text)]}
        )
    return req
