"""Requests over HTTP (mounted at /api/v1/). Thin: parse → service → shape."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile

from gonghui.accounts.api import AUTH
from gonghui.core import pagination, throttle
from gonghui.core.api import anyone, error_answers
from gonghui.core.api import uuid_or_404 as _uuid
from gonghui.organisations import scoping
from gonghui.organisations import selectors as org_selectors
from gonghui.organisations.api import OrgRef, org_ref
from gonghui.rights import selectors
from gonghui.rights.services import legal_aid as legal_aid_services
from gonghui.rights.services import needs as need_services
from gonghui.rights.services import requests as services

router = Router(tags=["rights"])


class WorkerIn(Schema):
    name: str
    phone: str = ""
    amount: str


class RequestIn(Schema):
    channel: str = "app"
    category: str
    description: str
    work_division: str
    employer: str = ""
    name: str = ""
    phone: str = ""
    project: str = ""
    amount_owed: str | None = None
    workers_count: int | None = None
    workers: list[WorkerIn] = []


class EventOut(Schema):
    kind: str
    at: datetime.datetime
    organisation: OrgRef
    note: str


class RequestItem(Schema):
    id: str
    number: str
    channel: str
    category: str
    complexity: str
    status: str
    name: str
    phone: str
    employer: str
    work_division: str
    held_by: OrgRef
    routed_to: OrgRef
    routed_by: str
    submitted_at: datetime.datetime
    due_on: datetime.date
    overdue: bool
    escalations: int
    rating: int | None


class RequestTransferOut(Schema):
    id: str
    from_organisation: OrgRef
    to_organisation: OrgRef
    status: str
    reason: str
    letter: bool
    created_at: datetime.datetime
    decision_note: str


class RequestDetail(RequestItem):
    description: str
    accepted_at: datetime.datetime | None
    followed_up_at: datetime.datetime | None
    follow_up_note: str
    pending_transfer: RequestTransferOut | None
    reply: str
    closed_at: datetime.datetime | None
    closed_on_time: bool | None
    project: str
    amount_owed: str | None
    workers_count: int | None
    timeline: list[EventOut]


class RequestList(Schema):
    items: list[RequestItem]
    count: int


class RateIn(Schema):
    rating: int
    comment: str = ""
    phone: str = ""


def _item(r) -> dict:
    return {
        "id": str(r.pk),
        "number": r.number,
        "channel": r.channel,
        "category": r.category,
        "complexity": r.complexity,
        "status": r.status,
        "name": r.name,
        "phone": r.phone_masked,
        "employer": r.employer,
        "work_division": r.work_division,
        "held_by": org_ref(r.organisation),
        "routed_to": org_ref(r.routed_to),
        "routed_by": r.routed_by,
        "submitted_at": r.submitted_at,
        "due_on": r.due_on,
        "overdue": r.is_overdue,
        "escalations": r.escalations,
        "rating": r.rating,
    }


def _transfer(t) -> dict:
    return {
        "id": str(t.pk),
        "from_organisation": org_ref(t.from_organisation),
        "to_organisation": org_ref(t.to_organisation),
        "status": t.status,
        "reason": t.reason,
        "letter": t.letter,
        "created_at": t.created_at,
        "decision_note": t.decision_note,
    }


def _detail(r) -> dict:
    data = _item(r)
    pending = selectors.pending_transfer(r)
    data.update(
        accepted_at=r.accepted_at,
        followed_up_at=r.followed_up_at,
        follow_up_note=r.follow_up_note,
        pending_transfer=_transfer(pending) if pending else None,
        description=r.description,
        reply=r.reply,
        closed_at=r.closed_at,
        closed_on_time=r.closed_on_time,
        project=r.project,
        amount_owed=f"{r.amount_owed:.2f}" if r.amount_owed is not None else None,
        workers_count=r.workers_count,
        timeline=[
            {"kind": e.kind, "at": e.at, "organisation": org_ref(e.organisation), "note": e.note}
            for e in selectors.timeline(r)
        ],
    )
    return data


@router.post("requests", response={201: RequestDetail, **error_answers(429)}, auth=[*AUTH, anyone])
def file_request(request, payload: RequestIn):
    """File a request (诉求). A logged-in member files as themself; anyone else gives a name
    and mobile number. Routed to the employer's union, else the union of the work place."""
    throttle.hit(
        "rights-request", throttle.client_key(request), limit=settings.GONGHUI_PUBLIC_FORM_RATE, window=3600
    )
    member = selectors.own_member(request.user)
    data = payload.dict()
    data["workers"] = [w for w in data["workers"]]
    r = services.request_file(actor=request.user, member=member, **data)
    return Status(201, _detail(r))


@router.get("requests", response=RequestList)
def list_requests(request, status: str = "", overdue: bool = False, page: int = 1, page_size: int = 20):
    """Requests in the caller's scope (officers) or the caller's own (workers)."""
    req = pagination.parse(page, page_size)
    if scoping.has_any(request.user, scoping.Action.VIEW):
        qs = selectors.request_queue(request.user, status=status, overdue_only=overdue)
    else:
        qs = selectors.own_requests(request.user)
    items, count = pagination.slice_queryset(qs, req)
    return {"items": [_item(r) for r in items], "count": count}


@router.get("requests/{request_id}", response=RequestDetail)
def get_request(request, request_id: str):
    return _detail(selectors.request_or_404(request.user, _uuid(request_id)))


class RatedOut(Schema):
    id: str
    status: str
    rating: int


@router.post(
    "requests/{request_id}/rate", response={200: RatedOut, **error_answers(429)}, auth=[*AUTH, anyone]
)
def rate_request(request, request_id: str, payload: RateIn):
    """The worker rates a closed request 1–5, once (logged in, or with the phone number). A
    wrong phone number answers 404 exactly like an unknown request; throttled per client and
    per request."""
    throttle.hit(
        "rights-rate", throttle.client_key(request), limit=settings.GONGHUI_PUBLIC_FORM_RATE, window=3600
    )
    pk = _uuid(request_id)
    r = selectors.request_public_or_none(pk)
    services.count_rating_attempt(actor=request.user, request_id=pk, req=r)
    if r is None:
        raise Http404
    r = services.request_rate(
        actor=request.user, request=r, rating=payload.rating, comment=payload.comment, phone=payload.phone
    )
    # Only what the rater needs: whoever rates by phone number gets none of the request back.
    return {"id": str(r.pk), "status": r.status, "rating": r.rating}


# ---- officer actions on requests ------------------------------------------------------------
# The request is fetched in the caller's scope first (404 outside it); the service then checks
# ``handle_requests`` on the union holding it (403 for a viewer). Bodies default to empty so
# that the object is always looked up before the input: the service names the missing field.


class EscalateIn(Schema):
    reason: str = ""


class ReplyIn(Schema):
    reply: str = ""


class NoteIn(Schema):
    note: str = ""


class ComplexityIn(Schema):
    complexity: str = ""
    reason: str = ""


class RequestTransferIn(Schema):
    to: str = ""
    reason: str = ""
    letter: bool = False


def _union(code: str, field: str = "to"):
    """A union named by its code as the target of a transfer or referral: any active union in
    the country (codes and names are public), else 400 naming the field."""
    org = org_selectors.transfer_target(code)
    if org is None:
        raise ValidationError({field: ValidationError(_("Choose an active union."), code="org_unknown")})
    return org


def _fresh(request, r) -> dict:
    return _detail(selectors.request_or_404(request.user, r.pk))


@router.post("requests/{request_id}/accept", response=RequestDetail)
def accept_request(request, request_id: str):
    """受理: the holding union takes the request on."""
    r = selectors.request_or_404(request.user, _uuid(request_id))
    return _fresh(request, services.request_accept(actor=request.user, request=r))


@router.post("requests/{request_id}/complexity", response=RequestDetail)
def set_request_complexity(request, request_id: str, payload: ComplexityIn):
    """Class the request (ordinary, difficult, complex) with a reason; the due date is counted
    again from the day it came in."""
    r = selectors.request_or_404(request.user, _uuid(request_id))
    services.request_set_complexity(
        actor=request.user, request=r, complexity=payload.complexity, reason=payload.reason
    )
    return _fresh(request, r)


@router.post("requests/{request_id}/close", response=RequestDetail)
def close_request(request, request_id: str, payload: ReplyIn):
    """办结: reply to the worker and close; on time when on or before the due date."""
    r = selectors.request_or_404(request.user, _uuid(request_id))
    services.request_close(actor=request.user, request=r, reply=payload.reply)
    return _fresh(request, r)


@router.post("requests/{request_id}/transfer", response={201: RequestTransferOut})
def transfer_request(request, request_id: str, payload: RequestTransferIn):
    """转办: propose another union (by code) with a reason; it moves when that union accepts.
    ``letter``: a cross-region referral with a printable letter."""
    r = selectors.request_or_404(request.user, _uuid(request_id))
    services.require_handle(actor=request.user, request=r)
    t = services.request_transfer(
        actor=request.user, request=r, to=_union(payload.to), reason=payload.reason, letter=payload.letter
    )
    return Status(201, _transfer(selectors.transfer_or_404(request.user, t.pk)))


def _pending_or_400(r):
    t = selectors.pending_transfer(r)
    if t is None:
        raise ValidationError(_("No transfer is waiting."), code="no_pending_transfer")
    return t


@router.post("requests/{request_id}/transfer/accept", response=RequestDetail)
def accept_request_transfer(request, request_id: str):
    """The receiving union accepts the waiting transfer: it now holds the request."""
    r = selectors.request_or_404(request.user, _uuid(request_id))
    t = _pending_or_400(r)
    services.transfer_decide(actor=request.user, transfer=t, accept=True)
    return _fresh(request, r)


@router.post("requests/{request_id}/transfer/refuse", response=RequestTransferOut)
def refuse_request_transfer(request, request_id: str, payload: NoteIn):
    """The receiving union refuses the waiting transfer with a reason (``note``); the request
    stays where it was (and leaves the refusing union's view)."""
    r = selectors.request_or_404(request.user, _uuid(request_id))
    t = _pending_or_400(r)
    t = services.transfer_decide(actor=request.user, transfer=t, accept=False, note=payload.note)
    return _transfer(t)


@router.post("requests/{request_id}/escalate", response=RequestDetail)
def escalate_request(request, request_id: str, payload: EscalateIn):
    """上报: hand the request up to the parent union with a reason (the due date is kept)."""
    r = selectors.request_or_404(request.user, _uuid(request_id))
    # the escalating union may no longer see the request: answer with what it just did
    return _detail(services.request_escalate(actor=request.user, request=r, reason=payload.reason))


@router.post("requests/{request_id}/follow-up", response=RequestDetail)
def follow_up_request(request, request_id: str, payload: NoteIn):
    """回访: record the follow-up call after closing."""
    r = selectors.request_or_404(request.user, _uuid(request_id))
    services.request_follow_up(actor=request.user, request=r, note=payload.note)
    return _fresh(request, r)


# ---- wage arrears (欠薪) ------------------------------------------------------------------------


def _money(value) -> str | None:
    return f"{value:.2f}" if value is not None else None


class ArrearsWorkerIn(Schema):
    name: str = ""
    phone: str = ""
    amount: str = ""


class ArrearsWorkerOut(Schema):
    id: str
    name: str
    phone: str
    amount: str


class ArrearsWorkerList(Schema):
    items: list[ArrearsWorkerOut]
    count: int


class RecoveryIn(Schema):
    amount: str = ""
    recovered_on: datetime.date | None = None
    reason: str = ""


class RecoveryOut(Schema):
    id: str
    amount: str
    recovered_on: datetime.date
    reason: str


class WageArrearsItem(Schema):
    id: str
    number: str
    status: str
    name: str
    phone: str
    employer: str
    project: str
    work_division: str
    held_by: OrgRef
    amount_owed: str | None
    recovered: str
    workers_count: int | None
    due_on: datetime.date
    overdue: bool


class WageArrearsDetail(WageArrearsItem):
    request: RequestDetail
    recoveries: list[RecoveryOut]
    workers_listed: int
    work_site_union: OrgRef
    referrals: list[RequestTransferOut]


class WageArrearsList(Schema):
    items: list[WageArrearsItem]
    count: int


class WageArrearsIn(Schema):
    channel: str = "phone"
    description: str = ""
    work_division: str = ""
    employer: str = ""
    name: str = ""
    phone: str = ""
    project: str = ""
    amount_owed: str | None = None
    workers_count: int | None = None
    workers: list[ArrearsWorkerIn] = []


class ReferralIn(Schema):
    reason: str = ""
    to: str = ""


def _arrears_item(r, recovered=None) -> dict:
    if recovered is None:
        recovered = getattr(r, "recovered", None)
    return {
        "id": str(r.pk),
        "number": r.number,
        "status": r.status,
        "name": r.name,
        "phone": r.phone_masked,
        "employer": r.employer,
        "project": r.project,
        "work_division": r.work_division,
        "held_by": org_ref(r.organisation),
        "amount_owed": _money(r.amount_owed),
        "recovered": _money(recovered or 0),
        "workers_count": r.workers_count,
        "due_on": r.due_on,
        "overdue": r.is_overdue,
    }


def _recovery(rec) -> dict:
    return {
        "id": str(rec.pk),
        "amount": _money(rec.amount),
        "recovered_on": rec.recovered_on,
        "reason": rec.reason,
    }


def _arrears_detail(r) -> dict:
    data = _arrears_item(r, selectors.recovered_total(r))
    data.update(
        request=_detail(r),
        recoveries=[_recovery(rec) for rec in selectors.recoveries(r)],
        workers_listed=selectors.arrears_workers(r).count(),
        work_site_union=org_ref(services.work_site_union(r)),
        referrals=[_transfer(t) for t in selectors.transfers(r) if t.letter],
    )
    return data


def _worker(w) -> dict:
    return {"id": str(w.pk), "name": w.name, "phone": w.phone_masked, "amount": _money(w.amount)}


@router.get("wage-arrears", response=WageArrearsList)
def list_wage_arrears(request, status: str = "", overdue: bool = False, page: int = 1, page_size: int = 20):
    """Wage-arrears cases in the caller's scope (``status`` open|new|handling|closed), with
    the amount owed and recovered."""
    req = pagination.parse(page, page_size)
    items, count = pagination.slice_queryset(
        selectors.wage_arrears_cases(request.user, status=status, overdue_only=overdue), req
    )
    return {"items": [_arrears_item(r) for r in items], "count": count}


@router.post("wage-arrears", response={201: WageArrearsDetail})
def create_wage_arrears(request, payload: WageArrearsIn):
    """An officer opens a wage-arrears case (group cases list their workers). Routed like any
    request, by the work site (属地管理); the union it lands on must be in the officer's own
    area (404 outside it) — for elsewhere, file a request (POST /requests)."""
    data = payload.dict()
    r = services.request_file(actor=request.user, category="wage_arrears", in_actor_scope=True, **data)
    return Status(201, _arrears_detail(selectors.wage_arrears_or_404(request.user, r.pk)))


@router.get("wage-arrears/{wage_arrears_id}", response=WageArrearsDetail)
def get_wage_arrears(request, wage_arrears_id: str):
    return _arrears_detail(selectors.wage_arrears_or_404(request.user, _uuid(wage_arrears_id)))


@router.get("wage-arrears/{wage_arrears_id}/workers", response=ArrearsWorkerList)
def list_wage_arrears_workers(request, wage_arrears_id: str, page: int = 1, page_size: int = 20):
    """The workers of a group case with what each is owed (phones masked)."""
    r = selectors.wage_arrears_or_404(request.user, _uuid(wage_arrears_id))
    req = pagination.parse(page, page_size)
    items, count = pagination.slice_queryset(selectors.arrears_workers(r), req)
    return {"items": [_worker(w) for w in items], "count": count}


@router.post("wage-arrears/{wage_arrears_id}/workers", response={201: ArrearsWorkerOut})
def add_wage_arrears_worker(request, wage_arrears_id: str, payload: ArrearsWorkerIn):
    """Add a worker to a group case; the number of workers grows with the list if needed."""
    r = selectors.wage_arrears_or_404(request.user, _uuid(wage_arrears_id))
    w = services.arrears_worker_add(
        actor=request.user, request=r, name=payload.name, phone=payload.phone, amount=payload.amount
    )
    return Status(201, _worker(w))


@router.post("wage-arrears/{wage_arrears_id}/referral", response={201: RequestTransferOut})
def refer_wage_arrears(request, wage_arrears_id: str, payload: ReferralIn):
    """Refer the case with a letter (转办函) to the union of the work site — by default the
    territorial union of its work place, or the union ``to`` (code). It moves when that union
    accepts (POST /requests/{id}/transfer/accept). The letter is the page
    /rights/transfers/{transfer id}/letter/."""
    r = selectors.wage_arrears_or_404(request.user, _uuid(wage_arrears_id))
    services.require_handle(actor=request.user, request=r)
    to = _union(payload.to) if payload.to else None
    t = services.referral_send(actor=request.user, request=r, reason=payload.reason, to=to)
    return Status(201, _transfer(selectors.transfer_or_404(request.user, t.pk)))


@router.post("wage-arrears/{wage_arrears_id}/recoveries", response={201: RecoveryOut})
def add_wage_arrears_recovery(request, wage_arrears_id: str, payload: RecoveryIn):
    """Record wages recovered; partial recoveries add up; more than owed needs a reason."""
    r = selectors.wage_arrears_or_404(request.user, _uuid(wage_arrears_id))
    rec = services.recovery_add(
        actor=request.user,
        request=r,
        amount=payload.amount,
        recovered_on=payload.recovered_on,
        reason=payload.reason,
    )
    return Status(201, _recovery(rec))


# ---- legal aid (法律援助) -----------------------------------------------------------------------


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


def _aid_item(aid) -> dict:
    lim = legal_aid_services.limitation_of(aid)
    return {
        "id": str(aid.pk),
        "request": _item(aid.request),
        "cause": aid.cause,
        "form": aid.form,
        "monthly_income": _money(aid.monthly_income),
        "income_threshold": _money(aid.income_threshold),
        "passes_income_test": aid.passes_income_test,
        "amount_in_dispute": _money(aid.amount_in_dispute),
        "knew_on": aid.knew_on,
        "employment_ended_on": aid.employment_ended_on,
        "limitation_ends_on": aid.limitation_ends_on,
        "days_left": legal_aid_services.days_left(aid),
        "deadline_near": legal_aid_services.deadline_near(aid),
        "limitation_explanation": lim.explanation,
        "outcome": aid.outcome,
        "outcome_on": aid.outcome_on,
    }


def _aid_detail(aid) -> dict:
    data = _aid_item(aid)
    data["evidence"] = [
        {
            "id": str(e.pk),
            "name": e.name,
            "content_type": e.content_type,
            "size": e.size,
            "created_at": e.created_at,
        }
        for e in selectors.evidence_of(aid)
    ]
    return data


def _aid_fresh(request, aid) -> dict:
    return _aid_detail(selectors.legal_aid_or_404(request.user, aid.pk))


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
        r = selectors.request_or_404(request.user, _uuid(request_id))
        aid = legal_aid_services.legal_aid_open(actor=request.user, request=r, **data)
    else:
        aid = legal_aid_services.legal_aid_case_open(actor=request.user, filing=filing, **data)
    return Status(201, _aid_fresh(request, aid))


@router.get("legal-aid/{legal_aid_id}", response=LegalAidDetail)
def get_legal_aid(request, legal_aid_id: str):
    return _aid_detail(selectors.legal_aid_or_404(request.user, _uuid(legal_aid_id)))


@router.post("legal-aid/{legal_aid_id}/evidence", response={201: EvidenceOut})
def upload_legal_aid_evidence(request, legal_aid_id: str, file: File[UploadedFile] = None):
    """Attach evidence (multipart ``file``): PDF, JPEG or PNG by its first bytes, at most
    GONGHUI_EVIDENCE_MAX_BYTES. A refused file writes nothing."""
    aid = selectors.legal_aid_or_404(request.user, _uuid(legal_aid_id))
    if file is None:
        services.require_handle(actor=request.user, request=aid.request)
        raise ValidationError({"file": ValidationError(_("Choose a file."), code="file_required")})
    ev = legal_aid_services.evidence_add(actor=request.user, aid=aid, upload=file)
    return Status(
        201,
        {
            "id": str(ev.pk),
            "name": ev.name,
            "content_type": ev.content_type,
            "size": ev.size,
            "created_at": ev.created_at,
        },
    )


@router.post("legal-aid/{legal_aid_id}/employment-end", response=LegalAidDetail)
def legal_aid_employment_end(request, legal_aid_id: str, payload: EmploymentEndedIn):
    """Record the day the employment ended; the arbitration deadline is computed again."""
    aid = selectors.legal_aid_or_404(request.user, _uuid(legal_aid_id))
    legal_aid_services.legal_aid_employment_ended(
        actor=request.user, aid=aid, ended_on=payload.employment_ended_on
    )
    return _aid_fresh(request, aid)


@router.post("legal-aid/{legal_aid_id}/outcome", response=LegalAidDetail)
def legal_aid_outcome(request, legal_aid_id: str, payload: OutcomeIn):
    """The outcome: won, lost, settled or withdrawn."""
    aid = selectors.legal_aid_or_404(request.user, _uuid(legal_aid_id))
    legal_aid_services.legal_aid_outcome(actor=request.user, aid=aid, outcome=payload.outcome, on=payload.on)
    return _aid_fresh(request, aid)


# ---- 我为群众办实事 ------------------------------------------------------------------------------


class NeedOut(Schema):
    id: str
    organisation: OrgRef
    title: str
    source: str
    request: str | None
    owner: str
    deadline: datetime.date
    status: str
    progress: str
    rating: int | None
    created_at: datetime.datetime


class NeedList(Schema):
    items: list[NeedOut]
    count: int


class PublicNeed(Schema):
    title: str
    owner: str
    deadline: datetime.date
    status: str
    progress: str
    rating: int | None


class PublicNeedList(Schema):
    organisation: OrgRef
    items: list[PublicNeed]
    count: int


class NeedIn(Schema):
    organisation: str = ""
    title: str = ""
    owner: str = ""
    deadline: datetime.date | None = None
    request: str = ""


class NeedProgressIn(Schema):
    status: str = ""
    progress: str = ""


class NeedRateIn(Schema):
    rating: int | None = None


def _need(n) -> dict:
    return {
        "id": str(n.pk),
        "organisation": org_ref(n.organisation),
        "title": n.title,
        "source": n.source,
        "request": str(n.request_id) if n.request_id else None,
        "owner": n.owner,
        "deadline": n.deadline,
        "status": n.status,
        "progress": n.progress,
        "rating": n.rating,
        "created_at": n.created_at,
    }


@router.get("practical-needs", response=NeedList)
def list_practical_needs(
    request, status: str = "", organisation: str = "", page: int = 1, page_size: int = 20
):
    """我为群众办实事 needs of the unions in the caller's scope (``organisation``: a union code,
    with everything below it)."""
    req = pagination.parse(page, page_size)
    org = scoping.get_organisation_or_404(request.user, organisation) if organisation else None
    items, count = pagination.slice_queryset(
        selectors.needs_filtered(request.user, status=status, organisation=org), req
    )
    return {"items": [_need(n) for n in items], "count": count}


@router.post("practical-needs", response={201: NeedOut})
def create_practical_need(request, payload: NeedIn):
    """A need of a union in the caller's scope, from a request held in its subtree or from a
    meeting, with an owner (a department or post) and a deadline."""
    if not payload.organisation:
        raise ValidationError(
            {"organisation": ValidationError(_("Give the union's code."), code="organisation_required")}
        )
    org = scoping.get_organisation_or_404(request.user, payload.organisation, scoping.Action.HANDLE_REQUESTS)
    linked = selectors.request_or_404(request.user, _uuid(payload.request)) if payload.request else None
    need = need_services.need_create(
        actor=request.user,
        organisation=org,
        title=payload.title,
        owner=payload.owner,
        deadline=payload.deadline,
        request=linked,
    )
    return Status(201, _need(selectors.need_or_404(request.user, need.pk)))


@router.get("practical-needs/public/{code}", response=PublicNeedList, auth=None)
def public_practical_needs(request, code: str, page: int = 1, page_size: int = 20):
    """A union's needs as published: titles, owners, deadlines, progress and ratings — no
    personal data and no link to a request."""
    org = org_selectors.by_code(code)
    if org is None or not org.is_active:
        raise Http404
    req = pagination.parse(page, page_size)
    items, count = pagination.slice_queryset(selectors.public_needs(org), req)
    return {
        "organisation": org_ref(org),
        "items": [
            {
                "title": n.title,
                "owner": n.owner,
                "deadline": n.deadline,
                "status": n.status,
                "progress": n.progress,
                "rating": n.rating,
            }
            for n in items
        ],
        "count": count,
    }


@router.get("practical-needs/{need_id}", response=NeedOut)
def get_practical_need(request, need_id: str):
    return _need(selectors.need_or_404(request.user, _uuid(need_id)))


@router.post("practical-needs/{need_id}/progress", response=NeedOut)
def practical_need_progress(request, need_id: str, payload: NeedProgressIn):
    """Update the status (planned, in_progress, done) and the public progress."""
    need = selectors.need_or_404(request.user, _uuid(need_id))
    need_services.need_progress(
        actor=request.user, need=need, status=payload.status, progress=payload.progress
    )
    return _need(selectors.need_or_404(request.user, need.pk))


@router.post("practical-needs/{need_id}/rate", response=NeedOut)
def rate_practical_need(request, need_id: str, payload: NeedRateIn):
    """Record the people's evaluation (1–5) of a need that is done."""
    need = selectors.need_or_404(request.user, _uuid(need_id))
    need_services.need_rate(actor=request.user, need=need, rating=payload.rating)
    return _need(selectors.need_or_404(request.user, need.pk))
