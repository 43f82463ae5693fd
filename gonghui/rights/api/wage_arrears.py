"""Wage-arrears cases (欠薪) over HTTP: requests of that category with their workers,
recoveries and referrals to the union of the work site."""

import datetime

from ninja import Router, Schema, Status

from gonghui.core import pagination
from gonghui.core.api import fresh, uuid_or_404
from gonghui.core.inputs import money_text
from gonghui.organisations.api import OrgRef, org_ref
from gonghui.rights import selectors
from gonghui.rights.api.requests import (
    RequestDetail,
    RequestTransferOut,
    request_detail,
    request_item,
    transfer_out,
)
from gonghui.rights.choices import Category
from gonghui.rights.services import requests as services
from gonghui.rights.services import wage_arrears

router = Router()


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


# What a wage-arrears case shows of its request (request_item), beside its own figures.
_REQUEST_KEYS = (
    "id",
    "number",
    "status",
    "name",
    "phone",
    "employer",
    "work_division",
    "held_by",
    "due_on",
    "overdue",
)


def _arrears_item(r, recovered=None) -> dict:
    if recovered is None:
        recovered = getattr(r, "recovered", None)
    item = request_item(r)
    return {
        **{key: item[key] for key in _REQUEST_KEYS},
        "project": r.project,
        "amount_owed": money_text(r.amount_owed),
        "recovered": money_text(recovered or 0),
        "workers_count": r.workers_count,
    }


def _recovery(rec) -> dict:
    return {
        "id": str(rec.pk),
        "amount": money_text(rec.amount),
        "recovered_on": rec.recovered_on,
        "reason": rec.reason,
    }


def _arrears_detail(r) -> dict:
    data = _arrears_item(r, selectors.recovered_total(r))
    data.update(
        request=request_detail(r),
        recoveries=[_recovery(rec) for rec in selectors.recoveries(r)],
        workers_listed=selectors.arrears_workers(r).count(),
        work_site_union=org_ref(wage_arrears.work_site_union(r)),
        referrals=[transfer_out(t) for t in selectors.transfers(r) if t.letter],
    )
    return data


def _worker(w) -> dict:
    return {"id": str(w.pk), "name": w.name, "phone": w.phone_masked, "amount": money_text(w.amount)}


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
    r = services.request_file(
        actor=request.user, category=Category.WAGE_ARREARS, in_actor_scope=True, **payload.dict()
    )
    return Status(201, fresh(_arrears_detail, selectors.wage_arrears_or_404, request, r.pk))


@router.get("wage-arrears/{wage_arrears_id}", response=WageArrearsDetail)
def get_wage_arrears(request, wage_arrears_id: str):
    return _arrears_detail(selectors.wage_arrears_or_404(request.user, uuid_or_404(wage_arrears_id)))


@router.get("wage-arrears/{wage_arrears_id}/workers", response=ArrearsWorkerList)
def list_wage_arrears_workers(request, wage_arrears_id: str, page: int = 1, page_size: int = 20):
    """The workers of a group case with what each is owed (phones masked)."""
    r = selectors.wage_arrears_or_404(request.user, uuid_or_404(wage_arrears_id))
    req = pagination.parse(page, page_size)
    items, count = pagination.slice_queryset(selectors.arrears_workers(r), req)
    return {"items": [_worker(w) for w in items], "count": count}


@router.post("wage-arrears/{wage_arrears_id}/workers", response={201: ArrearsWorkerOut})
def add_wage_arrears_worker(request, wage_arrears_id: str, payload: ArrearsWorkerIn):
    """Add a worker to a group case; the number of workers grows with the list if needed."""
    r = selectors.wage_arrears_or_404(request.user, uuid_or_404(wage_arrears_id))
    w = wage_arrears.arrears_worker_add(
        actor=request.user, request=r, name=payload.name, phone=payload.phone, amount=payload.amount
    )
    return Status(201, _worker(w))


@router.post("wage-arrears/{wage_arrears_id}/referral", response={201: RequestTransferOut})
def refer_wage_arrears(request, wage_arrears_id: str, payload: ReferralIn):
    """Refer the case with a letter (转办函) to the union of the work site — by default the
    territorial union of its work place, or the union ``to`` (code). It moves when that union
    accepts (POST /requests/{id}/transfer/accept). The letter is the page
    /rights/transfers/{transfer id}/letter/."""
    r = selectors.wage_arrears_or_404(request.user, uuid_or_404(wage_arrears_id))
    t = wage_arrears.referral_send(
        actor=request.user, request=r, reason=payload.reason, to=payload.to or None
    )
    return Status(201, fresh(transfer_out, selectors.transfer_or_404, request, t.pk))


@router.post("wage-arrears/{wage_arrears_id}/recoveries", response={201: RecoveryOut})
def add_wage_arrears_recovery(request, wage_arrears_id: str, payload: RecoveryIn):
    """Record wages recovered; partial recoveries add up; more than owed needs a reason."""
    r = selectors.wage_arrears_or_404(request.user, uuid_or_404(wage_arrears_id))
    rec = wage_arrears.recovery_add(
        actor=request.user,
        request=r,
        amount=payload.amount,
        recovered_on=payload.recovered_on,
        reason=payload.reason,
    )
    return Status(201, _recovery(rec))
