"""Reads of repair tickets and their closed-loop rate, scoped.

Officers see the tickets of the unions in their scope (``organisations.scoping``); a station's
keeper sees the tickets of their stations (``stations.permissions``). Out of scope answers
404, like a missing ticket. Anyone follows a ticket's progress by its number (no personal data).
"""

import datetime
import statistics
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from gonghui.core.figures import percent
from gonghui.organisations import scoping
from gonghui.organisations import selectors as organisation_selectors
from gonghui.organisations.models import Organisation
from gonghui.stations import permissions
from gonghui.stations.choices import OPEN_TICKET_STATUSES, TicketEventKind, TicketStatus
from gonghui.stations.models import Ticket, TicketEvent

Action = scoping.Action

RATE_PERIOD_DAYS = 90


# --- tickets ---------------------------------------------------------------------------------


def _tickets() -> QuerySet:
    return Ticket.objects.select_related("station", "organisation")


def ticket_public_or_404(number: str) -> Ticket:
    """A ticket by its number, for the reporter's progress page (shows no personal data)."""
    return get_object_or_404(_tickets(), number=str(number)[:20])


def ticket_or_404(user, number: str) -> Ticket:
    """A ticket the user may see: its station's keeper, or the owning union in the user's
    view scope; anybody else gets 404."""
    ticket = get_object_or_404(_tickets(), number=str(number)[:20])
    if not permissions.can_see_ticket(user, ticket):
        raise Http404
    return ticket


def _queue_order(qs: QuerySet) -> QuerySet:
    open_first = Case(
        When(status__in=OPEN_TICKET_STATUSES, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return qs.order_by(open_first, "-escalated", "due_at", "number")


def ticket_queue(
    user, *, status: str = "", overdue: bool = False, organisation: Organisation | None = None, now=None
) -> QuerySet:
    """Tickets of the unions in the user's view scope: open ones first, escalated ones on top,
    then by due time. ``status``: a TicketStatus value, or ``"active"`` for open and
    acknowledged; ``overdue``: open ones past due; ``organisation``: that union's subtree."""
    qs = scoping.restrict(_tickets(), user, Action.VIEW)
    if organisation is not None:
        qs = qs.filter(permissions.below(organisation))
    if status == "active":
        qs = qs.filter(status__in=OPEN_TICKET_STATUSES)
    elif status:
        qs = qs.filter(status=status)
    if overdue:
        qs = qs.filter(status__in=OPEN_TICKET_STATUSES, due_at__lt=now or timezone.now())
    return _queue_order(qs)


def keeper_tickets(user) -> QuerySet:
    """The open tickets of the user's stations, oldest due first."""
    if not user.is_authenticated:
        return Ticket.objects.none()
    return (
        _tickets()
        .filter(station__keeper=user, station__is_active=True, status__in=OPEN_TICKET_STATUSES)
        .order_by("due_at", "number")
    )


def timeline(ticket: Ticket) -> list[TicketEvent]:
    """The ticket's events, oldest first."""
    return list(ticket.events.all())


def event_label(kind: str) -> str:
    """What a timeline event says (an unknown kind as it is)."""
    return str(dict(TicketEventKind.choices).get(kind, kind))


def reports_count(ticket: Ticket) -> int:
    """How many reports the ticket stands for (the first and every repeat)."""
    return 1 + ticket.events.filter(kind=TicketEventKind.REPORTED_AGAIN).count()


def should_have_been_open(ticket: Ticket) -> bool:
    """Reported "locked" while its hours said open (a report the keeper must explain)."""
    return ticket.events.filter(kind=TicketEventKind.SHOULD_BE_OPEN).exists()


def sla_state(ticket: Ticket, now=None) -> tuple[str, str]:
    """(colour, code) of the due time: ``closed``; ``red``/``overdue`` past due; ``amber``/
    ``due_soon`` in the last quarter of the SLA time; else ``green``/``in_time``."""
    if ticket.status not in OPEN_TICKET_STATUSES:
        return "closed", "closed"
    now = now or timezone.now()
    if now > ticket.due_at:
        return "red", "overdue"
    if (ticket.due_at - now) * 4 <= ticket.due_at - ticket.reported_at:
        return "amber", "due_soon"
    return "green", "in_time"


def with_sla(tickets, now=None) -> list[Ticket]:
    """The tickets, each with ``sla_colour`` and ``sla_code`` set (for the pages)."""
    now = now or timezone.now()
    rows = list(tickets)
    for ticket in rows:
        ticket.sla_colour, ticket.sla_code = sla_state(ticket, now)
    return rows


# --- the closed-loop rate --------------------------------------------------------------------


@dataclass(frozen=True)
class ClosedLoop:
    """Tickets due in a period (rejected ones left out: they were not real problems) and how
    they ended. ``rate`` = resolved on time ÷ due; ``resolved_rate`` = resolved at all ÷ due;
    ``median_hours`` = median of (resolved at − reported at) among the resolved ones."""

    due: int
    resolved: int
    on_time: int
    still_open: int
    rejected: int
    median_hours: Decimal | None

    @property
    def rate(self) -> Decimal | None:
        return percent(self.on_time, self.due)

    @property
    def resolved_rate(self) -> Decimal | None:
        return percent(self.resolved, self.due)


def default_period(now=None) -> tuple[datetime.datetime, datetime.datetime]:
    now = now or timezone.now()
    return now - datetime.timedelta(days=RATE_PERIOD_DAYS), now


def closed_loop(organisation: Organisation, *, start=None, end=None, subtree: bool = True) -> ClosedLoop:
    """The closed-loop figures of the tickets owned by ``organisation`` (with ``subtree``,
    also by every union below it) whose due time falls in [start, end) — by default the last
    90 days up to now."""
    if start is None or end is None:
        start, end = default_period()
    if subtree:
        qs = Ticket.objects.filter(permissions.below(organisation))
    else:
        qs = Ticket.objects.filter(organisation=organisation)
    qs = qs.filter(due_at__gte=start, due_at__lt=end)
    row = qs.aggregate(
        due=Count("pk", filter=~Q(status=TicketStatus.REJECTED)),
        resolved=Count("pk", filter=Q(status=TicketStatus.RESOLVED)),
        on_time=Count("pk", filter=Q(status=TicketStatus.RESOLVED, resolved_on_time=True)),
        still_open=Count("pk", filter=Q(status__in=OPEN_TICKET_STATUSES)),
        rejected=Count("pk", filter=Q(status=TicketStatus.REJECTED)),
    )
    durations = [
        (resolved - reported).total_seconds() / 3600
        for reported, resolved in qs.filter(status=TicketStatus.RESOLVED).values_list(
            "reported_at", "resolved_at"
        )
        if resolved is not None
    ]
    median = (
        Decimal(str(statistics.median(durations))).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        if durations
        else None
    )
    return ClosedLoop(median_hours=median, **row)


def closed_loop_table(
    user, organisation: Organisation, *, start=None, end=None
) -> list[tuple[Organisation, ClosedLoop]]:
    """The union (with its subtree) and each of its active child unions (with theirs)."""
    scoping.require(user, Action.VIEW, organisation)
    rows = [(organisation, closed_loop(organisation, start=start, end=end))]
    children = (
        organisation_selectors.subtree(organisation)
        .filter(depth=organisation.depth + 1, is_active=True)
        .order_by("code")
    )
    for child in children:
        rows.append((child, closed_loop(child, start=start, end=end)))
    return rows


def organisation_in_scope_or_404(user, code: str) -> Organisation:
    return scoping.get_organisation_or_404(user, code, Action.VIEW)


def home_organisation(user) -> Organisation | None:
    homes = scoping.home_organisations(user, Action.VIEW)
    return homes[0] if homes else None
