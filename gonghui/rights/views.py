"""Pages: the worker's (file a request, follow it, rate it; phone-first) and the officers'
(queue with SLA colours, detail with timeline and actions, rates, referral letter)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from gonghui.core import divisions, pagination, throttle
from gonghui.core.forms import add_service_error
from gonghui.core.validators import mask_name
from gonghui.core.widgets import DivisionPicker
from gonghui.organisations import scoping
from gonghui.organisations import selectors as org_selectors
from gonghui.rights import forms, selectors
from gonghui.rights.choices import Category, Outcome
from gonghui.rights.services import legal_aid, needs
from gonghui.rights.services import requests as services

Action = scoping.Action


# ---- worker ------------------------------------------------------------------------------


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
    member = selectors.own_member(request.user)
    if request.method == "GET":
        return _render_file(request, forms.RequestForm(), DivisionPicker())
    picker = DivisionPicker(
        province=request.POST.get("province", ""),
        city=request.POST.get("city", ""),
        county=request.POST.get("work_division", ""),
    )
    if "pick" in request.POST:
        return _render_file(request, forms.RequestForm(initial=request.POST.dict()), picker)
    form = forms.RequestForm(request.POST, member=member)
    if form.is_valid():
        data = form.cleaned_data
        member = form.member  # None when a name or phone is typed: a call taken for someone else
        try:
            throttle.hit(
                "rights-request",
                throttle.client_key(request),
                limit=settings.GONGHUI_PUBLIC_FORM_RATE,
                window=3600,
            )
            req = services.request_file(
                actor=request.user,
                member=member,
                channel=data["channel"] or "app",
                category=data["category"],
                description=data["description"],
                work_division=data["work_division"],
                employer=data["employer"],
                name=data["name"],
                phone=data["phone"],
                project=data["project"],
                amount_owed=data["amount_owed"] or None,
                workers_count=data["workers_count"],
            )
        except throttle.Throttled:
            form.add_error(None, _("Too many attempts; please try again later."))
        except ValidationError as exc:
            add_service_error(form, exc, {"invalid_division": "work_division"})
        else:
            messages.success(
                request,
                _("Your request has been sent. Its number is %(number)s: keep it to follow the request.")
                % {"number": req.number},
            )
            return redirect("rights:status", request_id=req.pk)
    return _render_file(request, form, picker)


@never_cache
@require_http_methods(["GET", "POST"])
def status(request, request_id):
    """The worker follows the request and rates it once it is closed."""
    req = selectors.request_public(request_id)
    form = forms.RateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            throttle.hit(
                "rights-rate",
                throttle.client_key(request),
                limit=settings.GONGHUI_PUBLIC_FORM_RATE,
                window=3600,
            )
            services.count_rating_attempt(actor=request.user, request_id=req.pk, req=req)
            services.request_rate(
                actor=request.user,
                request=req,
                rating=form.cleaned_data["rating"],
                comment=form.cleaned_data["comment"],
                phone=form.cleaned_data["phone"],
            )
        except throttle.Throttled:
            form.add_error(None, _("Too many attempts; please try again later."))
        except Http404:
            form.add_error("phone", _("This is not the mobile number the request was filed with."))
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Thank you for your rating."))
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
            "own": services.is_own(request.user, req),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def find(request):
    """Find one's request by its number and the mobile number it was filed with; a match goes
    to the request's page. An unknown number and a wrong phone get the same answer."""
    form = forms.LookupForm(request.POST or None)
    not_found = False
    if request.method == "POST" and form.is_valid():
        try:
            throttle.hit(
                "rights-lookup",
                throttle.client_key(request),
                limit=settings.GONGHUI_PUBLIC_FORM_RATE,
                window=3600,
            )
            req = services.request_lookup(
                number=form.cleaned_data["number"], phone=form.cleaned_data["phone"]
            )
        except throttle.Throttled:
            form.add_error(None, _("Too many attempts; please try again later."))
        except Http404:
            not_found = True
            form = forms.LookupForm(
                initial={"number": form.cleaned_data["number"]}
            )  # the phone is not echoed
        else:
            return redirect("rights:status", request_id=req.pk)
    return render(
        request,
        "rights/public/find.html",
        {"form": form, "not_found": not_found},
        status=404 if not_found else 200,
    )


# ---- officers ------------------------------------------------------------------------------

_TABS = [("open", "Open"), ("overdue", "Overdue"), ("closed", "Closed"), ("", "All")]


@login_required
def queue(request):
    tab = request.GET.get("tab", "open")
    if tab not in {t for t, _label in _TABS}:
        tab = "open"
    qs = selectors.request_queue(
        request.user, status="open" if tab == "overdue" else tab, overdue_only=tab == "overdue"
    )
    page_req = pagination.parse(request.GET.get("page"), request.GET.get("page_size"))
    rows, count = pagination.slice_queryset(qs, page_req)
    mine = list(selectors.own_requests(request.user)[:20])
    is_officer = scoping.has_any(request.user, Action.VIEW)
    return render(
        request,
        "rights/officer/queue.html",
        {
            "rows": rows,
            "count": count,
            "tab": tab,
            "tabs": [(k, _(label)) for k, label in _TABS],
            "page_req": page_req,
            "next_page": page_req.page + 1 if page_req.offset + len(rows) < count else None,
            "prev_page": page_req.page - 1 if page_req.page > 1 else None,
            "mine": mine,
            "is_officer": is_officer,
            "reminders": list(selectors.legal_aid_near_deadline(request.user)[:20]) if is_officer else [],
        },
    )


@login_required
def detail(request, request_id):
    req = selectors.request_or_404(request.user, request_id)
    pending = selectors.pending_transfer(req)
    can_handle = scoping.can(request.user, Action.HANDLE_REQUESTS, req.organisation)
    aid = selectors.legal_aid_of(req)
    can_receive = pending is not None and scoping.can(
        request.user, Action.HANDLE_REQUESTS, pending.to_organisation
    )
    return render(
        request,
        "rights/officer/detail.html",
        {
            "req": req,
            "events": selectors.timeline(req),
            "pending": pending,
            "transfers": selectors.transfers(req),
            "can_handle": can_handle,
            "can_receive": can_receive,
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
                "transfer": forms.TransferForm(),
                "complexity": forms.ComplexityForm(initial={"complexity": req.complexity}),
                "reply": forms.ReplyForm(),
                "escalate": forms.ReasonForm(),
                "follow_up": forms.NoteForm(),
                "recovery": forms.RecoveryForm(),
                "legal_aid": forms.LegalAidForm(),
            },
        },
    )


def _act(request, request_id, fn):
    req = selectors.request_or_404(request.user, request_id)
    try:
        fn(req)
    except ValidationError as exc:
        for msg in exc.messages:
            messages.error(request, msg)
    else:
        messages.success(request, _("Saved."))
    return redirect("rights:detail", request_id=req.pk)


@login_required
@require_POST
def accept(request, request_id):
    return _act(request, request_id, lambda r: services.request_accept(actor=request.user, request=r))


@login_required
@require_POST
def complexity(request, request_id):
    f = forms.ComplexityForm(request.POST)
    f.is_valid()
    data = f.cleaned_data
    return _act(
        request,
        request_id,
        lambda r: services.request_set_complexity(
            actor=request.user,
            request=r,
            complexity=data.get("complexity", ""),
            reason=data.get("reason", ""),
        ),
    )


@login_required
@require_POST
def transfer(request, request_id):
    f = forms.TransferForm(request.POST)
    f.is_valid()
    data = f.cleaned_data

    def run(r):
        target = org_selectors.by_code(data.get("to", ""))
        services.request_transfer(
            actor=request.user,
            request=r,
            to=target,
            reason=data.get("reason", ""),
            letter=data.get("letter", False),
        )

    return _act(request, request_id, run)


@login_required
@require_POST
def transfer_decide(request, transfer_id):
    t = selectors.transfer_or_404(request.user, transfer_id)
    f = forms.DecideForm(request.POST)
    f.is_valid()
    try:
        services.transfer_decide(
            actor=request.user,
            transfer=t,
            accept=f.cleaned_data.get("accept", False),
            note=f.cleaned_data.get("note", ""),
        )
    except ValidationError as exc:
        for msg in exc.messages:
            messages.error(request, msg)
    else:
        messages.success(request, _("Saved."))
    if selectors.request_queue(request.user).filter(pk=t.request_id).exists():
        return redirect("rights:detail", request_id=t.request_id)
    return redirect("rights:queue")


@login_required
@require_POST
def escalate(request, request_id):
    reason = request.POST.get("reason", "")
    return _act(
        request, request_id, lambda r: services.request_escalate(actor=request.user, request=r, reason=reason)
    )


@login_required
@require_POST
def close(request, request_id):
    reply = request.POST.get("reply", "")
    return _act(
        request, request_id, lambda r: services.request_close(actor=request.user, request=r, reply=reply)
    )


@login_required
@require_POST
def follow_up(request, request_id):
    note = request.POST.get("note", "")
    return _act(
        request, request_id, lambda r: services.request_follow_up(actor=request.user, request=r, note=note)
    )


@login_required
@require_POST
def recovery(request, request_id):
    f = forms.RecoveryForm(request.POST)
    if not f.is_valid():
        messages.error(request, _("Give an amount and a date."))
        return redirect("rights:detail", request_id=request_id)
    data = f.cleaned_data
    return _act(
        request,
        request_id,
        lambda r: services.recovery_add(
            actor=request.user,
            request=r,
            amount=data["amount"],
            recovered_on=data["recovered_on"],
            reason=data["reason"],
        ),
    )


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


@login_required
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


# ---- legal aid ---------------------------------------------------------------------------


def _errors(request, exc: ValidationError) -> None:
    for msg in exc.messages:
        messages.error(request, msg)


@login_required
@require_POST
def legal_aid_open(request, request_id):
    req = selectors.request_or_404(request.user, request_id)
    f = forms.LegalAidForm(request.POST)
    if not f.is_valid():
        messages.error(request, _("Check the legal-aid details."))
        return redirect("rights:detail", request_id=req.pk)
    d = f.cleaned_data
    try:
        legal_aid.legal_aid_open(
            actor=request.user,
            request=req,
            cause=d["cause"],
            form=d["form"],
            monthly_income=d["monthly_income"],
            knew_on=d["knew_on"],
            amount_in_dispute=d["amount_in_dispute"] or None,
            employment_ended_on=d["employment_ended_on"],
        )
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("rights:detail", request_id=req.pk)


@login_required
@require_POST
def evidence_upload(request, request_id):
    req = selectors.request_or_404(request.user, request_id)
    aid = selectors.legal_aid_of(req)
    upload = request.FILES.get("file")
    if aid is None or upload is None:
        messages.error(request, _("Choose a file."))
        return redirect("rights:detail", request_id=req.pk)
    try:
        legal_aid.evidence_add(actor=request.user, aid=aid, upload=upload)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("Saved."))
    return redirect("rights:detail", request_id=req.pk)


@login_required
def evidence_file(request, evidence_id):
    ev = selectors.evidence_or_404(request.user, evidence_id)
    response = HttpResponse(bytes(ev.data), content_type=ev.content_type)
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def legal_aid_employment_ended(request, request_id):
    req = selectors.request_or_404(request.user, request_id)
    aid = selectors.legal_aid_of(req)
    if aid is None:
        raise Http404
    f = forms.EmploymentEndedForm(request.POST)
    if not f.is_valid():
        messages.error(request, _("Give the day the employment ended."))
        return redirect("rights:detail", request_id=req.pk)
    try:
        legal_aid.legal_aid_employment_ended(
            actor=request.user, aid=aid, ended_on=f.cleaned_data["employment_ended_on"]
        )
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("Saved."))
    return redirect("rights:detail", request_id=req.pk)


@login_required
@require_POST
def legal_aid_outcome(request, request_id):
    req = selectors.request_or_404(request.user, request_id)
    aid = selectors.legal_aid_of(req)
    if aid is None:
        raise Http404
    try:
        legal_aid.legal_aid_outcome(actor=request.user, aid=aid, outcome=request.POST.get("outcome", ""))
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("rights:detail", request_id=req.pk)


# ---- 我为群众办实事 ----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def needs_list(request):
    form = forms.NeedForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            org = scoping.get_organisation_or_404(request.user, d["organisation"], Action.HANDLE_REQUESTS)
            linked = selectors.request_or_404(request.user, d["request_id"]) if d["request_id"] else None
            needs.need_create(
                actor=request.user,
                organisation=org,
                title=d["title"],
                owner=d["owner"],
                deadline=d["deadline"],
                request=linked,
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("rights:needs")
    return render(
        request, "rights/officer/needs.html", {"needs": selectors.needs_in_scope(request.user), "form": form}
    )


@login_required
@require_POST
def need_progress(request, need_id):
    need = selectors.need_or_404(request.user, need_id)
    raw = request.POST.get("rating", "")
    rating = None if not raw else (int(raw) if raw.isdigit() else 0)  # 0 is refused by the service
    try:
        needs.need_progress(
            actor=request.user,
            need=need,
            status=request.POST.get("status", ""),
            progress=request.POST.get("progress", ""),
            rating=rating,
        )
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("rights:needs")


def needs_public(request, code):
    """A union's practical needs and their progress, public (no personal data)."""
    org = org_selectors.by_code(code)
    if org is None or not org.is_active:
        raise Http404
    return render(request, "rights/public/needs.html", {"org": org, "needs": selectors.public_needs(org)})
