"""The keeper's phone pages: their stations, and per station the status with a note, the
weekly hours, exceptions, "verified today" and photos. Every form posts normally (no
JavaScript needed) to its own address and comes back to the station's keeper page.

Who: the station's keeper (Station.keeper) or an officer who manages it
(``registry.can_keep``); anyone else gets 404, as if the station did not exist.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gonghui.core.forms import add_service_error
from gonghui.stations import forms, hours
from gonghui.stations import selectors_pages as selectors
from gonghui.stations.services import registry
from gonghui.stations.views.pages import change_text, is_stale


@login_required
@require_GET
def home(request):
    now = timezone.now()
    stations = selectors.kept_stations(request.user)
    rows = [
        {"station": s, "open_now": hours.is_open(s, now), "change": change_text(s, now), "stale": is_stale(s)}
        for s in stations
    ]
    return render(request, "stations/keeper_home.html", {"rows": rows})


def _page(request, station, **bound):
    """The keeper page of ``station``; ``bound`` replaces one of the empty forms by the one
    that was just posted with its errors."""
    station = selectors.keeper_station_or_404(request.user, station.code)  # fresh hours
    text = registry.format_hours(station)
    context = {
        "station": station,
        "open_now": hours.is_open(station),
        "change": change_text(station),
        "stale": is_stale(station),
        "hours_text": text,
        "status_form": forms.StatusForm(initial={"status": station.status, "note": station.note}),
        "hours_form": forms.HoursForm(initial=forms.HoursForm.initial_for(station, text)),
        "exception_form": forms.ExceptionForm(),
        "photo_form": forms.PhotoForm(),
        "exceptions": selectors.page_upcoming_exceptions(station, days=366),
        "photos": selectors.page_photos(station),
        "split_days": _split_days(station),
    }
    context.update(bound)
    return render(request, "stations/keeper_station.html", context)


def _split_days(station) -> bool:
    days = [h.weekday for h in station.hours.all()]
    return len(days) != len(set(days))


def _station(request, code):
    return selectors.keeper_station_or_404(request.user, code)


def _done(request, station, message):
    messages.success(request, message)
    return redirect("stations:keeper_station", code=station.code)


def _call(form, call) -> bool:
    """Run a registry call; a ValidationError goes on ``form``, a PermissionDenied is a 404
    (the keeper page of a station one may not keep does not exist)."""
    try:
        call()
    except ValidationError as exc:
        add_service_error(form, exc)
        return False
    except PermissionDenied:
        raise Http404 from None
    return True


@login_required
@require_GET
def station(request, code):
    return _page(request, _station(request, code))


@login_required
@require_POST
def status(request, code):
    station = _station(request, code)
    form = forms.StatusForm(request.POST)
    if form.is_valid() and _call(
        form,
        lambda: registry.status_set(
            actor=request.user,
            station=station,
            status=form.cleaned_data["status"],
            note=form.cleaned_data["note"],
        ),
    ):
        return _done(request, station, _("Status saved."))
    return _page(request, station, status_form=form)


@login_required
@require_POST
def hours_view(request, code):
    station = _station(request, code)
    form = forms.HoursForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        if request.POST.get("mode") == "text":
            try:
                always_open, intervals = registry.parse_hours(data["text"])
            except ValidationError as exc:
                form.add_error("text", exc.message_dict.get("hours", exc.messages))
        else:
            always_open, intervals = data["always_open"], ([] if data["always_open"] else form.intervals())
            if not always_open and not intervals and not form.errors:
                form.add_error(None, _("Give the opening hours."))
        if not form.errors and _call(
            form,
            lambda: registry.hours_set(
                actor=request.user, station=station, always_open=always_open, intervals=intervals
            ),
        ):
            return _done(request, station, _("Opening hours saved."))
    return _page(request, station, hours_form=form)


@login_required
@require_POST
def exception_add(request, code):
    station = _station(request, code)
    form = forms.ExceptionForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        if d["date"] < timezone.localdate():
            form.add_error("date", _("Give today or a later date."))
        elif _call(
            form,
            lambda: registry.exception_set(
                actor=request.user,
                station=station,
                date=d["date"],
                closed=d["closed"],
                opens=d["opens"],
                closes=d["closes"],
                note=d["note"],
            ),
        ):
            return _done(request, station, _("Special day saved."))
    return _page(request, station, exception_form=form)


@login_required
@require_POST
def exception_delete(request, code, exception_id):
    station = _station(request, code)
    exception = selectors.keeper_exception_or_404(station, exception_id)
    try:
        registry.exception_delete(actor=request.user, exception=exception)
    except PermissionDenied:
        raise Http404 from None
    return _done(request, station, _("Special day removed."))


@login_required
@require_POST
def verify(request, code):
    station = _station(request, code)
    try:
        registry.verify(actor=request.user, station=station)
    except PermissionDenied:
        raise Http404 from None
    return _done(request, station, _("Marked as verified today."))


@login_required
@require_POST
def photo_add(request, code):
    station = _station(request, code)
    form = forms.PhotoForm(request.POST, request.FILES)
    if form.is_valid() and _call(
        form,
        lambda: registry.photo_add(actor=request.user, station=station, upload=form.cleaned_data["photo"]),
    ):
        return _done(request, station, _("Photo added."))
    return _page(request, station, photo_form=form)


@login_required
@require_POST
def photo_delete(request, code, photo_id):
    station = _station(request, code)
    item = selectors.keeper_photo_or_404(station, photo_id)
    try:
        registry.photo_delete(actor=request.user, photo=item)
    except PermissionDenied:
        raise Http404 from None
    return _done(request, station, _("Photo removed."))
