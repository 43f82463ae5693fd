"""What each role's home page lists, read through the domain apps' own selectors (the portal
owns no table). Every count here is scoped by the app that owns the rows: an officer's queues
are the ones ``scoping`` gives them, a keeper's tickets are those of their own stations, a
supervisor's appeals and objections those of their ``supervise`` scope, a judge's sheets those
they are assigned to, a member's requests and notifications their own."""

from dataclasses import dataclass

from gonghui.assistance import selectors as assistance_selectors
from gonghui.assistance.choices import Status as HouseholdStatus
from gonghui.competitions import selectors as competition_selectors
from gonghui.honours import selectors as honour_selectors
from gonghui.members import selectors as member_selectors
from gonghui.notifications import selectors as notification_selectors
from gonghui.organisations import scoping
from gonghui.organisations.choices import Role
from gonghui.rights import selectors as rights_selectors
from gonghui.rights.choices import OPEN_STATUSES as OPEN_REQUEST_STATUSES
from gonghui.stations.selectors import stations as station_selectors
from gonghui.stations.selectors import tickets as ticket_selectors

Action = scoping.Action

# A hardship file waits for the union at each of these steps (after them it is filed, out of
# hardship or closed: reviewed on its own schedule, no longer a queue item).
HOUSEHOLD_IN_PROGRESS = (
    HouseholdStatus.APPLIED,
    HouseholdStatus.SCREENED,
    HouseholdStatus.VISITED,
    HouseholdStatus.REVIEWED,
    HouseholdStatus.PUBLICISED,
)


@dataclass(frozen=True)
class Queue:
    """One line of an officer's work: what, how many, and how many are late."""

    key: str
    count: int
    overdue: int = 0


def officer_queues(user) -> list[Queue]:
    """The queues the user works, each only when one of their roles allows the action that
    works it (a viewer has none), counted over their own scope only."""
    queues = []
    if scoping.has_any(user, Action.APPROVE_ENROLMENT):
        pending = member_selectors.enrolment_queue(user)
        queues.append(
            Queue(
                "enrolments",
                pending.count(),
                member_selectors.enrolment_queue(user, overdue_only=True).count(),
            )
        )
    if scoping.has_any(user, Action.TRANSFER):
        queues.append(Queue("transfers", member_selectors.transfer_queue(user).count()))
    if scoping.has_any(user, Action.HANDLE_REQUESTS):
        queues.append(
            Queue(
                "requests",
                rights_selectors.request_queue(user, status="open").count(),
                rights_selectors.request_queue(user, overdue_only=True).count(),
            )
        )
    if scoping.has_any(user, Action.MANAGE_ASSISTANCE):
        in_progress = assistance_selectors.household_queue(user).filter(status__in=HOUSEHOLD_IN_PROGRESS)
        queues.append(Queue("households", in_progress.count()))
    if scoping.has_any(user, Action.MANAGE_STATIONS):
        queues.append(
            Queue(
                "tickets",
                ticket_selectors.ticket_queue(user, status="active").count(),
                ticket_selectors.ticket_queue(user, overdue=True).count(),
            )
        )
    return queues


def is_keeper(user) -> bool:
    return scoping.holds_role(user, Role.STATION_KEEPER)


def keeper_work(user) -> dict:
    """A keeper's stations and the open repair tickets of those stations."""
    return {
        "stations": station_selectors.kept_stations(user),
        "tickets": list(ticket_selectors.keeper_tickets(user).select_related("station")[:20]),
    }


def supervisor_work(user) -> dict:
    """Appeals and 公示 objections waiting for a supervisor's decision."""
    return {
        "appeals": list(competition_selectors.pending_appeals(user)[:20]),
        "objections": list(honour_selectors.pending_objections(user)[:20]),
    }


def is_judge(user) -> bool:
    return scoping.holds_role(user, Role.JUDGE)


def judge_work(user) -> list:
    """``[(competition, open sheets)]`` a judge still has to mark."""
    return competition_selectors.open_sheets_of_judge(user)


def hall(user) -> dict:
    """The service hall's figures for a signed-in person: their member record (None for a
    visitor), unread notifications, their open requests and, for a member, the competitions
    taking registrations in their union or above it."""
    member = member_selectors.own_member(user)
    open_requests = list(rights_selectors.own_requests(user).filter(status__in=OPEN_REQUEST_STATUSES)[:10])
    return {
        "member": member,
        "unread": notification_selectors.unread_count(user),
        "open_requests": open_requests,
        "open_competitions": competition_selectors.open_for_member(member).count() if member else 0,
        "household": assistance_selectors.household_of_user(user) if member else None,
    }
