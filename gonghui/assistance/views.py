"""Assistance pages: the officer queue, a file with its timeline and actions, payments, the
低保 table, and the worker's own application (phone-first). Thin: selector → service → render."""

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gonghui.assistance import forms, selectors
from gonghui.assistance.choices import Status
from gonghui.assistance.services import dibao as dibao_services
from gonghui.assistance.services import households as hh
from gonghui.core.forms import add_service_error
from gonghui.organisations import scoping
from gonghui.organisations.views import officer_required, paginate

Action = scoping.Action
PeopleFormSet = django_forms.formset_factory(forms.PersonForm, extra=4, max_num=10)


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


@officer_required
def queue(request):
    status = request.GET.get("status", "")
    if status not in Status.values:
        status = ""
    overdue = request.GET.get("overdue") == "1"
    page = paginate(request, selectors.household_queue(request.user, status=status, overdue_only=overdue))
    today = timezone.localdate()
    rows = [
        (h, h.status == Status.FILED and h.next_review_on and h.next_review_on < today) for h in page.items
    ]
    return render(
        request,
        "assistance/queue.html",
        {
            "page": page,
            "rows": rows,
            "status": status,
            "overdue": overdue,
            "statuses": Status.choices,
            "alerts": selectors.open_alerts(request.user)[:20],
        },
    )


def _detail_context(request, h, **extra):
    upper = hh.upper_union(h)
    return {
        "h": h,
        "people": h.people.all(),
        "events": h.events.all(),
        "payments": h.payments.all(),
        "incomes": h.incomes.order_by("-month")[:12],
        "can_manage": scoping.can(request.user, Action.MANAGE_ASSISTANCE, h.organisation),
        "can_upper": scoping.can(request.user, Action.MANAGE_ASSISTANCE, upper),
        "can_reveal": scoping.can(request.user, Action.REVEAL_PII, h.organisation),
        "upper": upper,
        "payment_form": extra.pop("payment_form", None) or forms.PaymentForm(),
        "visit_form": extra.pop("visit_form", None) or forms.VisitForm(),
        "review_overdue": h.status == Status.FILED
        and h.next_review_on
        and h.next_review_on < timezone.localdate(),
        **extra,
    }


@officer_required
def detail(request, household_id):
    h = selectors.household_or_404(request.user, household_id)
    return render(request, "assistance/detail.html", _detail_context(request, h))


ACTIONS = {
    "screen": lambda a, h, p: hh.household_screen(
        actor=a, household=h, approve=p.get("approve") == "1", note=p.get("note", "")
    ),
    "review": lambda a, h, p: hh.household_review(
        actor=a, household=h, approve=p.get("approve") == "1", note=p.get("note", "")
    ),
    "publicise": lambda a, h, p: hh.household_publicise(actor=a, household=h),
    "file": lambda a, h, p: hh.household_file(actor=a, household=h),
    "periodic_review": lambda a, h, p: hh.household_periodic_review(
        actor=a, household=h, note=p.get("note", "")
    ),
    "close": lambda a, h, p: hh.household_close(actor=a, household=h, reason=p.get("reason", "")),
}


@officer_required
@require_POST
def action(request, household_id, name):
    h = selectors.household_or_404(request.user, household_id)
    if name not in ACTIONS:
        raise Http404
    try:
        ACTIONS[name](request.user, h, request.POST)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("Saved."))
    return redirect("assistance:detail", h.pk)


@officer_required
@require_POST
def visit(request, household_id):
    h = selectors.household_or_404(request.user, household_id)
    form = forms.VisitForm(request.POST)
    if form.is_valid():
        try:
            hh.household_visit(actor=request.user, household=h, **form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Home visit recorded."))
            return redirect("assistance:detail", h.pk)
    return render(request, "assistance/detail.html", _detail_context(request, h, visit_form=form), status=400)


@officer_required
@require_POST
def payment(request, household_id):
    h = selectors.household_or_404(request.user, household_id)
    form = forms.PaymentForm(request.POST)
    if form.is_valid():
        try:
            hh.payment_record(actor=request.user, household=h, **form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Payment recorded."))
            return redirect("assistance:detail", h.pk)
    return render(
        request, "assistance/detail.html", _detail_context(request, h, payment_form=form), status=400
    )


@officer_required
@require_POST
def reveal(request, household_id):
    h = selectors.household_or_404(request.user, household_id)
    number = hh.bank_card_reveal(actor=request.user, household=h)
    return render(request, "assistance/detail.html", _detail_context(request, h, revealed_card=number))


@officer_required
def dibao(request):
    form = forms.DibaoForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            dibao_services.dibao_set(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("低保 standard saved."))
            return redirect("assistance:dibao")
    prefix = request.GET.get("division", "")[:6]
    page = paginate(request, selectors.dibao_rows(prefix), page_size=50)
    return render(
        request,
        "assistance/dibao.html",
        {"form": form, "page": page, "prefix": prefix},
        status=400 if form.errors else 200,
    )


@login_required
def apply(request):
    """The worker's own page: their file's state and explanation, or the application."""
    own = selectors.household_of_user(request.user)
    if own is not None:
        return render(request, "assistance/mine.html", {"h": own, "events": own.events.all()})
    member = selectors.member_of_user(request.user)
    if member is None:
        return render(request, "assistance/mine.html", {"h": None, "no_member": True})
    form = forms.ApplyForm(request.POST or None)
    people = PeopleFormSet(request.POST or None, prefix="p")
    if request.method == "POST" and form.is_valid() and people.is_valid():
        family = [
            {k: v for k, v in p.items() if v not in (None, "")}
            | {"monthly_income": p.get("monthly_income") or "0"}
            for p in people.cleaned_data
            if p and p.get("name")
        ]
        data = form.cleaned_data
        try:
            hh.household_open(
                actor=request.user,
                head=member,
                housing=data["housing"],
                main_cause=data["main_cause"],
                medical_insurance=data["medical_insurance"],
                head_income=data["head_income"],
                head_employment=data["head_employment"],
                rigid_expenses=form.expenses(),
                zero_employment=data["zero_employment"],
                bank_name=data["bank_name"],
                bank_card=data["bank_card"],
                family=family,
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Your application has been sent to your union."))
            return redirect(reverse("assistance:apply"))
    return render(
        request,
        "assistance/apply.html",
        {"form": form, "people": people, "member": member},
        status=400 if request.method == "POST" else 200,
    )
