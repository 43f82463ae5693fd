import json

import pytest
from django.test import Client

from gonghui.core.models import AuditEntry
from gonghui.core.validators import china_today
from gonghui.members.models import Enrolment, Member
from gonghui.members.services.enrolment import enrolment_submit
from gonghui.members.tests.test_services import pending_child_application
from gonghui.testing import api_for, make_id_number, person_name

pytestmark = pytest.mark.django_db


def test_member_list_is_scoped_and_masked(world):
    data = api_for("xian").get("/api/v1/members").json()
    assert data["count"] == 1
    item = data["items"][0]
    assert item["name"] == "张伟"
    assert item["organisation"] == {"code": "XA-0001", "name": "西安某机械厂工会委员会"}
    assert "*" in item["id_number"] and len(item["id_number"]) == 18
    assert item["phone"].startswith("139****")


def test_sibling_city_admin_gets_404_for_xian_member(world):
    member = world.members["xian_worker"]
    assert api_for("xian").get(f"/api/v1/members/{member.pk}").status_code == 200
    r = api_for("baoji").get(f"/api/v1/members/{member.pk}")
    assert r.status_code == 404
    assert r.json() == {"detail": r.json()["detail"], "code": "not_found"}
    missing = api_for("baoji").get("/api/v1/members/0190a0a0-0000-7000-8000-000000000000")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"


def test_province_stats_include_city_members(world):
    shaanxi = api_for("shaanxi").get("/api/v1/organisations/610000/stats").json()
    xian = api_for("xian").get("/api/v1/organisations/610100/stats").json()
    assert shaanxi["members"] == 2 and xian["members"] == 1
    assert shaanxi["organisations"] > xian["organisations"]
    assert api_for("gansu").get("/api/v1/organisations/610000/stats").status_code == 404


def test_dues_calculation_contract(client):
    r = client.post("/api/v1/dues/calculate", {"monthly_wage": "5678.90"}, content_type="application/json")
    assert r.json() == {"base": "5670.00", "dues": "28.35"}
    bad = client.post("/api/v1/dues/calculate", {"monthly_wage": "abc"}, content_type="application/json")
    assert bad.status_code == 400 and bad.json()["code"] == "amount_invalid"
    assert bad.json()["errors"][0]["field"] == "monthly_wage"


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
        {
            "name": "王五",
            "id_number": bad,
            "phone": "13912345678",
            "employer": "x",
            "work_division": "610113",
            "employment_form": "courier",
        },
        content_type="application/json",
    )
    assert r.status_code == 400
    assert r.json()["code"] == "id_checksum"
    assert Enrolment.objects.count() == 0


def _child_id(seq: int) -> str:
    today = china_today()
    return make_id_number("610113", today.replace(year=today.year - 15), "F", seq=seq)


def test_enrolment_of_a_child_is_refused_and_writes_nothing(world, client):
    audit_before = AuditEntry.objects.count()
    payload = {
        "name": "李小红",
        "id_number": _child_id(53),
        "phone": "13912345670",
        "employer": "某外卖平台",
        "work_division": "610113",
        "employment_form": "food_delivery",
    }
    r = client.post("/api/v1/enrolments", payload, content_type="application/json")
    assert r.status_code == 400
    assert r.json()["code"] == "age_under_16"
    assert "16" in r.json()["detail"]
    assert Enrolment.objects.count() == 0 and AuditEntry.objects.count() == audit_before


def test_enrolment_reports_every_bad_field_at_once(world, client):
    payload = {
        "name": "=cmd|' /C calc'!A0",
        "id_number": "",
        "phone": "",
        "employer": "",
        "work_division": "999999",
        "employment_form": "astronaut",
    }
    r = client.post("/api/v1/enrolments", payload, content_type="application/json")
    assert r.status_code == 400
    codes = {e["field"]: e["code"] for e in r.json()["errors"]}
    assert codes == {
        "name": "name_invalid_character",
        "id_number": "required",
        "phone": "required",
        "employer": "required",
        "work_division": "division_unknown",
        "employment_form": "invalid_choice",
    }
    assert Enrolment.objects.count() == 0


def test_enrolment_detail_shows_the_age_and_the_retirement_flag(world, client):
    today = china_today()
    old = make_id_number("610113", today.replace(year=today.year - 70), "M", seq=54)
    e = enrolment_submit(
        actor=None,
        name="王建国",
        id_number=old,
        phone="13912345671",
        employer="西安某机械厂",
        work_division="610113",
        employment_form="standard",
    )
    item = api_for("xian").get(f"/api/v1/enrolments/{e.pk}", HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert item["age"] == 70
    assert item["retirement_flag"].startswith("已到法定退休年龄（男职工60岁")


def test_a_pending_application_from_a_child_cannot_be_approved_over_the_api(world):
    e = pending_child_application(world)
    r = api_for("xian").post(f"/api/v1/enrolments/{e.pk}/approve")
    assert r.status_code == 400 and r.json()["code"] == "age_under_16"
    e.refresh_from_db()
    assert e.status == "pending" and Member.objects.filter(name="李小红").count() == 0


def test_member_create_reports_every_bad_field_at_once_and_writes_nothing(world):
    xian = api_for("xian")
    counts = (Member.objects.count(), AuditEntry.objects.count())
    r = xian.post(
        "/api/v1/members",
        {"organisation": "XA-0001", "name": "<b>x</b>", "id_number": _child_id(56), "phone": "123"},
        content_type="application/json",
    )
    assert r.status_code == 400
    codes = {e["field"]: e["code"] for e in r.json()["errors"]}
    assert codes == {"name": "name_invalid_character", "id_number": "age_under_16", "phone": "phone_format"}
    assert (Member.objects.count(), AuditEntry.objects.count()) == counts


def test_oversized_body_is_refused(client):
    r = client.post(
        "/api/v1/enrolments", json.dumps({"name": "x" * 2_000_000}), content_type="application/json"
    )
    assert r.status_code == 413 and r.json()["code"] == "too_large"


def test_malformed_json_is_400(client):
    r = client.post("/api/v1/dues/calculate", "{not json", content_type="application/json")
    assert r.status_code == 400 and "code" in r.json()


def test_approve_then_member_listed(world, client):
    r = client.post(
        "/api/v1/enrolments",
        {
            "name": "赵六",
            "id_number": make_id_number("610113", seq=52),
            "phone": "13912345679",
            "employer": "西安某机械厂",
            "work_division": "610113",
            "employment_form": "standard",
        },
        content_type="application/json",
    )
    eid = r.json()["id"]
    assert r.json()["organisation"]["code"] == "XA-0001"
    xian = api_for("xian")
    assert api_for("baoji").post(f"/api/v1/enrolments/{eid}/approve").status_code == 404
    ok = xian.post(f"/api/v1/enrolments/{eid}/approve")
    assert ok.status_code == 200, ok.content
    assert Member.objects.filter(name="赵六", status="member").count() == 1
    assert xian.get("/api/v1/members", {"q": "zhaoliu"}).json()["count"] == 1


def test_search_by_exact_id_number_phone_member_number_and_initials(world):
    from gonghui.core import crypto

    m = world.members["xian_worker"]
    c = api_for("shaanxi")
    number, phone = crypto.decrypt(m.id_number_enc), crypto.decrypt(m.phone_enc)
    for q in [
        number,
        number.lower(),
        phone,
        f"+86 {phone[:3]} {phone[3:7]} {phone[7:]}",
        m.member_no,
        "zw",
        "zhangwei",
        "张伟",
        "张",
    ]:
        items = c.get("/api/v1/members", {"q": q}).json()["items"]
        assert [i["id"] for i in items] == [str(m.pk)], q
    # 单 as a surname reads "shan": 单晓燕 is found by shan…, sxy; not by dan….
    assert c.get("/api/v1/members", {"q": "shanxiaoyan"}).json()["count"] == 1
    assert c.get("/api/v1/members", {"q": "sxy"}).json()["count"] == 1
    assert c.get("/api/v1/members", {"q": "danxiaoyan"}).json()["count"] == 0
    # Partial ID numbers and phones find nothing (exact match only).
    assert c.get("/api/v1/members", {"q": number[:10]}).json()["count"] == 0


def test_search_never_leaves_scope(world):
    from gonghui.core import crypto

    m = world.members["xian_worker"]
    c = api_for("gansu")
    assert c.get("/api/v1/members", {"q": crypto.decrypt(m.id_number_enc)}).json()["count"] == 0
    assert c.get("/api/v1/members", {"q": "zhangwei"}).json()["count"] == 0


def test_organisation_filter_and_pagination_bounds(world):
    c = api_for("shaanxi")
    assert c.get("/api/v1/members", {"organisation": "610300"}).json()["count"] == 1
    assert c.get("/api/v1/members", {"organisation": "620000"}).status_code == 404
    assert c.get("/api/v1/members", {"organisation": "NOPE"}).status_code == 404
    r = c.get("/api/v1/members", {"page_size": 101})
    assert r.status_code == 400 and r.json()["code"] == "bad_page"
    assert c.get("/api/v1/members", {"page": 0}).status_code == 400
    page2 = c.get("/api/v1/members", {"page": 2, "page_size": 1}).json()
    assert page2["count"] == 2 and len(page2["items"]) == 1


def test_unauthenticated_list_is_401_with_the_error_shape(client, world):
    r = client.get("/api/v1/members")
    assert r.status_code == 401 and r.json()["code"] == "unauthenticated"
    r = Client(HTTP_AUTHORIZATION="Bearer gh_nonsense").get("/api/v1/members")
    assert r.status_code == 401


def test_bad_credentials_do_not_issue_a_token(world, client):
    r = client.post(
        "/api/v1/auth/token", {"username": "xian", "password": "wrong"}, content_type="application/json"
    )
    assert r.status_code == 400 and r.json()["code"] == "bad_credentials"
    r = client.post("/api/v1/auth/token", {"username": "xian"}, content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "invalid"


def test_member_list_query_count_does_not_grow_with_rows(world, city_admin, django_assert_max_num_queries):
    from gonghui.members.services import members

    for i in range(25):
        members.member_create(
            actor=city_admin,
            organisation=world.orgs["xian_factory"],
            name=person_name(i, "测试"),
            id_number=make_id_number("610113", seq=200 + i),
        )
    c = api_for("xian")
    with django_assert_max_num_queries(8):
        r = c.get("/api/v1/members", {"page_size": 100})
    assert r.json()["count"] == 26


def test_member_detail_has_history_and_masked_fields(world):
    m = world.members["xian_worker"]
    data = api_for("xian").get(f"/api/v1/members/{m.pk}").json()
    assert data["history"][0]["kind"] == "joined"
    assert data["birth_month"] == "1988-03" and data["gender"] == "M" and "birth_date" not in data
    assert "1988-03-09" not in json.dumps(data)
    assert "*" in data["id_number"]


def test_reveal_over_api_needs_reason_and_is_audited(world):
    from gonghui.core.models import AuditEntry

    m = world.members["xian_worker"]
    c = api_for("xian")
    assert (
        c.post(
            f"/api/v1/members/{m.pk}/reveal",
            {"field": "phone", "reason": ""},
            content_type="application/json",
        ).status_code
        == 400
    )
    r = c.post(
        f"/api/v1/members/{m.pk}/reveal",
        {"field": "phone", "reason": "回访"},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["value"].startswith("139")
    assert AuditEntry.objects.filter(action="members.member.pii_revealed", reason="回访").count() == 1
    assert (
        api_for("baoji")
        .post(
            f"/api/v1/members/{m.pk}/reveal",
            {"field": "phone", "reason": "x"},
            content_type="application/json",
        )
        .status_code
        == 404
    )


def test_transfer_over_api_both_sides(world):
    m = world.members["xian_worker"]
    xian, baoji, gansu = api_for("xian"), api_for("baoji"), api_for("gansu")
    r = xian.post(
        "/api/v1/transfers",
        {"member": str(m.pk), "to_organisation": "BJ-0001", "reason": "调动"},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    tid = r.json()["id"]
    assert baoji.get(f"/api/v1/transfers/{tid}").status_code == 200
    assert gansu.get(f"/api/v1/transfers/{tid}").status_code == 404
    assert baoji.post(f"/api/v1/transfers/{tid}/accept").status_code == 400  # not released
    assert xian.post(f"/api/v1/transfers/{tid}/release").json()["status"] == "released"
    assert baoji.post(f"/api/v1/transfers/{tid}/accept").json()["status"] == "accepted"
    assert xian.get(f"/api/v1/members/{m.pk}").status_code == 404
    assert baoji.get(f"/api/v1/members/{m.pk}").json()["organisation"]["code"] == "BJ-0001"
    bad = xian.post(
        "/api/v1/transfers",
        {"member": str(world.members["xian_worker"].pk), "to_organisation": "NOPE", "reason": "x"},
        content_type="application/json",
    )
    assert bad.status_code == 404  # the member is no longer Xi'an's


def test_transfer_to_unknown_union_is_a_clear_error(world):
    m = world.members["xian_worker"]
    r = api_for("xian").post(
        "/api/v1/transfers",
        {"member": str(m.pk), "to_organisation": "NOPE", "reason": "x"},
        content_type="application/json",
    )
    assert r.status_code == 400 and r.json()["code"] == "org_unknown"


def test_audit_api_is_scoped(world):
    xian = api_for("xian").get("/api/v1/audit").json()
    actions = {i["action"] for i in xian["items"]}
    assert "members.member.created" in actions
    objects = {i["object"] for i in xian["items"]}
    assert not any("单晓燕" in o or "曾乐" in o for o in objects)
    assert api_for("xian_officer").get("/api/v1/audit").status_code == 403


def test_stats_on_a_past_date(world):
    c = api_for("shaanxi")
    assert c.get("/api/v1/organisations/610000/stats", {"on": "2020-12-31"}).json()["members"] == 1
    assert c.get("/api/v1/organisations/610000/stats", {"on": "not-a-date"}).status_code == 400
