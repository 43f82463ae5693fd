"""The labour-arbitration limitation (劳动争议调解仲裁法 第二十七条) as legal aid computes it:
one year; a last day on a statutory holiday or rest day moves to the next working day
(民法典 第二百零三条, 调休 Saturdays count as working days); wage claims are not time-barred
while the employment continues and then run one year from its end."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from gonghui.core.models import AuditEntry
from gonghui.rights import selectors
from gonghui.rights.models import LegalAid
from gonghui.rights.services import legal_aid as la
from gonghui.rights.services import requests as svc
from gonghui.testing import client_for

pytestmark = pytest.mark.django_db
D = datetime.date


def test_plain_year_and_end_of_february():
    assert la.limitation_ends_on(D(2025, 3, 2)) == D(2026, 3, 2)  # a Monday
    assert la.limitation_ends_on(D(2023, 2, 28)) == D(2024, 2, 28)  # a Wednesday
    assert la.limitation_ends_on(D(2024, 2, 29)) == D(2025, 2, 28)  # a Friday


def test_last_day_on_national_day_moves_to_the_next_working_day():
    # 2026-10-01 … 10-07 are 国庆 holidays: the period ends on Thursday 8 October.
    assert la.limitation_ends_on(D(2025, 10, 1)) == D(2026, 10, 8)
    assert la.limitation_ends_on(D(2025, 10, 5)) == D(2026, 10, 8)


def test_last_day_on_a_weekend_moves_to_monday_but_a_make_up_saturday_stays():
    assert la.limitation_ends_on(D(2025, 3, 7)) == D(2026, 3, 9)  # Sat 7 March 2026 → Mon 9 March
    assert la.limitation_ends_on(D(2025, 3, 8)) == D(2026, 3, 9)  # Sunday → Monday
    # Saturday 28 February 2026 is a 调休 working day: the period ends that day.
    assert la.limitation_ends_on(D(2025, 2, 28)) == D(2026, 2, 28)


def test_wage_claim_during_employment_has_no_deadline_then_one_year_from_the_end():
    assert la.limitation(cause="wages", knew_on=D(2024, 5, 1), employment_ended_on=None).ends_on is None
    # ended on 2025-09-30: one year is 2026-09-30, a Wednesday
    lim = la.limitation(cause="wages", knew_on=D(2024, 5, 1), employment_ended_on=D(2025, 9, 30))
    assert lim.ends_on == D(2026, 9, 30)
    # other causes run from when the worker knew, whatever the employment
    lim = la.limitation(cause="contract", knew_on=D(2025, 3, 2), employment_ended_on=None)
    assert lim.ends_on == D(2026, 3, 2)


def aid_request(phone="13800003333"):
    return svc.request_file(
        actor=None,
        channel="phone",
        category="legal_aid",
        description="公司拖欠工资三个月",
        work_division="610113",
        name="孙丽",
        phone=phone,
    )


def test_wage_case_while_employed_shows_no_deadline_with_the_reason(city_admin):
    xian = city_admin
    aid = la.legal_aid_open(
        actor=xian,
        request=aid_request(),
        cause="wages",
        form="mediation",
        monthly_income="3000.00",
        knew_on=D(2024, 1, 10),
    )
    assert aid.limitation_ends_on is None and aid.employment_ended_on is None
    assert la.days_left(aid) is None and not la.deadline_near(aid)
    # no reminder either, however long ago the worker knew
    assert selectors.legal_aid_near_deadline(xian).count() == 0
    c = client_for(xian)
    page = c.get(f"/rights/requests/{aid.request_id}/").content.decode()
    assert 'id="limitation"' in page and 'data-days-left=""' in page
    assert "第二十七条" in page  # the explanation names the rule
    # the employment ends: the year runs from that day and the reminder follows it
    today = timezone.localdate()
    ended = today - datetime.timedelta(days=360)
    aid = la.legal_aid_employment_ended(actor=xian, aid=aid, ended_on=ended)
    assert aid.employment_ended_on == ended
    assert aid.limitation_ends_on == la.limitation_ends_on(ended)
    assert selectors.legal_aid_near_deadline(xian).count() == 1
    assert AuditEntry.objects.filter(action="rights.legal_aid.employment_ended").count() == 1


def test_reminder_uses_the_moved_deadline(city_admin):
    xian = city_admin
    aid = la.legal_aid_open(
        actor=xian,
        request=aid_request(),
        cause="contract",
        form="arbitration",
        monthly_income="3000.00",
        knew_on=D(2025, 10, 1),
    )
    assert aid.limitation_ends_on == D(2026, 10, 8)
    # 2026-09-10: 28 days to 10-08 (a plain year would say 21 to 10-01)
    assert la.days_left(aid, D(2026, 9, 10)) == 28
    assert la.deadline_near(aid, D(2026, 9, 10))
    assert not la.deadline_near(aid, D(2026, 9, 7))  # 31 days left
    assert selectors.legal_aid_near_deadline(xian, today=D(2026, 9, 7)).count() == 0
    assert selectors.legal_aid_near_deadline(xian, today=D(2026, 9, 10)).count() == 1


def test_employment_end_is_checked_scoped_and_writes_nothing_on_error(city_admin, sibling_city_admin):
    xian = city_admin
    req = aid_request()
    with pytest.raises(ValidationError) as exc:
        la.legal_aid_open(
            actor=xian,
            request=req,
            cause="wages",
            form="mediation",
            monthly_income="3000.00",
            knew_on=D(2025, 1, 10),
            employment_ended_on=timezone.localdate() + datetime.timedelta(days=3),
        )
    assert exc.value.error_dict["employment_ended_on"][0].code == "date_future"
    assert LegalAid.objects.count() == 0
    aid = la.legal_aid_open(
        actor=xian,
        request=req,
        cause="wages",
        form="mediation",
        monthly_income="3000.00",
        knew_on=D(2025, 1, 10),
    )
    with pytest.raises(Http404):
        la.legal_aid_employment_ended(actor=sibling_city_admin, aid=aid, ended_on=D(2025, 6, 1))
    aid.refresh_from_db()
    assert aid.employment_ended_on is None


def test_queue_reminds_of_the_corrected_deadline(sibling_city_admin, city_admin):
    today = timezone.localdate()
    aid = la.legal_aid_open(
        actor=city_admin,
        request=aid_request(),
        cause="contract",
        form="arbitration",
        monthly_income="3000.00",
        knew_on=today.replace(year=today.year - 1, day=1) + datetime.timedelta(days=10),
    )
    employed = la.legal_aid_open(
        actor=city_admin,
        request=aid_request(phone="13800004444"),
        cause="wages",
        form="mediation",
        monthly_income="3000.00",
        knew_on=today.replace(year=today.year - 2, day=1),
    )
    c = client_for("xian")
    page = c.get("/rights/").content.decode()
    reminders = page[page.index('id="legal-aid-reminders"') :]
    assert f"{aid.limitation_ends_on:%Y-%m-%d}" in reminders
    assert f"/rights/requests/{employed.request_id}/" not in reminders
    assert 'id="legal-aid-reminders"' not in client_for(sibling_city_admin).get("/rights/").content.decode()


def test_the_page_records_the_end_of_employment(city_admin):
    xian = city_admin
    aid = la.legal_aid_open(
        actor=xian,
        request=aid_request(),
        cause="wages",
        form="mediation",
        monthly_income="3000.00",
        knew_on=D(2024, 1, 10),
    )
    url = f"/rights/requests/{aid.request_id}/employment-ended/"
    assert client_for("baoji").post(url, {"employment_ended_on": "2025-09-30"}).status_code == 404
    c = client_for(xian)
    assert c.post(url, {"employment_ended_on": "not a date"}).status_code == 302
    aid.refresh_from_db()
    assert aid.employment_ended_on is None
    assert c.post(url, {"employment_ended_on": "2025-09-30"}).status_code == 302
    aid.refresh_from_db()
    assert aid.employment_ended_on == D(2025, 9, 30) and aid.limitation_ends_on == D(2026, 9, 30)
    page = c.get(f"/rights/requests/{aid.request_id}/").content.decode()
    assert 'data-days-left="' in page and "2026-09-30" in page
