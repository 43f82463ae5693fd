"""Scoped reads of members, enrolments, transfers and statistics."""

import datetime

from django.core.exceptions import ValidationError
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from gonghui.core.validators import normalise_id_number, normalise_mobile
from gonghui.members import pinyin
from gonghui.members.choices import IN_MEMBERSHIP, NEW_EMPLOYMENT_FORMS, EnrolmentStatus, TransferStatus
from gonghui.members.models import Enrolment, Member, MembershipEvent, Transfer
from gonghui.members.services import personal
from gonghui.organisations import scoping
from gonghui.organisations.models import Organisation

Action = scoping.Action


def members_visible_to(user, action: str = Action.VIEW) -> QuerySet:
    return scoping.restrict(Member.objects.all(), user, action)


def member_or_404(user, member_id, action: str = Action.VIEW) -> Member:
    """A member in the user's scope, else 404 — the same answer for 'missing' and 'not yours'.
    A member may always read their own record."""
    try:
        member = Member.objects.select_related("organisation").get(pk=member_id)
    except (Member.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404 from None
    if action == Action.VIEW and getattr(user, "is_authenticated", False) and member.user_id == user.pk:
        return member
    scoping.require(user, Action.VIEW, member.organisation)
    if action != Action.VIEW:
        scoping.require(user, action, member.organisation)
    return member


def search(
    user,
    q: str = "",
    *,
    organisation: Organisation | None = None,
    status: str = "",
    employment_form: str = "",
) -> QuerySet:
    """Members in scope matching ``q``: exact ID number or phone (through the blind index),
    member number, Chinese name (prefix, then contains), full pinyin or initials (prefix of any
    reading). Exact matches are ranked first by the caller's ordering."""
    qs = members_visible_to(user).select_related("organisation")
    if organisation is not None:
        qs = qs.filter(organisation__path__startswith=organisation.path)
    if status:
        qs = qs.filter(status=status) if status != "active" else qs.filter(status__in=IN_MEMBERSHIP)
    if employment_form:
        qs = qs.filter(employment_form=employment_form)
    q = (q or "").strip()
    if not q:
        return qs.order_by("-joined_on", "member_no")
    compact = q.replace(" ", "")
    id_like = normalise_id_number(compact)
    if len(id_like) == 18 and id_like[:17].isdigit():
        return qs.filter(id_number_hash=personal.id_hash(id_like))
    phone = normalise_mobile(compact)
    if len(phone) == 11 and phone.isdigit() and phone.startswith("1"):
        return qs.filter(Q(phone_hash=personal.phone_hash(phone)) | Q(member_no=phone))
    if compact.isdigit():
        return qs.filter(member_no__startswith=compact).order_by("member_no")
    if pinyin.looks_like_pinyin(compact):
        key = " " + compact.lower()
        return qs.filter(Q(name_pinyin__contains=key) | Q(name_initials__contains=key)).order_by(
            "name", "member_no"
        )
    return qs.filter(name__contains=compact).order_by("name", "member_no")


def member_history(member: Member) -> QuerySet:
    return member.events.select_related("organisation", "from_organisation", "actor").order_by(
        "-effective_on", "-created_at"
    )


def stats(organisation: Organisation) -> dict:
    """Counts for a subtree: members in membership, organisations, and the breakdowns the
    dashboard shows."""
    today = timezone.localdate()
    members = Member.objects.filter(
        organisation__path__startswith=organisation.path, status__in=IN_MEMBERSHIP
    )
    month_start = today.replace(day=1)
    agg = members.aggregate(
        total=Count("pk"),
        new_this_month=Count("pk", filter=Q(joined_on__gte=month_start)),
        migrant=Count("pk", filter=Q(is_migrant_worker=True)),
        new_forms=Count("pk", filter=Q(employment_form__in=NEW_EMPLOYMENT_FORMS)),
        female=Count("pk", filter=Q(gender="F")),
        male=Count("pk", filter=Q(gender="M")),
    )
    by_status = dict(members.values_list("status").annotate(n=Count("pk")).order_by())
    by_form = dict(members.values_list("employment_form").annotate(n=Count("pk")).order_by())
    bands = {}
    for label, lo, hi in (
        ("<25", 0, 25),
        ("25-34", 25, 35),
        ("35-44", 35, 45),
        ("45-54", 45, 55),
        ("55+", 55, 200),
    ):
        newest = _years_before(today, lo)
        oldest = _years_before(today, hi)
        bands[label] = members.filter(birth_date__gt=oldest, birth_date__lte=newest).count()
    orgs = Organisation.objects.filter(path__startswith=organisation.path)
    enrol = Enrolment.objects.filter(
        organisation__path__startswith=organisation.path, status=EnrolmentStatus.PENDING
    )
    return {
        "members": agg["total"],
        "organisations": orgs.count(),
        "grassroots": orgs.filter(kind="grassroots").count(),
        "new_this_month": agg["new_this_month"],
        "migrant_workers": agg["migrant"],
        "new_employment_forms": agg["new_forms"],
        "by_gender": {"M": agg["male"], "F": agg["female"]},
        "by_status": by_status,
        "by_employment_form": by_form,
        "by_age_band": bands,
        "enrolments_pending": enrol.count(),
        "enrolments_overdue": enrol.filter(due_on__lt=today).count(),
    }


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def count_at(organisation: Organisation, on: datetime.date) -> int:
    """Members in membership in the subtree on date ``on``, replayed from the events: for each
    member the last event effective on or before that date decides status and union."""
    last = MembershipEvent.objects.filter(member=OuterRef("member"), effective_on__lte=on).order_by(
        "-effective_on", "-created_at"
    )
    latest_ids = (
        MembershipEvent.objects.filter(effective_on__lte=on)
        .annotate(last_id=Subquery(last.values("id")[:1]))
        .filter(id=F("last_id"))
    )
    return latest_ids.filter(
        to_status__in=IN_MEMBERSHIP, organisation__path__startswith=organisation.path
    ).count()


def enrolment_queue(user, *, status: str = EnrolmentStatus.PENDING, overdue_only: bool = False) -> QuerySet:
    qs = scoping.restrict(Enrolment.objects.select_related("organisation"), user, Action.VIEW)
    if status:
        qs = qs.filter(status=status)
    if overdue_only:
        qs = qs.filter(status=EnrolmentStatus.PENDING, due_on__lt=timezone.localdate())
    return qs.order_by("due_on", "submitted_at")


def enrolment_or_404(user, enrolment_id, action: str = Action.VIEW) -> Enrolment:
    try:
        enrolment = Enrolment.objects.select_related("organisation", "member").get(pk=enrolment_id)
    except (Enrolment.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404 from None
    scoping.require(user, Action.VIEW, enrolment.organisation)
    if action != Action.VIEW:
        scoping.require(user, action, enrolment.organisation)
    return enrolment


def enrolment_public(enrolment_id) -> Enrolment:
    """For the applicant's status page: by the unguessable id only."""
    try:
        return Enrolment.objects.select_related("organisation").get(pk=enrolment_id)
    except (Enrolment.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404 from None


def transfers_visible_to(user) -> QuerySet:
    """Transfers where either side is in the user's scope: both unions see the case."""
    qs = Transfer.objects.select_related("member", "from_organisation", "to_organisation")
    if scoping.is_operator(user):
        return qs
    q = scoping.org_q(user, Action.VIEW, field="from_organisation") | scoping.org_q(
        user, Action.VIEW, field="to_organisation"
    )
    return qs.filter(q)


def transfer_queue(user, *, open_only: bool = True) -> QuerySet:
    qs = transfers_visible_to(user)
    if open_only:
        qs = qs.filter(status__in=[TransferStatus.REQUESTED, TransferStatus.RELEASED])
    return qs.order_by("due_on", "-requested_at")


def transfer_or_404(user, transfer_id) -> Transfer:
    try:
        transfer = transfers_visible_to(user).get(pk=transfer_id)
    except (Transfer.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404 from None
    return transfer


def own_transfers(member: Member) -> QuerySet:
    return member.transfers.select_related("from_organisation", "to_organisation").order_by("-requested_at")
