"""Officers' station pages: the subtree's stations with usage, open problems, stale
verification, tier and 六有 score; a map of the subtree; create and edit a station.

Lists read the VIEW scope; creating and editing need ``manage_stations`` on the owning union
(out of scope = 404, in scope without the right = 403). Writes go through the registry.
"""

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from gonghui.core.web import form_action, paginate
from gonghui.organisations import scoping
from gonghui.organisations.permissions import officer_required
from gonghui.stations import forms, permissions
from gonghui.stations.choices import Status, Tier
from gonghui.stations.selectors import stations as selectors
from gonghui.stations.services import fields, registry
from gonghui.stations.views.pages import MAP_MARKER_LIMIT, map_settings, marker_data

Action = scoping.Action

# Errors of the hours and of the point that name no field of the form.
_FIELD_BY_CODE = {"hours_*": "hours", "number_*": "lat"}


@officer_required
@require_GET
def station_list(request):
    get = request.GET
    union_code = get.get("union", "").strip()
    union_form = forms.UnionFilterForm({"union": union_code}, user=request.user)
    union = union_form.cleaned_data["union"] if union_form.is_valid() else None
    status = get.get("status", "") if get.get("status", "") in Status.values else ""
    tier = get.get("tier", "") if get.get("tier", "") in Tier.values else ""
    stale = get.get("stale") == "1"
    problems = get.get("problems") == "1"
    unknown_union = not union_form.is_valid()
    qs = selectors.managed_stations(
        request.user, union=union, status=status, tier=tier, stale=stale, problems=problems
    )
    if unknown_union:
        qs = qs.none()
    page = paginate(request, qs)
    return render(
        request,
        "stations/officer_list.html",
        {
            "page": page,
            "filters": {
                "union": union_code,
                "status": status,
                "tier": tier,
                "stale": stale,
                "problems": problems,
            },
            "unknown_union": unknown_union,
            "union_form": union_form,
            "statuses": Status.choices,
            "tiers": Tier.choices,
            "homes": scoping.home_organisations(request.user),
            "can_create": permissions.can_manage_somewhere(request.user),
            "stale_days": selectors.STALE_DAYS,
            "usage_days": selectors.USAGE_DAYS,
        },
    )


@officer_required
@require_GET
def station_map(request):
    stations, total = selectors.markers(request.user, limit=MAP_MARKER_LIMIT)
    return render(
        request,
        "stations/officer_map.html",
        {
            "markers": marker_data(stations, at=timezone.now()),
            "total": total,
            "capped": total > len(stations),
            "limit": MAP_MARKER_LIMIT,
            "map": map_settings(),
        },
    )


def _data(form) -> dict:
    d = form.cleaned_data
    return {
        "name": d["name"],
        "host_unit": d["host_unit"],
        "address": d["address"],
        "division_code": d["division_code"],
        "lat": d["lat"],
        "lng": d["lng"],
        "crs": d["crs"],
        "hours": d["hours"],
        "facilities": d["facilities"],
        "six_has": d["six_has"],
        "status": d["status"],
        "tier": d["tier"],
        "phone": d["phone"],
        "note": d["note"],
        "verified_on": d["verified_on"],
    }


def _keeper(form, organisation):
    """The keeper named on the form (None for none); an error on the form when unknown."""
    username = form.cleaned_data.get("keeper", "").strip()
    if not username:
        return None
    keeper = selectors.keeper_by_username(organisation, username)
    if keeper is None:
        form.add_error("keeper", _("No user with this name holds a role in the owning union or below."))
    return keeper


@officer_required
@require_http_methods(["GET", "POST"])
def station_create(request):
    permissions.require_manage_somewhere(request.user)
    homes = scoping.home_organisations(request.user, Action.MANAGE_STATIONS)
    form = forms.StationForm(
        request.POST or None,
        creating=True,
        user=request.user,
        initial={"organisation": homes[0].code if len(homes) == 1 else ""},
    )
    if request.method == "POST" and form.is_valid():
        organisation = selectors.union_in_scope(
            request.user, form.cleaned_data["organisation"], Action.MANAGE_STATIONS
        )
        if organisation is None:
            form.add_error("organisation", _("No union with this code in your scope."))
        keeper = _keeper(form, organisation) if organisation is not None else None
        done = form_action(
            request,
            lambda _cleaned: registry.station_create(
                actor=request.user, organisation=organisation, data=_data(form), keeper=keeper
            ),
            form=form,
            fields_by_code=_FIELD_BY_CODE,
        )
        if done.ok:
            station = done.result
            messages.success(request, _("Station %(code)s created.") % {"code": station.code})
            return redirect("stations:detail", code=station.code)
    return render(
        request,
        "stations/officer_form.html",
        {
            "form": form,
            "station": None,
            "homes": homes,
            "candidates": selectors.keeper_candidates(homes[0]) if len(homes) == 1 else [],
        },
    )


def _edit_data(form, station, initial: dict) -> dict:
    """The form's fields for ``registry.station_update``: unchanged hours and coordinates are
    not rewritten (no audit noise, no drift from a round trip through a typed-in text)."""
    data = _data(form)
    if data["hours"].strip() == initial["hours"]:
        del data["hours"]
    if data["crs"] == "wgs84" and (data["lat"], data["lng"]) == (initial["lat"], initial["lng"]):
        del data["lat"], data["lng"], data["crs"]
    if not data.get("verified_on"):
        data.pop("verified_on")
    return data


@officer_required
@require_http_methods(["GET", "POST"])
def station_edit(request, code):
    station = selectors.managed_station_or_404(request.user, code)
    initial = {
        "name": station.name,
        "host_unit": station.host_unit,
        "address": station.address,
        "division_code": station.division_code,
        "lat": f"{station.lat:.6f}",
        "lng": f"{station.lng:.6f}",
        "crs": "wgs84",
        "hours": fields.format_hours(station),
        "facilities": station.facilities,
        "six_has": station.six_has,
        "status": station.status,
        "tier": station.tier,
        "phone": station.phone,
        "note": station.note,
        "verified_on": station.verified_on,
        "keeper": station.keeper.username if station.keeper else "",
    }
    form = forms.StationForm(request.POST or None, creating=False, initial=initial)
    if request.method == "POST" and form.is_valid():
        keeper = _keeper(form, station.organisation)

        @transaction.atomic
        def save(_cleaned):
            saved = registry.station_update(
                actor=request.user, station=station, data=_edit_data(form, station, initial)
            )
            if keeper != saved.keeper:
                registry.keeper_set(actor=request.user, station=saved, keeper=keeper)
            return saved

        done = form_action(
            request, save, form=form, success=_("Station saved."), fields_by_code=_FIELD_BY_CODE
        )
        if done.ok:
            return redirect("stations:detail", code=station.code)
    return render(
        request,
        "stations/officer_form.html",
        {
            "form": form,
            "station": station,
            "candidates": selectors.keeper_candidates(station.organisation),
        },
    )
