"""Reads of problem reports (tickets), check-ins and suggested sites, scoped.

Officers see the tickets and suggestions of the unions in their scope (``organisations.
scoping``); a station's keeper sees the tickets of their stations. Out of scope answers 404,
like a missing object.
"""

import datetime
import statistics
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone

from gonghui.organisations import scoping
from gonghui.organisations.models import Organisation
from gonghui.stations.choices import OPEN_TICKET_STATUSES, SuggestionStatus, TicketStatus
from gonghui.stations.models import CheckIn, Station, Suggestion, Ticket
from gonghui.stations.services import tickets as ticket_services

Action = scoping.Action

RATE_PERIOD_DAYS = 90
USAGE_DAYS = 30


# --- stations --------------------------------------------------------------------------------


def _stations():
    return Station.objects.filter(is_active=True).select_related("organisation", "keeper")


def station_by_code_or_404(code: str) -> Station:
    """An active station by its public number (for the worker's pages)."""
    station = _stations().prefetch_related("hours", "exceptions").filter(code=code).first()
    if station is None:
        raise Http404
    return station


def station_by_id_or_404(pk) -> Station:
    station = _stations().prefetch_related("hours", "exceptions").filter(pk=pk).first()
    if station is None:
        raise Http404
    return station


def is_keeper(user, station: Station) -> bool:
    return bool(getattr(user, "is_authenticated", False) and station.keeper_id == user.pk)


def require_keep(user, station: Station) -> None:
    """The keeper or an officer who manages the station; an officer who only sees it gets
    403, anybody else 404."""
    if is_keeper(user, station) or scoping.can(user, Action.MANAGE_STATIONS, station.organisation):
        return
    if scoping.can(user, Action.VIEW, station.organisation):
        raise PermissionDenied
    raise Http404


def require_see_usage(user, station: Station) -> None:
    """The keeper or anyone who may view the owning union's records; else 404."""
    if is_keeper(user, station) or scoping.can(user, Action.VIEW, station.organisation):
        return
    raise Http404


def keeper_stations(user) -> QuerySet:
    if not getattr(user, "is_authenticated", False):
        return Station.objects.none()
    return _stations().filter(keeper=user).order_by("code")


# --- tickets ---------------------------------------------------------------------------------


def _tickets() -> QuerySet:
    return Ticket.objects.select_related("station", "organisation")


def ticket_public_or_404(number: str) -> Ticket:
    """A ticket by its number, for the reporter's progress page (shows no personal data)."""
    ticket = _tickets().filter(number=str(number)[:20]).first()
    if ticket is None:
        raise Http404
    return ticket


def ticket_or_404(user, number: str) -> Ticket:
    """A ticket the user may see: its station's keeper, or the owning union in the user's
    view scope; anybody else gets 404."""
    ticket = _tickets().filter(number=str(number)[:20]).first()
    if ticket is None:
        raise Http404
    if not (ticket_services.is_keeper(user, ticket) or scoping.can(user, Action.VIEW, ticket.organisation)):
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
        qs = qs.filter(organisation__path__startswith=organisation.path)
    if status == "active":
        qs = qs.filter(status__in=OPEN_TICKET_STATUSES)
    elif status:
        qs = qs.filter(status=status)
    if overdue:
        qs = qs.filter(status__in=OPEN_TICKET_STATUSES, due_at__lt=now or timezone.now())
    return _queue_order(qs)


def keeper_tickets(user) -> QuerySet:
    """The open tickets of the user's stations, oldest due first."""
    if not getattr(user, "is_authenticated", False):
        return Ticket.objects.none()
    return (
        _tickets()
        .filter(station__keeper=user, station__is_active=True, status__in=OPEN_TICKET_STATUSES)
        .order_by("due_at", "number")
    )


def timeline(ticket: Ticket):
    return ticket.events.all()


def reports_count(ticket: Ticket) -> int:
    return ticket_services.reports_count(ticket)


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

    @staticmethod
    def _pct(part: int, whole: int) -> Decimal | None:
        if not whole:
            return None
        return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def rate(self) -> Decimal | None:
        return self._pct(self.on_time, self.due)

    @property
    def resolved_rate(self) -> Decimal | None:
        return self._pct(self.resolved, self.due)


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
        qs = Ticket.objects.filter(organisation__path__startswith=organisation.path)
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
    children = Organisation.objects.filter(
        path__startswith=organisation.path, depth=organisation.depth + 1, is_active=True
    ).order_by("code")
    for child in children:
        rows.append((child, closed_loop(child, start=start, end=end)))
    return rows


def organisation_in_scope_or_404(user, code: str) -> Organisation:
    return scoping.get_organisation_or_404(user, code, Action.VIEW)


def home_organisation(user) -> Organisation | None:
    homes = scoping.home_organisations(user, Action.VIEW)
    return homes[0] if homes else None


# --- check-ins -------------------------------------------------------------------------------


def _days(days: int, today: datetime.date | None) -> tuple[datetime.date, datetime.date]:
    today = today or timezone.localdate()
    return today - datetime.timedelta(days=days - 1), today


def usage(station: Station, days: int = USAGE_DAYS, today: datetime.date | None = None):
    """[(day, check-ins)] for each of the last ``days`` days up to today, oldest first (days
    without a check-in count 0)."""
    first, last = _days(days, today)
    counts = dict(
        CheckIn.objects.filter(station=station, day__gte=first, day__lte=last)
        .values_list("day")
        .annotate(n=Count("pk"))
        .values_list("day", "n")
    )
    return [
        (first + datetime.timedelta(days=i), counts.get(first + datetime.timedelta(days=i), 0))
        for i in range(days)
    ]


def usage_total(
    organisation: Organisation, days: int = USAGE_DAYS, today: datetime.date | None = None
) -> int:
    """Check-ins at the stations of ``organisation``'s subtree over the last ``days`` days."""
    first, last = _days(days, today)
    return CheckIn.objects.filter(
        station__organisation__path__startswith=organisation.path, day__gte=first, day__lte=last
    ).count()


def usage_by_station(stations, days: int = USAGE_DAYS, today: datetime.date | None = None) -> dict:
    """{station id: check-ins over the last ``days`` days} for a list of stations (one query)."""
    first, last = _days(days, today)
    return dict(
        CheckIn.objects.filter(station__in=list(stations), day__gte=first, day__lte=last)
        .values_list("station_id")
        .annotate(n=Count("pk"))
        .values_list("station_id", "n")
    )


# --- suggestions -----------------------------------------------------------------------------


def _suggestions() -> QuerySet:
    return Suggestion.objects.select_related("organisation", "station")


def suggestion_queue(user, *, status: str = SuggestionStatus.PENDING) -> QuerySet:
    qs = scoping.restrict(_suggestions(), user, Action.VIEW)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("created_at", "pk") if status == SuggestionStatus.PENDING else qs


def suggestion_or_404(user, pk) -> Suggestion:
    suggestion = scoping.restrict(_suggestions(), user, Action.VIEW).filter(pk=pk).first()
    if suggestion is None:
        raise Http404
    return suggestion


def suggestion_public_or_404(pk) -> Suggestion:
    suggestion = _suggestions().filter(pk=pk).first()
    if suggestion is None:
        raise Http404
    return suggestion


def can_review(user, suggestion: Suggestion) -> bool:
    return scoping.can(user, Action.MANAGE_STATIONS, suggestion.organisation)


def can_review_any(user) -> bool:
    return scoping.has_any(user, Action.MANAGE_STATIONS)


def can_view_tickets(user) -> bool:
    return scoping.has_any(user, Action.VIEW)
