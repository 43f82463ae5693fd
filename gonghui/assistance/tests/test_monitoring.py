import datetime
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from gonghui.assistance import risk, selectors
from gonghui.assistance.models import RiskAlert
from gonghui.assistance.services import dates, households, monitoring, payments
from gonghui.assistance.tests.conftest import OPEN
from gonghui.assistance.tests.test_api import post
from gonghui.core import workdays
from gonghui.testing import api_for

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def test_score_is_explained_point_by_point():
    r = risk.score(recent_income=D("2000"), earlier_incomes=[D("3000"), D("3000"), D("3000")], job_loss=True)
    assert r.score == 55 and r.alert  # drop 33 % → 30, job lost 25
    assert "33%" in r.explanation() and "+25" in r.explanation()
    assert risk.score(recent_income=D("2400"), earlier_incomes=[D("3000")]).score == 15  # 20 % → 15
    assert not risk.score(recent_income=None, earlier_incomes=[], extra_dependants=3).alert  # 30 < 40
    assert risk.score(recent_income=None, earlier_incomes=[], extra_dependants=4).alert


def test_income_drop_and_illness_open_one_alert_with_revisit_deadline(
    city_officer, city_admin, sibling_city_admin, left
):
    assert left.status == "left"
    # the latest recorded month fell to 2500 against 4500 before: 44 % down
    left.incomes.filter(month=dates.add_months(TODAY.replace(day=1), -1)).update(income=D("2500"))
    r, alert = monitoring.risk_check(actor=city_officer, household=left, new_critical_illness=True)
    assert r.score == 60 and alert is not None
    assert alert.revisit_by == workdays.add_working_days(TODAY, 10)
    again, same = monitoring.risk_check(actor=city_officer, household=left, job_loss=True)
    assert same == alert and RiskAlert.objects.count() == 1
    assert list(selectors.open_alerts(city_admin)) == [alert]
    assert list(selectors.open_alerts(sibling_city_admin)) == []
    with pytest.raises(ValidationError):
        monitoring.alert_close(actor=city_admin, alert=alert, outcome="")
    monitoring.alert_close(actor=city_admin, alert=alert, outcome="入户回访，已恢复就业")
    assert not selectors.open_alerts(city_admin).exists()


def test_a_month_recorded_after_leaving_hardship_is_scored(city_admin, left):
    assert left.status == "left"
    # the watched household's new month is recorded like any other, and the drop raises an alert
    payments.income_record(actor=city_admin, household=left, month=TODAY.replace(day=1), income="2500")
    r, alert = monitoring.risk_check(actor=city_admin, household=left, job_loss=True)
    assert r.score == 55 and alert is not None  # 44 % down → 30, job lost 25


def test_low_score_opens_no_alert_and_sibling_gets_404(city_admin, sibling_city_admin, left):
    r, alert = monitoring.risk_check(actor=city_admin, household=left, extra_dependants=1)
    assert (r.score, alert) == (10, None)
    with pytest.raises(Http404):
        monitoring.risk_check(actor=sibling_city_admin, household=left, job_loss=True)
    assert not RiskAlert.objects.exists()


def test_only_watched_households_are_scored(world, city_admin, dibao):
    h = households.household_open(actor=city_admin, head=world.members["xian_worker"], **OPEN)
    with pytest.raises(ValidationError):
        monitoring.risk_check(actor=city_admin, household=h, job_loss=True)


def test_risk_api_and_alert_list(world, left):
    c = api_for("xian")
    r = post(c, f"/api/v1/assistance/households/{left.pk}/risk", {"job_loss": True, "accident": True})
    assert r.status_code == 200 and r.json()["score"] == 50 and r.json()["alert"]
    assert c.get("/api/v1/assistance/alerts").json()["count"] == 1
    assert api_for("baoji").get("/api/v1/assistance/alerts").json()["count"] == 0
    alert_id = r.json()["alert"]["id"]
    assert (
        post(api_for("baoji"), f"/api/v1/assistance/alerts/{alert_id}/close", {"outcome": "x"}).status_code
        == 404
    )
    assert post(c, f"/api/v1/assistance/alerts/{alert_id}/close", {"outcome": "已回访"}).status_code == 200
    assert c.get("/api/v1/assistance/alerts").json()["count"] == 0
