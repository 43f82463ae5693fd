"""Union dues (会费): 0.5% of the monthly wage, the part of the wage under ten yuan not
counted; members whose membership is retained (retired, unemployed) are exempt."""

import datetime
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import audit, inputs
from gonghui.members.choices import DUES_EXEMPT, IN_MEMBERSHIP, MembershipStatus
from gonghui.members.models import DuesRecord, Member
from gonghui.organisations import scoping

RATE = Decimal("0.005")
CENT = Decimal("0.01")
# A monthly wage of ten million yuan or more is a typing mistake.
MAX_WAGE = Decimal("10000000")


def parse_wage(value) -> Decimal:
    """A monthly wage as typed (``core.inputs.money``: digits, an optional decimal point and
    thousands commas, at most two decimals), below ``MAX_WAGE``; refusals name the field
    ``monthly_wage``."""
    wage = inputs.money(value, "monthly_wage", maximum=MAX_WAGE)
    return wage + Decimal("0.00")  # normalises -0 to 0


def calculate(monthly_wage) -> tuple[Decimal, Decimal]:
    """(base, dues): 5678.90 → base 5670.00 → dues 28.35."""
    wage = parse_wage(monthly_wage)
    base = (wage / 10).to_integral_value(rounding=ROUND_DOWN) * 10
    dues = (base * RATE).quantize(CENT, rounding=ROUND_HALF_UP)
    return abs(base).quantize(CENT), abs(dues)


def status_in_month(member: Member, month: datetime.date) -> str:
    """The member's 会籍 at the end of ``month``, replayed from their history. A transfer in
    progress does not change what the member owes, so its status is looked through."""
    last_day = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(
        days=1
    )
    for event in member.events.filter(effective_on__lte=last_day).order_by("-effective_on", "-created_at"):
        if event.to_status == MembershipStatus.TRANSFERRING:
            if event.from_status:
                return event.from_status
            continue
        return event.to_status
    return ""


def dues_record(
    *, actor, member: Member, month: datetime.date, monthly_wage, paid_on: datetime.date | None = None
) -> DuesRecord:
    """Record one month's dues for a member (one record per month). Needs ``dues`` on the
    member's union. Retained members are recorded as exempt with zero dues."""
    scoping.require(actor, scoping.Action.DUES, member.organisation)
    month = month.replace(day=1)
    if month > timezone.localdate().replace(day=1):
        raise ValidationError(_("Dues cannot be recorded for a future month."), code="date_future")
    if month < member.joined_on.replace(day=1):
        raise ValidationError(_("The member had not joined yet in that month."), code="date_too_early")
    status = status_in_month(member, month)
    if status not in IN_MEMBERSHIP:
        raise ValidationError(_("This person was not a member in that month."), code="not_member")
    wage = parse_wage(monthly_wage)
    base, amount = calculate(wage)
    exempt = status in DUES_EXEMPT
    if exempt:
        amount = Decimal("0.00")
    try:
        with transaction.atomic():
            record = DuesRecord.objects.create(
                member=member,
                month=month,
                monthly_wage=wage,
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
