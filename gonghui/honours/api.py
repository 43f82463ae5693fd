"""Honours over HTTP (mounted at /api/v1/honours): the registry, nomination lists with their
quota status, and objections to a list on public notice (anonymous). Thin: parse → selector
or service → shape."""

import datetime

from django.conf import settings
from ninja import Router, Schema, Status

from gonghui.core import pagination, throttle
from gonghui.core.api import error_answers
from gonghui.honours import permissions, quota, selectors
from gonghui.honours.models import Honour, NominationList, Nominee
from gonghui.honours.services import lists, objections
from gonghui.organisations import scoping
from gonghui.organisations.api import OrgRef, org_ref

router = Router(tags=["honours"])


class MemberRef(Schema):
    id: str
    name: str
    member_no: str


class HonourItem(Schema):
    id: str
    kind: str
    kind_label: str
    level: str
    year: int
    issuing_body: str
    member: MemberRef | None
    team_name: str
    team_host: str
    organisation: OrgRef
    allowance: bool
    medical_benefit: bool
    source: str
    source_id: str
    granted_at: datetime.datetime


class HonourList(Schema):
    items: list[HonourItem]
    count: int


class QuotaItem(Schema):
    key: str
    label: str
    count: int
    total: int
    share_percent: str | None
    min_share: str
    met: bool
    text: str


class QuotaStatus(Schema):
    met: bool
    lines: list[QuotaItem]


class ListItem(Schema):
    id: str
    title: str
    kind: str
    level: str
    year: int
    organiser: OrgRef
    status: str
    publicity_start: datetime.date | None
    publicity_end: datetime.date | None
    nominees: int


class ListPage(Schema):
    items: list[ListItem]
    count: int


class NomineeItem(Schema):
    id: str
    name: str
    organisation: OrgRef
    employer: str
    status: str
    with_organisation: OrgRef | None
    is_industrial_worker: bool
    is_front_line: bool
    is_migrant_worker: bool
    enterprise_ownership: str


class ListDetail(Schema):
    id: str
    title: str
    kind: str
    level: str
    year: int
    organiser: OrgRef
    status: str
    publicity_start: datetime.date | None
    publicity_end: datetime.date | None
    issuing_body: str
    quota_rules: list[dict]
    quota_override_reason: str
    quota: QuotaStatus | None
    nominees: list[NomineeItem]


class ObjectionIn(Schema):
    contact: str
    text: str
    name: str = ""
    nominee: str | None = None


class ObjectionOut(Schema):
    id: str
    status: str
    due_on: datetime.date


def honour_item(h: Honour) -> dict:
    return {
        "id": str(h.pk),
        "kind": h.kind,
        "kind_label": str(h.get_kind_display()),
        "level": h.level,
        "year": h.year,
        "issuing_body": h.issuing_body,
        "member": {"id": str(h.member.pk), "name": h.member.name, "member_no": h.member.member_no}
        if h.member_id
        else None,
        "team_name": h.team_name,
        "team_host": h.team_host,
        "organisation": org_ref(h.organisation),
        "allowance": h.allowance,
        "medical_benefit": h.medical_benefit,
        "source": h.source,
        "source_id": h.source_id,
        "granted_at": h.granted_at,
    }


def quota_status(lines) -> dict:
    return {
        "met": quota.all_met(lines),
        "lines": [
            {
                "key": x.key,
                "label": x.label,
                "count": x.count,
                "total": x.total,
                "share_percent": None if x.share_percent is None else str(x.share_percent),
                "min_share": str(x.min_share),
                "met": x.met,
                "text": x.text(),
            }
            for x in lines
        ],
    }


def _list_common(nl: NominationList) -> dict:
    return {
        "id": str(nl.pk),
        "title": nl.title,
        "kind": nl.kind,
        "level": nl.level,
        "year": nl.year,
        "organiser": org_ref(nl.organiser),
        "status": nl.status,
        "publicity_start": nl.publicity_start,
        "publicity_end": nl.publicity_end,
    }


def nominee_item(n: Nominee) -> dict:
    return {
        "id": str(n.pk),
        "name": n.display_name,
        "organisation": org_ref(n.organisation),
        "employer": n.employer,
        "status": n.status,
        "with_organisation": org_ref(n.current_org),
        "is_industrial_worker": n.is_industrial_worker,
        "is_front_line": n.is_front_line,
        "is_migrant_worker": n.is_migrant_worker,
        "enterprise_ownership": n.enterprise_ownership,
    }


@router.get("nomination-lists", response=ListPage)
def list_nomination_lists(
    request, status: str = "", year: int | None = None, page: int = 1, page_size: int = 20
):
    """Nomination lists organised in the caller's scope or open to it (organised above it)."""
    req = pagination.parse(page, page_size)
    items, count = pagination.slice_queryset(
        selectors.nomination_list_list(request.user, status=status, year=year), req
    )
    return {"items": [_list_common(nl) | {"nominees": nl.nominee_count} for nl in items], "count": count}


@router.get("nomination-lists/{list_id}", response=ListDetail)
def get_nomination_list(request, list_id: str):
    """One list and the nominees the caller may see (its own subtree). The quota status
    counts the whole list, so only the organiser's scope gets it (``null`` for the unions
    below, which must not learn counts of their sibling branches)."""
    nl = selectors.nomination_list_or_404(request.user, list_id)
    whole = permissions.can_see_whole_list(request.user, nl)
    return _list_common(nl) | {
        "issuing_body": nl.issuing_body,
        "quota_rules": nl.quota_rules,
        "quota_override_reason": nl.quota_override_reason,
        "quota": quota_status(lists.quota_lines(nl)) if whole else None,
        "nominees": [nominee_item(n) for n in selectors.nominees_visible_to(request.user, nl)[:500]],
    }


@router.post(
    "nomination-lists/{list_id}/objections", response={201: ObjectionOut, **error_answers(429)}, auth=None
)
def submit_objection(request, list_id: str, payload: ObjectionIn):
    """Object to a list on public notice (no login; throttled like the enrolment form)."""
    throttle.hit(
        "honours-objection",
        throttle.client_key(request),
        limit=settings.GONGHUI_PUBLIC_FORM_RATE,
        window=3600,
    )
    nl = selectors.public_notice_or_404(list_id)
    o = objections.objection_submit(
        actor=request.user,
        nomination_list=nl,
        contact=payload.contact,
        text=payload.text,
        name=payload.name,
        nominee_id=payload.nominee,
    )
    return Status(201, {"id": str(o.pk), "status": o.status, "due_on": o.due_on})


@router.get("", response=HonourList)
def list_honours(
    request,
    q: str = "",
    organisation: str = "",
    kind: str = "",
    level: str = "",
    year: int | None = None,
    page: int = 1,
    page_size: int = 20,
):
    """Honours in the caller's scope; ``q`` matches a holder's name or a member number."""
    req = pagination.parse(page, page_size)
    org = scoping.get_organisation_or_404(request.user, organisation) if organisation else None
    qs = selectors.honour_list(request.user, q=q.strip(), organisation=org, kind=kind, level=level, year=year)
    items, count = pagination.slice_queryset(qs, req)
    return {"items": [honour_item(h) for h in items], "count": count}


@router.get("{honour_id}", response=HonourItem)
def get_honour(request, honour_id: str):
    return honour_item(selectors.honour_or_404(request.user, honour_id))
