"""Requests over HTTP (mounted at /api/v1/). Thin: parse → service → shape."""

import datetime

from django.conf import settings
from ninja import Router, Schema, Status

from gonghui.accounts.api import AUTH
from gonghui.core import pagination, throttle
from gonghui.core.api import uuid_or_404 as _uuid
from gonghui.organisations import scoping
from gonghui.organisations.api import OrgRef, org_ref
from gonghui.rights import selectors
from gonghui.rights.services import requests as services

router = Router(tags=["rights"])


def _anyone(request):
    return True


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
    channel: str
    category: str
    complexity: str
    status: str
    name: str
    phone: str
    employer: str
    work_division: str
    held_by: OrgRef
    routed_by: str
    submitted_at: datetime.datetime
    due_on: datetime.date
    overdue: bool
    escalations: int
    rating: int | None


class RequestDetail(RequestItem):
    description: str
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


def _item(r) -> dict:
    return {
        "id": str(r.pk),
        "channel": r.channel,
        "category": r.category,
        "complexity": r.complexity,
        "status": r.status,
        "name": r.name,
        "phone": r.phone_masked,
        "employer": r.employer,
        "work_division": r.work_division,
        "held_by": org_ref(r.organisation),
        "routed_by": r.routed_by,
        "submitted_at": r.submitted_at,
        "due_on": r.due_on,
        "overdue": r.is_overdue,
        "escalations": r.escalations,
        "rating": r.rating,
    }


def _detail(r) -> dict:
    data = _item(r)
    data.update(
        description=r.description,
        reply=r.reply,
        closed_at=r.closed_at,
        closed_on_time=r.closed_on_time,
        project=r.project,
        amount_owed=f"{r.amount_owed:.2f}" if r.amount_owed is not None else None,
        workers_count=r.workers_count,
        timeline=[
            {"kind": e.kind, "at": e.at, "organisation": org_ref(e.organisation), "note": e.note}
            for e in selectors.timeline(r)
        ],
    )
    return data


@router.post("requests", response={201: RequestDetail}, auth=[*AUTH, _anyone])
def file_request(request, payload: RequestIn):
    """File a request (诉求). A logged-in member files as themself; anyone else gives a name
    and mobile number. Routed to the employer's union, else the union of the work place."""
    throttle.hit(
        "rights-request", throttle.client_key(request), limit=settings.GONGHUI_PUBLIC_FORM_RATE, window=3600
    )
    member = selectors.own_member(request.user)
    data = payload.dict()
    data["workers"] = [w for w in data["workers"]]
    r = services.request_file(actor=request.user, member=member, **data)
    return Status(201, _detail(r))


@router.get("requests", response=RequestList)
def list_requests(request, status: str = "", overdue: bool = False, page: int = 1, page_size: int = 20):
    """Requests in the caller's scope (officers) or the caller's own (workers)."""
    req = pagination.parse(page, page_size)
    if scoping.has_any(request.user, scoping.Action.VIEW):
        qs = selectors.request_queue(request.user, status=status, overdue_only=overdue)
    else:
        qs = selectors.own_requests(request.user)
    items, count = pagination.slice_queryset(qs, req)
    return {"items": [_item(r) for r in items], "count": count}


@router.get("requests/{request_id}", response=RequestDetail)
def get_request(request, request_id: str):
    return _detail(selectors.request_or_404(request.user, _uuid(request_id)))


class RatedOut(Schema):
    id: str
    status: str
    rating: int


@router.post("requests/{request_id}/rate", response=RatedOut, auth=[*AUTH, _anyone])
def rate_request(request, request_id: str, payload: RateIn):
    """The worker rates a closed request 1–5, once (logged in, or with the phone number)."""
    throttle.hit(
        "rights-rate", throttle.client_key(request), limit=settings.GONGHUI_PUBLIC_FORM_RATE, window=3600
    )
    r = selectors.request_public(_uuid(request_id))
    r = services.request_rate(
        actor=request.user, request=r, rating=payload.rating, comment=payload.comment, phone=payload.phone
    )
    # Only what the rater needs: whoever rates by phone number gets none of the request back.
    return {"id": str(r.pk), "status": r.status, "rating": r.rating}
