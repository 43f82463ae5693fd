"""Reading requests within the user's scope, and the on-time and satisfaction rates."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from gonghui.core.figures import percent
from gonghui.members.models import Member
from gonghui.organisations import scoping
from gonghui.organisations.models import Organisation
from gonghui.rights import permissions
from gonghui.rights.choices import OPEN_STATUSES, Category, RequestStatus, TransferStatus
from gonghui.rights.models import Evidence, LegalAid, PracticalNeed, Request, RequestTransfer

Action = scoping.Action
# Legal-aid cases with fewer days than this before the arbitration limitation runs out are
# shown as reminders.
DEADLINE_WARNING = datetime.timedelta(days=30)


def request_queue(user, *, status: str = "", overdue_only: bool = False) -> QuerySet:
    """Requests held by unions in the user's scope, plus those offered to them by transfer."""
    if scoping.is_operator(user):
        qs = Request.objects.all()
    else:
        incoming = RequestTransfer.objects.filter(
            scoping.org_q(user, Action.VIEW, field="to_organisation"), status=TransferStatus.PENDING
        ).values("request_id")
        qs = Request.objects.filter(
            scoping.org_q(user, Action.VIEW, field="organisation") | Q(pk__in=incoming)
        )
    if status == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif status:
        qs = qs.filter(status=status)
    if overdue_only:
        qs = qs.filter(status__in=OPEN_STATUSES, due_on__lt=timezone.localdate())
    return qs.select_related("organisation", "routed_to").order_by("due_on", "submitted_at")


def requests_for(user, *, status: str = "", overdue_only: bool = False) -> QuerySet:
    """The requests list of the API: an officer's queue (:func:`request_queue`), else the
    caller's own requests."""
    if scoping.has_any(user, Action.VIEW):
        return request_queue(user, status=status, overdue_only=overdue_only)
    return own_requests(user)


def own_requests(user) -> QuerySet:
    if not user.is_authenticated:
        return Request.objects.none()
    return (
        Request.objects.filter(Q(user_id=user.pk) | Q(member__user_id=user.pk))
        .select_related("organisation", "routed_to")
        .order_by("-submitted_at")
    )


def own_request_or_404(user, pk) -> Request:
    """One of the user's own requests (filed by them, or for their member record); anyone
    else's — even one the user handles as an officer — and a missing one are 404."""
    req = own_requests(user).filter(pk=pk).first()
    if req is None:
        raise Http404
    return req


def request_or_404(user, pk) -> Request:
    """A request the user may see as an officer, or their own; anything else is 404."""
    req = request_queue(user).filter(pk=pk).first() or own_requests(user).filter(pk=pk).first()
    if req is None:
        raise Http404
    return req


def request_public_or_none(pk) -> Request | None:
    return Request.objects.select_related("organisation", "routed_to").filter(pk=pk).first()


def request_public(pk) -> Request:
    """For the worker's progress page (masked data only), found by the request's id."""
    req = request_public_or_none(pk)
    if req is None:
        raise Http404
    return req


def request_by_number(number: str) -> Request | None:
    """The request with that short number (``RQ…``), or None; callers decide who may know."""
    return Request.objects.select_related("organisation", "routed_to").filter(number=number).first()


def timeline(req: Request):
    return req.events.select_related("organisation", "actor").order_by("at", "id")


def pending_transfer(req: Request) -> RequestTransfer | None:
    return (
        req.transfers.filter(status=TransferStatus.PENDING)
        .select_related("from_organisation", "to_organisation")
        .first()
    )


def transfers(req: Request):
    return req.transfers.select_related("from_organisation", "to_organisation").order_by("-created_at")


def transfer_or_404(user, pk) -> RequestTransfer:
    t = (
        RequestTransfer.objects.select_related("request", "from_organisation", "to_organisation")
        .filter(pk=pk)
        .first()
    )
    if t is None or not (
        scoping.can(user, Action.VIEW, t.to_organisation)
        or scoping.can(user, Action.VIEW, t.from_organisation)
    ):
        raise Http404
    return t


def arrears_workers(req: Request):
    return req.arrears_workers.all()


def recovered_total(req: Request) -> Decimal:
    return req.recoveries.aggregate(total=Sum("amount"))["total"] or Decimal("0.00")


def recoveries(req: Request):
    return req.recoveries.all()


@dataclass(frozen=True)
class Rates:
    total: int
    open: int
    overdue: int
    closed: int
    on_time: int
    rated: int
    satisfied: int

    @property
    def on_time_rate(self) -> Decimal | None:
        """Closed on or before the due date ÷ closed, in per cent."""
        return percent(self.on_time, self.closed)

    @property
    def satisfaction_rate(self) -> Decimal | None:
        """Rated 4 or 5 ÷ rated, in per cent."""
        return percent(self.satisfied, self.rated)


def rates(organisation: Organisation, *, subtree: bool = True) -> Rates:
    """On-time and satisfaction rates of the requests held by ``organisation`` (and, with
    ``subtree``, every union below it)."""
    if subtree:
        qs = Request.objects.filter(permissions.held_within(organisation))
    else:
        qs = Request.objects.filter(organisation=organisation)
    row = qs.aggregate(
        total=Count("pk"),
        open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        overdue=Count("pk", filter=Q(status__in=OPEN_STATUSES, due_on__lt=timezone.localdate())),
        closed=Count("pk", filter=Q(status=RequestStatus.CLOSED)),
        on_time=Count("pk", filter=Q(status=RequestStatus.CLOSED, closed_on_time=True)),
        rated=Count("pk", filter=Q(rating__isnull=False)),
        satisfied=Count("pk", filter=Q(rating__gte=4)),
    )
    return Rates(**row)


def rates_table(user, organisation: Organisation) -> list[tuple[Organisation, Rates, Rates]]:
    """The union and its direct children: (union, own rates, subtree rates)."""
    scoping.require(user, Action.VIEW, organisation)
    rows = [(organisation, rates(organisation, subtree=False), rates(organisation))]
    for child in organisation.get_children().filter(is_active=True).order_by("code"):
        rows.append((child, rates(child, subtree=False), rates(child)))
    return rows


def own_member(user):
    """The member record linked to the user's login, if any."""
    if not user.is_authenticated:
        return None
    return Member.objects.filter(user_id=user.pk).first()


def public_needs(organisation):
    """The union's practical needs for its public page (no personal data)."""
    return PracticalNeed.objects.filter(organisation=organisation).only(
        "title", "owner", "deadline", "status", "progress", "rating", "source"
    )


def legal_aid_of(req: Request) -> LegalAid | None:
    return LegalAid.objects.filter(request=req).first()


def legal_aid_near_deadline(user, today=None):
    """Open legal-aid cases in scope with fewer than 30 days of arbitration limitation left."""
    today = today or timezone.localdate()
    return (
        LegalAid.objects.filter(
            request__in=request_queue(user),
            outcome="",
            limitation_ends_on__lt=today + DEADLINE_WARNING,
        )
        .select_related("request", "request__organisation")
        .order_by("limitation_ends_on")
    )


def needs_in_scope(user):
    return scoping.restrict(PracticalNeed.objects.select_related("organisation"), user).order_by("deadline")


def need_or_404(user, pk):
    need = needs_in_scope(user).filter(pk=pk).first()
    if need is None:
        raise Http404
    return need


def evidence_of(aid):
    return aid.evidence.defer("data")


def evidence_or_404(user, pk):
    ev = Evidence.objects.select_related("legal_aid").filter(pk=pk).first()
    if ev is None or not request_queue(user).filter(pk=ev.legal_aid.request_id).exists():
        raise Http404
    return ev


def wage_arrears_cases(user, *, status: str = "", overdue_only: bool = False) -> QuerySet:
    """Wage-arrears cases in scope, with what has been recovered so far (one query)."""
    return (
        request_queue(user, status=status, overdue_only=overdue_only)
        .filter(category=Category.WAGE_ARREARS)
        .annotate(recovered=Sum("recoveries__amount"))
    )


def wage_arrears_or_404(user, pk) -> Request:
    req = request_or_404(user, pk)
    if req.category != Category.WAGE_ARREARS:
        raise Http404
    return req


def legal_aid_cases(user, *, outcome: str | None = None, near_deadline: bool = False, today=None) -> QuerySet:
    """Legal-aid cases whose request is in scope; ``outcome=""`` the open ones; the nearest
    arbitration deadline first, cases without a running limitation last."""
    qs = LegalAid.objects.filter(request__in=request_queue(user).values("pk"))
    if outcome is not None:
        qs = qs.filter(outcome=outcome)
    if near_deadline:
        today = today or timezone.localdate()
        qs = qs.filter(outcome="", limitation_ends_on__lt=today + DEADLINE_WARNING)
    return qs.select_related("request", "request__organisation").order_by(
        F("limitation_ends_on").asc(nulls_last=True), "request__submitted_at"
    )


def legal_aid_or_404(user, pk):
    aid = legal_aid_cases(user).filter(pk=pk).first()
    if aid is None:
        raise Http404
    return aid


def needs_filtered(user, *, status: str = "", organisation=None) -> QuerySet:
    qs = needs_in_scope(user)
    if status:
        qs = qs.filter(status=status)
    if organisation is not None:
        qs = qs.filter(permissions.held_within(organisation))
    return qs


def public_union_or_404(code: str) -> Organisation:
    """An active union by its code, for its public list of practical needs (codes and names
    are public); an unknown or inactive one is 404."""
    org = Organisation.objects.filter(code=code, is_active=True).first()
    if org is None:
        raise Http404
    return org
