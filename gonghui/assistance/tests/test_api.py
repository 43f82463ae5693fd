import datetime
import json

import pytest
from django.core.cache import cache
from django.test import Client, override_settings

from gonghui.assistance.models import DibaoStandard, Household
from gonghui.assistance.tests.conftest import OPEN
from gonghui.core.models import AuditEntry
from gonghui.testing import api_for

pytestmark = pytest.mark.django_db


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


BASE = {
    "household_size": 2,
    "monthly_incomes": ["2460.00", "1230"],
    "rigid_expenses": ["1230"],
    "dibao_monthly": "780",
    "event": None,
}


def test_assess_contract_anonymous(client, db):
    r = post(client, "/api/v1/assistance/assess", BASE)
    assert r.status_code == 200, r.content
    data = r.json()
    assert data["category"] == "relative"
    assert data["per_capita_income"] == "1230.00" and data["threshold"] == "1560.00"
    assert data["label"] and "1230.00" in data["explanation"] and "780.00" in data["explanation"]


def test_assess_with_an_event(client, db):
    body = {
        **BASE,
        "monthly_incomes": ["2400", "0"],
        "rigid_expenses": ["1600"],
        "dibao_monthly": "500",
        "event": {"kind": "critical_illness", "compensation": "12000"},
    }
    data = post(client, "/api/v1/assistance/assess", body).json()
    assert (data["category"], data["per_capita_income"], data["threshold"]) == (
        "accident",
        "900.00",
        "1000.00",
    )


def test_assess_with_division_and_date_uses_the_table(client, dibao):
    body = {
        **BASE,
        "dibao_monthly": None,
        "division": "610113",
        "date": "2026-03-01",
        "monthly_incomes": ["1900", "0.00"],
        "rigid_expenses": [],
    }
    data = post(client, "/api/v1/assistance/assess", body).json()
    assert (data["category"], data["per_capita_income"], data["dibao_monthly"]) == (
        "deep",
        "950.00",
        "955.00",
    )
    body["date"] = "2025-03-01"  # 西安 900 then
    assert post(client, "/api/v1/assistance/assess", body).json()["category"] == "relative"


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"household_size": 0}, "household_size", "number_too_small"),
        ({"household_size": "two"}, "household_size", "invalid"),
        ({"monthly_incomes": ["100", "-1"]}, "monthly_incomes.1", "amount_negative"),
        ({"monthly_incomes": ["abc", "0"]}, "monthly_incomes.0", "amount_invalid"),
        ({"monthly_incomes": []}, "monthly_incomes", "incomes_count"),
        ({"monthly_incomes": ["2460"]}, "monthly_incomes", "incomes_count"),
        ({"monthly_incomes": ["1", "2", "3"]}, "monthly_incomes", "incomes_count"),
        ({"rigid_expenses": ["1.234"]}, "rigid_expenses.0", "amount_precision"),
        ({"rigid_expenses": ["1e8"]}, "rigid_expenses.0", "amount_too_large"),
        ({"dibao_monthly": "0"}, "dibao_monthly", "amount_zero"),
        ({"dibao_monthly": None}, "dibao_monthly", "required"),
        ({"dibao_monthly": None, "division": "999999", "date": "2026-01-01"}, "division", "division_unknown"),
        ({"dibao_monthly": None, "division": "620102", "date": "2026-01-01"}, "division", "dibao_missing"),
        ({"event": {"kind": "flood", "compensation": "0"}}, "event.kind", "invalid_choice"),
        ({"event": {"kind": "accident", "compensation": "-5"}}, "event.compensation", "amount_negative"),
    ],
)
def test_assess_bad_input_names_the_field(client, dibao, change, field, code):
    r = post(client, "/api/v1/assistance/assess", {**BASE, **change})
    assert r.status_code == 400, r.content
    data = r.json()
    assert data["detail"].startswith(field) and data["errors"][0]["field"] == field
    if code != "invalid":
        assert data["code"] == code
    assert DibaoStandard.objects.count() == len(dibao)


@override_settings(GONGHUI_ASSESS_RATE=2)
def test_anonymous_assess_is_throttled(client, db):
    cache.clear()
    assert post(client, "/api/v1/assistance/assess", BASE).status_code == 200
    assert post(client, "/api/v1/assistance/assess", BASE).status_code == 200
    r = post(client, "/api/v1/assistance/assess", BASE)
    assert r.status_code == 429 and r.json()["code"] == "throttled"
    cache.clear()


def test_dibao_table_api(world, dibao):
    c = api_for("shaanxi")
    r = post(
        c,
        "/api/v1/assistance/dibao",
        {"division_code": "610303", "effective_from": "2026-01-01", "monthly": "820"},
    )
    assert r.status_code == 201 and r.json()["monthly"] == "820.00"
    r = post(
        api_for("gansu"),
        "/api/v1/assistance/dibao",
        {"division_code": "610303", "effective_from": "2026-02-01", "monthly": "1"},
    )
    assert r.status_code == 403
    found = Client().get("/api/v1/assistance/dibao?division=610113&on=2026-06-01").json()
    assert found["items"][0]["monthly"] == "955.00" and found["items"][0]["division_code"] == "610100"


def _open(world, c):
    body = {**OPEN, "head": str(world.members["xian_worker"].pk)}
    return post(c, "/api/v1/assistance/households", body)


def test_household_api_masks_bank_card_and_hides_from_sibling(world, dibao):
    r = _open(world, api_for("xian"))
    assert r.status_code == 201, r.content
    data = r.json()
    assert data["bank_card"] == "622202*********0123" and data["category"] == "deep"
    assert "6222021234567890123" not in r.content.decode()
    url = f"/api/v1/assistance/households/{data['id']}"
    assert api_for("baoji").get(url).status_code == 404
    assert api_for("gansu").get(url).status_code == 404
    assert api_for("baoji").get("/api/v1/assistance/households").json()["count"] == 0
    assert api_for("shaanxi").get(url).status_code == 200
    assert post(api_for("baoji"), url + "/bank-card/reveal", {}).status_code == 404
    assert post(api_for("xian_officer"), url + "/bank-card/reveal", {}).status_code == 403
    assert post(api_for("xian"), url + "/bank-card/reveal", {}).json()["bank_card"] == "6222021234567890123"


def test_worker_applies_through_the_api(world, dibao):
    r = _open(world, api_for("member"))
    assert r.status_code == 201, r.content
    assert r.json()["source"] == "application"
    again = _open(world, api_for("member"))
    assert again.status_code == 400 and again.json()["code"] == "duplicate"
    assert r.json()["file_no"] in again.json()["detail"]
    assert Household.objects.count() == 1


def test_household_bad_input_writes_nothing(world, dibao):
    body = {**OPEN, "head": str(world.members["xian_worker"].pk), "bank_card": "12ab"}
    r = post(api_for("xian"), "/api/v1/assistance/households", body)
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "bank_card"
    assert not Household.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="assistance.").exists()


def test_workflow_over_the_api(world, dibao):
    xian = api_for("xian")
    hid = _open(world, xian).json()["id"]
    url = f"/api/v1/assistance/households/{hid}"
    assert post(xian, url + "/screen", {"approve": True}).json()["status"] == "screened"
    r = post(
        xian,
        url + "/visit",
        {"visited_on": str(datetime.date.today()), "visitor": "王干事", "consent_signed": False},
    )
    assert r.status_code == 400 and r.json()["code"] == "consent_required"
    r = post(
        xian,
        url + "/visit",
        {"visited_on": str(datetime.date.today()), "visitor": "王干事", "consent_signed": True},
    )
    assert r.json()["status"] == "visited"
    assert post(xian, url + "/review", {"approve": True}).json()["status"] == "reviewed"
    start = str(datetime.date.today() - datetime.timedelta(days=20))
    assert post(xian, url + "/publicise", {"start": start}).json()["status"] == "publicised"
    assert post(xian, url + "/file", {}).json()["status"] == "filed"
    r = post(
        xian, url + "/payments", {"kind": "warmth", "amount": "500", "paid_on": str(datetime.date.today())}
    )
    assert r.status_code == 201 and r.json()["amount"] == "500.00"
    assert (
        post(
            api_for("baoji"),
            url + "/payments",
            {"kind": "warmth", "amount": "5", "paid_on": "2026-01-01"},
        ).status_code
        == 404
    )
    assert xian.get(url).json()["payments"][0]["amount"] == "500.00"


@pytest.mark.parametrize("start", ["9999-12-31", "2999-01-01"])
def test_a_public_notice_starting_years_ahead_is_400_and_changes_nothing(world, dibao, start):
    # 9999-12-31 + five working days overflowed the date: a 500 (found by make fuzz)
    xian = api_for("xian")
    hid = _open(world, xian).json()["id"]
    url = f"/api/v1/assistance/households/{hid}"
    post(xian, url + "/screen", {"approve": True})
    post(
        xian,
        url + "/visit",
        {"visited_on": str(datetime.date.today()), "visitor": "王干事", "consent_signed": True},
    )
    assert post(xian, url + "/review", {"approve": True}).json()["status"] == "reviewed"
    before = AuditEntry.objects.count()
    r = post(xian, url + "/publicise", {"start": start})
    assert r.status_code == 400, r.content
    assert r.json()["code"] == "date_too_late" and r.json()["detail"].startswith("start:")
    h = Household.objects.get(pk=hid)
    assert (h.status, h.notice_from, h.notice_until) == ("reviewed", None, None)
    assert AuditEntry.objects.count() == before
