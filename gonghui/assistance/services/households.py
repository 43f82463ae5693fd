"""Opening a hardship file (the worker's application or 主动发现 by the union), and the checks of
a file's household data and people that opening, editing and the forms share. The later life
of a file is in ``workflow`` (初审 → home visit → upper review → 公示 → filed, close, reopen),
``editing``, ``payments`` and ``reviews``.

One file per household, for life: a head with a file (even a closed one) is refused a second
one and told to reopen it, and a person is listed in one live file at a time."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.assistance import permissions
from gonghui.assistance.category import MAX_AMOUNT
from gonghui.assistance.choices import (
    Cause,
    Employment,
    EventKind,
    ExpenseKind,
    Health,
    Housing,
    MedicalInsurance,
    Relation,
    Schooling,
    Source,
    Status,
)
from gonghui.assistance.models import FamilyMember, Household
from gonghui.assistance.services import assessment, bank_cards
from gonghui.assistance.services.timeline import record_event
from gonghui.core import audit, crypto, inputs
from gonghui.core.validation import merge_errors
from gonghui.core.validators import mask_id_number, parse_id_number, validate_person_name
from gonghui.members.models import Member

# The relations of the people listed besides the head, and the disability grades.
RELATIONS = [r for r in Relation.values if r != Relation.SELF]
DISABILITY_GRADES = ("1", "2", "3", "4")
# A person's row, as checked and as recorded.
PERSON_FIELDS = (
    "relation",
    "name",
    "monthly_income",
    "health",
    "disabled",
    "disability_grade",
    "schooling",
    "employment",
)


def collect(errors: dict, field: str, call: Callable, *args, **kwargs):
    """``call(*args, **kwargs)``; on a ValidationError, None, with its errors added to
    ``errors`` (under ``field`` when it names none): the checks below tell every problem of an
    input at once."""
    try:
        return call(*args, **kwargs)
    except ValidationError as exc:
        merge_errors(errors, exc, field=field)
        return None


def _amount(value, field: str) -> Decimal:
    return inputs.money(value, field, maximum=MAX_AMOUNT)


def check_expenses(items) -> list[dict]:
    """Rigid monthly expenses as stored: ``[{"kind": "medical", "monthly": "600.00"}, …]``."""
    errors: dict = {}
    out = []
    for i, item in enumerate(items or []):
        kind = collect(errors, "", inputs.choice, item.get("kind"), f"rigid_expenses.{i}.kind", ExpenseKind)
        monthly = collect(errors, "", _amount, item.get("monthly"), f"rigid_expenses.{i}.monthly")
        out.append({"kind": kind, "monthly": inputs.money_text(monthly)})
    if errors:
        raise ValidationError(errors)
    return out


# The household data of a file (the head's own row included), each with how it is read.
CHECKS: dict[str, Callable] = {
    "housing": lambda v: inputs.choice(v, "housing", Housing),
    "main_cause": lambda v: inputs.choice(v, "main_cause", Cause),
    "secondary_causes": lambda v: [inputs.choice(c, "secondary_causes", Cause) for c in (v or [])],
    "rigid_expenses": check_expenses,
    "medical_insurance": lambda v: inputs.choice(v, "medical_insurance", MedicalInsurance),
    "zero_employment": bool,
    "event_kind": lambda v: inputs.choice(v, "event_kind", EventKind, required=False),
    "event_compensation": lambda v: _amount(v or "0", "event_compensation"),
    "bank_name": lambda v: inputs.text(v, "bank_name")[:60],
    "bank_card": bank_cards.check,  # the digits; ``bank_cards.stored`` encrypts them
    "head_income": lambda v: _amount(v, "head_income"),
    "head_health": lambda v: inputs.choice(v, "head_health", Health),
    "head_employment": lambda v: inputs.choice(v, "head_employment", Employment),
}
HOUSEHOLD_FIELDS = tuple(CHECKS)


def check(data: dict) -> dict:
    """The household data given in ``data`` (any of :data:`HOUSEHOLD_FIELDS`; other keys are
    not looked at), cleaned: choices, amounts as Decimals, the expenses as stored, the bank
    card's digits. Raises one ValidationError naming every field in error. Opening and editing
    a file run it, and the forms in ``clean()``, so every problem shows on the first submit."""
    errors: dict = {}
    cleaned = {
        name: collect(errors, name, CHECKS[name], value) for name, value in data.items() if name in CHECKS
    }
    if errors:
        raise ValidationError(errors)
    return cleaned


@dataclass
class Person:
    """A person listed besides the head, checked: the row's data and the ID number ('' when
    none was given)."""

    data: dict
    id_number: str


def _id_number(value) -> str:
    return parse_id_number(value).number if value else ""


def _grade(value, field: str, *, disabled: bool) -> int | None:
    """A disability grade (1 to 4), only for a person with a disability."""
    if value in ("", None):
        return None
    return int(inputs.choice(str(value), field, DISABILITY_GRADES if disabled else ()))


def check_person(raw: dict, prefix: str = "") -> Person:
    """One person besides the head (``name``, ``relation``, ``id_number``, ``monthly_income``,
    ``health``, ``disabled``, ``disability_grade``, ``schooling``, ``employment``), with every
    problem at once, keyed ``prefix`` + field (``family.2.name``)."""
    errors: dict = {}
    f = {name: prefix + name for name in (*PERSON_FIELDS, "id_number")}
    name = collect(errors, f["name"], validate_person_name, raw.get("name"))
    relation = collect(errors, f["relation"], inputs.choice, raw.get("relation"), f["relation"], RELATIONS)
    id_number = collect(errors, f["id_number"], _id_number, raw.get("id_number"))
    disabled = bool(raw.get("disabled"))
    grade = collect(errors, "", _grade, raw.get("disability_grade"), f["disability_grade"], disabled=disabled)
    income = collect(errors, "", _amount, raw.get("monthly_income", "0"), f["monthly_income"])
    health = collect(errors, "", inputs.choice, raw.get("health", Health.HEALTHY), f["health"], Health)
    schooling = collect(
        errors, "", inputs.choice, raw.get("schooling", ""), f["schooling"], Schooling, required=False
    )
    employment = collect(errors, "", inputs.choice, raw.get("employment"), f["employment"], Employment)
    if errors:
        raise ValidationError(errors)
    data = {
        "relation": relation,
        "name": name,
        "monthly_income": income,
        "health": health,
        "disabled": disabled,
        "disability_grade": grade,
        "schooling": schooling,
        "employment": employment,
    }
    return Person(data, id_number)


def id_hashes(people: list[Person]) -> list[str]:
    """The blind indexes of the ID numbers given for ``people``."""
    return [crypto.blind_index("id", p.id_number) for p in people if p.id_number]


def repeated_id() -> ValidationError:
    return inputs.field_error("family", _("The same ID number is listed twice."), "id_repeated")


def save_person(row: FamilyMember, person: Person) -> None:
    """Write a checked person onto ``row`` (a new ID number encrypted, with its blind index and
    masked copy; none given keeps the recorded one) and save it."""
    for name, value in person.data.items():
        setattr(row, name, value)
    if person.id_number:
        row.id_number_enc = crypto.encrypt(person.id_number)
        row.id_number_hash = crypto.blind_index("id", person.id_number)
        row.id_number_masked = mask_id_number(person.id_number)
    row.save()


def _next_file_no(on: datetime.date) -> str:
    prefix = f"KN{on:%Y}"
    last = (
        Household.objects.filter(file_no__startswith=prefix)
        .order_by("-file_no")
        .values_list("file_no", flat=True)
        .first()
    )
    n = int(last[len(prefix) :]) + 1 if last else 1
    return f"{prefix}{n:06d}"


# ---- one file per household --------------------------------------------------------------


def duplicate_of(*, head: Member, id_hashes: list[str], exclude: Household | None = None) -> Household | None:
    """The existing file this household would duplicate: the head's own file, whatever its
    state (one file per household, for life: a closed one is reopened, never opened again), or
    a file that is not closed listing one of the people (the head included) by ID number — a
    person belongs to one live household file at a time; one who was in a closed file (moved
    out, married) may be listed in a new household."""
    if head is not None:
        existing = Household.objects.filter(head=head).exclude(pk=getattr(exclude, "pk", None)).first()
        if existing:
            return existing
    hashes = [h for h in [getattr(head, "id_number_hash", ""), *id_hashes] if h]
    if not hashes:
        return None
    people = FamilyMember.objects.filter(id_number_hash__in=hashes).exclude(household__status=Status.CLOSED)
    if exclude is not None:
        people = people.exclude(household=exclude)
    person = people.select_related("household", "household__organisation").first()
    return person.household if person else None


class DuplicateFile(ValidationError):
    """A refused duplicate. ``household`` is the existing file when the actor may see it (its
    number is then named in the message), else None (nothing about it is told)."""

    household: Household | None = None


def duplicate_error(actor, existing: Household, head: Member | None) -> DuplicateFile:
    """The refusal for a duplicate: names the existing file (number, state; reopen it if it is
    the head's own closed file) only to those who may see it; others are told a file exists
    with another union and to ask the upper union, without its number or union."""
    if not permissions.can_view(actor, existing):
        err = DuplicateFile(
            _(
                "This household or one of its people already has a hardship file with another union. "
                "Contact the upper union to sort it out."
            ),
            code="duplicate_elsewhere",
        )
        err.household = None
        return err
    params = {"file_no": existing.file_no, "status": existing.get_status_display()}
    if head is not None and existing.head_id == head.pk and existing.status in (Status.CLOSED, Status.LEFT):
        err = DuplicateFile(
            _("This household already has a file: %(file_no)s (%(status)s). Reopen that file instead.")
            % params,
            code="duplicate_reopen",
        )
    elif head is not None and existing.head_id == head.pk:
        err = DuplicateFile(_("This household already has a file: %(file_no)s.") % params, code="duplicate")
    else:
        err = DuplicateFile(
            _("A person listed is already in another household's file: %(file_no)s.") % params,
            code="duplicate",
        )
    err.household = existing
    return err


# ---- opening a file ----------------------------------------------------------------------


def household_open(
    *,
    actor,
    head: Member,
    source: str = Source.APPLICATION,
    housing: str,
    main_cause: str,
    secondary_causes: list[str] | None = None,
    rigid_expenses: list[dict] | None = None,
    medical_insurance: str,
    zero_employment: bool = False,
    event_kind: str = "",
    event_compensation: object = "0",
    bank_name: str = "",
    bank_card: str = "",
    head_income: object = "0",
    head_health: str = Health.HEALTHY,
    head_employment: str = Employment.EMPLOYED,
    family: list[dict] | None = None,
    note: str = "",
    on: datetime.date | None = None,
) -> Household:
    """Open a hardship file. The head applies for their own household (source application), or
    an officer with MANAGE_ASSISTANCE on the head's union files it (application on paper, or
    主动发现 after a visit); a head the actor does not see is 404. Every problem of the input is
    told at once; a duplicate is refused with the existing file (:func:`duplicate_error`).
    Computes the category with the 低保 of the union's division on ``on``. Raises
    ValidationError / PermissionDenied / Http404; writes nothing then."""
    on = on or timezone.localdate()
    permissions.require_open(actor, head)
    if permissions.is_head(actor, head):
        source = Source.APPLICATION
    errors: dict = {}
    source = collect(errors, "source", inputs.choice, source, "source", Source)
    given = {
        "housing": housing,
        "main_cause": main_cause,
        "secondary_causes": secondary_causes,
        "rigid_expenses": rigid_expenses,
        "medical_insurance": medical_insurance,
        "zero_employment": zero_employment,
        "event_kind": event_kind,
        "event_compensation": event_compensation,
        "bank_name": bank_name,
        "bank_card": bank_card,
        "head_income": head_income,
        "head_health": head_health,
        "head_employment": head_employment,
    }
    fields = collect(errors, "", check, given)
    people = [
        collect(errors, f"family.{i}", check_person, raw, f"family.{i}.")
        for i, raw in enumerate(family or [])
    ]
    if errors:
        raise ValidationError(errors)
    hashes = id_hashes(people)
    if len(set(hashes)) != len(hashes) or head.id_number_hash in hashes:
        raise repeated_id()
    head_row = {
        "relation": Relation.SELF,
        "name": head.name,
        "monthly_income": fields.pop("head_income"),
        "health": fields.pop("head_health"),
        "disabled": False,
        "disability_grade": None,
        "schooling": "",
        "employment": fields.pop("head_employment"),
    }
    card = bank_cards.stored(fields.pop("bank_card"))
    household = Household(
        organisation=head.organisation, head=head, source=source, status=Status.APPLIED, **fields, **card
    )
    a = assessment.assess(
        people=[head_row, *(p.data for p in people)],
        expenses=[Decimal(e["monthly"]) for e in fields["rigid_expenses"]],
        event_kind=fields["event_kind"],
        compensation=fields["event_compensation"],
        division=head.organisation.division_code,
        on=on,
    )
    assessment.set_category(household, a, on)
    with transaction.atomic():
        Member.objects.select_for_update().filter(pk=head.pk).first()
        existing = duplicate_of(head=head, id_hashes=hashes)
        if existing is not None:
            raise duplicate_error(actor, existing, head)
        for _attempt in range(5):
            household.file_no = _next_file_no(on)
            try:
                with transaction.atomic():
                    household.save(force_insert=True)
                break
            except IntegrityError:
                raced = Household.objects.filter(head=head).first()
                if raced is not None:
                    raise duplicate_error(actor, raced, head) from None
        FamilyMember.objects.create(
            household=household,
            id_number_enc=head.id_number_enc,
            id_number_hash=head.id_number_hash,
            id_number_masked=head.id_number_masked,
            **head_row,
        )
        for person in people:
            save_person(FamilyMember(household=household), person)
        record_event(actor, household, "opened", "", Status.APPLIED, note or a.explanation)
        audit.record(
            actor=actor,
            action="assistance.household.opened",
            obj=household,
            organisation_id=household.organisation_id,
            changes={"category": [None, a.category], "source": [None, source]},
        )
    return household
