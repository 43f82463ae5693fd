"""Legal-aid cases (法律援助) over HTTP: the income test, the arbitration deadline, evidence
files and the outcome."""

import datetime

from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile

from gonghui.core import pagination
from gonghui.core.api import fresh, uuid_or_404
from gonghui.core.inputs import money_text
from gonghui.rights import selectors
from gonghui.rights.api.requests import RequestItem, request_item
from gonghui.rights.services import legal_aid as services

router = Router()


class EvidenceOut(Schema):
    id: str
    name: str
    content_type: str
    size: int
    created_at: datetime.datetime


class LegalAidItem(Schema):
    id: str
    request: RequestItem
    cause: str
    form: str
    monthly_income: str
    income_threshold: str
    passes_income_test: bool
    amount_in_dispute: str | None
    knew_on: datetime.date
    employment_ended_on: datetime.date | None
    limitation_ends_on: datetime.date | None
    days_left: int | None
    deadline_near: bool
    limitation_explanation: str
    outcome: str
    outcome_on: datetime.date | None


class LegalAidDetail(LegalAidItem):
    evidence: list[EvidenceOut]


class LegalAidList(Schema):
    items: list[LegalAidItem]
    count: int


class LegalAidIn(Schema):
    request: str = ""
    # a new request filed with the case, when ``request`` is not given
    channel: str = "visit"
    description: str = ""
    work_division: str = ""
    employer: str = ""
    name: str = ""
    phone: str = ""
    # the legal-aid details
    cause: str = ""
    form: str = ""
    monthly_income: str = ""
    amount_in_dispute: str | None = None
    knew_on: datetime.date | None = None
    employment_ended_on: datetime.date | None = None


class EmploymentEndedIn(Schema):
    employment_ended_on: datetime.date | None = None


class OutcomeIn(Schema):
    outcome: str = ""
    on: datetime.date | None = None


def _evidence(e) -> dict:
    return {
        "id": str(e.pk),
        "name": e.name,
        "content_type": e.content_type,
        "size": e.size,
        "created_at": e.created_at,
    }


def _aid_item(aid) -> dict:
    lim = services.limitation_of(aid)
    return {
        "id": str(aid.pk),
        "request": request_item(aid.request),
        "cause": aid.cause,
        "form": aid.form,
        "monthly_income": money_text(aid.monthly_income),
        "income_threshold": money_text(aid.income_threshold),
        "passes_income_test": aid.passes_income_test,
        "amount_in_dispute": money_text(aid.amount_in_dispute),
        "knew_on": aid.knew_on,
        "employment_ended_on": aid.employment_ended_on,
        "limitation_ends_on": aid.limitation_ends_on,
        "days_left": services.days_left(aid),
        "deadline_near": services.deadline_near(aid),
        "limitation_explanation": lim.explanation,
        "outcome": aid.outcome,
        "outcome_on": aid.outcome_on,
    }


def _aid_detail(aid) -> dict:
    data = _aid_item(aid)
    data["evidence"] = [_evidence(e) for e in selectors.evidence_of(aid)]
    return data


@router.get("legal-aid", response=LegalAidList)
def list_legal_aid(
    request, open: bool = False, near_deadline: bool = False, page: int = 1, page_size: int = 20
):
    """Legal-aid cases in the caller's scope, the nearest arbitration deadline first.
    ``open=true``: without an outcome; ``near_deadline=true``: fewer than 30 days left (the
    reminders)."""
    req = pagination.parse(page, page_size)
    qs = selectors.legal_aid_cases(request.user, outcome="" if open else None, near_deadline=near_deadline)
    items, count = pagination.slice_queryset(qs, req)
    return {"items": [_aid_item(a) for a in items], "count": count}


@router.post("legal-aid", response={201: LegalAidDetail})
def create_legal_aid(request, payload: LegalAidIn):
    """Record the legal-aid details of a legal-aid request (``request``: its id), or open a
    case with a new request (the worker's name, phone, story and work place) in the officer's
    own area. Income test against the threshold in force; the arbitration deadline computed
    (none for a wage claim while the employment continues)."""
    data = payload.dict()
    filing = {
        k: data.pop(k) for k in ("channel", "description", "work_division", "employer", "name", "phone")
    }
    request_id = data.pop("request")
    if request_id:
        r = selectors.request_or_404(request.user, uuid_or_404(request_id))
        aid = services.legal_aid_open(actor=request.user, request=r, **data)
    else:
        aid = services.legal_aid_case_open(actor=request.user, filing=filing, **data)
    return Status(201, fresh(_aid_detail, selectors.legal_aid_or_404, request, aid.pk))


@router.get("legal-aid/{legal_aid_id}", response=LegalAidDetail)
def get_legal_aid(request, legal_aid_id: str):
    return _aid_detail(selectors.legal_aid_or_404(request.user, uuid_or_404(legal_aid_id)))


@router.post("legal-aid/{legal_aid_id}/evidence", response={201: EvidenceOut})
def upload_legal_aid_evidence(request, legal_aid_id: str, file: File[UploadedFile] = None):
    """Attach evidence (multipart ``file``): PDF, JPEG or PNG by its first bytes, at most
    GONGHUI_EVIDENCE_MAX_BYTES. A refused file writes nothing."""
    aid = selectors.legal_aid_or_404(request.user, uuid_or_404(legal_aid_id))
    return Status(201, _evidence(services.evidence_add(actor=request.user, aid=aid, upload=file)))


@router.post("legal-aid/{legal_aid_id}/employment-end", response=LegalAidDetail)
def legal_aid_employment_end(request, legal_aid_id: str, payload: EmploymentEndedIn):
    """Record the day the employment ended; the arbitration deadline is computed again."""
    aid = selectors.legal_aid_or_404(request.user, uuid_or_404(legal_aid_id))
    services.legal_aid_employment_ended(actor=request.user, aid=aid, ended_on=payload.employment_ended_on)
    return fresh(_aid_detail, selectors.legal_aid_or_404, request, aid.pk)


@router.post("legal-aid/{legal_aid_id}/outcome", response=LegalAidDetail)
def legal_aid_outcome(request, legal_aid_id: str, payload: OutcomeIn):
    """The outcome: won, lost, settled or withdrawn."""
    aid = selectors.legal_aid_or_404(request.user, uuid_or_404(legal_aid_id))
    services.legal_aid_outcome(actor=request.user, aid=aid, outcome=payload.outcome, on=payload.on)
    return fresh(_aid_detail, selectors.legal_aid_or_404, request, aid.pk)
