"""Hardship files over HTTP: list, open, read, the workflow steps, corrections, payments and
monthly incomes, the payout card. Thin: parse → service → shape."""

import datetime

from django.utils import timezone
from ninja import Router, Schema, Status
from pydantic import StrictInt, StrictStr

from gonghui.assistance import selectors
from gonghui.assistance.api.assessment import Amount
from gonghui.assistance.services import (
    bank_cards,
    editing,
    households,
    payments,
    reviews,
    workflow,
)
from gonghui.core import pagination
from gonghui.core.api import error_response, uuid_or_404
from gonghui.core.inputs import money_text
from gonghui.organisations.api import OrgRef, org_ref

router = Router()


class PersonOut(Schema):
    id: str
    relation: str
    name: str
    id_number: str
    monthly_income: str
    health: str
    disabled: bool
    disability_grade: int | None
    schooling: str
    employment: str


class HouseholdItem(Schema):
    id: str
    file_no: str
    head: str
    organisation: OrgRef
    status: str
    category: str
    per_capita_income: str
    next_review_on: datetime.date | None
    review_overdue: bool


class PaymentOut(Schema):
    kind: str
    amount: str
    paid_on: datetime.date
    note: str


class HouseholdDetail(HouseholdItem):
    source: str
    housing: str
    main_cause: str
    secondary_causes: list[str]
    rigid_expenses: list[dict]
    medical_insurance: str
    zero_employment: bool
    event_kind: str
    event_compensation: str
    bank_name: str
    bank_card: str
    category_explanation: str
    dibao_monthly: str
    assessed_on: datetime.date
    visited_on: datetime.date | None
    consent_signed: bool
    notice_from: datetime.date | None
    notice_until: datetime.date | None
    filed_on: datetime.date | None
    close_reason: str
    people: list[PersonOut]
    payments: list[PaymentOut]
    attachments: list["AttachmentOut"]


class HouseholdList(Schema):
    items: list[HouseholdItem]
    count: int


def _overdue(h) -> bool:
    return bool(h.status == "filed" and h.next_review_on and h.next_review_on < timezone.localdate())


def household_item(h) -> dict:
    return {
        "id": str(h.pk),
        "file_no": h.file_no,
        "head": h.head.name,
        "organisation": org_ref(h.organisation),
        "status": h.status,
        "category": h.category,
        "per_capita_income": money_text(h.per_capita_income),
        "next_review_on": h.next_review_on,
        "review_overdue": _overdue(h),
    }


def household_detail(h) -> dict:
    return {
        **household_item(h),
        "source": h.source,
        "housing": h.housing,
        "main_cause": h.main_cause,
        "secondary_causes": list(h.secondary_causes),
        "rigid_expenses": list(h.rigid_expenses),
        "medical_insurance": h.medical_insurance,
        "zero_employment": h.zero_employment,
        "event_kind": h.event_kind,
        "event_compensation": money_text(h.event_compensation),
        "bank_name": h.bank_name,
        "bank_card": h.bank_card_masked,
        "category_explanation": h.category_explanation,
        "dibao_monthly": money_text(h.dibao_monthly),
        "assessed_on": h.assessed_on,
        "visited_on": h.visited_on,
        "consent_signed": h.consent_signed,
        "notice_from": h.notice_from,
        "notice_until": h.notice_until,
        "filed_on": h.filed_on,
        "close_reason": h.close_reason,
        "people": [
            {
                "id": str(p.pk),
                "relation": p.relation,
                "name": p.name,
                "id_number": p.id_number_masked,
                "monthly_income": money_text(p.monthly_income),
                "health": p.health,
                "disabled": p.disabled,
                "disability_grade": p.disability_grade,
                "schooling": p.schooling,
                "employment": p.employment,
            }
            for p in h.people.all()
        ],
        "payments": [
            {"kind": p.kind, "amount": money_text(p.amount), "paid_on": p.paid_on, "note": p.note}
            for p in h.payments.all()
        ],
        "attachments": [attachment_out(a) for a in selectors.attachments_of(h)],
    }


class AttachmentOut(Schema):
    id: str
    kind: str
    name: str
    content_type: str
    size: int
    sha256: str
    created_at: datetime.datetime
    url: str


def attachment_out(a) -> dict:
    return {
        "id": str(a.pk),
        "kind": a.kind,
        "name": a.name,
        "content_type": a.content_type,
        "size": a.size,
        "sha256": a.sha256,
        "created_at": a.created_at,
        "url": f"/api/v1/assistance/households/{a.household_id}/attachments/{a.pk}",
    }


class ExpenseIn(Schema):
    kind: StrictStr
    monthly: Amount


class PersonIn(Schema):
    relation: StrictStr
    name: StrictStr
    id_number: StrictStr = ""
    monthly_income: Amount = "0"
    health: StrictStr = "healthy"
    disabled: bool = False
    disability_grade: StrictInt | None = None
    schooling: StrictStr = ""
    employment: StrictStr


class PersonEditIn(PersonIn):
    id: StrictStr = ""  # an existing person of the household (kept ID number unless a new one is given)


class HouseholdEditIn(Schema):
    """Only the fields sent are changed; ``family`` is the whole list of people besides the head
    (people not listed again are removed)."""

    housing: StrictStr | None = None
    main_cause: StrictStr | None = None
    secondary_causes: list[StrictStr] | None = None
    rigid_expenses: list[ExpenseIn] | None = None
    medical_insurance: StrictStr | None = None
    zero_employment: bool | None = None
    event_kind: StrictStr | None = None
    event_compensation: Amount | None = None
    bank_name: StrictStr | None = None
    bank_card: StrictStr | None = None
    head_income: Amount | None = None
    head_health: StrictStr | None = None
    head_employment: StrictStr | None = None
    family: list[PersonEditIn] | None = None
    note: str = ""


class PeriodicReviewIn(HouseholdEditIn):
    pass


def _edit_changes(payload: HouseholdEditIn) -> tuple[dict, str]:
    data = payload.dict(exclude_unset=True)
    note = data.pop("note", "")
    return data, note


class HouseholdIn(Schema):
    head: str  # member id
    source: StrictStr = "application"
    housing: StrictStr
    main_cause: StrictStr
    secondary_causes: list[StrictStr] = []
    rigid_expenses: list[ExpenseIn] = []
    medical_insurance: StrictStr
    zero_employment: bool = False
    event_kind: StrictStr = ""
    event_compensation: Amount = "0"
    bank_name: StrictStr = ""
    bank_card: StrictStr = ""
    head_income: Amount = "0"
    head_health: StrictStr = "healthy"
    head_employment: StrictStr = "employed"
    family: list[PersonIn] = []


@router.get("households", response=HouseholdList)
def list_households(request, status: str = "", overdue: bool = False, page: int = 1, page_size: int = 20):
    """Hardship files in the caller's scope; ``overdue=true`` lists reviews past due."""
    req = pagination.parse(page, page_size)
    qs = selectors.household_queue(request.user, status=status, overdue_only=overdue)
    items, count = pagination.slice_queryset(qs, req)
    return {"items": [household_item(h) for h in items], "count": count}


@router.post("households", response={201: HouseholdDetail})
def open_household(request, payload: HouseholdIn):
    """Open a file: the head applies for their household, or an officer files it."""
    data = payload.dict()
    head = selectors.head_or_404(request.user, uuid_or_404(data.pop("head")))
    try:
        h = households.household_open(actor=request.user, head=head, **data)
    except households.DuplicateFile as exc:
        return duplicate_response(exc)
    return Status(201, household_detail(h))


def duplicate_response(exc: households.DuplicateFile):
    """400 with the usual error shape; ``existing`` points to the file (and how to reopen it)
    only when the caller may see it (the service decides: ``exc.household`` is None otherwise)."""
    message = exc.messages[0]
    existing = None
    if exc.household is not None:
        base = f"/api/v1/assistance/households/{exc.household.pk}"
        existing = {
            "id": str(exc.household.pk),
            "file_no": exc.household.file_no,
            "status": exc.household.status,
            "url": base,
            "reopen_url": f"{base}/reopen" if exc.code == "duplicate_reopen" else None,
        }
    return error_response(
        400,
        message,
        exc.code,
        errors=[{"field": "", "code": exc.code, "message": message}],
        existing=existing,
    )


@router.get("households/{household_id}", response=HouseholdDetail)
def get_household(request, household_id: str):
    return household_detail(selectors.household_or_404(request.user, uuid_or_404(household_id)))


class DecisionIn(Schema):
    approve: bool
    note: str = ""


class VisitIn(Schema):
    visited_on: datetime.date
    visitor: StrictStr
    consent_signed: bool
    note: str = ""


class PubliciseIn(Schema):
    start: datetime.date | None = None


class HouseholdReasonIn(Schema):
    reason: str


class PaymentIn(Schema):
    kind: StrictStr
    amount: Amount
    paid_on: datetime.date
    note: str = ""


class IncomeIn(Schema):
    month: datetime.date
    income: Amount
    rigid_expenses: Amount = "0"


class BankCardOut(Schema):
    bank_card: str


def household_or_404(request, household_id: str):
    """The file named in the URL, in the caller's scope (404 for a malformed id, a missing file
    or one outside the scope); used by every endpoint of a file here and in the other modules."""
    return selectors.household_or_404(request.user, uuid_or_404(household_id))


@router.post("households/{household_id}/screen", response=HouseholdDetail)
def screen(request, household_id: str, payload: DecisionIn):
    """初审 by the owning union."""
    return household_detail(
        workflow.household_screen(
            actor=request.user, household=household_or_404(request, household_id), **payload.dict()
        )
    )


@router.post("households/{household_id}/visit", response=HouseholdDetail)
def visit(request, household_id: str, payload: VisitIn):
    """The home visit, with the family's signed consent."""
    return household_detail(
        workflow.household_visit(
            actor=request.user, household=household_or_404(request, household_id), **payload.dict()
        )
    )


@router.post("households/{household_id}/review", response=HouseholdDetail)
def review(request, household_id: str, payload: DecisionIn):
    """审核 by the upper union."""
    return household_detail(
        workflow.household_review(
            actor=request.user, household=household_or_404(request, household_id), **payload.dict()
        )
    )


@router.post("households/{household_id}/publicise", response=HouseholdDetail)
def publicise(request, household_id: str, payload: PubliciseIn):
    return household_detail(
        workflow.household_publicise(
            actor=request.user, household=household_or_404(request, household_id), **payload.dict()
        )
    )


@router.post("households/{household_id}/file", response=HouseholdDetail)
def file_household(request, household_id: str):
    return household_detail(
        workflow.household_file(actor=request.user, household=household_or_404(request, household_id))
    )


@router.post("households/{household_id}/close", response=HouseholdDetail)
def close(request, household_id: str, payload: HouseholdReasonIn):
    return household_detail(
        workflow.household_close(
            actor=request.user, household=household_or_404(request, household_id), reason=payload.reason
        )
    )


@router.post("households/{household_id}/reopen", response=HouseholdDetail)
def reopen(request, household_id: str, payload: HouseholdReasonIn):
    """Reopen a closed file or a household that left hardship (返困): the same file re-enters
    the workflow at 初审 with a fresh assessment; the timeline keeps the earlier rounds."""
    return household_detail(
        workflow.household_reopen(
            actor=request.user, household=household_or_404(request, household_id), reason=payload.reason
        )
    )


@router.patch("households/{household_id}", response=HouseholdDetail)
def edit_household(request, household_id: str, payload: HouseholdEditIn):
    """Correct household data and family members before filing; re-assesses and records the
    change (before → after). After the upper review it goes back to that review; a filed file
    changes at its periodic review."""
    changes, note = _edit_changes(payload)
    return household_detail(
        editing.household_edit(
            actor=request.user, household=household_or_404(request, household_id), changes=changes, note=note
        )
    )


@router.post("households/{household_id}/periodic-review", response=HouseholdDetail)
def periodic_review(request, household_id: str, payload: PeriodicReviewIn | None = None):
    """Periodic review: re-categorise, or 脱困 after six months above 低保 (the six calendar
    months before the review month). The body may correct household data found at the review
    (fields as for PATCH)."""
    changes, note = _edit_changes(payload) if payload is not None else ({}, "")
    return household_detail(
        reviews.household_periodic_review(
            actor=request.user,
            household=household_or_404(request, household_id),
            note=note,
            changes=changes or None,
        )
    )


@router.post("households/{household_id}/payments", response={201: PaymentOut})
def record_payment(request, household_id: str, payload: PaymentIn):
    p = payments.payment_record(
        actor=request.user, household=household_or_404(request, household_id), **payload.dict()
    )
    return Status(201, {"kind": p.kind, "amount": money_text(p.amount), "paid_on": p.paid_on, "note": p.note})


class IncomeOut(Schema):
    month: str
    per_capita_income: str
    dibao_monthly: str


@router.post("households/{household_id}/incomes", response={201: IncomeOut})
def record_income(request, household_id: str, payload: IncomeIn):
    row = payments.income_record(
        actor=request.user, household=household_or_404(request, household_id), **payload.dict()
    )
    return Status(
        201,
        {
            "month": f"{row.month:%Y-%m}",
            "per_capita_income": money_text(row.per_capita_income),
            "dibao_monthly": money_text(row.dibao_monthly),
        },
    )


@router.post("households/{household_id}/bank-card/reveal", response=BankCardOut)
def reveal_bank_card(request, household_id: str):
    """The full payout card number (admins; logged)."""
    return {
        "bank_card": bank_cards.bank_card_reveal(
            actor=request.user, household=household_or_404(request, household_id)
        )
    }
