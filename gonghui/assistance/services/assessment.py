"""The category of a file on a day: the pure category function (``assistance.category``) fed
with the household's people, rigid expenses and event, and the 低保 in force for the union's
division on that day."""

import datetime
from decimal import Decimal

from django.utils import timezone

from gonghui.assistance import category
from gonghui.assistance.models import FamilyMember, Household
from gonghui.assistance.services import dibao


def assess(
    *,
    people: list[dict] | list[FamilyMember],
    expenses: list[Decimal],
    event_kind: str,
    compensation: Decimal,
    division: str,
    on: datetime.date,
) -> category.Assessment:
    """The category of a household given as its people (rows, or dicts with
    ``monthly_income``), before it is saved. ValidationError ``dibao_missing`` (on ``division``)
    when no 低保 is recorded there on ``on``."""
    incomes = [p["monthly_income"] if isinstance(p, dict) else p.monthly_income for p in people]
    return category.assess(
        household_size=len(people),
        monthly_incomes=incomes,
        rigid_expenses=expenses,
        dibao_monthly=dibao.monthly_for(division, on),
        event=category.Event(event_kind, compensation) if event_kind else None,
    )


def assess_household(household: Household, on: datetime.date | None = None) -> category.Assessment:
    """The category of a saved file with its data as recorded, on ``on`` (default today)."""
    on = on or timezone.localdate()
    return assess(
        people=list(household.people.all()),
        expenses=household.rigid_expense_amounts(),
        event_kind=household.event_kind,
        compensation=household.event_compensation,
        division=household.organisation.division_code,
        on=on,
    )


def set_category(household: Household, a: category.Assessment, on: datetime.date) -> None:
    """Put an assessment made on ``on`` on the file (not saved)."""
    household.category = a.category
    household.category_explanation = a.explanation
    household.per_capita_income = a.per_capita_income
    household.dibao_monthly = a.dibao
    household.assessed_on = on
