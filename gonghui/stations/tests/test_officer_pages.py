"""Officers' station pages: the subtree's list (usage, open problems, stale verification,
tier, 六有), the subtree map, create and edit. Scoped: siblings see nothing of each other
(404), viewers may not edit (403); bad input shows errors and writes nothing."""

import datetime
import json
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gonghui.core.models import AuditEntry
from gonghui.organisations import services as org_services
from gonghui.organisations.choices import Role
from gonghui.stations.models import CheckIn, OpeningHours, Station, Ticket
from gonghui.stations.tests.helpers import BAOJI_CENTRE, bulk_stations, make_keeper, make_station
from gonghui.testing import client_for, make_user

LIST = reverse("stations:manage")
MAP = reverse("stations:manage_map")
NEW = reverse("stations:manage_create")


def _edit(station):
    return reverse("stations:manage_edit", args=[station.code])


def _codes(html):
    return re.findall(r'<tr data-code="([^"]+)"', html)


@pytest.fixture
def stations(world):
    today = timezone.localdate()
    xian = make_station(
        world, name="西安钟楼驿站", tier="model", six_has=["sign", "place", "rules", "staff"],
        verified_on=today - datetime.timedelta(days=5),
    )  # fmt: skip
    xian_stale = make_station(
        world, "yanta", name="西安雁塔驿站", status="closed", verified_on=today - datetime.timedelta(days=120)
    )
    baoji = make_station(world, "baoji", name="宝鸡驿站", lat=BAOJI_CENTRE[0], lng=BAOJI_CENTRE[1])
    for n in range(3):
        CheckIn.objects.create(station=xian, day=today - datetime.timedelta(days=n), visitor=f"v{n}")
    CheckIn.objects.create(station=xian, day=today - datetime.timedelta(days=45), visitor="old")
    now = timezone.now()
    for number, status in (("T1", "open"), ("T2", "acknowledged"), ("T3", "resolved")):
        Ticket.objects.create(
            number=number, station=xian_stale, organisation=xian_stale.organisation, kind="locked",
            status=status, due_at=now + datetime.timedelta(hours=4),
        )  # fmt: skip
    return xian, xian_stale, baoji


@pytest.mark.parametrize("url", [LIST, MAP, NEW])
def test_anonymous_is_sent_to_login(world, url):
    r = Client(HTTP_ACCEPT_LANGUAGE="en").get(url)
    assert r.status_code == 302 and "/login" in r["Location"]


def test_anonymous_edit_is_sent_to_login(world, stations):
    r = Client(HTTP_ACCEPT_LANGUAGE="en").get(_edit(stations[0]))
    assert r.status_code == 302 and "/login" in r["Location"]


def test_member_without_officer_role_gets_403(world, stations):
    c = client_for("member", language="en")
    assert c.get(LIST).status_code == 403
    assert c.get(_edit(stations[0])).status_code == 403


def test_list_shows_usage_problems_stale_tier_and_six_has(world, stations):
    xian, xian_stale, baoji = stations
    r = client_for("xian", language="en").get(LIST)
    assert r.status_code == 200
    html = r.content.decode()
    assert sorted(_codes(html)) == sorted([xian.code, xian_stale.code])
    row = html.split(f'data-code="{xian.code}"')[1].split("</tr>")[0]
    assert '<td data-label="Check-ins">3</td>' in row  # the one 45 days ago does not count
    assert "4/6" in row and "model station" in row and "stale" not in row
    row = html.split(f'data-code="{xian_stale.code}"')[1].split("</tr>")[0]
    assert '<span class="badge bad">2</span>' in row  # open + acknowledged, not resolved
    assert "stale" in row


def test_sibling_admin_list_and_map_show_no_xian_station(world, stations):
    xian, xian_stale, baoji = stations
    c = client_for("baoji", language="en")
    html = c.get(LIST).content.decode()
    assert _codes(html) == [baoji.code]
    assert "西安" not in html.split("<main")[1]
    markers = json.loads(
        re.search(r'id="station-markers"[^>]*>(.*?)</script>', c.get(MAP).content.decode()).group(1)
    )
    assert [m["code"] for m in markers] == [baoji.code]
    c = client_for("gansu", language="en")
    assert _codes(c.get(LIST).content.decode()) == []


def test_list_filters(world, stations):
    xian, xian_stale, baoji = stations
    c = client_for("shaanxi", language="en")
    assert sorted(_codes(c.get(LIST).content.decode())) == sorted(s.code for s in stations)
    assert _codes(c.get(LIST, {"status": "closed"}).content.decode()) == [xian_stale.code]
    assert _codes(c.get(LIST, {"tier": "model"}).content.decode()) == [xian.code]
    assert sorted(_codes(c.get(LIST, {"stale": "1"}).content.decode())) == sorted(
        [xian_stale.code, baoji.code]
    )
    assert _codes(c.get(LIST, {"problems": "1"}).content.decode()) == [xian_stale.code]
    assert _codes(c.get(LIST, {"union": "610113"}).content.decode()) == [xian_stale.code]
    assert _codes(c.get(LIST, {"union": "610300"}).content.decode()) == [baoji.code]
    # a union outside the scope answers like an unknown one: nothing, and a message
    html = client_for("baoji", language="en").get(LIST, {"union": "610100"}).content.decode()
    assert _codes(html) == [] and "No union you may choose here matches “610100”." in html
    # unknown filter values are ignored, not errors
    assert c.get(LIST, {"status": "x", "tier": "y", "page": "abc"}).status_code == 200


def test_list_is_paginated_by_20(world):
    bulk_stations(world.orgs["xian"], [(34.2 + i * 0.001, 108.9) for i in range(23)])
    c = client_for("xian", language="en")
    assert len(_codes(c.get(LIST).content.decode())) == 20
    assert len(_codes(c.get(LIST, {"page": "2"}).content.decode())) == 3
    assert "Page 1 of 2" in c.get(LIST).content.decode()


def test_viewer_sees_the_list_but_may_not_edit_or_create(world, stations):
    c = client_for("xian_viewer", language="en")
    assert c.get(LIST).status_code == 200
    assert c.get(_edit(stations[0])).status_code == 403
    assert c.get(NEW).status_code == 403
    assert c.post(_edit(stations[0]), {"name": "改名"}).status_code == 403
    assert Station.objects.get(pk=stations[0].pk).name == "西安钟楼驿站"


@pytest.mark.parametrize("username", ["baoji", "gansu"])
def test_sibling_admin_gets_404_on_edit(world, stations, username):
    xian = stations[0]
    c = client_for(username, language="en")
    assert c.get(_edit(xian)).status_code == 404
    assert c.post(_edit(xian), _form(name="改名")).status_code == 404
    assert Station.objects.get(pk=xian.pk).name == "西安钟楼驿站"


def _form(**overrides):
    data = {
        "organisation": "610113",
        "name": "小寨驿站",
        "host_unit": "小寨供电所",
        "address": "雁塔区小寨东路1号",
        "division_code": "610113",
        "lat": "34.2234",
        "lng": "108.9452",
        "crs": "wgs84",
        "hours": "周一至周五 08:30-18:00；周六 09:00-17:00",
        "facilities": ["water", "microwave", "charging"],
        "six_has": ["sign", "place"],
        "status": "open",
        "tier": "standard",
        "phone": "029-88888888",
        "note": "",
        "verified_on": "",
        "keeper": "",
    }
    data.update(overrides)
    return data


def test_create_station_through_the_registry(world):
    keeper = make_keeper(world, "yanta_keeper", "yanta")
    c = client_for("xian", language="en")
    assert c.get(NEW).status_code == 200
    r = c.post(NEW, _form(keeper="yanta_keeper"))
    station = Station.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("stations:detail", args=[station.code])
    assert station.code == "610113-00001" and station.organisation == world.orgs["yanta"]
    assert station.facilities == ["water", "microwave", "charging"] and station.six_has_score == 2
    assert station.keeper == keeper and station.tier == "standard"
    assert OpeningHours.objects.filter(station=station).count() == 6
    assert AuditEntry.objects.filter(action="stations.station.created").exists()


@pytest.mark.parametrize(
    ("overrides", "field_text"),
    [
        ({"lat": "abc"}, "Give a number."),
        ({"lng": "200"}, "Must be between"),
        ({"hours": "sometimes"}, "Cannot read the opening hours"),
        ({"division_code": "999999"}, ""),
        ({"name": ""}, "Please fill in: Name."),
        ({"organisation": "620000"}, "No union you may choose here matches “620000”."),  # gansu, not 西安's
        ({"organisation": "NOPE"}, "No union you may choose here matches “NOPE”."),
        ({"keeper": "baoji"}, "No user with this name holds a role"),  # a role outside the subtree
        ({"keeper": "nobody"}, "No user with this name holds a role"),
        ({"facilities": ["teleporter"]}, "Choose one of the listed options."),
        ({"status": "party"}, "Choose one of the listed options."),
    ],
)
def test_create_with_bad_input_shows_errors_and_writes_nothing(world, overrides, field_text):
    audits = AuditEntry.objects.count()
    r = client_for("xian", language="en").post(NEW, _form(**overrides))
    assert r.status_code == 200
    html = r.content.decode()
    assert "errorlist" in html
    assert field_text in html
    assert not Station.objects.exists() and not OpeningHours.objects.exists()
    assert AuditEntry.objects.count() == audits


def test_edit_station(world, stations):
    xian = stations[0]
    keeper = make_user("new_keeper")
    org_services.role_assign(
        actor=None, user=keeper, organisation=world.orgs["yanta"], role=Role.STATION_KEEPER
    )
    c = client_for("xian_officer", language="en")
    r = c.get(_edit(xian))
    assert r.status_code == 200 and "24小时" in r.content.decode()
    form = _form(name="钟楼新驿站", hours="24小时", keeper="new_keeper", tier="model")
    form.pop("organisation")
    form["lat"], form["lng"] = f"{xian.lat:.6f}", f"{xian.lng:.6f}"
    r = c.post(_edit(xian), form)
    assert r.status_code == 302
    fresh = Station.objects.get(pk=xian.pk)
    assert fresh.name == "钟楼新驿站" and fresh.keeper == keeper and fresh.host_unit == "小寨供电所"
    assert fresh.always_open and (fresh.lat, fresh.lng) == (xian.lat, xian.lng)
    assert fresh.verified_on == xian.verified_on  # left empty on the form: kept
    assert AuditEntry.objects.filter(action="stations.station.keeper").exists()


def test_edit_moves_the_station_and_changes_hours(world, stations):
    xian = stations[0]
    c = client_for("xian", language="en")
    form = _form(lat="34.3000", lng="108.9000")
    form.pop("organisation")
    assert c.post(_edit(xian), form).status_code == 302
    fresh = Station.objects.get(pk=xian.pk)
    assert (fresh.lat, fresh.lng) == (34.3, 108.9)
    assert not fresh.always_open and OpeningHours.objects.filter(station=xian).count() == 6


@pytest.mark.parametrize(
    "overrides",
    [{"hours": "never"}, {"lat": "x"}, {"keeper": "gansu"}, {"verified_on": "2999-01-01"}, {"name": ""}],
)
def test_edit_with_bad_input_writes_nothing(world, stations, overrides):
    xian = stations[0]
    before = Station.objects.filter(pk=xian.pk).values().get()
    form = _form(**{"name": "改名", **overrides})
    form.pop("organisation")
    r = client_for("xian", language="en").post(_edit(xian), form)
    assert r.status_code == 200 and "errorlist" in r.content.decode()
    assert Station.objects.filter(pk=xian.pk).values().get() == before
    assert not OpeningHours.objects.filter(station=xian).exists()  # still 24 h


def test_list_queries_do_not_grow_with_the_rows(world, django_assert_max_num_queries):
    bulk_stations(world.orgs["xian"], [(34.2 + i * 0.001, 108.9) for i in range(25)])
    c = client_for("xian", language="en")
    c.get(LIST)  # warm the session
    with django_assert_max_num_queries(8):
        r = c.get(LIST, {"page": "2"})
    assert len(_codes(r.content.decode())) == 5


def test_a_station_is_created_for_a_union_typed_by_its_name_without_javascript(world):
    r = client_for("xian", language="en").post(NEW, _form(organisation="雁塔区总工会"))
    assert r.status_code == 302 and Station.objects.get().organisation == world.orgs["yanta"]


def test_a_union_name_that_matches_several_unions_is_offered_as_choices_and_nothing_is_written(world):
    c = client_for("xian", language="en")
    r = c.post(NEW, _form(organisation="yt"))
    html = r.content.decode()
    assert r.status_code == 200 and "Several unions match “yt”" in html
    assert 'name="organisation_pick" value="610113"' in html and 'value="XA-0002"' in html
    assert not Station.objects.exists() and not AuditEntry.objects.filter(action="stations.station.created")
    # choosing one of the offered unions creates the station there
    r = c.post(NEW, _form(organisation="yt", organisation_pick="610113"))
    assert r.status_code == 302 and Station.objects.get().organisation == world.orgs["yanta"]


def test_the_sibling_province_admin_cannot_create_a_station_for_a_union_named_in_shaanxi(world):
    r = client_for("gansu", language="en").post(NEW, _form(organisation="雁塔区总工会"))
    assert "No union you may choose here matches" in r.content.decode()
    assert not Station.objects.exists()


def test_the_station_list_is_filtered_by_a_union_typed_in_pinyin(world, stations):
    xian, xian_stale, baoji = stations
    c = client_for("shaanxi", language="en")
    assert _codes(c.get(LIST, {"union": "bjszgh"}).content.decode()) == [baoji.code]
