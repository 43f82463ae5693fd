"""Registration: who is eligible, registering individuals and teams, and advancing the top places
of the previous stage."""

import datetime

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.competitions import permissions, selectors
from gonghui.competitions import rules as rule_sets
from gonghui.competitions.choices import EntryKind, ResultsState, Status
from gonghui.competitions.models import Competition, Entry, EntryMember
from gonghui.core import audit, inputs
from gonghui.core.inputs import InputCode, field_error
from gonghui.members.choices import IN_MEMBERSHIP


def _age_on(birth: datetime.date, on: datetime.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def eligibility_problems(competition: Competition, member, on: datetime.date) -> list[tuple[str, str]]:
    """``[(code, message)]`` of the rules a member fails (empty = eligible)."""
    problems = []
    if not competition.organisation.contains(member.organisation):
        problems.append(
            ("member_outside", _("%(name)s is not a member of a union in the organiser's scope."))
        )
    if member.status not in IN_MEMBERSHIP:
        problems.append(("not_member", _("%(name)s is not in membership.")))
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
        raise field_error(
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
    ValidationError (``registration_closed``, ``required`` (no member; no name for a team), ``already_entered``, an
    eligibility code) on field ``members``, ``team_name`` or ``competition``."""
    now = now or timezone.now()
    members = list(dict.fromkeys(members))
    permissions.require_register(actor, competition, members)
    if competition.status != Status.REGISTRATION or not (
        competition.registration_opens <= now <= competition.registration_closes
    ):
        raise field_error("competition", _("Registration is not open."), "registration_closed")
    if not members:
        raise field_error("members", _("Choose at least one member."), InputCode.REQUIRED)
    team_name = inputs.text(team_name, "team_name", required=len(members) > 1, max_length=100)
    on = timezone.localdate(now)
    for m in members:
        problems = eligibility_problems(competition, m, on)
        if problems:
            code, message = problems[0]
            raise field_error("members", message, code)
    with transaction.atomic():
        competition = (
            Competition.objects.select_for_update().select_related("organisation").get(pk=competition.pk)
        )
        if EntryMember.objects.filter(competition=competition, member__in=members).exists():
            raise field_error(
                "members", _("A member is already entered in this competition."), "already_entered"
            )
        kind = EntryKind.TEAM if team_name else EntryKind.INDIVIDUAL
        return _create_entry(
            actor=actor,
            competition=competition,
            members=members,
            kind=kind,
            name=team_name or members[0].name,
        )


def entry_self_register(*, actor, competition: Competition, now: datetime.datetime | None = None) -> Entry:
    """A member enters an individual competition themself (我要报名), by the rules an officer
    registering them would meet (:func:`entry_register`): the window, every eligibility rule of
    :func:`eligibility_problems` and one entry per member, checked in this order so the first
    reason is the one told. Needs a member record linked to ``actor`` (``not_member`` on
    ``competition`` otherwise) and the competition visible to them (404). Raises
    ValidationError ``registration_closed``, an eligibility code or ``already_entered`` on field
    ``competition``; nothing is written then."""
    now = now or timezone.now()
    member = permissions.member_of(actor)
    permissions.require(actor, competition)
    if member is None:
        raise field_error(
            "competition",
            _("Only union members can enter; link your account to your member record first."),
            "not_member",
        )
    if competition.status != Status.REGISTRATION or not (
        competition.registration_opens <= now <= competition.registration_closes
    ):
        raise field_error("competition", _("Registration is not open."), "registration_closed")
    problems = eligibility_problems(competition, member, timezone.localdate(now))
    if problems:
        code, message = problems[0]
        raise field_error("competition", message, code)
    with transaction.atomic():
        competition = (
            Competition.objects.select_for_update().select_related("organisation").get(pk=competition.pk)
        )
        if EntryMember.objects.filter(competition=competition, member=member).exists():
            raise field_error(
                "competition", _("You have already entered this competition."), "already_entered"
            )
        return _create_entry(
            actor=actor,
            competition=competition,
            members=[member],
            kind=EntryKind.INDIVIDUAL,
            name=member.name,
        )


def competition_advance(*, actor, competition: Competition) -> list[Entry]:
    """Register the top ``advance_count`` places (ties included) of the previous stage's
    published results into this competition, skipping those already entered. Needs
    ``manage_competitions``; refused unless the previous stage is published
    (``previous_not_published``) and this stage is still in draft or registration."""
    permissions.require_manage(actor, competition)
    previous = competition.previous_stage
    if previous is None or not competition.advance_count:
        raise field_error(
            "previous_stage",
            _("This competition has no previous stage to advance from."),
            "no_previous_stage",
        )
    if previous.results_state != ResultsState.PUBLISHED:
        raise field_error(
            "previous_stage", _("The previous stage's results are not published."), "previous_not_published"
        )
    if competition.status not in {Status.DRAFT, Status.REGISTRATION}:
        raise field_error("competition", _("Registration is closed."), "registration_closed")
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
