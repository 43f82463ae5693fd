"""Crowd-suggested sites: a worker proposes a place for a new station; the union responsible
for the district reviews it and either creates the station (the officer completes the hours
and other required fields) or declines with a reason the worker can read.

Routing is territorial (属地管理): ``members.services.enrolment.route`` with no employer and
``territory=True`` gives the union of the district, walking up to the city and the province
when the district has no union of its own.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import audit, inputs
from gonghui.core.inputs import field_error
from gonghui.core.validators import validate_division_code
from gonghui.members.services.enrolment import route
from gonghui.stations import permissions
from gonghui.stations.choices import AuditAction, Crs, SuggestionStatus
from gonghui.stations.models import Station, Suggestion
from gonghui.stations.services import fields, registry

_LIMITS = {"name": 80, "address": 200, "reason": 500}


def clean_suggestion(data: dict) -> dict:
    """Validate a suggestion → clean values; one ValidationError naming every bad field.
    ``lat``/``lng`` are optional but go together (``crs`` wgs84, gcj02 or bd09)."""
    lat, lng = data.get("lat"), data.get("lng")
    given = any(v not in (None, "") for v in (lat, lng))
    readers = {
        field: lambda f=field: inputs.text(
            data.get(f, ""), f, required=True, max_length=_LIMITS[f], prose=f == "reason"
        )
        for field in ("name", "address", "reason")
    }
    readers["division_code"] = lambda: validate_division_code(data.get("division_code"))
    readers["lat"] = lambda: (
        fields.parse_point(lat, lng, data.get("crs") or Crs.WGS84) if given else (None, None)
    )
    out = fields.read_all(readers)
    out["lat"], out["lng"] = out["lat"]
    return out


def suggestion_submit(*, actor, data: dict) -> Suggestion:
    """Anyone (anonymous too; the view throttles) suggests a site; it goes to the union
    responsible for its district. Raises ValidationError naming the field."""
    values = clean_suggestion(data)
    organisation, _basis = route(employer="", work_division=values["division_code"], territory=True)
    with transaction.atomic():
        suggestion = Suggestion.objects.create(
            organisation=organisation,
            suggested_by=actor if permissions.signed_in(actor) else None,
            **values,
        )
        audit.record(
            actor=actor, action=AuditAction.SUGGESTION_SUBMITTED, obj=suggestion,
            organisation_id=organisation.pk, changes={"name": [None, suggestion.name]},
        )  # fmt: skip
    return suggestion


def _pending(suggestion: Suggestion) -> Suggestion:
    locked = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    if locked.status != SuggestionStatus.PENDING:
        raise field_error("status", _("This suggestion has already been decided."), "already_decided")
    return locked


def suggestion_accept(*, actor, suggestion: Suggestion, data: dict, keeper=None) -> Station:
    """Create the station from the suggestion (``data`` are the station fields, as for
    ``registry.station_create``; the officer completes hours and the rest) and link it. The
    station belongs to the union the suggestion was routed to. Officers with
    ``manage_stations`` there only."""
    permissions.require_review(actor, suggestion)
    with transaction.atomic():
        locked = _pending(suggestion)
        station = registry.station_create(
            actor=actor, organisation=suggestion.organisation, data=data, keeper=keeper
        )
        locked.status = SuggestionStatus.ACCEPTED
        locked.station = station
        locked.decided_at = timezone.now()
        locked.decided_by = actor
        locked.save(update_fields=["status", "station", "decided_at", "decided_by"])
        audit.record(
            actor=actor, action=AuditAction.SUGGESTION_ACCEPTED, obj=locked,
            organisation_id=locked.organisation_id,
            changes={"status": [SuggestionStatus.PENDING, locked.status], "station": [None, station.code]},
        )  # fmt: skip
    suggestion.refresh_from_db()
    return station


def suggestion_decline(*, actor, suggestion: Suggestion, reason: str) -> Suggestion:
    """Decline with a reason the suggester reads (officers with ``manage_stations``)."""
    permissions.require_review(actor, suggestion)
    reason = inputs.text(reason, "reason", prose=True, required=True, max_length=_LIMITS["reason"])
    with transaction.atomic():
        locked = _pending(suggestion)
        locked.status = SuggestionStatus.DECLINED
        locked.decision_note = reason
        locked.decided_at = timezone.now()
        locked.decided_by = actor
        locked.save(update_fields=["status", "decision_note", "decided_at", "decided_by"])
        audit.record(
            actor=actor, action=AuditAction.SUGGESTION_DECLINED, obj=locked,
            organisation_id=locked.organisation_id,
            changes={"status": [SuggestionStatus.PENDING, locked.status]}, reason=reason,
        )  # fmt: skip
    return locked


def initial_station_data(suggestion: Suggestion) -> dict:
    """What the accept form starts with."""
    return {
        "name": suggestion.name,
        "address": suggestion.address,
        "division_code": suggestion.division_code,
        "lat": "" if suggestion.lat is None else f"{suggestion.lat:.6f}",
        "lng": "" if suggestion.lng is None else f"{suggestion.lng:.6f}",
        "crs": Crs.WGS84,
        "note": "",
    }
