"""Scoped reads of members, enrolments, transfers and statistics."""

import datetime

from django.core.exceptions import ValidationError
from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from gonghui.core import divisions
from gonghui.members import permissions
from gonghui.members.choices import HOLDS_MEMBERS, IN_MEMBERSHIP, EnrolmentStatus, TransferStatus
from gonghui.members.models import Enrolment, Member, MembershipEvent, Transfer
from gonghui.members.pinyin import phrase_keys
from gonghui.organisations import scoping
from gonghui.organisations.choices import Kind
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


def own_enrolments(user) -> QuerySet:
    """The online applications of the signed-in person, newest first: those filed with the
    account's phone (the same blind index on both sides, nothing decrypted) and the one that
    made their member record. Nothing for an account without either."""
    if not user.is_authenticated:
        return Enrolment.objects.none()
    q = Q(pk__in=[])
    if user.phone_hash:
        q |= Q(phone_hash=user.phone_hash)
    member = own_member(user)
    if member is not None:
        q |= Q(member=member)
    return Enrolment.objects.filter(q).select_related("organisation").order_by("-submitted_at")


def transfer_targets(q: str, *, exclude: Organisation | None = None, limit: int = 20) -> list[Organisation]:
    """The unions a member may ask to move to, found by what a person knows of them: part of
    the name or short name (快递), its pinyin or pinyin initials (kuaidi, ytkd), or the
    district, city or province it is in (雁塔). Never by code: a worker does not know it.
    Any active union that holds members, in the whole country (a union's name is public, like
    its code — see :func:`organisations.selectors.transfer_target`); ``exclude`` (the member's
    own union) left out. Names starting with ``q`` come first, then grassroots unions before
    federations, by name. Empty for an empty ``q``.

    The pinyin is computed per name and cached in the process (:func:`pinyin.phrase_keys`):
    fine for the thousands of unions of a province; a national deployment would keep the keys
    in a table as members' search does."""
    q = "".join((q or "").split())[:40]
    if not q:
        return []
    candidates = Organisation.objects.filter(is_active=True, kind__in=HOLDS_MEMBERS)
    if exclude is not None:
        candidates = candidates.exclude(pk=exclude.pk)
    if q.isascii():
        needle = q.lower()
        ids = [
            pk
            for pk, name in candidates.values_list("pk", "name")
            if needle in phrase_keys(name)[0] or phrase_keys(name)[1].startswith(needle)
        ]
        match = Q(pk__in=ids) | Q(name__icontains=q) | Q(short_name__icontains=q)
    else:
        match = (
            Q(name__icontains=q)
            | Q(short_name__icontains=q)
            | Q(division_code__in=sorted(divisions.codes_named(q)))
        )
    found = list(candidates.filter(match).order_by("name")[: limit * 5])
    kind_order = {Kind.GRASSROOTS: 0, Kind.STREET: 1, Kind.COUNTY: 2, Kind.FEDERATION: 3}
    found.sort(key=lambda o: (not o.name.startswith(q), kind_order.get(o.kind, 9), o.name))
    return found[:limit]


def transfer_target_by_id(organisation_id) -> Organisation | None:
    """The union a member chose from :func:`transfer_targets`, by its id (None when it is not
    one a member may move to: missing, inactive or not holding members)."""
    try:
        return Organisation.objects.filter(pk=organisation_id, is_active=True, kind__in=HOLDS_MEMBERS).first()
    except (ValueError, TypeError, ValidationError):
        return None
