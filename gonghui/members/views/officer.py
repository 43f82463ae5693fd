"""Officer pages for members: the dashboard, the roster, a member's record and its actions,
the transfer queue (the enrolment queue is ``views.enrolments``).

Thin by design: fetch the object through a scoped selector (404 for "missing" and "not
yours" alike), then ``core.web.form_action`` runs one service with the form's input and
either redirects with a message or renders the form again with the service's errors next to
the right fields. Which buttons a page shows is asked of ``members.permissions``.
"""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Sum
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from gonghui.core.web import dispatch, form_action, is_fragment_request, next_or, paginate
from gonghui.members import forms, permissions, selectors
from gonghui.members.choices import (
    IN_MEMBERSHIP,
    OPEN_TRANSFER,
    TRANSFERABLE,
    EmploymentForm,
    MembershipStatus,
    TransferStatus,
)
from gonghui.members.services import dues as dues_services
from gonghui.members.services import members as member_services
from gonghui.members.services import transfers as transfer_services
from gonghui.organisations import scoping
from gonghui.organisations.permissions import is_officer, officer_required

Action = scoping.Action
MEMBERS_PER_PAGE = 20
_URL_PLACEHOLDER = uuid.UUID(int=0)


# ---- dashboard -------------------------------------------------------------------------


def stats_panel(organisation) -> dict:
    """The subtree counts of ``organisation`` with their labels, for the dashboard and the
    organisation page (``members/officer/_stats.html``)."""
    stats = selectors.stats(organisation)
    forms_labels = dict(EmploymentForm.choices)
    status_labels = dict(MembershipStatus.choices)
    stats["employment_form_rows"] = [
        (forms_labels.get(code, code), n)
        for code, n in sorted(stats["by_employment_form"].items(), key=lambda item: -item[1])
    ]
    stats["status_rows"] = [(status_labels.get(code, code), n) for code, n in stats["by_status"].items()]
    stats["age_rows"] = list(stats["by_age_band"].items())
    return {"organisation": organisation, "stats": stats}


@officer_required
def organisation_stats(request, code):
    """The subtree counts of one organisation: an htmx fragment on the organisation page, or
    a page of its own when opened directly."""
    org = scoping.get_organisation_or_404(request.user, code, Action.VIEW_STATS)
    template = (
        "members/officer/_stats.html"
        if is_fragment_request(request, "org-stats")
        else "members/officer/org_stats.html"
    )
    return render(request, template, {"panel": stats_panel(org)})


@login_required
def dashboard(request):
    if not is_officer(request.user) and hasattr(request.user, "member"):
        return redirect("members:me")
    homes = scoping.home_organisations(request.user, Action.VIEW_STATS)
    return render(
        request,
        "members/officer/dashboard.html",
        {
            "panels": [stats_panel(org) for org in homes],
            "is_officer": is_officer(request.user),
        },
    )


# ---- roster ----------------------------------------------------------------------------


_BADGES = {
    MembershipStatus.MEMBER: " ok",
    MembershipStatus.TRANSFERRING: " warn",
    MembershipStatus.PRE_MEMBER: " warn",
    MembershipStatus.EXPELLED: " bad",
    MembershipStatus.WITHDRAWN: " bad",
}


def roster_rows(members) -> list[dict]:
    """What a roster row shows, as plain values: the template then does no per-row look-ups,
    translations or URL reversing (a page of 20 rows rendered in a fraction of the time)."""
    statuses = dict(MembershipStatus.choices)
    forms_labels = dict(EmploymentForm.choices)
    detail = reverse("members:detail", args=[_URL_PLACEHOLDER])
    return [
        {
            "url": detail.replace(str(_URL_PLACEHOLDER), str(m.pk)),
            "name": m.name,
            "member_no": m.member_no,
            "union": m.organisation.name,
            "status": statuses.get(m.status, m.status),
            "badge": _BADGES.get(m.status, ""),
            "id_number": m.id_number_masked,
            "phone": m.phone_masked,
            "form": forms_labels.get(m.employment_form, m.employment_form),
            "joined": m.joined_on.isoformat() if m.joined_on else "",
        }
        for m in members
    ]


@officer_required
def member_list(request):
    form = forms.MemberFilterForm(request.GET or None, user=request.user)
    if form.is_bound and not form.is_valid():
        queryset = selectors.members_visible_to(request.user).none()
    else:
        data = form.cleaned_data if form.is_bound else {}
        queryset = selectors.member_list(
            request.user,
            data.get("q", ""),
            organisation=data.get("organisation"),
            status=data.get("status", ""),
            employment_form=data.get("employment_form", ""),
        )
    page = paginate(request, queryset, MEMBERS_PER_PAGE)
    page.rows = roster_rows(page.items)
    context = {"form": form, "page": page}
    if is_fragment_request(request, "member-results"):
        response = render(request, "members/officer/_member_rows.html", context)
    else:
        response = render(request, "members/officer/list.html", context)
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response


@officer_required
def member_create(request):
    permissions.require_roster_keeper(request.user)
    initial = {"organisation": request.GET.get("organisation", "")}
    form = forms.MemberCreateForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST":
        outcome = form_action(
            request,
            lambda data: member_services.member_create(actor=request.user, **form.service_kwargs()),
            form=form,
            fields_by_code=forms.MEMBER_ERROR_FIELDS,
        )
        if outcome.ok:
            member = outcome.result
            messages.success(
                request,
                _("%(name)s is registered with member number %(no)s.")
                % {"name": member.name, "no": member.member_no},
            )
            return redirect("members:detail", member_id=member.pk)
    return render(request, "members/officer/form.html", {"form": form, "member": None})


@officer_required
def member_edit(request, member_id):
    member = selectors.member_or_404(request.user, member_id, Action.MANAGE_MEMBERS)
    initial = {f: getattr(member, f) for f in forms.MemberEditForm.PROFILE_FIELDS}
    form = forms.MemberEditForm(request.POST or None, initial=initial)
    if (
        request.method == "POST"
        and form_action(
            request,
            lambda data: member_services.member_update(
                actor=request.user, member=member, phone=form.phone_change(), **form.profile()
            ),
            form=form,
            success=_("The member record is saved."),
            fields_by_code=forms.MEMBER_ERROR_FIELDS,
        ).ok
    ):
        return redirect("members:detail", member_id=member.pk)
    return render(request, "members/officer/form.html", {"form": form, "member": member})


# ---- one member ------------------------------------------------------------------------


def _detail(request, member, **overrides):
    """Render a member's page; action views pass their bound form (with errors) or a
    one-time revealed value through ``overrides``."""
    user = request.user
    can = {
        "manage": permissions.can_manage(user, member),
        "reveal": permissions.can_reveal(user, member),
        "transfer": permissions.can_transfer(user, member),
        "dues": permissions.can_record_dues(user, member),
        # the link to the member's entries in the audit log (the organisations' right)
        "audit": scoping.can(user, Action.VIEW_AUDIT, member.organisation),
    }
    allowed = list(member_services.STATUS_TRANSITIONS.get(member.status, {}))
    transfers = list(selectors.own_transfers(member))
    has_open_transfer = any(t.status in OPEN_TRANSFER for t in transfers)
    dues = member.dues.select_related("recorded_by")
    context = {
        "member": member,
        "can": can,
        "history": selectors.member_history(member)[:100],
        "transfers": [(t, _transfer_actions(user, t)) for t in transfers],
        "dues": dues[:24],
        "dues_total": dues.aggregate(total=Sum("amount"))["total"],
        "reveal_form": forms.RevealForm() if can["reveal"] else None,
        "status_form": forms.StatusForm(allowed=allowed) if can["manage"] and allowed else None,
        "transfer_form": forms.TransferRequestForm()
        if can["transfer"] and not has_open_transfer and member.status in TRANSFERABLE
        else None,
        "dues_form": forms.DuesForm() if can["dues"] and member.status in IN_MEMBERSHIP else None,
        "revealed": None,
    }
    context.update(overrides)
    return render(request, "members/officer/detail.html", context)


@officer_required
def member_detail(request, member_id):
    return _detail(request, selectors.member_or_404(request.user, member_id))


@officer_required
@require_POST
@never_cache
def member_reveal(request, member_id):
    """Show the clear ID number or phone once, in this response only; the reason is logged."""
    member = selectors.member_or_404(request.user, member_id, Action.REVEAL_PII)
    form = forms.RevealForm(request.POST)
    revealed = None
    outcome = form_action(
        request,
        lambda data: member_services.member_reveal_pii(actor=request.user, member=member, **data),
        form=form,
    )
    if outcome.ok:
        revealed = {
            "label": dict(form.fields["field"].choices)[form.cleaned_data["field"]],
            "value": outcome.result,
        }
        form = forms.RevealForm()
    if request.htmx:
        return render(
            request,
            "members/officer/_reveal.html",
            {"member": member, "reveal_form": form, "revealed": revealed},
        )
    return _detail(request, member, reveal_form=form, revealed=revealed)


@officer_required
@require_POST
def member_status(request, member_id):
    member = selectors.member_or_404(request.user, member_id, Action.MANAGE_MEMBERS)
    allowed = list(member_services.STATUS_TRANSITIONS.get(member.status, {}))
    form = forms.StatusForm(request.POST, allowed=allowed)
    if form_action(
        request,
        lambda data: member_services.member_change_status(actor=request.user, member=member, **data),
        form=form,
        success=_("The membership status is changed."),
        fields_by_code=form.ERROR_FIELDS,
    ).ok:
        return redirect("members:detail", member_id=member.pk)
    return _detail(request, member, status_form=form)


@officer_required
@require_POST
def member_transfer(request, member_id):
    member = selectors.member_or_404(request.user, member_id, Action.TRANSFER)
    form = forms.TransferRequestForm(request.POST)
    outcome = form_action(
        request,
        lambda data: transfer_services.transfer_request(actor=request.user, member=member, **data),
        form=form,
        fields_by_code=form.ERROR_FIELDS,
    )
    if outcome.ok:
        messages.success(
            request,
            _("Transfer to %(union)s requested; the old union must release it.")
            % {"union": outcome.result.to_organisation.name},
        )
        return redirect("members:detail", member_id=member.pk)
    return _detail(request, member, transfer_form=form)


@officer_required
@require_POST
def member_dues(request, member_id):
    member = selectors.member_or_404(request.user, member_id, Action.DUES)
    form = forms.DuesForm(request.POST)
    outcome = form_action(
        request,
        lambda data: dues_services.dues_record(actor=request.user, member=member, **data),
        form=form,
        fields_by_code=form.ERROR_FIELDS,
    )
    if outcome.ok:
        record = outcome.result
        messages.success(
            request,
            _("Dues for %(month)s recorded: base %(base)s, dues %(amount)s.")
            % {
                "month": f"{record.month:%Y-%m}",
                "base": f"{record.base:.2f}",
                "amount": f"{record.amount:.2f}",
            },
        )
        return redirect("members:detail", member_id=member.pk)
    return _detail(request, member, dues_form=form)


@officer_required
def dues_preview(request):
    """The dues calculator as a fragment, while the officer types a wage."""
    form = forms.DuesPreviewForm(request.GET)
    wage = (request.GET.get("monthly_wage") or "").strip()
    context = {"wage": wage}
    if wage:
        outcome = form_action(request, lambda data: dues_services.calculate(data["monthly_wage"]), form=form)
        if outcome.ok:
            context["base"], context["amount"] = outcome.result
        else:
            context["error"] = " ".join(message for errors in form.errors.values() for message in errors)
    return render(request, "members/officer/_dues_preview.html", context)


# ---- transfer queue --------------------------------------------------------------------


def _transfer_actions(user, transfer) -> list[str]:
    """What the viewer may do next: release/refuse at the old union, accept/refuse at the new
    one, cancel for whoever asked (``members.permissions``)."""
    actions = []
    if transfer.status == TransferStatus.REQUESTED and permissions.can_release(user, transfer):
        actions.append("release")
    if transfer.status == TransferStatus.RELEASED and permissions.can_accept(user, transfer):
        actions.append("accept")
    if permissions.can_refuse(user, transfer):
        actions.append("refuse")
    if transfer.status in OPEN_TRANSFER and permissions.can_cancel(user, transfer):
        actions.append("cancel")
    return actions


@officer_required
def transfer_queue(request):
    tab = "closed" if request.GET.get("tab") == "closed" else "open"
    queryset = selectors.transfer_queue(request.user, open_only=tab == "open").select_related(
        "member__organisation"
    )
    if tab == "closed":
        queryset = queryset.exclude(status__in=OPEN_TRANSFER).order_by("-decided_at", "-requested_at")
    page = paginate(request, queryset, MEMBERS_PER_PAGE)
    page.rows = [
        (t, _transfer_actions(request.user, t), permissions.can_view(request.user, t.member))
        for t in page.items
    ]
    return render(request, "members/officer/transfers.html", {"page": page, "tab": tab})


# The buttons of a transfer: action → (service call with actor, transfer and the typed reason,
# what to say when it is done).
TRANSFER_ACTIONS = {
    "release": (
        lambda actor, transfer, reason: transfer_services.transfer_release(actor=actor, transfer=transfer),
        gettext_lazy("The member is released to the new union."),
    ),
    "accept": (
        lambda actor, transfer, reason: transfer_services.transfer_accept(actor=actor, transfer=transfer),
        gettext_lazy("The member is taken in."),
    ),
    "refuse": (
        lambda actor, transfer, reason: transfer_services.transfer_refuse(
            actor=actor, transfer=transfer, reason=reason
        ),
        gettext_lazy("The transfer is refused; the member stays with the old union."),
    ),
    "cancel": (
        lambda actor, transfer, reason: transfer_services.transfer_cancel(
            actor=actor, transfer=transfer, reason=reason
        ),
        gettext_lazy("The transfer is cancelled."),
    ),
}


@officer_required
@require_POST
def transfer_act(request, transfer_id, action):
    transfer = selectors.transfer_or_404(request.user, transfer_id)
    call, done = dispatch(TRANSFER_ACTIONS, action)
    reason = (request.POST.get("reason") or "").strip()
    form_action(request, lambda: call(request.user, transfer, reason), success=str(done))
    return redirect(next_or(request, reverse("members:transfers")))
