"""Officer pages for monthly incomes and 防止返困 signals on the file page, and the list of
overdue reviews and open alerts per union."""

import datetime

import pytest
from django.test import Client
from django.utils.html import escape

from gonghui.assistance.models import Household, MonthlyIncome, RiskAlert
from gonghui.assistance.services import dates, households, monitoring
from gonghui.assistance.tests.conftest import OPEN
from gonghui.core.models import AuditEntry
from gonghui.testing import client_for

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()
FIRST = TODAY.replace(day=1)


def test_officer_records_a_month_on_the_file_page(world, filed):
    c = client_for("xian_officer")
    month = dates.add_months(FIRST, -1)
    r = c.post(
        f"/assistance/{filed.pk}/incomes/",
        {"month": f"{month:%Y-%m}", "income": "3000", "rigid_expenses": "0"},
    )
    assert r.status_code == 302
    row = MonthlyIncome.objects.get()
    assert (row.month, str(row.per_capita_income)) == (month, "1000.00")
    r = c.get(f"/assistance/{filed.pk}/")
    body = r.content.decode()
    assert f"{month:%Y-%m}" in body and "1000.00" in body
    assert r.context["months_above"] == 1  # last month above 低保: one of the six


@pytest.mark.parametrize(
    "post",
    [
        {"month": "2026-13", "income": "1"},
        {"month": "2025-01", "income": "-1"},
        {"month": "2025-01", "income": "abc"},
        {"month": f"{dates.add_months(FIRST, 2):%Y-%m}", "income": "1"},
    ],
)
def test_bad_month_input_is_refused_with_nothing_written(world, filed, post):
    r = client_for("xian").post(f"/assistance/{filed.pk}/incomes/", post)
    assert r.status_code == 400
    assert not MonthlyIncome.objects.exists()
    assert not AuditEntry.objects.filter(action="assistance.income.recorded").exists()


def test_income_page_anonymous_and_sibling(world, filed):
    post = {"month": f"{dates.add_months(FIRST, -1):%Y-%m}", "income": "3000"}
    r = Client().post(f"/assistance/{filed.pk}/incomes/", post)
    assert r.status_code == 302 and "/login" in r["Location"]
    for username in ("baoji", "gansu"):
        assert client_for(username).post(f"/assistance/{filed.pk}/incomes/", post).status_code == 404
    assert not MonthlyIncome.objects.exists()


def test_risk_check_on_the_page_shows_the_explanation_and_opens_an_alert(world, left):
    c = client_for("xian")
    r = c.post(f"/assistance/{left.pk}/risk/", {"job_loss": "on", "accident": "on", "extra_dependants": "0"})
    assert r.status_code == 200
    body = r.content.decode()
    alert = RiskAlert.objects.get()
    assert alert.score == 50
    assert escape(alert.explanation) in body and "50" in body
    assert escape(alert.explanation) in c.get(f"/assistance/{left.pk}/").content.decode()


def test_a_low_score_shows_its_explanation_without_an_alert(world, left):
    r = client_for("xian").post(f"/assistance/{left.pk}/risk/", {"job_loss": "on", "extra_dependants": "0"})
    assert r.status_code == 200 and "25" in r.content.decode()
    assert not RiskAlert.objects.exists()


@pytest.mark.parametrize(
    "post", [{"extra_dependants": "-1"}, {"extra_dependants": "x"}, {"extra_dependants": "99"}]
)
def test_bad_risk_input_is_refused(world, left, post):
    r = client_for("xian").post(f"/assistance/{left.pk}/risk/", {"job_loss": "on", **post})
    assert r.status_code == 400 and not RiskAlert.objects.exists()


def test_risk_on_a_filed_household_is_refused(world, filed):
    r = client_for("xian").post(
        f"/assistance/{filed.pk}/risk/", {"job_loss": "on", "accident": "on", "extra_dependants": "0"}
    )
    assert r.status_code == 400 and not RiskAlert.objects.exists()


def test_risk_page_anonymous_and_sibling(world, left):
    post = {"job_loss": "on", "accident": "on", "extra_dependants": "0"}
    r = Client().post(f"/assistance/{left.pk}/risk/", post)
    assert r.status_code == 302 and "/login" in r["Location"]
    assert client_for("baoji").post(f"/assistance/{left.pk}/risk/", post).status_code == 404
    assert not RiskAlert.objects.exists()


def test_alert_closed_on_the_page(city_admin, left):
    _r, alert = monitoring.risk_check(actor=city_admin, household=left, job_loss=True, accident=True)
    url = f"/assistance/{left.pk}/alerts/{alert.pk}/close/"
    assert client_for("xian").post(url, {"outcome": ""}).status_code == 400
    r = Client().post(url, {"outcome": "x"})
    assert r.status_code == 302 and "/login" in r["Location"]
    assert client_for("baoji").post(url, {"outcome": "x"}).status_code == 404
    alert.refresh_from_db()
    assert alert.is_open
    assert client_for("xian").post(url, {"outcome": "已就业，收入恢复"}).status_code == 302
    alert.refresh_from_db()
    assert not alert.is_open and alert.outcome == "已就业，收入恢复"


def test_an_alert_is_closed_only_under_its_own_file(world, city_admin, province_admin, left):
    _r, alert = monitoring.risk_check(actor=city_admin, household=left, job_loss=True, accident=True)
    other = households.household_open(
        actor=province_admin, head=world.members["baoji_worker"], **{**OPEN, "family": []}
    )
    r = client_for("shaanxi").post(f"/assistance/{other.pk}/alerts/{alert.pk}/close/", {"outcome": "x"})
    assert r.status_code == 404
    alert.refresh_from_db()
    assert alert.is_open


def test_watch_page_lists_overdue_reviews_and_open_alerts_per_union(world, filed, dibao):
    Household.objects.filter(pk=filed.pk).update(next_review_on=TODAY - datetime.timedelta(days=2))
    c = client_for("xian")
    assert 'href="/assistance/watch/"' in c.get("/assistance/").content.decode()
    body = c.get("/assistance/watch/").content.decode()
    assert filed.file_no in body and "西安某机械厂工会委员会" in body
    sibling = client_for("baoji").get("/assistance/watch/").content.decode()
    assert filed.file_no not in sibling and "西安某机械厂" not in sibling
    r = Client().get("/assistance/watch/")
    assert r.status_code == 302 and "/login" in r["Location"]


def test_watch_page_shows_open_alerts(city_admin, left):
    _r, alert = monitoring.risk_check(actor=city_admin, household=left, job_loss=True, accident=True)
    body = client_for("xian").get("/assistance/watch/").content.decode()
    assert left.file_no in body and escape(alert.explanation) in body
