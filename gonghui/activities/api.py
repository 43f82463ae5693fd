"""Activities over HTTP (mounted at /api/v1/activities; the contract, docs/product.md §4.4). Thin: parse →
service → shape. Lists are ``{"items", "count"}``, paginated like every list.

Anyone may list and read the activities open to anyone signed in (the public pages show
them); signing up needs an account. A second live sign-up answers 409 ``already_signed_up``; a
members-only activity seen by an officer who is not one of its members answers 403
``members_only``; any activity the caller cannot see answers 404.
"""

import datetime

from django.core.exceptions import ValidationError
from ninja import Router, Schema, Status

from gonghui.accounts.api import AUTH
from gonghui.activities import permissions, selectors
from gonghui.activities.services import activities as services
from gonghui.activities.services import signups
from gonghui.core import pagination
from gonghui.core.api import anyone, error_answers, fresh, uuid_or_404
from gonghui.organisations import scoping
from gonghui.organisations.api import OrgRef, org_ref
from gonghui.organisations.models import Organisation

router = Router(tags=["activities"])


class ActivityItem(Schema):
    id: str
    title: str
    kind: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    capacity: int
    confirmed: int
    waitlisted: int
    audience: str


class ActivityList(Schema):
    items: list[ActivityItem]
    count: int


class Question(Schema):
    label: str
    required: bool


class MySignup(Schema):
    status: str
    position: int | None


class ActivityDetail(ActivityItem):
    status: str
    organisation: OrgRef
    description: str
    division_code: str
    address: str
    lat: float | None
    lng: float | None
    signup_opens: datetime.datetime | None
    signup_closes: datetime.datetime | None
    cancel_until: datetime.datetime | None
    waitlist: bool
    questions: list[Question]
    records_hours: bool
    my_signup: MySignup | None


class SignupIn(Schema):
    # One answer per question, in the activity's order.
    answers: list[str] = []


class SignupOut(Schema):
    status: str
    # Where a waiting sign-up stands now (1: next to get a place); null with a place.
    position: int | None


class CancelledOut(Schema):
    status: str


class ReservationIn(Schema):
    organisation: str
    places: int


class ActivityIn(Schema):
    organisation: str
    kind: str
    title: str
    description: str = ""
    audience: str
    targets: list[str] = []
    division_code: str
    address: str
    lat: float | None = None
    lng: float | None = None
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    signup_opens: datetime.datetime | None = None
    signup_closes: datetime.datetime | None = None
    cancel_until: datetime.datetime | None = None
    capacity: int
    waitlist: bool = True
    reservations: list[ReservationIn] = []
    questions: list[Question] = []
    records_hours: bool = False


class ActivityCancelIn(Schema):
    reason: str


class SignupRow(Schema):
    id: str
    status: str
    position: int | None
    user: str
    member: str | None
    union: OrgRef | None
    answers: list[dict]
    created_at: datetime.datetime
    promoted_at: datetime.datetime | None
    cancelled_at: datetime.datetime | None


class SignupList(Schema):
    items: list[SignupRow]
    count: int


def activity_item(activity) -> dict:
    return {
        "id": str(activity.pk),
        "title": activity.title,
        "kind": activity.kind,
        "starts_at": activity.starts_at,
        "ends_at": activity.ends_at,
        "capacity": activity.capacity,
        "confirmed": activity.confirmed,
        "waitlisted": activity.waitlisted,
        "audience": activity.audience,
    }


def activity_detail(user, activity) -> dict:
    mine = selectors.own_signup(user, activity)
    return {
        **activity_item(activity),
        "status": activity.status,
        "organisation": org_ref(activity.organisation),
        "description": activity.description,
        "division_code": activity.division_code,
        "address": activity.address,
        "lat": activity.lat,
        "lng": activity.lng,
        "signup_opens": activity.signup_opens,
        "signup_closes": activity.signup_closes,
        "cancel_until": activity.cancel_until,
        "waitlist": activity.waitlist,
        "questions": activity.questions,
        "records_hours": activity.records_hours,
        "my_signup": {"status": mine.status, "position": selectors.queue_rank(mine)} if mine else None,
    }


@router.get("", response=ActivityList, auth=[*AUTH, anyone])
def list_activities(request, kind: str = "", upcoming: bool = False, page: int = 1, page_size: int = 20):
    """Published (and cancelled) activities the caller may see, soonest first; ``upcoming=true``
    leaves out those that have ended."""
    req = pagination.parse(page, page_size)
    qs = selectors.activity_list(request.user, upcoming_only=upcoming)
    if kind:
        qs = qs.filter(kind=kind)
    items, count = pagination.slice_queryset(qs, req)
    return {"items": [activity_item(a) for a in items], "count": count}


@router.get("{activity_id}", response=ActivityDetail, auth=[*AUTH, anyone])
def get_activity(request, activity_id: str):
    return activity_detail(request.user, selectors.activity_or_404(request.user, uuid_or_404(activity_id)))


@router.post("{activity_id}/signups", response={201: SignupOut, **error_answers(403, 409)})
def sign_up(request, activity_id: str, payload: SignupIn | None = None):
    """Sign up: a place (``confirmed``) or a turn on the waiting list (``waitlisted`` with its
    ``position``). A second sign-up answers 409 ``already_signed_up``."""
    activity = selectors.activity_or_404(request.user, uuid_or_404(activity_id))
    answers = payload.answers if payload else []
    try:
        signup = signups.signup_create(actor=request.user, activity=activity, answers=answers)
    except permissions.MembersOnly as exc:
        return Status(403, {"detail": exc.args[0], "code": permissions.MembersOnly.code})
    except ValidationError as exc:
        code = None if hasattr(exc, "error_dict") else exc.error_list[0].code
        if code in signups.CONFLICT_CODES:
            return Status(409, {"detail": exc.messages[0], "code": code})
        raise
    return Status(201, {"status": signup.status, "position": selectors.queue_rank(signup)})


@router.delete("{activity_id}/signups/me", response=CancelledOut)
def cancel_sign_up(request, activity_id: str):
    """Cancel my sign-up; a place freed goes to the first on the waiting list, who is told
    (``activity.promoted``)."""
    activity = selectors.activity_or_404(request.user, uuid_or_404(activity_id))
    signup = signups.signup_cancel(actor=request.user, activity=activity)
    return {"status": signup.status}


# ---- organisers ---------------------------------------------------------------------------


def _union(user, code: str) -> Organisation:
    return scoping.get_organisation_or_404(user, code, scoping.Action.MANAGE_ACTIVITIES)


def _data(user, payload: ActivityIn) -> dict:
    data = payload.dict(exclude={"organisation", "targets", "reservations", "questions"})
    data["targets"] = [_union(user, code) for code in payload.targets]
    data["reservations"] = [(_union(user, r.organisation), r.places) for r in payload.reservations]
    data["questions"] = [q.dict() for q in payload.questions]
    return data


@router.post("", response={201: ActivityDetail})
def create_activity(request, payload: ActivityIn):
    """A draft activity of ``organisation`` (a union code; ``manage_activities`` there)."""
    organisation = _union(request.user, payload.organisation)
    activity = services.activity_create(
        actor=request.user, organisation=organisation, data=_data(request.user, payload)
    )
    return Status(
        201,
        fresh(lambda a: activity_detail(request.user, a), selectors.activity_or_404, request, activity.pk),
    )


@router.post("{activity_id}/publish", response=ActivityDetail)
def publish_activity(request, activity_id: str):
    activity = selectors.managed_activity_or_404(request.user, uuid_or_404(activity_id))
    services.activity_publish(actor=request.user, activity=activity)
    return fresh(lambda a: activity_detail(request.user, a), selectors.activity_or_404, request, activity.pk)


@router.post("{activity_id}/cancel", response=ActivityDetail)
def cancel_activity(request, activity_id: str, payload: ActivityCancelIn):
    """Call the activity off; everyone signed up is told (``activity.cancelled``)."""
    activity = selectors.managed_activity_or_404(request.user, uuid_or_404(activity_id))
    services.activity_cancel(actor=request.user, activity=activity, reason=payload.reason)
    return fresh(lambda a: activity_detail(request.user, a), selectors.activity_or_404, request, activity.pk)


@router.get("{activity_id}/signups", response=SignupList)
def list_signups(request, activity_id: str, status: str = "", page: int = 1, page_size: int = 20):
    """The activity's sign-ups for its organisers: places, then the waiting list in order."""
    activity = selectors.managed_activity_or_404(request.user, uuid_or_404(activity_id))
    req = pagination.parse(page, page_size)
    items, count = pagination.slice_queryset(selectors.signups_of(activity, status=status), req)
    return {
        "items": [
            {
                "id": str(s.pk),
                "status": s.status,
                "position": s.position if s.status == "waitlisted" else None,
                "user": s.user.get_username(),
                "member": s.member.name if s.member else None,
                "union": org_ref(s.member.organisation) if s.member else None,
                "answers": s.answers,
                "created_at": s.created_at,
                "promoted_at": s.promoted_at,
                "cancelled_at": s.cancelled_at,
            }
            for s in items
        ],
        "count": count,
    }
