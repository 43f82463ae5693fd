"""The keeper's phone pages: their stations, and per station the status with a note, the
weekly hours, exceptions, "verified today" and photos. Every form posts normally (no
JavaScript needed) to its own address and comes back to the station's keeper page.

Who: the station's keeper (Station.keeper) or an officer who manages it
(``permissions.require_keep``); an officer who only sees the station gets 403, anyone else
404, as if the station did not exist.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gonghui.core.web import form_action
from gonghui.stations import forms, hours
from gonghui.stations.selectors import stations as selectors
from gonghui.stations.services import fields, registry
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
    text = fields.format_hours(station)
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
        "exceptions": selectors.upcoming_exceptions(station, days=366),
        "photos": selectors.photos(station),
        "split_days": _split_days(station),
    }
    context.update(bound)
    return render(request, "stations/keeper_station.html", context)


def _split_days(station) -> bool:
    days = [h.weekday for h in station.hours.all()]
    return len(days) != len(set(days))


def _station(request, code):
    return selectors.keeper_station_or_404(request.user, code)


def _back(station):
    return redirect("stations:keeper_station", code=station.code)


@login_required
@require_GET
def station(request, code):
    return _page(request, _station(request, code))


@login_required
@require_POST
def status(request, code):
    station = _station(request, code)
    form = forms.StatusForm(request.POST)
    done = form_action(
        request,
        lambda data: registry.status_set(
            actor=request.user, station=station, status=data["status"], note=data["note"]
        ),
        form=form,
        success=_("Status saved."),
    )
    return _back(station) if done.ok else _page(request, station, status_form=form)


@login_required
@require_POST
def hours_view(request, code):
    station = _station(request, code)
    form = forms.HoursForm(request.POST)
    done = form_action(
        request,
        lambda _data: registry.hours_set(actor=request.user, station=station, **form.hours()),
        form=form,
        success=_("Opening hours saved."),
        # the hours written as text: any error about them goes next to the text
        fields_by_code={"*": "text"} if form.text_mode else None,
    )
    return _back(station) if done.ok else _page(request, station, hours_form=form)


@login_required
@require_POST
def exception_add(request, code):
    station = _station(request, code)
    form = forms.ExceptionForm(request.POST)
    done = form_action(
        request,
        lambda data: registry.exception_set(actor=request.user, station=station, **data),
        form=form,
        success=_("Special day saved."),
    )
    return _back(station) if done.ok else _page(request, station, exception_form=form)


@login_required
@require_POST
def exception_delete(request, code, exception_id):
    station = _station(request, code)
    exception = selectors.keeper_exception_or_404(station, exception_id)
    form_action(
        request,
        lambda: registry.exception_delete(actor=request.user, exception=exception),
        success=_("Special day removed."),
    )
    return _back(station)


@login_required
@require_POST
def verify(request, code):
    station = _station(request, code)
    form_action(
        request,
        lambda: registry.verify(actor=request.user, station=station),
        success=_("Marked as verified today."),
    )
    return _back(station)


@login_required
@require_POST
def photo_add(request, code):
    station = _station(request, code)
    form = forms.PhotoForm(request.POST, request.FILES)
    done = form_action(
        request,
        lambda data: registry.photo_add(actor=request.user, station=station, upload=data["photo"]),
        form=form,
        success=_("Photo added."),
    )
    return _back(station) if done.ok else _page(request, station, photo_form=form)


@login_required
@require_POST
def photo_delete(request, code, photo_id):
    station = _station(request, code)
    item = selectors.keeper_photo_or_404(station, photo_id)
    form_action(
        request,
        lambda: registry.photo_delete(actor=request.user, photo=item),
        success=_("Photo removed."),
    )
    return _back(station)
