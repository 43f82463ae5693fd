"""The ledger's API: /api/v1/honours/visits (scoped list, POST to add) and
/api/v1/honours/visits/coverage."""

import json

import pytest
from django.test import Client

from gonghui.core.models import AuditEntry
from gonghui.honours.models import SchoolVisit
from gonghui.honours.tests.test_visits import fields, honoured, ledger  # noqa: F401 (fixtures)
from gonghui.testing import client_for

pytestmark = pytest.mark.django_db


def body(world, **overrides):
    data = fields(world, **overrides)
    data["organisation"] = data["organisation"].code
    data["people"] = [str(m.pk) for m in data["people"]]
    return json.dumps(data)


def post(user, payload):
    return client_for(user).post("/api/v1/honours/visits", payload, content_type="application/json")


def test_an_officer_adds_a_visit_and_reads_it_back(world, honoured, today):  # noqa: F811
    r = post("xian_officer", body(world))
    assert r.status_code == 201, r.content
    item = r.json()
    assert item["people"] == [{"id": str(world.members["xian_worker"].pk), "name": "张伟"}]
    assert (item["school_division"], item["audience"], item["hours"], item["photos"]) == (
        "610113",
        300,
        "1.5",
        0,
    )
    listed = client_for("xian").get("/api/v1/honours/visits?year=2026&division=610100").json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == item["id"]
    assert client_for("xian").get("/api/v1/honours/visits?year=2025").json()["count"] == 0


def test_a_bad_visit_is_a_400_with_its_code_and_nothing_is_written(world, honoured, today):  # noqa: F811
    r = post("xian", body(world, date="2026-12-31"))
    assert r.status_code == 400 and r.json()["code"] == "date_future"
    r = post("xian", body(world, school_division="123456"))
    assert r.status_code == 400 and r.json()["code"] == "division_unknown"
    r = post("xian", body(world, people=[world.members["gansu_worker"]]))
    assert r.status_code == 400 and r.json()["code"] == "not_honoured"
    assert not SchoolVisit.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="honours.visit").exists()


def test_adding_is_404_for_a_sibling_city_403_for_a_viewer_401_for_anonymous(world, honoured, today):  # noqa: F811
    assert post("baoji", body(world)).status_code == 404
    assert post("xian_viewer", body(world)).status_code == 403
    r = Client().post("/api/v1/honours/visits", body(world), content_type="application/json")
    assert r.status_code == 401
    assert not SchoolVisit.objects.exists()


def test_the_list_and_coverage_are_scoped(ledger):  # noqa: F811
    assert client_for("baoji").get("/api/v1/honours/visits").json() == {"items": [], "count": 0}
    empty = client_for("baoji").get("/api/v1/honours/visits/coverage?year=2026").json()
    assert empty["cities"] == [] and empty["unvisited"] == [] and empty["total"]["visits"] == 0
    r = client_for("shaanxi").get("/api/v1/honours/visits/coverage?year=2026")
    assert r.status_code == 200
    report = r.json()
    assert [
        (c["city"], c["name"], c["visits"], c["schools"], c["people"], c["audience"])
        for c in report["cities"]
    ] == [
        ("6101", "西安市", 2, 1, 2, 450),
        ("6103", "宝鸡市", 2, 2, 2, 200),
    ]
    assert report["total"]["hours"] == "7.0"
    assert [s["school_name"] for s in report["unvisited"]] == ["西安市第二中学"]
    assert Client().get("/api/v1/honours/visits/coverage").status_code == 401


def test_bad_filters_are_a_400_with_the_house_error_shape(world):
    r = client_for("xian").get("/api/v1/honours/visits?division=999999")
    assert r.status_code == 400 and r.json()["code"] == "division_unknown"
    r = client_for("xian").get("/api/v1/honours/visits/coverage?year=99999")
    assert r.status_code == 400 and r.json()["code"] == "number_too_large"
