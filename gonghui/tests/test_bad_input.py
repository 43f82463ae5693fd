"""Bad input never crashes: every odd request gets a 4xx in the API's error shape (or an
error page), on SQLite and PostgreSQL alike, and writes nothing."""

import pytest
from django.test import Client

from gonghui.core.models import AuditEntry
from gonghui.members.models import Enrolment, Member
from gonghui.testing import api_for, client_for

pytestmark = pytest.mark.django_db


def assert_api_error(response, status):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) >= {"detail", "code"}


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/members?q=%00",
        "/api/v1/members?organisation=%00",
        "/api/v1/organisations?q=a%00b",
        "/api/v1/organisations/%00",
        "/api/v1/organisations/%00/stats",
        "/api/v1/audit?action=%00",
    ],
)
def test_nul_characters_in_api_urls_are_a_400(world, url):
    assert_api_error(api_for("shaanxi").get(url), 400)


@pytest.mark.parametrize("url", ["/organisations/%00/", "/members/?q=%00", "/join/status/?x=%00"])
def test_nul_characters_in_page_urls_are_a_400(world, url):
    c = client_for("shaanxi")
    assert c.get(url).status_code == 400


def test_nul_characters_in_json_bodies_write_nothing(world, client):
    before = (Enrolment.objects.count(), AuditEntry.objects.count())
    r = client.post(
        "/api/v1/enrolments",
        '{"name": "a\\u0000b", "id_number": "x", "phone": "1", "employer": "e", "work_division": "610113", "employment_form": "courier"}',
        content_type="application/json",
    )
    assert_api_error(r, 400)
    r = client.post(
        "/api/v1/auth/token", '{"username": "x\\u0000", "password": "y"}', content_type="application/json"
    )
    assert_api_error(r, 400)
    assert (Enrolment.objects.count(), AuditEntry.objects.count()) == before


def test_huge_page_numbers_are_a_400(world):
    c = api_for("shaanxi")
    for url in [
        "/api/v1/members?page=99999999999999999999",
        "/api/v1/members?page=abc",
        "/api/v1/organisations?page=1000000000",
    ]:
        assert_api_error(c.get(url), 400)


def test_unknown_api_paths_and_methods_have_the_error_shape(world):
    c = api_for("shaanxi")
    assert_api_error(c.get("/api/v1/no-such-thing"), 404)
    assert_api_error(c.delete("/api/v1/dues/calculate"), 405)


def test_a_bad_token_on_a_post_is_401_not_a_csrf_error(world):
    c = Client(HTTP_AUTHORIZATION="Bearer gh_wrong")
    r = c.post("/api/v1/members", {"organisation": "XA-0001"}, content_type="application/json")
    assert_api_error(r, 401)


def test_schema_errors_are_in_chinese_by_default(world, client):
    r = client.post("/api/v1/dues/calculate", {}, content_type="application/json")
    assert_api_error(r, 400)
    assert r.json()["errors"][0]["field"] == "monthly_wage"
    assert "必" in r.json()["detail"] or "填" in r.json()["detail"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"card_no": "9" * 100}, "card_no"),
        ({"employer": "某" * 500}, "employer"),
        ({"name": ""}, "name"),
        ({"ethnicity": "XX"}, "ethnicity"),
        ({"is_migrant_worker": "maybe"}, "is_migrant_worker"),
    ],
)
def test_bad_member_patches_are_400_and_change_nothing(world, payload, field):
    m = world.members["xian_worker"]
    before = Member.objects.filter(pk=m.pk).values().get()
    r = api_for("xian").patch(f"/api/v1/members/{m.pk}", payload, content_type="application/json")
    assert_api_error(r, 400)
    assert field in r.json()["detail"] or any(e["field"] == field for e in r.json().get("errors", []))
    assert Member.objects.filter(pk=m.pk).values().get() == before


@pytest.mark.parametrize(
    "payload",
    [
        {"monthly_wage": True},
        {"monthly_wage": "1_000"},
        {"monthly_wage": "1e400"},
        {"monthly_wage": [1]},
        {"monthly_wage": "９９９"},
    ],
)
def test_dues_calculator_bad_values(client, payload):
    r = client.post("/api/v1/dues/calculate", payload, content_type="application/json")
    if payload["monthly_wage"] == "９９９":  # full-width digits are what people type: accepted
        assert r.status_code in (200, 400)
    else:
        assert_api_error(r, 400)


def test_member_create_with_unknown_organisation_is_404_and_writes_nothing(world):
    before = Member.objects.count()
    r = api_for("xian").post(
        "/api/v1/members",
        {"organisation": "NOPE", "name": "甲", "id_number": "11010519491231002X"},
        content_type="application/json",
    )
    assert_api_error(r, 404)
    assert Member.objects.count() == before


def test_non_utf8_body_is_a_400(world, client):
    r = client.post("/api/v1/enrolments", b"\xff\xfe\xfa", content_type="application/json")
    assert_api_error(r, 400)


def test_impossible_dates_in_queries_are_a_400(world):
    assert_api_error(api_for("shaanxi").get("/api/v1/organisations/610000/stats?on=2026-02-30"), 400)
