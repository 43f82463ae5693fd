"""Assistance pages: the officer queue, a file with its timeline and actions, payments, the
低保 table, and the worker's own application (phone-first). Thin: selector → service → render."""

from django import forms as django_forms
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gonghui.assistance import forms, permissions, selectors
from gonghui.assistance.choices import Status, relation_rank
from gonghui.assistance.services import attachments as attachment_services
from gonghui.assistance.services import (
    bank_cards,
    dates,
    editing,
    households,
    monitoring,
    payments,
    reviews,
    workflow,
)
from gonghui.assistance.services import dibao as dibao_services
from gonghui.core.web import dispatch, form_action, paginate
from gonghui.organisations.permissions import officer_required

PEOPLE_MAX = 10
PeopleFormSet = django_forms.formset_factory(forms.PersonForm, extra=1, max_num=PEOPLE_MAX)
PeopleEditFormSet = django_forms.formset_factory(forms.PersonEditForm, extra=2, max_num=20)


def _family(people) -> list[dict]:
    """The people typed on the cards of ``people`` (a valid formset), as the service takes them."""
    return [person for person in (f.person() for f in people.forms) if person is not None]


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
    upper = permissions.upper_union(h)
    incomes = [(row, row.per_capita_income > row.dibao_monthly) for row in selectors.recent_incomes(h)]
    return {
        "h": h,
        "people": _people(h),
        "events": h.events.all(),
        "payments": h.payments.all(),
        "incomes": incomes,
        "months_above": reviews.months_above_dibao(h) if h.status == Status.FILED else None,
        "leave_months": dates.LEAVE_MONTHS,
        "attachments": selectors.attachments_of(h),
        "alerts": selectors.alerts_of(h),
        "attachment_form": extra.pop("attachment_form", None) or forms.AttachmentForm(),
        "income_form": extra.pop("income_form", None) or forms.IncomeForm(),
        "risk_form": extra.pop("risk_form", None) or forms.RiskForm(),
        "alert_form": forms.AlertCloseForm(),
        "editable": h.status in (*editing.EDIT_IN_PLACE, *editing.EDIT_BACK_TO_REVIEW, Status.FILED),
        "can_manage": permissions.can_manage(request.user, h),
        "can_upper": permissions.can_upper_review(request.user, h),
        "can_reveal": permissions.can_reveal_card(request.user, h),
        "upper": upper,
        "payment_form": extra.pop("payment_form", None) or forms.PaymentForm(),
        "visit_form": extra.pop("visit_form", None) or forms.VisitForm(),
        "review_overdue": h.status == Status.FILED
        and h.next_review_on
        and h.next_review_on < timezone.localdate(),
        **extra,
    }


def _file_page(request, h, *, status: int = 200, **extra):
    """The file page, with ``extra`` (a form with its errors, a result) in its context."""
    return render(request, "assistance/detail.html", _detail_context(request, h, **extra), status=status)


def _form_on_file_page(request, household_id, form_class, name: str, save, success: str):
    """A form posted from the file page (``name`` is its key in the page's context): ``save(h,
    cleaned_data)`` runs through ``form_action``; back to the file when it was saved, else the
    page again with the form and its errors (400)."""
    h = selectors.household_or_404(request.user, household_id)
    form = form_class(request.POST, request.FILES)
    outcome = form_action(request, lambda d: save(h, d), form=form, success=success)
    if outcome.ok:
        return redirect("assistance:detail", h.pk)
    return _file_page(request, h, status=400, **{name: form})


@officer_required
def detail(request, household_id):
    h = selectors.household_or_404(request.user, household_id)
    return _file_page(request, h)


def _decision(request) -> dict:
    return {"approve": request.POST.get("approve") == "1", "note": request.POST.get("note", "")}


# The buttons of the file page: name in the URL → the step it takes.
ACTIONS = {
    "screen": lambda r, h: workflow.household_screen(actor=r.user, household=h, **_decision(r)),
    "review": lambda r, h: workflow.household_review(actor=r.user, household=h, **_decision(r)),
    "publicise": lambda r, h: workflow.household_publicise(actor=r.user, household=h),
    "file": lambda r, h: workflow.household_file(actor=r.user, household=h),
    "periodic_review": lambda r, h: reviews.household_periodic_review(
        actor=r.user, household=h, note=r.POST.get("note", "")
    ),
    "close": lambda r, h: workflow.household_close(
        actor=r.user, household=h, reason=r.POST.get("reason", "")
    ),
    "reopen": lambda r, h: workflow.household_reopen(
        actor=r.user, household=h, reason=r.POST.get("reason", "")
    ),
}


@officer_required
@require_POST
def action(request, household_id, name):
    h = selectors.household_or_404(request.user, household_id)
    step = dispatch(ACTIONS, name)
    form_action(request, lambda: step(request, h), success=_("Saved."))
    return redirect("assistance:detail", h.pk)


@officer_required
@require_POST
def visit(request, household_id):
    return _form_on_file_page(
        request,
        household_id,
        forms.VisitForm,
        "visit_form",
        lambda h, d: workflow.household_visit(actor=request.user, household=h, **d),
        _("Home visit recorded."),
    )


@officer_required
@require_POST
def payment(request, household_id):
    return _form_on_file_page(
        request,
        household_id,
        forms.PaymentForm,
        "payment_form",
        lambda h, d: payments.payment_record(actor=request.user, household=h, **d),
        _("Payment recorded."),
    )


@officer_required
@require_POST
def reveal(request, household_id):
    h = selectors.household_or_404(request.user, household_id)
    number = bank_cards.bank_card_reveal(actor=request.user, household=h)
    return _file_page(request, h, revealed_card=number)


@officer_required
def dibao(request):
    form = forms.DibaoForm(request.POST or None)
    if request.method == "POST":
        outcome = form_action(
            request,
            lambda d: dibao_services.dibao_set(actor=request.user, **d),
            form=form,
            success=_("低保 standard saved."),
        )
        if outcome.ok:
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
            outcome = form_action(
                request,
                lambda: workflow.household_reopen(
                    actor=request.user, household=own, reason=request.POST.get("reason", "")
                ),
                success=_("Your application has been sent to your union."),
            )
            if outcome.ok:
                return redirect(reverse("assistance:apply"))
            status = 400
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
    if request.method == "POST" and people.is_valid():
        outcome = form_action(
            request,
            lambda d: households.household_open(
                actor=request.user, head=member, **form.household(), family=_family(people)
            ),
            form=form,
            success=_("Your application has been sent to your union."),
        )
        if outcome.ok:
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
    return _form_on_file_page(
        request,
        household_id,
        forms.AttachmentForm,
        "attachment_form",
        lambda h, d: attachment_services.attachment_add(
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
    return _form_on_file_page(
        request,
        household_id,
        forms.IncomeForm,
        "income_form",
        lambda h, d: payments.income_record(
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
    outcome = form_action(
        request, lambda d: monitoring.risk_check(actor=request.user, household=h, **d), form=form
    )
    if not outcome.ok:
        return _file_page(request, h, status=400, risk_form=form)
    result, alert = outcome.result
    return _file_page(request, h, risk_form=form, risk_result=result, risk_alert=alert)


@officer_required
@require_POST
def alert_close(request, household_id, alert_id):
    h = selectors.household_or_404(request.user, household_id)
    alert = selectors.alert_or_404(request.user, alert_id, household=h)
    outcome = form_action(
        request,
        lambda: monitoring.alert_close(
            actor=request.user, alert=alert, outcome=request.POST.get("outcome", "")
        ),
        success=_("Alert closed."),
    )
    if outcome.ok:
        return redirect("assistance:detail", h.pk)
    return _file_page(request, h, status=400)


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


@officer_required
def edit(request, household_id):
    """Correct a file's household data and family: before filing in place (after the upper
    union's approval it goes back to that review); a filed file with its periodic review."""
    h = selectors.household_or_404(request.user, household_id)
    permissions.require_manage(request.user, h)
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
        changes = {**form.household(), "family": _family(people)}
        note = data.get("note", "")
        if h.status == Status.FILED:
            return reviews.household_periodic_review(
                actor=request.user, household=h, note=note, changes=changes
            )
        return editing.household_edit(actor=request.user, household=h, changes=changes, note=note)

    if request.method == "POST" and people.is_valid():
        if form_action(request, save, form=form, success=_("Saved.")).ok:
            return redirect("assistance:detail", h.pk)
    return render(
        request,
        "assistance/edit.html",
        {"h": h, "form": form, "people": people, "at_review": h.status == Status.FILED},
        status=400 if request.method == "POST" else 200,
    )
