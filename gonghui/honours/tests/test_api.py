"""The honours API: scoped lists, a list's quota status, anonymous objections."""

import datetime

import pytest
from django.test import Client

from gonghui.core.models import AuditEntry
from gonghui.honours.models import Objection
from gonghui.honours.services import lists, registry
from gonghui.honours.tests.conftest import accept, recommend
from gonghui.testing import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def honour(world, city_admin):
    return registry.honour_grant(
        actor=city_admin,
        member=world.members["xian_worker"],
        organisation=world.orgs["xian"],
        kind="may_day_medal",
        level="provincial",
        year=2024,
        issuing_body="陕西省总工会",
        allowance=True,
    )


def test_honour_list_is_scoped(world, honour):
    r = client_for("xian").get("/api/v1/honours")
    assert r.status_code == 200
    body = r.json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["member"]["name"] == "张伟" and item["organisation"]["code"] == "XA-0001"
    assert (item["kind"], item["level"], item["year"], item["allowance"]) == (
        "may_day_medal",
        "provincial",
        2024,
        True,
    )
    assert client_for("baoji").get("/api/v1/honours").json() == {"items": [], "count": 0}
    assert client_for("gansu").get(f"/api/v1/honours/{honour.pk}").status_code == 404
    assert client_for("shaanxi").get(f"/api/v1/honours/{honour.pk}").json()["id"] == str(honour.pk)
    assert client_for("xian").get("/api/v1/honours?kind=model_worker").json()["count"] == 0
    assert client_for("xian").get("/api/v1/honours?organisation=610300").status_code == 404  # not Xi'an's
    assert Client().get("/api/v1/honours").status_code == 401


def test_bad_paging_is_a_400_with_the_house_error_shape(world):
    r = client_for("xian").get("/api/v1/honours?page_size=1000")
    assert r.status_code == 400 and r.json()["code"] == "bad_page"


def test_a_list_shows_its_quota_status_to_the_organiser_only(world, plist):
    recommend(world, plist, is_migrant_worker=False)
    r = client_for("shaanxi").get(f"/api/v1/honours/nomination-lists/{plist.pk}")
    assert r.status_code == 200
    body = r.json()
    migrant = next(line for line in body["quota"]["lines"] if line["key"] == "migrant")
    assert migrant | {"label": ""} == {
        "key": "migrant",
        "label": "",
        "count": 0,
        "total": 1,
        "share_percent": "0.0",
        "min_share": "0.10",
        "met": False,
        "text": migrant["text"],
    }
    assert body["quota"]["met"] is False
    assert [n["name"] for n in body["nominees"]] == ["张伟"]
    # Baoji recommends to the provincial list too, but sees neither Xi'an's nominee nor counts.
    r = client_for("baoji").get(f"/api/v1/honours/nomination-lists/{plist.pk}")
    assert r.status_code == 200
    assert (r.json()["nominees"], r.json()["quota"]) == ([], None)
    listing = client_for("baoji").get("/api/v1/honours/nomination-lists").json()
    assert listing["count"] == 1 and listing["items"][0]["nominees"] == 0
    assert client_for("xian").get("/api/v1/honours/nomination-lists").json()["items"][0]["nominees"] == 1
    assert client_for("gansu").get(f"/api/v1/honours/nomination-lists/{plist.pk}").status_code == 404
    assert client_for("gansu").get("/api/v1/honours/nomination-lists").json() == {"items": [], "count": 0}
    assert client_for("shaanxi").get("/api/v1/honours/nomination-lists/nope").status_code == 404


@pytest.fixture
def on_notice(world, province_admin, plist):
    accept(world, recommend(world, plist))
    return lists.publicity_start(actor=province_admin, nomination_list=plist, override_reason="试点")


def test_anyone_may_object_to_a_list_on_notice(world, on_notice):
    nominee = on_notice.nominees.get()
    r = Client().post(
        f"/api/v1/honours/nomination-lists/{on_notice.pk}/objections",
        {"contact": "13800001111", "text": "反映情况", "nominee": str(nominee.pk)},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    assert r.json()["status"] == "received"
    o = Objection.objects.get()
    assert (o.nominee, o.contact_masked) == (nominee, "138****1111")
    assert AuditEntry.objects.filter(action="honours.objection.received", actor_label="anonymous").exists()


def test_a_bad_objection_is_a_400_and_writes_nothing(world, on_notice):
    url = f"/api/v1/honours/nomination-lists/{on_notice.pk}/objections"
    r = Client().post(url, {"contact": "", "text": "x"}, content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "required"
    r = Client().post(url, {"text": "x"}, content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "invalid"
    r = Client().post(url, "not json", content_type="application/json")
    assert r.status_code == 400
    assert Objection.objects.count() == 0


def test_no_objection_to_a_list_not_on_notice(world, province_admin, plist, today):
    url = f"/api/v1/honours/nomination-lists/{plist.pk}/objections"
    r = Client().post(url, {"contact": "13800001111", "text": "x"}, content_type="application/json")
    assert r.status_code == 404
    accept(world, recommend(world, plist))
    lists.publicity_start(actor=province_admin, nomination_list=plist, override_reason="试点")
    today(datetime.date(2026, 10, 12))  # the notice is over
    r = Client().post(url, {"contact": "13800001111", "text": "x"}, content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "not_on_notice"
    assert Objection.objects.count() == 0


def test_anonymous_objections_are_throttled(world, on_notice, settings):
    settings.GONGHUI_PUBLIC_FORM_RATE = 2
    url = f"/api/v1/honours/nomination-lists/{on_notice.pk}/objections"
    client = Client()
    statuses = [
        client.post(
            url, {"contact": "13800001111", "text": f"第{i}条"}, content_type="application/json"
        ).status_code
        for i in range(3)
    ]
    assert statuses == [201, 201, 429]
    assert Objection.objects.count() == 2


def test_list_endpoints_cost_a_fixed_number_of_queries(
    world, city_admin, plist, django_assert_max_num_queries
):
    for year in range(2015, 2025):
        registry.honour_grant(
            actor=city_admin,
            member=world.members["xian_worker"],
            organisation=world.orgs["xian"],
            kind="model_worker",
            level="city",
            year=year,
            issuing_body="西安市人民政府",
        )
    recommend(world, plist)
    c = client_for("xian")
    with django_assert_max_num_queries(8):
        assert c.get("/api/v1/honours?page_size=100").json()["count"] == 10
    with django_assert_max_num_queries(8):
        assert c.get("/api/v1/honours/nomination-lists").json()["count"] == 1
