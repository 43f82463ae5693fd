"""Help paid out to a filed household, and the monthly household incomes recorded for the 脱困
rule and the 防止返困 watch (with the per-capita figure and the 低保 of that month)."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.assistance import category, permissions
from gonghui.assistance.choices import PaymentKind, Status
from gonghui.assistance.models import Household, MonthlyIncome, Payment
from gonghui.assistance.services import dibao
from gonghui.assistance.services.timeline import record_event, wrong_state
from gonghui.core import audit, inputs, locking
from gonghui.core.inputs import InputCode, field_error


def payment_record(
    *, actor, household: Household, kind: str, amount: object, paid_on: datetime.date, note: str = ""
) -> Payment:
    """Record help delivered to a filed household (owning union, MANAGE_ASSISTANCE): an amount
    above zero, paid on a day not in the future."""
    permissions.require_manage(actor, household)
    kind = inputs.choice(kind, "kind", PaymentKind)
    value = inputs.money(amount, "amount", positive=True, maximum=category.MAX_AMOUNT)
    paid_on = inputs.date(paid_on, "paid_on", not_future=True)
    with transaction.atomic():
        h = locking.locked(household, "organisation")
        if h.status != Status.FILED:
            raise wrong_state(h)
        p = Payment.objects.create(
            household=h,
            kind=kind,
            amount=value,
            paid_on=paid_on,
            note=inputs.text(note, "note", prose=True)[:200],
            recorded_by=actor,
        )
        record_event(actor, h, "paid", h.status, h.status, f"{p.get_kind_display()} {value:.2f}")
        audit.record(
            actor=actor,
            action="assistance.payment.recorded",
            obj=p,
            organisation_id=h.organisation_id,
            changes={"amount": [None, f"{value:.2f}"], "kind": [None, kind]},
        )
    return p


def income_record(
    *, actor, household: Household, month: datetime.date, income: object, rigid_expenses: object = "0"
) -> MonthlyIncome:
    """Record one month's household income (and rigid expenses) of a filed household, with the
    per-capita figure and the 低保 of that month. Re-recording a month corrects it."""
    permissions.require_manage(actor, household)
    month = inputs.date(month, "month").replace(day=1)
    if month > timezone.localdate():
        raise field_error("month", _("The month is in the future."), InputCode.DATE_FUTURE)
    total = inputs.money(income, "income", maximum=category.MAX_AMOUNT)
    expenses = inputs.money(rigid_expenses, "rigid_expenses", maximum=category.MAX_AMOUNT)
    size = household.people.count()
    line = dibao.monthly_for(household.organisation.division_code, month, field="month")
    per_capita = category.per_capita_income(total, expenses, size)
    with transaction.atomic():
        h = locking.locked(household, "organisation")
        # Filed files for the 脱困 rule; households that left hardship stay watched (防止返困),
        # so their months keep being recorded for the risk score.
        if h.status not in (Status.FILED, Status.LEFT):
            raise wrong_state(h)
        row, _created = MonthlyIncome.objects.update_or_create(
            household=h,
            month=month,
            defaults={
                "income": total,
                "rigid_expenses": expenses,
                "household_size": size,
                "per_capita_income": per_capita,
                "dibao_monthly": line,
            },
        )
        audit.record(
            actor=actor,
            action="assistance.income.recorded",
            obj=h,
            organisation_id=h.organisation_id,
            changes={"month": [None, month.isoformat()], "income": [None, f"{total:.2f}"]},
        )
    return row
