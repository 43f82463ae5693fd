"""Competitions over HTTP (mounted at /api/v1/competitions). Thin: parse → selector or
service → shape. Figures are decimal strings rounded to two places (stored raw)."""

import datetime
import uuid

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Body, Router, Schema, Status

from gonghui.competitions import scoring, selectors
from gonghui.competitions.services import marking, results, scheme
from gonghui.core import pagination
from gonghui.core.api import fresh, uuid_or_404
from gonghui.core.inputs import field_error
from gonghui.organisations import scoping
from gonghui.organisations.api import OrgRef, org_ref

router = Router(tags=["competitions"])
Action = scoping.Action


class CompetitionItem(Schema):
    id: str
    title: str
    kind: str
    occupation: str
    stage: str
    status: str
    results_state: str
    organisation: OrgRef
    registration_opens: datetime.datetime
    registration_closes: datetime.datetime


class CompetitionList(Schema):
    items: list[CompetitionItem]
    count: int


class SectionOut(Schema):
    name: str
    weight: str


class CompetitionDetail(CompetitionItem):
    theme: str
    previous_stage: str | None
    advance_count: int
    min_age: int | None
    max_age: int | None
    min_skill_grade: str
    theory_weight: str
    appeal_window_hours: int
    results_published_at: datetime.datetime | None
    entries: int
    sections: list[SectionOut]


class ResultRecommendation(Schema):
    """What the results show everyone in scope (as the results page does); the decision
    (``RecommendationOut``) is for the managers who accept or decline it."""

    kind: str
    detail: str


class ResultItem(Schema):
    entry: str
    name: str
    raw_total: str
    rank: int
    standardised: str
    meets_standard: bool
    recommendations: list[ResultRecommendation]


class ResultList(Schema):
    items: list[ResultItem]


class MarkIn(Schema):
    entry: str
    aspect: str
    score: str | int | float


class MarkOut(Schema):
    entry: str
    aspect: str
    score: str
    sheet: str
    sheet_status: str


class SheetItem(Schema):
    id: str
    entry: str
    number: int
    name: str
    section: str
    status: str


class SheetList(Schema):
    items: list[SheetItem]
    count: int


class AppealIn(Schema):
    entry: str
    reason: str


class AppealOut(Schema):
    id: str
    entry: str
    status: str
    filed_at: datetime.datetime


def competition_item(c) -> dict:
    return {
        "id": str(c.pk),
        "title": c.title,
        "kind": c.kind,
        "occupation": c.occupation,
        "stage": c.stage,
        "status": c.status,
        "results_state": c.results_state,
        "organisation": org_ref(c.organisation),
        "registration_opens": c.registration_opens,
        "registration_closes": c.registration_closes,
    }


@router.get("", response=CompetitionList)
def list_competitions(request, q: str = "", status: str = "", page: int = 1, page_size: int = 20):
    """Competitions in the caller's scope: organised in or above their subtree, or that
    they judge."""
    req = pagination.parse(page, page_size)
    items, count = pagination.slice_queryset(
        selectors.competition_list(request.user, status=status, q=q), req
    )
    return {"items": [competition_item(c) for c in items], "count": count}


@router.get("/{competition_id}", response=CompetitionDetail)
def get_competition(request, competition_id: str):
    c = selectors.competition_or_404(request.user, uuid_or_404(competition_id))
    data = competition_item(c)
    data.update(
        theme=c.theme,
        previous_stage=str(c.previous_stage_id) if c.previous_stage_id else None,
        advance_count=c.advance_count,
        min_age=c.min_age,
        max_age=c.max_age,
        min_skill_grade=c.min_skill_grade,
        theory_weight=str(c.theory_weight),
        appeal_window_hours=c.appeal_window_hours,
        results_published_at=c.results_published_at,
        entries=c.entries.count(),
        sections=[{"name": s.name, "weight": str(s.weight)} for s in selectors.sections_with_aspects(c)],
    )
    return data


@router.get("/{competition_id}/results", response=ResultList)
def get_results(request, competition_id: str):
    """Published results for anyone in scope; draft and verified ones only for managers."""
    c = selectors.competition_or_404(request.user, uuid_or_404(competition_id))
    return {
        "items": [
            {
                "entry": str(r.entry_id),
                "name": r.entry.name,
                "raw_total": scoring.display(r.raw_total),
                "rank": r.rank,
                "standardised": scoring.display(r.standardised),
                "meets_standard": r.meets_standard,
                "recommendations": [
                    {"kind": rec.kind, "detail": rec.detail} for rec in r.entry.recommendations.all()
                ],
            }
            for r in selectors.results(request.user, c)
        ]
    }


@router.get("/{competition_id}/scheme", response=dict)
def export_scheme(request, competition_id: str):
    """The marking scheme as JSON (the import format)."""
    c = selectors.competition_or_404(request.user, uuid_or_404(competition_id))
    return scheme.scheme_export(c)


@router.post("/{competition_id}/scheme", response=dict)
def import_scheme(request, competition_id: str, payload: dict = Body(...)):  # noqa: B008
    """Replace the marking scheme; a bad scheme writes nothing (400 on field ``scheme``)."""
    c = selectors.competition_or_404(request.user, uuid_or_404(competition_id), Action.MANAGE_COMPETITIONS)
    scheme.scheme_import(actor=request.user, competition=c, data=payload)
    return scheme.scheme_export(c)


@router.get("/{competition_id}/sheets", response=SheetList)
def list_sheets(request, competition_id: str):
    """All sheets for managers; a judge's own sheets for a judge."""
    c = selectors.competition_or_404(request.user, uuid_or_404(competition_id))
    items = [
        {
            "id": str(s.pk),
            "entry": str(s.entry_id),
            "number": s.entry.number,
            "name": s.entry.name,
            "section": s.section.name,
            "status": s.status,
        }
        for s in selectors.sheets_for(request.user, c)
    ]
    return {"items": items, "count": len(items)}


@router.post("/{competition_id}/marks", response={201: MarkOut})
def record_mark(request, competition_id: str, payload: MarkIn):
    """A judge records one mark: ``entry`` (entry id), ``aspect`` (code), ``score`` (0–3
    for a judgement, 1/0 full or zero, the measured deviation for tolerance bands). Errors
    name the field: ``entry`` (unknown, conflict of interest, sheet locked), ``aspect``
    (unknown, not assigned), ``score`` (out of range), ``competition`` (marking closed)."""
    c = selectors.competition_or_404(request.user, uuid_or_404(competition_id))
    try:
        entry = selectors.entry_or_404(request.user, uuid.UUID(payload.entry))
    except (ValueError, Http404):
        entry = None
    if entry is None or entry.competition_id != c.pk:
        raise field_error("entry", _("Unknown entry."), "entry_unknown")
    aspect = selectors.aspect_by_code(c, payload.aspect)
    if aspect is None:
        raise field_error("aspect", _("Unknown aspect."), "aspect_unknown")
    sheet = selectors.sheet_for(entry, aspect.section)
    if sheet is None:
        raise field_error("competition", _("Marking is closed for this competition."), "marking_closed")
    mark = marking.mark_record(actor=request.user, sheet=sheet, aspect=aspect, value=payload.score)
    return Status(
        201,
        {
            "entry": str(entry.pk),
            "aspect": aspect.code,
            "score": marking.plain(mark.value),
            "sheet": str(sheet.pk),
            "sheet_status": sheet.status,
        },
    )


@router.post("/{competition_id}/sheets/{sheet_id}/sign-off", response=SheetItem)
def sign_off(request, competition_id: str, sheet_id: str):
    """Sign a sheet off (locks it). 400 ``marks_missing`` or ``spread_too_wide``."""
    selectors.competition_or_404(request.user, uuid_or_404(competition_id))
    sheet = selectors.sheet_or_404(request.user, uuid_or_404(sheet_id))
    if str(sheet.competition_id) != str(uuid_or_404(competition_id)):
        raise Http404
    s = marking.sheet_sign_off(actor=request.user, sheet=sheet)
    return {
        "id": str(s.pk),
        "entry": str(s.entry_id),
        "number": s.entry.number,
        "name": s.entry.name,
        "section": s.section.name,
        "status": s.status,
    }


@router.post("/{competition_id}/appeals", response={201: AppealOut})
def file_appeal(request, competition_id: str, payload: AppealIn):
    """A competitor or their union appeals within the window after publication."""
    c = selectors.competition_or_404(request.user, uuid_or_404(competition_id))
    entry = selectors.entry_or_404(request.user, uuid_or_404(payload.entry))
    if entry.competition_id != c.pk:
        raise Http404
    appeal = results.appeal_file(actor=request.user, entry=entry, reason=payload.reason)
    return Status(
        201,
        {"id": str(appeal.pk), "entry": str(entry.pk), "status": appeal.status, "filed_at": appeal.filed_at},
    )


# ---- the officers' results workflow -------------------------------------------------------


class ResultsStateOut(Schema):
    id: str
    results_state: str
    results: int


def _results_state(c, user) -> dict:
    return {"id": str(c.pk), "results_state": c.results_state, "results": len(selectors.results(user, c))}


@router.post("/{competition_id}/results/compute", response=ResultsStateOut)
def compute_results(request, competition_id: str):
    """Compute draft results from the locked sheets and the theory scores (managers)."""
    c = selectors.competition_or_404(request.user, uuid_or_404(competition_id))
    results.results_compute(actor=request.user, competition=c)
    return fresh(
        lambda fresh_c: _results_state(fresh_c, request.user), selectors.competition_or_404, request, c.pk
    )


@router.post("/{competition_id}/results/verify", response=ResultsStateOut)
def verify_results(request, competition_id: str):
    """A second manager, not the one who computed them, verifies the draft results."""
    c = selectors.competition_or_404(request.user, uuid_or_404(competition_id))
    c = results.results_verify(actor=request.user, competition=c)
    return _results_state(c, request.user)


@router.post("/{competition_id}/results/publish", response=ResultsStateOut)
def publish_results(request, competition_id: str):
    """Publish verified results: the appeal window opens, the rules make recommendations."""
    c = selectors.competition_or_404(request.user, uuid_or_404(competition_id))
    c = results.results_publish(actor=request.user, competition=c)
    return _results_state(c, request.user)


class RecommendationOut(Schema):
    id: str
    kind: str
    detail: str
    status: str
    reason: str


class RecommendationDeclineIn(Schema):
    reason: str = ""


def _recommendation(competition_id: str, rec_id: str, user):
    c = selectors.competition_or_404(user, uuid_or_404(competition_id))
    rec = selectors.recommendation_or_404(user, uuid_or_404(rec_id))
    if rec.competition_id != c.pk:
        raise Http404
    return rec


def _rec_out(rec) -> dict:
    return {
        "id": str(rec.pk),
        "kind": rec.kind,
        "detail": rec.detail,
        "status": rec.status,
        "reason": rec.reason,
    }


@router.post("/{competition_id}/recommendations/{recommendation_id}/accept", response=RecommendationOut)
def accept_recommendation(request, competition_id: str, recommendation_id: str):
    """Accept: a grade promotion changes the member's grade, a 技术能手 title enters the
    honours registry (both audited)."""
    rec = _recommendation(competition_id, recommendation_id, request.user)
    return _rec_out(results.recommendation_accept(actor=request.user, recommendation=rec))


@router.post("/{competition_id}/recommendations/{recommendation_id}/decline", response=RecommendationOut)
def decline_recommendation(
    request, competition_id: str, recommendation_id: str, payload: RecommendationDeclineIn
):
    """Decline with a reason; nothing else changes."""
    rec = _recommendation(competition_id, recommendation_id, request.user)
    return _rec_out(
        results.recommendation_decline(actor=request.user, recommendation=rec, reason=payload.reason)
    )
