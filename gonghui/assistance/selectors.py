"""Scoped reads of hardship files. Out of scope is 404, like missing."""

import datetime

from django.db.models import Count, QuerySet
from django.http import Http404
from django.utils import timezone

from gonghui.assistance.choices import Status
from gonghui.assistance.models import DibaoStandard, Household, RiskAlert
from gonghui.members import selectors as member_selectors
from gonghui.members.models import Member
from gonghui.organisations import scoping

Action = scoping.Action


def households_visible_to(user, action: str = Action.VIEW) -> QuerySet:
    return scoping.restrict(Household.objects.all(), user, action).select_related("organisation", "head")


def household_or_404(user, household_id, action: str = Action.VIEW) -> Household:
    h = households_visible_to(user, action).filter(pk=household_id).first()
    if h is None:
        raise Http404
    return h


def household_queue(
    user, *, status: str = "", overdue_only: bool = False, today: datetime.date | None = None
):
    today = today or timezone.localdate()
    qs = households_visible_to(user)
    if status:
        qs = qs.filter(status=status)
    if overdue_only:
        qs = qs.filter(status=Status.FILED, next_review_on__lt=today)
    return qs.order_by("-created_at")


def overdue_reviews(user, today: datetime.date | None = None) -> QuerySet:
    """Filed households whose periodic review date has passed, oldest due first."""
    today = today or timezone.localdate()
    return (
        households_visible_to(user)
        .filter(status=Status.FILED, next_review_on__lt=today)
        .order_by("next_review_on")
    )


def household_of_user(user) -> Household | None:
    """The signed-in worker's own file, if they head one."""
    if not user.is_authenticated:
        return None
    return Household.objects.filter(head__user=user).select_related("organisation").first()


def member_of_user(user) -> Member | None:
    """The signed-in worker's own member record, if they have one."""
    if not user.is_authenticated:
        return None
    return Member.objects.filter(user=user).select_related("organisation").first()


def head_or_404(user, member_id) -> Member:
    """The head of a file about to be opened: the user's own member record (a worker applies
    for their household), or a member the user manages assistance for; else 404 (403 for a
    member they see but may not act for)."""
    own = member_of_user(user)
    if own is not None and own.pk == member_id:
        return own
    return member_selectors.member_or_404(user, member_id, Action.MANAGE_ASSISTANCE)


def dibao_rows(division_prefix: str = "") -> QuerySet:
    qs = DibaoStandard.objects.all()
    if division_prefix:
        qs = qs.filter(division_code__startswith=division_prefix)
    return qs.order_by("division_code", "-effective_from")


def open_alerts(user) -> QuerySet:
    """Open return-to-hardship alerts in the user's scope, the nearest re-visit deadline first."""
    return (
        scoping.restrict(RiskAlert.objects.filter(is_open=True), user, field="household__organisation")
        .select_related("household", "household__head", "household__organisation")
        .order_by("revisit_by")
    )


def alert_or_404(user, alert_id, household: Household | None = None):
    """An open alert in the user's scope (of ``household``, when given); 404 otherwise."""
    alerts = open_alerts(user).filter(pk=alert_id)
    if household is not None:
        alerts = alerts.filter(household=household)
    alert = alerts.first()
    if alert is None:
        raise Http404
    return alert


def attachments_of(household) -> QuerySet:
    """The documents of a file, without their bytes."""
    return household.attachments.defer("data").select_related("uploaded_by")


def attachment_or_404(user, household_id, attachment_id):
    """A document of a file the user sees; 404 otherwise (or when it belongs to another file)."""
    household = household_or_404(user, household_id)
    attachment = household.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404
    attachment.household = household
    return attachment


def recent_incomes(household, n: int = 12):
    return household.incomes.order_by("-month")[:n]


def alerts_of(household):
    """Every return-to-hardship alert of a file, the open ones first."""
    return household.alerts.order_by("-is_open", "-created_at")


def watch_per_union(user) -> list[dict]:
    """Per union in the user's scope: filed households whose review is overdue and open
    alerts, the unions with most first."""
    today = timezone.localdate()
    counts: dict = {}
    for row in (
        households_visible_to(user)
        .filter(status=Status.FILED, next_review_on__lt=today)
        .values("organisation__code", "organisation__name")
        .annotate(n=Count("id"))
    ):
        key = (row["organisation__code"], row["organisation__name"])
        counts.setdefault(key, {"overdue": 0, "alerts": 0})["overdue"] = row["n"]
    for row in (
        open_alerts(user)
        .values("household__organisation__code", "household__organisation__name")
        .annotate(n=Count("id"))
    ):
        key = (row["household__organisation__code"], row["household__organisation__name"])
        counts.setdefault(key, {"overdue": 0, "alerts": 0})["alerts"] = row["n"]
    rows = [{"code": code, "name": name, **c} for (code, name), c in counts.items()]
    return sorted(rows, key=lambda r: (-(r["overdue"] + r["alerts"]), r["code"]))
