"""Hardship household files: opening (application or 主动发现), the workflow 初审 → home
visit → upper review → 公示 → filed, payments, monthly incomes, periodic reviews, 脱困 and
closing. Every write here is checked for scope and audited; files are never deleted."""

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.assistance import category as category_fn
from gonghui.assistance.choices import (
    Category,
    Cause,
    Employment,
    EventKind,
    ExpenseKind,
    Health,
    Housing,
    MedicalInsurance,
    PaymentKind,
    Relation,
    Schooling,
    Source,
    Status,
    Step,
    relation_rank,
)
from gonghui.assistance.models import FamilyMember, Household, HouseholdEvent, MonthlyIncome, Payment
from gonghui.assistance.services import dibao
from gonghui.core import audit, crypto, workdays
from gonghui.core.validators import mask_id_number, parse_id_number, validate_person_name
from gonghui.members.models import Member
from gonghui.organisations import scoping

Action = scoping.Action
REVIEW_MONTHS = 6
LEAVE_MONTHS = 6
NOTICE_WORKING_DAYS = 5
NOTICE_MAX_DAYS_AHEAD = 366


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later (or earlier), clipped to the month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    for d in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month + 1, min(d, day.day))
        except ValueError:
            continue
    raise AssertionError


# ---- personal data ---------------------------------------------------------------------


def normalise_bank_card(value: object) -> str:
    return re.sub(r"[\s-]", "", str(value or ""))


def mask_bank_card(number: str) -> str:
    """First six (the bank) and last four digits, as banks print them: 622202******1234."""
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def set_bank_card(household: Household, number: str) -> None:
    card = normalise_bank_card(number)
    if not card:
        household.bank_card_enc = household.bank_card_hash = household.bank_card_masked = ""
        return
    if not re.fullmatch(r"\d{12,19}", card):
        raise ValidationError(
            {
                "bank_card": ValidationError(
                    _("A bank card number has 12 to 19 digits."), code="bank_card_invalid"
                )
            }
        )
    household.bank_card_enc = crypto.encrypt(card)
    household.bank_card_hash = crypto.blind_index("bank_card", card)
    household.bank_card_masked = mask_bank_card(card)


def bank_card_reveal(*, actor, household: Household) -> str:
    """The full payout card number, for admins with REVEAL_PII on the owning union; logged."""
    _require(actor, household, action=Action.REVEAL_PII)
    if not household.bank_card_enc:
        return ""
    audit.record(actor=actor, action="assistance.household.bank_card_revealed", obj=household)
    return crypto.decrypt(household.bank_card_enc)


# ---- the category of a file ------------------------------------------------------------


def division_of(household_or_member) -> str:
    org = household_or_member.organisation
    return org.division_code


def assess(
    *,
    people: list[dict] | list[FamilyMember],
    expenses: list[Decimal],
    event_kind: str,
    compensation: Decimal,
    division: str,
    on: datetime.date,
) -> category_fn.Assessment:
    incomes = [p["monthly_income"] if isinstance(p, dict) else p.monthly_income for p in people]
    return category_fn.assess(
        household_size=len(people),
        monthly_incomes=incomes,
        rigid_expenses=expenses,
        dibao_monthly=dibao.monthly_for(division, on),
        event=category_fn.Event(event_kind, compensation) if event_kind else None,
    )


def assess_household(household: Household, on: datetime.date | None = None) -> category_fn.Assessment:
    on = on or timezone.localdate()
    return assess(
        people=list(household.people.all()),
        expenses=household.rigid_expense_amounts(),
        event_kind=household.event_kind,
        compensation=household.event_compensation,
        division=household.organisation.division_code,
        on=on,
    )


def _apply(household: Household, a: category_fn.Assessment, on: datetime.date) -> None:
    household.category = a.category
    household.category_explanation = a.explanation
    household.per_capita_income = a.per_capita_income
    household.dibao_monthly = a.dibao
    household.assessed_on = on


# ---- input ----------------------------------------------------------------------------


def _choice(value, allowed, field: str, *, blank: bool = False) -> str:
    value = "" if value is None else str(value)
    if (blank and value == "") or value in allowed:
        return value
    raise ValidationError(
        {field: ValidationError(_("Choose one of the listed options."), code="choice_invalid")}
    )


@dataclass
class _Person:
    data: dict
    id_number: str


def _clean_person(raw: dict, index: int) -> _Person:
    f = f"family.{index}"
    try:
        name = validate_person_name(raw.get("name"))
    except ValidationError as exc:
        raise ValidationError({f"{f}.name": exc}) from None
    relation = _choice(
        raw.get("relation"), [r for r in Relation.values if r != Relation.SELF], f"{f}.relation"
    )
    id_number = ""
    if raw.get("id_number"):
        try:
            id_number = parse_id_number(raw["id_number"]).number
        except ValidationError as exc:
            raise ValidationError({f"{f}.id_number": exc}) from None
    grade = raw.get("disability_grade")
    disabled = bool(raw.get("disabled"))
    if grade in ("", None):
        grade = None
    elif not disabled or str(grade) not in {"1", "2", "3", "4"}:
        raise ValidationError(
            {
                f"{f}.disability_grade": ValidationError(
                    _("A disability grade is 1 to 4."), code="grade_invalid"
                )
            }
        )
    data = {
        "relation": relation,
        "name": name,
        "monthly_income": category_fn.parse_amount(raw.get("monthly_income", "0"), f"{f}.monthly_income"),
        "health": _choice(raw.get("health", Health.HEALTHY), Health.values, f"{f}.health"),
        "disabled": disabled,
        "disability_grade": int(grade) if grade else None,
        "schooling": _choice(raw.get("schooling", ""), Schooling.values, f"{f}.schooling", blank=True),
        "employment": _choice(raw.get("employment"), Employment.values, f"{f}.employment"),
    }
    return _Person(data, id_number)


def _clean_expenses(items) -> list[dict]:
    out = []
    for i, item in enumerate(items or []):
        kind = _choice(item.get("kind"), ExpenseKind.values, f"rigid_expenses.{i}.kind")
        monthly = category_fn.parse_amount(item.get("monthly"), f"rigid_expenses.{i}.monthly")
        out.append({"kind": kind, "monthly": f"{monthly:.2f}"})
    return out


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


def can_see(actor, household: Household) -> bool:
    """Whether ``actor`` may see this file: VIEW on its union, or the head themself."""
    if getattr(actor, "is_authenticated", False) and household.head.user_id == actor.pk:
        return True
    return scoping.can(actor, Action.VIEW, household.organisation)


def duplicate_error(actor, existing: Household, head: Member | None) -> DuplicateFile:
    """The refusal for a duplicate: names the existing file (number, state; reopen it if it is
    the head's own closed file) only to those who may see it; others are told a file exists
    with another union and to ask the upper union, without its number or union."""
    if not can_see(actor, existing):
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
    主动发现 after a visit). Refuses a duplicate with the existing file number. Computes the
    category with the 低保 of the union's division on ``on``. Raises ValidationError /
    PermissionDenied; writes nothing then."""
    on = on or timezone.localdate()
    own = getattr(actor, "is_authenticated", False) and head.user_id == actor.pk
    if own:
        source = Source.APPLICATION
    elif not scoping.can(actor, Action.MANAGE_ASSISTANCE, head.organisation):
        raise PermissionDenied
    source = _choice(source, Source.values, "source")
    fields = {
        "housing": _choice(housing, Housing.values, "housing"),
        "main_cause": _choice(main_cause, Cause.values, "main_cause"),
        "secondary_causes": [_choice(c, Cause.values, "secondary_causes") for c in (secondary_causes or [])],
        "rigid_expenses": _clean_expenses(rigid_expenses),
        "medical_insurance": _choice(medical_insurance, MedicalInsurance.values, "medical_insurance"),
        "zero_employment": bool(zero_employment),
        "event_kind": _choice(event_kind, EventKind.values, "event_kind", blank=True),
        "event_compensation": category_fn.parse_amount(event_compensation or "0", "event_compensation"),
        "bank_name": str(bank_name or "")[:60],
    }
    head_row = {
        "relation": Relation.SELF,
        "name": head.name,
        "monthly_income": category_fn.parse_amount(head_income, "head_income"),
        "health": _choice(head_health, Health.values, "head_health"),
        "disabled": False,
        "disability_grade": None,
        "schooling": "",
        "employment": _choice(head_employment, Employment.values, "head_employment"),
    }
    people = [_clean_person(raw, i) for i, raw in enumerate(family or [])]
    hashes = [crypto.blind_index("id", p.id_number) for p in people if p.id_number]
    if len(set(hashes)) != len(hashes) or head.id_number_hash in hashes:
        raise ValidationError(
            {"family": ValidationError(_("The same ID number is listed twice."), code="id_repeated")}
        )
    household = Household(
        organisation=head.organisation, head=head, source=source, status=Status.APPLIED, **fields
    )
    set_bank_card(household, bank_card)
    a = assess(
        people=[head_row, *(p.data for p in people)],
        expenses=[Decimal(e["monthly"]) for e in fields["rigid_expenses"]],
        event_kind=fields["event_kind"],
        compensation=fields["event_compensation"],
        division=head.organisation.division_code,
        on=on,
    )
    _apply(household, a, on)
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
        for p in people:
            row = FamilyMember(household=household, **p.data)
            if p.id_number:
                row.id_number_enc = crypto.encrypt(p.id_number)
                row.id_number_hash = crypto.blind_index("id", p.id_number)
                row.id_number_masked = mask_id_number(p.id_number)
            row.save(force_insert=True)
        _event(actor, household, "opened", "", Status.APPLIED, note or a.explanation)
        audit.record(
            actor=actor,
            action="assistance.household.opened",
            obj=household,
            organisation_id=household.organisation_id,
            changes={"category": [None, a.category], "source": [None, source]},
        )
    return household


# ---- workflow --------------------------------------------------------------------------


def _event(actor, household: Household, kind: str, before: str, after: str, note: str = "") -> None:
    assert kind in Step.values, kind  # every timeline line has a label (choices.Step)
    authed = getattr(actor, "is_authenticated", False)
    HouseholdEvent.objects.create(
        household=household,
        kind=kind,
        from_status=before,
        to_status=after,
        actor=actor if authed else None,
        actor_label=actor.get_username() if authed else "system",
        note=note,
    )


def _locked(household: Household) -> Household:
    return Household.objects.select_for_update().select_related("organisation").get(pk=household.pk)


def _wrong_state(household: Household) -> ValidationError:
    return ValidationError(
        _("This step is not possible while the file is %(status)s.")
        % {"status": household.get_status_display()},
        code="wrong_state",
    )


def upper_union(household: Household):
    parent = household.organisation.get_parent()
    return parent or household.organisation


def _require(
    actor, household: Household, *, scope: str = "owner", action: str = Action.MANAGE_ASSISTANCE
) -> None:
    """MANAGE_ASSISTANCE on the owning union (or its parent, for the upper union's steps).
    403 for whoever can see the file but not take this step; 404 for the rest."""
    target = household.organisation if scope == "owner" else upper_union(household)
    if scoping.can(actor, action, target):
        return
    if scoping.can(actor, Action.VIEW, household.organisation):
        raise PermissionDenied
    raise Http404


def _move(actor, household, *, expect, to, kind, note="", scope="owner", **changes) -> Household:
    _require(actor, household, scope=scope)
    with transaction.atomic():
        h = _locked(household)
        if h.status not in expect:
            raise _wrong_state(h)
        before = h.status
        h.status = to
        for k, v in changes.items():
            setattr(h, k, v)
        h.save()
        _event(actor, h, kind, before, to, note)
        audit.record(
            actor=actor,
            action=f"assistance.household.{kind}",
            obj=h,
            organisation_id=h.organisation_id,
            changes={"status": [before, to], **{k: [None, audit._plain(v)] for k, v in changes.items()}},
            reason=note,
        )
    household.refresh_from_db()
    return h


def _reason(note: str) -> str:
    note = (note or "").strip()
    if not note:
        raise ValidationError({"reason": ValidationError(_("Give a reason."), code="reason_required")})
    return note[:200]


def household_screen(*, actor, household: Household, approve: bool, note: str = "") -> Household:
    """初审 by the owning (grassroots) union: pass it on to the home visit, or close it."""
    if approve:
        return _move(
            actor, household, expect=[Status.APPLIED], to=Status.SCREENED, kind="screened", note=note
        )
    return _move(
        actor,
        household,
        expect=[Status.APPLIED],
        to=Status.CLOSED,
        kind="rejected",
        note=_reason(note),
        close_reason=_reason(note),
    )


def household_visit(
    *,
    actor,
    household: Household,
    visited_on: datetime.date,
    visitor: str,
    consent_signed: bool,
    note: str = "",
) -> Household:
    """The home visit (入户核查) by the owning union. Without the family's signed consent to
    the check the file cannot go on."""
    if not consent_signed:
        raise ValidationError(
            {
                "consent_signed": ValidationError(
                    _("The family's signed consent is required."), code="consent_required"
                )
            }
        )
    if not (visitor or "").strip():
        raise ValidationError({"visitor": ValidationError(_("Name who visited."), code="visitor_required")})
    if visited_on > timezone.localdate():
        raise ValidationError(
            {"visited_on": ValidationError(_("The date is in the future."), code="date_future")}
        )
    return _move(
        actor,
        household,
        expect=[Status.SCREENED],
        to=Status.VISITED,
        kind="visited",
        note=note,
        visited_on=visited_on,
        visitor=visitor.strip()[:60],
        consent_signed=True,
    )


def household_review(*, actor, household: Household, approve: bool, note: str = "") -> Household:
    """审核 by the upper union (the owning union's parent): approve, or close with a reason.
    Re-computes the category on the day."""
    if not approve:
        return _move(
            actor,
            household,
            expect=[Status.VISITED],
            to=Status.CLOSED,
            kind="rejected",
            scope="upper",
            note=_reason(note),
            close_reason=_reason(note),
        )
    today = timezone.localdate()
    a = assess_household(household, today)
    if a.category == Category.NONE:
        raise ValidationError(_("Not eligible: %(why)s") % {"why": a.explanation}, code="not_eligible")
    return _move(
        actor,
        household,
        expect=[Status.VISITED],
        to=Status.REVIEWED,
        kind="reviewed",
        scope="upper",
        note=note,
        category=a.category,
        category_explanation=a.explanation,
        per_capita_income=a.per_capita_income,
        dibao_monthly=a.dibao,
        assessed_on=today,
    )


def household_publicise(*, actor, household: Household, start: datetime.date | None = None) -> Household:
    """Put the file on public notice (公示) for five working days, by the upper union. ``start``
    defaults to today; it may lie in the past (a notice already posted) but not more than a
    year ahead (ValidationError ``date_invalid`` on ``start``)."""
    start = start or timezone.localdate()
    if start > timezone.localdate() + datetime.timedelta(days=NOTICE_MAX_DAYS_AHEAD):
        # also keeps the working-day count below date.max (9999-12-31 + 5 days was a 500)
        raise ValidationError(
            {
                "start": ValidationError(
                    _("The public notice cannot start more than a year from today."), code="date_invalid"
                )
            }
        )
    until = (
        workdays.add_working_days(start, NOTICE_WORKING_DAYS - 1)
        if workdays.is_workday(start)
        else workdays.add_working_days(start, NOTICE_WORKING_DAYS)
    )
    return _move(
        actor,
        household,
        expect=[Status.REVIEWED],
        to=Status.PUBLICISED,
        kind="publicised",
        scope="upper",
        notice_from=start,
        notice_until=until,
    )


def household_file(*, actor, household: Household, on: datetime.date | None = None) -> Household:
    """File it (建档) once the public notice has run without objection; the first periodic
    review falls due six months later. By the upper union."""
    on = on or timezone.localdate()
    if household.notice_until and on <= household.notice_until:
        raise ValidationError(
            _("The public notice runs until %(date)s.") % {"date": household.notice_until.isoformat()},
            code="notice_running",
        )
    return _move(
        actor,
        household,
        expect=[Status.PUBLICISED],
        to=Status.FILED,
        kind="filed",
        scope="upper",
        filed_on=on,
        next_review_on=add_months(on, REVIEW_MONTHS),
    )


def household_close(*, actor, household: Household, reason: str) -> Household:
    """Close a file with a reason (moved away, no longer eligible, died …); never deleted."""
    reason = _reason(reason)
    return _move(
        actor,
        household,
        expect=[*Status.values[:6]],
        to=Status.CLOSED,
        kind="closed",
        note=reason,
        close_reason=reason,
    )


# The fields of the last round that a reopened file starts again without, with their empty value.
REOPEN_CLEARS = {
    "visited_on": None,
    "visitor": "",
    "consent_signed": False,
    "notice_from": None,
    "notice_until": None,
    "filed_on": None,
    "next_review_on": None,
    "left_on": None,
    "close_reason": "",
}


def household_reopen(
    *, actor, household: Household, reason: str, on: datetime.date | None = None
) -> Household:
    """Reopen a closed file (rejected, or closed) or a household that left hardship (返困): one
    file per household for life, as the national system keeps it. The file re-enters the
    workflow at 初审 (status applied) with a fresh assessment on the day; the visit, consent,
    notice and filing of the last round are cleared (the timeline and the audit log keep them),
    and open 防止返困 alerts are closed as answered. By the owning union (MANAGE_ASSISTANCE), or
    the head themself applying again. Raises ValidationError / PermissionDenied / Http404;
    writes nothing then."""
    reason = _reason(reason)
    on = on or timezone.localdate()
    own = getattr(actor, "is_authenticated", False) and household.head.user_id == actor.pk
    if not own:
        _require(actor, household)
    with transaction.atomic():
        h = _locked(household)
        if h.status not in (Status.CLOSED, Status.LEFT):
            raise _wrong_state(h)
        a = assess_household(h, on)
        before_status = h.status
        before = {
            "status": h.status,
            "category": h.category,
            "per_capita_income": h.per_capita_income,
            **{name: getattr(h, name) for name in REOPEN_CLEARS},
        }
        h.status = Status.APPLIED
        for name, empty in REOPEN_CLEARS.items():
            setattr(h, name, empty)
        if own:
            h.source = Source.APPLICATION
        _apply(h, a, on)
        h.save()
        for alert in h.alerts.select_for_update().filter(is_open=True):
            alert.is_open, alert.closed_at = False, timezone.now()
            alert.outcome = _("File reopened: back in hardship.")[:200]
            alert.save(update_fields=["is_open", "closed_at", "outcome"])
            audit.record(
                actor=actor,
                action="assistance.alert.closed",
                obj=alert,
                organisation_id=h.organisation_id,
                reason=alert.outcome,
            )
        _event(actor, h, "reopened", before_status, Status.APPLIED, f"{reason}\n{a.explanation}")
        after = {
            "status": h.status,
            "category": h.category,
            "per_capita_income": h.per_capita_income,
            **{name: getattr(h, name) for name in REOPEN_CLEARS},
        }
        audit.record(
            actor=actor,
            action="assistance.household.reopened",
            obj=h,
            organisation_id=h.organisation_id,
            changes=audit.diff(before, after),
            reason=reason,
        )
    household.refresh_from_db()
    return h


# ---- editing a file --------------------------------------------------------------------

EDITABLE = (
    "housing",
    "main_cause",
    "secondary_causes",
    "rigid_expenses",
    "medical_insurance",
    "zero_employment",
    "event_kind",
    "event_compensation",
    "bank_name",
    "bank_card",
    "head_income",
    "head_health",
    "head_employment",
    "family",
)
# Before the upper union approves, data is corrected in place; after its approval (and during
# 公示) a change sends the file back to it; once filed, data changes at the periodic review.
EDIT_IN_PLACE = (Status.APPLIED, Status.SCREENED, Status.VISITED)
EDIT_BACK_TO_REVIEW = (Status.REVIEWED, Status.PUBLICISED)


def _person_line(p: dict) -> str:
    return f"{p['relation']} {p['name']} {p['monthly_income']:.2f} {p['health']} {p['employment']}"


def _person_words(p: dict) -> str:
    return (
        f"{_label(Relation, p['relation'])} {p['name']} {p['monthly_income']:.2f} "
        f"{_label(Health, p['health'])} {_label(Employment, p['employment'])}"
    )


def _in_order(people: list[dict]) -> list[dict]:
    """The head first, then spouse, children, parents, other relatives; each by name."""
    return sorted(people, key=lambda p: (relation_rank(p["relation"]), p["name"]))


def _label(choices, value) -> str:
    return str(dict(choices.choices).get(value, value)) if value else "—"


# The timeline says an edit in words (the audit entry keeps the codes): field → its choices.
_CHOSEN = {
    "housing": Housing,
    "main_cause": Cause,
    "medical_insurance": MedicalInsurance,
    "event_kind": EventKind,
    "category": Category,
}
_FIELD = {"bank_card": "bank_card_masked"}


def _change_words(key: str, before, after) -> str:
    def words(value) -> str:
        if key in _CHOSEN:
            return _label(_CHOSEN[key], value)
        if key == "secondary_causes":
            return "、".join(_label(Cause, c) for c in value.split(",") if c) or "—"
        if key == "rigid_expenses":
            items = [item.rsplit(" ", 1) for item in value.split(", ") if item]
            return ", ".join(f"{_label(ExpenseKind, k)} {m}" for k, m in items) or "—"
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


@dataclass
class _Edit:
    fields: dict  # household attributes to set
    head: dict  # the head's row after the edit
    family: list[tuple[FamilyMember | None, _Person]] | None  # None: family unchanged
    assessment: category_fn.Assessment


def _row_data(row: FamilyMember) -> dict:
    return {name: getattr(row, name) for name in PERSON_FIELDS}


def _plan_edit(h: Household, changes: dict, on: datetime.date) -> _Edit:
    """Check every change and compute the new category; nothing is written here."""
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise ValidationError(
            {unknown[0]: ValidationError(_("This cannot be changed here."), code="not_editable")}
        )
    fields: dict = {}
    if "housing" in changes:
        fields["housing"] = _choice(changes["housing"], Housing.values, "housing")
    if "main_cause" in changes:
        fields["main_cause"] = _choice(changes["main_cause"], Cause.values, "main_cause")
    if "secondary_causes" in changes:
        fields["secondary_causes"] = [
            _choice(c, Cause.values, "secondary_causes") for c in (changes["secondary_causes"] or [])
        ]
    if "rigid_expenses" in changes:
        fields["rigid_expenses"] = _clean_expenses(changes["rigid_expenses"])
    if "medical_insurance" in changes:
        fields["medical_insurance"] = _choice(
            changes["medical_insurance"], MedicalInsurance.values, "medical_insurance"
        )
    if "zero_employment" in changes:
        fields["zero_employment"] = bool(changes["zero_employment"])
    if "event_kind" in changes:
        fields["event_kind"] = _choice(changes["event_kind"], EventKind.values, "event_kind", blank=True)
    if "event_compensation" in changes:
        fields["event_compensation"] = category_fn.parse_amount(
            changes["event_compensation"] or "0", "event_compensation"
        )
    if "bank_name" in changes:
        fields["bank_name"] = str(changes["bank_name"] or "")[:60]
    if "bank_card" in changes:
        card = Household()
        set_bank_card(card, changes["bank_card"])  # a new number is encrypted again
        fields.update(
            bank_card_enc=card.bank_card_enc,
            bank_card_hash=card.bank_card_hash,
            bank_card_masked=card.bank_card_masked,
        )
    rows = list(h.people.all())
    head_row = next(r for r in rows if r.relation == Relation.SELF)
    head = _row_data(head_row)
    if "head_income" in changes:
        head["monthly_income"] = category_fn.parse_amount(changes["head_income"], "head_income")
    if "head_health" in changes:
        head["health"] = _choice(changes["head_health"], Health.values, "head_health")
    if "head_employment" in changes:
        head["employment"] = _choice(changes["head_employment"], Employment.values, "head_employment")
    others = {str(r.pk): r for r in rows if r.relation != Relation.SELF}
    family = None
    if "family" in changes:
        family = []
        seen: set[str] = set()
        for i, raw in enumerate(changes["family"] or []):
            if not isinstance(raw, dict):
                raise ValidationError({f"family.{i}": ValidationError(_("Enter a person."), code="invalid")})
            pid = str(raw.get("id") or "")
            row = None
            if pid:
                row = others.get(pid)
                if row is None or pid in seen:
                    raise ValidationError(
                        {
                            f"family.{i}.id": ValidationError(
                                _("This person is not in this household."), code="person_unknown"
                            )
                        }
                    )
                seen.add(pid)
            family.append((row, _clean_person(raw, i)))
        # ID numbers: the ones given now, and the kept ones of people listed again
        hashes = [crypto.blind_index("id", p.id_number) for _row, p in family if p.id_number]
        kept = [
            row.id_number_hash
            for row, p in family
            if row is not None and not p.id_number and row.id_number_hash
        ]
        every = [*hashes, *kept]
        if len(set(every)) != len(every) or head_row.id_number_hash in every:
            raise ValidationError(
                {"family": ValidationError(_("The same ID number is listed twice."), code="id_repeated")}
            )
        existing = duplicate_of(head=None, id_hashes=hashes, exclude=h)
        if existing is not None:
            raise ValidationError(
                {
                    "family": ValidationError(
                        _("A person listed is already in another household's file."), code="duplicate"
                    )
                }
            )
        people = [head, *(p.data for _row, p in family)]
    else:
        people = [head, *(_row_data(r) for r in others.values())]
    expenses = fields.get("rigid_expenses", h.rigid_expenses)
    a = assess(
        people=people,
        expenses=[Decimal(str(e["monthly"])) for e in expenses],
        event_kind=fields.get("event_kind", h.event_kind),
        compensation=fields.get("event_compensation", h.event_compensation),
        division=h.organisation.division_code,
        on=on,
    )
    return _Edit(fields=fields, head=head, family=family, assessment=a)


def _write_edit(actor, h: Household, plan: _Edit, on: datetime.date, note: str) -> dict:
    """Write a checked edit to the locked file: household data, the head's row, the family
    (listed people updated, new ones added, people no longer listed removed), the category;
    one timeline entry and one audit entry with before → after."""
    before_people = [_row_data(r) for r in h.people.all()]
    before = _snapshot(h, before_people)
    for name, value in plan.fields.items():
        setattr(h, name, value)
    _apply(h, plan.assessment, on)
    h.save()
    head_row = h.people.get(relation=Relation.SELF)
    for name in ("monthly_income", "health", "employment"):
        setattr(head_row, name, plan.head[name])
    head_row.save()
    if plan.family is not None:
        keep = {row.pk for row, _p in plan.family if row is not None}
        h.people.exclude(relation=Relation.SELF).exclude(pk__in=keep).delete()
        for row, p in plan.family:
            row = row or FamilyMember(household=h)
            for name, value in p.data.items():
                setattr(row, name, value)
            if p.id_number:
                row.id_number_enc = crypto.encrypt(p.id_number)
                row.id_number_hash = crypto.blind_index("id", p.id_number)
                row.id_number_masked = mask_id_number(p.id_number)
            row.save()
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
    _event(
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
    file back to that review. Once filed, data changes at the periodic review
    (:func:`household_periodic_review` with ``changes``); a closed file is reopened first.
    Bank card: a new number is encrypted again. Raises ValidationError naming the field;
    writes nothing then."""
    on = on or timezone.localdate()
    _require(actor, household)
    if household.status == Status.FILED:
        raise ValidationError(
            _("A filed household's data changes at its periodic review."), code="edit_at_review"
        )
    if household.status not in (*EDIT_IN_PLACE, *EDIT_BACK_TO_REVIEW):
        raise _wrong_state(household)
    if not changes:
        raise ValidationError(_("Nothing to change."), code="no_changes")
    plan = _plan_edit(household, changes, on)
    with transaction.atomic():
        h = _locked(household)
        if h.status not in (*EDIT_IN_PLACE, *EDIT_BACK_TO_REVIEW):
            raise _wrong_state(h)
        before_status = h.status
        _write_edit(actor, h, plan, on, (note or "").strip()[:500])
        if before_status in EDIT_BACK_TO_REVIEW:
            h.status, h.notice_from, h.notice_until = Status.VISITED, None, None
            h.save()
            _event(actor, h, "back_to_review", before_status, Status.VISITED)
            audit.record(
                actor=actor,
                action="assistance.household.back_to_review",
                obj=h,
                organisation_id=h.organisation_id,
                changes={"status": [before_status, Status.VISITED]},
            )
    household.refresh_from_db()
    return h


# ---- help, incomes, reviews ------------------------------------------------------------


def payment_record(
    *, actor, household: Household, kind: str, amount: object, paid_on: datetime.date, note: str = ""
) -> Payment:
    """Record help delivered to a filed household (owning union, MANAGE_ASSISTANCE)."""
    _require(actor, household)
    kind = _choice(kind, PaymentKind.values, "kind")
    value = category_fn.parse_amount(amount, "amount", positive=True)
    if not isinstance(paid_on, datetime.date) or paid_on > timezone.localdate():
        raise ValidationError(
            {"paid_on": ValidationError(_("Enter a date not in the future."), code="date_invalid")}
        )
    with transaction.atomic():
        h = _locked(household)
        if h.status != Status.FILED:
            raise _wrong_state(h)
        p = Payment.objects.create(
            household=h,
            kind=kind,
            amount=value,
            paid_on=paid_on,
            note=str(note or "")[:200],
            recorded_by=actor,
        )
        _event(actor, h, "paid", h.status, h.status, f"{p.get_kind_display()} {value:.2f}")
        audit.record(
            actor=actor,
            action="assistance.payment.recorded",
            obj=p,
            organisation_id=h.organisation_id,
            changes={"amount": [None, f"{value:.2f}"], "kind": [None, kind]},
        )
    return p


def income_record(
    *, actor, household: Household, month: datetime.date, income: object, rigid_expenses: object = "0"
) -> MonthlyIncome:
    """Record one month's household income (and rigid expenses) of a filed household, with the
    per-capita figure and the 低保 of that month. Re-recording a month corrects it."""
    _require(actor, household)
    if not isinstance(month, datetime.date):
        raise ValidationError({"month": ValidationError(_("Enter a month."), code="date_invalid")})
    month = month.replace(day=1)
    if month > timezone.localdate():
        raise ValidationError(
            {"month": ValidationError(_("The month is in the future."), code="date_future")}
        )
    total = category_fn.parse_amount(income, "income")
    expenses = category_fn.parse_amount(rigid_expenses, "rigid_expenses")
    size = household.people.count()
    line = dibao.monthly_for(household.organisation.division_code, month, field="month")
    per_capita = category_fn.per_capita_income(total, expenses, size)
    with transaction.atomic():
        h = _locked(household)
        # Filed files for the 脱困 rule; households that left hardship stay watched (防止返困),
        # so their months keep being recorded for the risk score.
        if h.status not in (Status.FILED, Status.LEFT):
            raise _wrong_state(h)
        row, _created = MonthlyIncome.objects.update_or_create(
            household=h,
            month=month,
            defaults={
                "income": total,
                "rigid_expenses": expenses,
                "household_size": size,
                "per_capita_income": per_capita,
                "dibao_monthly": line,
            },
        )
        audit.record(
            actor=actor,
            action="assistance.income.recorded",
            obj=h,
            organisation_id=h.organisation_id,
            changes={"month": [None, month.isoformat()], "income": [None, f"{total:.2f}"]},
        )
    return row


def first_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def leave_window(on: datetime.date) -> list[datetime.date]:
    """The six calendar months (first days, oldest first) that end with the month before ``on``."""
    first = first_of_month(on)
    return [add_months(first, -i) for i in range(LEAVE_MONTHS, 0, -1)]


def months_above_dibao(household: Household, on: datetime.date | None = None) -> int:
    """How many consecutive months, counting back from the month before ``on`` (default today)
    and at most six, were recorded with a per-capita income above the 低保 in force in that
    month (looked up again, so a corrected standard counts; the recorded one if none is found).
    A month not recorded ends the run, like a month at or below 低保: months recorded long ago
    do not count."""
    on = on or timezone.localdate()
    window = leave_window(on)
    rows = {row.month: row for row in household.incomes.filter(month__gte=window[0], month__lte=window[-1])}
    division = household.organisation.division_code
    run = 0
    for month in reversed(window):
        row = rows.get(month)
        if row is None:
            break
        standard = dibao.lookup(division, month)
        line = standard.monthly if standard is not None else row.dibao_monthly
        if row.per_capita_income <= line:
            break
        run += 1
    return run


def household_periodic_review(
    *,
    actor,
    household: Household,
    note: str = "",
    on: datetime.date | None = None,
    changes: dict | None = None,
):
    """The periodic review of a filed household: re-computes the category with today's data
    and 低保, sets the next review six months on. Moves it out of hardship (脱困) when the
    per-capita income was above 低保 in each of the six calendar months before the review
    month (all six recorded). ``changes`` (as for :func:`household_edit`) first corrects the
    household data and family found at the review, recorded with before → after, in the same
    transaction; a bad change writes nothing."""
    on = on or timezone.localdate()
    _require(actor, household)
    if changes:
        if household.status != Status.FILED:
            raise _wrong_state(household)
        plan = _plan_edit(household, changes, on)
        with transaction.atomic():
            h = _locked(household)
            if h.status != Status.FILED:
                raise _wrong_state(h)
            _write_edit(actor, h, plan, on, (note or "").strip()[:500])
            household.refresh_from_db()
            return _periodic_review(actor, household, note, on)
    return _periodic_review(actor, household, note, on)


def _periodic_review(actor, household: Household, note: str, on: datetime.date):
    if months_above_dibao(household, on) >= LEAVE_MONTHS:
        return _move(
            actor,
            household,
            expect=[Status.FILED],
            to=Status.LEFT,
            kind="left",
            note=note or _("Per-capita income above 低保 for six consecutive months."),
            left_on=on,
            next_review_on=None,
        )
    a = assess_household(household, on)
    return _move(
        actor,
        household,
        expect=[Status.FILED],
        to=Status.FILED,
        kind="reviewed_periodic",
        note=note or a.explanation,
        category=a.category,
        category_explanation=a.explanation,
        per_capita_income=a.per_capita_income,
        dibao_monthly=a.dibao,
        assessed_on=on,
        next_review_on=add_months(on, REVIEW_MONTHS),
    )
