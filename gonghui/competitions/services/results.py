"""Results: compute (draft) → verify (a second person) → publish (with recommendations);
recomputation of published results through a confirmed diff; appeals; recommendations
accepted or declined by an officer."""

import datetime
import hashlib
import json
from decimal import Decimal

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.competitions import permissions, scoring, selectors
from gonghui.competitions import rules as rule_sets
from gonghui.competitions.choices import (
    AppealStatus,
    NotificationKind,
    RecommendationKind,
    RecommendationStatus,
    ResultsState,
    SheetStatus,
    Stage,
    Status,
)
from gonghui.competitions.models import (
    Appeal,
    Competition,
    Entry,
    EntryMember,
    Mark,
    Recommendation,
    Result,
    Sheet,
)
from gonghui.competitions.services.marking import aspect_mark
from gonghui.core import audit, inputs, locking
from gonghui.core.inputs import field_error
from gonghui.honours.choices import HonourKind, HonourLevel
from gonghui.honours.services import registry as honour_registry
from gonghui.members.services import members as member_services
from gonghui.notifications.services import notify


def compute(competition: Competition) -> list[dict]:
    """Every entry's figures from the signed-off sheets and theory scores (nothing written):
    ``[{"entry", "theory", "practical", "raw_total", "rank", "standardised",
    "meets_standard"}]`` ordered by rank. Raises ``sheets_open`` / ``theory_missing``."""
    entries = list(Entry.objects.filter(competition=competition).order_by("number"))
    if not entries:
        raise field_error("results", _("There are no entries."), "no_entries")
    sheets = list(Sheet.objects.filter(competition=competition).select_related("section"))
    if any(s.status != SheetStatus.SIGNED_OFF for s in sheets):
        raise field_error("results", _("Some sheets are not signed off."), "sheets_open")
    if competition.theory_weight > 0:
        missing = [e.number for e in entries if e.theory_score is None]
        if missing:
            raise field_error(
                "results",
                _("Theory scores are missing for competitor numbers %(numbers)s.")
                % {"numbers": ", ".join(str(n) for n in missing)},
                "theory_missing",
            )
    sections = selectors.sections_with_aspects(competition)
    marks: dict = {}
    for m in Mark.objects.filter(sheet__competition=competition).only("sheet_id", "aspect_id", "value"):
        marks.setdefault(m.sheet_id, {}).setdefault(m.aspect_id, []).append(m.value)
    sheet_of = {(s.entry_id, s.section_id): s.pk for s in sheets}
    rows = []
    for entry in entries:
        parts = []
        for section in sections:
            sheet_marks = marks.get(sheet_of.get((entry.pk, section.pk)), {})
            got = sum((aspect_mark(a, sheet_marks.get(a.pk, [])) for a in section.aspects.all()), Decimal(0))
            maximum = sum((a.max_mark for a in section.aspects.all()), Decimal(0))
            parts.append((section.weight, got, maximum))
        practical = scoring.practical_score(parts)
        theory = entry.theory_score if entry.theory_score is not None else Decimal(0)
        total = scoring.raw_total(competition.theory_weight, theory, practical)
        rows.append(
            {
                "entry": entry,
                "theory": scoring.store(theory),
                "practical": scoring.store(practical),
                "raw_total": scoring.store(total),
            }
        )
    totals = [r["raw_total"] for r in rows]
    for row, rank, std in zip(rows, scoring.ranks(totals), scoring.standardise(totals), strict=True):
        row["rank"] = rank
        row["standardised"] = std
        row["meets_standard"] = scoring.meets_standard(std)
    rows.sort(key=lambda r: (r["rank"], r["entry"].number))
    return rows


def _write(competition: Competition, rows: list[dict]) -> None:
    Result.objects.filter(competition=competition).delete()
    Result.objects.bulk_create(
        [
            Result(
                competition=competition,
                entry=r["entry"],
                theory=r["theory"],
                practical=r["practical"],
                raw_total=r["raw_total"],
                rank=r["rank"],
                standardised=r["standardised"],
                meets_standard=r["meets_standard"],
            )
            for r in rows
        ]
    )


def results_compute(*, actor, competition: Competition) -> list[dict]:
    """Compute draft results (replacing earlier drafts; a verification is undone). Needs
    ``manage_competitions`` and marking closed (``not_closed``). Published results change
    only through ``results_recompute_preview`` / ``results_recompute_apply``
    (``results_published``)."""
    permissions.require_manage(actor, competition)
    if competition.status != Status.RESULTS:
        raise field_error("results", _("Close marking first."), "not_closed")
    with transaction.atomic():
        competition = locking.locked(competition, "organisation")
        if competition.results_state == ResultsState.PUBLISHED:
            raise field_error(
                "results", _("The results are published; recompute through the diff."), "results_published"
            )
        rows = compute(competition)
        _write(competition, rows)
        before = competition.results_state
        competition.results_state = ResultsState.DRAFT
        competition.results_computed_by = actor
        competition.results_computed_at = timezone.now()
        competition.results_verified_by = None
        competition.results_verified_at = None
        competition.save()
        audit.record(
            actor=actor,
            action="competitions.results.computed",
            obj=competition,
            organisation_id=competition.organisation_id,
            changes={"results_state": [before, ResultsState.DRAFT], "entries": [None, len(rows)]},
        )
    return rows


def results_verify(*, actor, competition: Competition) -> Competition:
    """A second person (not the one who computed them) verifies the draft results. Needs
    ``manage_competitions``. Raises ``not_draft``, ``same_person``."""
    permissions.require_manage(actor, competition)
    with transaction.atomic():
        competition = locking.locked(competition, "organisation")
        if competition.results_state != ResultsState.DRAFT:
            raise field_error("results", _("There are no draft results to verify."), "not_draft")
        permissions.require_verify_results(actor, competition)
        competition.results_state = ResultsState.VERIFIED
        competition.results_verified_by = actor
        competition.results_verified_at = timezone.now()
        competition.save()
        audit.record(
            actor=actor,
            action="competitions.results.verified",
            obj=competition,
            organisation_id=competition.organisation_id,
            changes={"results_state": [ResultsState.DRAFT, ResultsState.VERIFIED]},
        )
    return competition


def results_publish(*, actor, competition: Competition, now: datetime.datetime | None = None) -> Competition:
    """Publish verified results; the appeal window opens and the rule set turns places into
    recommendations (pending, with reasons). Needs ``manage_competitions``. Raises
    ``not_verified``."""
    permissions.require_manage(actor, competition)
    with transaction.atomic():
        competition = locking.locked(competition, "organisation")
        if competition.results_state != ResultsState.VERIFIED:
            raise field_error(
                "results", _("The results must be verified before publication."), "not_verified"
            )
        competition.results_state = ResultsState.PUBLISHED
        competition.results_published_by = actor
        competition.results_published_at = now or timezone.now()
        competition.save()
        made = _recommend(competition)
        audit.record(
            actor=actor,
            action="competitions.results.published",
            obj=competition,
            organisation_id=competition.organisation_id,
            changes={
                "results_state": [ResultsState.VERIFIED, ResultsState.PUBLISHED],
                "recommendations": [None, made],
            },
        )
        _tell_competitors(competition)
    return competition


def _tell_competitors(competition: Competition) -> None:
    """Every competitor with an account hears the results are out, with their place."""
    link = reverse("competitions:results", args=[competition.pk])
    competitors = (
        EntryMember.objects.filter(competition=competition, member__user__isnull=False)
        .select_related("member__user", "entry__result")
        .order_by("entry__number")
    )
    for competitor in competitors:
        result = getattr(competitor.entry, "result", None)
        notify(
            kind=NotificationKind.RESULTS_PUBLISHED,
            user=competitor.member.user,
            title=gettext_lazy("Results of %(competition)s are published"),
            body=gettext_lazy("Competitor %(number)s: place %(rank)s. Appeals are open for a short time."),
            params={
                "competition": competition.title,
                "number": competitor.entry.number,
                "rank": result.rank if result else "—",
            },
            link=link,
        )


def _recommend(competition: Competition) -> int:
    """Create the recommendations the rules suggest that do not exist yet (pending ones
    left from an earlier computation are superseded first). Returns how many were made."""
    Recommendation.objects.filter(competition=competition, status=RecommendationStatus.PENDING).update(
        status=RecommendationStatus.SUPERSEDED
    )
    decided = set(
        Recommendation.objects.filter(
            competition=competition, status__in=[RecommendationStatus.ACCEPTED, RecommendationStatus.DECLINED]
        ).values_list("entry_id", "member_id", "kind", "detail")
    )
    new = []
    results = Result.objects.filter(competition=competition).select_related("entry")
    for result in results:
        for member in selectors.entry_members(result.entry):
            for s in rule_sets.suggestions(
                competition.rules, place=result.rank, current_grade=member.skill_grade
            ):
                if (result.entry_id, member.pk, s.kind, s.detail) in decided:
                    continue
                new.append(
                    Recommendation(
                        competition=competition,
                        entry=result.entry,
                        member=member,
                        kind=s.kind,
                        detail=s.detail,
                        from_grade=s.from_grade,
                        reason=str(s.reason)[:300],
                    )
                )
    Recommendation.objects.bulk_create(new)
    return len(new)


def _figures(rows) -> dict:
    return {
        str(r["entry"].pk if isinstance(r, dict) else r.entry_id): {
            "raw_total": str(r["raw_total"] if isinstance(r, dict) else r.raw_total),
            "rank": r["rank"] if isinstance(r, dict) else r.rank,
            "standardised": str(r["standardised"] if isinstance(r, dict) else r.standardised),
        }
        for r in rows
    }


def _fingerprint(figures: dict) -> str:
    return hashlib.sha256(json.dumps(figures, sort_keys=True).encode()).hexdigest()[:16]


def results_recompute_preview(*, actor, competition: Competition) -> dict:
    """What a recomputation would change in the published results, before anything is
    replaced: ``{"changes": [{"entry", "name", "number", "before", "after"}], "fingerprint"}``
    (fields raw_total, rank, standardised). Needs ``manage_competitions``."""
    permissions.require_manage(actor, competition)
    if competition.results_state != ResultsState.PUBLISHED:
        raise field_error(
            "results", _("Only published results are recomputed through a diff."), "not_published"
        )
    rows = compute(competition)
    old = _figures(Result.objects.filter(competition=competition))
    new = _figures(rows)
    names = {str(r["entry"].pk): r["entry"] for r in rows}
    changes = []
    for key, after in new.items():
        before = old.get(key)
        if before != after:
            entry = names[key]
            changes.append({"entry": entry, "before": before, "after": after})
    changes.sort(key=lambda c: c["after"]["rank"])
    return {"changes": changes, "fingerprint": _fingerprint(new)}


def results_recompute_apply(*, actor, competition: Competition, fingerprint: str) -> dict:
    """Replace the published results with the recomputation the actor confirmed. The
    ``fingerprint`` of the preview must still match (``stale_preview`` if marks changed
    since). Pending recommendations are superseded and re-derived; decided ones stay.
    Audited with the diff."""
    permissions.require_manage(actor, competition)
    with transaction.atomic():
        competition = locking.locked(competition, "organisation")
        preview = results_recompute_preview(actor=actor, competition=competition)
        if preview["fingerprint"] != fingerprint:
            raise field_error(
                "fingerprint",
                _("The results changed since the preview; review the diff again."),
                "stale_preview",
            )
        rows = compute(competition)
        _write(competition, rows)
        made = _recommend(competition)
        audit.record(
            actor=actor,
            action="competitions.results.recomputed",
            obj=competition,
            organisation_id=competition.organisation_id,
            changes={str(c["entry"].number): [c["before"], c["after"]] for c in preview["changes"]}
            | {"recommendations": [None, made]},
        )
    return preview


# ---- appeals ---------------------------------------------------------------------------


def appeal_deadline(competition: Competition) -> datetime.datetime | None:
    if competition.results_published_at is None:
        return None
    return competition.results_published_at + datetime.timedelta(hours=competition.appeal_window_hours)


def appeal_file(*, actor, entry: Entry, reason: str, now: datetime.datetime | None = None) -> Appeal:
    """A competitor (or their union) appeals the published results within the window
    (default 2 hours after publication). Raises ``not_published``, ``appeal_late``,
    ``required`` (blank), ``reason_required`` (under 5 characters); anyone else gets 403 (404 when they do not see the competition)."""
    competition = Competition.objects.select_related("organisation").get(pk=entry.competition_id)
    permissions.require_appeal(actor, entry)
    if competition.results_state != ResultsState.PUBLISHED:
        raise field_error("entry", _("The results are not published."), "not_published")
    now = now or timezone.now()
    if now > appeal_deadline(competition):
        raise field_error("entry", _("The appeal window has closed."), "appeal_late")
    reason = inputs.text(reason, "reason", required=True)
    if len(reason) < 5:
        raise field_error(
            "reason", _("Say what the appeal is about (at least 5 characters)."), "reason_required"
        )
    with transaction.atomic():
        appeal = Appeal.objects.create(
            competition=competition, entry=entry, reason=reason, filed_by=actor, filed_at=now
        )
        audit.record(
            actor=actor,
            action="competitions.appeal.filed",
            obj=appeal,
            object_repr=f"{entry.number} {entry.name}",
            organisation_id=competition.organisation_id,
            reason=reason,
        )
    return appeal


def appeal_decide(*, actor, appeal: Appeal, upheld: bool, reason: str) -> Appeal:
    """A supervisor (``supervise`` on the organiser) upholds or rejects an appeal; a
    rejection needs a reason. Upheld: officers correct the marks (correction flow) and
    recompute. Raises ``already_decided``, ``required``."""
    competition = appeal.competition
    permissions.require_supervise(actor, competition)
    reason = inputs.text(reason, "reason", required=not upheld)
    with transaction.atomic():
        locked = Appeal.objects.select_for_update().get(pk=appeal.pk)
        if locked.status != AppealStatus.PENDING:
            raise field_error("status", _("The appeal is already decided."), "already_decided")
        locked.status = AppealStatus.UPHELD if upheld else AppealStatus.REJECTED
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.decision_reason = reason
        locked.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
        audit.record(
            actor=actor,
            action="competitions.appeal.decided",
            obj=locked,
            object_repr=f"{appeal.entry.number} {appeal.entry.name}",
            organisation_id=competition.organisation_id,
            changes={"status": [AppealStatus.PENDING, locked.status]},
            reason=reason,
        )
    return locked


# ---- recommendations -------------------------------------------------------------------


def recommendation_accept(*, actor, recommendation: Recommendation) -> Recommendation:
    """An officer accepts a recommendation. A grade promotion changes the member's skill
    grade through ``members.services.members.member_update`` (needs ``manage_members`` on
    the member's union; audited there too); a 技术能手 title becomes an honour in the registry
    (``honours.services.registry.honour_grant``); an honour nomination is recorded as accepted
    for the union to put on its nomination list. Needs ``manage_competitions`` on the organiser. Raises
    ``already_decided``, ``grade_already``."""
    competition = recommendation.competition
    permissions.require_manage(actor, competition)
    with transaction.atomic():
        rec = (
            Recommendation.objects.select_for_update()
            .select_related("member__organisation")
            .get(pk=recommendation.pk)
        )
        if rec.status != RecommendationStatus.PENDING:
            raise field_error("status", _("The recommendation is no longer pending."), "already_decided")
        if rec.kind == RecommendationKind.GRADE:
            member = rec.member
            if rule_sets.grade_rank(member.skill_grade) >= rule_sets.grade_rank(rec.detail):
                raise field_error(
                    "detail", _("The member already holds this grade or a higher one."), "grade_already"
                )
            permissions.require_promote(actor, member)
            member_services.member_update(actor=actor, member=member, skill_grade=rec.detail)
        elif rec.kind == RecommendationKind.TITLE and "技术能手" in rec.detail:
            _grant_technical_expert(actor, rec, competition)
        rec.status = RecommendationStatus.ACCEPTED
        rec.decided_by = actor
        rec.decided_at = timezone.now()
        rec.save(update_fields=["status", "decided_by", "decided_at"])
        audit.record(
            actor=actor,
            action="competitions.recommendation.accepted",
            obj=rec,
            object_repr=f"{rec.entry.number} {rec.member.name}",
            organisation_id=competition.organisation_id,
            changes={
                "status": [RecommendationStatus.PENDING, RecommendationStatus.ACCEPTED],
                rec.kind: [None, rec.detail],
            },
        )
    return rec


_TITLE_LEVEL = {
    Stage.FINAL: HonourLevel.NATIONAL,
    Stage.PROVINCIAL: HonourLevel.PROVINCIAL,
    Stage.CITY: HonourLevel.CITY,
    Stage.GRASSROOTS: HonourLevel.CITY,
}


def _grant_technical_expert(actor, rec: Recommendation, competition: Competition) -> None:
    """An accepted 技术能手 title goes into the honours registry (``honour_grant``, audited
    there): national for 全国技术能手, else at the level of the competition's stage; the
    organiser is the issuing body, the recommendation the source."""
    level = HonourLevel.NATIONAL if rec.detail.startswith("全国") else _TITLE_LEVEL[competition.stage]
    year = (competition.results_published_at or timezone.now()).year
    honour_registry.honour_grant(
        actor=actor,
        member=rec.member,
        organisation=rec.member.organisation,
        kind=HonourKind.TECHNICAL_EXPERT,
        level=level,
        year=year,
        issuing_body=competition.organisation.name,
        source=f"competitions.recommendation: {competition.title}",
        source_id=str(rec.pk),
    )


def recommendation_decline(*, actor, recommendation: Recommendation, reason: str) -> Recommendation:
    """An officer declines a recommendation with a reason; nothing else changes."""
    competition = recommendation.competition
    permissions.require_manage(actor, competition)
    reason = inputs.text(reason, "reason", required=True)
    with transaction.atomic():
        rec = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
        if rec.status != RecommendationStatus.PENDING:
            raise field_error("status", _("The recommendation is no longer pending."), "already_decided")
        rec.status = RecommendationStatus.DECLINED
        rec.decided_by = actor
        rec.decided_at = timezone.now()
        rec.decision_reason = reason
        rec.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
        audit.record(
            actor=actor,
            action="competitions.recommendation.declined",
            obj=rec,
            object_repr=f"{rec.entry.number} {rec.member.name}",
            organisation_id=competition.organisation_id,
            changes={"status": [RecommendationStatus.PENDING, RecommendationStatus.DECLINED]},
            reason=reason,
        )
    return rec
