"""Marking: judges' marks, the spread rule, sign-off and lock, corrections after the lock
(reason + second approver) and theory scores. Every mark event is audited."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.competitions import numbers, permissions, scoring, selectors
from gonghui.competitions.choices import (
    JUDGEMENT_SCORES,
    JUDGES_PER_JUDGEMENT,
    AspectKind,
    CorrectionStatus,
    MeasurementMode,
    SheetStatus,
    Status,
)
from gonghui.competitions.models import Aspect, Correction, Entry, Mark, Sheet
from gonghui.core import audit, inputs
from gonghui.core.inputs import InputCode, field_error

MAX_DEVIATION = Decimal("1000000")


def plain(value) -> str | None:
    """A stored decimal as typed (trailing zeros of the storage precision dropped)."""
    if value is None:
        return None
    return f"{Decimal(value).normalize():f}"


def _whole(value, field: str, *, maximum: int, message: str) -> Decimal:
    v = numbers.decimal(value, field, minimum=0, maximum=maximum, message=message)
    if v != v.to_integral_value():
        raise field_error(field, message, InputCode.NUMBER_INVALID)
    return Decimal(int(v))


def check_value(aspect: Aspect, value, field: str = "score") -> Decimal:
    """The value a judge may enter for ``aspect``: 0–3 (whole) for a judgement, 0 or 1 for
    full-or-zero, a measured deviation for tolerance bands. Raises ``number_invalid`` (not a
    number, or not one of the scores), ``number_too_small``, ``number_too_large``."""
    if aspect.kind == AspectKind.JUDGEMENT:
        return _whole(
            value, field, maximum=max(JUDGEMENT_SCORES), message=_("A judgement score is 0, 1, 2 or 3.")
        )
    if aspect.mode == MeasurementMode.FULL_OR_ZERO:
        return _whole(
            value, field, maximum=1, message=_("Enter 1 (achieved, full mark) or 0 (not achieved).")
        )
    return numbers.decimal(
        value,
        field,
        minimum=-MAX_DEVIATION,
        maximum=MAX_DEVIATION,
        message=_("The measured deviation is out of range."),
    )


def aspect_mark(aspect: Aspect, values: list[Decimal]) -> Decimal:
    """The aspect's mark from what was entered (see ``scoring``)."""
    if not values:
        return Decimal(0)
    if aspect.kind == AspectKind.JUDGEMENT:
        return scoring.mark_from_judgement(aspect.max_mark, values)
    if aspect.mode == MeasurementMode.FULL_OR_ZERO:
        return scoring.mark_full_or_zero(aspect.max_mark, values[0] == 1)
    return scoring.mark_from_bands(aspect.bands, values[0])


def _marking_open(competition) -> None:
    if competition.status != Status.MARKING:
        raise field_error("competition", _("Marking is closed for this competition."), "marking_closed")


def _check_judge(actor, sheet: Sheet) -> None:
    """Who may mark is a right (``permissions.can_mark``); a judge with a conflict of interest
    is refused by the rule of marking, unless they are the substitute named here."""
    if not permissions.can_mark(actor, sheet):
        raise field_error(
            "aspect", _("You are not assigned to mark this section for this competitor."), "not_assigned"
        )
    if (
        selectors.conflicts(actor, selectors.entry_members(sheet.entry))
        and not sheet.entry.substitutions.filter(section=sheet.section, substitute=actor).exists()
    ):
        raise field_error(
            "entry",
            _(
                "Conflict of interest: you share an employer or a union with this competitor. Ask for a substitute."
            ),
            "conflict_of_interest",
        )


def mark_record(*, actor, sheet: Sheet, aspect: Aspect, value, now: datetime.datetime | None = None) -> Mark:
    """A judge records a mark. The judge must be assigned to the section (or the substitute
    for this competitor) and have no conflict of interest; the competition must be in
    marking and the sheet not signed off. Judgement: one 0–3 score per judge (re-scoring
    replaces it); measurement: one value per aspect. Raw value stored; audited. Raises
    ValidationError ``marking_closed`` (competition), ``aspect_unknown`` / ``not_assigned``
    (aspect), ``conflict_of_interest`` / ``sheet_locked`` (entry), ``number_*`` (score).
    Nothing is written on any error."""
    competition = sheet.competition
    _marking_open(competition)
    if aspect.section_id != sheet.section_id:
        raise field_error("aspect", _("This aspect is not part of the sheet's section."), "aspect_unknown")
    _check_judge(actor, sheet)
    v = check_value(aspect, value)
    with transaction.atomic():
        locked = Sheet.objects.select_for_update().get(pk=sheet.pk)
        if locked.status == SheetStatus.SIGNED_OFF:
            raise field_error(
                "entry", _("The sheet is signed off and locked; ask for a correction."), "sheet_locked"
            )
        if aspect.kind == AspectKind.JUDGEMENT:
            existing = Mark.objects.filter(sheet=locked, aspect=aspect, judge=actor).first()
        else:
            existing = Mark.objects.filter(sheet=locked, aspect=aspect).first()
        before = existing.value if existing else None
        if existing:
            existing.value = v
            existing.judge = actor
            existing.save(update_fields=["value", "judge", "updated_at"])
            mark = existing
        else:
            mark = Mark.objects.create(sheet=locked, aspect=aspect, judge=actor, value=v)
        audit.record(
            actor=actor,
            action="competitions.mark.recorded",
            obj=mark,
            object_repr=f"{sheet.entry.number} {aspect.code}",
            organisation_id=competition.organisation_id,
            changes={aspect.code: [plain(before), plain(v)]},
        )
    return mark


def sheet_state(sheet: Sheet, marks: list[Mark] | None = None) -> dict:
    """What stands between a sheet and sign-off: missing aspects, judgement spreads above 1
    without a written justification, and each aspect's current mark."""
    marks = marks if marks is not None else selectors.sheet_marks(sheet)
    by_aspect: dict = {}
    for m in marks:
        by_aspect.setdefault(m.aspect_id, []).append(m)
    aspects = list(sheet.section.aspects.all())
    rows, missing, wide = [], [], []
    total = Decimal(0)
    maximum = Decimal(0)
    for a in aspects:
        values = [m.value for m in by_aspect.get(a.pk, [])]
        needed = JUDGES_PER_JUDGEMENT if a.kind == AspectKind.JUDGEMENT else 1
        complete = len(values) >= needed
        sp = scoring.spread(values) if a.kind == AspectKind.JUDGEMENT else Decimal(0)
        too_wide = sp > 1 and not sheet.justifications.get(a.code)
        if not complete:
            missing.append(a.code)
        if too_wide:
            wide.append(a.code)
        mark = aspect_mark(a, values) if complete else None
        if mark is not None:
            total += mark
        maximum += a.max_mark
        rows.append(
            {
                "aspect": a,
                "marks": by_aspect.get(a.pk, []),
                "values": values,
                "spread": sp,
                "spread_blocks": too_wide,
                "justification": sheet.justifications.get(a.code, ""),
                "mark": mark,
                "complete": complete,
            }
        )
    return {
        "rows": rows,
        "missing": missing,
        "wide": wide,
        "total": total,
        "max": maximum,
        "ready": not missing and not wide,
    }


def sheet_justify(*, actor, sheet: Sheet, aspect: Aspect, text: str) -> Sheet:
    """Record a written justification of a judgement spread above 1 (the alternative to
    re-scoring). A judge of the sheet or a manager; before sign-off. Raises
    ``required`` (blank), ``justification_required`` (under 5 characters), ``sheet_locked``, ``aspect_unknown``."""
    competition = sheet.competition
    permissions.require_edit_sheet(actor, sheet)
    if aspect.section_id != sheet.section_id or aspect.kind != AspectKind.JUDGEMENT:
        raise field_error(
            "aspect", _("Only a judgement aspect of this sheet can be justified."), "aspect_unknown"
        )
    # Blank is the input vocabulary's ``required``; too short keeps the app's code, as the
    # vocabulary has no minimum length.
    text = inputs.text(text, "justification", required=True)
    if len(text) < 5:
        raise field_error(
            "justification", _("Write the justification (at least 5 characters)."), "justification_required"
        )
    with transaction.atomic():
        locked = Sheet.objects.select_for_update().get(pk=sheet.pk)
        if locked.status == SheetStatus.SIGNED_OFF:
            raise field_error("entry", _("The sheet is signed off and locked."), "sheet_locked")
        before = locked.justifications.get(aspect.code)
        locked.justifications = {**locked.justifications, aspect.code: text}
        locked.save(update_fields=["justifications"])
        audit.record(
            actor=actor,
            action="competitions.sheet.justified",
            obj=locked,
            object_repr=f"{sheet.entry.number} {sheet.section.name}",
            organisation_id=competition.organisation_id,
            changes={aspect.code: [before, text]},
        )
    return locked


def sheet_sign_off(*, actor, sheet: Sheet, now: datetime.datetime | None = None) -> Sheet:
    """Sign a sheet off, which locks it. A judge of the sheet or a manager, while marking is
    open. Refused while an aspect lacks marks (``marks_missing``; a judgement needs three
    scores) or a judgement spread above 1 is neither re-scored nor justified
    (``spread_too_wide``)."""
    competition = sheet.competition
    permissions.require_edit_sheet(actor, sheet)
    _marking_open(competition)
    with transaction.atomic():
        locked = Sheet.objects.select_for_update().select_related("entry", "section").get(pk=sheet.pk)
        if locked.status == SheetStatus.SIGNED_OFF:
            raise field_error("entry", _("The sheet is already signed off."), "sheet_locked")
        state = sheet_state(locked)
        if state["missing"]:
            raise field_error(
                "sheet",
                _("Marks are missing for: %(codes)s.") % {"codes": ", ".join(state["missing"])},
                "marks_missing",
            )
        if state["wide"]:
            raise field_error(
                "sheet",
                _("The judges' scores differ by more than 1 on %(codes)s: re-score or justify in writing.")
                % {"codes": ", ".join(state["wide"])},
                "spread_too_wide",
            )
        locked.status = SheetStatus.SIGNED_OFF
        locked.signed_off_by = actor
        locked.signed_off_at = now or timezone.now()
        locked.save(update_fields=["status", "signed_off_by", "signed_off_at"])
        audit.record(
            actor=actor,
            action="competitions.sheet.signed_off",
            obj=locked,
            object_repr=f"{locked.entry.number} {locked.section.name}",
            organisation_id=competition.organisation_id,
            changes={
                "status": [SheetStatus.OPEN, SheetStatus.SIGNED_OFF],
                "marks": [None, str(state["total"])],
            },
        )
    return locked


def correction_request(
    *, actor, sheet: Sheet, aspect: Aspect, new_value, reason: str, judge=None
) -> Correction:
    """Ask to change a mark on a signed-off sheet. A judge of the sheet or a manager; needs a
    reason. For a judgement, ``judge`` names whose score changes (default: the actor). The
    change applies only when a second person approves. Raises ``sheet_not_locked`` (just
    re-mark), ``required`` (blank), ``reason_required`` (under 5 characters), ``aspect_unknown``, ``number_*`` (``new_value``, as ``check_value``)."""
    competition = sheet.competition
    permissions.require_edit_sheet(actor, sheet)
    if aspect.section_id != sheet.section_id:
        raise field_error("aspect", _("This aspect is not part of the sheet's section."), "aspect_unknown")
    if sheet.status != SheetStatus.SIGNED_OFF:
        raise field_error(
            "entry", _("The sheet is not locked; change the mark directly."), "sheet_not_locked"
        )
    reason = inputs.text(reason, "reason", required=True)
    if len(reason) < 5:
        raise field_error(
            "reason", _("Give the reason for the correction (at least 5 characters)."), "reason_required"
        )
    v = check_value(aspect, new_value, field="new_value")
    if aspect.kind == AspectKind.JUDGEMENT:
        judge = judge or actor
        existing = Mark.objects.filter(sheet=sheet, aspect=aspect, judge=judge).first()
        if existing is None:
            raise field_error("judge", _("This judge has no score on the aspect."), "no_mark")
    else:
        existing = Mark.objects.filter(sheet=sheet, aspect=aspect).first()
        judge = existing.judge if existing else actor
    with transaction.atomic():
        correction = Correction.objects.create(
            sheet=sheet,
            aspect=aspect,
            judge=judge,
            old_value=existing.value if existing else None,
            new_value=v,
            reason=reason,
            requested_by=actor,
        )
        audit.record(
            actor=actor,
            action="competitions.correction.requested",
            obj=correction,
            object_repr=f"{sheet.entry.number} {aspect.code}",
            organisation_id=competition.organisation_id,
            changes={aspect.code: [plain(correction.old_value), plain(v)]},
            reason=reason,
        )
    return correction


def correction_approve(*, actor, correction: Correction) -> Correction:
    """A second person with ``manage_competitions`` approves a correction; the mark changes
    now (audited). Refused to the requester (``same_person``) and when not pending."""
    sheet = correction.sheet
    competition = sheet.competition
    permissions.require_approve_correction(actor, correction)
    with transaction.atomic():
        locked = Correction.objects.select_for_update().get(pk=correction.pk)
        if locked.status != CorrectionStatus.PENDING:
            raise field_error("status", _("The correction is no longer pending."), "already_decided")
        aspect = locked.aspect
        if aspect.kind == AspectKind.JUDGEMENT:
            mark = (
                Mark.objects.select_for_update()
                .filter(sheet=sheet, aspect=aspect, judge=locked.judge)
                .first()
            )
        else:
            mark = Mark.objects.select_for_update().filter(sheet=sheet, aspect=aspect).first()
        before = mark.value if mark else None
        if mark:
            mark.value = locked.new_value
            mark.save(update_fields=["value", "updated_at"])
        else:
            mark = Mark.objects.create(sheet=sheet, aspect=aspect, judge=locked.judge, value=locked.new_value)
        locked.status = CorrectionStatus.APPROVED
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "decided_by", "decided_at"])
        audit.record(
            actor=actor,
            action="competitions.mark.corrected",
            obj=mark,
            object_repr=f"{sheet.entry.number} {aspect.code}",
            organisation_id=competition.organisation_id,
            changes={aspect.code: [plain(before), plain(locked.new_value)]},
            reason=locked.reason,
        )
    return locked


def correction_reject(*, actor, correction: Correction, reason: str) -> Correction:
    """A second person rejects a pending correction with a reason; the mark stays."""
    competition = correction.sheet.competition
    permissions.require_reject_correction(actor, correction)
    reason = inputs.text(reason, "reason", required=True)
    with transaction.atomic():
        locked = Correction.objects.select_for_update().get(pk=correction.pk)
        if locked.status != CorrectionStatus.PENDING:
            raise field_error("status", _("The correction is no longer pending."), "already_decided")
        locked.status = CorrectionStatus.REJECTED
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "decided_by", "decided_at"])
        audit.record(
            actor=actor,
            action="competitions.correction.rejected",
            obj=locked,
            object_repr=f"{correction.sheet.entry.number} {locked.aspect.code}",
            organisation_id=competition.organisation_id,
            changes={"status": [CorrectionStatus.PENDING, CorrectionStatus.REJECTED]},
            reason=reason,
        )
    return locked


def theory_record(*, actor, entry: Entry, score) -> Entry:
    """An officer records an entry's theory score (0–100, raw). Needs
    ``manage_competitions``. Raises ``required`` / ``number_invalid`` / ``number_too_small`` /
    ``number_too_large`` / ``number_precision`` (more than the 10 stored decimals) on ``theory_score``.
    After publication the change reaches the results only through a confirmed recomputation."""
    competition = entry.competition
    permissions.require_manage(actor, competition)
    v = numbers.decimal(
        score,
        "theory_score",
        minimum=0,
        maximum=100,
        message=_("A theory score is between 0 and 100."),
        places=scoring.STORE_PLACES,
    )
    with transaction.atomic():
        locked = Entry.objects.select_for_update().get(pk=entry.pk)
        before = locked.theory_score
        locked.theory_score = v
        locked.save(update_fields=["theory_score"])
        audit.record(
            actor=actor,
            action="competitions.theory.recorded",
            obj=locked,
            organisation_id=competition.organisation_id,
            changes={"theory_score": [plain(before), plain(v)]},
        )
    return locked
