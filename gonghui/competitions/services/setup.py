"""Setting a competition up: the competition itself, its stages, the marking scheme (with
JSON import and export), entries and judges, and the status steps."""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.competitions import rules as rule_sets
from gonghui.competitions import selectors
from gonghui.competitions.choices import (
    MAX_THEORY_WEIGHT,
    AspectKind,
    EntryKind,
    Kind,
    MeasurementMode,
    ResultsState,
    SheetStatus,
    Stage,
    Status,
)
from gonghui.competitions.models import (
    Aspect,
    Competition,
    Entry,
    EntryMember,
    JudgeAssignment,
    Section,
    Sheet,
    Substitution,
)
from gonghui.core import audit
from gonghui.core.text import clean
from gonghui.members.choices import IN_MEMBERSHIP, SkillGrade
from gonghui.organisations import scoping
from gonghui.organisations.models import Organisation

Action = scoping.Action
SETTINGS_FIELDS = [
    "title",
    "theme",
    "kind",
    "occupation",
    "stage",
    "previous_stage_id",
    "advance_count",
    "registration_opens",
    "registration_closes",
    "min_age",
    "max_age",
    "min_skill_grade",
    "theory_weight",
    "allow_high_theory_weight",
    "appeal_window_hours",
    "status",
]


def _error(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def _decimal(value, field: str) -> Decimal:
    try:
        result = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise _error(field, _("Enter a number."), "invalid_number") from None
    if not result.is_finite():
        raise _error(field, _("Enter a number."), "invalid_number")
    return result


def _require_manage(actor, competition: Competition) -> None:
    scoping.require(actor, Action.MANAGE_COMPETITIONS, competition.organisation)


def _check_settings(data: dict, organisation: Organisation) -> dict:
    data["title"] = clean(data.get("title"))
    data["occupation"] = clean(data.get("occupation"))
    data["theme"] = clean(data.get("theme"))
    if not data["title"]:
        raise _error("title", _("A title is required."), "title_required")
    if not data["occupation"]:
        raise _error("occupation", _("An occupation is required."), "occupation_required")
    if data["kind"] not in Kind.values:
        raise _error("kind", _("Unknown kind of competition."), "invalid_choice")
    if data["stage"] not in Stage.values:
        raise _error("stage", _("Unknown stage."), "invalid_choice")
    if data.get("min_skill_grade") and data["min_skill_grade"] not in SkillGrade.values:
        raise _error("min_skill_grade", _("Unknown skill grade."), "invalid_choice")
    weight = _decimal(data["theory_weight"], "theory_weight")
    if not 0 <= weight <= 1:
        raise _error("theory_weight", _("The theory weight is between 0 and 1."), "out_of_range")
    if weight > Decimal(MAX_THEORY_WEIGHT) and not data.get("allow_high_theory_weight"):
        raise _error(
            "theory_weight",
            _("Theory may weigh at most 0.30 unless a higher weight is explicitly allowed."),
            "theory_weight_too_high",
        )
    data["theory_weight"] = weight
    opens, closes = data["registration_opens"], data["registration_closes"]
    if not isinstance(opens, datetime.datetime) or not isinstance(closes, datetime.datetime):
        raise _error("registration_opens", _("Enter the registration window."), "window_required")
    if closes < opens:
        raise _error("registration_closes", _("Registration closes before it opens."), "window_order")
    lo, hi = data.get("min_age"), data.get("max_age")
    if lo is not None and hi is not None and lo > hi:
        raise _error("max_age", _("The maximum age is below the minimum age."), "age_order")
    if not 0 < int(data.get("appeal_window_hours") or 0) <= 24 * 30:
        raise _error("appeal_window_hours", _("The appeal window is 1 to 720 hours."), "out_of_range")
    previous = data.get("previous_stage")
    if previous is not None:
        if not previous.organisation.path.startswith(organisation.path):
            raise _error(
                "previous_stage",
                _("The previous stage must be organised inside this competition's scope."),
                "previous_stage_out_of_scope",
            )
        if previous.occupation != data["occupation"]:
            raise _error(
                "previous_stage",
                _("The previous stage is for another occupation."),
                "previous_stage_occupation",
            )
    if data.get("advance_count") and previous is None:
        raise _error("advance_count", _("Advancing needs a previous stage."), "previous_stage_required")
    data["rules"] = rule_sets.validate(data.get("rules") or {})
    return data


def competition_create(
    *,
    actor,
    organisation: Organisation,
    title: str,
    occupation: str,
    registration_opens: datetime.datetime,
    registration_closes: datetime.datetime,
    kind: str = Kind.SKILLS,
    stage: str = Stage.GRASSROOTS,
    theme: str = "",
    previous_stage: Competition | None = None,
    advance_count: int = 0,
    min_age: int | None = None,
    max_age: int | None = None,
    min_skill_grade: str = "",
    theory_weight: Decimal | str = Decimal("0.30"),
    allow_high_theory_weight: bool = False,
    appeal_window_hours: int = 2,
    rules: dict | None = None,
) -> Competition:
    """An officer sets up a competition (draft). Needs ``manage_competitions`` on the
    organiser (and on the previous stage's organiser when one is named). Raises
    ValidationError: ``theory_weight_too_high`` (above 30% without ``allow_high_theory_weight``),
    ``window_order``, ``age_order``, ``previous_stage_*``, ``bad_rules``."""
    scoping.require(actor, Action.MANAGE_COMPETITIONS, organisation)
    if previous_stage is not None:
        scoping.require(actor, Action.MANAGE_COMPETITIONS, previous_stage.organisation)
    data = _check_settings(
        {
            "title": title,
            "theme": theme,
            "kind": kind,
            "occupation": occupation,
            "stage": stage,
            "previous_stage": previous_stage,
            "advance_count": advance_count,
            "registration_opens": registration_opens,
            "registration_closes": registration_closes,
            "min_age": min_age,
            "max_age": max_age,
            "min_skill_grade": min_skill_grade,
            "theory_weight": theory_weight,
            "allow_high_theory_weight": allow_high_theory_weight,
            "appeal_window_hours": appeal_window_hours,
            "rules": rules,
        },
        organisation,
    )
    with transaction.atomic():
        competition = Competition.objects.create(organisation=organisation, created_by=actor, **data)
        audit.record(
            actor=actor,
            action="competitions.competition.created",
            obj=competition,
            organisation_id=organisation.pk,
            changes=audit.diff({}, audit.snapshot(competition, SETTINGS_FIELDS)),
        )
    return competition


def competition_set_rules(*, actor, competition: Competition, rules: dict) -> Competition:
    """Replace the recommendation rule set (``{}`` = the default). Needs
    ``manage_competitions``; refused once results are published (``results_published``)."""
    _require_manage(actor, competition)
    if competition.results_state == ResultsState.PUBLISHED:
        raise _error(
            "rules", _("The results are published; the rules can no longer change."), "results_published"
        )
    rules = rule_sets.validate(rules)
    with transaction.atomic():
        before = competition.rules
        competition.rules = rules
        competition.save(update_fields=["rules"])
        audit.record(
            actor=actor,
            action="competitions.competition.rules_changed",
            obj=competition,
            organisation_id=competition.organisation_id,
            changes={"rules": [before, rules]},
        )
    return competition


_STEPS = {
    Status.DRAFT: Status.REGISTRATION,
    Status.REGISTRATION: Status.MARKING,
    Status.MARKING: Status.RESULTS,
}


def competition_advance_status(*, actor, competition: Competition) -> Competition:
    """Move to the next status: draft → registration → marking → results. Needs
    ``manage_competitions``. Starting marking needs a valid scheme and at least one entry and
    creates one sheet per entry and section; closing marking needs every sheet signed off.
    Raises ValidationError ``no_scheme``, ``no_entries``, ``sheets_open``, ``last_status``."""
    _require_manage(actor, competition)
    with transaction.atomic():
        competition = Competition.objects.select_for_update().get(pk=competition.pk)
        target = _STEPS.get(competition.status)
        if target is None:
            raise _error("status", _("The competition is already at its last step."), "last_status")
        if target == Status.MARKING:
            sections = selectors.sections_with_aspects(competition)
            if not sections or any(not s.aspects.all() for s in sections):
                raise _error("status", _("Import a marking scheme first."), "no_scheme")
            entries = list(Entry.objects.filter(competition=competition))
            if not entries:
                raise _error("status", _("There are no entries yet."), "no_entries")
            Sheet.objects.bulk_create(
                [Sheet(competition=competition, entry=e, section=s) for e in entries for s in sections],
                ignore_conflicts=True,
            )
        if target == Status.RESULTS:
            open_sheets = Sheet.objects.filter(competition=competition).exclude(status=SheetStatus.SIGNED_OFF)
            n = open_sheets.count()
            if n:
                raise _error(
                    "status",
                    _("%(n)d sheets are not signed off yet.") % {"n": n},
                    "sheets_open",
                )
        before = competition.status
        competition.status = target
        competition.save(update_fields=["status"])
        audit.record(
            actor=actor,
            action="competitions.competition.status_changed",
            obj=competition,
            organisation_id=competition.organisation_id,
            changes={"status": [before, target]},
        )
    return competition


# ---- marking scheme --------------------------------------------------------------------


def scheme_export(competition: Competition) -> dict:
    """The marking scheme as JSON (the shape ``scheme_import`` reads)."""
    out = []
    for section in selectors.sections_with_aspects(competition):
        aspects = []
        for a in section.aspects.all():
            item = {
                "code": a.code,
                "description": a.description,
                "max_mark": str(a.max_mark),
                "kind": a.kind,
            }
            if a.kind == AspectKind.MEASUREMENT:
                item["mode"] = a.mode
                if a.mode == MeasurementMode.BANDS:
                    item["bands"] = a.bands
            else:
                item["descriptors"] = a.descriptors
            aspects.append(item)
        out.append({"name": section.name, "weight": str(section.weight), "aspects": aspects})
    return {"sections": out}


def _scheme_error(where: str, message: str, code: str) -> ValidationError:
    return _error("scheme", f"{where}: {message}" if where else message, code)


def _parse_scheme(data) -> list[dict]:
    """Validate a whole scheme before anything is written; returns cleaned sections."""
    if not isinstance(data, dict) or not isinstance(data.get("sections"), list) or not data["sections"]:
        raise _scheme_error("", _("A scheme is an object with a non-empty list of sections."), "bad_scheme")
    sections, names, codes = [], set(), set()
    total = Decimal(0)
    for i, raw in enumerate(data["sections"], 1):
        where = f"sections[{i}]"
        if not isinstance(raw, dict):
            raise _scheme_error(where, _("A section is an object."), "bad_scheme")
        name = clean(raw.get("name"))
        if not name or len(name) > 100:
            raise _scheme_error(where, _("A section needs a name (up to 100 characters)."), "bad_section")
        if name in names:
            raise _scheme_error(where, _("Two sections have the same name."), "duplicate_section")
        names.add(name)
        try:
            weight = Decimal(str(raw.get("weight")))
        except (InvalidOperation, ValueError):
            raise _scheme_error(where, _("The weight is not a number."), "bad_weight") from None
        if not weight.is_finite() or not 0 < weight <= 1 or weight != weight.quantize(Decimal("0.0001")):
            raise _scheme_error(where, _("A weight is above 0 and at most 1 (4 decimals)."), "bad_weight")
        total += weight
        aspects = raw.get("aspects")
        if not isinstance(aspects, list) or not aspects:
            raise _scheme_error(where, _("A section needs at least one aspect."), "bad_section")
        cleaned = []
        for j, a in enumerate(aspects, 1):
            cleaned.append(_parse_aspect(f"{where}.aspects[{j}]", a, codes))
        sections.append({"name": name, "weight": weight, "aspects": cleaned})
    if total != 1:
        raise _scheme_error(
            "", _("The section weights add up to %(total)s, not 1.") % {"total": total}, "weights_sum"
        )
    return sections


def _parse_aspect(where: str, a, codes: set) -> dict:
    if not isinstance(a, dict):
        raise _scheme_error(where, _("An aspect is an object."), "bad_aspect")
    code = clean(a.get("code"))
    if not code or len(code) > 20:
        raise _scheme_error(where, _("An aspect needs a code (up to 20 characters)."), "bad_aspect")
    if code in codes:
        raise _scheme_error(
            where, _("The aspect code %(code)s is used twice.") % {"code": code}, "duplicate_aspect"
        )
    codes.add(code)
    description = clean(a.get("description"))
    if not description or len(description) > 300:
        raise _scheme_error(where, _("An aspect needs a description (up to 300 characters)."), "bad_aspect")
    try:
        max_mark = Decimal(str(a.get("max_mark")))
    except (InvalidOperation, ValueError):
        raise _scheme_error(where, _("The maximum mark is not a number."), "bad_max_mark") from None
    if not max_mark.is_finite() or not 0 < max_mark <= 1000 or max_mark != max_mark.quantize(Decimal("0.01")):
        raise _scheme_error(
            where, _("The maximum mark is above 0 and at most 1000 (2 decimals)."), "bad_max_mark"
        )
    kind = a.get("kind")
    out = {
        "code": code,
        "description": description,
        "max_mark": max_mark,
        "kind": kind,
        "mode": "",
        "bands": [],
        "descriptors": {},
    }
    if kind == AspectKind.MEASUREMENT:
        mode = a.get("mode", MeasurementMode.FULL_OR_ZERO)
        if mode not in MeasurementMode.values:
            raise _scheme_error(where, _("A measurement is full-or-zero or tolerance bands."), "bad_mode")
        out["mode"] = mode
        if mode == MeasurementMode.BANDS:
            out["bands"] = _parse_bands(where, a.get("bands"), max_mark)
    elif kind == AspectKind.JUDGEMENT:
        descriptors = a.get("descriptors")
        if not isinstance(descriptors, dict) or set(descriptors) != {"0", "1", "2", "3"}:
            raise _scheme_error(
                where, _("A judgement needs a descriptor for each of 0, 1, 2 and 3."), "bad_descriptors"
            )
        cleaned = {k: clean(v) for k, v in descriptors.items()}
        if any(not v or len(v) > 500 for v in cleaned.values()):
            raise _scheme_error(where, _("A descriptor is 1 to 500 characters."), "bad_descriptors")
        out["descriptors"] = cleaned
    else:
        raise _scheme_error(where, _("An aspect is a measurement or a judgement."), "bad_kind")
    return out


def _parse_bands(where: str, bands, max_mark: Decimal) -> list[dict]:
    if not isinstance(bands, list) or not bands:
        raise _scheme_error(where, _("Tolerance bands need at least one band."), "bad_bands")
    out = []
    for band in bands:
        try:
            within = Decimal(str(band["within"]))
            mark = Decimal(str(band["mark"]))
        except (InvalidOperation, ValueError, KeyError, TypeError):
            raise _scheme_error(
                where, _('A band is {"within": number, "mark": number}.'), "bad_bands"
            ) from None
        if not within.is_finite() or not mark.is_finite() or within < 0 or not 0 <= mark <= max_mark:
            raise _scheme_error(
                where, _("A band's tolerance is ≥ 0 and its mark between 0 and the maximum."), "bad_bands"
            )
        out.append({"within": str(within), "mark": str(mark)})
    out.sort(key=lambda b: Decimal(b["within"]))
    return out


def scheme_import(*, actor, competition: Competition, data) -> list[Section]:
    """Replace the marking scheme with ``data`` (see ``scheme_export``). Validated entirely
    first: a bad scheme writes nothing. Needs ``manage_competitions``; only before marking
    starts (``scheme_frozen``). Raises ValidationError on field ``scheme``."""
    _require_manage(actor, competition)
    if competition.status not in {Status.DRAFT, Status.REGISTRATION}:
        raise _error("scheme", _("Marking has started; the scheme can no longer change."), "scheme_frozen")
    parsed = _parse_scheme(data)
    with transaction.atomic():
        Competition.objects.select_for_update().get(pk=competition.pk)
        JudgeAssignment.objects.filter(competition=competition).delete()
        Section.objects.filter(competition=competition).delete()
        created = []
        for order, s in enumerate(parsed):
            section = Section.objects.create(
                competition=competition, name=s["name"], weight=s["weight"], order=order
            )
            Aspect.objects.bulk_create(
                [
                    Aspect(competition=competition, section=section, order=k, **a)
                    for k, a in enumerate(s["aspects"])
                ]
            )
            created.append(section)
        audit.record(
            actor=actor,
            action="competitions.scheme.imported",
            obj=competition,
            organisation_id=competition.organisation_id,
            changes={
                "sections": [None, len(parsed)],
                "aspects": [None, sum(len(s["aspects"]) for s in parsed)],
            },
        )
    return created


# ---- entries ---------------------------------------------------------------------------


def _age_on(birth: datetime.date, on: datetime.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def eligibility_problems(competition: Competition, member, on: datetime.date) -> list[tuple[str, str]]:
    """``[(code, message)]`` of the rules a member fails (empty = eligible)."""
    problems = []
    if not member.organisation.path.startswith(competition.organisation.path):
        problems.append(("not_in_scope", _("%(name)s is not a member of a union in the organiser's scope.")))
    if member.status not in IN_MEMBERSHIP:
        problems.append(("not_in_membership", _("%(name)s is not in membership.")))
    age = _age_on(member.birth_date, on)
    if competition.min_age is not None and age < competition.min_age:
        problems.append(("too_young", _("%(name)s is younger than the minimum age.")))
    if competition.max_age is not None and age > competition.max_age:
        problems.append(("too_old", _("%(name)s is older than the maximum age.")))
    if competition.min_skill_grade and rule_sets.grade_rank(member.skill_grade) < rule_sets.grade_rank(
        competition.min_skill_grade
    ):
        problems.append(("grade_too_low", _("%(name)s does not hold the minimum skill grade.")))
    return [(code, message % {"name": member.name}) for code, message in problems]


def _may_register(actor, competition: Competition, members: list) -> None:
    if scoping.can(actor, Action.MANAGE_COMPETITIONS, competition.organisation):
        return
    # A union below the organiser registers its own members.
    if members and all(scoping.can(actor, Action.MANAGE_COMPETITIONS, m.organisation) for m in members):
        return
    if selectors.competitions_visible_to(actor).filter(pk=competition.pk).exists():
        raise PermissionDenied
    from django.http import Http404

    raise Http404


def _create_entry(*, actor, competition, members, kind, name, advanced_from=None) -> Entry:
    number = (Entry.objects.filter(competition=competition).aggregate(n=Max("number"))["n"] or 0) + 1
    try:
        with transaction.atomic():
            entry = Entry.objects.create(
                competition=competition,
                kind=kind,
                name=name,
                number=number,
                registered_by=actor,
                advanced_from=advanced_from,
            )
            EntryMember.objects.bulk_create(
                [EntryMember(competition=competition, entry=entry, member=m) for m in members]
            )
    except IntegrityError:
        raise _error(
            "members", _("A member is already entered in this competition."), "already_entered"
        ) from None
    audit.record(
        actor=actor,
        action="competitions.entry.registered",
        obj=entry,
        organisation_id=competition.organisation_id,
        changes={"members": [None, ", ".join(m.member_no for m in members)], "kind": [None, kind]},
    )
    return entry


def entry_register(
    *,
    actor,
    competition: Competition,
    members: list,
    team_name: str = "",
    now: datetime.datetime | None = None,
) -> Entry:
    """Register an individual (one member) or a team (a name and two or more members). Needs
    ``manage_competitions`` on the organiser, or on the union of every member entered. Checks
    the window and eligibility of each member; a member enters a competition once. Raises
    ValidationError (``registration_closed``, ``team_name_required``, ``already_entered``, an
    eligibility code) on field ``members``, ``team_name`` or ``competition``."""
    now = now or timezone.now()
    members = list(dict.fromkeys(members))
    _may_register(actor, competition, members)
    if competition.status != Status.REGISTRATION or not (
        competition.registration_opens <= now <= competition.registration_closes
    ):
        raise _error("competition", _("Registration is not open."), "registration_closed")
    if not members:
        raise _error("members", _("Choose at least one member."), "members_required")
    team_name = clean(team_name)
    if len(members) > 1 and not team_name:
        raise _error("team_name", _("A team needs a name."), "team_name_required")
    if len(team_name) > 100:
        raise _error("team_name", _("The team name is too long."), "team_name_too_long")
    on = timezone.localdate(now)
    for m in members:
        problems = eligibility_problems(competition, m, on)
        if problems:
            code, message = problems[0]
            raise _error("members", message, code)
    with transaction.atomic():
        competition = (
            Competition.objects.select_for_update().select_related("organisation").get(pk=competition.pk)
        )
        if EntryMember.objects.filter(competition=competition, member__in=members).exists():
            raise _error("members", _("A member is already entered in this competition."), "already_entered")
        kind = EntryKind.TEAM if team_name else EntryKind.INDIVIDUAL
        return _create_entry(
            actor=actor,
            competition=competition,
            members=members,
            kind=kind,
            name=team_name or members[0].name,
        )


def competition_advance(*, actor, competition: Competition) -> list[Entry]:
    """Register the top ``advance_count`` places (ties included) of the previous stage's
    published results into this competition, skipping those already entered. Needs
    ``manage_competitions``; refused unless the previous stage is published
    (``previous_not_published``) and this stage is still in draft or registration."""
    _require_manage(actor, competition)
    previous = competition.previous_stage
    if previous is None or not competition.advance_count:
        raise _error(
            "previous_stage",
            _("This competition has no previous stage to advance from."),
            "no_previous_stage",
        )
    if previous.results_state != ResultsState.PUBLISHED:
        raise _error(
            "previous_stage", _("The previous stage's results are not published."), "previous_not_published"
        )
    if competition.status not in {Status.DRAFT, Status.REGISTRATION}:
        raise _error("competition", _("Registration is closed."), "registration_closed")
    created = []
    with transaction.atomic():
        competition = (
            Competition.objects.select_for_update().select_related("organisation").get(pk=competition.pk)
        )
        entered = set(EntryMember.objects.filter(competition=competition).values_list("member_id", flat=True))
        for result in (
            previous.results.select_related("entry")
            .filter(rank__lte=competition.advance_count)
            .order_by("rank", "entry__number")
        ):
            members = selectors.entry_members(result.entry)
            if any(m.pk in entered for m in members):
                continue
            entry = _create_entry(
                actor=actor,
                competition=competition,
                members=members,
                kind=result.entry.kind,
                name=result.entry.name,
                advanced_from=result.entry,
            )
            entered.update(m.pk for m in members)
            created.append(entry)
    return created


# ---- judges ----------------------------------------------------------------------------


def judge_assign(*, actor, section: Section, judge) -> JudgeAssignment:
    """Assign a user (a Role.JUDGE holder or anyone named) to mark a section. Needs
    ``manage_competitions``. Refused once marking is over (``marking_closed``) or twice
    (``already_assigned``)."""
    competition = section.competition
    _require_manage(actor, competition)
    if competition.status == Status.RESULTS:
        raise _error("judge", _("Marking is over."), "marking_closed")
    if not getattr(judge, "is_active", False):
        raise _error("judge", _("This login is not active."), "judge_inactive")
    with transaction.atomic():
        assignment, created = JudgeAssignment.objects.get_or_create(
            competition=competition, section=section, judge=judge, defaults={"assigned_by": actor}
        )
        if not created:
            raise _error("judge", _("This judge is already assigned to the section."), "already_assigned")
        audit.record(
            actor=actor,
            action="competitions.judge.assigned",
            obj=assignment,
            organisation_id=competition.organisation_id,
            changes={"judge": [None, judge.get_username()], "section": [None, section.name]},
        )
    return assignment


def judge_substitute(
    *, actor, entry: Entry, section: Section, conflicted_judge, substitute, reason: str = ""
) -> Substitution:
    """Stand a conflicted judge down for one competitor and section and name who marks in
    their place (logged and audited). Needs ``manage_competitions``. Raises ValidationError
    ``no_conflict`` (the judge is not assigned or has no conflict), ``substitute_conflict``
    or ``substitute_assigned`` (the substitute already marks this section)."""
    competition = entry.competition
    _require_manage(actor, competition)
    if section.competition_id != competition.pk:
        raise _error("section", _("Unknown section."), "unknown_section")
    members = selectors.entry_members(entry)
    if not JudgeAssignment.objects.filter(section=section, judge=conflicted_judge).exists():
        raise _error("judge", _("This judge is not assigned to the section."), "not_assigned")
    found = selectors.conflicts(conflicted_judge, members)
    if not found and not clean(reason):
        raise _error(
            "judge",
            _("This judge has no recorded conflict with the competitor; give a reason."),
            "no_conflict",
        )
    if selectors.conflicts(substitute, members):
        raise _error("substitute", _("The substitute has a conflict of interest too."), "substitute_conflict")
    if JudgeAssignment.objects.filter(section=section, judge=substitute).exists():
        raise _error("substitute", _("The substitute already marks this section."), "substitute_assigned")
    why = clean(reason) or ", ".join(sorted({f.split(":")[0] for f in found}))
    with transaction.atomic():
        try:
            with transaction.atomic():
                sub = Substitution.objects.create(
                    competition=competition,
                    entry=entry,
                    section=section,
                    conflicted_judge=conflicted_judge,
                    substitute=substitute,
                    reason=why[:300],
                    created_by=actor,
                )
        except IntegrityError:
            raise _error(
                "judge", _("This judge has already been substituted here."), "already_substituted"
            ) from None
        audit.record(
            actor=actor,
            action="competitions.judge.substituted",
            obj=sub,
            organisation_id=competition.organisation_id,
            changes={
                "entry": [None, entry.number],
                "section": [None, section.name],
                "judge": [conflicted_judge.get_username(), substitute.get_username()],
            },
            reason=why,
        )
    return sub


def conflict_table(competition: Competition) -> list[dict]:
    """Every (entry, section, judge) conflict of interest and whether it is covered by a
    substitution — the flags shown on the officer page."""
    subs = {
        (s.entry_id, s.section_id, s.conflicted_judge_id): s for s in selectors.substitutions(competition)
    }
    assignments = selectors.judges(competition)
    out = []
    for entry in selectors.entries(competition):
        members = [em.member for em in entry.competitors.all()]
        for a in assignments:
            found = selectors.conflicts(a.judge, members)
            if found:
                out.append(
                    {
                        "entry": entry,
                        "section": a.section,
                        "judge": a.judge,
                        "reasons": sorted({f.split(":")[0] for f in found}),
                        "substitution": subs.get((entry.pk, a.section_id, a.judge_id)),
                    }
                )
    return out
