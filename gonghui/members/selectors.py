"""Scoped reads of members, enrolments, transfers and statistics."""

import datetime

from django.core.exceptions import ValidationError
from django.db.models import F, OuterRef, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from gonghui.members import permissions
from gonghui.members.choices import IN_MEMBERSHIP, EnrolmentStatus, TransferStatus
from gonghui.members.models import Enrolment, Member, MembershipEvent, Transfer
from gonghui.organisations import scoping
from gonghui.organisations.models import Organisation

Action = scoping.Action


def members_visible_to(user, action: str = Action.VIEW) -> QuerySet:
    return scoping.restrict(Member.objects.all(), user, action)


def member_by_number(user, member_no: str) -> Member | None:
    """The member with ``member_no`` (as typed: spaces and case forgiven) in ``user``'s scope,
    else None — missing and not yours alike, for an officer's picker whose service then says
    "no such member in your scope"."""
    member_no = (member_no or "").strip().upper()
    if not member_no:
        return None
    return members_visible_to(user).filter(member_no=member_no).select_related("organisation").first()


def member_or_404(user, member_id, action: str = Action.VIEW) -> Member:
    """A member in the user's scope, else 404 — the same answer for 'missing' and 'not yours'.
    A member may always read their own record."""
    try:
        member = Member.objects.select_related("organisation").get(pk=member_id)
    except (Member.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404 from None
    if action == Action.VIEW and permissions.is_own(user, member):
        return member
    scoping.require(user, Action.VIEW, member.organisation)
    if action != Action.VIEW:
        scoping.require(user, action, member.organisation)
    return member


# The columns a roster row shows (the officer list page and ``GET /api/v1/members``): the
# member row is some 40 columns and its union's another 25.
LIST_FIELDS = (
    "id",
    "name",
    "member_no",
    "status",
    "gender",
    "id_number_masked",
    "phone_masked",
    "employment_form",
    "joined_on",
    "organisation",
    "organisation__code",
    "organisation__name",
)


def member_list(
    user,
    q: str = "",
    *,
    organisation: Organisation | None = None,
    status: str = "",
    employment_form: str = "",
) -> QuerySet:
    """``search`` with only the columns of a roster row (``LIST_FIELDS``): its ``count()``
    stays the cheap exact one ``search`` gives."""
    found = search(user, q, organisation=organisation, status=status, employment_form=employment_form)
    return found.only(*LIST_FIELDS)


def search(
    user,
    q: str = "",
    *,
    organisation: Organisation | None = None,
    status: str = "",
    employment_form: str = "",
) -> QuerySet:
    """Members in scope matching ``q``: exact ID number or phone (through the blind index),
    member number (exact or prefix), Chinese name, full pinyin or initials (prefix of any
    reading, through ``MemberSearchKey``), exact matches first; without ``q`` newest record
    first. ``count()`` is exact and cheap for the list without a query (the subtree counters)
    and for a name search without status or form (the search keys). See ``members.search``."""
    from gonghui.members import search as member_search

    return member_search.search(
        user, q, organisation=organisation, status=status, employment_form=employment_form
    )


def member_history(member: Member) -> QuerySet:
    return member.events.select_related("organisation", "from_organisation", "actor").order_by(
        "-effective_on", "-created_at"
    )


def stats(organisation: Organisation) -> dict:
    """Counts for a subtree: members in membership, organisations, and the breakdowns the
    dashboard shows — read from the subtree counters (``members.counters``), which every member
    write keeps in step with the member table. Ages are at month precision."""
    from gonghui.members import counters

    return counters.subtree_stats(organisation)


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
    return latest_ids.filter(permissions.in_subtree(organisation), to_status__in=IN_MEMBERSHIP).count()


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


def own_member(user) -> Member | None:
    """The member record linked to the user's login, if any."""
    if not user.is_authenticated:
        return None
    return Member.objects.filter(user_id=user.pk).select_related("organisation").first()
