"""Transfers of membership between unions (会员关系转接): request → release by the old
union → acceptance by the new one. A refusal or cancellation on either side restores the
member's previous status at the old union; nothing is lost."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import audit, workdays
from gonghui.core.text import clean
from gonghui.members import counters
from gonghui.members.choices import (
    EventKind,
    MembershipStatus,
    TransferStatus,
)
from gonghui.members.models import Member, Transfer
from gonghui.members.services import hooks
from gonghui.members.services import members as member_services
from gonghui.organisations import scoping
from gonghui.organisations.choices import Kind
from gonghui.organisations.models import Organisation

Action = scoping.Action
_TRANSFERABLE = {MembershipStatus.MEMBER, MembershipStatus.PRE_MEMBER, MembershipStatus.RETAINED}


def _is_self(actor, member: Member) -> bool:
    return getattr(actor, "is_authenticated", False) and member.user_id == actor.pk


def transfer_request(*, actor, member: Member, to_organisation: Organisation, reason: str) -> Transfer:
    """Ask to move ``member`` to ``to_organisation``. The member themself or an officer with
    ``transfer`` on the member's union may ask. The member shows as 转出中 until it is done."""
    if not _is_self(actor, member):
        scoping.require(actor, Action.TRANSFER, member.organisation)
    reason = clean(reason)
    if not reason:
        raise ValidationError(
            {"reason": ValidationError(_("Say why the member is moving."), code="reason_required")}
        )
    if not to_organisation.is_active:
        raise ValidationError(_("The new union is not active."), code="org_inactive")
    if to_organisation.kind not in {Kind.GRASSROOTS, Kind.STREET, Kind.COUNTY, Kind.FEDERATION}:
        raise ValidationError(
            _("Members belong to a grassroots union or a territorial union that holds members."),
            code="org_cannot_hold_members",
        )
    with transaction.atomic():
        locked = Member.objects.select_for_update().select_related("organisation").get(pk=member.pk)
        if locked.organisation_id == to_organisation.pk:
            raise ValidationError(_("The member already belongs to that union."), code="same_union")
        if locked.status not in _TRANSFERABLE:
            raise ValidationError(_("This membership cannot be transferred now."), code="invalid_transition")
        if Transfer.objects.filter(
            member=locked, status__in=[TransferStatus.REQUESTED, TransferStatus.RELEASED]
        ).exists():
            raise ValidationError(_("A transfer for this member is already open."), code="transfer_open")
        transfer = Transfer.objects.create(
            member=locked,
            from_organisation=locked.organisation,
            to_organisation=to_organisation,
            reason=reason,
            previous_status=locked.status,
            requested_by=actor if getattr(actor, "is_authenticated", False) else None,
            due_on=workdays.add_working_days(timezone.localdate(), settings.GONGHUI_TRANSFER_SLA_DAYS),
        )
        before = locked.status
        counted = counters.snapshot(locked)
        locked.status = MembershipStatus.TRANSFERRING
        locked.save(update_fields=["status", "updated_at"])
        hooks.member_changed(counted, locked)
        member_services._event(
            locked,
            kind=EventKind.TRANSFER_REQUESTED,
            from_status=before,
            actor=actor,
            effective_on=timezone.localdate(),
            reason=reason,
        )
        # Both unions keep the case in their audit log.
        for org_id in (locked.organisation_id, to_organisation.pk):
            audit.record(
                actor=actor,
                action="members.transfer.requested",
                obj=transfer,
                organisation_id=org_id,
                changes={"to": [None, to_organisation.code], "member_status": [before, locked.status]},
                reason=reason,
            )
    return transfer


def _require_either_side_visible(actor, transfer: Transfer) -> None:
    """Both unions see a transfer; only a caller who sees neither side gets 404. Acting on
    the side that is not yours is then 403, not 404."""
    if not (
        scoping.can(actor, Action.VIEW, transfer.from_organisation)
        or scoping.can(actor, Action.VIEW, transfer.to_organisation)
    ):
        raise Http404


def _require_on(actor, action: str, organisation: Organisation) -> None:
    if not scoping.can(actor, action, organisation):
        raise PermissionDenied


def _lock(transfer: Transfer) -> Transfer:
    return (
        Transfer.objects.select_for_update()
        .select_related("member", "from_organisation", "to_organisation")
        .get(pk=transfer.pk)
    )


def _restore(transfer: Transfer, *, actor, reason: str) -> None:
    member = Member.objects.select_for_update().get(pk=transfer.member_id)
    counted = counters.snapshot(member)
    member.status = transfer.previous_status
    member.save(update_fields=["status", "updated_at"])
    hooks.member_changed(counted, member)
    member_services._event(
        member,
        kind=EventKind.TRANSFER_CANCELLED,
        from_status=MembershipStatus.TRANSFERRING,
        actor=actor,
        effective_on=timezone.localdate(),
        reason=reason,
    )


def transfer_release(*, actor, transfer: Transfer) -> Transfer:
    """The old union lets the member go (转出). Needs ``transfer`` on the old union."""
    _require_either_side_visible(actor, transfer)
    _require_on(actor, Action.TRANSFER, transfer.from_organisation)
    with transaction.atomic():
        locked = _lock(transfer)
        if locked.status != TransferStatus.REQUESTED:
            raise ValidationError(_("This transfer is not waiting for release."), code="invalid_transition")
        locked.status = TransferStatus.RELEASED
        locked.released_by = actor
        locked.released_at = timezone.now()
        locked.save(update_fields=["status", "released_by", "released_at"])
        for org_id in (locked.from_organisation_id, locked.to_organisation_id):
            audit.record(
                actor=actor,
                action="members.transfer.released",
                obj=locked,
                organisation_id=org_id,
                changes={"status": [TransferStatus.REQUESTED, TransferStatus.RELEASED]},
            )
    return locked


def transfer_accept(*, actor, transfer: Transfer) -> Transfer:
    """The new union takes the member in (转入): the member moves with their number, history
    and dues ledger. Needs ``transfer`` on the new union."""
    _require_either_side_visible(actor, transfer)
    _require_on(actor, Action.TRANSFER, transfer.to_organisation)
    with transaction.atomic():
        locked = _lock(transfer)
        if locked.status != TransferStatus.RELEASED:
            raise ValidationError(
                _("The old union has not released this member yet."), code="invalid_transition"
            )
        member = Member.objects.select_for_update().get(pk=locked.member_id)
        counted = counters.snapshot(member)
        old_org = member.organisation
        member.organisation = locked.to_organisation
        if locked.previous_status == MembershipStatus.RETAINED:
            member.status = MembershipStatus.RETAINED
        elif locked.to_organisation.kind == Kind.GRASSROOTS:
            member.status = MembershipStatus.MEMBER
        else:
            member.status = MembershipStatus.PRE_MEMBER
        member.save(update_fields=["organisation", "status", "updated_at"])
        hooks.member_changed(counted, member)
        member_services._event(
            member,
            kind=EventKind.TRANSFERRED_IN,
            from_status=MembershipStatus.TRANSFERRING,
            actor=actor,
            effective_on=timezone.localdate(),
            reason=locked.reason,
            from_org=old_org,
        )
        audit.record(
            actor=actor,
            action="members.member.transferred",
            obj=member,
            organisation_id=member.organisation_id,
            changes={
                "organisation": [old_org.code, locked.to_organisation.code],
                "status": [MembershipStatus.TRANSFERRING, member.status],
            },
        )
        locked.status = TransferStatus.ACCEPTED
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "decided_by", "decided_at"])
        for org_id in (locked.from_organisation_id, locked.to_organisation_id):
            audit.record(
                actor=actor,
                action="members.transfer.accepted",
                obj=locked,
                organisation_id=org_id,
                changes={
                    "status": [TransferStatus.RELEASED, TransferStatus.ACCEPTED],
                    "organisation": [old_org.code, locked.to_organisation.code],
                },
            )
    return locked


def transfer_refuse(*, actor, transfer: Transfer, reason: str) -> Transfer:
    """The old union (before release) or the new union (after release) refuses, with a
    reason. The member returns to their previous status at the old union."""
    reason = clean(reason)
    if not reason:
        raise ValidationError(
            {"reason": ValidationError(_("Give a reason for refusing."), code="reason_required")}
        )
    _require_either_side_visible(actor, transfer)
    with transaction.atomic():
        locked = _lock(transfer)
        if locked.status == TransferStatus.REQUESTED:
            _require_on(actor, Action.TRANSFER, locked.from_organisation)
            new_status, org_id = TransferStatus.REFUSED_OUT, locked.from_organisation_id
        elif locked.status == TransferStatus.RELEASED:
            _require_on(actor, Action.TRANSFER, locked.to_organisation)
            new_status, org_id = TransferStatus.REFUSED_IN, locked.to_organisation_id
        else:
            raise ValidationError(_("This transfer is already closed."), code="invalid_transition")
        before = locked.status
        locked.status = new_status
        locked.refusal_reason = reason
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "refusal_reason", "decided_by", "decided_at"])
        _restore(locked, actor=actor, reason=reason)
        audit.record(
            actor=actor,
            action="members.transfer.refused",
            obj=locked,
            organisation_id=org_id,
            changes={"status": [before, new_status]},
            reason=reason,
        )
    return locked


def transfer_cancel(*, actor, transfer: Transfer, reason: str = "") -> Transfer:
    """Whoever asked (the member or an officer of the old union) withdraws an open transfer."""
    with transaction.atomic():
        locked = _lock(transfer)
        if not (
            _is_self(actor, locked.member) or scoping.can(actor, Action.TRANSFER, locked.from_organisation)
        ):
            if scoping.can(actor, Action.VIEW, locked.from_organisation) or scoping.can(
                actor, Action.VIEW, locked.to_organisation
            ):
                raise PermissionDenied
            raise Http404
        if locked.status not in {TransferStatus.REQUESTED, TransferStatus.RELEASED}:
            raise ValidationError(_("This transfer is already closed."), code="invalid_transition")
        before = locked.status
        locked.status = TransferStatus.CANCELLED
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.refusal_reason = clean(reason)
        locked.save(update_fields=["status", "decided_by", "decided_at", "refusal_reason"])
        _restore(locked, actor=actor, reason=clean(reason) or _("Transfer cancelled"))
        audit.record(
            actor=actor,
            action="members.transfer.cancelled",
            obj=locked,
            organisation_id=locked.from_organisation_id,
            changes={"status": [before, TransferStatus.CANCELLED]},
            reason=clean(reason),
        )
    return locked
