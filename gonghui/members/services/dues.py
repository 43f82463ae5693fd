"""Union dues (会费): 0.5% of the monthly wage, the part of the wage under ten yuan not
counted; members whose membership is retained (retired, unemployed) are exempt."""

import datetime
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import audit
from gonghui.members.choices import DUES_EXEMPT, IN_MEMBERSHIP
from gonghui.members.models import DuesRecord, Member
from gonghui.organisations import scoping

RATE = Decimal("0.005")
CENT = Decimal("0.01")
MAX_WAGE = Decimal("10000000")


def parse_wage(value) -> Decimal:
    if isinstance(value, bool) or value is None:
        raise ValidationError(_("Enter the monthly wage as a number."), code="wage_invalid")
    try:
        wage = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise ValidationError(_("Enter the monthly wage as a number."), code="wage_invalid") from None
    if not wage.is_finite():
        raise ValidationError(_("Enter the monthly wage as a number."), code="wage_invalid")
    if wage < 0:
        raise ValidationError(_("The wage cannot be negative."), code="wage_negative")
    if wage > MAX_WAGE:
        raise ValidationError(_("The wage is implausibly large."), code="wage_too_large")
    if wage != wage.quantize(CENT, rounding=ROUND_DOWN):
        raise ValidationError(_("The wage has at most two decimal places."), code="wage_precision")
    return wage


def calculate(monthly_wage) -> tuple[Decimal, Decimal]:
    """(base, dues): 5678.90 → base 5670.00 → dues 28.35."""
    wage = parse_wage(monthly_wage)
    base = (wage / 10).to_integral_value(rounding=ROUND_DOWN) * 10
    dues = (base * RATE).quantize(CENT, rounding=ROUND_HALF_UP)
    return base.quantize(CENT), dues


def dues_record(
    *, actor, member: Member, month: datetime.date, monthly_wage, paid_on: datetime.date | None = None
) -> DuesRecord:
    """Record one month's dues for a member (one record per month). Needs ``dues`` on the
    member's union. Retained members are recorded as exempt with zero dues."""
    scoping.require(actor, scoping.Action.DUES, member.organisation)
    month = month.replace(day=1)
    if month > timezone.localdate().replace(day=1):
        raise ValidationError(_("Dues cannot be recorded for a future month."), code="month_future")
    if member.status not in IN_MEMBERSHIP:
        raise ValidationError(_("This person is no longer a member."), code="not_member")
    base, amount = calculate(monthly_wage)
    exempt = member.status in DUES_EXEMPT
    if exempt:
        amount = Decimal("0.00")
    try:
        with transaction.atomic():
            record = DuesRecord.objects.create(
                member=member,
                month=month,
                monthly_wage=parse_wage(monthly_wage),
                base=base,
                amount=amount,
                exempt=exempt,
                paid_on=paid_on,
                recorded_by=actor,
            )
            audit.record(
                actor=actor,
                action="members.dues.recorded",
                obj=record,
                organisation_id=member.organisation_id,
                changes={"amount": [None, str(amount)], "month": [None, f"{month:%Y-%m}"]},
            )
    except IntegrityError:
        raise ValidationError(_("Dues for this month are already recorded."), code="dues_duplicate") from None
    return record
