"""Writes to the organisation tree and role assignments."""

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from treebeard.exceptions import InvalidMoveToDescendant

from gonghui.core import audit, divisions
from gonghui.core.text import check_lengths, clean
from gonghui.core.validators import is_union_credit_code, validate_credit_code, validate_person_name
from gonghui.organisations import counters, scoping
from gonghui.organisations.choices import KIND_LEVEL, TERRITORIAL_KINDS, GrassrootsType, Kind, Role
from gonghui.organisations.models import Organisation, RoleAssignment

AUDITED_FIELDS = [
    "name",
    "short_name",
    "kind",
    "level",
    "grassroots_type",
    "code",
    "division_code",
    "address",
    "host_name",
    "host_credit_code",
    "host_industry",
    "host_ownership",
    "host_staff_count",
    "founded_on",
    "chairman",
    "chairman_term_start",
    "chairman_term_end",
    "is_active",
]
EDITABLE_FIELDS = [f for f in AUDITED_FIELDS if f not in {"level", "kind", "code"}]

_INTERNAL_CODE = re.compile(r"^[0-9A-Z][0-9A-Z-]{3,31}$")


def validate_code(code: str, kind: str) -> str:
    """Local federations use their six-digit division code; a registered union its 18-character
    credit code (GB 32100); an unregistered one an internal code of capitals, digits and '-'."""
    code = clean(code).upper()
    if kind in TERRITORIAL_KINDS and kind != Kind.NATIONAL:
        if not divisions.exists(code) and not _INTERNAL_CODE.match(code):
            raise ValidationError(_("%(code)s is not a division code.") % {"code": code}, code="org_code")
        return code
    if len(code) == 18 and code[:1].isdigit() and code[:2].isalnum():
        code = validate_credit_code(code)
        if kind == Kind.GRASSROOTS and not is_union_credit_code(code):
            # A union registers with 工会 as the registering department: its code starts
            # with 8. A company's code (91…) belongs in host_credit_code.
            raise ValidationError(
                _(
                    "A union's own credit code starts with 8; the employer's code goes in the host unit field."
                ),
                code="org_code_not_union",
            )
        return code
    if not _INTERNAL_CODE.match(code):
        raise ValidationError(
            _("An organisation code is a credit code or 4–32 capitals, digits and hyphens."), code="org_code"
        )
    return code


def _level_for(kind: str, parent: Organisation | None) -> int:
    if kind in KIND_LEVEL:
        return int(KIND_LEVEL[kind])
    return parent.level if parent else 0


def _clean_fields(fields: dict, kind: str) -> dict:
    data = {k: (clean(v) if isinstance(v, str) else v) for k, v in fields.items()}
    check_lengths(Organisation, data)
    staff = data.get("host_staff_count")
    if staff is not None and not 0 <= staff <= 10_000_000:
        raise ValidationError(
            {"host_staff_count": ValidationError(_("Enter a plausible number of staff."), code="staff_count")}
        )
    if not data.get("name"):
        raise ValidationError(_("An organisation needs a name."), code="org_name")
    division = data.get("division_code", "")
    if kind == Kind.NATIONAL and not division:
        data["division_code"] = ""
    elif not divisions.exists(division):
        raise ValidationError(
            _("%(code)s is not a GB/T 2260 division code.") % {"code": division or "—"},
            code="division_unknown",
        )
    if data.get("host_credit_code"):
        data["host_credit_code"] = validate_credit_code(data["host_credit_code"])
    if "chairman" in data:
        try:
            data["chairman"] = validate_person_name(data["chairman"], required=False)
        except ValidationError as exc:
            raise ValidationError({"chairman": exc}) from None
    if kind == Kind.GRASSROOTS:
        data.setdefault("grassroots_type", GrassrootsType.INDEPENDENT)
        if data["grassroots_type"] not in GrassrootsType.values:
            raise ValidationError(_("Unknown grassroots type."), code="org_grassroots_type")
    else:
        data["grassroots_type"] = ""
    return data


def organisation_create(
    *, actor, parent: Organisation | None, kind: str, code: str, **fields
) -> Organisation:
    """Add an organisation under ``parent`` (a root only for an operator). The actor needs
    ``manage_organisations`` on the parent. Raises ValidationError (bad or duplicate code,
    unknown division) or PermissionDenied/Http404."""
    if kind not in Kind.values:
        raise ValidationError(_("Unknown organisation kind."), code="org_kind")
    if parent is None:
        if actor is not None and not scoping.is_operator(actor):
            raise PermissionDenied
    elif actor is not None:
        scoping.require(actor, scoping.Action.MANAGE_ORGANISATIONS, parent)
    code = validate_code(code, kind)
    data = _clean_fields(fields, kind)
    with transaction.atomic():
        if parent is not None:
            # Serialise additions under one parent: treebeard derives the new path from the
            # parent's child count.
            parent = Organisation.objects.select_for_update().get(pk=parent.pk)
        if Organisation.objects.filter(code=code).exists():
            raise ValidationError(
                _("The code %(code)s is already used.") % {"code": code}, code="org_code_taken"
            )
        node = Organisation(kind=kind, code=code, level=_level_for(kind, parent), **data)
        org = (
            Organisation.objects.add_child(parent, instance=node)
            if parent
            else Organisation.objects.add_root(instance=node)
        )
        counters.apply(counters.organisation_deltas(org))
        audit.record(
            actor=actor,
            action="organisations.organisation.created",
            obj=org,
            organisation_id=org.pk,
            changes=audit.diff({}, audit.snapshot(org, AUDITED_FIELDS)),
        )
    return org


def organisation_update(*, actor, organisation: Organisation, **fields) -> Organisation:
    """Edit the descriptive fields of an organisation (not its place in the tree or its code)."""
    scoping.require(actor, scoping.Action.MANAGE_ORGANISATIONS, organisation)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(
            _("These fields cannot be changed here: %(f)s") % {"f": ", ".join(sorted(unknown))}
        )
    with transaction.atomic():
        org = Organisation.objects.select_for_update().get(pk=organisation.pk)
        before = audit.snapshot(org, AUDITED_FIELDS)
        merged = {f: getattr(org, f) for f in EDITABLE_FIELDS}
        merged.update(fields)
        data = _clean_fields(merged, org.kind)
        for key, value in data.items():
            setattr(org, key, value)
        org.save()
        audit.record(
            actor=actor,
            action="organisations.organisation.updated",
            obj=org,
            organisation_id=org.pk,
            changes=audit.diff(before, audit.snapshot(org, AUDITED_FIELDS)),
        )
    return org


def organisation_move(*, actor, organisation: Organisation, new_parent: Organisation) -> Organisation:
    """Move a whole subtree under ``new_parent``. The actor needs ``manage_organisations`` on
    both the old parent and the new parent; moving a node under itself or its descendants is
    refused (``org_cycle``)."""
    old_parent = organisation.get_parent()
    if old_parent is None:
        raise ValidationError(_("The root organisation cannot be moved."), code="org_root")
    scoping.require(actor, scoping.Action.MANAGE_ORGANISATIONS, old_parent)
    scoping.require(actor, scoping.Action.MANAGE_ORGANISATIONS, new_parent)
    if new_parent.path.startswith(organisation.path):
        raise ValidationError(
            _("An organisation cannot be moved under itself or one of its own units."), code="org_cycle"
        )
    with transaction.atomic():
        # The subtree's totals leave the old ancestors and join the new ones (read before the
        # move, which rewrites the paths they are found by).
        counters.move_subtree(organisation, old_parent.path, new_parent.path)
        try:
            Organisation.objects.move(organisation, new_parent, pos="last-child")
        except InvalidMoveToDescendant:
            raise ValidationError(
                _("An organisation cannot be moved under itself or one of its own units."), code="org_cycle"
            ) from None
        organisation.refresh_from_db()
        if organisation.kind not in KIND_LEVEL:
            Organisation.objects.filter(pk=organisation.pk).update(level=new_parent.level)
        audit.record(
            actor=actor,
            action="organisations.organisation.moved",
            obj=organisation,
            organisation_id=organisation.pk,
            changes={"parent": [old_parent.code, new_parent.code]},
        )
    return organisation


def role_assign(*, actor, user, organisation: Organisation, role: str) -> RoleAssignment:
    """Give ``user`` a role on ``organisation``; needs ``manage_roles`` there. Idempotent."""
    if role not in Role.values:
        raise ValidationError(_("Unknown role."), code="role_unknown")
    if actor is not None:
        scoping.require(actor, scoping.Action.MANAGE_ROLES, organisation)
    with transaction.atomic():
        assignment, created = RoleAssignment.objects.get_or_create(
            user=user, organisation=organisation, role=role
        )
        if created:
            audit.record(
                actor=actor,
                action="organisations.role.assigned",
                obj=assignment,
                organisation_id=organisation.pk,
                changes={"role": [None, f"{user.get_username()}:{role}"]},
            )
    scoping.forget(user)
    return assignment


def role_revoke(*, actor, assignment: RoleAssignment) -> None:
    """Take a role away; needs ``manage_roles`` on the assignment's organisation. An admin may
    not revoke their own admin role when no other admin role of theirs — on the same
    organisation or one above it — would keep them admin there (``role_last_admin``): one
    click must not lock the last administrator out of their own branch."""
    scoping.require(actor, scoping.Action.MANAGE_ROLES, assignment.organisation)
    with transaction.atomic():
        if _is_own_last_admin_role(actor, assignment):
            raise ValidationError(
                _(
                    "You cannot revoke your own last administrator role on this organisation: "
                    "you would lose the right to manage it. Ask an administrator above it."
                ),
                code="role_last_admin",
            )
        audit.record(
            actor=actor,
            action="organisations.role.revoked",
            obj=assignment,
            organisation_id=assignment.organisation_id,
            changes={"role": [f"{assignment.user.get_username()}:{assignment.role}", None]},
        )
        assignment.delete()
    scoping.forget(assignment.user)


def _is_own_last_admin_role(actor, assignment: RoleAssignment) -> bool:
    """Whether revoking ``assignment`` would leave ``actor`` without admin over its
    organisation. The actor's admin rows are locked, so two revocations at once cannot each
    count on the other."""
    if assignment.role != Role.ADMIN or assignment.user_id != getattr(actor, "pk", None):
        return False
    if actor.is_active and actor.is_superuser:
        return False
    path = assignment.organisation.path
    others = (
        RoleAssignment.objects.select_for_update(of=("self",))
        .filter(user_id=actor.pk, role=Role.ADMIN)
        .exclude(pk=assignment.pk)
        .values_list("organisation__path", flat=True)
    )
    return not any(path.startswith(other) for other in others)
