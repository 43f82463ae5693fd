"""One file per household for life: a closed or rejected file, or a household that left
hardship, is reopened (返困) rather than opened again; duplicates are refused without telling
another union's file number."""

import datetime
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import Client

from gonghui.assistance.models import FamilyMember, Household, HouseholdEvent, RiskAlert
from gonghui.assistance.services import dates, households, monitoring, payments, reviews, workflow
from gonghui.assistance.tests.conftest import OPEN
from gonghui.core.models import AuditEntry
from gonghui.testing import api_for, client_for, make_id_number

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def open_file(world, actor="xian", member="xian_worker", **overrides):
    return households.household_open(
        actor=world.users[actor], head=world.members[member], **{**OPEN, **overrides}
    )


def to_filed(world, h, actor="xian"):
    a = world.users[actor]
    workflow.household_screen(actor=a, household=h, approve=True)
    workflow.household_visit(actor=a, household=h, visited_on=TODAY, visitor="王干事", consent_signed=True)
    workflow.household_review(actor=a, household=h, approve=True)
    workflow.household_publicise(actor=a, household=h, start=TODAY - datetime.timedelta(days=20))
    return workflow.household_file(actor=a, household=h)


def to_left(world, h):
    h = to_filed(world, h)
    first = TODAY.replace(day=1)
    for i in range(6, 0, -1):
        payments.income_record(
            actor=world.users["xian"], household=h, month=dates.add_months(first, -i), income="4500"
        )
    h = reviews.household_periodic_review(actor=world.users["xian"], household=h)
    assert h.status == "left"
    return h


def post(client, url, body=None):
    return client.post(url, json.dumps(body or {}), content_type="application/json")


# ---- reopen ----------------------------------------------------------------------------


def test_a_rejected_file_is_reopened_at_first_check_with_a_fresh_assessment(
    world, city_admin, city_officer, dibao
):
    h = open_file(world)
    h = workflow.household_screen(actor=city_admin, household=h, approve=False, note="材料不全")
    assert h.status == "closed"
    h = workflow.household_reopen(actor=city_officer, household=h, reason="补齐材料，重新申请")
    assert h.status == "applied" and h.close_reason == "" and h.assessed_on == TODAY
    assert Household.objects.count() == 1
    kinds = list(h.events.values_list("kind", flat=True))
    assert kinds == ["opened", "rejected", "reopened"]
    event = h.events.get(kind="reopened")
    assert (event.from_status, event.to_status) == ("closed", "applied")
    assert "补齐材料" in event.note and h.category_explanation in event.note
    entry = AuditEntry.objects.get(action="assistance.household.reopened")
    assert entry.changes["status"] == ["closed", "applied"] and entry.changes["close_reason"] == [
        "材料不全",
        "",
    ]
    # and the workflow runs again from 初审
    assert to_filed(world, h).status == "filed"
    assert list(h.events.values_list("kind", flat=True)).count("filed") == 1


def test_a_household_back_in_hardship_after_leaving_is_reopened_and_its_alert_closed(
    world, city_admin, dibao
):
    h = to_left(world, open_file(world))
    _risk, alert = monitoring.risk_check(actor=city_admin, household=h, job_loss=True, accident=True)
    h = workflow.household_reopen(actor=city_admin, household=h, reason="失业，收入骤降")
    assert h.status == "applied"
    assert (h.left_on, h.filed_on, h.visited_on, h.consent_signed, h.next_review_on) == (
        None,
        None,
        None,
        False,
        None,
    )
    alert.refresh_from_db()
    assert not alert.is_open and alert.outcome
    # the months recorded before stay with the file
    assert h.incomes.count() == 6


def test_only_closed_or_left_files_are_reopened(world, city_admin, dibao):
    h = open_file(world)
    with pytest.raises(ValidationError) as exc:
        workflow.household_reopen(actor=city_admin, household=h, reason="x")
    assert exc.value.code == "bad_status"
    with pytest.raises(ValidationError) as exc:
        workflow.household_close(actor=city_admin, household=h, reason="迁出")
        workflow.household_reopen(actor=city_admin, household=h, reason="  ")
    assert "reason" in exc.value.error_dict
    assert not HouseholdEvent.objects.filter(kind="reopened").exists()


@pytest.mark.parametrize("persona", ["sibling_city_admin", "sibling_admin"])
def test_a_sibling_admin_cannot_reopen(request, world, city_admin, dibao, persona):
    h = workflow.household_close(actor=city_admin, household=open_file(world), reason="迁出")
    with pytest.raises(Http404):
        workflow.household_reopen(actor=request.getfixturevalue(persona), household=h, reason="x")
    h.refresh_from_db()
    assert h.status == "closed"
    assert not AuditEntry.objects.filter(action="assistance.household.reopened").exists()


def test_a_viewer_sees_the_file_but_may_not_reopen_it(world, city_viewer, city_admin, dibao):
    h = workflow.household_close(actor=city_admin, household=open_file(world), reason="迁出")
    with pytest.raises(PermissionDenied):
        workflow.household_reopen(actor=city_viewer, household=h, reason="x")
    h.refresh_from_db()
    assert h.status == "closed"


def test_the_head_applies_again_on_their_page(world, member_user, city_admin, dibao):
    h = workflow.household_close(actor=city_admin, household=open_file(world), reason="收入超标")
    c = client_for("member")
    body = c.get("/assistance/apply/").content.decode()
    assert h.file_no in body and 'name="reopen"' in body
    r = c.post("/assistance/apply/", {"reopen": "1", "reason": ""})
    assert r.status_code == 400
    h.refresh_from_db()
    assert h.status == "closed"
    r = c.post("/assistance/apply/", {"reopen": "1", "reason": "妻子患病，收入减少"})
    assert r.status_code == 302
    h.refresh_from_db()
    assert h.status == "applied" and h.source == "application"
    assert h.events.get(kind="reopened").actor == member_user


def test_officer_reopens_on_the_file_page_and_the_api(world, city_admin, dibao):
    h = workflow.household_close(actor=city_admin, household=open_file(world), reason="迁出")
    r = client_for("xian").post(f"/assistance/{h.pk}/reopen/", {"reason": "返困"})
    assert r.status_code == 302
    h.refresh_from_db()
    assert h.status == "applied"
    workflow.household_close(actor=city_admin, household=h, reason="again")
    r = post(api_for("xian"), f"/api/v1/assistance/households/{h.pk}/reopen", {"reason": "返困"})
    assert r.status_code == 200 and r.json()["status"] == "applied"


def test_reopen_by_page_and_api_anonymous_sibling_and_bad_input(world, city_admin, dibao):
    h = workflow.household_close(actor=city_admin, household=open_file(world), reason="迁出")
    url = f"/assistance/{h.pk}/reopen/"
    r = Client().post(url, {"reason": "x"})
    assert r.status_code == 302 and "/login" in r["Location"]
    assert client_for("baoji").post(url, {"reason": "x"}).status_code == 404
    api_url = f"/api/v1/assistance/households/{h.pk}/reopen"
    assert post(Client(), api_url, {"reason": "x"}).status_code == 401
    assert post(api_for("baoji"), api_url, {"reason": "x"}).status_code == 404
    r = post(api_for("xian"), api_url, {"reason": ""})
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "reason"
    r = post(api_for("xian"), api_url, {})
    assert r.status_code == 400
    h.refresh_from_db()
    assert h.status == "closed"
    assert not AuditEntry.objects.filter(action="assistance.household.reopened").exists()


# ---- duplicates ------------------------------------------------------------------------


def test_a_new_application_for_a_head_whose_file_is_closed_points_to_reopen(world, city_admin, dibao):
    h = workflow.household_close(actor=city_admin, household=open_file(world), reason="迁出")
    with pytest.raises(households.DuplicateFile) as exc:
        open_file(world, family=[])
    assert exc.value.code == "duplicate_reopen" and h.file_no in exc.value.message
    assert exc.value.household == h
    r = post(
        api_for("xian"),
        "/api/v1/assistance/households",
        {"head": str(world.members["xian_worker"].pk), **OPEN, "family": []},
    )
    assert r.status_code == 400
    data = r.json()
    assert data["code"] == "duplicate_reopen" and h.file_no in data["detail"]
    assert data["existing"]["id"] == str(h.pk)
    assert data["existing"]["reopen_url"] == f"/api/v1/assistance/households/{h.pk}/reopen"
    assert Household.objects.count() == 1


def test_the_duplicate_refusal_does_not_tell_another_unions_file_number(world, dibao):
    shared = make_id_number("610113", datetime.date(2015, 1, 1), "F")
    child = {"relation": "child", "name": "王芳", "id_number": shared, "employment": "student"}
    first = open_file(world, family=[child])
    # 宝鸡 opens a file for its own worker listing the same child: 西安's file is not theirs
    with pytest.raises(households.DuplicateFile) as exc:
        open_file(world, actor="baoji", member="baoji_worker", family=[child])
    assert exc.value.code == "duplicate_elsewhere" and exc.value.household is None
    text = exc.value.message
    assert first.file_no not in text and "西安" not in text and "机械厂" not in text
    r = post(
        api_for("baoji"),
        "/api/v1/assistance/households",
        {"head": str(world.members["baoji_worker"].pk), **OPEN, "family": [child]},
    )
    assert r.status_code == 400
    data = r.json()
    assert data["code"] == "duplicate_elsewhere" and data["existing"] is None
    assert first.file_no not in r.content.decode() and str(first.pk) not in r.content.decode()
    assert Household.objects.count() == 1 and FamilyMember.objects.count() == 2
    assert (
        not AuditEntry.objects.filter(action="assistance.household.opened")
        .exclude(object_id=str(first.pk))
        .exists()
    )


def test_the_duplicate_refusal_names_the_file_to_whoever_sees_it(world, dibao):
    shared = make_id_number("610113", datetime.date(2015, 1, 1), "F")
    child = {"relation": "child", "name": "王芳", "id_number": shared, "employment": "student"}
    first = open_file(world, family=[child])
    with pytest.raises(households.DuplicateFile) as exc:
        open_file(world, actor="shaanxi", member="baoji_worker", family=[child])
    assert exc.value.code == "duplicate" and first.file_no in exc.value.message
    assert Household.objects.count() == 1


def test_a_person_of_a_closed_file_may_be_listed_in_a_new_household(world, city_admin, dibao):
    shared = make_id_number("610113", datetime.date(1990, 1, 1), "F")
    spouse = {"relation": "spouse", "name": "李娜", "id_number": shared, "employment": "employed"}
    first = open_file(world, family=[spouse])
    workflow.household_close(actor=city_admin, household=first, reason="离婚，迁出")
    second = open_file(world, actor="shaanxi", member="baoji_worker", family=[spouse])
    assert second.pk != first.pk and Household.objects.count() == 2


def test_a_person_of_a_household_out_of_hardship_is_still_watched_there(world, dibao):
    shared = make_id_number("610113", datetime.date(1990, 1, 1), "F")
    spouse = {"relation": "spouse", "name": "李娜", "id_number": shared, "employment": "employed"}
    to_left(world, open_file(world, family=[spouse]))
    with pytest.raises(households.DuplicateFile):
        open_file(world, actor="shaanxi", member="baoji_worker", family=[spouse])
    assert Household.objects.count() == 1


def test_one_file_per_head_is_kept_by_the_database(world, dibao):
    from django.db import IntegrityError, transaction

    h = open_file(world)
    with pytest.raises(IntegrityError), transaction.atomic():
        Household.objects.create(
            file_no="KN-DUP",
            head=h.head,
            organisation=h.organisation,
            source="application",
            status="applied",
            housing="own",
            main_cause="illness",
            medical_insurance="employee",
            category="deep",
            per_capita_income=0,
            dibao_monthly=1,
            assessed_on=TODAY,
        )


def test_open_alerts_close_once_on_reopen(world, city_admin, dibao):
    h = to_left(world, open_file(world))
    monitoring.risk_check(actor=city_admin, household=h, job_loss=True, accident=True)
    workflow.household_reopen(actor=city_admin, household=h, reason="返困")
    assert not RiskAlert.objects.filter(is_open=True).exists()
