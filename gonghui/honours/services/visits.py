"""The 劳模进校园 / 大国工匠进校园 ledger: recording, changing and deleting a school visit of
honoured people, and adding its photos (docs/modules/honours.md §8).

Who may write: ``manage_honours`` on the organiser union (its officers and admins, or those of
a union above it). A visit outside the actor's scope is 404, one they only see is 403."""

import hashlib
import uuid
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gonghui.core import audit, divisions, inputs, uploads
from gonghui.core.inputs import InputCode, field_error
from gonghui.core.validation import FieldErrors
from gonghui.honours import permissions
from gonghui.honours.choices import AuditAction, SchoolKind, VisitRole
from gonghui.honours.models import Honour, SchoolVisit, VisitPhoto
from gonghui.members.models import Member
from gonghui.organisations import scoping
from gonghui.organisations.models import Organisation

MAX_AUDIENCE = 100_000  # above the largest school assembly; catches a typo of extra digits
MAX_HOURS = Decimal("24")  # one visit is one day at most
MAX_PEOPLE = 20
PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_TYPES = {"image/jpeg", "image/png"}
MAX_PHOTOS = 12


class VisitCode:
    """The error codes of the ledger (docs/dev/error-codes.md, honours)."""

    NOT_HONOURED = "not_honoured"
    DIVISION_UNKNOWN = "division_unknown"
    TOO_MANY_PEOPLE = "too_many_people"


def _people(actor, people: Iterable) -> tuple[list[Member], ValidationError | None]:
    """The honoured people named (members or member ids): each must hold a personal honour in
    the registry that the actor sees. One query; a value that is not an id is unknown."""
    wanted: list[str] = []
    unknown = False
    for person in people or ():
        pk = _uuid_or_none(person.pk if isinstance(person, Member) else person)
        if pk is None:
            unknown = True
        elif str(pk) not in wanted:
            wanted.append(str(pk))
    if not wanted and not unknown:
        return [], field_error("people", _("Choose at least one honoured person."), InputCode.REQUIRED)
    if len(wanted) > MAX_PEOPLE:
        return [], field_error(
            "people",
            _("At most %(limit)d people per visit."),
            VisitCode.TOO_MANY_PEOPLE,
            {"limit": MAX_PEOPLE},
        )
    honoured = scoping.restrict(
        Honour.objects.filter(member_id__in=wanted), actor, scoping.Action.VIEW, field="organisation"
    ).values_list("member_id", flat=True)
    found = {str(pk) for pk in honoured}
    if unknown or any(key not in found for key in wanted):
        return [], field_error(
            "people",
            _("Someone chosen is not in the honours registry, or not within your reach."),
            VisitCode.NOT_HONOURED,
        )
    members = {str(m.pk): m for m in Member.objects.filter(pk__in=wanted)}
    return [members[key] for key in wanted], None


def _uuid_or_none(value) -> uuid.UUID | None:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value).strip())
    except ValueError:
        return None


def _signed_in(actor) -> bool:
    return actor is not None and actor.is_authenticated


def _division(value, field: str) -> str:
    """A GB/T 2260 code of a city or a county (the coverage counts by city, so a province is
    too coarse)."""
    code = inputs.text(value, field, required=True, max_length=6)
    row = divisions.get(code)
    if row is None or row["level"] < 2:
        raise field_error(
            field,
            _("Choose the county (district) or city the school is in, by its six-digit division code."),
            VisitCode.DIVISION_UNKNOWN,
        )
    return code


def _read(actor, data: dict) -> tuple[dict, list[Member]]:
    """Every field of a visit checked at once (one ValidationError naming each bad field)."""
    errors = FieldErrors()
    clean = {
        "school_name": errors.read(inputs.text, data.get("school_name"), "school_name", required=True,
                                   max_length=120),
        "school_division": errors.read(_division, data.get("school_division"), "school_division"),
        "school_kind": errors.read(inputs.choice, data.get("school_kind"), "school_kind", SchoolKind),
        "date": errors.read(inputs.date, data.get("date"), "date", not_future=True),
        "role": errors.read(inputs.choice, data.get("role"), "role", VisitRole),
        "topic": errors.read(inputs.text, data.get("topic"), "topic", required=True, max_length=200,
                             prose=True),
        "audience": errors.read(inputs.integer, data.get("audience"), "audience", minimum=1,
                                maximum=MAX_AUDIENCE),
        "hours": errors.read(inputs.number, data.get("hours"), "hours", minimum=Decimal("0.5"),
                             maximum=MAX_HOURS, places=1,
                             message=_("Hours are between 0.5 and 24, in steps of 0.1.")),
    }  # fmt: skip
    people, problem = _people(actor, data.get("people"))
    if problem is not None:
        errors.add(problem)
    errors.raise_any()
    return clean, people


FIELDS = (
    "people", "school_name", "school_division", "school_kind", "date", "role", "topic", "audience", "hours",
)  # fmt: skip


def _fields(arguments: dict) -> dict:
    """The visit's fields among a service's keyword arguments."""
    return {name: arguments[name] for name in FIELDS}


def _snapshot(visit: SchoolVisit, people: list[Member]) -> dict:
    return {
        "organisation": visit.organisation.code,
        "people": sorted(m.name for m in people),
        "school_name": visit.school_name,
        "school_division": visit.school_division,
        "school_kind": visit.school_kind,
        "date": visit.date.isoformat(),
        "role": visit.role,
        "topic": visit.topic,
        "audience": visit.audience,
        "hours": str(visit.hours),
    }


def visit_create(
    *,
    actor,
    organisation: Organisation,
    people: Iterable,
    school_name,
    school_division,
    school_kind,
    date,
    role,
    topic,
    audience,
    hours,
) -> SchoolVisit:
    """Record a visit organised by ``organisation``. The actor needs ``manage_honours`` there
    (404 outside their scope, 403 for a viewer). ``people`` are members (or their ids) who hold
    an honour the actor sees. The date may not be in the future, the audience is at least one,
    the division a known city or county. Audited as ``honours.visit.recorded``."""
    permissions.require_manage_visits(actor, organisation)
    clean, members = _read(actor, _fields(locals()))
    with transaction.atomic():
        visit = SchoolVisit.objects.create(
            organisation=organisation,
            created_by=actor if _signed_in(actor) else None,
            **clean,
        )
        visit.people.set(members)
        audit.record(
            actor=actor,
            action=AuditAction.VISIT_RECORDED,
            obj=visit,
            organisation_id=organisation.pk,
            changes={k: [None, v] for k, v in _snapshot(visit, members).items()},
        )
    return visit


def visit_edit(
    *,
    actor,
    visit: SchoolVisit,
    organisation: Organisation | None = None,
    people: Iterable,
    school_name,
    school_division,
    school_kind,
    date,
    role,
    topic,
    audience,
    hours,
) -> SchoolVisit:
    """Change a visit: the actor manages its organiser (and the new organiser, if it moves).
    Same checks as :func:`visit_create`; audited as ``honours.visit.changed`` with what
    changed."""
    permissions.require_manage_visit(actor, visit)
    organisation = organisation or visit.organisation
    if organisation.pk != visit.organisation_id:
        permissions.require_manage_visits(actor, organisation)
    clean, members = _read(actor, _fields(locals()))
    with transaction.atomic():
        visit = SchoolVisit.objects.select_for_update().select_related("organisation").get(pk=visit.pk)
        before = _snapshot(visit, list(visit.people.all()))
        for field, value in clean.items():
            setattr(visit, field, value)
        visit.organisation = organisation
        visit.save()
        visit.people.set(members)
        after = _snapshot(visit, members)
        changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
        if changes:
            audit.record(
                actor=actor,
                action=AuditAction.VISIT_CHANGED,
                obj=visit,
                organisation_id=organisation.pk,
                changes=changes,
            )
    return visit


def visit_delete(*, actor, visit: SchoolVisit) -> None:
    """Delete a visit recorded by mistake (its photos go with it); audited as
    ``honours.visit.deleted`` with what it said."""
    permissions.require_manage_visit(actor, visit)
    with transaction.atomic():
        audit.record(
            actor=actor,
            action=AuditAction.VISIT_DELETED,
            obj=visit,
            organisation_id=visit.organisation_id,
            changes={k: [v, None] for k, v in _snapshot(visit, list(visit.people.all())).items()},
        )
        visit.delete()


def visit_photo_add(*, actor, visit: SchoolVisit, upload) -> VisitPhoto:
    """A JPEG or PNG photo of the visit (type by its first bytes, ≤ 5 MB, at most 12)."""
    permissions.require_manage_visit(actor, visit)
    data = uploads.read_bounded(upload, PHOTO_MAX_BYTES)
    if data is None:
        raise field_error("photo", _("The photo is larger than 5 MB."), "file_too_large")
    content_type = uploads.sniff(data)
    if content_type not in PHOTO_TYPES:
        raise field_error("photo", _("Upload a JPEG or PNG photo."), "file_type")
    with transaction.atomic():
        # Locked so that two uploads at once cannot pass the limit together.
        SchoolVisit.objects.select_for_update().filter(pk=visit.pk).first()
        if visit.photos.count() >= MAX_PHOTOS:
            raise field_error("photo", _("A visit has at most 12 photos."), "too_many_files")
        photo = VisitPhoto.objects.create(
            visit=visit,
            name=uploads.safe_name(getattr(upload, "name", "")),
            content_type=content_type,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            data=data,
            uploaded_by=actor if _signed_in(actor) else None,
        )
        audit.record(
            actor=actor,
            action=AuditAction.VISIT_PHOTO_ADDED,
            obj=visit,
            organisation_id=visit.organisation_id,
            changes={"photo": [None, photo.name]},
        )
    return photo
