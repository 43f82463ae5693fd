"""Hardship assistance over HTTP (mounted at /api/v1/assistance). Thin: parse → service → shape.

``POST /assess`` only computes (writes nothing), so it is open to anonymous callers like the
dues calculator; anonymous calls are rate-limited per client like the public forms."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import StrictFloat, StrictInt, StrictStr

from gonghui.assistance import category, selectors
from gonghui.assistance.services import attachments as attachment_services
from gonghui.assistance.services import (
    bank_cards,
    editing,
    households,
    monitoring,
    payments,
    reviews,
    workflow,
)
from gonghui.assistance.services import dibao as dibao_services
from gonghui.core import pagination, throttle, uploads
from gonghui.core.api import error_answers, error_response, file_answer, uuid_or_404
from gonghui.core.inputs import InputCode, field_error, money, money_text
from gonghui.core.validation import keyed
from gonghui.core.validators import validate_division_code
from gonghui.organisations.api import OrgRef, org_ref

router = Router(tags=["assistance"])
Amount = StrictStr | StrictInt | StrictFloat


# ---- assessment ------------------------------------------------------------------------


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


# ---- household files -------------------------------------------------------------------


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


def _h(request, household_id: str):
    return selectors.household_or_404(request.user, uuid_or_404(household_id))


@router.post("households/{household_id}/screen", response=HouseholdDetail)
def screen(request, household_id: str, payload: DecisionIn):
    """初审 by the owning union."""
    return household_detail(
        workflow.household_screen(actor=request.user, household=_h(request, household_id), **payload.dict())
    )


@router.post("households/{household_id}/visit", response=HouseholdDetail)
def visit(request, household_id: str, payload: VisitIn):
    """The home visit, with the family's signed consent."""
    return household_detail(
        workflow.household_visit(actor=request.user, household=_h(request, household_id), **payload.dict())
    )


@router.post("households/{household_id}/review", response=HouseholdDetail)
def review(request, household_id: str, payload: DecisionIn):
    """审核 by the upper union."""
    return household_detail(
        workflow.household_review(actor=request.user, household=_h(request, household_id), **payload.dict())
    )


@router.post("households/{household_id}/publicise", response=HouseholdDetail)
def publicise(request, household_id: str, payload: PubliciseIn):
    return household_detail(
        workflow.household_publicise(
            actor=request.user, household=_h(request, household_id), **payload.dict()
        )
    )


@router.post("households/{household_id}/file", response=HouseholdDetail)
def file_household(request, household_id: str):
    return household_detail(workflow.household_file(actor=request.user, household=_h(request, household_id)))


@router.post("households/{household_id}/close", response=HouseholdDetail)
def close(request, household_id: str, payload: HouseholdReasonIn):
    return household_detail(
        workflow.household_close(
            actor=request.user, household=_h(request, household_id), reason=payload.reason
        )
    )


@router.post("households/{household_id}/reopen", response=HouseholdDetail)
def reopen(request, household_id: str, payload: HouseholdReasonIn):
    """Reopen a closed file or a household that left hardship (返困): the same file re-enters
    the workflow at 初审 with a fresh assessment; the timeline keeps the earlier rounds."""
    return household_detail(
        workflow.household_reopen(
            actor=request.user, household=_h(request, household_id), reason=payload.reason
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
            actor=request.user, household=_h(request, household_id), changes=changes, note=note
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
            actor=request.user, household=_h(request, household_id), note=note, changes=changes or None
        )
    )


@router.post("households/{household_id}/payments", response={201: PaymentOut})
def record_payment(request, household_id: str, payload: PaymentIn):
    p = payments.payment_record(actor=request.user, household=_h(request, household_id), **payload.dict())
    return Status(201, {"kind": p.kind, "amount": money_text(p.amount), "paid_on": p.paid_on, "note": p.note})


class IncomeOut(Schema):
    month: str
    per_capita_income: str
    dibao_monthly: str


@router.post("households/{household_id}/incomes", response={201: IncomeOut})
def record_income(request, household_id: str, payload: IncomeIn):
    row = payments.income_record(actor=request.user, household=_h(request, household_id), **payload.dict())
    return Status(
        201,
        {
            "month": f"{row.month:%Y-%m}",
            "per_capita_income": money_text(row.per_capita_income),
            "dibao_monthly": money_text(row.dibao_monthly),
        },
    )


class AttachmentList(Schema):
    items: list[AttachmentOut]
    count: int


@router.get("households/{household_id}/attachments", response=AttachmentList)
def list_attachments(request, household_id: str):
    """The documents of a file (without their bytes)."""
    items = [attachment_out(a) for a in selectors.attachments_of(_h(request, household_id))]
    return {"items": items, "count": len(items)}


@router.post("households/{household_id}/attachments", response={201: AttachmentOut})
def add_attachment(request, household_id: str, file: File[UploadedFile] = None, kind: Form[str] = ""):
    """Attach a document (multipart ``file`` and ``kind``: income_proof, medical_bills,
    disability_certificate, consent_form, schooling_proof, event_proof, other): PDF, JPEG or PNG
    by its first bytes, at most 10 MB (``GONGHUI_ASSISTANCE_ATTACHMENT_MAX_BYTES``). The file is
    looked up (404 when not yours) before the input is checked (400 naming ``kind`` or ``file``)."""
    a = attachment_services.attachment_add(
        actor=request.user, household=_h(request, household_id), kind=kind, upload=file
    )
    return Status(201, attachment_out(a))


def attachment_response(a) -> HttpResponse:
    response = HttpResponse(bytes(a.data), content_type=a.content_type)
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@router.get(
    "households/{household_id}/attachments/{document_id}",
    openapi_extra=file_answer(*sorted(uploads.SIGNATURES), description="The document as it was uploaded."),
)
def download_attachment(request, household_id: str, document_id: str):
    """The document's bytes (in scope only; every download is audited)."""
    a = selectors.attachment_or_404(request.user, uuid_or_404(household_id), uuid_or_404(document_id))
    return attachment_response(attachment_services.attachment_download(actor=request.user, attachment=a))


@router.post("households/{household_id}/bank-card/reveal", response=BankCardOut)
def reveal_bank_card(request, household_id: str):
    """The full payout card number (admins; logged)."""
    return {"bank_card": bank_cards.bank_card_reveal(actor=request.user, household=_h(request, household_id))}


# ---- 防止返困 monitoring -----------------------------------------------------------------


class RiskIn(Schema):
    new_critical_illness: bool = False
    job_loss: bool = False
    accident: bool = False
    extra_dependants: StrictInt = 0


class AlertOut(Schema):
    id: str
    household: str
    file_no: str
    organisation: OrgRef
    score: int
    explanation: str
    revisit_by: datetime.date


class RiskOut(Schema):
    score: int
    explanation: str
    alert: AlertOut | None


class AlertList(Schema):
    items: list[AlertOut]
    count: int


class AlertCloseIn(Schema):
    outcome: str


def alert_out(a) -> dict:
    return {
        "id": str(a.pk),
        "household": str(a.household_id),
        "file_no": a.household.file_no,
        "organisation": org_ref(a.household.organisation),
        "score": a.score,
        "explanation": a.explanation,
        "revisit_by": a.revisit_by,
    }


@router.post("households/{household_id}/risk", response=RiskOut)
def risk_check(request, household_id: str, payload: RiskIn):
    """Score a household that left hardship (防止返困); opens an alert with a re-visit deadline
    when the score reaches 40."""
    r, alert = monitoring.risk_check(
        actor=request.user, household=_h(request, household_id), **payload.dict()
    )
    return {"score": r.score, "explanation": r.explanation(), "alert": alert_out(alert) if alert else None}


@router.get("alerts", response=AlertList)
def list_alerts(request, page: int = 1, page_size: int = 20):
    """Open return-to-hardship alerts in the caller's scope, nearest re-visit first."""
    req = pagination.parse(page, page_size)
    items, count = pagination.slice_queryset(selectors.open_alerts(request.user), req)
    return {"items": [alert_out(a) for a in items], "count": count}


@router.post("alerts/{alert_id}/close", response=AlertOut)
def close_alert(request, alert_id: str, payload: AlertCloseIn):
    alert = selectors.alert_or_404(request.user, uuid_or_404(alert_id))
    return alert_out(monitoring.alert_close(actor=request.user, alert=alert, outcome=payload.outcome))
