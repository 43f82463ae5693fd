"""Officer pages and the public notice page."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from gonghui.core.models import AuditEntry
from gonghui.honours.models import Honour, NominationList, Nominee, Objection
from gonghui.honours.services import lists, objections, registry
from gonghui.honours.tests.conftest import accept, recommend
from gonghui.testing import client_for

pytestmark = pytest.mark.django_db


def test_registry_pages_are_scoped(world, city_admin):
    h = registry.honour_grant(
        actor=city_admin,
        member=world.members["xian_worker"],
        organisation=world.orgs["xian"],
        kind="model_worker",
        level="provincial",
        year=2020,
        issuing_body="陕西省人民政府",
    )
    r = client_for("xian").get(reverse("honours:list"))
    assert r.status_code == 200 and "张伟" in r.content.decode()
    assert "张伟" not in client_for("baoji").get(reverse("honours:list")).content.decode()
    assert client_for("xian").get(reverse("honours:detail", args=[h.pk])).status_code == 200
    assert client_for("baoji").get(reverse("honours:detail", args=[h.pk])).status_code == 404
    assert Client().get(reverse("honours:list")).status_code == 302


def test_recording_an_honour_by_member_number(world):
    c = client_for("xian")
    r = c.post(
        reverse("honours:grant"),
        {
            "organisation": "610100",
            "kind": "may_day_medal",
            "level": "city",
            "year": "2023",
            "issuing_body": "西安市总工会",
            "member_no": world.members["xian_worker"].member_no,
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    assert Honour.objects.get().member == world.members["xian_worker"]
    # Baoji's member is out of reach: a form error, nothing written.
    r = c.post(
        reverse("honours:grant"),
        {
            "organisation": "610100",
            "kind": "may_day_medal",
            "level": "city",
            "year": "2023",
            "issuing_body": "西安市总工会",
            "member_no": world.members["baoji_worker"].member_no,
        },
    )
    assert r.status_code == 200 and Honour.objects.count() == 1


def test_building_a_list_through_the_pages(world, plist):
    xian = client_for("xian")
    page = xian.get(reverse("honours:list_detail", args=[plist.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert 'value="610100"' in body  # Xi'an recommends as itself by default
    r = xian.post(
        reverse("honours:list_recommend", args=[plist.pk]),
        {
            "recommending_org": "XA-0001",
            "member_no": world.members["xian_worker"].member_no,
            "deeds": "事迹",
            "is_front_line": "on",
            "industrial": "yes",
            "ownership": "non_public",
        },
    )
    assert r.status_code == 302, r.content.decode()[:3000]
    n = Nominee.objects.get()
    assert (n.current_org, n.is_migrant_worker) == (world.orgs["yanta"], False)
    # Missing facts come back as form errors, nothing written.
    r = xian.post(
        reverse("honours:list_recommend", args=[plist.pk]),
        {"recommending_org": "XA-0001", "member_no": world.members["xian_worker"].member_no, "deeds": "x"},
    )
    assert r.status_code == 200 and Nominee.objects.count() == 1
    assert xian.post(reverse("honours:nominee_approve", args=[n.pk])).status_code == 302
    assert Nominee.objects.get().current_org == world.orgs["xian"]
    # Baoji cannot touch Xi'an's nominee: 404.
    assert client_for("baoji").post(reverse("honours:nominee_approve", args=[n.pk])).status_code == 404
    assert (
        client_for("baoji").post(reverse("honours:nominee_return", args=[n.pk]), {"reason": "x"}).status_code
        == 404
    )
    assert (
        "张伟"
        not in client_for("baoji").get(reverse("honours:list_detail", args=[plist.pk])).content.decode()
    )
    assert Nominee.objects.get().current_org == world.orgs["xian"]


def test_the_live_quota_fragment_previews_the_nominee_being_entered(world, plist):
    recommend(world, plist, is_migrant_worker=False)
    c = client_for("shaanxi")
    r = c.get(reverse("honours:list_quota", args=[plist.pk]), HTTP_HX_REQUEST="true")
    assert r.status_code == 200
    assert "0/1 = 0.0% ≥ 10% ✗" in r.content.decode()
    r = c.get(
        reverse("honours:list_quota", args=[plist.pk]),
        {"preview": "1", "migrant": "yes", "is_front_line": "on", "industrial": "no", "ownership": "public"},
    )
    assert "1/2 = 50.0% ≥ 10% ✓" in r.content.decode()
    # The unions below see no counts of their siblings.
    assert client_for("baoji").get(reverse("honours:list_quota", args=[plist.pk])).status_code == 403
    assert client_for("gansu").get(reverse("honours:list_quota", args=[plist.pk])).status_code == 404


def test_a_union_below_the_organiser_sees_the_list_and_gets_403_for_running_it(world, plist):
    """宝鸡 sees 陕西's list (it recommends to it): approving, cancelling, starting the notice or
    changing the quotas is 403, not 404; 甘肃, which does not see it, gets 404. Nothing changes."""
    baoji, gansu = client_for("baoji"), client_for("gansu")
    for name in ("list_approve", "list_cancel", "list_publicity", "list_quotas"):
        url = reverse(f"honours:{name}", args=[plist.pk])
        assert baoji.post(url, {"reason": "x", "days": "5", "quota_rules": "[]"}).status_code == 403, name
        assert gansu.post(url, {"reason": "x", "days": "5", "quota_rules": "[]"}).status_code == 404, name
    assert NominationList.objects.get().status == "building"


@pytest.fixture
def on_notice(world, province_admin, plist):
    accept(world, recommend(world, plist))
    return lists.publicity_start(actor=province_admin, nomination_list=plist, override_reason="试点")


def test_the_public_notice_shows_no_personal_data_and_takes_objections(world, on_notice):
    c = Client()
    r = c.get(reverse("honours:notice", args=[on_notice.pk]))
    body = r.content.decode()
    assert r.status_code == 200 and "张伟" in body and "西安某机械厂工会委员会" in body
    member = world.members["xian_worker"]
    assert member.id_number_masked not in body and member.phone_masked not in body
    assert on_notice.title in c.get(reverse("honours:notices")).content.decode()
    nominee = Nominee.objects.get()
    r = c.post(
        reverse("honours:notice", args=[on_notice.pk]),
        {"nominee": str(nominee.pk), "contact": "13800002222", "text": "反映问题"},
    )
    assert r.status_code == 302
    assert Objection.objects.get().nominee == nominee
    r = c.post(reverse("honours:notice", args=[on_notice.pk]), {"contact": "", "text": ""})
    assert r.status_code == 200 and Objection.objects.count() == 1


def test_the_public_page_of_a_list_not_on_notice_is_404(world, plist):
    assert Client().get(reverse("honours:notice", args=[plist.pk])).status_code == 404


def test_an_objection_names_a_bad_name_with_the_missing_fields_at_once(world, on_notice):
    audits = AuditEntry.objects.count()
    r = Client().post(
        reverse("honours:notice", args=[on_notice.pk]), {"name": "=1+1", "contact": "", "text": ""}
    )
    assert r.status_code == 200
    assert {f: [str(m) for m in e] for f, e in r.context["form"].errors.items()} == {
        "name": ["姓名不能以“=”开头：请填写身份证或护照上的姓名。"],
        "contact": ["请留下电话或地址，以便答复。"],
        "text": ["请填写异议内容。"],
    }
    assert Objection.objects.count() == 0 and AuditEntry.objects.count() == audits


def test_public_objections_are_throttled(world, on_notice, settings):
    settings.GONGHUI_PUBLIC_FORM_RATE = 1
    c = Client()
    url = reverse("honours:notice", args=[on_notice.pk])
    assert c.post(url, {"contact": "13800002222", "text": "一"}).status_code == 302
    r = c.post(url, {"contact": "13800002222", "text": "二"})
    assert r.status_code == 200 and Objection.objects.count() == 1


def test_supervision_decides_and_the_organiser_approves_through_the_pages(
    world, on_notice, supervisor, today
):
    o = objections.objection_submit(
        actor=None, nomination_list=on_notice, contact="13800002222", text="反映问题"
    )
    page = client_for("shaanxi").get(reverse("honours:list_detail", args=[on_notice.pk]))
    assert "138****2222" in page.content.decode()
    sup = client_for(supervisor)
    r = sup.post(
        reverse("honours:objection_decide", args=[o.pk]), {"status": "dismissed", "reply": "经核实不属实"}
    )
    assert r.status_code == 302
    assert Objection.objects.get().status == "dismissed"
    # An officer cannot decide (403), a sibling province cannot even see it (404).
    o2 = objections.objection_submit(
        actor=None, nomination_list=on_notice, contact="13800002222", text="再次反映"
    )
    assert (
        client_for("shaanxi")
        .post(reverse("honours:objection_decide", args=[o2.pk]), {"status": "dismissed", "reply": "x"})
        .status_code
        == 403
    )
    assert (
        client_for("gansu")
        .post(reverse("honours:objection_decide", args=[o2.pk]), {"status": "dismissed", "reply": "x"})
        .status_code
        == 404
    )
    objections.objection_decide(actor=supervisor, objection=o2, status="dismissed", reply="同上")
    today(datetime.date(2026, 10, 12))
    r = client_for("shaanxi").post(reverse("honours:list_approve", args=[on_notice.pk]))
    assert r.status_code == 302
    assert NominationList.objects.get().status == "approved" and Honour.objects.count() == 1


def test_list_pages_render_in_chinese(world, plist):
    c = client_for("shaanxi")
    for url in (
        reverse("honours:lists"),
        reverse("honours:list_create"),
        reverse("honours:list_detail", args=[plist.pk]),
        reverse("honours:grant"),
    ):
        r = c.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert r.status_code == 200, url


def test_the_list_page_shows_each_nominees_timeline_in_a_fixed_number_of_queries(
    world, plist, django_assert_max_num_queries
):
    accept(world, recommend(world, plist))
    recommend(world, plist, member_key="baoji_worker", org_key="baoji_factory", user="baoji")
    c = client_for("shaanxi")
    c.get(reverse("honours:list_detail", args=[plist.pk]))  # warm the session
    with django_assert_max_num_queries(25):
        r = c.get(reverse("honours:list_detail", args=[plist.pk]))
    body = r.content.decode()
    assert "雁塔区总工会" in body and "单晓燕" in body


def _grant_post(organisation: str, member_no: str) -> dict:
    return {
        "organisation": organisation,
        "kind": "may_day_medal",
        "level": "city",
        "year": "2023",
        "issuing_body": "西安市总工会",
        "member_no": member_no,
    }


def test_an_honour_is_recorded_by_a_union_typed_by_its_name_without_javascript(world):
    r = client_for("xian").post(
        reverse("honours:grant"), _grant_post("西安市总工会", world.members["xian_worker"].member_no)
    )
    assert r.status_code == 302
    assert Honour.objects.get().member == world.members["xian_worker"]


def test_a_recording_union_several_unions_match_or_out_of_reach_is_refused_and_nothing_is_written(world):
    member_no = world.members["xian_worker"].member_no
    ambiguous = client_for("xian").post(reverse("honours:grant"), _grant_post("雁塔", member_no))
    assert ambiguous.status_code == 200
    assert ambiguous.context["form"].has_error("organisation", "org_ambiguous")
    sibling = client_for("gansu").post(reverse("honours:grant"), _grant_post("西安市总工会", member_no))
    assert sibling.context["form"].has_error("organisation", "org_unknown")
    assert not Honour.objects.exists()
