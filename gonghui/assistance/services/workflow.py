"""The steps of a file: 初审 and the home visit by the owning union, 审核, 公示 and 建档 by the
upper union, closing with a reason, and reopening a closed file (返困). Every step is checked
for scope (``assistance.permissions``), refused in the wrong state, and written with a timeline
line and an audit entry; files are never deleted."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.assistance import permissions
from gonghui.assistance.choices import Category, Source, Status
from gonghui.assistance.models import Household
from gonghui.assistance.services import assessment, dates, monitoring
from gonghui.assistance.services.timeline import move, record_event, wrong_state
from gonghui.core import audit, inputs, locking
from gonghui.core.inputs import InputCode, field_error


def check_reason(note: str) -> str:
    """The reason a file is rejected, closed or reopened: required, at most 200 characters kept."""
    text = inputs.text(note, "reason", prose=True)
    if not text:
        raise field_error("reason", _("Give a reason."), InputCode.REQUIRED)
    return text[:200]


def household_screen(*, actor, household: Household, approve: bool, note: str = "") -> Household:
    """初审 by the owning (grassroots) union: pass it on to the home visit, or close it."""
    if approve:
        return move(actor, household, expect=[Status.APPLIED], to=Status.SCREENED, kind="screened", note=note)
    why = check_reason(note)
    return move(
        actor,
        household,
        expect=[Status.APPLIED],
        to=Status.CLOSED,
        kind="rejected",
        note=why,
        close_reason=why,
    )


def household_visit(
    *,
    actor,
    household: Household,
    visited_on: datetime.date,
    visitor: str,
    consent_signed: bool,
    note: str = "",
) -> Household:
    """The home visit (入户核查) by the owning union. Without the family's signed consent to
    the check the file cannot go on."""
    if not consent_signed:
        raise field_error("consent_signed", _("The family's signed consent is required."), "consent_required")
    visitor = inputs.text(visitor, "visitor")
    if not visitor:
        raise field_error("visitor", _("Name who visited."), InputCode.REQUIRED)
    visited_on = inputs.date(visited_on, "visited_on", not_future=True)
    return move(
        actor,
        household,
        expect=[Status.SCREENED],
        to=Status.VISITED,
        kind="visited",
        note=note,
        visited_on=visited_on,
        visitor=visitor[:60],
        consent_signed=True,
    )


def household_review(*, actor, household: Household, approve: bool, note: str = "") -> Household:
    """审核 by the upper union (the owning union's parent): approve, or close with a reason.
    Re-computes the category on the day."""
    if not approve:
        why = check_reason(note)
        return move(
            actor,
            household,
            expect=[Status.VISITED],
            to=Status.CLOSED,
            kind="rejected",
            by_upper=True,
            note=why,
            close_reason=why,
        )
    today = timezone.localdate()
    a = assessment.assess_household(household, today)
    if a.category == Category.NONE:
        raise ValidationError(_("Not eligible: %(why)s") % {"why": a.explanation}, code="not_eligible")
    return move(
        actor,
        household,
        expect=[Status.VISITED],
        to=Status.REVIEWED,
        kind="reviewed",
        by_upper=True,
        note=note,
        category=a.category,
        category_explanation=a.explanation,
        per_capita_income=a.per_capita_income,
        dibao_monthly=a.dibao,
        assessed_on=today,
    )


def household_publicise(*, actor, household: Household, start: datetime.date | None = None) -> Household:
    """Put the file on public notice (公示) for five working days, by the upper union. ``start``
    defaults to today; it may lie in the past (a notice already posted) but not more than a
    year ahead (``date_too_late`` on ``start``)."""
    today = timezone.localdate()
    start = inputs.date(start, "start", required=False, latest=dates.latest_notice_start(today)) or today
    return move(
        actor,
        household,
        expect=[Status.REVIEWED],
        to=Status.PUBLICISED,
        kind="publicised",
        by_upper=True,
        notice_from=start,
        notice_until=dates.notice_until(start),
    )


def household_file(*, actor, household: Household, on: datetime.date | None = None) -> Household:
    """File it (建档) once the public notice has run without objection; the first periodic
    review falls due six months later. By the upper union."""
    on = on or timezone.localdate()
    if household.notice_until and on <= household.notice_until:
        raise ValidationError(
            _("The public notice runs until %(date)s.") % {"date": household.notice_until.isoformat()},
            code="notice_running",
        )
    return move(
        actor,
        household,
        expect=[Status.PUBLICISED],
        to=Status.FILED,
        kind="filed",
        by_upper=True,
        filed_on=on,
        next_review_on=dates.next_review_on(on),
    )


def household_close(*, actor, household: Household, reason: str) -> Household:
    """Close a file with a reason (moved away, no longer eligible, died …); never deleted."""
    why = check_reason(reason)
    return move(
        actor,
        household,
        expect=[*Status.values[:6]],
        to=Status.CLOSED,
        kind="closed",
        note=why,
        close_reason=why,
    )


# The fields of the last round that a reopened file starts again without, with their empty value.
REOPEN_CLEARS = {
    "visited_on": None,
    "visitor": "",
    "consent_signed": False,
    "notice_from": None,
    "notice_until": None,
    "filed_on": None,
    "next_review_on": None,
    "left_on": None,
    "close_reason": "",
}


def household_reopen(
    *, actor, household: Household, reason: str, on: datetime.date | None = None
) -> Household:
    """Reopen a closed file (rejected, or closed) or a household that left hardship (返困): one
    file per household for life, as the national system keeps it. The file re-enters the
    workflow at 初审 (status applied) with a fresh assessment on the day; the visit, consent,
    notice and filing of the last round are cleared (the timeline and the audit log keep them),
    and open 防止返困 alerts are closed as answered. By the owning union (MANAGE_ASSISTANCE), or
    the head themself applying again. Raises ValidationError / PermissionDenied / Http404;
    writes nothing then."""
    why = check_reason(reason)
    on = on or timezone.localdate()
    permissions.require_reopen(actor, household)
    own = permissions.is_head(actor, household.head)
    with transaction.atomic():
        h = locking.locked(household, "organisation")
        if h.status not in (Status.CLOSED, Status.LEFT):
            raise wrong_state(h)
        a = assessment.assess_household(h, on)
        before_status = h.status
        before = {
            "status": h.status,
            "category": h.category,
            "per_capita_income": h.per_capita_income,
            **{name: getattr(h, name) for name in REOPEN_CLEARS},
        }
        h.status = Status.APPLIED
        for name, empty in REOPEN_CLEARS.items():
            setattr(h, name, empty)
        if own:
            h.source = Source.APPLICATION
        assessment.set_category(h, a, on)
        h.save()
        for alert in h.alerts.select_for_update().filter(is_open=True):
            monitoring.close_locked(actor, alert, _("File reopened: back in hardship."))
        record_event(actor, h, "reopened", before_status, Status.APPLIED, f"{why}\n{a.explanation}")
        after = {
            "status": h.status,
            "category": h.category,
            "per_capita_income": h.per_capita_income,
            **{name: getattr(h, name) for name in REOPEN_CLEARS},
        }
        audit.record(
            actor=actor,
            action="assistance.household.reopened",
            obj=h,
            organisation_id=h.organisation_id,
            changes=audit.diff(before, after),
            reason=why,
        )
    household.refresh_from_db()
    return h
