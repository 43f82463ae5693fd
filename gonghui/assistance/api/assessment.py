"""The hardship assessment and the 低保 table over HTTP (mounted at /api/v1/assistance).

``POST /assess`` only computes (writes nothing), so it is open to anonymous callers like the
dues calculator; anonymous calls are rate-limited per client like the public forms."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import StrictFloat, StrictInt, StrictStr

from gonghui.assistance import category, selectors
from gonghui.assistance.services import dibao as dibao_services
from gonghui.core import pagination, throttle
from gonghui.core.api import error_answers
from gonghui.core.inputs import InputCode, field_error, money, money_text
from gonghui.core.validation import keyed
from gonghui.core.validators import validate_division_code

router = Router()

# An amount as the API takes it: a string ("12.30"), or a JSON number; core.inputs.money
# decides (the other modules of the API use it too).
Amount = StrictStr | StrictInt | StrictFloat


class EventIn(Schema):
    kind: StrictStr
    compensation: Amount = "0"


class AssessIn(Schema):
    household_size: StrictInt
    monthly_incomes: list[Amount]
    rigid_expenses: list[Amount] = []
    dibao_monthly: Amount | None = None
    division: StrictStr | None = None
    date: datetime.date | None = None
    event: EventIn | None = None


class AssessOut(Schema):
    category: str
    label: str
    per_capita_income: str
    threshold: str
    dibao_monthly: str
    explanation: str


def assessment_out(a: category.Assessment) -> dict:
    return {
        "category": a.category,
        "label": a.label,
        "per_capita_income": money_text(a.per_capita_income),
        "threshold": money_text(a.threshold),
        "dibao_monthly": money_text(a.dibao),
        "explanation": a.explanation,
    }


def _assess_rate() -> int:
    return getattr(settings, "GONGHUI_ASSESS_RATE", 10 * settings.GONGHUI_PUBLIC_FORM_RATE)


@router.post("assess", response={200: AssessOut, **error_answers(429)}, auth=None)
def assess(request, payload: AssessIn):
    """The hardship category of a household with its explanation. Give the 低保 directly
    (``dibao_monthly``) or as ``division`` (GB/T 2260) + ``date`` (default today) to use the
    recorded standard. Computes only; nothing is stored."""
    if not request.user.is_authenticated:
        throttle.hit("assistance-assess", throttle.client_key(request), limit=_assess_rate(), window=3600)

    def amounts(values: list, field: str) -> list:
        return [money(v, f"{field}.{i}", maximum=category.MAX_AMOUNT) for i, v in enumerate(values)]

    incomes = amounts(payload.monthly_incomes, "monthly_incomes")
    expenses = amounts(payload.rigid_expenses, "rigid_expenses")
    event = None
    if payload.event is not None:
        compensation = money(payload.event.compensation, "event.compensation", maximum=category.MAX_AMOUNT)
        event = category.Event(payload.event.kind, compensation)
    if payload.dibao_monthly is not None:
        dibao = money(payload.dibao_monthly, "dibao_monthly", positive=True, maximum=category.MAX_AMOUNT)
    elif payload.division:
        try:
            code = validate_division_code(payload.division)
        except ValidationError as exc:
            raise keyed(exc, "division") from None
        dibao = dibao_services.monthly_for(code, payload.date or timezone.localdate())
    else:
        raise field_error("dibao_monthly", _("Give dibao_monthly, or division and date."), InputCode.REQUIRED)
    a = category.assess(
        household_size=payload.household_size,
        monthly_incomes=incomes,
        rigid_expenses=expenses,
        dibao_monthly=dibao,
        event=event,
    )
    return assessment_out(a)


# ---- 低保 table ------------------------------------------------------------------------


class DibaoOut(Schema):
    division_code: str
    effective_from: datetime.date
    monthly: str
    note: str


class DibaoList(Schema):
    items: list[DibaoOut]
    count: int


class DibaoIn(Schema):
    division_code: StrictStr
    effective_from: datetime.date
    monthly: Amount
    note: str = ""


def dibao_out(row) -> dict:
    return {
        "division_code": row.division_code,
        "effective_from": row.effective_from,
        "monthly": money_text(row.monthly),
        "note": row.note,
    }


@router.get("dibao", response=DibaoList, auth=None)
def dibao_list(
    request, division: str = "", on: datetime.date | None = None, page: int = 1, page_size: int = 20
):
    """The 低保 table (public figures). With ``division`` and ``on``: the one row in force
    there on that date (county, else city, else province)."""
    if division and on:
        row = dibao_services.lookup(division, on)
        items = [dibao_out(row)] if row else []
        return {"items": items, "count": len(items)}
    req = pagination.parse(page, page_size)
    rows, count = pagination.slice_queryset(selectors.dibao_rows(division), req)
    return {"items": [dibao_out(r) for r in rows], "count": count}


@router.post("dibao", response={201: DibaoOut})
def dibao_set(request, payload: DibaoIn):
    """Record or correct the 低保 of a division from a date (admins whose union covers it)."""
    row = dibao_services.dibao_set(actor=request.user, **payload.dict())
    return Status(201, dibao_out(row))
