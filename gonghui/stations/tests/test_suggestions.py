"""Crowd-suggested sites: routing to the union of the district, review, bad input."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from gonghui.core.models import AuditEntry
from gonghui.stations.choices import SuggestionStatus
from gonghui.stations.models import Station, Suggestion
from gonghui.stations.selectors import suggestions as selectors
from gonghui.stations.services import suggestions


def _data(**kw):
    return {
        "name": "小寨地铁站C口",
        "address": "西安市雁塔区长安中路与小寨东路交叉口",
        "division_code": "610113",
        "reason": "外卖骑手很多，附近没有歇脚的地方",
        **kw,
    }


def test_a_suggestion_in_yanta_goes_to_a_union_of_yanta(world):
    s = suggestions.suggestion_submit(actor=AnonymousUser(), data=_data())
    # the territorial union of 雁塔区 (its joint union of new-employment-form workers comes
    # first in the enrolment routing order), under 雁塔区总工会
    assert s.organisation.division_code == "610113"
    assert s.organisation.path.startswith(world.orgs["yanta"].path)
    assert s.status == SuggestionStatus.PENDING and s.suggested_by is None
    assert s.lat is None and s.lng is None
    assert AuditEntry.objects.filter(action="stations.suggestion.submitted").count() == 1


def test_a_district_without_its_own_union_goes_to_the_city(world, member_user):
    s = suggestions.suggestion_submit(actor=member_user, data=_data(division_code="610112"))  # 未央区
    assert s.organisation == world.orgs["xian"]
    assert s.suggested_by == member_user


def test_coordinates_are_optional_and_stored_as_wgs84(world):
    s = suggestions.suggestion_submit(actor=AnonymousUser(), data=_data(lat="34.2611", lng="108.9422"))
    assert (s.lat, s.lng) == (34.2611, 108.9422)
    g = suggestions.suggestion_submit(
        actor=AnonymousUser(), data=_data(lat="34.2595", lng="108.9468", crs="gcj02")
    )
    assert abs(g.lat - 34.2595) > 1e-4 or abs(g.lng - 108.9468) > 1e-4  # shifted back to WGS-84


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "长" * 81}, "name"),
        ({"address": ""}, "address"),
        ({"reason": ""}, "reason"),
        ({"reason": "x" * 501}, "reason"),
        ({"division_code": "999999"}, "division_code"),
        ({"division_code": ""}, "division_code"),
        ({"lat": "north", "lng": "108.9"}, "lat"),
        ({"lat": "34.2", "lng": "200"}, "lng"),
        ({"lat": "34.2"}, "lng"),
        ({"lat": "34.2", "lng": "108.9", "crs": "mars"}, "crs"),
    ],
)
def test_bad_suggestions_name_the_field_and_write_nothing(world, kw, field):
    audits = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as exc:
        suggestions.suggestion_submit(actor=AnonymousUser(), data=_data(**kw))
    assert field in exc.value.error_dict
    assert Suggestion.objects.count() == 0 and AuditEntry.objects.count() == audits


def _station_data(**kw):
    return {
        "name": "小寨驿站",
        "address": "长安中路1号",
        "division_code": "610113",
        "lat": "34.2231",
        "lng": "108.9475",
        "crs": "wgs84",
        "hours": "周一至周五 08:00-20:00",
        **kw,
    }


def test_accepting_creates_the_station_and_links_it(city_officer, city_admin):
    s = suggestions.suggestion_submit(actor=AnonymousUser(), data=_data())
    station = suggestions.suggestion_accept(actor=city_officer, suggestion=s, data=_station_data())
    s.refresh_from_db()
    assert s.status == SuggestionStatus.ACCEPTED and s.station == station
    assert s.decided_by == city_officer and s.decided_at is not None
    assert station.organisation == s.organisation and station.name == "小寨驿站"
    assert AuditEntry.objects.filter(action="stations.suggestion.accepted").count() == 1
    with pytest.raises(ValidationError) as exc:
        suggestions.suggestion_decline(actor=city_admin, suggestion=s, reason="晚了")
    assert exc.value.error_dict["status"][0].code == "already_decided"  # the code of every app
    assert Station.objects.count() == 1


def test_accept_with_missing_hours_writes_nothing(city_admin):
    s = suggestions.suggestion_submit(actor=AnonymousUser(), data=_data())
    with pytest.raises(ValidationError) as exc:
        suggestions.suggestion_accept(actor=city_admin, suggestion=s, data=_station_data(hours=""))
    assert "hours" in exc.value.error_dict
    s.refresh_from_db()
    assert s.status == SuggestionStatus.PENDING and s.station is None
    assert Station.objects.count() == 0


def test_declining_needs_a_reason(city_admin):
    s = suggestions.suggestion_submit(actor=AnonymousUser(), data=_data())
    with pytest.raises(ValidationError) as exc:
        suggestions.suggestion_decline(actor=city_admin, suggestion=s, reason=" ")
    assert "reason" in exc.value.error_dict
    s.refresh_from_db()
    assert s.status == SuggestionStatus.PENDING
    suggestions.suggestion_decline(actor=city_admin, suggestion=s, reason="附近已有驿站")
    s.refresh_from_db()
    assert s.status == SuggestionStatus.DECLINED and s.decision_note == "附近已有驿站"


def test_review_permissions(world, city_viewer, sibling_city_admin, sibling_admin, city_admin):
    s = suggestions.suggestion_submit(actor=AnonymousUser(), data=_data())
    for sibling in (sibling_city_admin, sibling_admin):
        with pytest.raises(Http404):
            selectors.suggestion_or_404(sibling, s.pk)
        with pytest.raises(Http404):
            suggestions.suggestion_decline(actor=sibling, suggestion=s, reason="no")
    viewer = city_viewer
    assert selectors.suggestion_or_404(viewer, s.pk) == s
    with pytest.raises(PermissionDenied):
        suggestions.suggestion_decline(actor=viewer, suggestion=s, reason="no")
    with pytest.raises(PermissionDenied):
        suggestions.suggestion_accept(actor=viewer, suggestion=s, data=_station_data())
    s.refresh_from_db()
    assert s.status == SuggestionStatus.PENDING and Station.objects.count() == 0
    assert [x.pk for x in selectors.suggestion_queue(city_admin)] == [s.pk]
    assert list(selectors.suggestion_queue(sibling_city_admin)) == []
