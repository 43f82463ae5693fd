"""Members, enrolments, transfers, dues and cards over HTTP. Thin: parse → service → shape.
Bulk import and export have their own routers (``api.imports``, ``api.exports``), mounted
under ``/members/imports`` and ``/members/exports``."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.db.models import Sum
from ninja import Router, Schema, Status
from pydantic import StrictFloat, StrictInt, StrictStr

from gonghui.core import pagination, throttle
from gonghui.core.api import error_answers, fresh, uuid_or_404
from gonghui.core.inputs import money_text
from gonghui.core.validators import mask_name
from gonghui.members import permissions, selectors
from gonghui.members.models import Member
from gonghui.members.services import cards, dues, enrolment, members, transfers
from gonghui.organisations import scoping
from gonghui.organisations.api import OrgRef, org_ref

router = Router(tags=["members"])
Action = scoping.Action


# ---- members ---------------------------------------------------------------------------


class MemberItem(Schema):
    id: str
    name: str
    member_no: str
    organisation: OrgRef
    status: str
    gender: str
    id_number: str
    phone: str
    employment_form: str
    joined_on: datetime.date


class MemberEvent(Schema):
    kind: str
    from_status: str
    to_status: str
    organisation: OrgRef
    effective_on: datetime.date
    reason: str


class MemberDetail(MemberItem):
    birth_month: str
    age: int
    ethnicity: str
    education: str
    political_status: str
    employer: str
    job: str
    skill_grade: str
    employment_status: str
    is_migrant_worker: bool
    card_no: str
    history: list[MemberEvent]


class MemberList(Schema):
    items: list[MemberItem]
    count: int


class MemberIn(Schema):
    organisation: str
    name: str
    id_number: str
    phone: str = ""
    gender: str | None = None
    birth_date: datetime.date | None = None
    joined_on: datetime.date | None = None
    ethnicity: str = "01"
    education: str = ""
    political_status: str = ""
    employer: str = ""
    job: str = ""
    skill_grade: str = ""
    employment_status: str = "employed"
    employment_form: str = "standard"
    is_migrant_worker: bool = False


class MemberPatch(Schema):
    name: str | None = None
    phone: str | None = None
    ethnicity: str | None = None
    education: str | None = None
    political_status: str | None = None
    employer: str | None = None
    job: str | None = None
    skill_grade: str | None = None
    employment_status: str | None = None
    employment_form: str | None = None
    is_migrant_worker: bool | None = None
    card_no: str | None = None


class MemberStatusIn(Schema):
    status: str
    reason: str
    effective_on: datetime.date | None = None


class MemberRevealIn(Schema):
    field: str
    reason: str


class MemberRevealOut(Schema):
    field: str
    value: str


def member_item(m: Member) -> dict:
    return {
        "id": str(m.pk),
        "name": m.name,
        "member_no": m.member_no,
        "organisation": org_ref(m.organisation),
        "status": m.status,
        "gender": m.gender,
        "id_number": m.id_number_masked,
        "phone": m.phone_masked,
        "employment_form": m.employment_form,
        "joined_on": m.joined_on,
    }


def member_detail(m: Member) -> dict:
    data = member_item(m)
    data.update(
        # Year and month only: with the masked ID number a full date would give it away.
        birth_month=f"{m.birth_date:%Y-%m}",
        age=m.age,
        ethnicity=m.ethnicity,
        education=m.education,
        political_status=m.political_status,
        employer=m.employer,
        job=m.job,
        skill_grade=m.skill_grade,
        employment_status=m.employment_status,
        is_migrant_worker=m.is_migrant_worker,
        card_no=m.card_no,
        history=[
            {
                "kind": e.kind,
                "from_status": e.from_status,
                "to_status": e.to_status,
                "organisation": org_ref(e.organisation),
                "effective_on": e.effective_on,
                "reason": e.reason,
            }
            for e in selectors.member_history(m)[:100]
        ],
    )
    return data


@router.get("members", response=MemberList)
def list_members(
    request, q: str = "", organisation: str = "", status: str = "", page: int = 1, page_size: int = 20
):
    """Members in the caller's scope, newest record first. ``q`` matches a name (Chinese,
    full pinyin or initials; exact matches first), a member number, or exactly an ID number or
    a mobile number."""
    req = pagination.parse(page, page_size)
    org = scoping.get_organisation_or_404(request.user, organisation) if organisation else None
    qs = selectors.member_list(request.user, q, organisation=org, status=status)
    items, count = pagination.slice_queryset(qs, req)
    return {"items": [member_item(m) for m in items], "count": count}


@router.post("members", response={201: MemberDetail})
def create_member(request, payload: MemberIn):
    org = scoping.get_organisation_or_404(request.user, payload.organisation, Action.MANAGE_MEMBERS)
    data = payload.dict()
    data.pop("organisation")
    member = members.member_create(actor=request.user, organisation=org, **data)
    return Status(201, member_detail(member))


@router.get("members/{member_id}", response=MemberDetail)
def get_member(request, member_id: str):
    return member_detail(selectors.member_or_404(request.user, uuid_or_404(member_id)))


@router.patch("members/{member_id}", response=MemberDetail)
def update_member(request, member_id: str, payload: MemberPatch):
    member = selectors.member_or_404(request.user, uuid_or_404(member_id))
    data = {k: v for k, v in payload.dict().items() if v is not None}
    updated = members.member_update(actor=request.user, member=member, **data)
    return fresh(member_detail, selectors.member_or_404, request, updated.pk)


@router.post("members/{member_id}/status", response=MemberDetail)
def change_status(request, member_id: str, payload: MemberStatusIn):
    """Change 会籍: retained, member (restore or convert), expelled, withdrawn."""
    member = selectors.member_or_404(request.user, uuid_or_404(member_id))
    members.member_change_status(
        actor=request.user,
        member=member,
        to_status=payload.status,
        reason=payload.reason,
        effective_on=payload.effective_on,
    )
    return fresh(member_detail, selectors.member_or_404, request, member.pk)


@router.post("members/{member_id}/reveal", response=MemberRevealOut)
def reveal(request, member_id: str, payload: MemberRevealIn):
    """Show an ID number or phone in clear. Needs the reveal right; audit-logged with the reason."""
    member = selectors.member_or_404(request.user, uuid_or_404(member_id))
    value = members.member_reveal_pii(
        actor=request.user, member=member, field=payload.field, reason=payload.reason
    )
    return {"field": payload.field, "value": value}


# ---- statistics ------------------------------------------------------------------------


class Stats(Schema):
    organisation: OrgRef
    members: int
    organisations: int
    grassroots: int
    new_this_month: int
    migrant_workers: int
    new_employment_forms: int
    by_gender: dict[str, int]
    by_status: dict[str, int]
    by_employment_form: dict[str, int]
    by_age_band: dict[str, int]
    enrolments_pending: int
    enrolments_overdue: int


@router.get("organisations/{code}/stats", response=Stats, tags=["organisations"])
def organisation_stats(request, code: str, on: datetime.date | None = None):
    """Counts for the organisation's whole subtree. ``on=<date>`` replays the membership
    history to give the member count on that date."""
    org = scoping.get_organisation_or_404(request.user, code, Action.VIEW_STATS)
    data = selectors.stats(org)
    if on is not None:
        data["members"] = selectors.count_at(org, on)
    return {"organisation": org_ref(org), **data}


# ---- enrolment -------------------------------------------------------------------------


class EnrolmentIn(Schema):
    name: str
    id_number: str
    phone: str
    employer: str
    work_division: str
    employment_form: str
    work_address: str = ""


class EnrolmentOut(Schema):
    id: str
    status: str
    organisation: OrgRef
    routed_by: str
    submitted_at: datetime.datetime
    due_on: datetime.date


class EnrolmentItem(EnrolmentOut):
    name: str
    id_number: str
    phone: str
    employer: str
    work_division: str
    employment_form: str
    overdue: bool
    conflict: str
    decision_reason: str
    member_no: str | None
    age: int
    retirement_flag: str


class EnrolmentList(Schema):
    items: list[EnrolmentItem]
    count: int


class EnrolmentRejectIn(Schema):
    reason: str


def enrolment_out(e) -> dict:
    return {
        "id": str(e.pk),
        "status": e.status,
        "organisation": org_ref(e.organisation),
        "routed_by": e.routed_by,
        "submitted_at": e.submitted_at,
        "due_on": e.due_on,
    }


def enrolment_item(e) -> dict:
    data = enrolment_out(e)
    data.update(
        name=e.name,
        id_number=e.id_number_masked,
        phone=e.phone_masked,
        employer=e.employer,
        work_division=e.work_division,
        employment_form=e.employment_form,
        overdue=e.is_overdue,
        conflict=e.conflict,
        decision_reason=e.decision_reason,
        member_no=e.member.member_no if e.member_id else None,
        age=enrolment.applicant_age(e),
        # Past the statutory retirement age: why the officer should check (empty if not).
        retirement_flag=str(enrolment.retirement_flag(e) or ""),
    )
    return data


@router.post("enrolments", response={201: EnrolmentOut, **error_answers(429)}, auth=None, tags=["enrolment"])
def submit_enrolment(request, payload: EnrolmentIn):
    """Apply to join (public). Routed to the employer's union, else to the territorial union
    of the work place (``work_division``, a GB/T 2260 code)."""
    throttle.hit(
        "enrolment", throttle.client_key(request), limit=settings.GONGHUI_PUBLIC_FORM_RATE, window=3600
    )
    e = enrolment.enrolment_submit(actor=request.user, **payload.dict())
    return Status(201, enrolment_out(e))


@router.get("enrolments/{enrolment_id}/status", response=EnrolmentOut, auth=None, tags=["enrolment"])
def enrolment_status(request, enrolment_id: str):
    """The applicant's status check, by the application's id."""
    return enrolment_out(selectors.enrolment_public(uuid_or_404(enrolment_id)))


@router.get("enrolments", response=EnrolmentList, tags=["enrolment"])
def list_enrolments(
    request, status: str = "pending", overdue: bool = False, page: int = 1, page_size: int = 20
):
    req = pagination.parse(page, page_size)
    qs = selectors.enrolment_queue(request.user, status=status, overdue_only=overdue).select_related("member")
    items, count = pagination.slice_queryset(qs, req)
    return {"items": [enrolment_item(e) for e in items], "count": count}


@router.get("enrolments/{enrolment_id}", response=EnrolmentItem, tags=["enrolment"])
def get_enrolment(request, enrolment_id: str):
    return enrolment_item(selectors.enrolment_or_404(request.user, uuid_or_404(enrolment_id)))


@router.post("enrolments/{enrolment_id}/approve", response=MemberDetail, tags=["enrolment"])
def approve_enrolment(request, enrolment_id: str):
    e = selectors.enrolment_or_404(request.user, uuid_or_404(enrolment_id))
    member = enrolment.enrolment_approve(actor=request.user, enrolment=e)
    return fresh(member_detail, selectors.member_or_404, request, member.pk)


@router.post("enrolments/{enrolment_id}/reject", response=EnrolmentItem, tags=["enrolment"])
def reject_enrolment(request, enrolment_id: str, payload: EnrolmentRejectIn):
    e = selectors.enrolment_or_404(request.user, uuid_or_404(enrolment_id))
    enrolment.enrolment_reject(actor=request.user, enrolment=e, reason=payload.reason)
    return fresh(enrolment_item, selectors.enrolment_or_404, request, e.pk)


# ---- transfers -------------------------------------------------------------------------


class TransferIn(Schema):
    member: str
    to_organisation: str
    reason: str


class TransferOut(Schema):
    id: str
    member: dict
    from_organisation: OrgRef
    to_organisation: OrgRef
    status: str
    reason: str
    refusal_reason: str
    requested_at: datetime.datetime
    due_on: datetime.date
    overdue: bool


class TransferList(Schema):
    items: list[TransferOut]
    count: int


class TransferReasonIn(Schema):
    reason: str = ""


def transfer_out(t) -> dict:
    return {
        "id": str(t.pk),
        "member": {"id": str(t.member_id), "name": t.member.name, "member_no": t.member.member_no},
        "from_organisation": org_ref(t.from_organisation),
        "to_organisation": org_ref(t.to_organisation),
        "status": t.status,
        "reason": t.reason,
        "refusal_reason": t.refusal_reason,
        "requested_at": t.requested_at,
        "due_on": t.due_on,
        "overdue": t.is_overdue,
    }


@router.get("transfers", response=TransferList, tags=["transfers"])
def list_transfers(request, open: bool = True, page: int = 1, page_size: int = 20):
    req = pagination.parse(page, page_size)
    items, count = pagination.slice_queryset(selectors.transfer_queue(request.user, open_only=open), req)
    return {"items": [transfer_out(t) for t in items], "count": count}


@router.post("transfers", response={201: TransferOut}, tags=["transfers"])
def request_transfer(request, payload: TransferIn):
    member = selectors.member_or_404(request.user, uuid_or_404(payload.member))
    t = transfers.transfer_request(
        actor=request.user,
        member=member,
        to_organisation=payload.to_organisation,
        reason=payload.reason,
    )
    # A member asking for themself does not see the transfers queue: they get the transfer
    # as made; an officer reads it again through the queue's scope.
    if permissions.is_own(request.user, member):
        return Status(201, transfer_out(t))
    return Status(201, fresh(transfer_out, selectors.transfer_or_404, request, t.pk))


@router.get("transfers/{transfer_id}", response=TransferOut, tags=["transfers"])
def get_transfer(request, transfer_id: str):
    return transfer_out(selectors.transfer_or_404(request.user, uuid_or_404(transfer_id)))


@router.post("transfers/{transfer_id}/release", response=TransferOut, tags=["transfers"])
def release_transfer(request, transfer_id: str):
    t = transfers.transfer_release(
        actor=request.user, transfer=selectors.transfer_or_404(request.user, uuid_or_404(transfer_id))
    )
    return transfer_out(t)


@router.post("transfers/{transfer_id}/accept", response=TransferOut, tags=["transfers"])
def accept_transfer(request, transfer_id: str):
    t = transfers.transfer_accept(
        actor=request.user, transfer=selectors.transfer_or_404(request.user, uuid_or_404(transfer_id))
    )
    return transfer_out(t)


@router.post("transfers/{transfer_id}/refuse", response=TransferOut, tags=["transfers"])
def refuse_transfer(request, transfer_id: str, payload: TransferReasonIn):
    t = transfers.transfer_refuse(
        actor=request.user,
        transfer=selectors.transfer_or_404(request.user, uuid_or_404(transfer_id)),
        reason=payload.reason,
    )
    return transfer_out(t)


@router.post("transfers/{transfer_id}/cancel", response=TransferOut, tags=["transfers"])
def cancel_transfer(request, transfer_id: str, payload: TransferReasonIn):
    t = transfers.transfer_cancel(
        actor=request.user,
        transfer=selectors.transfer_or_404(request.user, uuid_or_404(transfer_id)),
        reason=payload.reason,
    )
    return transfer_out(t)


# ---- dues ------------------------------------------------------------------------------


class DuesIn(Schema):
    monthly_wage: StrictStr | StrictInt | StrictFloat


class DuesOut(Schema):
    base: str
    dues: str


class DuesRecordIn(Schema):
    month: datetime.date
    monthly_wage: StrictStr | StrictInt | StrictFloat
    paid_on: datetime.date | None = None


class DuesRecordOut(Schema):
    month: str
    monthly_wage: str
    base: str
    amount: str
    exempt: bool
    paid_on: datetime.date | None


class DuesLedger(Schema):
    items: list[DuesRecordOut]
    count: int
    total: str


def dues_out(r) -> dict:
    return {
        "month": f"{r.month:%Y-%m}",
        "monthly_wage": money_text(r.monthly_wage),
        "base": money_text(r.base),
        "amount": money_text(r.amount),
        "exempt": r.exempt,
        "paid_on": r.paid_on,
    }


@router.post("dues/calculate", response=DuesOut, auth=None, tags=["dues"])
def calculate_dues(request, payload: DuesIn):
    """0.5% of the monthly wage; the part of the wage under ten yuan is not counted."""
    base, amount = dues.calculate(payload.monthly_wage)
    return {"base": money_text(base), "dues": money_text(amount)}


@router.get("members/{member_id}/dues", response=DuesLedger, tags=["dues"])
def member_dues(request, member_id: str, page: int = 1, page_size: int = 20):
    member = selectors.member_or_404(request.user, uuid_or_404(member_id))
    req = pagination.parse(page, page_size)
    qs = member.dues.all()
    items, count = pagination.slice_queryset(qs, req)
    total = qs.aggregate(s=Sum("amount"))["s"] or Decimal("0")
    return {"items": [dues_out(r) for r in items], "count": count, "total": money_text(total)}


@router.post("members/{member_id}/dues", response={201: DuesRecordOut}, tags=["dues"])
def record_dues(request, member_id: str, payload: DuesRecordIn):
    member = selectors.member_or_404(request.user, uuid_or_404(member_id))
    record = dues.dues_record(
        actor=request.user,
        member=member,
        month=payload.month,
        monthly_wage=payload.monthly_wage,
        paid_on=payload.paid_on,
    )
    return Status(201, dues_out(record))


# ---- e-member card ---------------------------------------------------------------------


class CardCheck(Schema):
    valid: bool
    reason: str
    name: str = ""
    member_no: str = ""
    organisation: OrgRef | None = None


@router.get("cards/verify", response=CardCheck, auth=None, tags=["cards"])
def verify_card(request, token: str):
    """Check a scanned e-member card. Shows a masked name and the union, nothing more."""
    member, reason = cards.card_verify(token)
    if member is None:
        return {"valid": False, "reason": reason}
    return {
        "valid": reason == "ok",
        "reason": reason,
        "name": mask_name(member.name),
        "member_no": member.member_no,
        "organisation": org_ref(member.organisation),
    }
