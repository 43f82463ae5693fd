"""Scoped reads of activities and sign-ups (the rules are in ``permissions``; this module
answers the same questions for many rows at once)."""

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from gonghui.activities import permissions
from gonghui.activities.choices import PLACE_TAKING_STATUSES, Audience, SignupStatus, Status
from gonghui.activities.models import Activity, Signup
from gonghui.members.choices import IN_MEMBERSHIP
from gonghui.members.selectors import own_member
from gonghui.organisations import scoping
from gonghui.organisations.models import Organisation
from gonghui.organisations.scoping import Action


def with_counts(qs: QuerySet) -> QuerySet:
    """``qs`` with ``confirmed`` (places taken) and ``waitlisted`` counted, one query."""
    return qs.annotate(
        confirmed=Count("signups", filter=Q(signups__status__in=PLACE_TAKING_STATUSES), distinct=True),
        waitlisted=Count("signups", filter=Q(signups__status=SignupStatus.WAITLISTED), distinct=True),
    )


def _member_q(user) -> Q:
    """Members-only activities whose target (or, without targets, organiser) is the user's
    union or above it."""
    member = own_member(user) if permissions.signed_in(user) else None
    if member is None or member.status not in IN_MEMBERSHIP:
        return Q(pk__in=[])
    lineage = Organisation.lineage(member.organisation.path)
    targets = Activity.targets.through.objects.filter(activity_id=OuterRef("pk"))
    return Q(audience=Audience.MEMBERS) & (
        (Q(organisation__path__in=lineage) & ~Exists(targets))
        | Exists(targets.filter(organisation__path__in=lineage))
    )


def activities_visible_to(user) -> QuerySet:
    """Published and cancelled activities ``user`` may see (anyone: ``signed_in`` ones), and
    every activity, drafts too, of the unions they organise for."""
    if scoping.is_operator(user):
        return Activity.objects.all()
    shown = Q(status__in=[Status.PUBLISHED, Status.CANCELLED]) & (
        Q(audience=Audience.SIGNED_IN)
        | _member_q(user)
        | scoping.org_q(user, Action.VIEW, field="organisation")
    )
    managed = scoping.org_q(user, Action.MANAGE_ACTIVITIES, field="organisation")
    return Activity.objects.filter(shown | managed)


def activity_list(user, *, upcoming_only: bool = False, now=None) -> QuerySet:
    """What the activity list shows ``user``: visible, not drafts, with counts, soonest first."""
    qs = activities_visible_to(user).exclude(status=Status.DRAFT)
    if upcoming_only:
        qs = qs.filter(ends_at__gt=now or timezone.now())
    return with_counts(qs.select_related("organisation")).order_by("starts_at", "title")


def managed_activities(user) -> QuerySet:
    """Every activity (drafts too) of the unions where ``user`` organises activities."""
    qs = scoping.restrict(Activity.objects.all(), user, Action.MANAGE_ACTIVITIES)
    return with_counts(qs.select_related("organisation")).order_by("-starts_at")


def activity_or_404(user, activity_id) -> Activity:
    """The activity, with counts, if ``user`` may see it; 404 for missing and not visible."""
    activity = with_counts(Activity.objects.select_related("organisation")).filter(pk=activity_id).first()
    if activity is None:
        permissions.raise_not_found()
    permissions.require_view(user, activity)
    return activity


def managed_activity_or_404(user, activity_id) -> Activity:
    """The activity for its organisers: 404 when not visible, 403 when visible but not theirs."""
    activity = activity_or_404(user, activity_id)
    permissions.require_manage(user, activity.organisation)
    return activity


def signups_of(activity: Activity, *, status: str | None = None) -> QuerySet:
    """The activity's sign-ups for its organisers (the caller checked ``require_manage``):
    places first in order of arrival, then the waiting list in order."""
    qs = activity.signups.select_related("user", "member", "member__organisation", "reservation")
    if status:
        qs = qs.filter(status=status)
    # Places (no position) first on every database: PostgreSQL sorts NULL last, SQLite first.
    return qs.order_by(F("position").asc(nulls_first=True), "created_at")


def own_signup(user, activity: Activity) -> Signup | None:
    """The user's live sign-up for ``activity``, if any."""
    if not permissions.signed_in(user):
        return None
    return activity.signups.exclude(status=SignupStatus.CANCELLED).filter(user_id=user.pk).first()


def own_signups(user) -> QuerySet:
    """The user's sign-ups, live ones first, newest activity first."""
    return (
        Signup.objects.filter(user_id=user.pk)
        .select_related("activity", "activity__organisation")
        .order_by("-activity__starts_at", "-created_at")
    )


def queue_rank(signup: Signup) -> int | None:
    """Where a waiting sign-up stands now (1: next to get a place); None for any other."""
    if signup.status != SignupStatus.WAITLISTED:
        return None
    return Signup.objects.filter(
        activity_id=signup.activity_id, status=SignupStatus.WAITLISTED, position__lte=signup.position
    ).count()
