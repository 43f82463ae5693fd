"""Wage arrears (欠薪): the workers of a group case, wages recovered, and the referral of a
case to the union of the work site (工程所在地) with a letter."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gonghui.core import inputs, locking
from gonghui.core.validators import validate_person_name
from gonghui.members.services import enrolment as member_enrolment
from gonghui.members.services import personal
from gonghui.organisations.models import Organisation
from gonghui.rights import permissions
from gonghui.rights.choices import AuditAction, Category, EventKind
from gonghui.rights.models import ArrearsWorker, Recovery, Request, RequestTransfer
from gonghui.rights.services.common import add_event, audit_request, collect
from gonghui.rights.services.transfers import request_transfer


def _check_wage_arrears(req: Request, message) -> None:
    if req.category != Category.WAGE_ARREARS:
        raise ValidationError(message, code="not_wage_arrears")


def recovery_add(*, actor, request: Request, amount, recovered_on, reason: str = "") -> Recovery:
    """Record wages recovered for a wage-arrears case: an amount above zero, on a day that has
    passed. Recoveries add up; going past the amount owed needs a reason (interest,
    compensation)."""
    permissions.require_handle(actor, request)
    _check_wage_arrears(request, _("Only wage-arrears cases have recoveries."))
    errors: dict = {}
    amount = collect(errors, "amount", lambda: inputs.money(amount, "amount", positive=True))
    recovered_on = collect(
        errors, "recovered_on", lambda: inputs.date(recovered_on, "recovered_on", not_future=True)
    )
    reason = collect(errors, "reason", lambda: inputs.text(reason, "reason", prose=True)) or ""
    if errors:
        raise ValidationError(errors)
    reason = reason[:200]
    with transaction.atomic():
        req = locking.locked(request, "organisation")
        total = sum((r.amount for r in req.recoveries.all()), Decimal("0")) + amount
        if req.amount_owed is not None and total > req.amount_owed and not reason:
            raise inputs.field_error("amount", _("More than is owed: give a reason."), "exceeds_owed")
        rec = Recovery.objects.create(
            request=req, amount=amount, recovered_on=recovered_on, reason=reason, created_by=actor
        )
        add_event(req, EventKind.RECOVERY, actor=actor, note=f"{inputs.money_text(amount)} · {recovered_on}")
        audit_request(
            req,
            AuditAction.REQUEST_RECOVERY,
            actor=actor,
            changes={"recovered_total": [inputs.money_text(total - amount), inputs.money_text(total)]},
            reason=reason,
        )
    return rec


def arrears_worker_add(*, actor, request: Request, name: str, amount, phone: str = "") -> ArrearsWorker:
    """Add a worker to a (group) wage-arrears case. The number of workers is at least the
    workers listed: it grows with the list when needed."""
    permissions.require_handle(actor, request)
    _check_wage_arrears(request, _("Only wage-arrears cases list workers."))
    errors: dict = {}
    w = ArrearsWorker()
    w.name = collect(errors, "name", lambda: validate_person_name(name))
    collect(errors, "phone", lambda: personal.set_phone(w, phone, required=False))
    w.amount = collect(errors, "amount", lambda: inputs.money(amount, "amount"))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        req = locking.locked(request, "organisation")
        w.request = req
        w.save(force_insert=True)
        listed = req.arrears_workers.count()
        before = req.workers_count
        if (req.workers_count or 0) < listed:
            req.workers_count = listed
            req.save(update_fields=["workers_count"])
        audit_request(
            req,
            AuditAction.REQUEST_ARREARS_WORKER,
            actor=actor,
            changes={"workers_listed": [listed - 1, listed], "workers_count": [before, req.workers_count]},
        )
    return w


def work_site_union(req: Request) -> Organisation:
    """The territorial union of the request's work place (联合工会 → street → county → city →
    province), where a cross-region wage-arrears case is referred (工程所在地)."""
    organisation, _basis = member_enrolment.route(
        employer="", work_division=req.work_division, territory=True
    )
    return organisation


def referral_send(
    *, actor, request: Request, reason: str, to: Organisation | str | None = None
) -> RequestTransfer:
    """Refer a case with a letter (转办函) to the union of the work site — by default the
    territorial union of its work place, else ``to`` (the union or its code); it moves when
    that union accepts."""
    permissions.require_handle(actor, request)
    return request_transfer(
        actor=actor, request=request, to=to or work_site_union(request), reason=reason, letter=True
    )
