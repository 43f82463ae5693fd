"""Judge assignments: assigning judges to sections, standing a conflicted judge down for one competitor
(a logged substitution), and the table of conflicts the officer page shows. The conflict of
interest itself is ``selectors.conflicts``; refusing a conflicted judge's mark is the marking
service's rule."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from gonghui.competitions import permissions, selectors
from gonghui.competitions.choices import Status
from gonghui.competitions.models import Competition, Entry, JudgeAssignment, Section, Substitution
from gonghui.core import audit, inputs
from gonghui.core.inputs import field_error


def judge_assign(*, actor, section: Section, judge) -> JudgeAssignment:
    """Assign a user (a Role.JUDGE holder or anyone named) to mark a section. Needs
    ``manage_competitions``. Refused once marking is over (``marking_closed``) or twice
    (``already_assigned``)."""
    competition = section.competition
    permissions.require_manage(actor, competition)
    if competition.status == Status.RESULTS:
        raise field_error("judge", _("Marking is over."), "marking_closed")
    if not getattr(judge, "is_active", False):
        raise field_error("judge", _("This login is not active."), "judge_inactive")
    with transaction.atomic():
        assignment, created = JudgeAssignment.objects.get_or_create(
            competition=competition, section=section, judge=judge, defaults={"assigned_by": actor}
        )
        if not created:
            raise field_error(
                "judge", _("This judge is already assigned to the section."), "already_assigned"
            )
        audit.record(
            actor=actor,
            action="competitions.judge.assigned",
            obj=assignment,
            object_repr=f"{section.name}: {judge.get_username()}",
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
    permissions.require_manage(actor, competition)
    if section.competition_id != competition.pk:
        raise field_error("section", _("Unknown section."), "section_unknown")
    members = selectors.entry_members(entry)
    if not JudgeAssignment.objects.filter(section=section, judge=conflicted_judge).exists():
        raise field_error("judge", _("This judge is not assigned to the section."), "not_assigned")
    found = selectors.conflicts(conflicted_judge, members)
    reason = inputs.text(reason, "reason")
    if not found and not reason:
        raise field_error(
            "judge",
            _("This judge has no recorded conflict with the competitor; give a reason."),
            "no_conflict",
        )
    if selectors.conflicts(substitute, members):
        raise field_error(
            "substitute", _("The substitute has a conflict of interest too."), "substitute_conflict"
        )
    if JudgeAssignment.objects.filter(section=section, judge=substitute).exists():
        raise field_error(
            "substitute", _("The substitute already marks this section."), "substitute_assigned"
        )
    why = reason or ", ".join(sorted({f.split(":")[0] for f in found}))
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
            raise field_error(
                "judge", _("This judge has already been substituted here."), "already_substituted"
            ) from None
        audit.record(
            actor=actor,
            action="competitions.judge.substituted",
            obj=sub,
            object_repr=f"{entry.number} {entry.name} · {section.name}",
            organisation_id=competition.organisation_id,
            changes={
                "entry": [None, str(entry.pk)],
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
