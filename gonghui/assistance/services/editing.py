"""Correcting a file's household data and family members: checked with the checks of opening
(``households.check``, ``check_person``), the category computed again on the day, and the
change recorded with before → after, in words on the timeline and as codes in the audit log.

Before the upper union approves, data is corrected in place; after its approval (and during
公示) a change sends the file back to it; once filed, data changes at the periodic review
(``reviews.household_periodic_review`` with ``changes``)."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.assistance import category, choices, permissions
from gonghui.assistance.choices import Relation, Status
from gonghui.assistance.models import FamilyMember, Household
from gonghui.assistance.services import assessment, bank_cards, households
from gonghui.assistance.services.timeline import record_event, wrong_state
from gonghui.core import audit, locking
from gonghui.core.inputs import field_error
from gonghui.core.validation import merge_errors

EDITABLE = (*households.HOUSEHOLD_FIELDS, "family")
EDIT_IN_PLACE = (Status.APPLIED, Status.SCREENED, Status.VISITED)
EDIT_BACK_TO_REVIEW = (Status.REVIEWED, Status.PUBLICISED)
HEAD_FIELDS = {"head_income": "monthly_income", "head_health": "health", "head_employment": "employment"}


# ---- the change in words -------------------------------------------------------------------


def _person_line(p: dict) -> str:
    return f"{p['relation']} {p['name']} {p['monthly_income']:.2f} {p['health']} {p['employment']}"


def _label(kind, value) -> str:
    """``value``'s label among the TextChoices ``kind``; "—" for none."""
    return str(dict(kind.choices).get(value, value)) if value else "—"


def _person_words(p: dict) -> str:
    return (
        f"{_label(Relation, p['relation'])} {p['name']} {p['monthly_income']:.2f} "
        f"{_label(choices.Health, p['health'])} {_label(choices.Employment, p['employment'])}"
    )


def _in_order(people: list[dict]) -> list[dict]:
    """The head first, then spouse, children, parents, other relatives; each by name."""
    return sorted(people, key=lambda p: (choices.relation_rank(p["relation"]), p["name"]))


# The timeline says an edit in words (the audit entry keeps the codes): field → its choices.
_CHOSEN = {
    "housing": choices.Housing,
    "main_cause": choices.Cause,
    "medical_insurance": choices.MedicalInsurance,
    "event_kind": choices.EventKind,
    "category": choices.Category,
}
_FIELD = {"bank_card": "bank_card_masked"}


def _change_words(key: str, before, after) -> str:
    def words(value) -> str:
        if key in _CHOSEN:
            return _label(_CHOSEN[key], value)
        if key == "secondary_causes":
            return "、".join(_label(choices.Cause, c) for c in value.split(",") if c) or "—"
        if key == "rigid_expenses":
            items = [item.rsplit(" ", 1) for item in value.split(", ") if item]
            return ", ".join(f"{_label(choices.ExpenseKind, k)} {m}" for k, m in items) or "—"
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        return str(value) if value not in (None, "") else "—"

    name = Household._meta.get_field(_FIELD.get(key, key)).verbose_name
    return f"{name}: {words(before)} → {words(after)}"


def _snapshot(h: Household, people: list[dict]) -> dict:
    return {
        "housing": h.housing,
        "main_cause": h.main_cause,
        "secondary_causes": ",".join(h.secondary_causes),
        "rigid_expenses": ", ".join(f"{e['kind']} {e['monthly']}" for e in h.rigid_expenses),
        "medical_insurance": h.medical_insurance,
        "zero_employment": h.zero_employment,
        "event_kind": h.event_kind,
        "event_compensation": f"{Decimal(h.event_compensation):.2f}",
        "bank_name": h.bank_name,
        "bank_card": h.bank_card_masked,
        "people": "; ".join(_person_line(p) for p in people),
        "category": h.category,
        "per_capita_income": f"{Decimal(h.per_capita_income):.2f}",
    }


def _row_data(row: FamilyMember) -> dict:
    return {name: getattr(row, name) for name in households.PERSON_FIELDS}


# ---- checking, then writing ------------------------------------------------------------------


@dataclass
class Edit:
    """A checked edit, not yet written."""

    fields: dict  # household attributes to set
    head: dict  # the head's row after the edit
    family: list[tuple[FamilyMember | None, households.Person]] | None  # None: family unchanged
    assessment: category.Assessment


def _check_family(raw_family, others: dict, errors: dict) -> list:
    """The people listed besides the head: an ``id`` names a person of this household (kept
    ID number unless a new one is given); people not listed again are removed."""
    family = []
    seen: set[str] = set()
    for i, raw in enumerate(raw_family or []):
        if not isinstance(raw, dict):
            merge_errors(errors, field_error(f"family.{i}", _("Enter a person."), "invalid"), field="")
            continue
        pid = str(raw.get("id") or "")
        row = None
        if pid:
            row = others.get(pid)
            if row is None or pid in seen:
                unknown = field_error(
                    f"family.{i}.id", _("This person is not in this household."), "person_unknown"
                )
                merge_errors(errors, unknown, field="")
                continue
            seen.add(pid)
        person = households.collect(
            errors, "", lambda raw=raw, i=i: households.check_person(raw, f"family.{i}.")
        )
        family.append((row, person))
    return family


def plan_edit(h: Household, changes: dict, on: datetime.date) -> Edit:
    """Check every change (every problem at once) and compute the new category; nothing is
    written here."""
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise field_error(unknown[0], _("This cannot be changed here."), "not_editable")
    errors: dict = {}
    fields = households.collect(errors, "", households.check, changes) or {}
    rows = list(h.people.all())
    head_row = next(r for r in rows if r.relation == Relation.SELF)
    others = {str(r.pk): r for r in rows if r.relation != Relation.SELF}
    family = _check_family(changes["family"], others, errors) if "family" in changes else None
    if errors:
        raise ValidationError(errors)
    if "bank_card" in fields:
        fields.update(bank_cards.stored(fields.pop("bank_card")))  # a new number is encrypted again
    head = _row_data(head_row)
    for key, name in HEAD_FIELDS.items():
        if key in fields:
            head[name] = fields.pop(key)
    if family is not None:
        # ID numbers: the ones given now, and the kept ones of people listed again
        hashes = households.id_hashes([p for _row, p in family])
        kept = [
            row.id_number_hash
            for row, p in family
            if row is not None and not p.id_number and row.id_number_hash
        ]
        every = [*hashes, *kept]
        if len(set(every)) != len(every) or head_row.id_number_hash in every:
            raise households.repeated_id()
        if households.duplicate_of(head=None, id_hashes=hashes, exclude=h) is not None:
            raise field_error(
                "family", _("A person listed is already in another household's file."), "duplicate"
            )
        people = [head, *(p.data for _row, p in family)]
    else:
        people = [head, *(_row_data(r) for r in others.values())]
    expenses = fields.get("rigid_expenses", h.rigid_expenses)
    a = assessment.assess(
        people=people,
        expenses=[Decimal(str(e["monthly"])) for e in expenses],
        event_kind=fields.get("event_kind", h.event_kind),
        compensation=fields.get("event_compensation", h.event_compensation),
        division=h.organisation.division_code,
        on=on,
    )
    return Edit(fields=fields, head=head, family=family, assessment=a)


def write_edit(actor, h: Household, plan: Edit, on: datetime.date, note: str) -> dict:
    """Write a checked edit to the locked file: household data, the head's row, the family
    (listed people updated, new ones added, people no longer listed removed), the category;
    one timeline entry and one audit entry with before → after. Returns the changes."""
    before_people = [_row_data(r) for r in h.people.all()]
    before = _snapshot(h, before_people)
    for name, value in plan.fields.items():
        setattr(h, name, value)
    assessment.set_category(h, plan.assessment, on)
    h.save()
    head_row = h.people.get(relation=Relation.SELF)
    for name in HEAD_FIELDS.values():
        setattr(head_row, name, plan.head[name])
    head_row.save()
    if plan.family is not None:
        keep = {row.pk for row, _p in plan.family if row is not None}
        h.people.exclude(relation=Relation.SELF).exclude(pk__in=keep).delete()
        for row, person in plan.family:
            households.save_person(row or FamilyMember(household=h), person)
    after_people = [_row_data(r) for r in h.people.all()]
    after = _snapshot(h, after_people)
    changes = audit.diff(before, after)
    text = "; ".join(_change_words(k, b, a) for k, (b, a) in changes.items() if k != "people")
    if "people" in changes:
        text = "; ".join(
            x
            for x in (
                text,
                _("people: %(before)s → %(after)s")
                % {
                    "before": "; ".join(_person_words(p) for p in _in_order(before_people)),
                    "after": "; ".join(_person_words(p) for p in _in_order(after_people)),
                },
            )
            if x
        )
    record_event(
        actor,
        h,
        "edited",
        h.status,
        h.status,
        "\n".join(x for x in (note, text, plan.assessment.explanation) if x),
    )
    audit.record(
        actor=actor,
        action="assistance.household.edited",
        obj=h,
        organisation_id=h.organisation_id,
        changes=changes,
        reason=note,
    )
    return changes


def household_edit(
    *, actor, household: Household, changes: dict, note: str = "", on: datetime.date | None = None
) -> Household:
    """Correct a file's household data and family members before it is filed (owning union,
    MANAGE_ASSISTANCE); the category is computed again on the day and the change is recorded
    with before → after. A change after the upper union's approval (or during 公示) sends the
    file back to that review. Once filed, data changes at the periodic review; a closed file is
    reopened first. Bank card: a new number is encrypted again. Raises ValidationError naming
    every field in error; writes nothing then."""
    on = on or timezone.localdate()
    permissions.require_manage(actor, household)
    if household.status == Status.FILED:
        raise ValidationError(
            _("A filed household's data changes at its periodic review."), code="edit_at_review"
        )
    if household.status not in (*EDIT_IN_PLACE, *EDIT_BACK_TO_REVIEW):
        raise wrong_state(household)
    if not changes:
        raise ValidationError(_("Nothing to change."), code="no_changes")
    plan = plan_edit(household, changes, on)
    with transaction.atomic():
        h = locking.locked(household, "organisation")
        if h.status not in (*EDIT_IN_PLACE, *EDIT_BACK_TO_REVIEW):
            raise wrong_state(h)
        before_status = h.status
        write_edit(actor, h, plan, on, (note or "").strip()[:500])
        if before_status in EDIT_BACK_TO_REVIEW:
            h.status, h.notice_from, h.notice_until = Status.VISITED, None, None
            h.save()
            record_event(actor, h, "back_to_review", before_status, Status.VISITED)
            audit.record(
                actor=actor,
                action="assistance.household.back_to_review",
                obj=h,
                organisation_id=h.organisation_id,
                changes={"status": [before_status, Status.VISITED]},
            )
    household.refresh_from_db()
    return h
