"""Writes to the organisation tree and role assignments: each checks the actor's right first
(``organisations.permissions``), reads its input with ``core.inputs`` and the identifier
checks of ``core.validators`` (errors keyed by field), and writes one audit entry."""

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from treebeard.exceptions import InvalidMoveToDescendant

from gonghui.core import audit, divisions, inputs
from gonghui.core.validation import keyed, merge_errors
from gonghui.core.validators import (
    is_union_credit_code,
    validate_credit_code,
    validate_division_code,
    validate_person_name,
)
from gonghui.organisations import counters, permissions, scoping
from gonghui.organisations.choices import (
    KIND_LEVEL,
    TERRITORIAL_KINDS,
    AuditAction,
    GrassrootsType,
    Kind,
    Ownership,
    Role,
)
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
# An employer with more staff than this is a typing mistake.
MAX_STAFF = 10_000_000
_TEXT_FIELDS = (
    "name",
    "short_name",
    "division_code",
    "address",
    "host_name",
    "host_credit_code",
    "host_industry",
    "chairman",
)
_DATE_FIELDS = ("founded_on", "chairman_term_start", "chairman_term_end")


def validate_code(code: str, kind: str) -> str:
    """Local federations use their six-digit division code; a registered union its 18-character
    credit code (GB 32100); an unregistered one an internal code of capitals, digits and '-'.
    Errors name the field ``code``."""
    code = inputs.text(code, "code").upper()
    if kind in TERRITORIAL_KINDS and kind != Kind.NATIONAL:
        if not divisions.exists(code) and not _INTERNAL_CODE.match(code):
            raise inputs.field_error(
                "code", _("%(code)s is not a division code.") % {"code": code}, "org_code"
            )
        return code
    if len(code) == 18 and code[:1].isdigit() and code[:2].isalnum():
        try:
            code = validate_credit_code(code)
        except ValidationError as exc:
            raise keyed(exc, "code") from None
        if kind == Kind.GRASSROOTS and not is_union_credit_code(code):
            # A union registers with 工会 as the registering department: its code starts
            # with 8. A company's code (91…) belongs in host_credit_code.
            raise inputs.field_error(
                "code",
                _(
                    "A union's own credit code starts with 8; the employer's code goes in the host unit field."
                ),
                "org_code_not_union",
            )
        return code
    if not _INTERNAL_CODE.match(code):
        raise inputs.field_error(
            "code",
            _("An organisation code is a credit code or 4–32 capitals, digits and hyphens."),
            "org_code",
        )
    return code


def _level_for(kind: str, parent: Organisation | None) -> int:
    if kind in KIND_LEVEL:
        return int(KIND_LEVEL[kind])
    return parent.level if parent else 0


def _read_field(name: str, value, kind: str):
    """One descriptive field as it is stored, or a ValidationError naming it."""
    if name in _DATE_FIELDS:
        return inputs.date(value, name, required=False)
    if name == "host_staff_count":
        return inputs.integer(value, name, required=False, minimum=0, maximum=MAX_STAFF)
    if name == "host_ownership":
        return inputs.choice(value, name, Ownership, required=False)
    if name == "grassroots_type":
        return inputs.choice(value, name, GrassrootsType) if kind == Kind.GRASSROOTS else ""
    if name not in _TEXT_FIELDS:
        return value  # is_active
    limit = Organisation._meta.get_field(name).max_length
    value = inputs.text(value, name, max_length=limit, required=name == "name")
    try:
        if name == "division_code" and (value or kind != Kind.NATIONAL):
            return validate_division_code(value)
        if name == "host_credit_code" and value:
            return validate_credit_code(value)
        if name == "chairman":
            return validate_person_name(value, required=False)
    except ValidationError as exc:
        raise keyed(exc, name) from None
    return value


def _clean_fields(fields: dict, kind: str) -> dict:
    """The descriptive fields read and checked, every field's error collected into one
    ValidationError keyed by field. A grassroots union is independent unless said otherwise."""
    defaults = {"name": "", "division_code": ""}
    if kind == Kind.GRASSROOTS:
        defaults["grassroots_type"] = GrassrootsType.INDEPENDENT
    fields = {**defaults, **fields}
    if kind != Kind.GRASSROOTS:
        fields["grassroots_type"] = ""
    data, errors = {}, {}
    for name, value in fields.items():
        try:
            data[name] = _read_field(name, value, kind)
        except ValidationError as exc:
            merge_errors(errors, exc, field=name)
    if errors:
        raise ValidationError(errors)
    return data


def organisation_create(
    *, actor, parent: Organisation | None, kind: str, code: str, **fields
) -> Organisation:
    """Add an organisation under ``parent`` (a root only for an operator). The actor needs
    ``manage_organisations`` on the parent (``actor=None``: the system, for the demo and the
    tests' world). Raises ValidationError keyed by field (bad or duplicate code, unknown
    division, a field too long …) or PermissionDenied/Http404."""
    if actor is not None:
        permissions.require_create_organisation(actor, parent)
    kind = inputs.choice(kind, "kind", Kind)
    code = validate_code(code, kind)
    data = _clean_fields(fields, kind)
    with transaction.atomic():
        if parent is not None:
            # Serialise additions under one parent: treebeard derives the new path from the
            # parent's child count.
            parent = Organisation.objects.select_for_update().get(pk=parent.pk)
        if Organisation.objects.filter(code=code).exists():
            raise inputs.field_error(
                "code", _("The code %(code)s is already used.") % {"code": code}, "org_code_taken"
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
            action=AuditAction.ORGANISATION_CREATED,
            obj=org,
            organisation_id=org.pk,
            changes=audit.diff({}, audit.snapshot(org, AUDITED_FIELDS)),
        )
    return org


def organisation_update(*, actor, organisation: Organisation, **fields) -> Organisation:
    """Edit the descriptive fields of an organisation (not its place in the tree, its kind or
    its code); needs ``manage_organisations`` on it."""
    permissions.require_change_organisation(actor, organisation)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(
            _("These fields cannot be changed here: %(f)s") % {"f": ", ".join(sorted(unknown))},
            code="org_field_not_editable",
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
            action=AuditAction.ORGANISATION_UPDATED,
            obj=org,
            organisation_id=org.pk,
            changes=audit.diff(before, audit.snapshot(org, AUDITED_FIELDS)),
        )
    return org


def organisation_move(*, actor, organisation: Organisation, new_parent: Organisation) -> Organisation:
    """Move a whole subtree under ``new_parent``. The actor needs ``manage_organisations`` on
    both the old parent and the new parent (``permissions.require_move_organisation``); a root
    is never moved (``org_root``) and nothing moves under itself or one of its own units
    (``org_cycle``), both named after the field ``new_parent``."""
    old_parent = organisation.get_parent()
    if old_parent is None:
        raise inputs.field_error("new_parent", _("The root organisation cannot be moved."), "org_root")
    permissions.require_move_organisation(actor, organisation, new_parent)
    cycle = inputs.field_error(
        "new_parent", _("An organisation cannot be moved under itself or one of its own units."), "org_cycle"
    )
    if organisation.contains(new_parent):
        raise cycle
    with transaction.atomic():
        # The subtree's totals leave the old ancestors and join the new ones (read before the
        # move, which rewrites the paths they are found by).
        counters.move_subtree(organisation, old_parent.path, new_parent.path)
        try:
            Organisation.objects.move(organisation, new_parent, pos="last-child")
        except InvalidMoveToDescendant:
            raise cycle from None
        organisation.refresh_from_db()
        if organisation.kind not in KIND_LEVEL:
            Organisation.objects.filter(pk=organisation.pk).update(level=new_parent.level)
        audit.record(
            actor=actor,
            action=AuditAction.ORGANISATION_MOVED,
            obj=organisation,
            organisation_id=organisation.pk,
            changes={"parent": [old_parent.code, new_parent.code]},
        )
    return organisation


def role_assign(*, actor, user, organisation: Organisation, role: str) -> RoleAssignment:
    """Give ``user`` a role on ``organisation``; needs ``manage_roles`` there (``actor=None``:
    the system). Idempotent."""
    role = inputs.choice(role, "role", Role)
    if actor is not None:
        permissions.require_manage_roles(actor, organisation)
    with transaction.atomic():
        assignment, created = RoleAssignment.objects.get_or_create(
            user=user, organisation=organisation, role=role
        )
        if created:
            audit.record(
                actor=actor,
                action=AuditAction.ROLE_ASSIGNED,
                obj=assignment,
                organisation_id=organisation.pk,
                changes={"role": [None, f"{user.get_username()}:{role}"]},
            )
    scoping.forget(user)
    return assignment


def role_revoke(*, actor, assignment: RoleAssignment) -> None:
    """Take a role away; needs ``manage_roles`` on the assignment's organisation, and nobody
    revokes their own last admin role over it (``role_last_admin``, see
    ``permissions.require_revoke_role``)."""
    with transaction.atomic():
        permissions.require_revoke_role(actor, assignment)
        audit.record(
            actor=actor,
            action=AuditAction.ROLE_REVOKED,
            obj=assignment,
            organisation_id=assignment.organisation_id,
            changes={"role": [f"{assignment.user.get_username()}:{assignment.role}", None]},
        )
        assignment.delete()
    scoping.forget(assignment.user)
