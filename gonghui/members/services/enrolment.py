"""Online enrolment (网上入会): submission by the worker, routing to the responsible union,
approval into a member or rejection with a reason."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.core import audit, crypto, divisions, inputs, workdays
from gonghui.core.text import clean
from gonghui.core.validators import (
    RetirementNote,
    age_on,
    check_working_age,
    china_today,
    retirement_note,
    validate_division_code,
    validate_person_name,
)
from gonghui.members import counters
from gonghui.members.choices import (
    IN_MEMBERSHIP,
    EmploymentForm,
    EnrolmentConflict,
    EnrolmentStatus,
    EventKind,
    MembershipStatus,
    NotificationKind,
    RoutingBasis,
)
from gonghui.members.models import Enrolment, Member
from gonghui.members.services import hooks, personal
from gonghui.members.services import members as member_services
from gonghui.notifications.services import notify
from gonghui.organisations import scoping
from gonghui.organisations.choices import GrassrootsType, Kind
from gonghui.organisations.models import Organisation

# Among unions of the same division, who takes a worker whose employer has no union:
# a joint grassroots union first (they exist for exactly this), then an industry/regional
# federation, then the street, county, city and provincial federations.
_TERRITORIAL_ORDER = [Kind.GRASSROOTS, Kind.FEDERATION, Kind.STREET, Kind.COUNTY, Kind.CITY, Kind.PROVINCIAL]


def normalise_employer(name: str) -> str:
    return "".join(clean(name).split()).replace("（", "(").replace("）", ")")


def route(*, employer: str, work_division: str, territory: bool = False) -> tuple[Organisation, str]:
    """The union responsible for a worker: the grassroots union of their employer if it is in
    the tree (preferring one in the same division), else the territorial union for the work
    place, walking up county → city → province; the root federation as a last resort, so
    nobody is left without a responsible union.

    ``territory=True`` (rights requests and wage-arrears cases, 属地管理): the employer's union
    counts only when it lies in the work place's territory — same county first, then same city,
    then same province; otherwise the territorial union of the work place is responsible.
    Enrolment keeps the default: a worker joins their employer's union wherever it is."""
    employer_key = normalise_employer(employer)
    chain = divisions.ancestors(work_division)  # the work place, its city, its province
    if employer_key:
        candidates = list(
            Organisation.objects.filter(
                kind=Kind.GRASSROOTS, is_active=True, host_name=employer_key
            ).order_by("depth", "code")[:20]
        )
        if candidates and not territory:
            same_place = [o for o in candidates if o.division_code == work_division]
            return (same_place or candidates)[0], RoutingBasis.EMPLOYER
        for code in chain:
            inside = [o for o in candidates if code in divisions.ancestors(o.division_code)]
            if inside:
                return inside[0], RoutingBasis.EMPLOYER
    for code in chain:
        found = list(
            Organisation.objects.filter(
                division_code=code, is_active=True, kind__in=_TERRITORIAL_ORDER
            ).exclude(kind=Kind.GRASSROOTS, grassroots_type=GrassrootsType.INDEPENDENT)
        )
        if found:
            found.sort(key=lambda o: (_TERRITORIAL_ORDER.index(o.kind), o.depth, o.code))
            return found[0], RoutingBasis.TERRITORIAL
    root = Organisation.get_first_root_node()
    if root is None:
        raise ValidationError(_("No union is set up yet."), code="no_union")
    return root, RoutingBasis.TERRITORIAL


def enrolment_check(
    *,
    name: str,
    id_number: str,
    phone: str,
    employer: str,
    work_division: str,
    employment_form: str,
    work_address: str = "",
) -> Enrolment:
    """Check an application field by field, all at once, and return it unsaved with its
    personal data encrypted. Raises one ValidationError keyed by field, so the applicant sees
    every problem in one round; the join form calls it for exactly that. Codes: ``name_*``
    (see ``validate_person_name``), ``required``, ``id_*``, ``age_under_16``,
    ``phone_format``, ``too_long``, ``control_characters``,
    ``invalid_choice``, ``division_unknown``."""
    errors: dict[str, ValidationError] = {}
    try:
        name = validate_person_name(name)
    except ValidationError as exc:
        errors["name"] = exc
    try:
        employer = inputs.text(employer, "employer", max_length=120)
        if not employer:
            raise inputs.field_error(
                "employer", _("Say where you work (the company or platform)."), "required"
            )
    except ValidationError as exc:
        errors.update(exc.error_dict)
        employer = ""
    if employment_form not in EmploymentForm.values:
        errors["employment_form"] = ValidationError(_("Choose a form of employment."), code="invalid_choice")
    try:
        work_division = validate_division_code(work_division)
    except ValidationError as exc:
        errors["work_division"] = exc
    try:
        work_address = inputs.text(work_address, "work_address", max_length=200)
    except ValidationError as exc:
        errors.update(exc.error_dict)
        work_address = ""
    enrolment = Enrolment(
        name=name if "name" not in errors else "",
        employer=employer,
        work_division=work_division if "work_division" not in errors else "",
        work_address=work_address,
        employment_form=employment_form,
    )
    if not _blank(id_number):
        try:
            facts = personal.set_id_number(enrolment, id_number)
        except ValidationError as exc:
            errors["id_number"] = exc
        else:
            enrolment.gender, enrolment.birth_date = facts.gender, facts.birth_date
    else:
        errors["id_number"] = ValidationError(_("Fill in the ID number."), code="required")
    try:
        personal.set_phone(enrolment, phone if not _blank(phone) else "", required=True)
    except ValidationError as exc:
        errors["phone"] = exc
    if errors:
        raise ValidationError(errors)
    return enrolment


def _blank(value) -> bool:
    try:
        return not clean(value)
    except ValidationError:  # control characters: not blank, the field's own check says why
        return False


def enrolment_submit(
    *,
    actor,
    name: str,
    id_number: str,
    phone: str,
    employer: str,
    work_division: str,
    employment_form: str,
    work_address: str = "",
) -> Enrolment:
    """A worker applies to join (anyone may call it; ``actor`` is usually anonymous). Every
    field is checked at once (:func:`enrolment_check`; children under 16 are refused with
    ``age_under_16``). Refused when the person is already a member (``already_member``) or
    has an application pending (``enrolment_pending``). Sets the decision deadline from the
    SLA in working days."""
    enrolment = enrolment_check(
        name=name,
        id_number=id_number,
        phone=phone,
        employer=employer,
        work_division=work_division,
        employment_form=employment_form,
        work_address=work_address,
    )
    employer, work_division = enrolment.employer, enrolment.work_division
    organisation, basis = route(employer=employer, work_division=work_division)
    enrolment.organisation = organisation
    enrolment.routed_by = basis
    now = timezone.now()
    enrolment.submitted_at = now
    enrolment.due_on = workdays.add_working_days(timezone.localdate(now), settings.GONGHUI_ENROLMENT_SLA_DAYS)
    with transaction.atomic():
        # Only someone who also knows the phone number on file is told about an existing
        # membership or application; anyone else's application is taken like any other and
        # flagged for the officer, so the form reveals nothing about an ID number and a
        # stranger cannot block the real worker's application.
        existing = Member.objects.filter(id_number_hash=enrolment.id_number_hash).first()
        if existing is not None and existing.status in IN_MEMBERSHIP:
            if existing.phone_hash and existing.phone_hash == enrolment.phone_hash:
                raise inputs.field_error(
                    "id_number",
                    _("You are already a union member. To change union, ask for a transfer."),
                    "already_member",
                )
            enrolment.conflict = EnrolmentConflict.ALREADY_MEMBER
        pending = Enrolment.objects.filter(
            id_number_hash=enrolment.id_number_hash, status=EnrolmentStatus.PENDING
        )
        if pending.filter(phone_hash=enrolment.phone_hash).exists():
            raise _already_pending()
        if not enrolment.conflict and pending.exists():
            enrolment.conflict = EnrolmentConflict.DUPLICATE_PENDING
        try:
            with transaction.atomic():
                enrolment.save(force_insert=True)
        except IntegrityError:  # the same person and phone, submitted twice at once
            raise _already_pending() from None
        audit.record(
            actor=actor,
            action="members.enrolment.submitted",
            obj=enrolment,
            organisation_id=organisation.pk,
            changes={
                "status": [None, EnrolmentStatus.PENDING],
                "routed_by": [None, basis],
                "conflict": [None, enrolment.conflict or None],
            },
        )
        for officer in scoping.nearest_holders(scoping.Action.APPROVE_ENROLMENT, organisation):
            notify(
                kind=NotificationKind.ENROLMENT_SUBMITTED,
                user=officer,
                title=gettext_lazy("New application to join: %(name)s"),
                body=gettext_lazy(
                    "%(name)s applied to join %(union)s. Decide by %(due)s (%(days)s working days)."
                ),
                params={
                    "name": enrolment.name,
                    "union": organisation.name,
                    "due": enrolment.due_on.isoformat(),
                    "days": settings.GONGHUI_ENROLMENT_SLA_DAYS,
                },
                link=reverse("members:enrolments"),
            )
    return enrolment


def _already_pending() -> ValidationError:
    return inputs.field_error(
        "id_number", _("An application with this ID number is already being processed."), "enrolment_pending"
    )


def _holder_status(organisation: Organisation) -> str:
    """A worker held by a federation (no grassroots union to join yet) is a pre-member."""
    return MembershipStatus.MEMBER if organisation.kind == Kind.GRASSROOTS else MembershipStatus.PRE_MEMBER


def applicant_age(enrolment: Enrolment) -> int:
    """The applicant's age today (Beijing time), from the birth date in the ID number."""
    return age_on(enrolment.birth_date, china_today())


def retirement_flag(enrolment: Enrolment) -> RetirementNote | None:
    """Why the officer should check the applicant still works (past the statutory retirement
    age), or None. A flag, never a refusal: retired workers may still be employed."""
    return retirement_note(enrolment.birth_date, enrolment.gender)


def enrolment_approve(*, actor, enrolment: Enrolment, joined_on: datetime.date | None = None) -> Member:
    """Approve an application: a member record is made (or a former member who withdrew or
    was expelled rejoins on their old record) and a member number issued. Needs
    ``approve_enrolment`` on the responsible union. An applicant still under 16 today cannot
    be approved (``age_under_16``), even if the application was taken before the rule."""
    scoping.require(actor, scoping.Action.APPROVE_ENROLMENT, enrolment.organisation)
    try:
        check_working_age(enrolment.birth_date)
    except ValidationError:
        raise ValidationError(
            _("The applicant is under 16 and cannot be approved; reject the application with a reason."),
            code="age_under_16",
        ) from None
    with transaction.atomic():
        locked = Enrolment.objects.select_for_update().select_related("organisation").get(pk=enrolment.pk)
        if locked.status != EnrolmentStatus.PENDING:
            raise ValidationError(_("This application has already been decided."), code="already_decided")
        joined = joined_on or timezone.localdate()
        status = _holder_status(locked.organisation)
        former = Member.objects.select_for_update().filter(id_number_hash=locked.id_number_hash).first()
        if former is not None and former.status in IN_MEMBERSHIP:
            raise ValidationError(_("This person is already a member."), code="already_member")
        if former is not None:
            before = former.status
            before_snapshot = member_services.audit_snapshot(former)
            counted = counters.snapshot(former)
            former.organisation = locked.organisation
            former.status = status
            former.name = locked.name
            former.employer = locked.employer
            former.employment_form = locked.employment_form
            former.phone_enc, former.phone_hash, former.phone_masked = (
                locked.phone_enc,
                locked.phone_hash,
                locked.phone_masked,
            )
            member_services.set_name_keys(former)
            former.save()
            hooks.member_changed(counted, former)
            member_services.record_event(
                former, kind=EventKind.REJOINED, from_status=before, actor=actor, effective_on=joined
            )
            audit.record(
                actor=actor,
                action="members.member.rejoined",
                obj=former,
                organisation_id=former.organisation_id,
                changes=audit.diff(before_snapshot, member_services.audit_snapshot(former)),
            )
            member = former
        else:
            member = member_services.member_register(
                actor=actor,
                organisation=locked.organisation,
                name=locked.name,
                id_number=crypto.decrypt(locked.id_number_enc),
                phone=crypto.decrypt(locked.phone_enc),
                gender=None,
                birth_date=None,
                joined_on=joined,
                status=status,
                reason=_("Online enrolment"),
                employer=locked.employer,
                employment_form=locked.employment_form,
            )
        locked.status = EnrolmentStatus.APPROVED
        locked.decided_at = timezone.now()
        locked.decided_by = actor
        locked.member = member
        locked.save(update_fields=["status", "decided_at", "decided_by", "member"])
        audit.record(
            actor=actor,
            action="members.enrolment.approved",
            obj=locked,
            organisation_id=locked.organisation_id,
            changes={
                "status": [EnrolmentStatus.PENDING, EnrolmentStatus.APPROVED],
                "member_no": [None, member.member_no],
            },
        )
        notify(
            kind=NotificationKind.ENROLMENT_APPROVED,
            user=member.user,
            phone=crypto.decrypt(locked.phone_enc),
            title=gettext_lazy("Welcome to the union: your application is approved"),
            body=gettext_lazy(
                "%(union)s approved your application to join. Your member number is %(member_no)s."
            ),
            params={"union": locked.organisation.name, "member_no": member.member_no},
            link=reverse("members:me"),
        )
    return member


def enrolment_reject(*, actor, enrolment: Enrolment, reason: str) -> Enrolment:
    """Refuse an application with a reason the applicant will see."""
    scoping.require(actor, scoping.Action.APPROVE_ENROLMENT, enrolment.organisation)
    reason = inputs.text(reason, "reason")
    if not reason:
        raise inputs.field_error("reason", _("Give the applicant a reason."), "required")
    with transaction.atomic():
        locked = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
        if locked.status != EnrolmentStatus.PENDING:
            raise ValidationError(_("This application has already been decided."), code="already_decided")
        locked.status = EnrolmentStatus.REJECTED
        locked.decided_at = timezone.now()
        locked.decided_by = actor
        locked.decision_reason = reason
        locked.save(update_fields=["status", "decided_at", "decided_by", "decision_reason"])
        audit.record(
            actor=actor,
            action="members.enrolment.rejected",
            obj=locked,
            organisation_id=locked.organisation_id,
            changes={"status": [EnrolmentStatus.PENDING, EnrolmentStatus.REJECTED]},
            reason=reason,
        )
        notify(
            kind=NotificationKind.ENROLMENT_REJECTED,
            phone=crypto.decrypt(locked.phone_enc),
            title=gettext_lazy("Your application to join was not approved"),
            body=gettext_lazy("%(union)s did not approve your application. The reason: %(reason)s"),
            params={"union": enrolment.organisation.name, "reason": reason},
            link=reverse("members:join_status", args=[locked.pk]),
        )
    return locked


def enrolment_lookup(*, id_number: str, phone: str) -> list[Enrolment]:
    """The applicant's own applications, found by ID number and phone together (both must
    match, so knowing one of them is not enough)."""
    from gonghui.core.validators import normalise_mobile

    try:
        id_hash = personal.id_hash(id_number)
        phone_hash = personal.phone_hash(normalise_mobile(phone))
    except ValidationError:
        return []
    return list(
        Enrolment.objects.filter(id_number_hash=id_hash, phone_hash=phone_hash)
        .select_related("organisation")
        .order_by("-submitted_at")[:10]
    )
