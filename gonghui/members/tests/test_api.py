import json

import pytest
from django.test import Client

from gonghui.members.models import Enrolment, Member
from gonghui.testing import PASSWORD, make_id_number

pytestmark = pytest.mark.django_db


def token_client(username: str) -> Client:
    c = Client()
    r = c.post("/api/v1/auth/token", {"username": username, "password": PASSWORD}, content_type="application/json")
    assert r.status_code == 200, r.content
    return Client(HTTP_AUTHORIZATION=f"Bearer {r.json()['token']}")


def test_member_list_is_scoped_and_masked(world):
    data = token_client("xian").get("/api/v1/members").json()
    assert data["count"] == 1
    item = data["items"][0]
    assert item["name"] == "张伟"
    assert item["organisation"] == {"code": "XA-0001", "name": "西安某机械厂工会委员会"}
    assert "*" in item["id_number"] and len(item["id_number"]) == 18
    assert item["phone"].startswith("139****")


def test_sibling_city_admin_gets_404_for_xian_member(world):
    member = world.members["xian_worker"]
    assert token_client("xian").get(f"/api/v1/members/{member.pk}").status_code == 200
    r = token_client("baoji").get(f"/api/v1/members/{member.pk}")
    assert r.status_code == 404
    assert r.json() == {"detail": r.json()["detail"], "code": "not_found"}
    missing = token_client("baoji").get("/api/v1/members/0190a0a0-0000-7000-8000-000000000000")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"


def test_province_stats_include_city_members(world):
    shaanxi = token_client("shaanxi").get("/api/v1/organisations/610000/stats").json()
    xian = token_client("xian").get("/api/v1/organisations/610100/stats").json()
    assert shaanxi["members"] == 2 and xian["members"] == 1
    assert shaanxi["organisations"] > xian["organisations"]
    assert token_client("gansu").get("/api/v1/organisations/610000/stats").status_code == 404


def test_dues_calculation_contract(client):
    r = client.post("/api/v1/dues/calculate", {"monthly_wage": "5678.90"}, content_type="application/json")
    assert r.json() == {"base": "5670.00", "dues": "28.35"}
    bad = client.post("/api/v1/dues/calculate", {"monthly_wage": "abc"}, content_type="application/json")
    assert bad.status_code == 400 and bad.json()["code"] == "wage_invalid"


def test_enrolment_routes_courier_to_territorial_joint_union(world, client):
    payload = {
        "name": "李娜",
        "id_number": make_id_number("610113", gender="F", seq=50),
        "phone": "13912345678",
        "employer": "某外卖平台",
        "work_division": "610113",
        "employment_form": "food_delivery",
    }
    r = client.post("/api/v1/enrolments", payload, content_type="application/json")
    assert r.status_code == 201, r.content
    assert r.json()["organisation"]["code"] == "XA-0002"
    assert r.json()["status"] == "pending"


def test_enrolment_with_bad_checksum_writes_nothing(world, client):
    good = make_id_number("610113", seq=51)
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    r = client.post(
        "/api/v1/enrolments",
        {"name": "王五", "id_number": bad, "phone": "13912345678", "employer": "x", "work_division": "610113", "employment_form": "courier"},
        content_type="application/json",
    )
    assert r.status_code == 400
    assert r.json()["code"] == "id_checksum"
    assert Enrolment.objects.count() == 0


def test_oversized_body_is_refused(client):
    r = client.post("/api/v1/enrolments", json.dumps({"name": "x" * 2_000_000}), content_type="application/json")
    assert r.status_code == 413 and r.json()["code"] == "too_large"


def test_malformed_json_is_400(client):
    r = client.post("/api/v1/dues/calculate", "{not json", content_type="application/json")
    assert r.status_code == 400 and "code" in r.json()


def test_approve_then_member_listed(world, client):
    r = client.post(
        "/api/v1/enrolments",
        {"name": "赵六", "id_number": make_id_number("610113", seq=52), "phone": "13912345679", "employer": "西安某机械厂", "work_division": "610113", "employment_form": "standard"},
        content_type="application/json",
    )
    eid = r.json()["id"]
    assert r.json()["organisation"]["code"] == "XA-0001"
    xian = token_client("xian")
    assert token_client("baoji").post(f"/api/v1/enrolments/{eid}/approve").status_code == 404
    ok = xian.post(f"/api/v1/enrolments/{eid}/approve")
    assert ok.status_code == 200, ok.content
    assert Member.objects.filter(name="赵六", status="member").count() == 1
    assert xian.get("/api/v1/members", {"q": "zhaoliu"}).json()["count"] == 1
