"""Requests (诉求) over HTTP: filing and rating by the worker, the officers' queue and actions.
The request's shapes (:func:`request_item`, :func:`request_detail`, :func:`transfer_out`) are
shared with the wage-arrears and legal-aid endpoints."""

import datetime

from django.conf import settings
from django.http import Http404
from ninja import Router, Schema, Status

from gonghui.accounts.api import AUTH
from gonghui.core import pagination, throttle
from gonghui.core.api import anyone, error_answers, fresh, uuid_or_404
from gonghui.core.inputs import money_text
from gonghui.organisations.api import OrgRef, org_ref
from gonghui.rights import selectors
from gonghui.rights.services import requests as services
from gonghui.rights.services import transfers, worker

router = Router()


class WorkerIn(Schema):
    name: str
    phone: str = ""
    amount: str


class RequestIn(Schema):
    channel: str = "app"
    category: str
    description: str
    work_division: str
    employer: str = ""
    name: str = ""
    phone: str = ""
    project: str = ""
    amount_owed: str | None = None
    workers_count: int | None = None
    workers: list[WorkerIn] = []


class EventOut(Schema):
    kind: str
    at: datetime.datetime
    organisation: OrgRef
    note: str


class RequestItem(Schema):
    id: str
    number: str
    channel: str
    category: str
    complexity: str
    status: str
    name: str
    phone: str
    employer: str
    work_division: str
    held_by: OrgRef
    routed_to: OrgRef
    routed_by: str
    submitted_at: datetime.datetime
    due_on: datetime.date
    overdue: bool
    escalations: int
    rating: int | None


class RequestTransferOut(Schema):
    id: str
    from_organisation: OrgRef
    to_organisation: OrgRef
    status: str
    reason: str
    letter: bool
    created_at: datetime.datetime
    decision_note: str


class RequestDetail(RequestItem):
    description: str
    accepted_at: datetime.datetime | None
    followed_up_at: datetime.datetime | None
    follow_up_note: str
    pending_transfer: RequestTransferOut | None
    reply: str
    closed_at: datetime.datetime | None
    closed_on_time: bool | None
    project: str
    amount_owed: str | None
    workers_count: int | None
    timeline: list[EventOut]


class RequestList(Schema):
    items: list[RequestItem]
    count: int


class RateIn(Schema):
    rating: int
    comment: str = ""
    phone: str = ""


def request_item(r) -> dict:
    """A request as listed (phone masked)."""
    return {
        "id": str(r.pk),
        "number": r.number,
        "channel": r.channel,
        "category": r.category,
        "complexity": r.complexity,
        "status": r.status,
        "name": r.name,
        "phone": r.phone_masked,
        "employer": r.employer,
        "work_division": r.work_division,
        "held_by": org_ref(r.organisation),
        "routed_to": org_ref(r.routed_to),
        "routed_by": r.routed_by,
        "submitted_at": r.submitted_at,
        "due_on": r.due_on,
        "overdue": r.is_overdue,
        "escalations": r.escalations,
        "rating": r.rating,
    }


def transfer_out(t) -> dict:
    """A transfer of a request to another union (with a letter: a referral)."""
    return {
        "id": str(t.pk),
        "from_organisation": org_ref(t.from_organisation),
        "to_organisation": org_ref(t.to_organisation),
        "status": t.status,
        "reason": t.reason,
        "letter": t.letter,
        "created_at": t.created_at,
        "decision_note": t.decision_note,
    }


def request_detail(r) -> dict:
    """A request with its story, reply, waiting transfer and timeline."""
    data = request_item(r)
    pending = selectors.pending_transfer(r)
    data.update(
        accepted_at=r.accepted_at,
        followed_up_at=r.followed_up_at,
        follow_up_note=r.follow_up_note,
        pending_transfer=transfer_out(pending) if pending else None,
        description=r.description,
        reply=r.reply,
        closed_at=r.closed_at,
        closed_on_time=r.closed_on_time,
        project=r.project,
        amount_owed=money_text(r.amount_owed),
        workers_count=r.workers_count,
        timeline=[
            {"kind": e.kind, "at": e.at, "organisation": org_ref(e.organisation), "note": e.note}
            for e in selectors.timeline(r)
        ],
    )
    return data


@router.post("requests", response={201: RequestDetail, **error_answers(429)}, auth=[*AUTH, anyone])
def file_request(request, payload: RequestIn):
    """File a request (诉求). A logged-in member files as themself; anyone else gives a name
    and mobile number. Routed to the employer's union, else the union of the work place."""
    throttle.hit(
        "rights-request", throttle.client_key(request), limit=settings.GONGHUI_PUBLIC_FORM_RATE, window=3600
    )
    member = selectors.own_member(request.user)
    r = services.request_file(actor=request.user, member=member, **payload.dict())
    return Status(201, request_detail(r))


@router.get("requests", response=RequestList)
def list_requests(request, status: str = "", overdue: bool = False, page: int = 1, page_size: int = 20):
    """Requests in the caller's scope (officers) or the caller's own (workers)."""
    req = pagination.parse(page, page_size)
    qs = selectors.requests_for(request.user, status=status, overdue_only=overdue)
    items, count = pagination.slice_queryset(qs, req)
    return {"items": [request_item(r) for r in items], "count": count}


@router.get("me/requests", response=RequestList)
def my_requests(request, page: int = 1, page_size: int = 20):
    """The caller's own requests (filed by them, or for their member record), newest first —
    an officer's too: not their queue."""
    req = pagination.parse(page, page_size)
    items, count = pagination.slice_queryset(selectors.own_requests(request.user), req)
    return {"items": [request_item(r) for r in items], "count": count}


@router.get("requests/{request_id}", response=RequestDetail)
def get_request(request, request_id: str):
    return request_detail(selectors.request_or_404(request.user, uuid_or_404(request_id)))


class RatedOut(Schema):
    id: str
    status: str
    rating: int


@router.post(
    "requests/{request_id}/rate", response={200: RatedOut, **error_answers(429)}, auth=[*AUTH, anyone]
)
def rate_request(request, request_id: str, payload: RateIn):
    """The worker rates a closed request 1–5, once (logged in, or with the phone number). A
    wrong phone number answers 404 exactly like an unknown request; throttled per client and
    per request."""
    throttle.hit(
        "rights-rate", throttle.client_key(request), limit=settings.GONGHUI_PUBLIC_FORM_RATE, window=3600
    )
    pk = uuid_or_404(request_id)
    r = selectors.request_public_or_none(pk)
    worker.count_rating_attempt(actor=request.user, request_id=pk, req=r)
    if r is None:
        raise Http404
    r = worker.request_rate(
        actor=request.user, request=r, rating=payload.rating, comment=payload.comment, phone=payload.phone
    )
    # Only what the rater needs: whoever rates by phone number gets none of the request back.
    return {"id": str(r.pk), "status": r.status, "rating": r.rating}


# ---- officer actions on requests ------------------------------------------------------------
# The request is fetched in the caller's scope first (404 outside it); the service then checks
# ``handle_requests`` on the union holding it (403 for someone who sees it but may not act).
# Bodies default to empty so that the object is always looked up before the input: the service
# names the missing field.


class EscalateIn(Schema):
    reason: str = ""


class ReplyIn(Schema):
    reply: str = ""


class NoteIn(Schema):
    note: str = ""


class ComplexityIn(Schema):
    complexity: str = ""
    reason: str = ""


class RequestTransferIn(Schema):
    to: str = ""
    reason: str = ""
    letter: bool = False


@router.post("requests/{request_id}/accept", response=RequestDetail)
def accept_request(request, request_id: str):
    """受理: the holding union takes the request on."""
    r = selectors.request_or_404(request.user, uuid_or_404(request_id))
    services.request_accept(actor=request.user, request=r)
    return fresh(request_detail, selectors.request_or_404, request, r.pk)


@router.post("requests/{request_id}/complexity", response=RequestDetail)
def set_request_complexity(request, request_id: str, payload: ComplexityIn):
    """Class the request (ordinary, difficult, complex) with a reason; the due date is counted
    again from the day it came in."""
    r = selectors.request_or_404(request.user, uuid_or_404(request_id))
    services.request_set_complexity(
        actor=request.user, request=r, complexity=payload.complexity, reason=payload.reason
    )
    return fresh(request_detail, selectors.request_or_404, request, r.pk)


@router.post("requests/{request_id}/close", response=RequestDetail)
def close_request(request, request_id: str, payload: ReplyIn):
    """办结: reply to the worker and close; on time when on or before the due date."""
    r = selectors.request_or_404(request.user, uuid_or_404(request_id))
    services.request_close(actor=request.user, request=r, reply=payload.reply)
    return fresh(request_detail, selectors.request_or_404, request, r.pk)


@router.post("requests/{request_id}/transfer", response={201: RequestTransferOut})
def transfer_request(request, request_id: str, payload: RequestTransferIn):
    """转办: propose another union (by code) with a reason; it moves when that union accepts.
    ``letter``: a cross-region referral with a printable letter."""
    r = selectors.request_or_404(request.user, uuid_or_404(request_id))
    t = transfers.request_transfer(
        actor=request.user, request=r, to=payload.to, reason=payload.reason, letter=payload.letter
    )
    return Status(201, fresh(transfer_out, selectors.transfer_or_404, request, t.pk))


@router.post("requests/{request_id}/transfer/accept", response=RequestDetail)
def accept_request_transfer(request, request_id: str):
    """The receiving union accepts the waiting transfer: it now holds the request."""
    r = selectors.request_or_404(request.user, uuid_or_404(request_id))
    transfers.transfer_decide(actor=request.user, transfer=transfers.waiting_transfer(r), accept=True)
    return fresh(request_detail, selectors.request_or_404, request, r.pk)


@router.post("requests/{request_id}/transfer/refuse", response=RequestTransferOut)
def refuse_request_transfer(request, request_id: str, payload: NoteIn):
    """The receiving union refuses the waiting transfer with a reason (``note``); the request
    stays where it was (and leaves the refusing union's view)."""
    r = selectors.request_or_404(request.user, uuid_or_404(request_id))
    t = transfers.transfer_decide(
        actor=request.user, transfer=transfers.waiting_transfer(r), accept=False, note=payload.note
    )
    return transfer_out(t)


@router.post("requests/{request_id}/escalate", response=RequestDetail)
def escalate_request(request, request_id: str, payload: EscalateIn):
    """上报: hand the request up to the parent union with a reason (the due date is kept)."""
    r = selectors.request_or_404(request.user, uuid_or_404(request_id))
    # the escalating union may no longer see the request: answer with what it just did
    return request_detail(services.request_escalate(actor=request.user, request=r, reason=payload.reason))


@router.post("requests/{request_id}/follow-up", response=RequestDetail)
def follow_up_request(request, request_id: str, payload: NoteIn):
    """回访: record the follow-up call after closing."""
    r = selectors.request_or_404(request.user, uuid_or_404(request_id))
    services.request_follow_up(actor=request.user, request=r, note=payload.note)
    return fresh(request_detail, selectors.request_or_404, request, r.pk)
