"""Assistance pages: the officer queue, a file with its timeline and actions, payments, the
低保 table, and the worker's own application (phone-first). Thin: selector → service → render."""

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gonghui.assistance import forms, selectors
from gonghui.assistance.choices import Status, relation_rank
from gonghui.assistance.services import attachments as attachment_services
from gonghui.assistance.services import dibao as dibao_services
from gonghui.assistance.services import households as hh
from gonghui.assistance.services import monitoring
from gonghui.core.forms import add_service_error
from gonghui.core.web import paginate
from gonghui.organisations import scoping
from gonghui.organisations.permissions import officer_required

Action = scoping.Action
PEOPLE_MAX = 10
PeopleFormSet = django_forms.formset_factory(forms.PersonForm, extra=1, max_num=PEOPLE_MAX)
PeopleEditFormSet = django_forms.formset_factory(forms.PersonEditForm, extra=2, max_num=20)


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _run(form, call) -> tuple[bool, object]:
    """The one path of every form page: when ``form`` is valid, ``call(cleaned_data)`` (the
    service); its ValidationError is shown on the form. Returns (done, the service's result)."""
    if not form.is_valid():
        return False, None
    try:
        return True, call(form.cleaned_data)
    except ValidationError as exc:
        add_service_error(form, exc)
        return False, None


def _file_form(request, h, key: str, form, call, done: str):
    """A form of the file page: saved → message and back to the file; else the file page with
    the form and its errors (400)."""
    ok, _result = _run(form, call)
    if ok:
        messages.success(request, done)
        return redirect("assistance:detail", h.pk)
    return render(request, "assistance/detail.html", _detail_context(request, h, **{key: form}), status=400)


def _people(h) -> list:
    """The household's people: the head first, then spouse, children, parents, other relatives,
    each by name."""
    return sorted(h.people.all(), key=lambda p: (relation_rank(p.relation), p.name, str(p.pk)))


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
    incomes = [(row, row.per_capita_income > row.dibao_monthly) for row in selectors.recent_incomes(h)]
    return {
        "h": h,
        "people": _people(h),
        "events": h.events.all(),
        "payments": h.payments.all(),
        "incomes": incomes,
        "months_above": hh.months_above_dibao(h) if h.status == Status.FILED else None,
        "leave_months": hh.LEAVE_MONTHS,
        "attachments": selectors.attachments_of(h),
        "alerts": selectors.alerts_of(h),
        "attachment_form": extra.pop("attachment_form", None) or forms.AttachmentForm(),
        "income_form": extra.pop("income_form", None) or forms.IncomeForm(),
        "risk_form": extra.pop("risk_form", None) or forms.RiskForm(),
        "alert_form": forms.AlertCloseForm(),
        "editable": h.status in (*hh.EDIT_IN_PLACE, *hh.EDIT_BACK_TO_REVIEW, Status.FILED),
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
    "reopen": lambda a, h, p: hh.household_reopen(actor=a, household=h, reason=p.get("reason", "")),
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
    return _file_form(
        request,
        h,
        "visit_form",
        forms.VisitForm(request.POST),
        lambda d: hh.household_visit(actor=request.user, household=h, **d),
        _("Home visit recorded."),
    )


@officer_required
@require_POST
def payment(request, household_id):
    h = selectors.household_or_404(request.user, household_id)
    return _file_form(
        request,
        h,
        "payment_form",
        forms.PaymentForm(request.POST),
        lambda d: hh.payment_record(actor=request.user, household=h, **d),
        _("Payment recorded."),
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
    if (
        request.method == "POST"
        and _run(form, lambda d: dibao_services.dibao_set(actor=request.user, **d))[0]
    ):
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
        # One file per household for life: a closed file (or one out of hardship) is reopened,
        # never opened again.
        status = 200
        if request.method == "POST" and request.POST.get("reopen") == "1":
            try:
                hh.household_reopen(actor=request.user, household=own, reason=request.POST.get("reason", ""))
            except ValidationError as exc:
                messages.error(request, _errors(exc))
                status = 400
            else:
                messages.success(request, _("Your application has been sent to your union."))
                return redirect(reverse("assistance:apply"))
        return render(
            request,
            "assistance/mine.html",
            {"h": own, "events": own.events.all(), "can_reopen": own.status in (Status.CLOSED, Status.LEFT)},
            status=status,
        )
    member = selectors.member_of_user(request.user)
    if member is None:
        return render(request, "assistance/mine.html", {"h": None, "no_member": True})
    if request.method == "POST" and request.POST.get("add_person"):
        # Without JavaScript: the same page again with what was typed and one more card.
        return render(request, "assistance/apply.html", _apply_with_one_more(request.POST, member))
    form = forms.ApplyForm(request.POST or None)
    people = PeopleFormSet(request.POST or None, prefix="p")

    def send(data):
        family = [
            {k: v for k, v in p.items() if v not in (None, "")}
            | {"monthly_income": p.get("monthly_income") or "0"}
            for p in people.cleaned_data
            if p and (p.get("name") or "").strip()
        ]
        return hh.household_open(
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

    if request.method == "POST" and people.is_valid() and _run(form, send)[0]:
        messages.success(request, _("Your application has been sent to your union."))
        return redirect(reverse("assistance:apply"))
    return render(
        request,
        "assistance/apply.html",
        {"form": form, "people": people, "member": member, "can_add": people.total_form_count() < PEOPLE_MAX},
        status=400 if request.method == "POST" else 200,
    )


def _apply_with_one_more(data, member) -> dict:
    """The application as typed (unbound: no errors yet) with one more person card."""
    form = forms.ApplyForm(initial={name: data.get(name) for name in forms.ApplyForm.base_fields})
    posted = PeopleFormSet(data, prefix="p")
    cards = [{name: f[name].data for name in f.fields} for f in posted.forms][: PEOPLE_MAX - 1]
    people = PeopleFormSet(prefix="p", initial=cards)
    return {"form": form, "people": people, "member": member, "can_add": len(cards) + 1 < PEOPLE_MAX}


# ---- documents -------------------------------------------------------------------------


@officer_required
@require_POST
def attachment_upload(request, household_id):
    h = selectors.household_or_404(request.user, household_id)
    return _file_form(
        request,
        h,
        "attachment_form",
        forms.AttachmentForm(request.POST, request.FILES),
        lambda d: attachment_services.attachment_add(
            actor=request.user, household=h, kind=d["kind"], upload=d["file"]
        ),
        _("Document attached."),
    )


@officer_required
def attachment_file(request, household_id, document_id):
    a = selectors.attachment_or_404(request.user, household_id, document_id)
    a = attachment_services.attachment_download(actor=request.user, attachment=a)
    response = HttpResponse(bytes(a.data), content_type=a.content_type)
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# ---- monthly incomes and 防止返困 -------------------------------------------------------


@officer_required
@require_POST
def income(request, household_id):
    h = selectors.household_or_404(request.user, household_id)
    return _file_form(
        request,
        h,
        "income_form",
        forms.IncomeForm(request.POST),
        lambda d: hh.income_record(
            actor=request.user,
            household=h,
            month=d["month"],
            income=d["income"],
            rigid_expenses=d["rigid_expenses"] or "0",
        ),
        _("Monthly income recorded."),
    )


@officer_required
@require_POST
def risk(request, household_id):
    """Score the household with the signals reported; the result and its explanation are shown
    on the file page (an alert opens at 40 points)."""
    h = selectors.household_or_404(request.user, household_id)
    form = forms.RiskForm(request.POST)
    ok, checked = _run(form, lambda d: monitoring.risk_check(actor=request.user, household=h, **d))
    if ok:
        result, alert = checked
        return render(
            request,
            "assistance/detail.html",
            _detail_context(request, h, risk_form=form, risk_result=result, risk_alert=alert),
        )
    return render(request, "assistance/detail.html", _detail_context(request, h, risk_form=form), status=400)


@officer_required
@require_POST
def alert_close(request, household_id, alert_id):
    h = selectors.household_or_404(request.user, household_id)
    alert = selectors.alert_or_404(request.user, alert_id)
    if alert.household_id != h.pk:
        raise Http404
    try:
        monitoring.alert_close(actor=request.user, alert=alert, outcome=request.POST.get("outcome", ""))
    except ValidationError as exc:
        messages.error(request, _errors(exc))
        return render(request, "assistance/detail.html", _detail_context(request, h), status=400)
    messages.success(request, _("Alert closed."))
    return redirect("assistance:detail", h.pk)


WATCH_ALERTS = 50


@officer_required
def watch(request):
    """Overdue periodic reviews and open return-to-hardship alerts, counted per union and
    listed (nearest deadline first), in the user's scope."""
    overdue = paginate(request, selectors.overdue_reviews(request.user), param="page")
    alerts = selectors.open_alerts(request.user)
    return render(
        request,
        "assistance/watch.html",
        {
            "overdue": overdue,
            "alerts": alerts[:WATCH_ALERTS],
            "alerts_count": alerts.count(),
            "per_union": selectors.watch_per_union(request.user),
            "today": timezone.localdate(),
        },
    )


# ---- editing a file --------------------------------------------------------------------


def _family_from(people) -> list[dict]:
    out = []
    for p in people.cleaned_data:
        if not p or not (p.get("name") or "").strip():
            continue
        row = {k: v for k, v in p.items() if v not in (None, "")}
        row["monthly_income"] = p.get("monthly_income") or "0"
        row["disabled"] = bool(p.get("disabled"))
        out.append(row)
    return out


@officer_required
def edit(request, household_id):
    """Correct a file's household data and family: before filing in place (after the upper
    union's approval it goes back to that review); a filed file with its periodic review."""
    h = selectors.household_or_404(request.user, household_id)
    if not scoping.can(request.user, Action.MANAGE_ASSISTANCE, h.organisation):
        raise PermissionDenied
    people_rows = _people(h)
    head = next(p for p in people_rows if p.relation == "self")
    initial_people = [
        {
            "id": str(p.pk),
            "relation": p.relation,
            "name": p.name,
            "monthly_income": f"{p.monthly_income:.2f}",
            "health": p.health,
            "disabled": p.disabled,
            "disability_grade": str(p.disability_grade or ""),
            "schooling": p.schooling,
            "employment": p.employment,
        }
        for p in people_rows
        if p.relation != "self"
    ]
    form = forms.EditForm(request.POST or None, initial=forms.EditForm.initial_for(h, head))
    people = PeopleEditFormSet(request.POST or None, prefix="p", initial=initial_people)

    def save(data):
        changes = {**form.changes(), "family": _family_from(people)}
        note = data.get("note", "")
        if h.status == Status.FILED:
            return hh.household_periodic_review(actor=request.user, household=h, note=note, changes=changes)
        return hh.household_edit(actor=request.user, household=h, changes=changes, note=note)

    if request.method == "POST" and people.is_valid() and _run(form, save)[0]:
        messages.success(request, _("Saved."))
        return redirect("assistance:detail", h.pk)
    return render(
        request,
        "assistance/edit.html",
        {"h": h, "form": form, "people": people, "at_review": h.status == Status.FILED},
        status=400 if request.method == "POST" else 200,
    )
