"""The 劳模进校园 ledger over HTTP (mounted at /api/v1/honours/visits, before the honours
router, whose ``{honour_id}`` would otherwise take "visits"): the visits and the coverage the
caller sees, and recording a visit. Thin: parse → selector or service → shape."""

import datetime
from decimal import Decimal

from django.utils import timezone
from ninja import Router, Schema, Status

from gonghui.core import pagination
from gonghui.honours import visit_selectors
from gonghui.honours.models import SchoolVisit
from gonghui.honours.services import visits
from gonghui.organisations import scoping
from gonghui.organisations.api import OrgRef, org_ref

router = Router(tags=["honours"])


class VisitPersonRef(Schema):
    id: str
    name: str


class SchoolVisitItem(Schema):
    id: str
    people: list[VisitPersonRef]
    organisation: OrgRef
    school_name: str
    school_division: str
    school_kind: str
    date: datetime.date
    role: str
    topic: str
    audience: int
    hours: Decimal
    photos: int
    activity_id: str | None


class SchoolVisitPage(Schema):
    items: list[SchoolVisitItem]
    count: int


class SchoolVisitIn(Schema):
    organisation: str
    people: list[str]
    school_name: str
    school_division: str
    school_kind: str
    date: str
    role: str
    topic: str
    audience: int
    hours: Decimal


class CoverageCity(Schema):
    city: str
    name: str
    visits: int
    schools: int
    people: int
    audience: int
    hours: Decimal


class CoverageUnvisitedSchool(Schema):
    division: str
    county: str
    city: str
    school_name: str
    last_visit: datetime.date
    visits: int


class SchoolVisitCoverage(Schema):
    year: int
    cities: list[CoverageCity]
    total: CoverageCity
    unvisited: list[CoverageUnvisitedSchool]


def visit_item(v: SchoolVisit, photos: int | None = None) -> dict:
    return {
        "id": str(v.pk),
        "people": [{"id": str(m.pk), "name": m.name} for m in v.people.all()],
        "organisation": org_ref(v.organisation),
        "school_name": v.school_name,
        "school_division": v.school_division,
        "school_kind": v.school_kind,
        "date": v.date,
        "role": v.role,
        "topic": v.topic,
        "audience": v.audience,
        "hours": v.hours,
        "photos": v.photo_count if photos is None else photos,
        "activity_id": str(v.activity_id) if v.activity_id else None,
    }


def _line(c) -> dict:
    return {
        "city": c.prefix,
        "name": str(c.name),
        "visits": c.visits,
        "schools": c.schools,
        "people": c.people,
        "audience": c.audience,
        "hours": c.hours,
    }


@router.get("", response=SchoolVisitPage)
def list_visits(request, year: int | None = None, division: str = "", page: int = 1, page_size: int = 20):
    """School visits of honoured people (劳模进校园) organised in the caller's scope, newest
    first; ``division`` is a province, city or county code (GB/T 2260) of the school."""
    req = pagination.parse(page, page_size)
    qs = visit_selectors.visit_list(request.user, year=year, division=division.strip())
    items, count = pagination.slice_queryset(qs, req)
    return {"items": [visit_item(v) for v in items], "count": count}


@router.get("coverage", response=SchoolVisitCoverage)
def visit_coverage(request, year: int | None = None):
    """Per city of the school (first four digits of its division code) in ``year`` (this year
    by default): visits, distinct schools, distinct honoured people, audience and hours; and
    the schools visited in an earlier year with no visit in ``year``."""
    year = year or timezone.localdate().year
    report = visit_selectors.coverage(request.user, year)
    return {
        "year": report.year,
        "cities": [_line(c) for c in report.cities],
        "total": _line(report.total),
        "unvisited": report.unvisited,
    }


@router.post("", response={201: SchoolVisitItem})
def create_visit(request, payload: SchoolVisitIn):
    """Record a visit organised by the union ``organisation`` (its code); ``people`` are the
    member ids of honoured people in the registry."""
    org = scoping.get_organisation_or_404(request.user, payload.organisation)
    visit = visits.visit_create(
        actor=request.user,
        organisation=org,
        people=payload.people,
        school_name=payload.school_name,
        school_division=payload.school_division,
        school_kind=payload.school_kind,
        date=payload.date,
        role=payload.role,
        topic=payload.topic,
        audience=payload.audience,
        hours=payload.hours,
    )
    return Status(201, visit_item(visit, photos=0))
