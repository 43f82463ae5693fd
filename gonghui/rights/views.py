"""Pages: the worker's (file a request, follow it, rate it; phone-first) and the officers'
(queue with SLA colours, detail with timeline and actions, rates, referral letter, legal aid,
practical needs).

Every service call from a page goes through ``core.web.form_action``: the public forms show
the service's errors next to their fields; the officers' buttons on the detail page post the
typed values to the service, which checks them (one input vocabulary), and come back to the
page with its messages."""

from contextlib import contextmanager

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from gonghui.core import divisions, inputs, throttle, web
from gonghui.core.validators import mask_name
from gonghui.core.widgets import DivisionPicker
from gonghui.organisations import scoping
from gonghui.organisations.permissions import officer_required
from gonghui.rights import forms, permissions, selectors
from gonghui.rights.choices import Category, Outcome
from gonghui.rights.services import legal_aid, needs, transfers, wage_arrears, worker
from gonghui.rights.services import requests as services

Action = scoping.Action


# ---- worker ------------------------------------------------------------------------------


@contextmanager
def _throttled_as_form_error():
    """A public form past one of its rate limits (the client's, or the request's or number's):
    the form says so above its fields, keeping what was typed, instead of a 403 page."""
    try:
        yield
    except throttle.Throttled:
        raise ValidationError(_("Too many attempts; please try again later."), code="throttled") from None


def _count_attempt(request, scope: str) -> None:
    throttle.hit(scope, throttle.client_key(request), limit=settings.GONGHUI_PUBLIC_FORM_RATE, window=3600)


def _render_file(request, form, picker):
    # The wage-arrears details are open when they are asked for (category 欠薪 chosen) or hold
    # an error, so that no error is hidden in a closed <details> (no JavaScript needed).
    arrears_fields = ("project", "amount_owed", "workers_count")
    arrears_open = any(form[f].errors for f in arrears_fields) if form.is_bound else False
    chosen = (form.data if form.is_bound else form.initial).get("category")
    return render(
        request,
        "rights/public/file.html",
        {
            "form": form,
            "picker": picker,
            "arrears_open": arrears_open or chosen == Category.WAGE_ARREARS,
            "is_member": selectors.own_member(request.user) is not None,
            "is_officer": scoping.has_any(request.user, Action.HANDLE_REQUESTS),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def file_request(request):
    """File a request: phone first; a logged-in member files as themself."""
    if request.method == "GET":
        return _render_file(request, forms.RequestForm(), DivisionPicker())
    picker = DivisionPicker(
        province=request.POST.get("province", ""),
        city=request.POST.get("city", ""),
        county=request.POST.get("work_division", ""),
    )
    if "pick" in request.POST:
        return _render_file(request, forms.RequestForm(initial=request.POST.dict()), picker)
    form = forms.RequestForm(request.POST, member=selectors.own_member(request.user))

    def file(_data):
        with _throttled_as_form_error():
            _count_attempt(request, "rights-request")
        # form.member is None when a name or phone is typed: a call taken for someone else
        return services.request_file(actor=request.user, member=form.member, **form.filing())

    outcome = web.form_action(request, file, form=form)
    if not outcome.ok:
        return _render_file(request, form, picker)
    req = outcome.result
    messages.success(
        request,
        _("Your request has been sent. Its number is %(number)s: keep it to follow the request.")
        % {"number": req.number},
    )
    return redirect("rights:status", request_id=req.pk)


@never_cache
@require_http_methods(["GET", "POST"])
def status(request, request_id):
    """The worker follows the request and rates it once it is closed."""
    req = selectors.request_public(request_id)
    form = forms.RateForm(request.POST or None)

    def rate(data):
        with _throttled_as_form_error():
            _count_attempt(request, "rights-rate")
            worker.count_rating_attempt(actor=request.user, request_id=req.pk, req=req)
        try:
            return worker.request_rate(
                actor=request.user,
                request=req,
                rating=data["rating"],
                comment=data["comment"],
                phone=data["phone"],
            )
        except Http404:
            raise inputs.field_error(
                "phone", _("This is not the mobile number the request was filed with."), "wrong_phone"
            ) from None

    if (
        request.method == "POST"
        and web.form_action(request, rate, form=form, success=_("Thank you for your rating.")).ok
    ):
        return redirect("rights:status", request_id=req.pk)
    return render(
        request,
        "rights/public/status.html",
        {
            "req": req,
            "masked_name": mask_name(req.name),
            "place": divisions.full_name(req.work_division),
            "events": selectors.timeline(req),
            "form": form,
            "own": permissions.is_own(request.user, req),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def find(request):
    """Find one's request by its number and the mobile number it was filed with; a match goes
    to the request's page. An unknown number and a wrong phone get the same answer."""
    form = forms.LookupForm(request.POST or None)
    not_found = False

    def lookup(data):
        with _throttled_as_form_error():
            _count_attempt(request, "rights-lookup")
            return worker.request_lookup(number=data["number"], phone=data["phone"])

    if request.method == "POST":
        try:
            outcome = web.form_action(request, lookup, form=form)
        except Http404:
            not_found = True
            form = forms.LookupForm(
                initial={"number": form.cleaned_data["number"]}
            )  # the phone is not echoed
        else:
            if outcome.ok:
                return redirect("rights:status", request_id=outcome.result.pk)
    return render(
        request,
        "rights/public/find.html",
        {"form": form, "not_found": not_found},
        status=404 if not_found else 200,
    )


def needs_public(request, code):
    """A union's practical needs and their progress, public (no personal data)."""
    org = selectors.public_union_or_404(code)
    return render(request, "rights/public/needs.html", {"org": org, "needs": selectors.public_needs(org)})


# ---- officers ------------------------------------------------------------------------------

_TABS = [("open", "Open"), ("overdue", "Overdue"), ("closed", "Closed"), ("", "All")]


@login_required
def queue(request):
    """The officer's queue by tab (with the legal-aid deadlines near), and the signed-in
    worker's own requests."""
    tab = request.GET.get("tab", "open")
    if tab not in {t for t, _label in _TABS}:
        tab = "open"
    qs = selectors.request_queue(
        request.user, status="open" if tab == "overdue" else tab, overdue_only=tab == "overdue"
    )
    is_officer = scoping.has_any(request.user, Action.VIEW)
    return render(
        request,
        "rights/officer/queue.html",
        {
            "page": web.paginate(request, qs),
            "tab": tab,
            "tabs": [(k, _(label)) for k, label in _TABS],
            "mine": list(selectors.own_requests(request.user)[:20]),
            "is_officer": is_officer,
            "reminders": list(selectors.legal_aid_near_deadline(request.user)[:20]) if is_officer else [],
        },
    )


@login_required
def detail(request, request_id):
    req = selectors.request_or_404(request.user, request_id)
    pending = selectors.pending_transfer(req)
    aid = selectors.legal_aid_of(req)
    return render(
        request,
        "rights/officer/detail.html",
        {
            "req": req,
            "events": selectors.timeline(req),
            "pending": pending,
            "transfers": selectors.transfers(req),
            "can_handle": permissions.can_handle(request.user, req),
            "can_receive": pending is not None and permissions.can_decide(request.user, pending),
            "place": divisions.full_name(req.work_division),
            "is_arrears": req.category == Category.WAGE_ARREARS,
            "workers": selectors.arrears_workers(req),
            "recoveries": selectors.recoveries(req),
            "recovered": selectors.recovered_total(req),
            "is_legal_aid": req.category == Category.LEGAL_AID,
            "aid": aid,
            "aid_days_left": legal_aid.days_left(aid) if aid else None,
            "aid_limitation": legal_aid.limitation_of(aid) if aid else None,
            "aid_near": legal_aid.deadline_near(aid) if aid else False,
            "evidence": selectors.evidence_of(aid) if aid else [],
            "outcomes": Outcome.choices,
            "forms": {
                "complexity": forms.ComplexityForm(initial={"complexity": req.complexity}),
                "recovery": forms.RecoveryForm(),
                "legal_aid": forms.LegalAidForm(),
                "transfer": forms.TransferForm(),
            },
        },
    )


def _legal_aid_or_404(req):
    aid = selectors.legal_aid_of(req)
    if aid is None:
        raise Http404
    return aid


# The buttons of the detail page, each posting to its own URL (urls.py names the action): the
# service it calls with what was posted. The service checks the values and the caller's right.
REQUEST_ACTIONS = {
    "accept": lambda request, req: services.request_accept(actor=request.user, request=req),
    "complexity": lambda request, req: services.request_set_complexity(
        actor=request.user,
        request=req,
        complexity=request.POST.get("complexity", ""),
        reason=request.POST.get("reason", ""),
    ),
    "transfer": lambda request, req: transfers.request_transfer(
        actor=request.user,
        request=req,
        to=forms.transfer_target(request.user, request.POST),
        reason=request.POST.get("reason", ""),
        letter="letter" in request.POST,
    ),
    "escalate": lambda request, req: services.request_escalate(
        actor=request.user, request=req, reason=request.POST.get("reason", "")
    ),
    "close": lambda request, req: services.request_close(
        actor=request.user, request=req, reply=request.POST.get("reply", "")
    ),
    "follow_up": lambda request, req: services.request_follow_up(
        actor=request.user, request=req, note=request.POST.get("note", "")
    ),
    "recovery": lambda request, req: wage_arrears.recovery_add(
        actor=request.user,
        request=req,
        amount=request.POST.get("amount", ""),
        recovered_on=request.POST.get("recovered_on", ""),
        reason=request.POST.get("reason", ""),
    ),
    "legal_aid_open": lambda request, req: legal_aid.legal_aid_open(
        actor=request.user,
        request=req,
        cause=request.POST.get("cause", ""),
        form=request.POST.get("form", ""),
        monthly_income=request.POST.get("monthly_income", ""),
        knew_on=request.POST.get("knew_on", ""),
        amount_in_dispute=request.POST.get("amount_in_dispute", ""),
        employment_ended_on=request.POST.get("employment_ended_on", ""),
    ),
    "evidence_upload": lambda request, req: legal_aid.evidence_add(
        actor=request.user, aid=_legal_aid_or_404(req), upload=request.FILES.get("file")
    ),
    "legal_aid_employment_ended": lambda request, req: legal_aid.legal_aid_employment_ended(
        actor=request.user, aid=_legal_aid_or_404(req), ended_on=request.POST.get("employment_ended_on", "")
    ),
    "legal_aid_outcome": lambda request, req: legal_aid.legal_aid_outcome(
        actor=request.user, aid=_legal_aid_or_404(req), outcome=request.POST.get("outcome", "")
    ),
}


@login_required
@require_POST
def request_action(request, request_id, action):
    """One button of the detail page (:data:`REQUEST_ACTIONS`), then back to the page."""
    handler = web.dispatch(REQUEST_ACTIONS, action)
    req = selectors.request_or_404(request.user, request_id)
    web.form_action(request, lambda: handler(request, req), success=_("Saved."))
    return redirect("rights:detail", request_id=req.pk)


@login_required
@require_POST
def transfer_decide(request, transfer_id):
    """The receiving union accepts or refuses a transfer; back to the request if it is still
    in view, else to the queue."""
    t = selectors.transfer_or_404(request.user, transfer_id)
    web.form_action(
        request,
        lambda: transfers.transfer_decide(
            actor=request.user, transfer=t, accept="accept" in request.POST, note=request.POST.get("note", "")
        ),
        success=_("Saved."),
    )
    if selectors.request_queue(request.user).filter(pk=t.request_id).exists():
        return redirect("rights:detail", request_id=t.request_id)
    return redirect("rights:queue")


@login_required
def letter(request, transfer_id):
    """The printable referral letter (转办函) of a cross-region referral."""
    t = selectors.transfer_or_404(request.user, transfer_id)
    req = t.request
    return render(
        request,
        "rights/officer/letter.html",
        {
            "t": t,
            "req": req,
            "place": divisions.full_name(req.work_division),
            "workers": selectors.arrears_workers(req),
        },
    )


@officer_required
def rates(request):
    """On-time and satisfaction rates of a union, its own and with everything below it."""
    code = request.GET.get("org", "")
    if code:
        org = scoping.get_organisation_or_404(request.user, code)
    else:
        homes = scoping.home_organisations(request.user)
        if not homes:
            return render(request, "rights/officer/rates.html", {"rows": [], "org": None})
        org = homes[0]
    return render(
        request, "rights/officer/rates.html", {"rows": selectors.rates_table(request.user, org), "org": org}
    )


@login_required
def evidence_file(request, evidence_id):
    ev = selectors.evidence_or_404(request.user, evidence_id)
    response = HttpResponse(bytes(ev.data), content_type=ev.content_type)
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# ---- 我为群众办实事 ----------------------------------------------------------------------


@officer_required
@require_http_methods(["GET", "POST"])
def needs_list(request):
    form = forms.NeedForm(request.POST or None, user=request.user)
    if form.is_bound and not form.is_valid() and form.has_error("organisation", "org_unknown"):
        raise Http404  # a union out of reach answers like a missing one, as the code did before

    def create(data):
        org = scoping.get_organisation_or_404(request.user, data["organisation"], Action.HANDLE_REQUESTS)
        linked = selectors.request_or_404(request.user, data["request_id"]) if data["request_id"] else None
        return needs.need_create(
            actor=request.user,
            organisation=org,
            title=data["title"],
            owner=data["owner"],
            deadline=data["deadline"],
            request=linked,
        )

    if request.method == "POST" and web.form_action(request, create, form=form, success=_("Saved.")).ok:
        return redirect("rights:needs")
    return render(
        request, "rights/officer/needs.html", {"needs": selectors.needs_in_scope(request.user), "form": form}
    )


@officer_required
@require_POST
def need_progress(request, need_id):
    need = selectors.need_or_404(request.user, need_id)
    web.form_action(
        request,
        lambda: needs.need_progress(
            actor=request.user,
            need=need,
            status=request.POST.get("status", ""),
            progress=request.POST.get("progress", ""),
            rating=request.POST.get("rating", ""),
        ),
        success=_("Saved."),
    )
    return redirect("rights:needs")
