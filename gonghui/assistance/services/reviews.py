"""The periodic review of a filed household: every six months its category is computed again
with the day's data and 低保; six calendar months above 低保 in a row take it out of hardship
(脱困), after which it stays watched (``monitoring``)."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.assistance import permissions
from gonghui.assistance.choices import Status
from gonghui.assistance.models import Household
from gonghui.assistance.services import assessment, dates, dibao, editing
from gonghui.assistance.services.timeline import move, wrong_state
from gonghui.core import locking


def months_above_dibao(household: Household, on: datetime.date | None = None) -> int:
    """How many consecutive months, counting back from the month before ``on`` (default today)
    and at most six, were recorded with a per-capita income above the 低保 in force in that
    month (looked up again, so a corrected standard counts; the recorded one if none is found).
    A month not recorded ends the run, like a month at or below 低保: months recorded long ago
    do not count."""
    on = on or timezone.localdate()
    window = dates.leave_window(on)
    rows = {row.month: row for row in household.incomes.filter(month__gte=window[0], month__lte=window[-1])}
    division = household.organisation.division_code
    run = 0
    for month in reversed(window):
        row = rows.get(month)
        if row is None:
            break
        standard = dibao.lookup(division, month)
        line = standard.monthly if standard is not None else row.dibao_monthly
        if row.per_capita_income <= line:
            break
        run += 1
    return run


def household_periodic_review(
    *,
    actor,
    household: Household,
    note: str = "",
    on: datetime.date | None = None,
    changes: dict | None = None,
):
    """The periodic review of a filed household: re-computes the category with today's data
    and 低保, sets the next review six months on. Moves it out of hardship (脱困) when the
    per-capita income was above 低保 in each of the six calendar months before the review
    month (all six recorded). ``changes`` (as for ``editing.household_edit``) first corrects
    the household data and family found at the review, recorded with before → after, in the
    same transaction; a bad change writes nothing."""
    on = on or timezone.localdate()
    permissions.require_manage(actor, household)
    if changes:
        if household.status != Status.FILED:
            raise wrong_state(household)
        plan = editing.plan_edit(household, changes, on)
        with transaction.atomic():
            h = locking.locked(household, "organisation")
            if h.status != Status.FILED:
                raise wrong_state(h)
            editing.write_edit(actor, h, plan, on, (note or "").strip()[:500])
            household.refresh_from_db()
            return _review(actor, household, note, on)
    return _review(actor, household, note, on)


def _review(actor, household: Household, note: str, on: datetime.date):
    if months_above_dibao(household, on) >= dates.LEAVE_MONTHS:
        return move(
            actor,
            household,
            expect=[Status.FILED],
            to=Status.LEFT,
            kind="left",
            note=note or _("Per-capita income above 低保 for six consecutive months."),
            left_on=on,
            next_review_on=None,
        )
    a = assessment.assess_household(household, on)
    return move(
        actor,
        household,
        expect=[Status.FILED],
        to=Status.FILED,
        kind="reviewed_periodic",
        note=note or a.explanation,
        category=a.category,
        category_explanation=a.explanation,
        per_capita_income=a.per_capita_income,
        dibao_monthly=a.dibao,
        assessed_on=on,
        next_review_on=dates.next_review_on(on),
    )
