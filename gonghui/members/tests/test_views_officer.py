"""Officer pages for members: what each persona sees, what each form changes (through the
services), and how many queries the lists cost."""

import datetime

import pytest
from django.urls import reverse, reverse_lazy
from django.utils import timezone

from gonghui.core import crypto
from gonghui.core.models import AuditEntry
from gonghui.members.models import DuesRecord, Enrolment, Member, Transfer
from gonghui.members.services import enrolment as enrolment_services
from gonghui.members.services import members as member_services
from gonghui.members.services import transfers as transfer_services
from gonghui.members.tests.test_services import pending_child_application
from gonghui.testing import client_for, make_id_number, make_phone, person_name

pytestmark = pytest.mark.django_db


def submit_enrolment(name="李娜", seq=60, employer="西安某机械厂", division="610113", form="standard"):
    return enrolment_services.enrolment_submit(
        actor=None,
        name=name,
        id_number=make_id_number(division, gender="F", seq=seq),
        phone=make_phone(seq),
        employer=employer,
        work_division=division,
        employment_form=form,
    )


# What the decision page posts: the officer has seen the application and confirms.
CONFIRMED = {"confirm": "yes"}


def xian_member(world) -> Member:
    return world.members["xian_worker"]


# ---- dashboard -------------------------------------------------------------------------


def test_dashboard_shows_the_city_admins_subtree_counts_with_drill_down_links(world):
    submit_enrolment()
    response = client_for("xian").get(reverse("dashboard"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "西安市总工会" in body
    assert reverse("organisations:detail", args=["610100"]) in body
    assert response.context["panels"][0]["stats"]["members"] == 1
    assert response.context["panels"][0]["stats"]["enrolments_pending"] == 1
    assert "宝鸡市总工会" not in body


def test_dashboard_shows_a_member_without_officer_role_the_service_hall_with_their_membership(world):
    response = client_for("member").get(reverse("dashboard"))
    assert response.status_code == 200 and response.context["hall"]["member"] == world.members["xian_worker"]
    assert f'href="{reverse("members:me")}"' in response.content.decode()


def test_dashboard_of_a_login_without_any_role_explains_itself(world):
    from gonghui.testing import make_user

    user = make_user("norole")
    client = client_for(user)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200 and response.context["panels"] == []


def test_anonymous_visitor_is_sent_to_the_login_page(client, world):
    # (the home page itself is the public landing page for them: gonghui/portal/tests)
    for url in (reverse("members:list"), reverse("members:enrolments")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_member_without_officer_role_gets_403_on_officer_lists(world):
    client = client_for("member")
    assert client.get(reverse("members:list")).status_code == 403
    assert client.get(reverse("members:transfers")).status_code == 403


# ---- member list -----------------------------------------------------------------------


def test_member_list_shows_in_scope_members_with_masked_personal_data(world):
    member = xian_member(world)
    response = client_for("xian").get(reverse("members:list"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "张伟" in body and member.member_no in body
    assert member.id_number_masked in body and member.phone_masked in body
    assert crypto.decrypt(member.id_number_enc) not in body
    assert crypto.decrypt(member.phone_enc) not in body
    assert "单晓燕" not in body and "曾乐" not in body


def test_member_list_of_the_sibling_city_admin_has_no_xian_rows(world):
    body = client_for("baoji").get(reverse("members:list")).content.decode()
    assert "单晓燕" in body
    assert "张伟" not in body


def test_member_list_filter_by_an_out_of_scope_union_shows_nothing_like_a_missing_one(world):
    client = client_for("baoji")
    out_of_scope = client.get(reverse("members:list"), {"organisation": "XA-0001"})
    missing = client.get(reverse("members:list"), {"organisation": "NO-SUCH"})
    for response in (out_of_scope, missing):
        assert response.status_code == 200
        assert "张伟" not in response.content.decode()
        assert response.context["form"].errors["organisation"]


def test_member_list_finds_by_pinyin_and_answers_htmx_with_the_rows_fragment(world):
    response = client_for("shaanxi").get(
        reverse("members:list"), {"q": "zhangwei"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="member-results"
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert "张伟" in body and "单晓燕" not in body


def test_member_list_filters_by_status_and_employment_form(world):
    client = client_for("xian")
    assert "张伟" in client.get(reverse("members:list"), {"status": "member"}).content.decode()
    assert "张伟" not in client.get(reverse("members:list"), {"status": "retained"}).content.decode()
    assert "张伟" not in client.get(reverse("members:list"), {"employment_form": "courier"}).content.decode()


def test_member_list_query_count_does_not_grow_with_rows(world, django_assert_max_num_queries):
    for seq in range(100, 130):
        member_services.member_create(
            actor=None,
            organisation=world.orgs["xian_factory"],
            name=person_name(seq),
            id_number=make_id_number("610113", seq=seq),
            phone=make_phone(seq),
        )
    client = client_for("xian")
    with django_assert_max_num_queries(10):
        response = client.get(reverse("members:list"))
    assert response.status_code == 200
    assert response.context["page"].count == 31
    assert len(response.context["page"].items) == 20
    with django_assert_max_num_queries(11):
        assert client.get(reverse("members:list"), {"page": 2, "organisation": "610100"}).status_code == 200


# ---- member detail and its actions -----------------------------------------------------


def test_member_detail_shows_masked_record_and_the_membership_timeline(world):
    member = xian_member(world)
    response = client_for("xian").get(reverse("members:detail", args=[member.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert member.id_number_masked in body
    assert crypto.decrypt(member.id_number_enc) not in body
    assert "2020-01-15" in body  # the joined event
    assert response.context["reveal_form"] is not None


@pytest.mark.parametrize("sibling", ["baoji", "gansu"])
def test_member_pages_and_actions_are_404_for_sibling_admins(world, sibling):
    member = xian_member(world)
    client = client_for(sibling)
    for name in ("members:detail", "members:edit"):
        assert client.get(reverse(name, args=[member.pk])).status_code == 404
    posts = {
        "members:reveal": {"field": "id_number", "reason": "checking"},
        "members:status": {"to_status": "retained", "reason": "retired"},
        "members:transfer": {"to_organisation": "BJ-0001", "reason": "moved"},
        "members:dues": {"month": "2024-01", "monthly_wage": "5000"},
        "members:edit": {"name": "改名"},
    }
    for name, data in posts.items():
        assert client.post(reverse(name, args=[member.pk]), data).status_code == 404
    member.refresh_from_db()
    assert member.name == "张伟" and member.status == "member"
    assert not AuditEntry.objects.filter(action="members.member.pii_revealed").exists()


def test_reveal_needs_a_reason_and_writes_nothing_without_one(world):
    member = xian_member(world)
    response = client_for("xian").post(
        reverse("members:reveal", args=[member.pk]), {"field": "id_number", "reason": ""}
    )
    assert response.status_code == 200
    assert response.context["reveal_form"].errors["reason"]
    assert crypto.decrypt(member.id_number_enc) not in response.content.decode()
    assert not AuditEntry.objects.filter(action="members.member.pii_revealed").exists()


def test_reveal_shows_the_clear_value_once_and_writes_an_audit_entry(world, city_admin):
    member = xian_member(world)
    client = client_for("xian")
    response = client.post(
        reverse("members:reveal", args=[member.pk]), {"field": "id_number", "reason": "核对身份"}
    )
    assert response.status_code == 200
    assert crypto.decrypt(member.id_number_enc) in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    entry = AuditEntry.objects.get(action="members.member.pii_revealed")
    assert entry.reason == "核对身份" and entry.actor == city_admin
    again = client.get(reverse("members:detail", args=[member.pk]))
    assert crypto.decrypt(member.id_number_enc) not in again.content.decode()


def test_reveal_over_htmx_answers_with_the_fragment(world):
    member = xian_member(world)
    response = client_for("xian").post(
        reverse("members:reveal", args=[member.pk]),
        {"field": "phone", "reason": "联系会员"},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert "<html" not in body and crypto.decrypt(member.phone_enc) in body


def test_city_officer_without_the_reveal_right_sees_no_reveal_form_and_gets_403(world):
    member = xian_member(world)
    client = client_for("xian_officer")
    assert client.get(reverse("members:detail", args=[member.pk])).context["reveal_form"] is None
    response = client.post(
        reverse("members:reveal", args=[member.pk]), {"field": "id_number", "reason": "x" * 5}
    )
    assert response.status_code == 403


def test_status_change_goes_through_the_service_and_needs_a_reason(world):
    member = xian_member(world)
    client = client_for("xian")
    url = reverse("members:status", args=[member.pk])
    response = client.post(url, {"to_status": "retained", "reason": ""})
    assert response.status_code == 200 and response.context["status_form"].errors["reason"]
    member.refresh_from_db()
    assert member.status == "member"
    response = client.post(url, {"to_status": "retained", "reason": "退休"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.status == "retained"
    assert member.events.filter(kind="retained", reason="退休").exists()


def test_status_change_dated_before_joining_is_shown_as_an_error(world):
    member = xian_member(world)
    response = client_for("xian").post(
        reverse("members:status", args=[member.pk]),
        {"to_status": "retained", "reason": "退休", "effective_on": "2019-01-01"},
    )
    assert response.status_code == 200
    assert response.context["status_form"].errors
    member.refresh_from_db()
    assert member.status == "member"


def test_transfer_request_to_an_unknown_code_shows_an_error_and_writes_nothing(world):
    member = xian_member(world)
    response = client_for("xian").post(
        reverse("members:transfer", args=[member.pk]), {"to_organisation": "NOPE-1", "reason": "换工作"}
    )
    assert response.status_code == 200
    assert response.context["transfer_form"].errors["to_organisation"]
    assert not Transfer.objects.exists()


def test_transfer_is_requested_released_and_accepted_through_the_pages(world):
    member = xian_member(world)
    client = client_for("xian")
    response = client.post(
        reverse("members:transfer", args=[member.pk]), {"to_organisation": "XA-0002", "reason": "换工作"}
    )
    assert response.status_code == 302
    transfer = Transfer.objects.get(member=member)
    queue = client.get(reverse("members:transfers"))
    assert "张伟" in queue.content.decode()
    assert queue.context["page"].rows[0][1] == ["release", "refuse", "cancel"]
    assert client.post(reverse("members:transfer_release", args=[transfer.pk])).status_code == 302
    assert client.post(reverse("members:transfer_accept", args=[transfer.pk])).status_code == 302
    member.refresh_from_db()
    assert member.organisation == world.orgs["yanta_joint"]
    closed = client.get(reverse("members:transfers"), {"tab": "closed"})
    assert "张伟" in closed.content.decode()


def test_both_unions_see_a_cross_city_transfer_and_only_the_right_side_acts(world, city_admin):
    member = xian_member(world)
    transfer = transfer_services.transfer_request(
        actor=city_admin, member=member, to_organisation=world.orgs["baoji_factory"], reason="调动"
    )
    baoji = client_for("baoji")
    queue = baoji.get(reverse("members:transfers"))
    assert "张伟" in queue.content.decode()
    assert queue.context["page"].rows[0][1] == []  # waiting for Xi'an to release
    assert queue.context["page"].rows[0][2] is False  # the member is not yet Baoji's to open
    # Releasing is the old union's act: Baoji sees the transfer (it is the new union) but may
    # not act for Xi'an; Gansu sees neither side.
    assert baoji.post(reverse("members:transfer_release", args=[transfer.pk])).status_code == 403
    assert (
        client_for("gansu").post(reverse("members:transfer_release", args=[transfer.pk])).status_code == 404
    )
    transfer.refresh_from_db()
    assert transfer.status == "requested"


def test_refusing_a_transfer_without_a_reason_shows_an_error_and_keeps_it_open(world, city_admin):
    member = xian_member(world)
    transfer = transfer_services.transfer_request(
        actor=city_admin, member=member, to_organisation=world.orgs["yanta_joint"], reason="调动"
    )
    response = client_for("xian").post(
        reverse("members:transfer_refuse", args=[transfer.pk]), {"reason": ""}, follow=True
    )
    assert response.status_code == 200
    assert any(m.level_tag == "error" for m in response.context["messages"])
    transfer.refresh_from_db()
    assert transfer.status == "requested"


def test_dues_are_recorded_with_base_and_amount(world):
    member = xian_member(world)
    client = client_for("xian")
    response = client.post(
        reverse("members:dues", args=[member.pk]),
        {"month": "2024-05", "monthly_wage": "5678.90"},
        follow=True,
    )
    body = response.content.decode()
    assert "5670.00" in body and "28.35" in body
    record = DuesRecord.objects.get(member=member)
    assert record.month == datetime.date(2024, 5, 1)
    assert str(record.amount) == "28.35"


def test_dues_with_a_bad_wage_show_an_error_and_write_nothing(world):
    member = xian_member(world)
    response = client_for("xian").post(
        reverse("members:dues", args=[member.pk]), {"month": "2024-05", "monthly_wage": "abc"}
    )
    assert response.status_code == 200
    assert response.context["dues_form"].errors["monthly_wage"]
    assert not DuesRecord.objects.exists()


def test_dues_calculator_fragment_shows_base_and_dues(world):
    response = client_for("xian").get(reverse("members:dues_preview"), {"monthly_wage": "5678.90"})
    body = response.content.decode()
    assert "5670.00" in body and "28.35" in body


# ---- create and edit -------------------------------------------------------------------


def _new_member_data(**overrides):
    data = {
        "organisation": "XA-0001",
        "name": "欧阳明华",
        "id_number": make_id_number("610113", datetime.date(1991, 2, 3), "M", seq=200),
        "phone": "13800001111",
        "gender": "",
        "birth_date": "",
        "ethnicity": "03",
        "education": "bachelor",
        "political_status": "masses",
        "employer": "西安某机械厂",
        "job": "钳工",
        "skill_grade": "senior",
        "employment_status": "employed",
        "employment_form": "standard",
        "is_migrant_worker": "on",
        "joined_on": "",
    }
    data.update(overrides)
    return data


def test_member_is_created_through_the_form(world):
    client = client_for("xian")
    assert client.get(reverse("members:create")).status_code == 200
    response = client.post(reverse("members:create"), _new_member_data())
    member = Member.objects.get(name="欧阳明华")
    assert response.status_code == 302 and response["Location"] == reverse("members:detail", args=[member.pk])
    assert member.ethnicity == "03" and member.is_migrant_worker and member.skill_grade == "senior"
    assert member.birth_date == datetime.date(1991, 2, 3) and member.gender == "M"


def test_member_with_a_bad_id_checksum_shows_the_error_on_the_id_field_and_writes_nothing(world):
    good = make_id_number("610113", seq=201)
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    response = client_for("xian").post(reverse("members:create"), _new_member_data(id_number=bad))
    assert response.status_code == 200
    assert "id_number" in response.context["form"].errors
    assert not Member.objects.filter(name="欧阳明华").exists()


def test_typed_gender_that_disagrees_with_the_id_number_is_flagged_on_the_gender_field(world):
    response = client_for("xian").post(reverse("members:create"), _new_member_data(gender="F"))
    assert "gender" in response.context["form"].errors
    assert not Member.objects.filter(name="欧阳明华").exists()


def test_duplicate_id_number_is_refused_on_the_id_field(world):
    existing_id = crypto.decrypt(xian_member(world).id_number_enc)
    response = client_for("xian").post(reverse("members:create"), _new_member_data(id_number=existing_id))
    assert "id_number" in response.context["form"].errors
    assert Member.objects.count() == 3


def test_the_officer_form_shows_every_error_at_once_in_natural_chinese(world):
    today = timezone.localdate()
    child = make_id_number("610113", datetime.date(today.year - 15, 1, 1), "F", seq=202)
    counts = (Member.objects.count(), AuditEntry.objects.count())
    response = client_for("xian").post(
        reverse("members:create"),
        _new_member_data(organisation="NOPE", name="=1+1", id_number=child, employer="某" * 121, phone="123"),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["organisation"] == ["在此可选的工会中，没有与“NOPE”相符的。"]
    assert errors["name"] == ["姓名不能以“=”开头：请填写身份证或护照上的姓名。"]
    assert errors["id_number"] == ["未满16周岁不能入会：《劳动法》禁止用人单位招用未满16周岁的未成年人。"]
    assert errors["employer"] == ["最多120个字，现在是121个字。"]
    assert errors["phone"] == ["请输入中国大陆手机号码：以 1 开头的 11 位数字。"]
    assert (Member.objects.count(), AuditEntry.objects.count()) == counts


def test_an_empty_officer_form_asks_for_each_required_field(world):
    response = client_for("xian").post(
        reverse("members:create"),
        {"ethnicity": "01", "employment_status": "employed", "employment_form": "standard"},
    )
    errors = response.context["form"].errors
    assert errors["organisation"] == ["请填写所属工会。"]
    assert errors["name"] == ["请填写姓名。"]
    assert errors["id_number"] == ["请填写身份证号码。"]


def test_editing_a_member_refuses_a_name_that_is_not_a_name(world):
    member = xian_member(world)
    response = client_for("xian").post(
        reverse("members:edit", args=[member.pk]),
        {
            "name": "<b>x</b>",
            "ethnicity": "01",
            "employment_status": "employed",
            "employment_form": "standard",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["name"] == ["姓名里不能有“<”：请填写身份证或护照上的姓名。"]
    member.refresh_from_db()
    assert member.name == "张伟"


def test_sibling_admin_cannot_create_a_member_in_a_xian_union(world):
    response = client_for("baoji").post(reverse("members:create"), _new_member_data())
    assert response.status_code == 200
    assert "organisation" in response.context["form"].errors
    assert not Member.objects.filter(name="欧阳明华").exists()


def test_viewer_gets_403_on_the_create_and_edit_pages(world):
    client = client_for("xian_viewer")
    assert client.get(reverse("members:create")).status_code == 403
    assert client.get(reverse("members:edit", args=[xian_member(world).pk])).status_code == 403


def test_member_profile_is_edited_through_the_form(world):
    member = xian_member(world)
    client = client_for("xian")
    assert client.get(reverse("members:edit", args=[member.pk])).status_code == 200
    data = {
        "name": "张伟",
        "ethnicity": "01",
        "education": "",
        "political_status": "",
        "employer": "西安某机械厂",
        "job": "焊工",
        "skill_grade": "technician",
        "employment_status": "employed",
        "employment_form": "standard",
        "card_no": "C-1",
        "phone": "13700001234",
    }
    response = client.post(reverse("members:edit", args=[member.pk]), data)
    assert response.status_code == 302
    member.refresh_from_db()
    assert (
        member.job == "焊工" and member.skill_grade == "technician" and member.phone_masked == "137****1234"
    )
    assert AuditEntry.objects.filter(action="members.member.updated", object_id=str(member.pk)).exists()
    bad = client.post(reverse("members:edit", args=[member.pk]), {**data, "phone": "12345"})
    assert bad.status_code == 200 and "phone" in bad.context["form"].errors


# ---- enrolment queue -------------------------------------------------------------------


def test_enrolment_queue_shows_pending_applications_masked_with_who_holds_them(world):
    enrolment = submit_enrolment()
    Enrolment.objects.filter(pk=enrolment.pk).update(due_on=timezone.localdate() - datetime.timedelta(days=1))
    response = client_for("xian").get(reverse("members:enrolments"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "李娜" in body and enrolment.id_number_masked in body and enrolment.phone_masked in body
    assert crypto.decrypt(enrolment.id_number_enc) not in body
    assert "西安某机械厂工会委员会" in body
    assert "badge bad" in body  # overdue
    overdue = client_for("xian").get(reverse("members:enrolments"), {"tab": "overdue"})
    assert "李娜" in overdue.content.decode()


def test_enrolment_queue_of_the_sibling_admin_does_not_list_xian_applications(world):
    submit_enrolment()
    body = client_for("baoji").get(reverse("members:enrolments")).content.decode()
    assert "李娜" not in body


def test_approving_an_enrolment_puts_the_member_in_the_list(world):
    enrolment = submit_enrolment()
    client = client_for("xian")
    response = client.post(reverse("members:enrolment_approve", args=[enrolment.pk]), CONFIRMED)
    assert response.status_code == 302
    assert "李娜" in client.get(reverse("members:list")).content.decode()
    decided = client.get(reverse("members:enrolments"), {"tab": "approved"})
    assert "李娜" in decided.content.decode()


def test_approving_twice_shows_a_message_not_an_error_page(world):
    enrolment = submit_enrolment()
    client = client_for("xian")
    client.post(reverse("members:enrolment_approve", args=[enrolment.pk]), CONFIRMED)
    response = client.post(reverse("members:enrolment_approve", args=[enrolment.pk]), CONFIRMED, follow=True)
    assert response.status_code == 200
    assert any(m.level_tag == "error" for m in response.context["messages"])
    assert Member.objects.filter(name="李娜").count() == 1


def test_rejecting_an_enrolment_needs_a_reason(world):
    enrolment = submit_enrolment()
    client = client_for("xian")
    url = reverse("members:enrolment_reject", args=[enrolment.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200 and response.context["reject_form"].errors["reason"]
    enrolment.refresh_from_db()
    assert enrolment.status == "pending"
    response = client.post(url, {"reason": "单位已有工会，请向单位工会申请", **CONFIRMED})
    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.status == "rejected" and enrolment.decision_reason.startswith("单位")
    rejected = client.get(reverse("members:enrolments"), {"tab": "rejected"})
    assert "单位已有工会" in rejected.content.decode()


def test_approving_goes_through_a_page_that_shows_the_application_and_asks_to_confirm(world):
    enrolment = submit_enrolment()
    client = client_for("xian")
    queue = client.get(reverse("members:enrolments")).content.decode()
    approve_url = reverse("members:enrolment_approve", args=[enrolment.pk])
    assert f'<form method="post" action="{approve_url}"' not in queue  # no one-click approval
    page = client.get(approve_url)
    body = page.content.decode()
    assert page.status_code == 200
    assert enrolment.id_number_masked in body and crypto.decrypt(enrolment.id_number_enc) not in body
    assert "西安某机械厂" in body and f"{enrolment_services.applicant_age(enrolment)}岁" in body
    assert 'name="confirm" value="yes"' in body and "确认批准" in body


def test_one_post_without_the_confirmation_approves_nothing(world):
    enrolment = submit_enrolment()
    counts = (Member.objects.count(), AuditEntry.objects.count())
    response = client_for("xian").post(reverse("members:enrolment_approve", args=[enrolment.pk]))
    assert response.status_code == 200
    assert "尚未做出决定" in response.content.decode()
    enrolment.refresh_from_db()
    assert enrolment.status == "pending" and (Member.objects.count(), AuditEntry.objects.count()) == counts


def test_one_post_without_the_confirmation_rejects_nothing(world):
    enrolment = submit_enrolment()
    audit_before = AuditEntry.objects.count()
    response = client_for("xian").post(
        reverse("members:enrolment_reject", args=[enrolment.pk]), {"reason": "信息不全"}
    )
    assert response.status_code == 200
    assert 'value="yes"' in response.content.decode() and "信息不全" in response.content.decode()
    enrolment.refresh_from_db()
    assert enrolment.status == "pending" and AuditEntry.objects.count() == audit_before


def test_the_sibling_city_admin_cannot_open_the_decision_page(world):
    enrolment = submit_enrolment()
    client = client_for("baoji")
    assert client.get(reverse("members:enrolment_approve", args=[enrolment.pk])).status_code == 404
    assert client.get(reverse("members:enrolment_reject", args=[enrolment.pk])).status_code == 404
    assert (
        client.post(reverse("members:enrolment_approve", args=[enrolment.pk]), CONFIRMED).status_code == 404
    )
    enrolment.refresh_from_db()
    assert enrolment.status == "pending"


def test_an_applicant_past_retirement_age_is_flagged_in_the_queue_and_on_the_decision_page(world):
    today = timezone.localdate()
    enrolment = enrolment_services.enrolment_submit(
        actor=None,
        name="王建国",
        id_number=make_id_number("610113", datetime.date(today.year - 66, 1, 15), "M", seq=61),
        phone=make_phone(61),
        employer="西安某机械厂",
        work_division="610113",
        employment_form="standard",
    )
    client = client_for("xian")
    for url in (reverse("members:enrolments"), reverse("members:enrolment_approve", args=[enrolment.pk])):
        body = client.get(url).content.decode()
        assert "已到法定退休年龄" in body and "男职工" in body and "请核实是否仍在职" in body
    # A flag, not a refusal.
    client.post(reverse("members:enrolment_approve", args=[enrolment.pk]), CONFIRMED)
    enrolment.refresh_from_db()
    assert enrolment.status == "approved"


def test_a_pending_application_from_a_child_offers_only_rejection(world):
    enrolment = pending_child_application(world)
    client = client_for("xian")
    body = client.get(reverse("members:enrolment_approve", args=[enrolment.pk])).content.decode()
    assert "确认批准" not in body and "未满16周岁，不能批准入会" in body
    response = client.post(reverse("members:enrolment_approve", args=[enrolment.pk]), CONFIRMED, follow=True)
    assert any("未满16周岁" in str(m) for m in response.context["messages"])
    enrolment.refresh_from_db()
    assert enrolment.status == "pending" and not Member.objects.filter(name="李小红").exists()


def test_viewer_sees_the_queue_but_cannot_decide(world):
    enrolment = submit_enrolment()
    client = client_for("xian_viewer")
    response = client.get(reverse("members:enrolments"))
    assert response.context["page"].rows[0][1] is False
    assert client.post(reverse("members:enrolment_approve", args=[enrolment.pk])).status_code == 403
    assert (
        client.post(reverse("members:enrolment_reject", args=[enrolment.pk]), {"reason": "x"}).status_code
        == 403
    )


def test_enrolment_queue_query_count_does_not_grow_with_rows(world, django_assert_max_num_queries):
    for seq in range(300, 330):
        submit_enrolment(name=person_name(seq, "申请"), seq=seq, employer="某快递公司", form="courier")
    client = client_for("xian")
    with django_assert_max_num_queries(10):
        response = client.get(reverse("members:enrolments"))
    assert response.status_code == 200
    assert response.context["page"].count == 30 and len(response.context["page"].rows) == 20


# ---- page numbers ----------------------------------------------------------------------


@pytest.mark.parametrize("page", ["99999999999999999999", "-5", "0", "abc", "1e3", ""])
@pytest.mark.parametrize(
    "url",
    [
        reverse_lazy("members:list"),
        reverse_lazy("members:enrolments"),
        reverse_lazy("members:enrolments") + "?tab=approved",
        reverse_lazy("members:transfers"),
        reverse_lazy("members:transfers") + "?tab=closed",
    ],
)
def test_officer_lists_clamp_any_page_number_instead_of_failing(world, city_admin, url, page):
    submit_enrolment()
    transfer_services.transfer_request(
        actor=city_admin,
        member=xian_member(world),
        to_organisation=world.orgs["yanta_joint"],
        reason="调动",
    )
    response = client_for("xian").get(str(url), {"page": page})
    assert response.status_code == 200
    assert response.context["page"].number == 1


def test_member_list_past_the_last_page_shows_the_last_page(world):
    for seq in range(400, 425):
        submit_enrolment(name=person_name(seq, "会员"), seq=seq)
    client = client_for("xian")
    for enrolment in Enrolment.objects.all():
        client.post(reverse("members:enrolment_approve", args=[enrolment.pk]), CONFIRMED)
    response = client.get(reverse("members:list"), {"page": "99999999999999999999"})
    page = response.context["page"]
    assert response.status_code == 200 and page.count == 26
    assert page.number == page.num_pages > 1 and page.items
    fragment = client.get(
        reverse("members:list"),
        {"page": "99999999999999999999"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="member-results",
    )
    assert fragment.status_code == 200


# ---- language --------------------------------------------------------------------------


def test_every_officer_page_renders_in_chinese(world, city_admin):
    member = xian_member(world)
    enrolment = submit_enrolment()
    transfer_services.transfer_request(
        actor=city_admin, member=member, to_organisation=world.orgs["yanta_joint"], reason="调动"
    )
    client = client_for("xian")
    urls = [
        reverse("dashboard"),
        reverse("members:list"),
        reverse("members:list") + "?q=zhang&status=active",
        reverse("members:create"),
        reverse("members:detail", args=[member.pk]),
        reverse("members:edit", args=[member.pk]),
        reverse("members:enrolments"),
        reverse("members:enrolments") + "?tab=approved",
        reverse("members:enrolment_reject", args=[enrolment.pk]),
        reverse("members:transfers"),
        reverse("members:transfers") + "?tab=closed",
        reverse("members:dues_preview") + "?monthly_wage=100",
    ]
    for url in urls:
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert response.status_code == 200, url
        if not url.startswith(reverse("members:dues_preview")):
            assert 'lang="zh-hans"' in response.content.decode(), url


def test_the_queue_flags_an_application_that_uses_a_members_id_number(world):
    from gonghui.core import crypto
    from gonghui.members.services import enrolment as enrolment_services
    from gonghui.testing import make_phone

    m = world.members["xian_worker"]
    enrolment_services.enrolment_submit(
        actor=None,
        name="张伟",
        id_number=crypto.decrypt(m.id_number_enc),
        phone=make_phone(),
        employer="西安某机械厂",
        work_division="610113",
        employment_form="standard",
    )
    response = client_for("xian").get(reverse("members:enrolments"), HTTP_ACCEPT_LANGUAGE="en")
    assert "already belongs to a member" in response.content.decode()


# ---- the union picker on the officers' forms ----------------------------------------------


def test_a_new_member_is_created_in_a_union_typed_by_its_name_without_javascript(world):
    response = client_for("xian").post(
        reverse("members:create"), _new_member_data(organisation="西安某机械厂工会委员会")
    )
    assert response.status_code == 302
    assert Member.objects.get(name="欧阳明华").organisation.code == "XA-0001"


def test_a_new_members_union_that_several_unions_match_is_offered_as_choices_and_nothing_is_written(world):
    counts = (Member.objects.count(), AuditEntry.objects.count())
    client = client_for("xian")
    response = client.post(reverse("members:create"), _new_member_data(organisation="yt"))
    body = response.content.decode()
    assert response.status_code == 200
    assert response.context["form"].errors["organisation"] == [
        "有多个工会与“yt”相符：请在下面选择一个，或输入更完整的名称。"
    ]
    assert 'name="organisation_pick" value="XA-0002"' in body and 'value="610113"' in body
    assert (Member.objects.count(), AuditEntry.objects.count()) == counts
    chosen = client.post(
        reverse("members:create"), _new_member_data(organisation="yt", organisation_pick="XA-0002")
    )
    assert chosen.status_code == 302 and Member.objects.get(name="欧阳明华").organisation.code == "XA-0002"


def test_a_new_member_cannot_be_put_in_a_union_of_the_sibling_branch_by_its_name(world):
    counts = (Member.objects.count(), AuditEntry.objects.count())
    response = client_for("baoji").post(
        reverse("members:create"), _new_member_data(organisation="西安某机械厂工会委员会")
    )
    assert response.context["form"].errors["organisation"] == [
        "在此可选的工会中，没有与“西安某机械厂工会委员会”相符的。"
    ]
    assert (Member.objects.count(), AuditEntry.objects.count()) == counts


def test_a_viewer_cannot_pick_a_union_for_a_new_member_where_they_only_read(world):
    # The field's action (manage_members), not just sight of the union, decides the choice.
    response = client_for("xian_viewer").get(reverse("members:create"))
    assert response.status_code in (403, 404)


def test_the_officer_transfers_a_member_to_a_union_of_another_province_typed_by_name(world):
    member = xian_member(world)
    response = client_for("xian").post(
        reverse("members:transfer", args=[member.pk]),
        {"to_organisation": "兰州某石化厂工会", "reason": "换工作"},
    )
    assert response.status_code == 302
    assert Transfer.objects.get().to_organisation.code == "LZ-0001"


def test_a_transfer_to_a_name_several_unions_share_is_refused_and_nothing_is_written(world):
    member = xian_member(world)
    response = client_for("xian").post(
        reverse("members:transfer", args=[member.pk]), {"to_organisation": "某", "reason": "换工作"}
    )
    assert response.status_code == 200
    assert response.context["transfer_form"].has_error("to_organisation", "org_ambiguous")
    assert 'name="to_organisation_pick" value="LZ-0001"' in response.content.decode()
    assert not Transfer.objects.exists()


def test_the_roster_is_filtered_by_a_union_typed_in_pinyin_initials(world):
    response = client_for("xian").get(reverse("members:list"), {"organisation": "xamjxcghwyh"})
    assert response.status_code == 200
    listed = response.context["page"].items
    assert listed and all(m.organisation.code == "XA-0001" for m in listed)
