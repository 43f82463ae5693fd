"""Requests (诉求): filing and routing, time limits, and the handling at the union holding a
request — acceptance, complexity, escalation (manual and automatic), reply and close, the
follow-up call. Transfers between unions are in ``transfers``, the worker's side (finding
and rating a request) in ``worker``, wage arrears in ``wage_arrears``.

Every transition checks ``handle_requests`` on the union holding the request
(``permissions.require_handle``: 404 when the request is not visible, 403 when it is but the
caller may not act), writes a timeline event and an audit entry in one transaction."""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.core import inputs, locking, workdays
from gonghui.core.inputs import InputCode
from gonghui.core.validators import validate_division_code, validate_person_name
from gonghui.members.services import enrolment as member_enrolment
from gonghui.members.services import personal
from gonghui.notifications.services import notify
from gonghui.organisations import scoping
from gonghui.rights import permissions
from gonghui.rights.choices import (
    OPEN_STATUSES,
    AuditAction,
    Category,
    Channel,
    Complexity,
    EventKind,
    NotificationKind,
    RequestStatus,
    TransferStatus,
)
from gonghui.rights.models import ArrearsWorker, Request, RequestTransfer
from gonghui.rights.services.common import (
    add_event,
    audit_request,
    check_open,
    collect,
    given_text,
    tell_filer,
)
from gonghui.rights.services.numbers import insert_numbered

DEFAULT_SLA_DAYS = {Complexity.ORDINARY: 5, Complexity.DIFFICULT: 15, Complexity.COMPLEX: 30}


def sla_days(complexity: str) -> int:
    """Working days allowed by complexity; ``GONGHUI_REQUEST_SLA_DAYS`` may override them,
    e.g. ``{"ordinary": 5, "difficult": 15, "complex": 30}``."""
    configured = getattr(settings, "GONGHUI_REQUEST_SLA_DAYS", None) or {}
    return int(configured.get(complexity, DEFAULT_SLA_DAYS[complexity]))


def due_date(start: datetime.date, complexity: str) -> datetime.date:
    return workdays.add_working_days(start, sla_days(complexity))


# ---- filing --------------------------------------------------------------------------------

# The workers of one wage-arrears case: far above any group case, far below the database's
# integer limit (a number past it was an OverflowError, a 500).
MAX_WORKERS = 100_000
# A letter or call entered later: when it came in, at most this long ago.
RECEIVED_WITHIN = datetime.timedelta(days=366)


@dataclass
class Filing:
    """A request checked field by field and ready to be written: the unsaved request (not
    yet routed or numbered) and, for a group wage-arrears case, its workers."""

    request: Request
    workers: list[ArrearsWorker] = field(default_factory=list)


def _arrears_worker(row: dict) -> ArrearsWorker:
    """One worker of a group case as listed when filing; the first problem of the row."""
    w = ArrearsWorker()
    w.name = validate_person_name(row.get("name", ""))
    personal.set_phone(w, row.get("phone", ""), required=False)
    w.amount = inputs.money(row.get("amount"), "amount")
    return w


def request_file_check(
    *,
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
    workers_count=None,
    workers: list[dict] | None = None,
    received_at: datetime.datetime | None = None,
) -> Filing:
    """Check a request field by field, all at once, and return it unsaved (no write, no
    routing): the filing form runs it so the worker sees every problem in one round, and
    :func:`request_file` runs it before writing. Raises one ValidationError keyed by field.

    A member's name and phone come from their record. Codes: ``required``,
    ``invalid_choice``, ``too_long``, ``control_characters``, ``division_unknown``, ``name_*``
    and ``phone_*`` (the worker's name and mobile number), ``amount_*`` (the amount owed of
    unpaid wages), ``number_*`` (the number of workers), ``date_future``/``date_too_early``
    (``received_at``); a listed worker's first problem under ``workers.<i>``."""
    errors: dict = {}
    req = Request(
        channel=collect(errors, "channel", lambda: inputs.choice(channel, "channel", Channel)) or "",
        category=collect(errors, "category", lambda: inputs.choice(category, "category", Category)) or "",
        description=collect(
            errors,
            "description",
            lambda: given_text(description, "description", _("Describe the problem."), max_length=4000),
        )
        or "",
        employer=collect(errors, "employer", lambda: inputs.text(employer, "employer", max_length=120)) or "",
        work_division=collect(errors, "work_division", lambda: validate_division_code(work_division)) or "",
    )
    if member is not None:
        req.member = member
        req.name = member.name
        req.phone_enc, req.phone_hash, req.phone_masked = (
            member.phone_enc,
            member.phone_hash,
            member.phone_masked,
        )
    else:
        req.name = collect(errors, "name", lambda: validate_person_name(name)) or ""
        collect(errors, "phone", lambda: personal.set_phone(req, phone, required=True))
    rows: list[ArrearsWorker] = []
    if req.category == Category.WAGE_ARREARS:
        req.project = (collect(errors, "project", lambda: inputs.text(project, "project")) or "")[:120]
        req.amount_owed = collect(errors, "amount_owed", lambda: inputs.money(amount_owed, "amount_owed"))
        for i, row in enumerate(workers or []):
            try:
                rows.append(_arrears_worker(row))
            except ValidationError as exc:
                first = (
                    next(iter(exc.error_dict.values()))[0]
                    if hasattr(exc, "error_dict")
                    else exc.error_list[0]
                )
                # A check whose error has no code still gets one of its own: ``invalid`` is the
                # API's code for a request of the wrong shape, which this is not.
                errors[f"workers.{i}"] = ValidationError(
                    first.messages[0], code=first.code or "worker_invalid"
                )
        listed = max(1, len(rows))
        req.workers_count = collect(
            errors,
            "workers_count",
            lambda: inputs.integer(
                workers_count, "workers_count", required=False, minimum=listed, maximum=MAX_WORKERS
            ),
        ) or (len(rows) or 1)
    if received_at is not None:
        now = timezone.now()
        if not now - RECEIVED_WITHIN <= received_at <= now:
            code = InputCode.DATE_FUTURE if received_at > now else InputCode.DATE_TOO_EARLY
            errors["received_at"] = inputs.field_error("", _("Give a time within the last year."), code)
        req.submitted_at = received_at
    if errors:
        raise ValidationError(errors)
    return Filing(req, rows)


def request_file(*, actor, in_actor_scope: bool = False, **fields) -> Request:
    """File a request for a worker (the worker themself, anonymously or logged in, or an
    officer taking a call), after :func:`request_file_check` (its arguments, its errors). The
    request is routed like an online enrolment: the employer's union, else the territorial
    union of the work place (分级负责、属地管理). ``received_at``: when a letter or call came
    in, if it is entered later (within the last year, not in the future); the time limit
    counts from then.

    ``in_actor_scope``: an officer opening a case for their own area (the case APIs) — the
    union it is routed to must be one the actor handles requests for (404 outside their
    subtree, 403 without the right); for anywhere else a request is filed as usual and goes to
    the responsible union."""
    filing = request_file_check(**fields)
    req = filing.request
    organisation, basis = member_enrolment.route(
        employer=req.employer, work_division=req.work_division, territory=True
    )
    if in_actor_scope:
        permissions.require_open_case(actor, organisation)
    if permissions.files_for_themself(actor, fields.get("member")):
        req.user = actor
    req.organisation = req.routed_to = organisation
    req.routed_by = basis
    req.due_on = due_date(timezone.localdate(req.submitted_at), req.complexity)
    with transaction.atomic():
        insert_numbered(req)
        for w in filing.workers:
            w.request = req
        ArrearsWorker.objects.bulk_create(filing.workers)
        add_event(req, EventKind.FILED, actor=actor, note=req.get_channel_display())
        audit_request(
            req,
            AuditAction.REQUEST_FILED,
            actor=actor,
            changes={
                "status": [None, req.status],
                "organisation": [None, organisation.code],
                "routed_by": [None, basis],
            },
        )
    return req


# ---- handling at the holding union ---------------------------------------------------------


def request_accept(*, actor, request: Request) -> Request:
    """The holding union takes the request on (受理)."""
    permissions.require_handle(actor, request)
    with transaction.atomic():
        req = locking.locked(request, "organisation")
        if req.status != RequestStatus.NEW:
            raise ValidationError(_("This request has already been accepted."), code="already_accepted")
        req.status = RequestStatus.HANDLING
        req.accepted_at = timezone.now()
        req.save(update_fields=["status", "accepted_at"])
        add_event(req, EventKind.ACCEPTED, actor=actor)
        audit_request(
            req,
            AuditAction.REQUEST_ACCEPTED,
            actor=actor,
            changes={"status": [RequestStatus.NEW, RequestStatus.HANDLING]},
        )
        tell_filer(
            req,
            kind=NotificationKind.REQUEST_ACCEPTED,
            title=gettext_lazy("Your request %(number)s is accepted"),
            body=gettext_lazy("%(union)s has taken on your request and will reply by %(due)s."),
            params={"union": req.organisation.name, "due": req.due_on.isoformat()},
        )
    return req


def request_set_complexity(*, actor, request: Request, complexity: str, reason: str) -> Request:
    """Class the request as ordinary, difficult or especially complex; the due date is counted
    again from the day it was filed."""
    permissions.require_handle(actor, request)
    errors: dict = {}
    complexity = collect(errors, "complexity", lambda: inputs.choice(complexity, "complexity", Complexity))
    reason = collect(errors, "reason", lambda: given_text(reason, "reason", _("Give a reason.")))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        req = locking.locked(request, "organisation")
        check_open(req)
        before = (req.complexity, req.due_on)
        req.complexity = complexity
        req.due_on = due_date(timezone.localdate(req.submitted_at), complexity)
        req.save(update_fields=["complexity", "due_on"])
        add_event(req, EventKind.COMPLEXITY, actor=actor, note=f"{req.get_complexity_display()} · {reason}")
        audit_request(
            req,
            AuditAction.REQUEST_COMPLEXITY,
            actor=actor,
            changes={"complexity": [before[0], complexity], "due_on": [str(before[1]), str(req.due_on)]},
            reason=reason,
        )
    return req


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
    add_event(req, EventKind.ESCALATED, actor=actor, note=reason)
    audit_request(
        req,
        AuditAction.REQUEST_ESCALATED,
        actor=actor,
        changes={"organisation": [before, parent.code], "automatic": [None, automatic]},
        reason=reason,
    )
    return req


def request_escalate(*, actor, request: Request, reason: str) -> Request:
    """Hand the request up to the parent union (上报/提级), keeping its due date."""
    permissions.require_handle(actor, request)
    reason = given_text(reason, "reason", _("Give a reason."))
    with transaction.atomic():
        req = locking.locked(request, "organisation")
        check_open(req)
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
            req = _escalate(
                req, actor=None, reason=_("Overdue since %(due)s") % {"due": req.due_on}, automatic=True
            )
            _tell_overdue(req)
            done.append(req)
    return done


def _tell_overdue(req: Request) -> None:
    """An automatic escalation is news to two sides: the filer learns the request is late and
    who holds it now; the officers of the union it went to (or of the nearest union above it
    that has any, as for a new application) find it in their queue. Inside the escalation's
    transaction, so it is told once, with the change."""
    params = {"union": req.organisation.name, "due": req.due_on.isoformat()}
    tell_filer(
        req,
        kind=NotificationKind.REQUEST_OVERDUE,
        title=gettext_lazy("Your request %(number)s is overdue"),
        body=gettext_lazy(
            "It was not answered by %(due)s, so it has gone up to %(union)s, which now handles it."
        ),
        params=params,
    )
    for officer in scoping.nearest_holders(scoping.Action.HANDLE_REQUESTS, req.organisation):
        notify(
            kind=NotificationKind.REQUEST_ESCALATED,
            user=officer,
            title=gettext_lazy("Overdue request %(number)s escalated to %(union)s"),
            body=gettext_lazy("%(category)s, due on %(due)s and not answered: it is now in your queue."),
            # the label itself (lazy), so it is rendered in the officer's language
            params={"number": req.number, "category": Category(req.category).label, **params},
            link=reverse("rights:detail", args=[req.pk]),
        )


def warn_due_soon(*, today: datetime.date | None = None) -> list[Request]:
    """Warn before a deadline breaks: every open request whose reply is due by the end of the
    next working day (public holidays off, make-up days on: ``core.workdays``) — due today
    included, since it is not late yet — is told to the officers who handle requests at the
    union holding it now (or at the nearest union above it that has any), as
    ``request.due_soon``.

    Once per request and due date: ``due_warned_for`` keeps the date warned about, written in
    the same transaction as the notifications, so running it again tells nobody anything new;
    when the deadline moves (complexity changed, transfer accepted) the new one is warned. A
    request past its due date is not warned: ``escalate_overdue`` deals with it. The system
    speaks, so there is no actor, and the marker is bookkeeping, not a change of the request:
    no event, no audit entry. Returns the requests warned."""
    today = today or timezone.localdate()
    last = workdays.add_working_days(today, 1)
    candidates = Request.objects.filter(status__in=OPEN_STATUSES, due_on__gte=today, due_on__lte=last)
    ids = list(candidates.exclude(due_warned_for=F("due_on")).values_list("pk", flat=True))
    done = []
    for pk in ids:
        with transaction.atomic():
            req = Request.objects.select_for_update().select_related("organisation").get(pk=pk)
            if req.status not in OPEN_STATUSES or not today <= req.due_on <= last:
                continue
            if req.due_warned_for == req.due_on:
                continue
            req.due_warned_for = req.due_on
            req.save(update_fields=["due_warned_for"])
            _tell_due_soon(req)
            done.append(req)
    return done


def _tell_due_soon(req: Request) -> None:
    """The officers whose queue holds the request hear its deadline is near; the filer is not
    told (nothing is late yet, and the worker cannot make it faster)."""
    for officer in scoping.nearest_holders(scoping.Action.HANDLE_REQUESTS, req.organisation):
        notify(
            kind=NotificationKind.REQUEST_DUE_SOON,
            user=officer,
            title=gettext_lazy("Request %(number)s is due on %(due)s"),
            body=gettext_lazy("%(category)s held by %(union)s is not answered yet: reply by %(due)s."),
            # the label itself (lazy), so it is rendered in the officer's language
            params={
                "number": req.number,
                "category": Category(req.category).label,
                "union": req.organisation.name,
                "due": req.due_on.isoformat(),
            },
            link=reverse("rights:detail", args=[req.pk]),
        )


def request_close(*, actor, request: Request, reply: str) -> Request:
    """Reply to the worker and close (办结); on time when closed on or before the due date."""
    permissions.require_handle(actor, request)
    reply = given_text(reply, "reply", _("Write the reply to the worker."))
    with transaction.atomic():
        req = locking.locked(request, "organisation")
        check_open(req)
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
        add_event(req, EventKind.CLOSED, actor=actor, note=reply)
        audit_request(
            req,
            AuditAction.REQUEST_CLOSED,
            actor=actor,
            changes={"status": [before, RequestStatus.CLOSED], "on_time": [None, req.closed_on_time]},
        )
        tell_filer(
            req,
            kind=NotificationKind.REQUEST_CLOSED,
            title=gettext_lazy("Your request %(number)s is answered"),
            body=gettext_lazy("%(union)s replied: %(reply)s Please rate how it was handled."),
            params={"union": req.organisation.name, "reply": reply},
        )
    return req


def request_follow_up(*, actor, request: Request, note: str) -> Request:
    """Record the follow-up call (回访) after closing."""
    permissions.require_handle(actor, request)
    note = given_text(note, "note", _("Write what the worker said."))
    with transaction.atomic():
        req = locking.locked(request, "organisation")
        if req.status != RequestStatus.CLOSED:
            raise ValidationError(_("Follow up once the request is closed."), code="not_closed")
        req.followed_up_at = timezone.now()
        req.follow_up_note = note
        req.save(update_fields=["followed_up_at", "follow_up_note"])
        add_event(req, EventKind.FOLLOW_UP, actor=actor, note=note)
        audit_request(req, AuditAction.REQUEST_FOLLOW_UP, actor=actor, changes={"followed_up": [False, True]})
    return req
