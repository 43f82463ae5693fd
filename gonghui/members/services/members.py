"""Member records and their 会籍 (membership status)."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import audit, crypto, inputs
from gonghui.core.text import check_lengths, clean
from gonghui.core.validators import validate_person_name
from gonghui.members import counters, pinyin
from gonghui.members.choices import (
    ETHNICITIES,
    Education,
    EmploymentForm,
    EmploymentStatus,
    EventKind,
    MembershipStatus,
    PiiField,
    PoliticalStatus,
    SkillGrade,
)
from gonghui.members.models import Member, MemberNumberSequence, MembershipEvent
from gonghui.members.services import hooks, personal
from gonghui.organisations import scoping
from gonghui.organisations.models import Organisation

Action = scoping.Action

AUDITED_FIELDS = [
    "name",
    "gender",
    "ethnicity",
    "birth_date",
    "id_number_masked",
    "phone_masked",
    "education",
    "political_status",
    "employer",
    "job",
    "skill_grade",
    "employment_status",
    "employment_form",
    "is_migrant_worker",
    "organisation_id",
    "member_no",
    "joined_on",
    "card_no",
    "status",
]
PROFILE_FIELDS = [
    "name",
    "ethnicity",
    "education",
    "political_status",
    "employer",
    "job",
    "skill_grade",
    "employment_status",
    "employment_form",
    "is_migrant_worker",
    "card_no",
]
# Profile fields with a fixed list of values, and whether a value is required.
_CHOICES = {
    "ethnicity": ([code for code, _label in ETHNICITIES], True),
    "education": (Education, False),
    "political_status": (PoliticalStatus, False),
    "skill_grade": (SkillGrade, False),
    "employment_status": (EmploymentStatus, True),
    "employment_form": (EmploymentForm, True),
}

# Which 会籍 changes an officer may make by hand (transfers have their own service).
STATUS_TRANSITIONS: dict[str, dict[str, str]] = {
    MembershipStatus.MEMBER: {
        MembershipStatus.RETAINED: EventKind.RETAINED,
        MembershipStatus.EXPELLED: EventKind.EXPELLED,
        MembershipStatus.WITHDRAWN: EventKind.WITHDRAWN,
    },
    MembershipStatus.PRE_MEMBER: {
        MembershipStatus.MEMBER: EventKind.CONVERTED,
        MembershipStatus.RETAINED: EventKind.RETAINED,
        MembershipStatus.EXPELLED: EventKind.EXPELLED,
        MembershipStatus.WITHDRAWN: EventKind.WITHDRAWN,
    },
    MembershipStatus.RETAINED: {
        MembershipStatus.MEMBER: EventKind.RESTORED,
        MembershipStatus.EXPELLED: EventKind.EXPELLED,
        MembershipStatus.WITHDRAWN: EventKind.WITHDRAWN,
    },
    MembershipStatus.TRANSFERRING: {},
    MembershipStatus.EXPELLED: {},
    MembershipStatus.WITHDRAWN: {},
}


def _check_choices(data: dict) -> None:
    errors = {}
    for field, (choices, required) in _CHOICES.items():
        if field in data:
            try:
                inputs.choice(data[field], field, choices, required=required)
            except ValidationError as exc:
                errors.update(exc.error_dict)
    if errors:
        raise ValidationError(errors)


def clean_profile(data: dict) -> dict:
    """Profile values (``PROFILE_FIELDS``) cleaned and checked, every field at once; the name
    by the one rule for person names (``validate_person_name``). The officer's forms, the API
    and the roster import all check a profile through here."""
    out = {}
    name_error = None
    for key, value in data.items():
        if key == "name":
            try:
                out[key] = validate_person_name(value)
            except ValidationError as exc:
                name_error, out[key] = exc, ""
        else:
            out[key] = clean(value) if isinstance(value, str) else value
    errors = {"name": name_error} if name_error is not None else {}
    for check in (lambda: check_lengths(Member, out), lambda: _check_choices(out)):
        try:
            check()
        except ValidationError as exc:
            errors.update(exc.error_dict)
    if errors:
        raise ValidationError(errors)
    return out


def issue_member_no(organisation: Organisation, on: datetime.date) -> str:
    """Next member number: six-digit division, two-digit year, seven-digit serial. Must run
    inside the caller's transaction (the sequence row is locked)."""
    prefix = member_no_prefix(organisation, on)
    return f"{prefix}{reserve_member_numbers({prefix: 1})[prefix]:07d}"


def member_no_prefix(organisation: Organisation, on: datetime.date) -> str:
    return f"{organisation.division_code}{on:%y}"


def reserve_member_numbers(needed: dict[str, int]) -> dict[str, int]:
    """Reserve ``needed[prefix]`` consecutive serials under each prefix and return the first
    serial of each range. Three queries however many prefixes (create the missing sequence
    rows, lock and read them in prefix order, write them back), in the caller's transaction:
    two writers lock shared prefixes in the same order and never deadlock."""
    prefixes = sorted(p for p, n in needed.items() if n > 0)
    if not prefixes:
        return {}
    MemberNumberSequence.objects.bulk_create(
        [MemberNumberSequence(prefix=p) for p in prefixes], ignore_conflicts=True
    )
    rows = list(
        MemberNumberSequence.objects.select_for_update().filter(prefix__in=prefixes).order_by("prefix")
    )
    first = {}
    for row in rows:
        first[row.prefix] = row.last + 1
        row.last += needed[row.prefix]
    table = connection.ops.quote_name(MemberNumberSequence._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET last = %s WHERE prefix = %s", [(r.last, r.prefix) for r in rows]
        )
    return first


def audit_snapshot(member: Member) -> dict:
    """The audited fields of a member with the birth date cut to year and month: together
    with a masked ID number the full date would give the number away."""
    data = audit.snapshot(member, AUDITED_FIELDS)
    if member.birth_date:
        data["birth_date"] = f"{member.birth_date:%Y-%m}"
    return data


def set_name_keys(member: Member) -> None:
    """The pinyin and initials a member is found by, from their name (after a rename)."""
    member.name_pinyin, member.name_initials = pinyin.name_keys(member.name)


def record_event(member: Member, *, kind, from_status, actor, effective_on, reason="", from_org=None) -> None:
    """Keep a change of ``member``'s 会籍 or union in their history (the status after it is the
    member's current one). Every service that changes the status calls it, in its
    transaction."""
    MembershipEvent.objects.create(
        member=member,
        kind=kind,
        from_status=from_status or "",
        to_status=member.status,
        from_organisation=from_org,
        organisation=member.organisation,
        effective_on=effective_on,
        reason=reason,
        actor=actor if actor is not None and actor.is_authenticated else None,
    )


def _ensure_member_holder(organisation: Organisation) -> None:
    if not organisation.is_active:
        raise ValidationError(_("This union is no longer active."), code="org_inactive")


def member_create(
    *,
    actor,
    organisation: Organisation,
    name: str,
    id_number: str,
    phone: str = "",
    gender: str | None = None,
    birth_date: datetime.date | None = None,
    joined_on: datetime.date | None = None,
    status: str = MembershipStatus.MEMBER,
    **profile,
) -> Member:
    """Register a member directly (an officer keeping the roster). The actor needs
    ``manage_members`` on ``organisation``. Birth date and gender come from the ID number;
    if typed, they must agree. A second record for the same ID number is refused
    (``duplicate_id``). Writes a ``joined`` event and an audit entry."""
    if actor is not None:
        scoping.require(actor, Action.MANAGE_MEMBERS, organisation)
    return member_register(
        actor=actor,
        organisation=organisation,
        name=name,
        id_number=id_number,
        phone=phone,
        gender=gender,
        birth_date=birth_date,
        joined_on=joined_on,
        status=status,
        reason="",
        **profile,
    )


def joined_date(value, birth_date: datetime.date | None) -> datetime.date:
    """The join date of a new member: today when not given, never in the future, never
    before the birth date (``birth_date`` None: not known yet)."""
    joined = inputs.date(value, "joined_on", required=False, not_future=True) or timezone.localdate()
    if birth_date is not None and joined < birth_date:
        raise inputs.field_error("joined_on", _("The join date is before the birth date."), "date_too_early")
    return joined


def member_register(
    *, actor, organisation, name, id_number, phone, gender, birth_date, joined_on, status, reason, **profile
) -> Member:
    """Make a member record: the work of :func:`member_create` without its permission check,
    for a service that has checked its own right first (``enrolment_approve``). ``reason``
    goes into the ``joined`` event. Checks every field at once; raises ValidationError."""
    if status not in {MembershipStatus.MEMBER, MembershipStatus.PRE_MEMBER}:
        raise ValidationError(_("A new member is a member or a pre-member."), code="invalid_choice")
    _ensure_member_holder(organisation)
    unknown = set(profile) - set(PROFILE_FIELDS)
    if unknown:
        raise ValidationError(
            _("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))}, code="field_unknown"
        )
    # Every field is checked before anything is refused, so one answer lists every problem.
    errors: dict[str, ValidationError] = {}
    data: dict = {}
    try:
        data = clean_profile({"name": name, **profile})
    except ValidationError as exc:
        errors.update(exc.error_dict)
    member = Member(organisation=organisation, status=status, **data)
    facts = None
    try:
        facts = personal.set_id_number(member, id_number)
    except ValidationError as exc:
        errors["id_number"] = exc
    else:
        try:
            personal.check_typed_facts(facts, gender=gender, birth_date=birth_date)
        except ValidationError as exc:
            errors.update(exc.error_dict)
    try:
        personal.set_phone(member, phone, required=False)
    except ValidationError as exc:
        errors["phone"] = exc
    try:
        member.joined_on = joined_date(joined_on, facts.birth_date if facts is not None else None)
    except ValidationError as exc:
        errors.update(exc.error_dict)
    if errors:
        raise ValidationError(errors)
    member.gender = facts.gender
    member.birth_date = facts.birth_date
    set_name_keys(member)
    with transaction.atomic():
        if Member.objects.filter(id_number_hash=member.id_number_hash).exists():
            raise _duplicate_id()
        member.member_no = issue_member_no(organisation, member.joined_on)
        try:
            with transaction.atomic():
                member.save(force_insert=True)
        except IntegrityError:
            raise _duplicate_id() from None
        hooks.member_created(member)
        record_event(
            member,
            kind=EventKind.JOINED,
            from_status="",
            actor=actor,
            effective_on=member.joined_on,
            reason=reason,
        )
        audit.record(
            actor=actor,
            action="members.member.created",
            obj=member,
            organisation_id=organisation.pk,
            changes=audit.diff({}, audit_snapshot(member)),
        )
    return member


def _duplicate_id() -> ValidationError:
    return inputs.field_error("id_number", _("A member with this ID number already exists."), "duplicate_id")


def member_update(*, actor, member: Member, phone: str | None = None, **profile) -> Member:
    """Edit a member's profile (not their 会籍, union or ID number). Needs ``manage_members``
    on the member's union."""
    scoping.require(actor, Action.MANAGE_MEMBERS, member.organisation)
    data = clean_profile(profile)
    unknown = set(data) - set(PROFILE_FIELDS)
    if unknown:
        raise ValidationError(
            _("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))}, code="field_unknown"
        )
    with transaction.atomic():
        locked = Member.objects.select_for_update().get(pk=member.pk)
        before = audit_snapshot(locked)
        counted = counters.snapshot(locked)
        for key, value in data.items():
            setattr(locked, key, value)
        if phone is not None:
            personal.set_phone(locked, phone, required=False)
        if "name" in data:
            set_name_keys(locked)
        locked.save()
        hooks.member_changed(counted, locked)
        changes = audit.diff(before, audit_snapshot(locked))
        if changes:
            audit.record(
                actor=actor,
                action="members.member.updated",
                obj=locked,
                organisation_id=locked.organisation_id,
                changes=changes,
            )
    return locked


def member_change_status(
    *, actor, member: Member, to_status: str, reason: str, effective_on: datetime.date | None = None
) -> Member:
    """Change 会籍 by hand: retain (retired, unemployed), restore, expel, withdraw, convert a
    pre-member. A reason is required; the change is dated and kept as an event."""
    scoping.require(actor, Action.MANAGE_MEMBERS, member.organisation)
    reason = inputs.text(reason, "reason")
    if not reason:
        raise inputs.field_error("reason", _("Give a reason for the change."), "required")
    effective_on = (
        inputs.date(effective_on, "effective_on", required=False, not_future=True) or timezone.localdate()
    )
    with transaction.atomic():
        locked = Member.objects.select_for_update().select_related("organisation").get(pk=member.pk)
        kind = STATUS_TRANSITIONS.get(locked.status, {}).get(to_status)
        if kind is None:
            raise ValidationError(
                _("A %(from)s cannot become %(to)s here.")
                % {
                    "from": MembershipStatus(locked.status).label,
                    "to": MembershipStatus(to_status).label
                    if to_status in MembershipStatus.values
                    else to_status,
                },
                code="bad_status",
            )
        if effective_on < locked.joined_on:
            raise ValidationError(
                _("The change cannot be dated before the member joined."), code="date_too_early"
            )
        last = (
            locked.events.order_by("-effective_on", "-created_at")
            .values_list("effective_on", flat=True)
            .first()
        )
        if last is not None and effective_on < last:
            # History is replayed in date order: an earlier date would rewrite the past.
            raise ValidationError(
                _("The change cannot be dated before the last recorded change (%(date)s).") % {"date": last},
                code="date_too_early",
            )
        before = locked.status
        counted = counters.snapshot(locked)
        locked.status = to_status
        locked.save(update_fields=["status", "updated_at"])
        hooks.member_changed(counted, locked)
        record_event(
            locked, kind=kind, from_status=before, actor=actor, effective_on=effective_on, reason=reason
        )
        audit.record(
            actor=actor,
            action=f"members.member.{kind}",
            obj=locked,
            organisation_id=locked.organisation_id,
            changes={"status": [before, to_status]},
            reason=reason,
        )
    return locked


def member_reveal_pii(*, actor, member: Member, field: str, reason: str) -> str:
    """Return the clear ID number or phone of a member. Needs ``reveal_pii`` on the member's
    union and a reason; every reveal is audit-logged."""
    scoping.require(actor, Action.REVEAL_PII, member.organisation)
    field = inputs.choice(field, "field", PiiField)
    reason = inputs.text(reason, "reason")
    # A blank reason is ``required``; one character says nothing (``reason_required``).
    if len(reason) < 2:
        raise inputs.field_error(
            "reason",
            _("Say why you need to see it."),
            "reason_required" if reason else inputs.InputCode.REQUIRED,
        )
    try:
        value = crypto.decrypt(member.id_number_enc if field == PiiField.ID_NUMBER else member.phone_enc)
    except ValueError:
        raise ValidationError(
            _("This value cannot be decrypted with the configured keys; tell the operator."),
            code="undecryptable",
        ) from None
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="members.member.pii_revealed",
            obj=member,
            organisation_id=member.organisation_id,
            changes={"field": [None, field]},
            reason=reason,
        )
    return value


def member_link_user(*, actor, member: Member, user) -> Member:
    """Give a member self-service access through a login (an officer sets it up)."""
    scoping.require(actor, Action.MANAGE_MEMBERS, member.organisation)
    if Member.objects.filter(user=user).exclude(pk=member.pk).exists():
        raise PermissionDenied
    with transaction.atomic():
        Member.objects.filter(pk=member.pk).update(user=user)
        audit.record(
            actor=actor,
            action="members.member.user_linked",
            obj=member,
            organisation_id=member.organisation_id,
            changes={"user": [None, user.get_username()]},
        )
    member.user = user
    return member
