"""我为群众办实事 over HTTP: the practical needs of the unions in the caller's scope, and each
union's published list."""

import datetime

from ninja import Router, Schema, Status

from gonghui.core import inputs, pagination
from gonghui.core.api import fresh, uuid_or_404
from gonghui.organisations import scoping
from gonghui.organisations.api import OrgRef, org_ref
from gonghui.rights import selectors
from gonghui.rights.services import needs as services

router = Router()


class NeedOut(Schema):
    id: str
    organisation: OrgRef
    title: str
    source: str
    request: str | None
    owner: str
    deadline: datetime.date
    status: str
    progress: str
    rating: int | None
    created_at: datetime.datetime


class NeedList(Schema):
    items: list[NeedOut]
    count: int


class PublicNeed(Schema):
    title: str
    owner: str
    deadline: datetime.date
    status: str
    progress: str
    rating: int | None


class PublicNeedList(Schema):
    organisation: OrgRef
    items: list[PublicNeed]
    count: int


class NeedIn(Schema):
    organisation: str = ""
    title: str = ""
    owner: str = ""
    deadline: datetime.date | None = None
    request: str = ""


class NeedProgressIn(Schema):
    status: str = ""
    progress: str = ""


class NeedRateIn(Schema):
    rating: int | None = None


def _need(n) -> dict:
    return {
        "id": str(n.pk),
        "organisation": org_ref(n.organisation),
        "title": n.title,
        "source": n.source,
        "request": str(n.request_id) if n.request_id else None,
        "owner": n.owner,
        "deadline": n.deadline,
        "status": n.status,
        "progress": n.progress,
        "rating": n.rating,
        "created_at": n.created_at,
    }


@router.get("practical-needs", response=NeedList)
def list_practical_needs(
    request, status: str = "", organisation: str = "", page: int = 1, page_size: int = 20
):
    """我为群众办实事 needs of the unions in the caller's scope (``organisation``: a union code,
    with everything below it)."""
    req = pagination.parse(page, page_size)
    org = scoping.get_organisation_or_404(request.user, organisation) if organisation else None
    items, count = pagination.slice_queryset(
        selectors.needs_filtered(request.user, status=status, organisation=org), req
    )
    return {"items": [_need(n) for n in items], "count": count}


@router.post("practical-needs", response={201: NeedOut})
def create_practical_need(request, payload: NeedIn):
    """A need of a union in the caller's scope, from a request held in its subtree or from a
    meeting, with an owner (a department or post) and a deadline."""
    code = inputs.text(payload.organisation, "organisation", required=True)
    org = scoping.get_organisation_or_404(request.user, code, scoping.Action.HANDLE_REQUESTS)
    linked = selectors.request_or_404(request.user, uuid_or_404(payload.request)) if payload.request else None
    need = services.need_create(
        actor=request.user,
        organisation=org,
        title=payload.title,
        owner=payload.owner,
        deadline=payload.deadline,
        request=linked,
    )
    return Status(201, fresh(_need, selectors.need_or_404, request, need.pk))


@router.get("practical-needs/public/{code}", response=PublicNeedList, auth=None)
def public_practical_needs(request, code: str, page: int = 1, page_size: int = 20):
    """A union's needs as published: titles, owners, deadlines, progress and ratings — no
    personal data and no link to a request."""
    org = selectors.public_union_or_404(code)
    req = pagination.parse(page, page_size)
    items, count = pagination.slice_queryset(selectors.public_needs(org), req)
    return {
        "organisation": org_ref(org),
        "items": [
            {
                "title": n.title,
                "owner": n.owner,
                "deadline": n.deadline,
                "status": n.status,
                "progress": n.progress,
                "rating": n.rating,
            }
            for n in items
        ],
        "count": count,
    }


@router.get("practical-needs/{need_id}", response=NeedOut)
def get_practical_need(request, need_id: str):
    return _need(selectors.need_or_404(request.user, uuid_or_404(need_id)))


@router.post("practical-needs/{need_id}/progress", response=NeedOut)
def practical_need_progress(request, need_id: str, payload: NeedProgressIn):
    """Update the status (planned, in_progress, done) and the public progress."""
    need = selectors.need_or_404(request.user, uuid_or_404(need_id))
    services.need_progress(actor=request.user, need=need, status=payload.status, progress=payload.progress)
    return fresh(_need, selectors.need_or_404, request, need.pk)


@router.post("practical-needs/{need_id}/rate", response=NeedOut)
def rate_practical_need(request, need_id: str, payload: NeedRateIn):
    """Record the people's evaluation (1–5) of a need that is done."""
    need = selectors.need_or_404(request.user, uuid_or_404(need_id))
    services.need_rate(actor=request.user, need=need, rating=payload.rating)
    return fresh(_need, selectors.need_or_404, request, need.pk)
