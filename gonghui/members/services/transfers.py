"""Transfers of membership between unions (会员关系转接): request → release by the old
union → acceptance by the new one. A refusal or cancellation on either side restores the
member's previous status at the old union; nothing is lost."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.core import audit, inputs, workdays
from gonghui.members import counters, permissions
from gonghui.members.choices import (
    HOLDS_MEMBERS,
    TRANSFERABLE,
    EventKind,
    MembershipStatus,
    NotificationKind,
    TransferStatus,
)
from gonghui.members.models import Member, Transfer
from gonghui.members.services import hooks
from gonghui.members.services import members as member_services
from gonghui.members.services.notices import tell_member
from gonghui.organisations import selectors as org_selectors
from gonghui.organisations.choices import Kind
from gonghui.organisations.models import Organisation


def transfer_target(code: str) -> Organisation:
    """The union a transfer goes to, by its code: any active union in the country (a member may
    move anywhere, and a union's code is public). ``org_unknown`` on ``to_organisation`` when
    no union has it. The member's page, the officer's page and the API all resolve it here."""
    organisation = org_selectors.transfer_target(code)
    if organisation is None:
        raise inputs.field_error(
            "to_organisation", _("No union has the code %(code)s."), "org_unknown", {"code": code}
        )
    return organisation


def transfer_request(*, actor, member: Member, to_organisation: Organisation | str, reason: str) -> Transfer:
    """Ask to move ``member`` to ``to_organisation`` (a union, or its code as people type it:
    :func:`transfer_target`). The member themself or an officer with ``transfer`` on the
    member's union may ask. The member shows as 转出中 until it is done."""
    permissions.require_request_transfer(actor, member)
    if not isinstance(to_organisation, Organisation):
        to_organisation = transfer_target(to_organisation)
    reason = inputs.text(reason, "reason")
    if not reason:
        raise inputs.field_error("reason", _("Say why the member is moving."), "required")
    if not to_organisation.is_active:
        raise ValidationError(_("The new union is not active."), code="org_inactive")
    if to_organisation.kind not in HOLDS_MEMBERS:
        raise ValidationError(
            _("Members belong to a grassroots union or a territorial union that holds members."),
            code="org_cannot_hold_members",
        )
    with transaction.atomic():
        locked = Member.objects.select_for_update().select_related("organisation").get(pk=member.pk)
        if locked.organisation_id == to_organisation.pk:
            raise ValidationError(_("The member already belongs to that union."), code="same_union")
        if locked.status not in TRANSFERABLE:
            raise ValidationError(_("This membership cannot be transferred now."), code="bad_status")
        if Transfer.objects.filter(
            member=locked, status__in=[TransferStatus.REQUESTED, TransferStatus.RELEASED]
        ).exists():
            raise ValidationError(_("A transfer for this member is already open."), code="transfer_pending")
        transfer = Transfer.objects.create(
            member=locked,
            from_organisation=locked.organisation,
            to_organisation=to_organisation,
            reason=reason,
            previous_status=locked.status,
            requested_by=actor if actor.is_authenticated else None,
            due_on=workdays.add_working_days(timezone.localdate(), settings.GONGHUI_TRANSFER_SLA_DAYS),
        )
        before = locked.status
        counted = counters.snapshot(locked)
        locked.status = MembershipStatus.TRANSFERRING
        locked.save(update_fields=["status", "updated_at"])
        hooks.member_changed(counted, locked)
        member_services.record_event(
            locked,
            kind=EventKind.TRANSFER_REQUESTED,
            from_status=before,
            actor=actor,
            effective_on=timezone.localdate(),
            reason=reason,
        )
        _record_on_both_sides(
            transfer,
            actor=actor,
            action="members.transfer.requested",
            changes={"to": [None, to_organisation.code], "member_status": [before, locked.status]},
            reason=reason,
        )
    return transfer


def _record_on_both_sides(transfer: Transfer, *, actor, action: str, changes: dict, reason: str = "") -> None:
    """Both unions keep the case in their audit log."""
    for org_id in (transfer.from_organisation_id, transfer.to_organisation_id):
        audit.record(
            actor=actor, action=action, obj=transfer, organisation_id=org_id, changes=changes, reason=reason
        )


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
    member_services.record_event(
        member,
        kind=EventKind.TRANSFER_CANCELLED,
        from_status=MembershipStatus.TRANSFERRING,
        actor=actor,
        effective_on=timezone.localdate(),
        reason=reason,
    )


def transfer_release(*, actor, transfer: Transfer) -> Transfer:
    """The old union lets the member go (转出). Needs ``transfer`` on the old union."""
    permissions.require_release(actor, transfer)
    with transaction.atomic():
        locked = _lock(transfer)
        if locked.status != TransferStatus.REQUESTED:
            raise ValidationError(_("This transfer is not waiting for release."), code="bad_status")
        locked.status = TransferStatus.RELEASED
        locked.released_by = actor
        locked.released_at = timezone.now()
        locked.save(update_fields=["status", "released_by", "released_at"])
        _record_on_both_sides(
            locked,
            actor=actor,
            action="members.transfer.released",
            changes={"status": [TransferStatus.REQUESTED, TransferStatus.RELEASED]},
        )
        tell_member(
            locked.member,
            kind=NotificationKind.TRANSFER_RELEASED,
            title=gettext_lazy("Your transfer was released"),
            body=gettext_lazy("%(old)s released you; %(new)s will now take you in."),
            params={"old": locked.from_organisation.name, "new": locked.to_organisation.name},
            link=reverse("members:me"),
        )
    return locked


def transfer_accept(*, actor, transfer: Transfer) -> Transfer:
    """The new union takes the member in (转入): the member moves with their number, history
    and dues ledger. Needs ``transfer`` on the new union."""
    permissions.require_accept(actor, transfer)
    with transaction.atomic():
        locked = _lock(transfer)
        if locked.status != TransferStatus.RELEASED:
            raise ValidationError(_("The old union has not released this member yet."), code="bad_status")
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
        member_services.record_event(
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
        _record_on_both_sides(
            locked,
            actor=actor,
            action="members.transfer.accepted",
            changes={
                "status": [TransferStatus.RELEASED, TransferStatus.ACCEPTED],
                "organisation": [old_org.code, locked.to_organisation.code],
            },
        )
        tell_member(
            member,
            kind=NotificationKind.TRANSFER_ACCEPTED,
            title=gettext_lazy("Your transfer is complete"),
            body=gettext_lazy("You are now a member of %(new)s, with the same member number."),
            params={"new": locked.to_organisation.name},
            link=reverse("members:me"),
        )
    return locked


def transfer_refuse(*, actor, transfer: Transfer, reason: str) -> Transfer:
    """The old union (before release) or the new union (after release) refuses, with a
    reason. The member returns to their previous status at the old union."""
    reason = inputs.text(reason, "reason")
    if not reason:
        raise inputs.field_error("reason", _("Give a reason for refusing."), "required")
    with transaction.atomic():
        locked = _lock(transfer)
        permissions.require_refuse(actor, locked)
        if locked.status == TransferStatus.REQUESTED:
            new_status, org_id = TransferStatus.REFUSED_OUT, locked.from_organisation_id
        elif locked.status == TransferStatus.RELEASED:
            new_status, org_id = TransferStatus.REFUSED_IN, locked.to_organisation_id
        else:
            raise ValidationError(_("This transfer is already closed."), code="bad_status")
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
        refused_by = (
            locked.from_organisation if new_status == TransferStatus.REFUSED_OUT else locked.to_organisation
        )
        tell_member(
            locked.member,
            kind=NotificationKind.TRANSFER_REFUSED,
            title=gettext_lazy("Your transfer was refused"),
            body=gettext_lazy("%(union)s refused the transfer: %(reason)s You stay a member of %(old)s."),
            params={"union": refused_by.name, "reason": reason, "old": locked.from_organisation.name},
            link=reverse("members:me"),
        )
    return locked


def transfer_cancel(*, actor, transfer: Transfer, reason: str = "") -> Transfer:
    """Whoever asked (the member or an officer of the old union) withdraws an open transfer."""
    with transaction.atomic():
        locked = _lock(transfer)
        permissions.require_cancel(actor, locked)
        reason = inputs.text(reason, "reason")
        if locked.status not in {TransferStatus.REQUESTED, TransferStatus.RELEASED}:
            raise ValidationError(_("This transfer is already closed."), code="bad_status")
        before = locked.status
        locked.status = TransferStatus.CANCELLED
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.refusal_reason = reason
        locked.save(update_fields=["status", "decided_by", "decided_at", "refusal_reason"])
        _restore(locked, actor=actor, reason=reason or _("Transfer cancelled"))
        audit.record(
            actor=actor,
            action="members.transfer.cancelled",
            obj=locked,
            organisation_id=locked.from_organisation_id,
            changes={"status": [before, TransferStatus.CANCELLED]},
            reason=reason,
        )
    return locked
