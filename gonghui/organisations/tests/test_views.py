"""Organisation pages, the audit log and the operators' admin: what each persona sees and
what each form changes (through the services)."""

import pytest
from django.urls import reverse

from gonghui.core import crypto
from gonghui.core.models import AuditEntry
from gonghui.members.services import members as member_services
from gonghui.organisations.choices import Role
from gonghui.organisations.models import Organisation, RoleAssignment
from gonghui.testing import client_for

pytestmark = pytest.mark.django_db


# ---- tree ------------------------------------------------------------------------------


def test_tree_shows_the_city_admins_root_and_its_children(world):
    response = client_for("xian").get(reverse("organisations:tree"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "西安市总工会" in body and "雁塔区总工会" in body
    assert reverse("organisations:children", args=["610113"]) in body  # expandable
    assert "陕西省总工会" not in body and "宝鸡市总工会" not in body


def test_tree_of_the_sibling_province_admin_has_nothing_of_shaanxi(world):
    body = client_for("gansu").get(reverse("organisations:tree")).content.decode()
    assert "甘肃省总工会" in body
    assert "西安市总工会" not in body and "陕西省总工会" not in body


def test_children_fragment_expands_a_node_and_is_404_for_the_sibling(world):
    response = client_for("xian").get(
        reverse("organisations:children", args=["610113"]), HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert "西安某机械厂工会委员会" in body and "雁塔区新就业形态劳动者联合工会" in body
    assert client_for("baoji").get(reverse("organisations:children", args=["610113"])).status_code == 404


def test_tree_search_finds_by_name_and_code_within_scope_only(world):
    client = client_for("baoji")
    by_name = client.get(reverse("organisations:tree"), {"q": "钢厂"})
    assert "宝鸡某钢厂工会" in by_name.content.decode()
    hidden = client.get(
        reverse("organisations:tree"),
        {"q": "XA-"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="org-search-results",
    )
    assert hidden.status_code == 200
    assert "西安" not in hidden.content.decode()


# ---- detail ----------------------------------------------------------------------------


def test_detail_shows_fields_division_name_children_and_subtree_stats(world):
    response = client_for("shaanxi").get(reverse("organisations:detail", args=["610100"]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "陕西省西安市" in body  # the division's full name
    assert "雁塔区总工会" in body  # a child
    stats = client_for("shaanxi").get(
        reverse("members:org_stats", args=["610100"]), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="org-stats"
    )
    assert stats.context["panel"]["stats"]["members"] == 1
    assert client_for("baoji").get(reverse("members:org_stats", args=["610100"])).status_code == 404
    assert reverse("members:list") + "?organisation=610100" in body
    crumbs = [o.code for o in response.context["crumbs"]]
    assert crumbs == ["610000"]  # the national federation is above the province admin's reach


def test_breadcrumbs_show_visible_ancestors_only(world):
    response = client_for("xian").get(reverse("organisations:detail", args=["XA-0001"]))
    assert [o.code for o in response.context["crumbs"]] == ["610100", "610113"]
    assert "陕西省总工会" not in response.content.decode()


@pytest.mark.parametrize(
    ("sibling", "code"), [("baoji", "610100"), ("baoji", "XA-0001"), ("gansu", "610000")]
)
def test_detail_and_its_forms_are_404_for_a_sibling_admin(world, sibling, code):
    client = client_for(sibling)
    for name in (
        "organisations:detail",
        "organisations:edit",
        "organisations:new_child",
        "organisations:move",
    ):
        assert client.get(reverse(name, args=[code])).status_code == 404
    assert (
        client.post(
            reverse("organisations:role_assign", args=[code]), {"username": sibling, "role": "admin"}
        ).status_code
        == 404
    )
    assert not RoleAssignment.objects.filter(user=world.users[sibling], organisation__code=code).exists()


def test_missing_organisation_answers_404_like_an_out_of_scope_one(world):
    assert client_for("xian").get(reverse("organisations:detail", args=["NOPE"])).status_code == 404


def test_admin_sees_roles_and_the_officer_does_not(world):
    admin = client_for("xian").get(reverse("organisations:detail", args=["610100"]))
    assert admin.context["roles"] is not None
    assert "xian_officer" in admin.content.decode()
    officer = client_for("xian_officer").get(reverse("organisations:detail", args=["610100"]))
    assert officer.context["roles"] is None
    assert "xian_officer" not in officer.content.decode().split("<main")[1]


# ---- edit, add, move -------------------------------------------------------------------


def _edit_data(**overrides):
    data = {
        "name": "雁塔区总工会",
        "short_name": "雁塔总工会",
        "division_code": "610113",
        "address": "西安市雁塔区",
        "host_name": "",
        "host_credit_code": "",
        "host_industry": "",
        "host_ownership": "",
        "host_staff_count": "",
        "founded_on": "1990-05-01",
        "chairman": "王主席",
        "chairman_term_start": "2021-01-01",
        "chairman_term_end": "2025-12-31",
        "is_active": "on",
    }
    data.update(overrides)
    return data


def test_edit_saves_through_the_service_with_an_audit_entry(world):
    client = client_for("xian")
    url = reverse("organisations:edit", args=["610113"])
    assert client.get(url).status_code == 200
    response = client.post(url, _edit_data())
    assert response.status_code == 302
    org = Organisation.objects.get(code="610113")
    assert org.chairman == "王主席" and org.short_name == "雁塔总工会"
    assert AuditEntry.objects.filter(
        action="organisations.organisation.updated", object_id=str(org.pk)
    ).exists()


def test_edit_with_an_unknown_division_shows_the_error_on_that_field_and_changes_nothing(world):
    response = client_for("xian").post(
        reverse("organisations:edit", args=["610113"]), _edit_data(division_code="999999")
    )
    assert response.status_code == 200
    assert "division_code" in response.context["form"].errors
    assert Organisation.objects.get(code="610113").chairman == ""


def test_viewer_cannot_edit(world):
    client = client_for("xian_viewer")
    assert client.get(reverse("organisations:edit", args=["610113"])).status_code == 403
    assert client.post(reverse("organisations:edit", args=["610113"]), _edit_data()).status_code == 403


def test_new_child_is_created_and_a_taken_code_is_refused_on_the_code_field(world):
    client = client_for("xian")
    url = reverse("organisations:new_child", args=["610113"])
    assert client.get(url).status_code == 200
    data = {
        "kind": "grassroots",
        "code": "XA-0099",
        "name": "西安某软件公司工会",
        "division_code": "610113",
        "grassroots_type": "independent",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    child = Organisation.objects.get(code="XA-0099")
    assert child.get_parent().code == "610113"
    again = client.post(url, {**data, "name": "重复"})
    assert again.status_code == 200 and "code" in again.context["form"].errors
    assert not Organisation.objects.filter(name="重复").exists()


def test_move_under_its_own_unit_shows_the_cycle_error(world):
    response = client_for("xian").post(
        reverse("organisations:move", args=["610113"]), {"new_parent": "XA-0001"}
    )
    assert response.status_code == 200
    assert "new_parent" in response.context["form"].errors
    assert Organisation.objects.get(code="XA-0001").get_parent().code == "610113"


def test_move_to_another_parent_within_scope(world):
    response = client_for("xian").post(
        reverse("organisations:move", args=["XA-0002"]), {"new_parent": "610100"}
    )
    assert response.status_code == 302
    assert Organisation.objects.get(code="XA-0002").get_parent().code == "610100"


def test_move_out_of_scope_is_refused_with_a_form_error(world):
    client = client_for("xian")
    outside = client.post(reverse("organisations:move", args=["XA-0002"]), {"new_parent": "610300"})
    assert outside.status_code == 200 and "new_parent" in outside.context["form"].errors
    own_root = client.post(reverse("organisations:move", args=["610100"]), {"new_parent": "610113"})
    assert own_root.status_code == 200 and own_root.context["form"].errors
    assert Organisation.objects.get(code="610100").get_parent().code == "610000"


# ---- roles -----------------------------------------------------------------------------


def test_admin_assigns_and_revokes_a_role_by_username(city_viewer):
    client = client_for("xian")
    url = reverse("organisations:role_assign", args=["610113"])
    response = client.post(url, {"username": "xian_viewer", "role": "officer"})
    assert response.status_code == 302
    assignment = RoleAssignment.objects.get(user=city_viewer, organisation__code="610113", role="officer")
    revoke = client.post(reverse("organisations:role_revoke", args=["610113", assignment.pk]))
    assert revoke.status_code == 302
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()
    assert AuditEntry.objects.filter(action="organisations.role.revoked").exists()


def test_assigning_to_an_unknown_username_shows_an_error(world):
    response = client_for("xian").post(
        reverse("organisations:role_assign", args=["610113"]), {"username": "nobody", "role": "officer"}
    )
    assert response.status_code == 200
    assert "username" in response.context["role_form"].errors


def test_revoking_a_role_held_elsewhere_is_404(sibling_city_admin):
    assignment = RoleAssignment.objects.get(user=sibling_city_admin)
    response = client_for("xian").post(reverse("organisations:role_revoke", args=["610100", assignment.pk]))
    assert response.status_code == 404
    assert RoleAssignment.objects.filter(pk=assignment.pk).exists()


def test_the_role_select_starts_empty_and_lists_the_least_right_first(world):
    client = client_for("xian")
    response = client.get(reverse("organisations:detail", args=["610113"]))
    field = response.context["role_form"]["role"]
    assert field.value() in (None, "")
    values = [value for value, _label in field.field.choices]
    assert values == ["", "member", "viewer", "station_keeper", "judge", "supervisor", "officer", "admin"]
    assert set(values[1:]) == set(Role.values)  # a new role must be placed in the order too
    body = response.content.decode()
    assert '<option value="" selected>' in body and '<option value="admin" selected>' not in body
    before = (RoleAssignment.objects.count(), AuditEntry.objects.count())
    missing = client.post(
        reverse("organisations:role_assign", args=["610113"]),
        {"username": "xian_viewer"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert missing.status_code == 200
    assert missing.context["role_form"].errors["role"] == ["请选择角色。"]
    assert (RoleAssignment.objects.count(), AuditEntry.objects.count()) == before


def test_an_admin_cannot_revoke_their_own_last_admin_role(city_admin):
    own = RoleAssignment.objects.get(user=city_admin, organisation__code="610100", role="admin")
    audit_before = AuditEntry.objects.count()
    response = client_for("xian").post(
        reverse("organisations:role_revoke", args=["610100", own.pk]),
        follow=True,
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 200
    assert any("不能撤销自己在此组织的最后一个管理员角色" in str(m) for m in response.context["messages"])
    assert RoleAssignment.objects.filter(pk=own.pk).exists() and AuditEntry.objects.count() == audit_before


def test_an_admin_may_drop_an_admin_role_that_another_one_covers(world, city_admin):
    from gonghui.organisations import services

    lower = services.role_assign(
        actor=city_admin, user=city_admin, organisation=world.orgs["yanta"], role="admin"
    )
    response = client_for("xian").post(reverse("organisations:role_revoke", args=["610113", lower.pk]))
    assert response.status_code == 302
    assert not RoleAssignment.objects.filter(pk=lower.pk).exists()


def test_the_sibling_city_admin_can_neither_see_nor_revoke_xian_roles(city_admin):
    own = RoleAssignment.objects.get(user=city_admin, organisation__code="610100", role="admin")
    client = client_for("baoji")
    assert client.get(reverse("organisations:detail", args=["610100"])).status_code == 404
    assert client.post(reverse("organisations:role_revoke", args=["610100", own.pk])).status_code == 404
    assert RoleAssignment.objects.filter(pk=own.pk).exists()


def test_officer_cannot_manage_roles(world):
    response = client_for("xian_officer").post(
        reverse("organisations:role_assign", args=["610100"]), {"username": "xian_viewer", "role": "admin"}
    )
    assert response.status_code == 403


# ---- audit log -------------------------------------------------------------------------


def test_audit_log_lists_entries_in_scope_newest_first_in_beijing_time(world, city_admin):
    member = world.members["xian_worker"]
    member_services.member_update(actor=city_admin, member=member, job="钳工")
    response = client_for("xian").get(reverse("audit"))
    body = response.content.decode()
    assert response.status_code == 200
    entries = [row.entry for row in response.context["page"].rows]
    assert entries[0].action == "members.member.updated"
    assert all(e.at >= f.at for e, f in zip(entries, entries[1:], strict=False))
    assert "钳工" in body and "xian" in body
    assert "单晓燕" not in body  # Baoji's member was created in Baoji
    from django.utils import timezone

    shown = timezone.localtime(entries[0].at, timezone.get_fixed_timezone(8 * 60)).strftime("%Y-%m-%d %H:%M")
    assert shown in body


def test_audit_log_filters_by_object_and_action_prefix(world):
    member = world.members["xian_worker"]
    client = client_for("shaanxi")
    by_object = client.get(reverse("audit"), {"object": str(member.pk)})
    assert {row.entry.object_id for row in by_object.context["page"].rows} == {str(member.pk)}
    by_action = client.get(reverse("audit"), {"action": "organisations.role.assigned"})
    assert by_action.context["page"].rows
    assert {row.entry.action for row in by_action.context["page"].rows} == {"organisations.role.assigned"}
    by_app = client.get(reverse("audit"), {"action": "organisations."})
    assert {row.entry.action for row in by_app.context["page"].rows} == {
        "organisations.organisation.created",
        "organisations.role.assigned",
    }


def test_the_audit_filter_offers_actions_by_name_grouped_by_app(world):
    response = client_for("xian").get(reverse("audit"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    choices = dict(response.context["form"].fields["action"].choices)
    assert choices[""] == "全部操作"
    organisations = dict(choices["工会组织"])
    assert organisations["organisations."] == "工会组织：全部"
    assert organisations["organisations.role.assigned"] == "授予角色"
    body = response.content.decode()
    assert '<option value="organisations.role.assigned">授予角色</option>' in body
    # A code typed into the address is not an action to choose: the form says so, the list is not narrowed.
    typed = client_for("xian").get(reverse("audit"), {"action": "organisations.role"})
    assert typed.context["form"].errors["action"]


def test_audit_log_reads_in_words_while_the_stored_entry_keeps_the_codes(world, city_admin):
    member = world.members["xian_worker"]
    member_services.member_update(
        actor=city_admin, member=member, employment_form="courier", is_migrant_worker=True
    )
    response = client_for("xian").get(
        reverse("audit"), {"object": str(member.pk)}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    body = response.content.decode()
    row = response.context["page"].rows[0]
    assert row.entry.action == "members.member.updated" and row.action == "修改会员信息"
    assert "修改会员信息" in body and ">members.member.updated<" not in body
    # No UUID to read (only in the filter box the officer typed it into, and in links).
    assert str(member.pk) not in body.replace(f"?object={member.pk}", "").replace(f'value="{member.pk}"', "")
    assert row.object_kind == "会员" and row.actor == str(world.users["xian"])
    shown = {change.code: (change.name, change.before, change.after) for change in row.changes}
    assert shown["employment_form"] == ("就业形态", "标准劳动关系", "快递员")
    assert shown["is_migrant_worker"] == ("农民工", "否", "是")
    created = response.context["page"].rows[-1].changes
    assert {c.code: c.after for c in created}["status"] == "会员"
    assert "courier" not in body and "False" not in body
    assert AuditEntry.objects.filter(action="members.member.updated").get().changes["employment_form"] == [
        "standard",
        "courier",
    ]  # the stored entry keeps the codes


def test_audit_log_labels_role_assignments_and_unknown_codes_as_they_are(world):
    client = client_for("xian")
    client.post(
        reverse("organisations:role_assign", args=["610113"]), {"username": "baoji", "role": "viewer"}
    )
    response = client.get(reverse("audit"), {"action": "organisations.role"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    row = response.context["page"].rows[0]
    assert row.action == "授予角色" and row.changes[0].after == "baoji: 查阅人员"
    AuditEntry.objects.create(
        actor_label="system",
        action="custom.thing.done",
        object_type="nowhere.nothing",
        object_id="1",
        organisation_id=world.orgs["xian"].pk,
        changes={"flag": True, "note": ["", "x"]},
    )
    row = client_for("xian").get(reverse("audit"), HTTP_ACCEPT_LANGUAGE="zh-hans").context["page"].rows[0]
    assert row.action == "custom.thing.done" and row.actor == "系统"
    assert [(c.name, c.before, c.after) for c in row.changes] == [("flag", None, "是"), ("note", "—", "x")]


def test_audit_log_of_the_sibling_admin_has_no_xian_entries(world):
    member = world.members["xian_worker"]
    client = client_for("baoji")
    response = client.get(reverse("audit"), {"object": str(member.pk)})
    assert response.status_code == 200 and response.context["page"].rows == []
    filtered = client.get(reverse("audit"), {"organisation": "610100"})
    assert filtered.context["page"].rows == [] and filtered.context["form"].errors["organisation"]


@pytest.mark.parametrize("page", ["99999999999999999999", "-5", "0", "abc", "2.5", ""])
def test_audit_log_clamps_any_page_number_instead_of_failing(world, page):
    response = client_for("xian").get(reverse("audit"), {"page": page})
    assert response.status_code == 200
    assert response.context["page"].number == 1 and response.context["page"].rows


@pytest.mark.parametrize("page", ["99999999999999999999", "-5", "abc"])
def test_organisation_children_clamp_any_page_number_instead_of_failing(world, page):
    response = client_for("xian").get(reverse("organisations:detail", args=["610113"]), {"page": page})
    assert response.status_code == 200
    assert response.context["children_page"].number == 1
    assert len(response.context["children_page"].items) == 2


def test_a_page_past_the_end_shows_the_last_page(world, monkeypatch):
    from gonghui.organisations import views

    monkeypatch.setattr(views, "CHILDREN_PER_PAGE", 1)
    client = client_for("xian")
    last = client.get(reverse("organisations:detail", args=["610113"]), {"page": "99999999999999999999"})
    assert last.context["children_page"].number == 2 and last.context["children_page"].num_pages == 2
    assert [o.code for o in last.context["children_page"].items] == ["XA-0002"]
    first = client.get(reverse("organisations:detail", args=["610113"]), {"page": "-5"})
    assert [o.code for o in first.context["children_page"].items] == ["XA-0001"]


def test_audit_log_is_403_without_the_audit_right_and_a_login_redirect_for_anonymous(world, client):
    assert client_for("xian_officer").get(reverse("audit")).status_code == 403
    assert client_for("member").get(reverse("audit")).status_code == 403
    assert client.get(reverse("audit")).status_code == 302


def test_organisation_pages_render_in_chinese(world):
    client = client_for("xian")
    for url in (
        reverse("organisations:tree"),
        reverse("organisations:tree") + "?q=雁塔",
        reverse("organisations:detail", args=["610100"]),
        reverse("organisations:edit", args=["610113"]),
        reverse("organisations:new_child", args=["610113"]),
        reverse("organisations:move", args=["XA-0002"]),
        reverse("audit"),
    ):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert response.status_code == 200, url
        assert 'lang="zh-hans"' in response.content.decode(), url


# ---- the operators' admin --------------------------------------------------------------


ADMIN_MODELS = [
    "core/auditentry",
    "accounts/user",
    "accounts/apitoken",
    "organisations/organisation",
    "organisations/roleassignment",
    "members/member",
    "members/membershipevent",
    "members/enrolment",
    "members/transfer",
    "members/duesrecord",
]


def test_admin_is_open_to_operators_and_shows_personal_data_masked_only(world):
    client = client_for("operator")
    for model in ADMIN_MODELS:
        assert client.get(f"/ops/admin/{model}/").status_code == 200, model
    member = world.members["xian_worker"]
    body = client.get(f"/ops/admin/members/member/{member.pk}/change/").content.decode()
    assert member.id_number_masked in body
    assert crypto.decrypt(member.id_number_enc) not in body
    assert member.id_number_enc not in body and member.id_number_hash not in body


def test_admin_is_closed_to_non_operators_even_with_the_staff_flag(province_admin):
    user = province_admin
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    client = client_for("shaanxi")
    response = client.get("/ops/admin/members/member/")
    assert response.status_code == 302 and "/ops/admin/login/" in response["Location"]


def test_admin_role_assignment_goes_through_the_service(world, city_viewer):
    client = client_for("operator")
    response = client.post(
        "/ops/admin/organisations/roleassignment/add/",
        {
            "user": str(city_viewer.pk),
            "organisation": str(world.orgs["baoji"].pk),
            "role": "viewer",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert AuditEntry.objects.filter(
        action="organisations.role.assigned", actor=world.users["operator"]
    ).exists()


# ---- the union picker's type-ahead ----------------------------------------------------------


def test_the_picker_lists_unions_matching_pinyin_initials_within_the_fields_action(world):
    response = client_for("xian_officer").get(
        reverse("organisations:pick"), {"q": "yt", "action": "manage_members", "field": "organisation"}
    )
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert 'data-pick-union="雁塔区总工会（610113）"' in body and "XA-0002" in body


def test_the_picker_reads_the_boxs_own_parameter_as_htmx_sends_it(world):
    response = client_for("xian").get(reverse("organisations:pick"), {"field": "union", "union": "610113"})
    assert "雁塔区总工会" in response.content.decode()
    # a filter form's own q (the roster's name search) never stands in for the box
    both = client_for("xian").get(
        reverse("organisations:pick"), {"field": "union", "union": "ytq", "q": "张"}
    )
    assert "雁塔区总工会" in both.content.decode()


def test_the_picker_shows_the_sibling_admin_nothing_of_the_other_branch(world):
    gansu = client_for("gansu")
    for q in ("西安", "xaszgh", "610100", "yt", "某"):
        body = gansu.get(reverse("organisations:pick"), {"q": q, "action": "view"}).content.decode()
        assert "西安市总工会" not in body and "雁塔区总工会" not in body and "宝鸡某钢厂" not in body, q
    assert "兰州某石化厂工会" in gansu.get(reverse("organisations:pick"), {"q": "某"}).content.decode()


def test_the_picker_refuses_an_unknown_action_and_asks_anonymous_visitors_to_sign_in(world):
    assert (
        client_for("xian").get(reverse("organisations:pick"), {"q": "x", "action": "nope"}).status_code == 404
    )
    assert client_for(None).get(reverse("organisations:pick"), {"q": "x"}).status_code == 302


def test_the_pick_address_is_not_taken_for_an_organisation_code(world):
    assert reverse("organisations:pick") == "/organisations/pick"
    assert client_for("xian").get("/organisations/610100/").status_code == 200


def test_the_audit_log_is_filtered_by_an_organisation_typed_by_name_and_never_the_other_branchs(world):
    mine = client_for("xian").get(reverse("audit"), {"organisation": "雁塔区总工会"})
    assert mine.status_code == 200 and not mine.context["form"].errors
    theirs = client_for("gansu").get(reverse("audit"), {"organisation": "雁塔区总工会"})
    assert theirs.context["form"].has_error("organisation", "org_unknown")
    assert list(theirs.context["page"].items) == []


def test_an_organisation_is_moved_under_a_parent_typed_by_name_or_not_at_all_when_several_match(world):
    admin = client_for("shaanxi")
    several = admin.post(reverse("organisations:move", args=["XA-0002"]), {"new_parent": "市总工会"})
    assert several.context["form"].has_error("new_parent", "org_ambiguous")
    assert Organisation.objects.get(code="XA-0002").get_parent().code == "610113"
    moved = admin.post(reverse("organisations:move", args=["XA-0002"]), {"new_parent": "宝鸡市总工会"})
    assert moved.status_code == 302
    assert Organisation.objects.get(code="XA-0002").get_parent().code == "610300"


def test_the_organisations_api_finds_a_union_by_pinyin_initials_only_within_scope(world):
    from gonghui.testing import api_for

    mine = api_for("xian").get("/api/v1/organisations", {"q": "ytqzgh"}).json()
    assert [o["code"] for o in mine["items"]] == ["610113"]
    assert api_for("gansu").get("/api/v1/organisations", {"q": "ytqzgh"}).json() == {"items": [], "count": 0}
