"""我的: the signed-in person's own pages — applications, requests, hardship file, transfers,
competitions, ideas, 认证 and the phone — for a member or a visitor signed in by phone.

Every page shows only the person's own rows (the selectors take the user, never an id of
someone else's: another person's request or competition answers 404), works without
JavaScript (plain forms, steps carried in the form) and writes only through the owning
app's services, by ``core.web.form_action``. The record, card and dues pages are members'
(``members:me``, ``members:card``) and are linked from the overview."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gonghui.accounts.services import phone as phone_services
from gonghui.assistance import selectors as assistance_selectors
from gonghui.assistance.choices import Status as HardshipStatus
from gonghui.competitions import selectors as competition_selectors
from gonghui.competitions.services import registration
from gonghui.core import divisions, throttle
from gonghui.core.web import dispatch, form_action, paginate
from gonghui.innovation import selectors as innovation_selectors
from gonghui.members import selectors as member_selectors
from gonghui.members.choices import OPEN_TRANSFER, TRANSFERABLE
from gonghui.members.services import accounts, transfers
from gonghui.portal import forms
from gonghui.rights import selectors as rights_selectors
from gonghui.rights.choices import OPEN_STATUSES
from gonghui.rights.choices import EventKind as RequestEventKind
from gonghui.rights.services import worker

# ---- the overview ------------------------------------------------------------------------


@login_required
@never_cache
@require_GET
def overview(request):
    """我的: who I am (member or visitor), and one line per page with what is waiting there."""
    user = request.user
    member = member_selectors.own_member(user)
    own_requests = rights_selectors.own_requests(user)
    return render(
        request,
        "portal/mine/overview.html",
        {
            "member": member,
            "open_requests": own_requests.filter(status__in=OPEN_STATUSES).count(),
            "requests": own_requests.count(),
            "applications": member_selectors.own_enrolments(user).count(),
            "household": assistance_selectors.household_of_user(user),
            "entries": competition_selectors.entries_of_member(member).count(),
            "open_competitions": competition_selectors.open_to_enter(member).count(),
            "ideas": innovation_selectors.idea_list(user, mine=True).count() if member else 0,
        },
    )


# ---- my applications (网上入会) --------------------------------------------------------------


@login_required
@never_cache
@require_GET
def applications(request):
    """My applications to join: those filed with my account's phone, and the one that made my
    member record — no saved address needed."""
    rows = [
        {"enrolment": e, "place": divisions.full_name(e.work_division)}
        for e in member_selectors.own_enrolments(request.user)
    ]
    return render(
        request,
        "portal/mine/applications.html",
        {"rows": rows, "has_phone": bool(request.user.phone_hash)},
    )


# ---- my requests (诉求) ---------------------------------------------------------------------


@login_required
@never_cache
@require_GET
def requests(request):
    """My requests, newest first, with their state and time limit."""
    page = paginate(request, rights_selectors.own_requests(request.user))
    return render(request, "portal/mine/requests.html", {"page": page})


def _render_request(request, req, *, information=None, rating=None, status=200):
    events = [
        {"event": e, "own_note": e.note if e.kind == RequestEventKind.INFORMATION else ""}
        for e in rights_selectors.timeline(req)
    ]
    return render(
        request,
        "portal/mine/request.html",
        {
            "req": req,
            "events": events,
            "information_form": information or forms.InformationForm(),
            "rating_form": rating or forms.OwnRatingForm(),
        },
        status=status,
    )


@login_required
@never_cache
@require_GET
def request_detail(request, request_id):
    """One of my requests: where it is, who holds it, the timeline and the reply; add
    information while it is open, rate it once after it is closed."""
    return _render_request(request, rights_selectors.own_request_or_404(request.user, request_id))


def _add_information(request, req):
    form = forms.InformationForm(request.POST)
    outcome = form_action(
        request,
        lambda data: worker.request_add_information(actor=request.user, request=req, text=data["text"]),
        form=form,
        success=_("Added. The union handling your request can read it now."),
    )
    return outcome, {"information": form}


def _rate(request, req):
    form = forms.OwnRatingForm(request.POST)
    outcome = form_action(
        request,
        lambda data: worker.request_rate(
            actor=request.user, request=req, rating=data["rating"], comment=data["comment"]
        ),
        form=form,
        success=_("Thank you for your rating."),
    )
    return outcome, {"rating": form}


# The buttons of my request's page: name in the URL → what it does.
REQUEST_ACTIONS = {"information": _add_information, "rate": _rate}


@login_required
@require_POST
def request_action(request, request_id, action):
    handler = dispatch(REQUEST_ACTIONS, action)
    req = rights_selectors.own_request_or_404(request.user, request_id)
    outcome, bound = handler(request, req)
    if outcome.ok:
        return redirect("portal:mine_request", request_id=req.pk)
    req = rights_selectors.own_request_or_404(request.user, request_id)
    return _render_request(request, req, status=400, **bound)


# ---- my hardship file (困难职工帮扶) ----------------------------------------------------------


def _next_step(household) -> str:
    """What happens next in the file, and what the head of the household still has to do."""
    status = household.status
    if status == HardshipStatus.APPLIED:
        return _(
            "Your union checks the application first. Keep ready: your ID card, the household "
            "register, proof of the family's income and bills for medical or school costs."
        )
    if status == HardshipStatus.SCREENED:
        return _(
            "Next, two people from your union visit your home. Be there with the documents, "
            "and sign the consent that lets the union check the family's income."
        )
    if status == HardshipStatus.VISITED:
        return _("The union above reviews your file now. Nothing is needed from you.")
    if status == HardshipStatus.REVIEWED:
        return _("Your file will be put on public notice in your union. Nothing is needed from you.")
    if status == HardshipStatus.PUBLICISED:
        return _("Your file is on public notice until %(date)s; then it is filed.") % {
            "date": household.notice_until.isoformat() if household.notice_until else "—"
        }
    if status == HardshipStatus.FILED:
        return _(
            "Your file is kept and reviewed every six months (next by %(date)s). Tell your union "
            "when the family's income, work or health changes."
        ) % {"date": household.next_review_on.isoformat() if household.next_review_on else "—"}
    return _("Your household keeps this file. If you are in hardship again, you can apply again.")


@login_required
@never_cache
@require_GET
def hardship(request):
    """My hardship file as head of the household: its state, the steps so far and what is
    still needed."""
    household = assistance_selectors.household_of_user(request.user)
    return render(
        request,
        "portal/mine/hardship.html",
        {
            "h": household,
            "member": member_selectors.own_member(request.user),
            "events": household.events.all() if household else [],
            "next_step": _next_step(household) if household else "",
        },
    )


# ---- my transfers, with the union chosen by name ------------------------------------------------


def _own_member_or_none(request):
    return member_selectors.own_member(request.user)


def _can_move(member, own_transfers) -> bool:
    return member.status in TRANSFERABLE and not any(t.status in OPEN_TRANSFER for t in own_transfers)


@login_required
@never_cache
@require_GET
def move(request):
    """My transfers, and asking to move: type part of the new union's name, its pinyin or
    its district → the matching unions → choose one → confirm (no code anywhere)."""
    member = _own_member_or_none(request)
    context = {"member": member, "transfers": [], "results": None, "open_statuses": OPEN_TRANSFER}
    if member is not None:
        own = list(member_selectors.own_transfers(member))
        context.update(transfers=own, can_move=_can_move(member, own))
        form = forms.UnionSearchForm(request.GET if "q" in request.GET else None)
        if form.is_bound and form.is_valid():
            context["results"] = [
                {"union": o, "place": divisions.full_name(o.division_code)}
                for o in member_selectors.transfer_targets(
                    form.cleaned_data["q"], exclude=member.organisation
                )
            ]
        context["form"] = form
    return render(request, "portal/mine/transfers.html", context)


def _chosen_union(member, organisation_id):
    union = member_selectors.transfer_target_by_id(organisation_id)
    if union is None or union.pk == member.organisation_id:
        raise Http404
    return union


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def move_confirm(request, organisation_id):
    """Step 3: the chosen union shown in full, the reason, and the request sent."""
    member = _own_member_or_none(request)
    if member is None:
        raise Http404
    union = _chosen_union(member, organisation_id)
    form = forms.MoveReasonForm(request.POST or None)
    status = 200
    if request.method == "POST":
        outcome = form_action(
            request,
            lambda data: transfers.transfer_request(
                actor=request.user, member=member, to_organisation=union, reason=data["reason"]
            ),
            form=form,
            success=_("Your request to move to %(union)s has been sent to %(old)s.")
            % {"union": union.name, "old": member.organisation.name},
        )
        if outcome.ok:
            return redirect("portal:mine_transfers")
        status = 400
    return render(
        request,
        "portal/mine/transfer_confirm.html",
        {
            "member": member,
            "union": union,
            "place": divisions.full_name(union.division_code),
            "form": form,
            "q": request.GET.get("q", "") or request.POST.get("q", ""),
        },
        status=status,
    )


@login_required
@require_POST
def move_cancel(request, transfer_id):
    """I withdraw my open transfer request."""
    member = _own_member_or_none(request)
    transfer = member_selectors.own_transfers(member).filter(pk=transfer_id).first() if member else None
    if transfer is None:
        raise Http404
    form_action(
        request,
        lambda: transfers.transfer_cancel(
            actor=request.user, transfer=transfer, reason=_("Cancelled by the member")
        ),
        success=_("Your transfer request has been cancelled."),
    )
    return redirect("portal:mine_transfers")


# ---- my competitions -------------------------------------------------------------------------


@login_required
@never_cache
@require_GET
def competitions(request):
    """My entries, and the competitions open to my union now with 我要报名, or the reason I
    cannot enter."""
    member = member_selectors.own_member(request.user)
    today = timezone.localdate()
    open_rows = [
        {
            "competition": c,
            "problems": [m for _code, m in registration.eligibility_problems(c, member, today)],
        }
        for c in competition_selectors.open_to_enter(member)
    ]
    return render(
        request,
        "portal/mine/competitions.html",
        {
            "member": member,
            "entries": competition_selectors.entries_of_member(member),
            "open_rows": open_rows,
        },
    )


@login_required
@require_POST
def competition_enter(request, competition_id):
    """我要报名: enter an open competition myself (the rules are the service's)."""
    competition = competition_selectors.competition_or_404(request.user, competition_id)
    form_action(
        request,
        lambda: registration.entry_self_register(actor=request.user, competition=competition),
        success=_("You are entered in %(title)s.") % {"title": competition.title},
    )
    return redirect("portal:mine_competitions")


# ---- my ideas (五小) ---------------------------------------------------------------------------


@login_required
@never_cache
@require_GET
def ideas(request):
    """My ideas with their state; a link to submit a new one."""
    member = member_selectors.own_member(request.user)
    qs = innovation_selectors.idea_list(request.user, mine=True) if member else None
    page = paginate(request, qs) if qs is not None else None
    return render(request, "portal/mine/ideas.html", {"member": member, "page": page})


# ---- 认证 and the phone -----------------------------------------------------------------------


def _verify(request, data):
    try:
        return accounts.account_verify(
            actor=request.user,
            address=throttle.client_key(request),
            name=data["name"],
            id_number=data["id_number"],
        )
    except throttle.Throttled:
        raise ValidationError(_("Too many attempts; please try again later."), code="throttled") from None


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def verify(request):
    """认证: link my account to my member record by my name and ID number."""
    member = member_selectors.own_member(request.user)
    form = forms.VerifyForm(request.POST or None)
    status = 200
    if request.method == "POST" and member is None:
        outcome = form_action(
            request,
            lambda data: _verify(request, data),
            form=form,
            success=lambda m: (
                _("Your account is now linked to your member record in %(union)s.")
                % {"union": m.organisation.name}
            ),
        )
        if outcome.ok:
            return redirect("portal:mine")
        status = 400
    return render(request, "portal/mine/verify.html", {"member": member, "form": form}, status=status)


def _send_code(request, phone):
    try:
        phone_services.phone_change_send(
            actor=request.user, address=throttle.client_key(request), phone=phone
        )
    except throttle.Throttled:
        raise ValidationError(
            _("Too many codes asked for; please try again later."), code="throttled"
        ) from None


def _change_phone(request, data):
    phone_services.phone_change(actor=request.user, phone=data["phone"], code=data["code"])
    # The new phone may belong to a member record, and messages may be waiting for it.
    accounts.account_link_by_phone(user=request.user)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def phone(request):
    """Change my sign-in phone: the new number → a code is sent to it → the code. Two plain
    forms; the second carries the number."""
    step = request.POST.get("step") if request.method == "POST" else None
    context = {"current": request.user.phone_masked}
    if step == "confirm":
        form = forms.NewPhoneCodeForm(request.POST)
        outcome = form_action(
            request,
            lambda data: _change_phone(request, data),
            form=form,
            success=lambda _result: (
                _("Your sign-in phone is now %(phone)s.") % {"phone": request.user.phone_masked}
            ),
        )
        if outcome.ok:
            return redirect("portal:mine")
        return render(
            request, "portal/mine/phone.html", {**context, "form": form, "step": "confirm"}, status=400
        )
    form = forms.NewPhoneForm(request.POST if step == "send" else None)
    if step == "send":
        outcome = form_action(
            request,
            lambda data: _send_code(request, data["phone"]),
            form=form,
            success=_("A code is on its way to the new number. It is valid for 5 minutes."),
        )
        if outcome.ok:
            confirm = forms.NewPhoneCodeForm(initial={"phone": form.cleaned_data["phone"]})
            return render(request, "portal/mine/phone.html", {**context, "form": confirm, "step": "confirm"})
        return render(
            request, "portal/mine/phone.html", {**context, "form": form, "step": "send"}, status=400
        )
    return render(request, "portal/mine/phone.html", {**context, "form": form, "step": "send"})
