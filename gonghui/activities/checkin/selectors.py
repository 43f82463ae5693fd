"""Reads of check-ins, attendance and reports (scoped through the activity's union)."""

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from gonghui.activities.checkin import permissions
from gonghui.activities.checkin.services import CHECKIN_STATUSES, computed_minutes
from gonghui.activities.choices import SignupStatus
from gonghui.activities.models import Activity, ActivityReport, Attendance, CheckIn, ReportPhoto, Signup
from gonghui.news.choices import Audience as NewsAudience
from gonghui.news.choices import Status as NewsStatus
from gonghui.organisations import scoping
from gonghui.organisations.scoping import Action


def activity_to_run_or_404(user, activity_id) -> Activity:
    """An activity ``user`` may run the check-in of: 404 when missing or out of scope, 403
    when visible but not manageable."""
    activity = Activity.objects.select_related("organisation").filter(pk=activity_id).first()
    if activity is None:
        raise Http404
    permissions.require_run(user, activity)
    return activity


def attendance_rows(activity: Activity) -> list[dict]:
    """Each sign-up holding a place (or marked attended or no-show), with its check-in and
    check-out times, the computed minutes and the certified ones."""
    signups = (
        Signup.objects.filter(activity=activity, status__in=(*CHECKIN_STATUSES, SignupStatus.NO_SHOW))
        .select_related("user", "member", "attendance")
        .prefetch_related(Prefetch("checkins", queryset=CheckIn.objects.order_by("at")))
        .order_by("created_at")
    )
    rows = []
    for signup in signups:
        checkins = list(signup.checkins.all())
        times = {c.direction: c for c in checkins}
        rows.append(
            {
                "signup": signup,
                "name": signup.member.name
                if signup.member
                else signup.user.get_full_name() or signup.user.get_username(),
                "checked_in": times.get("in"),
                "checked_out": times.get("out"),
                "computed": computed_minutes(activity, checkins),
                "attendance": getattr(signup, "attendance", None),
            }
        )
    return rows


def signup_of_activity_or_404(activity: Activity, signup_id) -> Signup:
    signup = (
        Signup.objects.select_related("activity", "activity__organisation")
        .filter(pk=signup_id, activity=activity)
        .first()
    )
    if signup is None:
        raise Http404
    return signup


def hours_of_user(user) -> QuerySet:
    """The certified hours of ``user``'s own sign-ups, newest activity first."""
    return (
        Attendance.objects.filter(signup__user=user)
        .select_related("signup__activity", "signup__activity__organisation")
        .order_by("-signup__activity__starts_at")
    )


def hours_of_member(member) -> QuerySet:
    """The certified hours of a member's sign-ups (by the member record or their account)."""
    who = Q(signup__member=member)
    if member.user_id:
        who |= Q(signup__user_id=member.user_id)
    return (
        Attendance.objects.filter(who)
        .select_related("signup__activity", "signup__activity__organisation")
        .order_by("-signup__activity__starts_at")
    )


def report_of(activity: Activity) -> ActivityReport | None:
    return ActivityReport.objects.filter(activity=activity).select_related("news_item").first()


def report_photo_or_404(user, photo_id) -> ReportPhoto:
    """A report's photo, for whoever may read the activity's union (officers in scope, the news
    reviewers above it) or anyone once the report's news item is public and published."""
    photo = (
        ReportPhoto.objects.select_related("report__activity__organisation", "report__news_item")
        .filter(pk=photo_id)
        .first()
    )
    if photo is None:
        raise Http404
    item = photo.report.news_item
    if item is not None and item.status == NewsStatus.PUBLISHED and item.audience == NewsAudience.PUBLIC:
        return photo
    if not scoping.can(user, Action.VIEW, photo.report.activity.organisation):
        raise Http404
    return photo
