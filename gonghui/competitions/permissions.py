"""Who may see and do what with a competition (docs/modules/competitions.md, "Who may do
what"; docs/dev/permissions.md). Built on ``scoping``: services call ``require_*`` first,
selectors read through :func:`visible_q`, pages ask ``can_*`` to show a button or not.

Seeing a competition reaches further than the organiser's subtree: a union *inside* it sees the
competition its workers take part in, a member sees the competitions of the unions above
their own, and the judges see the competitions they are assigned to. 404 when the
competition is not visible at all, 403 when it is but the user may not do this.

The judges' conflict of interest is not a right but a rule of marking (the marking service
checks it); the four-eyes rules ("someone other than who computed the results verifies
them", "a second person decides a correction") are rights of one person over one object and
live here.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from gonghui.competitions.choices import ResultsState
from gonghui.competitions.models import Competition, Correction, Entry, JudgeAssignment, Sheet, Substitution
from gonghui.core.inputs import field_error
from gonghui.organisations import scoping
from gonghui.organisations.models import Organisation

Action = scoping.Action


def member_of(user):
    """The member record linked to ``user``'s login, or None (a competitor's own rights)."""
    if not user.is_authenticated:
        return None
    try:
        return user.member
    except Exception:  # noqa: BLE001 — RelatedObjectDoesNotExist
        return None


# ---- seeing ------------------------------------------------------------------------------


def visible_q(user) -> Q:
    """A Q over ``Competition`` selecting what ``user`` may see: organised in or above the
    subtrees where they hold ``view``, or above a subtree where they do (a city union sees the
    provincial competition), or above their own union (a member), or one they judge."""
    if scoping.is_operator(user):
        return Q()
    if not user.is_authenticated:
        return Q(pk__in=[])
    q = Q(pk__in=[])
    ancestors: set[str] = set()
    for root in scoping.root_paths(user, Action.VIEW):
        q |= Q(organisation__path__startswith=root)
        ancestors.update(Organisation.lineage(root))
    member = member_of(user)
    if member is not None:
        ancestors.update(Organisation.lineage(member.organisation.path))
    if ancestors:
        q |= Q(organisation__path__in=sorted(ancestors))
    q |= Q(pk__in=JudgeAssignment.objects.filter(judge=user).values("competition_id"))
    q |= Q(pk__in=Substitution.objects.filter(substitute=user).values("competition_id"))
    return q


def is_judge(user, competition: Competition) -> bool:
    """Assigned to mark a section of ``competition``, or named as a substitute in it."""
    if not user.is_authenticated:
        return False
    return (
        JudgeAssignment.objects.filter(competition=competition, judge=user).exists()
        or Substitution.objects.filter(competition=competition, substitute=user).exists()
    )


def can_see(user, competition: Competition) -> bool:
    """:func:`visible_q` for one competition."""
    if scoping.is_operator(user):
        return True
    if not user.is_authenticated:
        return False
    organiser = competition.organisation
    if scoping.can(user, Action.VIEW, organiser):
        return True
    if any(root.startswith(organiser.path) for root in scoping.root_paths(user, Action.VIEW)):
        return True
    member = member_of(user)
    if member is not None and organiser.contains(member.organisation):
        return True
    return is_judge(user, competition)


def require(user, competition: Competition, action: str = Action.VIEW) -> None:
    """404 unless ``user`` sees ``competition``; with another ``action`` (manage, supervise)
    403 unless their roles allow it over the organiser."""
    if action == Action.VIEW:
        if not can_see(user, competition):
            raise Http404
        return
    if not scoping.can(user, action, competition.organisation):
        scoping.refuse(can_see(user, competition))


def can_view_details(user, competition: Competition) -> bool:
    """The officer page of a competition: whoever's roles cover the organiser. Others who see
    it (a union inside, a member, a judge) have their own pages."""
    return scoping.can(user, Action.VIEW, competition.organisation)


def can_see_results(user, competition: Competition) -> bool:
    """Published results: everyone who sees the competition; before that, its managers."""
    return competition.results_state == ResultsState.PUBLISHED or can_manage(user, competition)


# ---- managing ----------------------------------------------------------------------------


def require_create(user, organisation: Organisation) -> None:
    """A new competition: ``manage_competitions`` on the organiser (404/403 by scoping)."""
    scoping.require(user, Action.MANAGE_COMPETITIONS, organisation)


def can_manage(user, competition: Competition) -> bool:
    """Set up, scheme, entries, judges, theory scores, results, recommendations, corrections."""
    return scoping.can(user, Action.MANAGE_COMPETITIONS, competition.organisation)


def require_manage(user, competition: Competition) -> None:
    """``manage_competitions`` on the organiser; 403 when the competition is visible, 404
    when not."""
    require(user, competition, Action.MANAGE_COMPETITIONS)


def can_register(user, competition: Competition, members: list) -> bool:
    """The organiser's managers, or a union below it registering its own members (managing
    competitions on the union of every member entered). The union must see the competition:
    a sibling branch registering its own members would otherwise learn that it exists."""
    if can_manage(user, competition):
        return True
    return (
        bool(members)
        and all(scoping.can(user, Action.MANAGE_COMPETITIONS, m.organisation) for m in members)
        and can_see(user, competition)
    )


def require_register(user, competition: Competition, members: list) -> None:
    if not can_register(user, competition, members):
        scoping.refuse(can_see(user, competition))


def require_verify_results(user, competition: Competition) -> None:
    """:func:`require_manage`, then ``same_person`` (400, on ``results``) for the one who
    computed them: the same refusal whatever the state of the results, so it is checked on the
    locked row."""
    require_manage(user, competition)
    if competition.results_computed_by_id == user.pk:
        raise field_error(
            "results", _("Someone other than who computed the results must verify them."), "same_person"
        )


def require_promote(user, member) -> None:
    """Accepting a grade recommendation changes the member's record: ``manage_members`` on
    their union as well (403: the recommendation is the manager's to see)."""
    if not scoping.can(user, Action.MANAGE_MEMBERS, member.organisation):
        raise PermissionDenied


# ---- marking -----------------------------------------------------------------------------


def can_mark(user, sheet: Sheet) -> bool:
    """Who may mark this sheet: a judge assigned to its section and not stood down for its
    competitor, or the substitute named for that competitor and section."""
    if not user.is_authenticated:
        return False
    subs = Substitution.objects.filter(entry_id=sheet.entry_id, section_id=sheet.section_id)
    if subs.filter(substitute=user).exists():
        return True
    if subs.filter(conflicted_judge=user).exists():
        return False
    return JudgeAssignment.objects.filter(section_id=sheet.section_id, judge=user).exists()


def can_edit_sheet(user, sheet: Sheet) -> bool:
    """Open the marking page, justify a spread, sign off, ask for a correction: the sheet's
    judges and the competition's managers."""
    return can_manage(user, sheet.competition) or can_mark(user, sheet)


def require_edit_sheet(user, sheet: Sheet) -> None:
    if not can_edit_sheet(user, sheet):
        scoping.refuse(can_see(user, sheet.competition))


def _require_second_person(user, correction: Correction, message: str) -> None:
    require_manage(user, correction.sheet.competition)
    if correction.requested_by_id == user.pk:
        raise field_error("approver", message, "same_person")


def require_approve_correction(user, correction: Correction) -> None:
    """A manager other than the one who asked for the correction (``same_person``, 400)."""
    _require_second_person(user, correction, _("A second person must approve the correction."))


def require_reject_correction(user, correction: Correction) -> None:
    """As :func:`require_approve_correction`."""
    _require_second_person(user, correction, _("A second person must decide the correction."))


# ---- appeals -----------------------------------------------------------------------------


def can_supervise(user, competition: Competition) -> bool:
    """Decide appeals: ``supervise`` on the organiser (never its managers: nobody judges their
    own work)."""
    return scoping.can(user, Action.SUPERVISE, competition.organisation)


def require_supervise(user, competition: Competition) -> None:
    require(user, competition, Action.SUPERVISE)


def can_appeal(user, entry: Entry) -> bool:
    """The competitor themself, or ``manage_members`` on a competitor's union."""
    members = [em.member for em in entry.competitors.select_related("member__organisation")]
    own = member_of(user)
    if own is not None and any(m.pk == own.pk for m in members):
        return True
    return any(scoping.can(user, Action.MANAGE_MEMBERS, m.organisation) for m in members)


def require_appeal(user, entry: Entry) -> None:
    if not can_appeal(user, entry):
        scoping.refuse(can_see(user, entry.competition))
