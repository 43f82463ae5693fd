"""API of problem reports (repair tickets), check-ins and suggested sites, mounted under
/api/v1/stations. Thin: parse → selector or service → shape. Errors are the project's
``{"detail", "code"}`` (gonghui.core.api); bad input writes nothing."""

import datetime

from ninja import Router, Schema, Status

from gonghui.accounts.api import AUTH
from gonghui.core import inputs, pagination
from gonghui.core.api import anyone, error_answers, fresh, uuid_or_404
from gonghui.organisations.api import OrgRef, org_ref
from gonghui.stations import permissions
from gonghui.stations.choices import SuggestionStatus, TicketStatus
from gonghui.stations.selectors import stations as station_reads
from gonghui.stations.selectors import suggestions as suggestion_reads
from gonghui.stations.selectors import tickets as ticket_reads
from gonghui.stations.services import checkins, suggestions, tickets
from gonghui.stations.web import hit_public_form

router = Router(tags=["stations"])


PUBLIC = [*AUTH, anyone]


# ---- problem reports and tickets --------------------------------------------------------------


class ProblemReportIn(Schema):
    kind: str = ""
    description: str = ""
    contact: str = ""


class TicketCreated(Schema):
    number: str
    status: str
    due_at: datetime.datetime
    merged: bool
    reports: int


@router.post(
    "{uuid:station_id}/reports",
    response={201: TicketCreated, **error_answers(429)},
    auth=PUBLIC,
    summary="Report a problem at a station",
    url_name="stations_report_problem",
)
def report_problem(request, station_id, payload: ProblemReportIn):
    """Anyone reports a problem (``kind``: locked, no_water, broken_microwave, no_power,
    air_conditioning, dirty, supplies, wrong_info, other; ``description`` ≤ 500; optional
    ``contact`` mobile). A repeat of an open ticket's problem is added to it (``merged``).
    Throttled per client."""
    station = station_reads.public_station_by_id_or_404(uuid_or_404(station_id))
    hit_public_form(request, "stations-report")
    ticket, merged = tickets.report_problem(
        actor=request.user,
        station=station,
        kind=payload.kind,
        description=payload.description,
        contact=payload.contact,
    )
    return Status(
        201,
        {
            "number": ticket.number,
            "status": ticket.status,
            "due_at": ticket.due_at,
            "merged": merged,
            "reports": ticket_reads.reports_count(ticket),
        },
    )


class StationRef(Schema):
    id: str
    code: str
    name: str


class TicketItem(Schema):
    number: str
    station: StationRef
    organisation: OrgRef
    kind: str
    status: str
    reported_at: datetime.datetime
    due_at: datetime.datetime
    overdue: bool
    sla: str
    escalated: bool
    acknowledged_at: datetime.datetime | None
    resolved_at: datetime.datetime | None
    resolved_on_time: bool | None


class TicketEventOut(Schema):
    kind: str
    label: str
    at: datetime.datetime
    note: str


class TicketDetail(TicketItem):
    description: str
    contact: str
    resolution: str
    reports: int
    timeline: list[TicketEventOut]


class TicketList(Schema):
    items: list[TicketItem]
    count: int


def _ticket_item(t) -> dict:
    colour, code = ticket_reads.sla_state(t)
    return {
        "number": t.number,
        "station": {"id": str(t.station.pk), "code": t.station.code, "name": t.station.name},
        "organisation": org_ref(t.organisation),
        "kind": t.kind,
        "status": t.status,
        "reported_at": t.reported_at,
        "due_at": t.due_at,
        "overdue": code == "overdue",
        "sla": colour,
        "escalated": t.escalated,
        "acknowledged_at": t.acknowledged_at,
        "resolved_at": t.resolved_at,
        "resolved_on_time": t.resolved_on_time,
    }


def _ticket_detail(t) -> dict:
    data = _ticket_item(t)
    data.update(
        description=t.description,
        contact=t.contact_masked,
        resolution=t.resolution,
        reports=ticket_reads.reports_count(t),
        timeline=[
            {"kind": e.kind, "label": ticket_reads.event_label(e.kind), "at": e.at, "note": e.note}
            for e in ticket_reads.timeline(t)
        ],
    )
    return data


_STATUSES = ("active", *TicketStatus.values)


@router.get(
    "tickets",
    response=TicketList,
    summary="Repair tickets in scope",
    url_name="stations_list_tickets",
)
def list_tickets(
    request, status: str = "", overdue: bool = False, union: str = "", page: int = 1, page_size: int = 20
):
    """Tickets of the unions in the caller's scope, open first (escalated on top, then by due
    time). ``status``: open, acknowledged, resolved, rejected or active (open and
    acknowledged); ``overdue``: past due and still open; ``union``: a union code (its
    subtree)."""
    req = pagination.parse(page, page_size)
    status = inputs.choice(status, "status", _STATUSES, required=False)
    organisation = ticket_reads.organisation_in_scope_or_404(request.user, union) if union else None
    qs = ticket_reads.ticket_queue(request.user, status=status, overdue=overdue, organisation=organisation)
    items, count = pagination.slice_queryset(qs, req)
    return {"items": [_ticket_item(t) for t in items], "count": count}


@router.get(
    "tickets/{number}", response=TicketDetail, summary="One repair ticket", url_name="stations_get_ticket"
)
def get_ticket(request, number: str):
    return _ticket_detail(ticket_reads.ticket_or_404(request.user, number))


class AcknowledgeIn(Schema):
    note: str = ""


class ResolveIn(Schema):
    resolution: str = ""


class TicketRejectIn(Schema):
    reason: str = ""


def _ticket_changed(request, number: str, change) -> dict:
    """``change(ticket)`` on a ticket the caller sees, then the ticket as it is now."""
    change(ticket_reads.ticket_or_404(request.user, number))
    return fresh(_ticket_detail, ticket_reads.ticket_or_404, request, number)


@router.post(
    "tickets/{number}/acknowledge",
    response=TicketDetail,
    summary="Acknowledge a ticket",
    url_name="stations_acknowledge_ticket",
)
def acknowledge_ticket(request, number: str, payload: AcknowledgeIn | None = None):
    """The keeper (or an officer managing the station) has seen it."""
    note = payload.note if payload else ""
    return _ticket_changed(
        request, number, lambda t: tickets.ticket_acknowledge(actor=request.user, ticket=t, note=note)
    )


@router.post(
    "tickets/{number}/resolve",
    response=TicketDetail,
    summary="Resolve a ticket",
    url_name="stations_resolve_ticket",
)
def resolve_ticket(request, number: str, payload: ResolveIn):
    """Fixed: ``resolution`` says what was done; on time when before the due time."""
    return _ticket_changed(
        request,
        number,
        lambda t: tickets.ticket_resolve(actor=request.user, ticket=t, resolution=payload.resolution),
    )


@router.post(
    "tickets/{number}/reject",
    response=TicketDetail,
    summary="Reject a ticket",
    url_name="stations_reject_ticket",
)
def reject_ticket(request, number: str, payload: TicketRejectIn):
    """Not a real problem: ``reason`` is shown to the worker."""
    return _ticket_changed(
        request, number, lambda t: tickets.ticket_reject(actor=request.user, ticket=t, reason=payload.reason)
    )


# ---- check-ins and usage -----------------------------------------------------------------------


class CheckInIn(Schema):
    key: str = ""
    visitor: str = ""


class CheckInOut(Schema):
    counted: bool
    day: datetime.date


@router.post(
    "{uuid:station_id}/checkins",
    response={200: CheckInOut, 201: CheckInOut, **error_answers(429)},
    auth=PUBLIC,
    summary="Check in at a station",
    url_name="stations_check_in",
)
def check_in(request, station_id, payload: CheckInIn):
    """Record one use with the station's check-in ``key`` (from the QR code). Signed in: the
    user counts; otherwise ``visitor`` is the app's own random device token (16–100
    characters). 201 when counted, 200 when already counted today; a wrong key is 404."""
    station = station_reads.public_station_by_id_or_404(uuid_or_404(station_id))
    hit_public_form(request, "stations-checkin", checkins.checkin_rate())
    checkin, created = checkins.check_in(
        station=station, key=payload.key, user=request.user, token=payload.visitor
    )
    return Status(201 if created else 200, {"counted": created, "day": checkin.day})


class UsageDay(Schema):
    day: datetime.date
    count: int


class UsageOut(Schema):
    items: list[UsageDay]
    count: int
    total: int


@router.get(
    "{uuid:station_id}/usage",
    response=UsageOut,
    summary="Check-ins per day",
    url_name="stations_station_usage",
)
def station_usage(request, station_id, days: int = 30):
    """Check-ins per day over the last ``days`` days (1–366), oldest first; for the keeper
    and the officers in scope."""
    station = station_reads.public_station_by_id_or_404(uuid_or_404(station_id))
    permissions.require_see(request.user, station)
    rows = station_reads.usage(station, inputs.integer(days, "days", minimum=1, maximum=366))
    return {
        "items": [{"day": d, "count": n} for d, n in rows],
        "count": len(rows),
        "total": sum(n for _d, n in rows),
    }


# ---- suggested sites -------------------------------------------------------------------------


class SuggestionIn(Schema):
    name: str = ""
    address: str = ""
    division_code: str = ""
    lat: float | str | None = None
    lng: float | str | None = None
    crs: str = "wgs84"
    reason: str = ""


class SuggestionOut(Schema):
    id: str
    name: str
    address: str
    division_code: str
    status: str
    organisation: OrgRef
    created_at: datetime.datetime
    decided_at: datetime.datetime | None
    decision_note: str
    station: StationRef | None


class SuggestionItem(SuggestionOut):
    lat: float | None
    lng: float | None
    reason: str


class SuggestionList(Schema):
    items: list[SuggestionItem]
    count: int


def _suggestion_item(s) -> dict:
    return _suggestion(s, full=True)


def _suggestion(s, *, full: bool = False) -> dict:
    data = {
        "id": str(s.pk),
        "name": s.name,
        "address": s.address,
        "division_code": s.division_code,
        "status": s.status,
        "organisation": org_ref(s.organisation),
        "created_at": s.created_at,
        "decided_at": s.decided_at,
        "decision_note": s.decision_note,
        "station": {"id": str(s.station.pk), "code": s.station.code, "name": s.station.name}
        if s.station
        else None,
    }
    if full:
        data.update(lat=s.lat, lng=s.lng, reason=s.reason)
    return data


@router.post(
    "suggestions",
    response={201: SuggestionOut, **error_answers(429)},
    auth=PUBLIC,
    summary="Suggest a new site",
    url_name="stations_suggest_site",
)
def suggest_site(request, payload: SuggestionIn):
    """Anyone suggests a site (``division_code`` GB/T 2260; optional ``lat``/``lng`` in
    ``crs``); routed to the union of the district. Throttled per client."""
    hit_public_form(request, "stations-suggest")
    s = suggestions.suggestion_submit(actor=request.user, data=payload.dict())
    return Status(201, _suggestion(suggestion_reads.suggestion_public_or_404(s.pk)))


@router.get(
    "suggestions",
    response=SuggestionList,
    summary="Suggested sites in scope",
    url_name="stations_list_suggestions",
)
def list_suggestions(request, status: str = SuggestionStatus.PENDING, page: int = 1, page_size: int = 20):
    """Suggestions routed to the unions in the caller's scope; ``status`` pending (default),
    accepted, declined or all."""
    req = pagination.parse(page, page_size)
    status = inputs.choice(status, "status", (*SuggestionStatus.values, "all"))
    qs = suggestion_reads.suggestion_queue(request.user, status="" if status == "all" else status)
    items, count = pagination.slice_queryset(qs, req)
    return {"items": [_suggestion_item(s) for s in items], "count": count}


class SuggestionDeclineIn(Schema):
    reason: str = ""


@router.post(
    "suggestions/{uuid:suggestion_id}/decline",
    response=SuggestionItem,
    summary="Decline a suggested site",
    url_name="stations_decline_suggestion",
)
def decline_suggestion(request, suggestion_id, payload: SuggestionDeclineIn):
    s = suggestion_reads.suggestion_or_404(request.user, uuid_or_404(suggestion_id))
    suggestions.suggestion_decline(actor=request.user, suggestion=s, reason=payload.reason)
    return fresh(_suggestion_item, suggestion_reads.suggestion_or_404, request, s.pk)
