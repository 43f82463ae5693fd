"""The hardship category of a household, with its explanation. One function, used by the
assessment API, the household files and the periodic reviews. Pure: no database.

Rules (docs/modules/assistance.md has the sources):

* one monthly income per person: the number of incomes equals the household size (a person
  without income counts as "0.00").
* per-capita income = (Σ monthly incomes − Σ rigid monthly expenses) / household size, never
  below 0, rounded half-up to the fen; comparisons use the rounded figure the explanation shows.
* With an event, its compensation is a one-off sum: it counts as income spread over 12 months
  (compensation / 12 a month) in the figure above.
* 意外致困 ``accident``: an event (accident, disaster, critical illness), per-capita income
  *before* deducting rigid (accident) expenses and without compensation ≤ 3 × 低保, and the
  figure above still ≤ 2 × 低保 (still in hardship after compensation) — even when that figure
  is also below 低保 (the explanation then says so): the event is the cause that files it.
* 深度困难 ``deep``: per-capita income < 低保 (strictly below; exactly 低保 is not deep).
* 相对困难 ``relative``: per-capita income ≤ 2 × 低保.
* otherwise ``none``.
An event household whose income before expenses is above 3 × 低保 falls through to the
ordinary tiers, and the explanation says why it is not 意外致困.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from gonghui.assistance.choices import Category, EventKind
from gonghui.core import inputs
from gonghui.core.inputs import CENT, field_error, money_text

# Every amount of a household file (incomes, expenses, compensation, 低保, payments) is below
# this: the file's amount columns hold it (``max_digits=10`` for the 低保).
MAX_AMOUNT = Decimal("100000000")


@dataclass(frozen=True)
class Event:
    kind: str
    compensation: Decimal = Decimal("0")


@dataclass(frozen=True)
class Assessment:
    category: str
    label: str
    per_capita_income: Decimal
    threshold: Decimal
    dibao: Decimal
    explanation: str


def per_capita_income(income: Decimal, expenses: Decimal, household_size: int) -> Decimal:
    """(household income − rigid expenses) / size, never below 0, rounded half-up to the fen."""
    net = max(Decimal("0"), income - expenses)
    return (net / Decimal(household_size)).quantize(CENT, rounding=ROUND_HALF_UP)


def assess(
    *,
    household_size: int,
    monthly_incomes: Iterable[Decimal],
    rigid_expenses: Iterable[Decimal],
    dibao_monthly: Decimal,
    event: Event | None = None,
) -> Assessment:
    """The category of a household and why. Amounts are Decimals in yuan a month (read with
    ``core.inputs.money``); raises ValidationError naming the field otherwise, with the codes
    of ``core.inputs`` (``number_too_small`` for no people, ``invalid_choice`` for an unknown
    event, ``amount_zero`` for a 低保 of zero) and ``incomes_count``."""
    inputs.integer(household_size, "household_size", minimum=1)
    dibao = inputs.money(dibao_monthly, "dibao_monthly", positive=True)
    if event is not None:
        inputs.choice(event.kind, "event.kind", EventKind)
    incomes_list = list(monthly_incomes)
    if len(incomes_list) != household_size:
        raise field_error(
            "monthly_incomes",
            _(
                "Give one monthly income per person (0.00 for a person without income): "
                "%(size)s people, %(count)s incomes."
            )
            % {"size": household_size, "count": len(incomes_list)},
            "incomes_count",
        )
    incomes = sum(incomes_list, Decimal("0"))
    expenses = sum(rigid_expenses, Decimal("0"))
    compensation = event.compensation if event is not None else Decimal("0")
    size = Decimal(household_size)

    gross = (incomes / size).quantize(CENT, rounding=ROUND_HALF_UP)
    per_capita = per_capita_income(incomes + compensation / 12, expenses, household_size)
    basis = (
        _("after rigid expenses")
        if event is None
        else _("after rigid expenses, compensation spread over 12 months")
    )
    params = {"income": money_text(per_capita), "dibao": money_text(dibao), "basis": basis}
    prefix = ""
    if event is not None:
        params.update(gross=money_text(gross), event=EventKind(event.kind).label)

    if event is not None and gross <= 3 * dibao and per_capita <= 2 * dibao:
        category, threshold = Category.ACCIDENT, 2 * dibao
        params["label"] = Category.ACCIDENT.label
        text = _(
            "%(event)s: monthly per-capita household income %(gross)s yuan before rigid expenses ≤ 3 × 低保 "
            "%(dibao)s yuan, and %(income)s yuan (%(basis)s) ≤ 2 × 低保 → %(label)s"
        )
        if per_capita < dibao:
            text += _(" (%(income)s yuan is also below 低保 %(dibao)s yuan)")
    else:
        if event is not None and gross > 3 * dibao:
            prefix = _(
                "%(event)s: monthly per-capita household income %(gross)s yuan before rigid expenses > 3 × 低保 "
                "%(dibao)s yuan, so not hardship caused by an accident. "
            )
        if per_capita < dibao:
            category, threshold = Category.DEEP, dibao
            params["label"] = Category.DEEP.label
            text = _(
                "Monthly per-capita household income %(income)s yuan (%(basis)s) < 低保 %(dibao)s yuan → %(label)s"
            )
        elif per_capita <= 2 * dibao:
            category, threshold = Category.RELATIVE, 2 * dibao
            params["label"] = Category.RELATIVE.label
            text = _(
                "Monthly per-capita household income %(income)s yuan (%(basis)s) ≤ 2 × 低保 %(dibao)s yuan → %(label)s"
            )
        else:
            category, threshold = Category.NONE, 2 * dibao
            params["label"] = Category.NONE.label
            text = _(
                "Monthly per-capita household income %(income)s yuan (%(basis)s) > 2 × 低保 %(dibao)s yuan → %(label)s"
            )
        text = prefix + text
    params = {k: str(v) for k, v in params.items()}
    return Assessment(
        category=str(category),
        label=str(category.label),
        per_capita_income=per_capita,
        threshold=threshold.quantize(CENT),
        dibao=dibao,
        explanation=text % params,
    )
