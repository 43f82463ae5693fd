"""Requests (诉求): filing and routing, time limits, acceptance, transfer with acceptance,
escalation (manual and automatic), reply and close, follow-up call, rating by the worker.

Every transition checks ``handle_requests`` on the union holding the request (out of scope is
404), writes a timeline event and an audit entry in one transaction."""

import datetime
import unicodedata
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models.functions import Length
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import audit, throttle, workdays
from gonghui.core.text import clean, prose
from gonghui.core.validation import merge_errors
from gonghui.core.validators import validate_division_code, validate_person_name
from gonghui.members.services import enrolment as member_enrolment
from gonghui.members.services import personal
from gonghui.organisations import scoping
from gonghui.organisations.models import Organisation
from gonghui.rights.choices import (
    OPEN_STATUSES,
    Category,
    Channel,
    Complexity,
    EventKind,
    RequestStatus,
    TransferStatus,
)
from gonghui.rights.models import ArrearsWorker, Recovery, Request, RequestEvent, RequestTransfer

Action = scoping.Action

DEFAULT_SLA_DAYS = {Complexity.ORDINARY: 5, Complexity.DIFFICULT: 15, Complexity.COMPLEX: 30}


def sla_days(complexity: str) -> int:
    """Working days allowed by complexity; ``GONGHUI_REQUEST_SLA_DAYS`` may override them,
    e.g. ``{"ordinary": 5, "difficult": 15, "complex": 30}``."""
    configured = getattr(settings, "GONGHUI_REQUEST_SLA_DAYS", None) or {}
    return int(configured.get(complexity, DEFAULT_SLA_DAYS[complexity]))


def due_date(start: datetime.date, complexity: str) -> datetime.date:
    return workdays.add_working_days(start, sla_days(complexity))


def _event(req: Request, kind: str, *, actor, note: str = "", organisation=None) -> RequestEvent:
    return RequestEvent.objects.create(
        request=req,
        kind=kind,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        organisation=organisation or req.organisation,
        note=note,
    )


def _audit(req: Request, action: str, *, actor, changes=None, reason: str = "") -> None:
    audit.record(
        actor=actor,
        action=f"rights.request.{action}",
        obj=req,
        organisation_id=req.organisation_id,
        changes=changes or {},
        reason=reason,
    )


NUMBER_PREFIX = "RQ"
NUMBER_ATTEMPTS = 10


def number_prefix(day: datetime.date) -> str:
    return f"{NUMBER_PREFIX}{day:%Y%m%d}"


def next_number(day: datetime.date) -> str:
    """The next free number of that day: RQ + yyyymmdd + a sequence of at least four digits
    (RQ202506010001, …, RQ202506019999, RQ2025060110000). Read as a range on the unique index
    (no LIKE: any collation orders these ASCII prefixes the same way); the longest, then the
    highest, is the last given."""
    prefix = number_prefix(day)
    last = (
        Request.objects.filter(number__gte=prefix, number__lt=number_prefix(day + datetime.timedelta(days=1)))
        .order_by(Length("number").desc(), "-number")
        .values_list("number", flat=True)
        .first()
    )
    seq = int(last[len(prefix) :]) + 1 if last else 1
    return f"{prefix}{seq:04d}"


def normalise_number(value) -> str:
    """What a worker types: spaces and dashes dropped, letters upper-cased (rq 20250601-0007)."""
    text = "" if value is None else str(value)
    return "".join(ch for ch in unicodedata.normalize("NFKC", text) if ch not in " -_").upper()


def _insert_numbered(req: Request) -> None:
    """Save a new request with the next number of the day it came in. Two filings at once may
    pick the same number: the unique index refuses the second, which takes the next one
    (in a savepoint, so the surrounding transaction goes on)."""
    day = timezone.localdate(req.submitted_at)
    for _attempt in range(NUMBER_ATTEMPTS):
        req.number = next_number(day)
        try:
            with transaction.atomic():
                req.save(force_insert=True)
            return
        except IntegrityError:
            if not Request.objects.filter(number=req.number).exists():
                raise  # another constraint: not a clash of numbers
    raise IntegrityError(f"no free request number for {day} after {NUMBER_ATTEMPTS} attempts")


# The workers of one wage-arrears case: far above any group case, far below the database's
# integer limit (a number past it was an OverflowError, a 500).
MAX_WORKERS = 100_000


def parse_amount(value, field: str, *, required: bool = True) -> Decimal | None:
    if value in (None, ""):
        if required:
            raise ValidationError(
                {field: ValidationError(_("An amount is required."), code="amount_required")}
            )
        return None
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValidationError({field: ValidationError(_("Not an amount."), code="amount_invalid")}) from None
    if not amount.is_finite() or amount < 0 or amount != amount.quantize(Decimal("0.01")) or amount >= 10**12:
        raise ValidationError({field: ValidationError(_("Not an amount."), code="amount_invalid")})
    return amount.quantize(Decimal("0.01"))


def request_file(
    *,
    actor,
    channel: str,
    category: str,
    description: str,
    work_division: str,
    employer: str = "",
    name: str = "",
    phone: str = "",
    member=None,
    project: str = "",
    amount_owed=None,
    workers_count: int | None = None,
    workers: list[dict] | None = None,
    received_at: datetime.datetime | None = None,
    in_actor_scope: bool = False,
) -> Request:
    """File a request for a worker (the worker themself, anonymously or logged in, or an
    officer taking a call). A member's name and phone come from their record. The request is
    routed like an online enrolment: the employer's union, else the territorial union of the
    work place (分级负责、属地管理). ``received_at``: when a letter or call came in, if it is
    entered later (not in the future); the time limit counts from then.

    ``in_actor_scope``: an officer opening a case for their own area (the case APIs) — the
    union it is routed to must be one the actor handles requests for (404 outside their
    subtree, 403 without the right); for anywhere else a request is filed as usual and goes to
    the responsible union."""
    errors: dict[str, ValidationError] = {}
    description = prose(description)
    employer = clean(employer)
    project = clean(project)
    if channel not in Channel.values:
        errors["channel"] = ValidationError(_("Choose a channel."), code="invalid_choice")
    if category not in Category.values:
        errors["category"] = ValidationError(_("Choose a category."), code="invalid_choice")
    if not description:
        errors["description"] = ValidationError(_("Describe the problem."), code="description_required")
    elif len(description) > 4000:
        errors["description"] = ValidationError(
            _("At most %(limit)d characters.") % {"limit": 4000}, code="too_long"
        )
    if len(employer) > 120:
        errors["employer"] = ValidationError(_("The employer name is too long."), code="employer_too_long")
    try:
        work_division = validate_division_code(work_division)
    except ValidationError as exc:
        errors["work_division"] = exc
    req = Request(channel=channel, category=category, description=description, employer=employer)
    if member is not None:
        req.member = member
        req.name = member.name
        req.phone_enc, req.phone_hash, req.phone_masked = (
            member.phone_enc,
            member.phone_hash,
            member.phone_masked,
        )
    else:
        try:
            req.name = validate_person_name(name)
        except ValidationError as exc:
            errors["name"] = exc
        try:
            personal.set_phone(req, phone, required=True)
        except ValidationError as exc:
            errors["phone"] = exc
    if getattr(actor, "is_authenticated", False) and member is not None and member.user_id == actor.pk:
        req.user = actor
    elif getattr(actor, "is_authenticated", False) and not scoping.has_any(actor, Action.HANDLE_REQUESTS):
        req.user = actor  # a worker with a login filing for themself
    arrears_rows: list[ArrearsWorker] = []
    if category == Category.WAGE_ARREARS:
        req.project = project[:120]
        try:
            req.amount_owed = parse_amount(amount_owed, "amount_owed")
        except ValidationError as exc:
            merge_errors(errors, exc, field="amount_owed")
        for i, row in enumerate(workers or []):
            w = ArrearsWorker()
            try:
                w.name = validate_person_name(row.get("name", ""))
                personal.set_phone(w, row.get("phone", ""), required=False)
                w.amount = parse_amount(row.get("amount"), "amount")
            except ValidationError as exc:
                errors[f"workers.{i}"] = ValidationError(
                    exc.messages[0], code=getattr(exc, "code", None) or "invalid"
                )
                continue
            arrears_rows.append(w)
        count = workers_count if workers_count not in (None, "") else (len(arrears_rows) or 1)
        try:
            count = int(count)
            if count < 1 or count < len(arrears_rows):
                raise ValueError
        except (TypeError, ValueError):
            errors["workers_count"] = ValidationError(
                _("The number of workers must be at least the workers listed."), code="workers_count_invalid"
            )
        else:
            if count > MAX_WORKERS:
                errors["workers_count"] = ValidationError(
                    _("At most %(max)d workers.") % {"max": MAX_WORKERS}, code="workers_count_invalid"
                )
            req.workers_count = count
    if errors:
        raise ValidationError(errors)
    organisation, basis = member_enrolment.route(
        employer=employer, work_division=work_division, territory=True
    )
    if in_actor_scope:
        scoping.require(actor, Action.HANDLE_REQUESTS, organisation)
    req.work_division = work_division
    req.organisation = req.routed_to = organisation
    req.routed_by = basis
    now = timezone.now()
    if received_at is not None and not (now - datetime.timedelta(days=366) <= received_at <= now):
        raise ValidationError(
            {"received_at": ValidationError(_("Give a time within the last year."), code="date_invalid")}
        )
    req.submitted_at = received_at or now
    req.due_on = due_date(timezone.localdate(req.submitted_at), req.complexity)
    with transaction.atomic():
        _insert_numbered(req)
        for w in arrears_rows:
            w.request = req
        ArrearsWorker.objects.bulk_create(arrears_rows)
        _event(req, EventKind.FILED, actor=actor, note=req.get_channel_display())
        _audit(
            req,
            "filed",
            actor=actor,
            changes={
                "status": [None, req.status],
                "organisation": [None, organisation.code],
                "routed_by": [None, basis],
            },
        )
    return req


def require_handle(*, actor, request: Request) -> None:
    """403 for someone who sees the request but may not act on it (checked before the input,
    so a viewer learns nothing from validation errors)."""
    scoping.require(actor, Action.HANDLE_REQUESTS, request.organisation)


def _lock(req: Request) -> Request:
    return Request.objects.select_for_update().select_related("organisation").get(pk=req.pk)


def _require_open(req: Request) -> None:
    if req.status not in OPEN_STATUSES:
        raise ValidationError(_("This request is closed."), code="request_closed")


def request_accept(*, actor, request: Request) -> Request:
    """The holding union takes the request on (受理)."""
    scoping.require(actor, Action.HANDLE_REQUESTS, request.organisation)
    with transaction.atomic():
        req = _lock(request)
        if req.status != RequestStatus.NEW:
            raise ValidationError(_("This request has already been accepted."), code="already_accepted")
        req.status = RequestStatus.HANDLING
        req.accepted_at = timezone.now()
        req.save(update_fields=["status", "accepted_at"])
        _event(req, EventKind.ACCEPTED, actor=actor)
        _audit(req, "accepted", actor=actor, changes={"status": [RequestStatus.NEW, RequestStatus.HANDLING]})
    return req


def request_set_complexity(*, actor, request: Request, complexity: str, reason: str) -> Request:
    """Class the request as ordinary, difficult or especially complex; the due date is counted
    again from the day it was filed."""
    scoping.require(actor, Action.HANDLE_REQUESTS, request.organisation)
    if complexity not in Complexity.values:
        raise ValidationError(
            {"complexity": ValidationError(_("Choose a complexity."), code="invalid_choice")}
        )
    reason = prose(reason)
    if not reason:
        raise ValidationError({"reason": ValidationError(_("Give a reason."), code="reason_required")})
    with transaction.atomic():
        req = _lock(request)
        _require_open(req)
        before = (req.complexity, req.due_on)
        req.complexity = complexity
        req.due_on = due_date(timezone.localdate(req.submitted_at), complexity)
        req.save(update_fields=["complexity", "due_on"])
        _event(req, EventKind.COMPLEXITY, actor=actor, note=f"{req.get_complexity_display()} · {reason}")
        _audit(
            req,
            "complexity",
            actor=actor,
            changes={"complexity": [before[0], complexity], "due_on": [str(before[1]), str(req.due_on)]},
            reason=reason,
        )
    return req


def request_transfer(
    *, actor, request: Request, to: Organisation, reason: str, letter: bool = False
) -> RequestTransfer:
    """Propose passing the request to another union; it moves when that union accepts.
    ``letter``: a cross-region referral with a printable letter (转办函)."""
    scoping.require(actor, Action.HANDLE_REQUESTS, request.organisation)
    reason = prose(reason)
    if not reason:
        raise ValidationError({"reason": ValidationError(_("Give a reason."), code="reason_required")})
    if to is None or not to.is_active:
        raise ValidationError({"to": ValidationError(_("Choose an active union."), code="org_unknown")})
    if to.pk == request.organisation_id:
        raise ValidationError({"to": ValidationError(_("The request is already there."), code="same_union")})
    with transaction.atomic():
        req = _lock(request)
        _require_open(req)
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
        _event(req, EventKind.TRANSFER_ASKED, actor=actor, note=f"→ {to.name}: {reason}")
        _audit(
            req,
            "transfer_asked",
            actor=actor,
            changes={"to": [None, to.code], "letter": [None, letter]},
            reason=reason,
        )
    return t


def transfer_decide(*, actor, transfer: RequestTransfer, accept: bool, note: str = "") -> RequestTransfer:
    """The receiving union accepts (the request moves, with a fresh time limit) or refuses
    with a note (it stays where it was)."""
    scoping.require(actor, Action.HANDLE_REQUESTS, transfer.to_organisation)
    note = prose(note)
    if not accept and not note:
        raise ValidationError({"note": ValidationError(_("Give a reason."), code="reason_required")})
    with transaction.atomic():
        t = RequestTransfer.objects.select_for_update().select_related("to_organisation").get(pk=transfer.pk)
        if t.status != TransferStatus.PENDING:
            raise ValidationError(_("This transfer has already been decided."), code="already_decided")
        req = _lock(t.request)
        _require_open(req)
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
            _event(req, EventKind.TRANSFER_ACCEPTED, actor=actor, note=note)
            _audit(
                req,
                "transfer_accepted",
                actor=actor,
                changes={"organisation": [before, req.organisation.code]},
            )
        else:
            _event(req, EventKind.TRANSFER_REFUSED, actor=actor, note=note, organisation=t.to_organisation)
            _audit(
                req,
                "transfer_refused",
                actor=actor,
                changes={"transfer": ["pending", "refused"]},
                reason=note,
            )
    return t


def _escalate(req: Request, *, actor, reason: str, automatic: bool) -> Request:
    parent = req.organisation.get_parent()
    if parent is None:
        raise ValidationError(_("There is no union above this one."), code="no_parent")
    before = req.organisation.code
    RequestTransfer.objects.filter(request=req, status=TransferStatus.PENDING).update(
        status=TransferStatus.REFUSED, decided_at=timezone.now(), decision_note=_("Escalated")
    )
    req.organisation = parent
    req.escalations += 1
    req.auto_escalated = req.auto_escalated or automatic
    req.save(update_fields=["organisation", "escalations", "auto_escalated"])
    _event(req, EventKind.ESCALATED, actor=actor, note=reason)
    _audit(
        req,
        "escalated",
        actor=actor,
        changes={"organisation": [before, parent.code], "automatic": [None, automatic]},
        reason=reason,
    )
    return req


def request_escalate(*, actor, request: Request, reason: str) -> Request:
    """Hand the request up to the parent union (上报/提级), keeping its due date."""
    scoping.require(actor, Action.HANDLE_REQUESTS, request.organisation)
    reason = prose(reason)
    if not reason:
        raise ValidationError({"reason": ValidationError(_("Give a reason."), code="reason_required")})
    with transaction.atomic():
        req = _lock(request)
        _require_open(req)
        return _escalate(req, actor=actor, reason=reason, automatic=False)


def escalate_overdue(*, today: datetime.date | None = None) -> list[Request]:
    """Automatic escalation: every open request past its due date that was not escalated
    automatically before goes to the parent union, once. Running it again changes nothing."""
    today = today or timezone.localdate()
    done = []
    ids = list(
        Request.objects.filter(status__in=OPEN_STATUSES, due_on__lt=today, auto_escalated=False).values_list(
            "pk", flat=True
        )
    )
    for pk in ids:
        with transaction.atomic():
            req = Request.objects.select_for_update().select_related("organisation").get(pk=pk)
            if req.auto_escalated or req.status not in OPEN_STATUSES or req.due_on >= today:
                continue
            if req.organisation.get_parent() is None:
                req.auto_escalated = True
                req.save(update_fields=["auto_escalated"])
                continue
            done.append(
                _escalate(
                    req, actor=None, reason=_("Overdue since %(due)s") % {"due": req.due_on}, automatic=True
                )
            )
    return done


def request_close(*, actor, request: Request, reply: str) -> Request:
    """Reply to the worker and close (办结); on time when closed on or before the due date."""
    scoping.require(actor, Action.HANDLE_REQUESTS, request.organisation)
    reply = prose(reply)
    if not reply:
        raise ValidationError(
            {"reply": ValidationError(_("Write the reply to the worker."), code="reply_required")}
        )
    with transaction.atomic():
        req = _lock(request)
        _require_open(req)
        before = req.status
        now = timezone.now()
        req.status = RequestStatus.CLOSED
        req.closed_at = now
        req.reply = reply
        req.closed_on_time = timezone.localdate(now) <= req.due_on
        req.accepted_at = req.accepted_at or now
        req.save(update_fields=["status", "closed_at", "reply", "closed_on_time", "accepted_at"])
        RequestTransfer.objects.filter(request=req, status=TransferStatus.PENDING).update(
            status=TransferStatus.REFUSED, decided_at=now, decision_note=_("Closed")
        )
        _event(req, EventKind.CLOSED, actor=actor, note=reply)
        _audit(
            req,
            "closed",
            actor=actor,
            changes={"status": [before, RequestStatus.CLOSED], "on_time": [None, req.closed_on_time]},
        )
    return req


def request_follow_up(*, actor, request: Request, note: str) -> Request:
    """Record the follow-up call (回访) after closing."""
    scoping.require(actor, Action.HANDLE_REQUESTS, request.organisation)
    note = prose(note)
    if not note:
        raise ValidationError(
            {"note": ValidationError(_("Write what the worker said."), code="note_required")}
        )
    with transaction.atomic():
        req = _lock(request)
        if req.status != RequestStatus.CLOSED:
            raise ValidationError(_("Follow up once the request is closed."), code="not_closed")
        req.followed_up_at = timezone.now()
        req.follow_up_note = note
        req.save(update_fields=["followed_up_at", "follow_up_note"])
        _event(req, EventKind.FOLLOW_UP, actor=actor, note=note)
        _audit(req, "follow_up", actor=actor, changes={"followed_up": [False, True]})
    return req


def is_own(user, req: Request) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return req.user_id == user.pk or (req.member_id is not None and req.member.user_id == user.pk)


RATE_ATTEMPTS_PER_REQUEST = 10


def count_rating_attempt(*, actor, request_id, req: Request | None) -> None:
    """Rating by phone number is throttled per request too (whatever the client address), so
    the four hidden digits of a masked phone cannot be guessed from many addresses. The
    logged-in filer is not counted. Unknown request numbers count the same way."""
    if req is not None and is_own(actor, req):
        return
    throttle.hit("rights-rate-request", str(request_id), limit=RATE_ATTEMPTS_PER_REQUEST, window=3600)


LOOKUP_ATTEMPTS_PER_NUMBER = 10


def _phone_matches(req: Request | None, phone: str) -> bool:
    from gonghui.core.validators import normalise_mobile

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
    from gonghui.rights import selectors

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
    from gonghui.core.validators import normalise_mobile

    own = is_own(actor, request)
    if not own and phone:
        try:
            own = (
                bool(request.phone_hash)
                and personal.phone_hash(normalise_mobile(phone)) == request.phone_hash
            )
        except ValidationError:
            own = False
    if not own:
        # Answered exactly like an unknown request number: a stranger learns nothing.
        raise Http404
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        try:
            rating = int(str(rating)) if not isinstance(rating, bool) else 0
        except ValueError:
            rating = 0
        if not 1 <= rating <= 5:
            raise ValidationError({"rating": ValidationError(_("Rate from 1 to 5."), code="rating_invalid")})
    comment = prose(comment)[:200]
    with transaction.atomic():
        req = _lock(request)
        if req.status != RequestStatus.CLOSED:
            raise ValidationError(_("You can rate once the request is closed."), code="not_closed")
        if req.rating is not None:
            raise ValidationError(_("This request has already been rated."), code="already_rated")
        req.rating = rating
        req.rating_comment = comment
        req.rated_at = timezone.now()
        req.save(update_fields=["rating", "rating_comment", "rated_at"])
        _event(req, EventKind.RATED, actor=actor, note=f"{rating}/5")
        _audit(req, "rated", actor=actor, changes={"rating": [None, rating]})
    return req


def recovery_add(
    *, actor, request: Request, amount, recovered_on: datetime.date, reason: str = ""
) -> Recovery:
    """Record wages recovered for a wage-arrears case. Recoveries add up; going past the
    amount owed needs a reason (interest, compensation)."""
    scoping.require(actor, Action.HANDLE_REQUESTS, request.organisation)
    if request.category != Category.WAGE_ARREARS:
        raise ValidationError(_("Only wage-arrears cases have recoveries."), code="not_wage_arrears")
    amount = parse_amount(amount, "amount")
    if amount <= 0:
        raise ValidationError({"amount": ValidationError(_("Not an amount."), code="amount_invalid")})
    if not isinstance(recovered_on, datetime.date) or recovered_on > timezone.localdate():
        raise ValidationError(
            {"recovered_on": ValidationError(_("Give a date that has passed."), code="date_invalid")}
        )
    reason = prose(reason)[:200]
    with transaction.atomic():
        req = _lock(request)
        total = sum((r.amount for r in req.recoveries.all()), Decimal("0")) + amount
        if req.amount_owed is not None and total > req.amount_owed and not reason:
            raise ValidationError(
                {"amount": ValidationError(_("More than is owed: give a reason."), code="exceeds_owed")}
            )
        rec = Recovery.objects.create(
            request=req, amount=amount, recovered_on=recovered_on, reason=reason, created_by=actor
        )
        _event(req, EventKind.RECOVERY, actor=actor, note=f"{amount:.2f} · {recovered_on}")
        _audit(
            req,
            "recovery",
            actor=actor,
            changes={"recovered_total": [f"{total - amount:.2f}", f"{total:.2f}"]},
            reason=reason,
        )
    return rec


def arrears_worker_add(*, actor, request: Request, name: str, amount, phone: str = "") -> ArrearsWorker:
    """Add a worker to a (group) wage-arrears case. The number of workers is at least the
    workers listed: it grows with the list when needed."""
    scoping.require(actor, Action.HANDLE_REQUESTS, request.organisation)
    if request.category != Category.WAGE_ARREARS:
        raise ValidationError(_("Only wage-arrears cases list workers."), code="not_wage_arrears")
    errors: dict[str, ValidationError] = {}
    w = ArrearsWorker()
    try:
        w.name = validate_person_name(name)
    except ValidationError as exc:
        errors["name"] = exc
    try:
        personal.set_phone(w, phone, required=False)
    except ValidationError as exc:
        errors["phone"] = exc
    try:
        w.amount = parse_amount(amount, "amount")
    except ValidationError as exc:
        merge_errors(errors, exc, field="amount")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        req = _lock(request)
        w.request = req
        w.save(force_insert=True)
        listed = req.arrears_workers.count()
        before = req.workers_count
        if (req.workers_count or 0) < listed:
            req.workers_count = listed
            req.save(update_fields=["workers_count"])
        _audit(
            req,
            "arrears_worker",
            actor=actor,
            changes={"workers_listed": [listed - 1, listed], "workers_count": [before, req.workers_count]},
        )
    return w


def work_site_union(req: Request) -> Organisation:
    """The territorial union of the request's work place (联合工会 → street → county → city →
    province), where a cross-region wage-arrears case is referred (工程所在地)."""
    organisation, _basis = member_enrolment.route(
        employer="", work_division=req.work_division, territory=True
    )
    return organisation


def referral_send(*, actor, request: Request, reason: str, to: Organisation | None = None) -> RequestTransfer:
    """Refer a case with a letter (转办函) to the union of the work site — by default the
    territorial union of its work place; it moves when that union accepts."""
    if to is None:
        to = work_site_union(request)
    return request_transfer(actor=actor, request=request, to=to, reason=reason, letter=True)
