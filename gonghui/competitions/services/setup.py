"""Setting a competition up: the competition itself (its settings, stages and
recommendation rules) and its status steps. The marking scheme, entries and judges have
their own modules (``scheme``, ``registration``, ``assignments``)."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from gonghui.competitions import numbers, permissions, selectors
from gonghui.competitions import rules as rule_sets
from gonghui.competitions.choices import (
    MAX_THEORY_WEIGHT,
    Kind,
    ResultsState,
    SheetStatus,
    Stage,
    Status,
)
from gonghui.competitions.models import Competition, Entry, Sheet
from gonghui.core import audit, inputs
from gonghui.core.inputs import InputCode, field_error
from gonghui.members.choices import SkillGrade
from gonghui.organisations.models import Organisation

# The appeal window is at most 30 days.
MAX_APPEAL_WINDOW_HOURS = 24 * 30
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


def _check_settings(data: dict, organisation: Organisation) -> dict:
    data["title"] = inputs.text(data.get("title"), "title", required=True, max_length=200)
    data["occupation"] = inputs.text(data.get("occupation"), "occupation", required=True, max_length=60)
    data["theme"] = inputs.text(data.get("theme"), "theme", max_length=200)
    data["kind"] = inputs.choice(data["kind"], "kind", Kind)
    data["stage"] = inputs.choice(data["stage"], "stage", Stage)
    data["min_skill_grade"] = inputs.choice(
        data.get("min_skill_grade"), "min_skill_grade", SkillGrade, required=False
    )
    weight = numbers.decimal(
        data["theory_weight"],
        "theory_weight",
        minimum=0,
        maximum=1,
        message=_("The theory weight is between 0 and 1."),
        places=3,  # the column keeps three; more would be rounded away silently
    )
    if weight > Decimal(MAX_THEORY_WEIGHT) and not data.get("allow_high_theory_weight"):
        raise field_error(
            "theory_weight",
            _("Theory may weigh at most 0.30 unless a higher weight is explicitly allowed."),
            "theory_weight_too_high",
        )
    data["theory_weight"] = weight
    opens, closes = data["registration_opens"], data["registration_closes"]
    for field, value in (("registration_opens", opens), ("registration_closes", closes)):
        if not isinstance(value, datetime.datetime):
            raise field_error(field, _("Enter the registration window."), InputCode.REQUIRED)
    if closes < opens:
        raise field_error(
            "registration_closes", _("Registration closes before it opens."), "end_before_start"
        )
    lo, hi = data.get("min_age"), data.get("max_age")
    if lo is not None and hi is not None and lo > hi:
        raise field_error("max_age", _("The maximum age is below the minimum age."), "age_order")
    data["appeal_window_hours"] = inputs.integer(
        data.get("appeal_window_hours"), "appeal_window_hours", minimum=1, maximum=MAX_APPEAL_WINDOW_HOURS
    )
    previous = data.get("previous_stage")
    if previous is not None:
        if not organisation.contains(previous.organisation):
            raise field_error(
                "previous_stage",
                _("The previous stage must be organised inside this competition's scope."),
                "previous_stage_out_of_scope",
            )
        if previous.occupation != data["occupation"]:
            raise field_error(
                "previous_stage",
                _("The previous stage is for another occupation."),
                "previous_stage_occupation",
            )
    if data.get("advance_count") and previous is None:
        raise field_error("advance_count", _("Advancing needs a previous stage."), "previous_stage_required")
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
    organiser (and on the previous stage when one is named). Raises ValidationError: the
    input codes (``required``, ``too_long``, ``invalid_choice``, ``number_*`` for the theory
    weight 0–1 and the appeal window 1–720 hours), ``theory_weight_too_high`` (above 30%
    without ``allow_high_theory_weight``), ``end_before_start``, ``age_order``,
    ``previous_stage_*``, ``bad_rules``."""
    permissions.require_create(actor, organisation)
    if previous_stage is not None:
        permissions.require_manage(actor, previous_stage)
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
    permissions.require_manage(actor, competition)
    if competition.results_state == ResultsState.PUBLISHED:
        raise field_error(
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
    permissions.require_manage(actor, competition)
    with transaction.atomic():
        competition = Competition.objects.select_for_update().get(pk=competition.pk)
        target = _STEPS.get(competition.status)
        if target is None:
            raise field_error("status", _("The competition is already at its last step."), "last_status")
        if target == Status.MARKING:
            sections = selectors.sections_with_aspects(competition)
            if not sections or any(not s.aspects.all() for s in sections):
                raise field_error("status", _("Import a marking scheme first."), "no_scheme")
            entries = list(Entry.objects.filter(competition=competition))
            if not entries:
                raise field_error("status", _("There are no entries yet."), "no_entries")
            Sheet.objects.bulk_create(
                [Sheet(competition=competition, entry=e, section=s) for e in entries for s in sections],
                ignore_conflicts=True,
            )
        if target == Status.RESULTS:
            open_sheets = Sheet.objects.filter(competition=competition).exclude(status=SheetStatus.SIGNED_OFF)
            n = open_sheets.count()
            if n:
                raise field_error(
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
