"""Officer pages for members: the dashboard, the roster, a member's record and its actions,
the enrolment and transfer queues.

Thin by design: fetch the object through a scoped selector (404 for "missing" and "not
yours" alike), parse a form, call one service, then redirect with a message or render the
form again with the service's errors next to the right fields.
"""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from gonghui.core.forms import add_service_error
from gonghui.core.validators import MIN_WORKING_AGE
from gonghui.core.web import is_fragment_request, paginate
from gonghui.members import forms, selectors
from gonghui.members.choices import (
    IN_MEMBERSHIP,
    OPEN_TRANSFER,
    EmploymentForm,
    EnrolmentStatus,
    MembershipStatus,
    TransferStatus,
)
from gonghui.members.services import dues as dues_services
from gonghui.members.services import enrolment as enrolment_services
from gonghui.members.services import members as member_services
from gonghui.members.services import transfers as transfer_services
from gonghui.organisations import scoping
from gonghui.organisations import selectors as org_selectors
from gonghui.organisations.permissions import officer_required

Action = scoping.Action
MEMBERS_PER_PAGE = 20
_URL_PLACEHOLDER = uuid.UUID(int=0)


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _next_or(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


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
    if not scoping.has_any(request.user, Action.VIEW) and hasattr(request.user, "member"):
        return redirect("members:me")
    homes = scoping.home_organisations(request.user, Action.VIEW_STATS)
    return render(
        request,
        "members/officer/dashboard.html",
        {
            "panels": [stats_panel(org) for org in homes],
            "is_officer": scoping.has_any(request.user, Action.VIEW),
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
    if not scoping.has_any(request.user, Action.MANAGE_MEMBERS):
        raise PermissionDenied
    initial = {"organisation": request.GET.get("organisation", "")}
    form = forms.MemberCreateForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            member = member_services.member_create(actor=request.user, **form.service_kwargs())
        except ValidationError as exc:
            add_service_error(form, exc, forms.MEMBER_ERROR_FIELDS)
        else:
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
    if request.method == "POST" and form.is_valid():
        try:
            member_services.member_update(
                actor=request.user, member=member, phone=form.phone_change(), **form.profile()
            )
        except ValidationError as exc:
            add_service_error(form, exc, forms.MEMBER_ERROR_FIELDS)
        else:
            messages.success(request, _("The member record is saved."))
            return redirect("members:detail", member_id=member.pk)
    return render(request, "members/officer/form.html", {"form": form, "member": member})


# ---- one member ------------------------------------------------------------------------


def _detail(request, member, **overrides):
    """Render a member's page; action views pass their bound form (with errors) or a
    one-time revealed value through ``overrides``."""
    user, org = request.user, member.organisation
    can = {
        "manage": scoping.can(user, Action.MANAGE_MEMBERS, org),
        "reveal": scoping.can(user, Action.REVEAL_PII, org),
        "transfer": scoping.can(user, Action.TRANSFER, org),
        "dues": scoping.can(user, Action.DUES, org),
        "audit": scoping.can(user, Action.VIEW_AUDIT, org),
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
        if can["transfer"] and not has_open_transfer and member.status in transfer_services._TRANSFERABLE
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
    if form.is_valid():
        field = form.cleaned_data["field"]
        try:
            value = member_services.member_reveal_pii(
                actor=request.user, member=member, field=field, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            revealed = {"label": dict(form.fields["field"].choices)[field], "value": value}
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
    if form.is_valid():
        try:
            member_services.member_change_status(
                actor=request.user,
                member=member,
                to_status=form.cleaned_data["to_status"],
                reason=form.cleaned_data["reason"],
                effective_on=form.cleaned_data["effective_on"],
            )
        except ValidationError as exc:
            add_service_error(form, exc, form.ERROR_FIELDS)
        else:
            messages.success(request, _("The membership status is changed."))
            return redirect("members:detail", member_id=member.pk)
    return _detail(request, member, status_form=form)


@officer_required
@require_POST
def member_transfer(request, member_id):
    member = selectors.member_or_404(request.user, member_id, Action.TRANSFER)
    form = forms.TransferRequestForm(request.POST)
    if form.is_valid():
        target = org_selectors.transfer_target(form.cleaned_data["to_organisation"])
        if target is None:
            form.add_error("to_organisation", _("No union has this code."))
        else:
            try:
                transfer_services.transfer_request(
                    actor=request.user,
                    member=member,
                    to_organisation=target,
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as exc:
                add_service_error(form, exc, form.ERROR_FIELDS)
            else:
                messages.success(
                    request,
                    _("Transfer to %(union)s requested; the old union must release it.")
                    % {"union": target.name},
                )
                return redirect("members:detail", member_id=member.pk)
    return _detail(request, member, transfer_form=form)


@officer_required
@require_POST
def member_dues(request, member_id):
    member = selectors.member_or_404(request.user, member_id, Action.DUES)
    form = forms.DuesForm(request.POST)
    if form.is_valid():
        try:
            record = dues_services.dues_record(
                actor=request.user,
                member=member,
                month=form.cleaned_data["month"],
                monthly_wage=form.cleaned_data["monthly_wage"],
                paid_on=form.cleaned_data["paid_on"],
            )
        except ValidationError as exc:
            add_service_error(form, exc, form.ERROR_FIELDS)
        else:
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
    wage = (request.GET.get("monthly_wage") or "").strip()
    context = {"wage": wage}
    if wage:
        try:
            context["base"], context["amount"] = dues_services.calculate(wage)
        except ValidationError as exc:
            context["error"] = _error_text(exc)
    return render(request, "members/officer/_dues_preview.html", context)


# ---- enrolment queue -------------------------------------------------------------------

ENROLMENT_TABS = {
    "pending": (EnrolmentStatus.PENDING, False),
    "overdue": (EnrolmentStatus.PENDING, True),
    "approved": (EnrolmentStatus.APPROVED, False),
    "rejected": (EnrolmentStatus.REJECTED, False),
}


def _applicant_facts(enrolment) -> tuple[int, object]:
    """The applicant's age today and the retirement flag (None, or why to check)."""
    return enrolment_services.applicant_age(enrolment), enrolment_services.retirement_flag(enrolment)


@officer_required
def enrolment_queue(request):
    tab = request.GET.get("tab", "pending")
    if tab not in ENROLMENT_TABS:
        tab = "pending"
    status, overdue_only = ENROLMENT_TABS[tab]
    queryset = selectors.enrolment_queue(
        request.user, status=status, overdue_only=overdue_only
    ).select_related("member", "decided_by")
    if status != EnrolmentStatus.PENDING:
        queryset = queryset.order_by("-decided_at")
    page = paginate(request, queryset, MEMBERS_PER_PAGE)
    page.rows = [
        (e, scoping.can(request.user, Action.APPROVE_ENROLMENT, e.organisation), *_applicant_facts(e))
        for e in page.items
    ]
    return render(
        request,
        "members/officer/enrolments.html",
        {"page": page, "tab": tab, "tabs": _enrolment_tab_labels()},
    )


def _enrolment_tab_labels():
    return [
        ("pending", _("Pending")),
        ("overdue", _("Overdue")),
        ("approved", _("Approved")),
        ("rejected", _("Rejected")),
    ]


# Approving or rejecting takes two steps: the queue links to this page, which shows what the
# officer is deciding on (masked ID, age, employer, flags) and posts with ``confirm=yes``. A
# POST without it — an old form, a stray click, a forged request — only shows the page again.
CONFIRM = "yes"


def _decision_page(request, enrolment, *, reject_form=None, unconfirmed: str = ""):
    age, flag = _applicant_facts(enrolment)
    return render(
        request,
        "members/officer/enrolment_decide.html",
        {
            "enrolment": enrolment,
            "age": age,
            "too_young": age < MIN_WORKING_AGE,
            "retirement_flag": flag,
            "reject_form": reject_form or forms.ReasonForm(),
            "unconfirmed": unconfirmed,
            "confirm": CONFIRM,
            "next": _next_or(request, ""),
        },
    )


@officer_required
@require_http_methods(["GET", "POST"])
def enrolment_approve(request, enrolment_id):
    """GET shows the application to confirm; POST with ``confirm=yes`` approves it."""
    enrolment = selectors.enrolment_or_404(request.user, enrolment_id, Action.APPROVE_ENROLMENT)
    if request.method == "GET" or request.POST.get("confirm") != CONFIRM:
        unconfirmed = "approve" if request.method == "POST" else ""
        return _decision_page(request, enrolment, unconfirmed=unconfirmed)
    try:
        member = enrolment_services.enrolment_approve(actor=request.user, enrolment=enrolment)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(
            request,
            _("%(name)s is now a member, number %(no)s.") % {"name": member.name, "no": member.member_no},
        )
    return redirect(_next_or(request, reverse("members:enrolments")))


@officer_required
@require_http_methods(["GET", "POST"])
def enrolment_reject(request, enrolment_id):
    """GET shows the application and the reason box; POST with ``confirm=yes`` rejects it."""
    enrolment = selectors.enrolment_or_404(request.user, enrolment_id, Action.APPROVE_ENROLMENT)
    form = forms.ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if request.POST.get("confirm") != CONFIRM:
            return _decision_page(request, enrolment, reject_form=form, unconfirmed="reject")
        try:
            enrolment_services.enrolment_reject(
                actor=request.user, enrolment=enrolment, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request, _("The application of %(name)s is rejected.") % {"name": enrolment.name}
            )
            return redirect(_next_or(request, reverse("members:enrolments")))
    return _decision_page(request, enrolment, reject_form=form)


# ---- transfer queue --------------------------------------------------------------------


def _transfer_actions(user, transfer) -> list[str]:
    """What the viewer may do next: release/refuse at the old union, accept/refuse at the new
    one, cancel for whoever may act for the old union."""
    can_from = scoping.can(user, Action.TRANSFER, transfer.from_organisation)
    can_to = scoping.can(user, Action.TRANSFER, transfer.to_organisation)
    actions = []
    if transfer.status == TransferStatus.REQUESTED and can_from:
        actions += ["release", "refuse"]
    if transfer.status == TransferStatus.RELEASED and can_to:
        actions += ["accept", "refuse"]
    if transfer.status in OPEN_TRANSFER and can_from:
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
        (t, _transfer_actions(request.user, t), scoping.can(request.user, Action.VIEW, t.member.organisation))
        for t in page.items
    ]
    return render(request, "members/officer/transfers.html", {"page": page, "tab": tab})


_TRANSFER_DONE = {
    "release": gettext_lazy("The member is released to the new union."),
    "accept": gettext_lazy("The member is taken in."),
    "refuse": gettext_lazy("The transfer is refused; the member stays with the old union."),
    "cancel": gettext_lazy("The transfer is cancelled."),
}


@officer_required
@require_POST
def transfer_act(request, transfer_id, action):
    transfer = selectors.transfer_or_404(request.user, transfer_id)
    reason = (request.POST.get("reason") or "").strip()
    try:
        if action == "release":
            transfer_services.transfer_release(actor=request.user, transfer=transfer)
        elif action == "accept":
            transfer_services.transfer_accept(actor=request.user, transfer=transfer)
        elif action == "refuse":
            transfer_services.transfer_refuse(actor=request.user, transfer=transfer, reason=reason)
        else:
            transfer_services.transfer_cancel(actor=request.user, transfer=transfer, reason=reason)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, str(_TRANSFER_DONE[action]))
    return redirect(_next_or(request, reverse("members:transfers")))
