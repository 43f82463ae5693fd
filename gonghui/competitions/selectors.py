"""Scoped reads of competitions.

Who sees a competition, and who may do what with it, is decided in ``permissions`` (its
scope is wider than the organiser's subtree: unions inside it, members below it and its
judges see it too). Results that are not yet published are visible only to managers.
Everything else answers 404.
"""

import unicodedata

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from gonghui.competitions import permissions
from gonghui.competitions.choices import AppealStatus, RecommendationStatus, SheetStatus, Status
from gonghui.competitions.models import (
    Appeal,
    Aspect,
    Competition,
    Correction,
    Entry,
    EntryMember,
    JudgeAssignment,
    Mark,
    Recommendation,
    Result,
    Section,
    Sheet,
    Substitution,
)
from gonghui.members import selectors as member_selectors
from gonghui.organisations import scoping
from gonghui.organisations.models import Organisation

Action = scoping.Action


def competitions_visible_to(user) -> QuerySet:
    return Competition.objects.select_related("organisation").filter(permissions.visible_q(user))


def competition_list(user, *, status: str = "", q: str = "") -> QuerySet:
    qs = competitions_visible_to(user)
    if status:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(occupation__icontains=q))
    return qs.order_by("-registration_opens", "title")


def competition_or_404(user, competition_id, action: str = Action.VIEW) -> Competition:
    """A competition the user may see, else 404; with another ``action`` (manage,
    supervise) 403 when visible but not allowed."""
    try:
        competition = Competition.objects.select_related("organisation", "previous_stage").get(
            pk=competition_id
        )
    except (Competition.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404 from None
    permissions.require(user, competition, action)
    return competition


def _child_or_404(user, model, obj_id, related: tuple[str, ...], action: str):
    try:
        obj = model.objects.select_related(*related).get(pk=obj_id)
    except (model.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404 from None
    competition_or_404(user, obj.competition_id, action)
    return obj


def entry_or_404(user, entry_id, action: str = Action.VIEW) -> Entry:
    return _child_or_404(user, Entry, entry_id, ("competition__organisation",), action)


def sheet_or_404(user, sheet_id, action: str = Action.VIEW) -> Sheet:
    return _child_or_404(user, Sheet, sheet_id, ("competition__organisation", "entry", "section"), action)


def correction_or_404(user, correction_id, action: str = Action.VIEW) -> Correction:
    try:
        obj = Correction.objects.select_related("sheet__competition__organisation", "aspect").get(
            pk=correction_id
        )
    except (Correction.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404 from None
    competition_or_404(user, obj.sheet.competition_id, action)
    return obj


def appeal_or_404(user, appeal_id, action: str = Action.VIEW) -> Appeal:
    return _child_or_404(user, Appeal, appeal_id, ("competition__organisation", "entry"), action)


def recommendation_or_404(user, rec_id, action: str = Action.VIEW) -> Recommendation:
    return _child_or_404(
        user, Recommendation, rec_id, ("competition__organisation", "member__organisation", "entry"), action
    )


# ---- scheme, entries, judges -------------------------------------------------------------


def sections_with_aspects(competition: Competition) -> list[Section]:
    return list(
        Section.objects.filter(competition=competition).prefetch_related(
            Prefetch("aspects", queryset=Aspect.objects.order_by("order", "code"))
        )
    )


def aspect_by_code(competition: Competition, code: str) -> Aspect | None:
    return Aspect.objects.select_related("section").filter(competition=competition, code=code).first()


def entries(competition: Competition) -> list[Entry]:
    return list(
        Entry.objects.filter(competition=competition).prefetch_related(
            Prefetch("competitors", queryset=EntryMember.objects.select_related("member__organisation"))
        )
    )


def entry_by_number(competition: Competition, number) -> Entry | None:
    try:
        return Entry.objects.filter(competition=competition, number=int(number)).first()
    except (TypeError, ValueError):
        return None


def entry_members(entry: Entry) -> list:
    return [
        em.member for em in EntryMember.objects.filter(entry=entry).select_related("member__organisation")
    ]


def judges(competition: Competition) -> list[JudgeAssignment]:
    return list(
        JudgeAssignment.objects.filter(competition=competition)
        .select_related("judge", "section")
        .order_by("section__order", "judge__username")
    )


def substitutions(competition: Competition) -> list[Substitution]:
    return list(
        Substitution.objects.filter(competition=competition).select_related(
            "entry", "section", "conflicted_judge", "substitute"
        )
    )


def normalise_employer(text: str) -> str:
    """Employer names compared loosely: full-width to half-width, case and spaces and
    punctuation ignored (“西安某机械厂 ” = “西安某机械厂”)."""
    text = unicodedata.normalize("NFKC", text or "").casefold()
    return "".join(ch for ch in text if ch.isalnum())


def conflicts(judge_user, members) -> list[str]:
    """Why ``judge_user`` may not mark these competitors: same employer or same grassroots
    union as any of them (empty list: no conflict)."""
    own = permissions.member_of(judge_user)
    if own is None:
        return []
    reasons = []
    own_employer = normalise_employer(own.employer)
    for m in members:
        if own_employer and own_employer == normalise_employer(m.employer):
            reasons.append(f"employer:{m.pk}")
        if own.organisation_id == m.organisation_id:
            reasons.append(f"union:{m.pk}")
    return reasons


def competitions_judged_by(user) -> QuerySet:
    """The competitions a user is assigned to judge (or substitutes in), newest first."""
    if not user.is_authenticated:
        return Competition.objects.none()
    return (
        Competition.objects.select_related("organisation")
        .filter(
            Q(pk__in=JudgeAssignment.objects.filter(judge=user).values("competition_id"))
            | Q(pk__in=Substitution.objects.filter(substitute=user).values("competition_id"))
        )
        .order_by("-registration_opens")
    )


def sheets_for_judge(user, competition: Competition) -> list[Sheet]:
    """The sheets a judge marks: of their sections (minus stood-down entries) plus their
    substitutions."""
    sections = JudgeAssignment.objects.filter(competition=competition, judge=user).values("section_id")
    stood_down = Substitution.objects.filter(competition=competition, conflicted_judge=user)
    subs = Substitution.objects.filter(competition=competition, substitute=user)
    qs = Sheet.objects.filter(competition=competition).filter(
        Q(section_id__in=sections) | Q(pk__in=[s.pk for s in _sheets_of(subs)])
    )
    excluded = [s.pk for s in _sheets_of(stood_down)]
    return list(
        qs.exclude(pk__in=excluded)
        .select_related("entry", "section")
        .order_by("entry__number", "section__order")
    )


def _sheets_of(substitution_qs) -> list[Sheet]:
    q = Q(pk__in=[])
    for sub in substitution_qs:
        q |= Q(entry_id=sub.entry_id, section_id=sub.section_id)
    return list(Sheet.objects.filter(q))


def sheets_for(user, competition: Competition) -> list[Sheet]:
    """Every sheet for the competition's managers; a judge's own sheets for a judge."""
    if permissions.can_manage(user, competition):
        return sheets(competition)
    return sheets_for_judge(user, competition)


def sheets(competition: Competition) -> list[Sheet]:
    return list(
        Sheet.objects.filter(competition=competition)
        .select_related("entry", "section", "signed_off_by")
        .order_by("entry__number", "section__order")
    )


def sheet_for(entry: Entry, section: Section) -> Sheet | None:
    return (
        Sheet.objects.select_related("competition__organisation", "entry", "section")
        .filter(entry=entry, section=section)
        .first()
    )


def sheet_marks(sheet: Sheet) -> list[Mark]:
    return list(Mark.objects.filter(sheet=sheet).select_related("aspect", "judge"))


def corrections(competition: Competition) -> list[Correction]:
    return list(
        Correction.objects.filter(sheet__competition=competition)
        .select_related("sheet__entry", "sheet__section", "aspect", "judge", "requested_by", "decided_by")
        .order_by("-requested_at")
    )


# ---- results -----------------------------------------------------------------------------


def results(user, competition: Competition) -> list[Result]:
    """The stored results: everyone in scope once published; before that only managers."""
    if not permissions.can_see_results(user, competition):
        return []
    return list(
        Result.objects.filter(competition=competition)
        .select_related("entry")
        .prefetch_related(
            Prefetch(
                "entry__recommendations",
                queryset=Recommendation.objects.exclude(status=RecommendationStatus.SUPERSEDED).order_by(
                    "kind", "detail"
                ),
            )
        )
        .order_by("rank", "entry__number")
    )


def appeals(competition: Competition) -> list[Appeal]:
    return list(
        Appeal.objects.filter(competition=competition).select_related("entry", "filed_by", "decided_by")
    )


def recommendations(competition: Competition) -> list[Recommendation]:
    return list(
        Recommendation.objects.filter(competition=competition)
        .select_related("entry", "member", "decided_by")
        .order_by("entry__number", "kind")
    )


def members_by_number(user, numbers: list[str]) -> list:
    """Members in the user's scope by member number (for registering entries)."""
    return list(
        member_selectors.members_visible_to(user)
        .filter(member_no__in=[n.strip() for n in numbers if n.strip()])
        .select_related("organisation")
    )


def section_in(competition: Competition, section_id) -> Section | None:
    try:
        return (
            Section.objects.select_related("competition__organisation")
            .filter(competition=competition, pk=section_id)
            .first()
        )
    except (ValueError, ValidationError):
        return None


def user_by_username(username: str):
    """An active login by its username (judges are named by login)."""
    username = (username or "").strip()
    if not username:
        return None
    return get_user_model().objects.filter(username=username, is_active=True).first()


def entry_of_member(competition: Competition, member) -> Entry | None:
    """The entry a member competes in, if any."""
    if member is None:
        return None
    em = (
        EntryMember.objects.select_related("entry__competition__organisation")
        .filter(competition=competition, member=member)
        .first()
    )
    return em.entry if em else None


# ---- the home page of each role (gonghui.portal) ---------------------------------------------


def pending_appeals(user) -> QuerySet:
    """Appeals still to decide in competitions organised in the user's supervision
    (``supervise``) scope, oldest first: a supervisor's queue."""
    return (
        scoping.restrict(
            Appeal.objects.filter(status=AppealStatus.PENDING),
            user,
            Action.SUPERVISE,
            field="competition__organisation",
        )
        .select_related("competition", "entry")
        .order_by("filed_at")
    )


def open_sheets_of_judge(user) -> list[tuple[Competition, int]]:
    """``[(competition, sheets still open)]`` of the competitions in marking that ``user``
    judges, with at least one of their sheets not yet signed off: a judge's work."""
    work = []
    for competition in competitions_judged_by(user).filter(status=Status.MARKING):
        open_count = sum(1 for s in sheets_for_judge(user, competition) if s.status != SheetStatus.SIGNED_OFF)
        if open_count:
            work.append((competition, open_count))
    return work


def open_for_member(member, now=None) -> QuerySet:
    """Competitions taking registrations now and organised by the member's union or a union
    above it (the only ones whose scope can hold the member), closing soonest first."""
    now = now or timezone.now()
    return (
        Competition.objects.select_related("organisation")
        .filter(
            status=Status.REGISTRATION,
            registration_opens__lte=now,
            registration_closes__gte=now,
            organisation__path__in=Organisation.lineage(member.organisation.path),
        )
        .order_by("registration_closes", "title")
    )


def entered_competition_ids(member) -> set:
    """The ids of the competitions the member is entered in."""
    return set(EntryMember.objects.filter(member=member).values_list("competition_id", flat=True))


def entries_of_member(member) -> QuerySet:
    """Every entry ``member`` competes in (alone or in a team), newest competition first."""
    if member is None:
        return Entry.objects.none()
    return (
        Entry.objects.filter(competitors__member=member)
        .select_related("competition", "competition__organisation")
        .order_by("-competition__registration_opens")
        .distinct()
    )


def open_to_enter(member, now=None) -> QuerySet:
    """:func:`open_for_member` without the competitions ``member`` is already entered in: what
    they could still enter. Eligibility (age, grade) is told per competition by
    ``services.registration.eligibility_problems``."""
    if member is None:
        return Competition.objects.none()
    return open_for_member(member, now).exclude(
        pk__in=EntryMember.objects.filter(member=member).values("competition_id")
    )
