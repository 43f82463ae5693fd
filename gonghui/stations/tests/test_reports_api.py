"""API of problem reports, tickets, check-ins, usage and suggested sites: shapes, scope,
errors naming the field with nothing written, throttles."""

import json
import uuid

import pytest
from django.core.cache import cache
from django.test import Client

from gonghui.core.models import AuditEntry
from gonghui.stations.choices import SuggestionStatus, TicketStatus
from gonghui.stations.models import CheckIn, Suggestion, Ticket, TicketEvent
from gonghui.stations.tests.helpers import make_keeper, make_station
from gonghui.testing import api_for

BASE = "/api/v1/stations"


@pytest.fixture(autouse=True)
def _fresh_throttles(db):
    cache.clear()
    yield
    cache.clear()


def post(c: Client, url: str, body=None):
    return c.post(
        f"{BASE}/{url}", json.dumps(body if body is not None else {}), content_type="application/json"
    )


def get(c: Client, url: str, **query):
    return c.get(f"{BASE}/{url}", query)


def counts() -> tuple:
    return (
        Ticket.objects.count(),
        TicketEvent.objects.count(),
        CheckIn.objects.count(),
        Suggestion.objects.count(),
        AuditEntry.objects.filter(action__startswith="stations.").count(),
    )


@pytest.fixture
def keeper(world):
    return make_keeper(world, "keeper_a")


@pytest.fixture
def station(world, keeper):
    return make_station(world, "xian", name="钟楼驿站", keeper=keeper)


def test_anonymous_report_creates_a_ticket(world, station):
    r = post(api_for(None), f"{station.pk}/reports", {"kind": "no_water", "contact": "13912345678"})
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["number"].startswith("WX") and body["status"] == "open"
    assert body["merged"] is False and body["reports"] == 1 and body["due_at"]
    assert "contact" not in body
    again = post(api_for(None), f"{station.pk}/reports", {"kind": "no_water"})
    assert again.status_code == 201 and again.json()["number"] == body["number"]
    assert again.json()["merged"] is True and again.json()["reports"] == 2


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "on_fire"}, "kind"),
        ({}, "kind"),
        ({"kind": "no_water", "description": "x" * 501}, "description"),
        ({"kind": "no_water", "contact": "123"}, "contact"),
        ({"kind": 5}, "kind"),
    ],
)
def test_bad_reports_are_400_naming_the_field_and_write_nothing(world, station, body, field):
    before = counts()
    r = post(api_for(None), f"{station.pk}/reports", body)
    assert r.status_code == 400
    data = r.json()
    assert data["code"] and data["detail"].startswith(field)
    assert counts() == before


def test_report_at_an_unknown_station_is_404(world):
    before = counts()
    assert post(api_for(None), f"{uuid.uuid4()}/reports", {"kind": "locked"}).status_code == 404
    assert counts() == before


def test_reports_are_throttled(world, station, settings):
    settings.GONGHUI_PUBLIC_FORM_RATE = 2
    for kind in ("no_water", "dirty"):
        assert post(api_for(None), f"{station.pk}/reports", {"kind": kind}).status_code == 201
    before = counts()
    r = post(api_for(None), f"{station.pk}/reports", {"kind": "supplies"})
    assert r.status_code == 429 and r.json()["code"] == "throttled"
    assert counts() == before


def _ticket(station, kind="locked"):
    return post(api_for(None), f"{station.pk}/reports", {"kind": kind}).json()["number"]


def test_ticket_lifecycle_over_the_api(world, station, keeper):
    number = _ticket(station)
    c = api_for("keeper_a")
    r = post(c, f"tickets/{number}/acknowledge")
    assert r.status_code == 200 and r.json()["status"] == TicketStatus.ACKNOWLEDGED
    before = counts()
    r = post(c, f"tickets/{number}/resolve", {"resolution": ""})
    assert r.status_code == 400 and r.json()["detail"].startswith("resolution")
    assert counts() == before
    r = post(c, f"tickets/{number}/resolve", {"resolution": "开门了"})
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "resolved" and body["resolved_on_time"] is True
    assert [e["kind"] for e in body["timeline"]][-1] == "resolved"
    r = post(c, f"tickets/{number}/reject", {"reason": "again"})
    assert r.status_code == 400 and r.json()["code"] == "not_open"


def test_reject_over_the_api(world, station):
    number = _ticket(station)
    c = api_for("xian_officer")
    r = post(c, f"tickets/{number}/reject", {})
    assert r.status_code == 400 and r.json()["detail"].startswith("reason")
    r = post(c, f"tickets/{number}/reject", {"reason": "误报"})
    assert r.status_code == 200 and r.json()["status"] == "rejected"


def test_ticket_permissions(world, station):
    number = _ticket(station)
    make_keeper(world, "keeper_b")
    before = counts()
    for user in ("keeper_b", "baoji", "gansu"):
        c = api_for(user)
        assert get(c, f"tickets/{number}").status_code == 404
        assert post(c, f"tickets/{number}/acknowledge").status_code == 404
    viewer = api_for("xian_viewer")
    assert get(viewer, f"tickets/{number}").status_code == 200
    r = post(viewer, f"tickets/{number}/acknowledge")
    assert r.status_code == 403 and r.json()["code"] == "forbidden"
    assert post(api_for(None), f"tickets/{number}/acknowledge").status_code == 401
    assert get(api_for(None), "tickets").status_code == 401
    assert counts() == before


def test_ticket_list_is_scoped_and_filtered(world, station):
    a = _ticket(station)
    b = _ticket(make_station(world, "baoji"))
    items = get(api_for("xian"), "tickets").json()
    assert items["count"] == 1 and items["items"][0]["number"] == a
    assert items["items"][0]["station"]["code"] == station.code
    assert "contact" not in items["items"][0]
    national = api_for("national")
    assert get(national, "tickets").json()["count"] == 2
    assert [i["number"] for i in get(national, "tickets", union="610300").json()["items"]] == [b]
    assert get(national, "tickets", status="resolved").json()["count"] == 0
    assert get(national, "tickets", overdue="true").json()["count"] == 0
    assert get(api_for("gansu"), "tickets").json()["count"] == 0
    assert get(api_for("xian"), "tickets", union="610300").status_code == 404
    bad = get(national, "tickets", status="on_fire")
    assert bad.status_code == 400 and bad.json()["detail"].startswith("status")
    assert get(national, "tickets", page_size=500).status_code == 400


def test_ticket_detail_shows_the_contact_masked_only(world, station):
    number = post(api_for(None), f"{station.pk}/reports", {"kind": "dirty", "contact": "13912345678"}).json()[
        "number"
    ]
    body = get(api_for("xian"), f"tickets/{number}").json()
    assert body["contact"] == "139****5678"
    assert "13912345678" not in json.dumps(body)


def test_check_in_over_the_api(world, station):
    c = api_for(None)
    body = {"key": station.checkin_key, "visitor": "device-" + "x" * 20}
    r = post(c, f"{station.pk}/checkins", body)
    assert r.status_code == 201 and r.json()["counted"] is True
    r = post(c, f"{station.pk}/checkins", body)
    assert r.status_code == 200 and r.json()["counted"] is False
    assert CheckIn.objects.count() == 1
    member = api_for("member")
    assert post(member, f"{station.pk}/checkins", {"key": station.checkin_key}).status_code == 201


def test_check_in_with_a_wrong_key_or_no_visitor_writes_nothing(world, station):
    before = counts()
    r = post(api_for(None), f"{station.pk}/checkins", {"key": "wrong", "visitor": "x" * 20})
    assert r.status_code == 404
    r = post(api_for(None), f"{station.pk}/checkins", {"key": station.checkin_key})
    assert r.status_code == 400 and r.json()["detail"].startswith("visitor")
    assert (
        post(api_for(None), f"{uuid.uuid4()}/checkins", {"key": "k", "visitor": "x" * 20}).status_code == 404
    )
    assert counts() == before


def test_usage_for_keeper_and_officers(world, station):
    post(api_for(None), f"{station.pk}/checkins", {"key": station.checkin_key, "visitor": "v" * 20})
    r = get(api_for("keeper_a"), f"{station.pk}/usage")
    assert r.status_code == 200
    body = r.json()
    assert body["count"] == 30 and body["total"] == 1 and body["items"][-1]["count"] == 1
    assert get(api_for("xian_viewer"), f"{station.pk}/usage", days=7).json()["count"] == 7
    assert get(api_for("baoji"), f"{station.pk}/usage").status_code == 404
    make_keeper(world, "keeper_b")
    assert get(api_for("keeper_b"), f"{station.pk}/usage").status_code == 404
    assert get(api_for(None), f"{station.pk}/usage").status_code == 401
    bad = get(api_for("xian"), f"{station.pk}/usage", days=0)
    assert bad.status_code == 400 and bad.json()["detail"].startswith("days")


def _suggestion(**kw):
    return {
        "name": "小寨地铁站C口",
        "address": "长安中路",
        "division_code": "610113",
        "reason": "骑手多",
        **kw,
    }


def test_suggest_and_review_over_the_api(world):
    r = post(api_for(None), "suggestions", _suggestion(lat=34.22, lng=108.94))
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["status"] == SuggestionStatus.PENDING
    assert body["organisation"]["code"] in {"610113", "XA-0002"}
    assert "reason" not in body
    sid = body["id"]
    listed = get(api_for("xian"), "suggestions").json()
    assert listed["count"] == 1 and listed["items"][0]["reason"] == "骑手多"
    assert get(api_for("baoji"), "suggestions").json()["count"] == 0
    assert post(api_for("baoji"), f"suggestions/{sid}/decline", {"reason": "no"}).status_code == 404
    assert post(api_for("xian_viewer"), f"suggestions/{sid}/decline", {"reason": "no"}).status_code == 403
    bad = post(api_for("xian"), f"suggestions/{sid}/decline", {})
    assert bad.status_code == 400 and bad.json()["detail"].startswith("reason")
    ok = post(api_for("xian"), f"suggestions/{sid}/decline", {"reason": "附近已有驿站"})
    assert ok.status_code == 200 and ok.json()["status"] == "declined"
    assert get(api_for("xian"), "suggestions", status="declined").json()["count"] == 1


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"name": ""}, "name"),
        ({"division_code": "123"}, "division_code"),
        ({"lat": 95, "lng": 108.9}, "lat"),
        ({"lat": "abc", "lng": 108.9}, "lat"),
        ({"lat": 34.2, "lng": 108.9, "crs": "mars"}, "crs"),
        ({"reason": ""}, "reason"),
    ],
)
def test_bad_suggestions_are_400_and_write_nothing(world, kw, field):
    before = counts()
    r = post(api_for(None), "suggestions", _suggestion(**kw))
    assert r.status_code == 400
    assert field in {e["field"] for e in r.json()["errors"]}
    assert counts() == before


def test_suggestions_are_throttled(world, settings):
    settings.GONGHUI_PUBLIC_FORM_RATE = 1
    assert post(api_for(None), "suggestions", _suggestion()).status_code == 201
    before = counts()
    assert post(api_for(None), "suggestions", _suggestion()).status_code == 429
    assert counts() == before
