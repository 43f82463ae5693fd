"""Pages of problem reports (tickets), check-ins and suggested sites.

Worker pages are phone-first and work without JavaScript: report a problem at a station, follow
the ticket by its number, check in by the QR code at the door, suggest a new site and follow
the decision. Keepers get their open tickets and the last 30 days' check-ins on one phone
page; officers a ticket queue with SLA colours, the closed-loop rates, the printable QR code
and the review of suggested sites. Thin: parse → one service → redirect or render.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gonghui.core import divisions, qr, throttle
from gonghui.core.forms import Form, add_check_errors
from gonghui.core.web import form_action, next_or, paginate
from gonghui.core.widgets import DivisionPicker, picked_division
from gonghui.organisations.permissions import officer_required
from gonghui.stations import hours, permissions
from gonghui.stations.choices import Crs, ProblemKind, SuggestionStatus, TicketStatus
from gonghui.stations.forms import UnionFilterForm
from gonghui.stations.selectors import stations as station_reads
from gonghui.stations.selectors import suggestions as suggestion_reads
from gonghui.stations.selectors import tickets as ticket_reads
from gonghui.stations.services import checkins, suggestions, tickets
from gonghui.stations.web import hit_public_form

# ---- forms (input shape; the public ones run the services' checks in clean()) ---------------------


class ReportForm(Form):
    """A worker's report; the service's own check (``clean_report``) runs in ``clean`` so a bad
    mobile number shows with a missing kind, not after it."""

    kind = forms.ChoiceField(
        label=gettext_lazy("What is wrong?"), choices=ProblemKind.choices, widget=forms.RadioSelect
    )
    description = forms.CharField(
        label=gettext_lazy("Tell us more"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 500}),
    )
    contact = forms.CharField(
        label=gettext_lazy("Mobile number, if the keeper may call you back"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )

    def clean(self):
        data = super().clean()
        try:
            tickets.clean_report(
                kind=data.get("kind", ""),
                description=data.get("description", ""),
                contact=data.get("contact", ""),
            )
        except ValidationError as exc:
            add_check_errors(self, exc)
        return data


class ResolveForm(Form):
    resolution = forms.CharField(
        label=gettext_lazy("What was done"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class RejectForm(Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class SuggestForm(Form):
    """A suggested site; the place comes from the province → city → county selects (posted as
    ``work_division``). The service's own check (``clean_suggestion``) runs in ``clean``, so
    every problem — the place included — shows on the first submit."""

    name = forms.CharField(label=pgettext_lazy("location", "Place"), max_length=80)
    address = forms.CharField(label=gettext_lazy("Address"), max_length=200)
    lat = forms.CharField(label=gettext_lazy("Latitude"), required=False, max_length=30)
    lng = forms.CharField(label=gettext_lazy("Longitude"), required=False, max_length=30)
    crs = forms.ChoiceField(
        label=gettext_lazy("Coordinate system"), choices=Crs.choices, required=False, initial=Crs.WGS84
    )
    reason = forms.CharField(
        label=gettext_lazy("Why here?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": gettext_lazy("Say why a station is needed here.")},
    )
    work_division = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_work_division(self) -> str:
        return picked_division(
            self.data,
            missing=gettext_lazy("Choose the province, city and district of the place."),
            incomplete=gettext_lazy("Choose the district or county of the place."),
        )

    def clean(self):
        data = super().clean()
        try:
            suggestions.clean_suggestion({**data, "division_code": data.get("work_division", "")})
        except ValidationError as exc:
            add_check_errors(self, exc, rename={"division_code": "work_division"})
        return data

    def service_data(self) -> dict:
        """What ``suggestion_submit`` takes: the place as ``division_code``."""
        data = dict(self.cleaned_data)
        data["division_code"] = data.pop("work_division")
        return data


class AcceptForm(Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=80)
    host_unit = forms.CharField(label=gettext_lazy("Host unit"), max_length=120, required=False)
    address = forms.CharField(label=gettext_lazy("Address"), max_length=200)
    division_code = forms.CharField(label=gettext_lazy("District code"), max_length=6)
    lat = forms.CharField(label=gettext_lazy("Latitude"), max_length=30)
    lng = forms.CharField(label=gettext_lazy("Longitude"), max_length=30)
    crs = forms.ChoiceField(label=gettext_lazy("Coordinate system"), choices=Crs.choices, initial=Crs.WGS84)
    hours = forms.CharField(
        label=gettext_lazy("Opening hours"),
        max_length=200,
        help_text=gettext_lazy("For example 周一至周五 08:30-18:00；周六 09:00-12:00, or 24小时."),
    )
    phone = forms.CharField(label=gettext_lazy("Station telephone"), max_length=20, required=False)
    note = forms.CharField(label=gettext_lazy("Note for workers"), max_length=200, required=False)


class DeclineForm(Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


# ---- worker: report a problem and follow the ticket -------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def report(request, code):
    """Report a problem at a station (phone page; no sign-in needed)."""
    station = station_reads.public_station_or_404(code)
    form = ReportForm(request.POST or None, initial={"kind": request.GET.get("kind", "")})
    if request.method == "POST" and form.is_valid():
        try:
            hit_public_form(request, "stations-report")
        except throttle.Throttled:
            form.add_error(None, _("Too many attempts; please try again later."))
        else:
            done = form_action(
                request,
                lambda data: tickets.report_problem(actor=request.user, station=station, **data),
                form=form,
            )
            if done.ok:
                ticket, merged = done.result
                if merged:
                    messages.info(
                        request,
                        _("This problem was already reported; your report was added to the same ticket."),
                    )
                else:
                    messages.success(request, _("Thank you. Keep the ticket number to follow the repair."))
                return redirect("stations:ticket", number=ticket.number)
    return render(
        request,
        "stations/report_form.html",
        {"station": station, "form": form, "open_now": hours.is_open(station)},
    )


def _ticket_page(request, t, template: str, **extra):
    t.sla_colour, t.sla_code = ticket_reads.sla_state(t)
    context = {
        "ticket": t,
        "events": [(e, ticket_reads.event_label(e.kind)) for e in ticket_reads.timeline(t)],
        "reports": ticket_reads.reports_count(t),
        "can_handle": permissions.can_handle(request.user, t),
        **extra,
    }
    return render(request, template, context)


@never_cache
@require_GET
def ticket(request, number):
    """The reporter's progress page, reached by the ticket number (no personal data)."""
    return _ticket_page(request, ticket_reads.ticket_public_or_404(number), "stations/ticket_status.html")


# ---- keeper and officers: the lifecycle -------------------------------------------------------


def _ticket_button(service, field: str):
    """The page of one button on a ticket (the keeper's phone page, the ticket page): the
    service ``service(actor, ticket, <field>=what was typed)``, then back to ``next`` (on this
    site) or the ticket."""

    @login_required
    @require_POST
    def view(request, number):
        t = ticket_reads.ticket_or_404(request.user, number)
        form_action(
            request,
            lambda: service(actor=request.user, ticket=t, **{field: request.POST.get(field, "")}),
            success=_("Ticket %(number)s updated.") % {"number": t.number},
        )
        return redirect(next_or(request, reverse("stations:ticket_detail", kwargs={"number": t.number})))

    return view


ticket_acknowledge = _ticket_button(tickets.ticket_acknowledge, "note")
ticket_resolve = _ticket_button(tickets.ticket_resolve, "resolution")
ticket_reject = _ticket_button(tickets.ticket_reject, "reason")


@login_required
@never_cache
@require_GET
def ticket_detail(request, number):
    """A ticket for its keeper and the officers in scope: timeline, masked contact, actions."""
    return _ticket_page(
        request,
        ticket_reads.ticket_or_404(request.user, number),
        "stations/ticket_detail.html",
        resolve_form=ResolveForm(),
        reject_form=RejectForm(),
    )


@login_required
@never_cache
@require_GET
def keeper_tickets(request):
    """The keeper's phone page: open tickets of their stations (oldest due first) with the
    actions, and each station's check-ins over the last 30 days."""
    stations = station_reads.kept_stations(request.user)
    rows = ticket_reads.with_sla(ticket_reads.keeper_tickets(request.user))
    usage = [(s, list(reversed(station_reads.usage(s)))) for s in stations]
    return render(
        request,
        "stations/ticket_keeper.html",
        {
            "rows": rows,
            "usage": [(s, days, sum(n for _d, n in days)) for s, days in usage],
            "stations": stations,
            "resolve_form": ResolveForm(),
            "reject_form": RejectForm(),
        },
    )


_STATUS_TABS = [
    "active",
    TicketStatus.OPEN,
    TicketStatus.ACKNOWLEDGED,
    TicketStatus.RESOLVED,
    TicketStatus.REJECTED,
]


@officer_required
@never_cache
@require_GET
def ticket_queue(request):
    """Officers: the tickets of the subtree, escalated first, with SLA colours; filters
    status, overdue and union; 20 a page."""
    status = request.GET.get("status", "active")
    if status not in _STATUS_TABS and status != "all":
        status = "active"
    overdue = request.GET.get("overdue") == "1"
    union_form = UnionFilterForm({"union": request.GET.get("union", "")}, user=request.user)
    union = union_form.cleaned_data["union"] if union_form.is_valid() else None
    if union_form.has_error("union", "org_unknown"):
        raise Http404  # a union out of reach answers like a missing one (docs/dev/permissions.md)
    page = paginate(
        request,
        ticket_reads.ticket_queue(
            request.user, status="" if status == "all" else status, overdue=overdue, organisation=union
        ),
    )
    labels = dict(TicketStatus.choices)
    labels["active"] = _("open or acknowledged")
    labels["all"] = _("all")
    return render(
        request,
        "stations/ticket_queue.html",
        {
            "page": page,
            "rows": ticket_reads.with_sla(page.items),
            "count": page.count,
            "tabs": [(key, labels[key]) for key in [*_STATUS_TABS, "all"]],
            "status": status,
            "overdue": overdue,
            "union": union,
            "union_form": union_form,
        },
    )


@officer_required
@never_cache
@require_GET
def ticket_rates(request):
    """Closed-loop rates of the last 90 days per child union of the viewer's scope."""
    if request.GET.get("org"):
        org = ticket_reads.organisation_in_scope_or_404(request.user, request.GET["org"])
    else:
        org = ticket_reads.home_organisation(request.user)
        if org is None:
            raise Http404
    start, end = ticket_reads.default_period()
    return render(
        request,
        "stations/ticket_rates.html",
        {
            "org": org,
            "rows": ticket_reads.closed_loop_table(request.user, org, start=start, end=end),
            "start": start,
            "end": end,
            "days": ticket_reads.RATE_PERIOD_DAYS,
        },
    )


# ---- check-ins -----------------------------------------------------------------------------


def checkin_url(request, station) -> str:
    path = reverse("stations:checkin", kwargs={"code": station.code})
    return request.build_absolute_uri(f"{path}?k={station.checkin_key}")


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def station_qr(request, code):
    """The printable check-in QR code for the station's door (keeper or managing officer);
    POST makes a new code (the old one stops working)."""
    station = station_reads.keeper_station_or_404(request.user, code)
    if request.method == "POST":
        form_action(
            request,
            lambda: checkins.key_rotate(actor=request.user, station=station),
            success=_("A new check-in code was made; print it and replace the old one."),
        )
        return redirect("stations:station_qr", code=station.code)
    url = checkin_url(request, station)
    return render(
        request,
        "stations/checkin_qr.html",
        {"station": station, "url": url, "qr_svg": qr.qr_svg(url, title=_("Check-in code"), scale=8)},
    )


def _visitor_token(request) -> tuple[str, bool]:
    token = request.COOKIES.get(checkins.VISITOR_COOKIE, "")
    if 16 <= len(token) <= 100:
        return token, False
    return checkins.new_visitor_token(), True


@never_cache
@require_http_methods(["GET", "POST"])
def checkin(request, code):
    """Scanned at the door: a "check in" button (GET), the check-in itself (POST). A wrong
    key answers 404 and writes nothing."""
    station = station_reads.public_station_or_404(code)
    key = request.POST.get("k") if request.method == "POST" else request.GET.get("k")
    if not checkins.key_matches(station, key):
        raise Http404
    token, new_cookie = _visitor_token(request)
    context = {"station": station, "key": key, "done": None, "open_now": hours.is_open(station)}
    if request.method == "POST":
        try:
            hit_public_form(request, "stations-checkin", checkins.checkin_rate())
            _checkin, created = checkins.check_in(station=station, key=key, user=request.user, token=token)
        except throttle.Throttled:
            context["error"] = _("Too many attempts; please try again later.")
        else:
            context["done"] = "counted" if created else "already"
    response = render(request, "stations/checkin_page.html", context)
    if new_cookie:
        response.set_cookie(
            checkins.VISITOR_COOKIE,
            token,
            max_age=checkins.VISITOR_COOKIE_MAX_AGE,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return response


# ---- suggested sites -------------------------------------------------------------------------


def _picker(data) -> DivisionPicker:
    return DivisionPicker(
        province=data.get("province", ""), city=data.get("city", ""), county=data.get("work_division", "")
    )


@never_cache
@require_http_methods(["GET", "POST"])
def suggest(request):
    """Suggest a new site (phone page; signed in or not)."""
    if request.method == "GET":
        return render(
            request, "stations/suggest_form.html", {"form": SuggestForm(), "picker": DivisionPicker()}
        )
    picker = _picker(request.POST)
    if "pick" in request.POST:
        form = SuggestForm(initial=request.POST.dict())
        return render(request, "stations/suggest_form.html", {"form": form, "picker": picker})
    form = SuggestForm(request.POST)
    if form.is_valid():
        try:
            hit_public_form(request, "stations-suggest")
        except throttle.Throttled:
            form.add_error(None, _("Too many attempts; please try again later."))
        else:
            done = form_action(
                request,
                lambda _data: suggestions.suggestion_submit(actor=request.user, data=form.service_data()),
                form=form,
                success=_("Thank you. Keep this page's address to see the union's decision."),
                fields_by_code={"division_*": "work_division"},
            )
            if done.ok:
                return redirect("stations:suggestion", suggestion_id=done.result.pk)
    return render(request, "stations/suggest_form.html", {"form": form, "picker": picker})


@never_cache
@require_GET
def suggestion(request, suggestion_id):
    """The suggester's page: the decision and, once accepted, the new station (no personal
    data). Officers who may review it see the review actions here too."""
    s = suggestion_reads.suggestion_public_or_404(suggestion_id)
    return render(
        request,
        "stations/suggest_status.html",
        {
            "s": s,
            "place": divisions.full_name(s.division_code),
            "can_review": permissions.can_review(request.user, s),
            "decline_form": DeclineForm(),
        },
    )


@officer_required
@never_cache
@require_GET
def suggestion_queue(request):
    """Officers: suggested sites routed to the unions in scope."""
    status = request.GET.get("status", SuggestionStatus.PENDING)
    if status not in SuggestionStatus.values and status != "all":
        status = SuggestionStatus.PENDING
    page = paginate(
        request, suggestion_reads.suggestion_queue(request.user, status="" if status == "all" else status)
    )
    return render(
        request,
        "stations/suggest_queue.html",
        {
            "page": page,
            "rows": [(s, divisions.full_name(s.division_code)) for s in page.items],
            "count": page.count,
            "status": status,
            "tabs": [*SuggestionStatus.choices, ("all", _("all"))],
        },
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def suggestion_accept(request, suggestion_id):
    """Officers: create the station from the suggestion (the form starts from it)."""
    s = suggestion_reads.suggestion_or_404(request.user, suggestion_id)
    permissions.require_review(request.user, s)
    if s.status != SuggestionStatus.PENDING:
        messages.error(request, _("This suggestion has already been decided."))
        return redirect("stations:suggestion", suggestion_id=s.pk)
    form = AcceptForm(request.POST or None, initial=suggestions.initial_station_data(s))
    if request.method == "POST":
        done = form_action(
            request,
            lambda data: suggestions.suggestion_accept(actor=request.user, suggestion=s, data=data),
            form=form,
            success=_("The station was created from the suggestion."),
        )
        if done.ok:
            return redirect("stations:suggestion", suggestion_id=s.pk)
    return render(request, "stations/suggest_accept.html", {"s": s, "form": form})


@login_required
@require_POST
def suggestion_decline(request, suggestion_id):
    s = suggestion_reads.suggestion_or_404(request.user, suggestion_id)
    form_action(
        request,
        lambda: suggestions.suggestion_decline(
            actor=request.user, suggestion=s, reason=request.POST.get("reason", "")
        ),
        success=_("The suggestion was declined."),
    )
    return redirect("stations:suggestion", suggestion_id=s.pk)
