"""Officer pages for online enrolment: the queue of applications and the two-step decision
(approve, or reject with a reason the applicant sees). Thin: scoped fetch, then one service
through ``core.web.form_action``."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from gonghui.core.validators import MIN_WORKING_AGE
from gonghui.core.web import form_action, next_or, paginate
from gonghui.members import forms, permissions, selectors
from gonghui.members.choices import EnrolmentStatus
from gonghui.members.services import enrolment as enrolment_services
from gonghui.organisations import scoping
from gonghui.organisations.permissions import officer_required

Action = scoping.Action
APPLICATIONS_PER_PAGE = 20


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
    page = paginate(request, queryset, APPLICATIONS_PER_PAGE)
    page.rows = [
        (e, permissions.can_decide_enrolment(request.user, e), *_applicant_facts(e)) for e in page.items
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
            "next": next_or(request, ""),
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
    outcome = form_action(
        request, lambda: enrolment_services.enrolment_approve(actor=request.user, enrolment=enrolment)
    )
    if outcome.ok:
        member = outcome.result
        messages.success(
            request,
            _("%(name)s is now a member, number %(no)s.") % {"name": member.name, "no": member.member_no},
        )
    return redirect(next_or(request, reverse("members:enrolments")))


@officer_required
@require_http_methods(["GET", "POST"])
def enrolment_reject(request, enrolment_id):
    """GET shows the application and the reason box; POST with ``confirm=yes`` rejects it."""
    enrolment = selectors.enrolment_or_404(request.user, enrolment_id, Action.APPROVE_ENROLMENT)
    form = forms.ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if request.POST.get("confirm") != CONFIRM:
            return _decision_page(request, enrolment, reject_form=form, unconfirmed="reject")
        if form_action(
            request,
            lambda data: enrolment_services.enrolment_reject(
                actor=request.user, enrolment=enrolment, reason=data["reason"]
            ),
            form=form,
            success=_("The application of %(name)s is rejected.") % {"name": enrolment.name},
        ).ok:
            return redirect(next_or(request, reverse("members:enrolments")))
    return _decision_page(request, enrolment, reject_form=form)
