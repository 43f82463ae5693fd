"""Officer pages that set up studios (lead = an honoured worker, team), alliances (member
studios, rotating lead, joint projects), idea experts and the idea thresholds: scoped (a
sibling-branch admin gets 404 and nothing is written), and bad input shows the field error and
writes nothing."""

import datetime

import pytest
from django.utils import timezone

from gonghui.core.models import AuditEntry
from gonghui.honours.services import registry as honour_registry
from gonghui.innovation import selectors
from gonghui.innovation.choices import IdeaStatus
from gonghui.innovation.models import (
    Alliance,
    AllianceLeadTerm,
    AllianceMembership,
    IdeaExpert,
    IdeaSettings,
    JointProject,
    Studio,
    StudioMember,
)
from gonghui.innovation.services import alliances as alliance_services
from gonghui.innovation.services import ideas as idea_services
from gonghui.innovation.services import studios as services
from gonghui.innovation.tests.helpers import member_with_login
from gonghui.innovation.tests.test_api import IDEA, make_studio
from gonghui.testing import client_for, make_user

pytestmark = pytest.mark.django_db


def codes(response, form="form") -> dict:
    """{field: [error codes]} of a re-rendered form."""
    assert response.status_code == 200, response.status_code
    return {k: [e.code for e in v] for k, v in response.context[form].errors.as_data().items()}


def honour(world, member, org_key="xian_factory", year=2020):
    return honour_registry.honour_grant(
        actor=world.users["xian"],
        member=member,
        organisation=world.orgs[org_key],
        kind="model_worker",
        level="city",
        year=year,
        issuing_body="西安市人民政府",
    )


def studio_post(world, **overrides) -> dict:
    data = {
        "name": "张伟焊接创新工作室",
        "organisation": "XA-0001",
        "employer": "西安某机械厂",
        "industry": "装备制造",
        "level": "city",
        "named_on": "2021-04-28",
        "naming_body": "西安市总工会",
        "lead": world.members["xian_worker"].member_no,
        "lead_honour_note": "",
        "description": "",
    }
    data.update(overrides)
    return data


# ---- studios ---------------------------------------------------------------------------------


def test_new_studio_with_an_honoured_lead(world):
    honour(world, world.members["xian_worker"])
    c = client_for("xian")
    page = c.get("/innovation/studios/")
    assert "/innovation/studios/new/" in page.content.decode()
    assert c.get("/innovation/studios/new/").status_code == 200
    r = c.post("/innovation/studios/new/", studio_post(world))
    assert r.status_code == 302
    studio = Studio.objects.get()
    assert studio.lead == world.members["xian_worker"] and studio.lead_honour_note == ""
    entry = AuditEntry.objects.get(action="innovation.studio.named")
    assert entry.reason == ""
    # the studio page shows the lead's honours from the registry
    detail = c.get(f"/innovation/studios/{studio.pk}/").content.decode()
    assert "西安市人民政府" in detail and "2020" in detail


def test_lead_without_honour_needs_a_written_reason_which_is_audited(world):
    c = client_for("xian")
    r = c.post("/innovation/studios/new/", studio_post(world))
    assert codes(r) == {"lead_honour_note": ["lead_not_honoured"]}
    assert (
        Studio.objects.count() == 0
        and not AuditEntry.objects.filter(action__startswith="innovation").exists()
    )
    note = "2019 西安市劳动模范（市政府文件，荣誉库待补录）"
    r = c.post("/innovation/studios/new/", studio_post(world, lead_honour_note=note))
    assert r.status_code == 302
    studio = Studio.objects.get()
    assert studio.lead_honour_note == note
    entry = AuditEntry.objects.get(action="innovation.studio.named")
    assert entry.reason == note and entry.changes["lead_honour_note"] == [None, note]
    detail = c.get(f"/innovation/studios/{studio.pk}/").content.decode()
    assert note in detail


def test_bad_studio_input_shows_field_errors_and_writes_nothing(world):
    honour(world, world.members["xian_worker"])
    c = client_for("xian")
    r = c.post("/innovation/studios/new/", studio_post(world, name="", level="galactic", named_on="x"))
    assert set(codes(r)) == {"name", "level", "named_on"}
    r = c.post("/innovation/studios/new/", studio_post(world, lead="NOPE-1"))
    assert codes(r) == {"lead": ["member_unknown"]}
    # the lead must belong to the owning union's subtree
    other, _ = member_with_login(world, "yanta_joint", "other_lead")
    honour(world, other, "yanta_joint")
    r = c.post("/innovation/studios/new/", studio_post(world, lead=other.member_no))
    assert codes(r) == {"lead": ["member_outside"]}
    # a union outside the officer's scope is refused like a missing one
    r = c.post("/innovation/studios/new/", studio_post(world, organisation="BJ-0001"))
    assert codes(r) == {"organisation": ["org_unknown"]}
    assert Studio.objects.count() == 0


def test_sibling_admin_cannot_create_in_or_edit_a_xian_studio(world):
    studio = make_studio(world)
    before = (AuditEntry.objects.count(), Studio.objects.get().name)
    bj = client_for("baoji")
    r = bj.post("/innovation/studios/new/", studio_post(world, name="越权"))
    assert codes(r) == {"organisation": ["org_unknown"]}
    for url in ("edit/", "team/", "team/remove/"):
        assert bj.get(f"/innovation/studios/{studio.pk}/{url}").status_code in {404, 405}
        assert bj.post(f"/innovation/studios/{studio.pk}/{url}", studio_post(world)).status_code == 404
    # the picker finds nothing in a union out of reach
    r = bj.get("/innovation/studios/member-picker/", {"organisation": "XA-0001", "q": "张伟"})
    assert r.status_code == 200 and "张伟" not in r.content.decode()
    # a viewer may look but not edit
    assert client_for("xian_viewer").get(f"/innovation/studios/{studio.pk}/edit/").status_code == 403
    assert (AuditEntry.objects.count(), Studio.objects.get().name) == before
    assert Studio.objects.count() == 1


def test_existing_studio_with_only_a_note_keeps_working_and_is_rechecked_on_change(world, city_admin):
    studio = make_studio(world)  # lead without registry honour, note "2020 西安市劳动模范"
    c = client_for("xian")
    page = c.get(f"/innovation/studios/{studio.pk}/edit/")
    assert page.status_code == 200 and "2020 西安市劳动模范" in page.content.decode()
    r = c.post(
        f"/innovation/studios/{studio.pk}/edit/",
        studio_post(world, name="张伟焊接工作室", industry="", lead_honour_note="2020 西安市劳动模范"),
    )
    assert r.status_code == 302
    studio.refresh_from_db()
    assert studio.name == "张伟焊接工作室"
    entry = AuditEntry.objects.get(action="innovation.studio.updated")
    assert entry.changes == {"name": ["张伟焊接创新工作室", "张伟焊接工作室"]}
    # clearing the note of a lead without honour is refused
    r = c.post(f"/innovation/studios/{studio.pk}/edit/", studio_post(world, name="改名"))
    assert codes(r) == {"lead_honour_note": ["lead_not_honoured"]}
    # a new lead without honour and no note: refused; nothing written
    mate, _ = member_with_login(world, "xian_factory", "mate")
    r = c.post(
        f"/innovation/studios/{studio.pk}/edit/",
        studio_post(world, lead=mate.member_no, lead_honour_note=""),
    )
    assert codes(r) == {"lead_honour_note": ["lead_not_honoured"]}
    studio.refresh_from_db()
    assert studio.name == "张伟焊接工作室" and studio.lead == world.members["xian_worker"]
    assert AuditEntry.objects.filter(action="innovation.studio.updated").count() == 1
    # once honoured, the new lead is taken without a note, and leaves the team
    services.studio_add_member(actor=city_admin, studio=studio, member=mate, role="骨干")
    honour(world, mate)
    r = c.post(
        f"/innovation/studios/{studio.pk}/edit/",
        studio_post(world, name="张伟焊接工作室", lead=mate.member_no, lead_honour_note=""),
    )
    assert r.status_code == 302
    studio.refresh_from_db()
    assert studio.lead == mate and not StudioMember.objects.filter(studio=studio).exists()


def test_team_add_and_remove_through_the_edit_page(world):
    studio = make_studio(world)
    mate, _ = member_with_login(world, "xian_factory", "mate", name="李强")
    c = client_for("xian")
    picker = c.get(
        "/innovation/studios/member-picker/", {"organisation": "XA-0001", "q": "李强", "target": "member"}
    )
    assert picker.status_code == 200 and mate.member_no in picker.content.decode()
    r = c.post(f"/innovation/studios/{studio.pk}/team/", {"member": mate.member_no, "role": "技术骨干"})
    assert r.status_code == 302
    assert StudioMember.objects.get(studio=studio).role == "技术骨干"
    # bad input: unknown number, the lead, already on the team — field errors, nothing written
    for number, code in (
        ("NOPE-1", "member_unknown"),
        (world.members["xian_worker"].member_no, "already_member"),
        (mate.member_no, "already_member"),
    ):
        r = c.post(f"/innovation/studios/{studio.pk}/team/", {"member": number, "role": "x"})
        assert codes(r, "team_form") == {"member": [code]}
    r = c.post(f"/innovation/studios/{studio.pk}/team/", {"member": mate.member_no, "joined_on": "bad"})
    assert "joined_on" in codes(r, "team_form")
    assert StudioMember.objects.count() == 1
    r = c.post(f"/innovation/studios/{studio.pk}/team/remove/", {"member": mate.member_no})
    assert r.status_code == 302 and StudioMember.objects.count() == 0
    assert AuditEntry.objects.filter(action="innovation.studio.member_removed").count() == 1


def test_member_picker_shows_honours_and_stays_in_the_subtree(world):
    honour(world, world.members["xian_worker"])
    c = client_for("xian")
    r = c.get("/innovation/studios/member-picker/", {"organisation": "XA-0001", "q": "张伟"})
    body = r.content.decode()
    assert world.members["xian_worker"].member_no in body and "2020" in body
    # 张伟 is not under 雁塔 joint union
    r = c.get("/innovation/studios/member-picker/", {"organisation": "XA-0002", "q": "张伟"})
    assert world.members["xian_worker"].member_no not in r.content.decode()


# ---- alliances -------------------------------------------------------------------------------


def baoji_studio(world):
    return services.studio_create(
        actor=world.users["baoji"],
        organisation=world.orgs["baoji_factory"],
        name="宝鸡钛材工作室",
        employer="宝鸡某钢厂",
        lead=world.members["baoji_worker"],
        level="provincial",
        named_on="2020-05-01",
        naming_body="陕西省总工会",
        lead_honour_note="2019 宝鸡市劳动模范",
    )


def test_alliance_pages_create_members_lead_and_projects(world):
    xa, bj = make_studio(world), baoji_studio(world)
    c = client_for("shaanxi")
    assert "/innovation/alliances/new/" in c.get("/innovation/alliances/").content.decode()
    r = c.post(
        "/innovation/alliances/new/",
        {"name": "装备联盟", "organisation": "610000", "founded_on": "2022-05-01", "charter": "轮值牵头"},
    )
    assert r.status_code == 302
    alliance = Alliance.objects.get()
    url = f"/innovation/alliances/{alliance.pk}/"
    assert c.get(url + "edit/").status_code == 200
    for studio in (xa, bj):
        assert (
            c.post(url + "studios/", {"studio": str(studio.pk), "joined_on": "2022-05-01"}).status_code == 302
        )
    # a studio may join several alliances
    c.post(
        "/innovation/alliances/new/",
        {"name": "第二联盟", "organisation": "610000", "founded_on": "2023-01-01"},
    )
    second = Alliance.objects.get(name="第二联盟")
    assert c.post(f"/innovation/alliances/{second.pk}/studios/", {"studio": str(xa.pk)}).status_code == 302
    assert xa.alliances.count() == 2
    # rotating lead with history
    assert (
        c.post(
            url + "lead/", {"studio": str(xa.pk), "starts_on": "2022-05-01", "ends_on": "2024-05-01"}
        ).status_code
        == 302
    )
    assert (
        c.post(
            url + "lead/", {"studio": str(bj.pk), "starts_on": "2024-05-01", "ends_on": "2099-05-01"}
        ).status_code
        == 302
    )
    page = c.get(url + "edit/").content.decode()
    assert "2022-05-01" in page and "2024-05-01" in page
    # joint project: add, then update title, studios and status
    r = c.post(
        url + "projects/", {"title": "联合攻关", "studios": [str(xa.pk), str(bj.pk)], "status": "planned"}
    )
    assert r.status_code == 302
    project = JointProject.objects.get()
    prefix = f"p{project.pk.hex[:8]}"
    r = c.post(
        url + "projects/update/",
        {
            "project": str(project.pk),
            f"{prefix}-title": "钛合金联合攻关",
            f"{prefix}-studios": [str(bj.pk)],
            f"{prefix}-status": "running",
        },
    )
    assert r.status_code == 302
    project.refresh_from_db()
    assert (project.title, project.status, list(project.studios.all())) == ("钛合金联合攻关", "running", [bj])
    # edit name and charter
    r = c.post(url + "edit/", {"name": "陕西装备联盟", "founded_on": "2022-05-01", "charter": "新章程"})
    assert r.status_code == 302
    alliance.refresh_from_db()
    assert (alliance.name, alliance.charter, alliance.organisation) == (
        "陕西装备联盟",
        "新章程",
        world.orgs["shaanxi"],
    )
    # xa left its lead term in the past: it may leave; bj leads now: it may not
    r = c.post(url + "studios/remove/", {"studio": str(bj.pk)})
    assert AllianceMembership.objects.filter(alliance=alliance, studio=bj).exists()
    r = c.post(url + "studios/remove/", {"studio": str(xa.pk)})
    assert not AllianceMembership.objects.filter(alliance=alliance, studio=xa).exists()
    assert AllianceLeadTerm.objects.filter(alliance=alliance).count() == 2  # history stays


def test_alliance_bad_input_shows_field_errors_and_writes_nothing(world, city_admin):
    xa = make_studio(world)
    other = baoji_studio(world)
    c = client_for("xian")
    r = c.post("/innovation/alliances/new/", {"name": "", "organisation": "610300", "founded_on": "x"})
    assert set(codes(r)) == {"name", "organisation", "founded_on"}
    assert Alliance.objects.count() == 0
    alliance = alliance_services.alliance_create(
        actor=city_admin, organisation=world.orgs["xian"], name="西安联盟", studios=[xa]
    )
    url = f"/innovation/alliances/{alliance.pk}/"
    audit_before = AuditEntry.objects.count()
    # a 宝鸡 studio is not offered to the 西安 officer
    r = c.post(url + "studios/", {"studio": str(other.pk)})
    assert codes(r, "studio_form") == {"studio": ["invalid_choice"]}
    # a lead term that ends before it starts, then one for a non-member studio
    r = c.post(url + "lead/", {"studio": str(xa.pk), "starts_on": "2024-01-01", "ends_on": "2023-01-01"})
    assert codes(r, "lead_form") == {"ends_on": ["end_before_start"]}
    c.post(url + "lead/", {"studio": str(xa.pk), "starts_on": "2024-01-01", "ends_on": "2026-01-01"})
    r = c.post(url + "lead/", {"studio": str(xa.pk), "starts_on": "2025-01-01", "ends_on": "2027-01-01"})
    assert codes(r, "lead_form") == {"starts_on": ["term_overlap"]}
    # a project without studios
    r = c.post(url + "projects/", {"title": "攻关", "status": "planned"})
    assert codes(r, "new_project_form") == {"studios": ["studio_unknown"]}
    assert AllianceMembership.objects.filter(alliance=alliance).count() == 1
    assert AllianceLeadTerm.objects.count() == 1 and JointProject.objects.count() == 0
    assert AuditEntry.objects.count() == audit_before + 1  # the one good lead term


def test_sibling_admin_gets_404_on_alliance_pages_and_a_member_studios_union_403(
    world, city_admin, province_admin
):
    xa = make_studio(world)
    alliance = alliance_services.alliance_create(
        actor=city_admin, organisation=world.orgs["xian"], name="西安联盟", studios=[xa]
    )
    project = alliance_services.joint_project_create(
        actor=city_admin, alliance=alliance, title="攻关", studios=[xa]
    )
    before = AuditEntry.objects.count()
    for sibling in ("baoji", "gansu"):
        c = client_for(sibling)
        for url in ("edit/", "studios/", "studios/remove/", "lead/", "projects/", "projects/update/"):
            full = f"/innovation/alliances/{alliance.pk}/{url}"
            body = {
                "studio": str(xa.pk),
                "project": str(project.pk),
                "name": "x",
                "title": "x",
                "status": "done",
            }
            assert c.post(full, body).status_code == 404, full
    assert AuditEntry.objects.count() == before
    assert Alliance.objects.get().name == "西安联盟" and JointProject.objects.get().status == "planned"
    # a 宝鸡 officer sees an alliance founded by 陕西 with a 宝鸡 studio, but cannot manage it:
    # visible, so 403 (it was 404, as if the page 宝鸡 had just read did not exist)
    bj = baoji_studio(world)
    provincial = alliance_services.alliance_create(
        actor=province_admin, organisation=world.orgs["shaanxi"], name="省联盟", studios=[bj]
    )
    c = client_for("baoji")
    assert c.get(f"/innovation/alliances/{provincial.pk}/").status_code == 200
    assert c.get(f"/innovation/alliances/{provincial.pk}/edit/").status_code == 403
    assert (
        c.post(f"/innovation/alliances/{provincial.pk}/studios/remove/", {"studio": str(bj.pk)}).status_code
        == 403
    )
    assert AllianceMembership.objects.filter(alliance=provincial).count() == 1


# ---- idea experts and thresholds -------------------------------------------------------------


def idea_in_review(world):
    idea = idea_services.idea_submit(actor=world.users["member"], **IDEA)
    return idea_services.idea_send_to_review(actor=world.users["xian"], idea=idea)


def test_assign_and_unassign_experts_on_the_idea_page(world, city_officer):
    idea = idea_in_review(world)
    c = client_for("xian")
    detail = c.get(f"/innovation/ideas/{idea.pk}/").content.decode()
    assert f"/innovation/ideas/{idea.pk}/experts/" in detail
    page = c.get(f"/innovation/ideas/{idea.pk}/experts/")
    offered = {label for _v, label in page.context["form"].fields["expert"].choices}
    assert "xian_officer" in offered and "member" not in offered and "baoji" not in offered
    officer = city_officer
    r = c.post(f"/innovation/ideas/{idea.pk}/experts/", {"expert": str(officer.pk)})
    assert r.status_code == 302, r.context["form"].errors.as_data()
    outside = make_user("prof_li")
    r = c.post(f"/innovation/ideas/{idea.pk}/experts/", {"username": "PROF_LI"})
    assert r.status_code == 302
    assert set(IdeaExpert.objects.filter(idea=idea).values_list("user__username", flat=True)) == {
        "xian_officer",
        "prof_li",
    }
    assert selectors.idea_or_404(outside, idea.pk) == idea
    r = c.post(f"/innovation/ideas/{idea.pk}/experts/remove/", {"expert": str(outside.pk)})
    assert r.status_code == 302
    assert not IdeaExpert.objects.filter(user=outside).exists()
    assert AuditEntry.objects.filter(action="innovation.idea.expert_unassigned").count() == 1


def test_expert_bad_input_and_sibling_write_nothing(world, city_admin):
    idea = idea_in_review(world)
    c = client_for("xian")
    for body, field, code in (
        ({}, "__all__", "required"),
        ({"username": "nobody"}, "expert", "expert_unknown"),
        ({"username": "member"}, "expert", "expert_is_author"),
    ):
        r = c.post(f"/innovation/ideas/{idea.pk}/experts/", body)
        assert codes(r) == {field: [code]}, body
    before = AuditEntry.objects.count()
    for sibling in ("baoji", "gansu"):
        s = client_for(sibling)
        assert s.get(f"/innovation/ideas/{idea.pk}/experts/").status_code == 404
        assert s.post(f"/innovation/ideas/{idea.pk}/experts/", {"username": sibling}).status_code == 404
        assert s.post(f"/innovation/ideas/{idea.pk}/experts/remove/", {"expert": "1"}).status_code == 404
    assert IdeaExpert.objects.count() == 0 and AuditEntry.objects.count() == before
    # only ideas in review take experts
    idea_services.idea_review(
        actor=city_admin,
        idea=idea,
        feasibility="high",
        estimated_benefit="1",
        score=80,
        adopted=False,
        answer="不采纳",
    )
    r = c.post(f"/innovation/ideas/{idea.pk}/experts/", {"username": "xian_officer"})
    assert codes(r) == {"__all__": ["not_in_review"]}
    assert IdeaExpert.objects.count() == 0


def test_threshold_page_sets_inherits_and_applies_review_days(world):
    c = client_for("xian")
    page = c.get("/innovation/ideas/settings/")
    assert page.status_code == 200
    assert page.context["organisation"] == world.orgs["xian"] and page.context["effective"].source is None
    r = c.post(
        "/innovation/ideas/settings/",
        {"organisation": "610100", "support_threshold": "4", "report_threshold": "2", "review_days": "15"},
    )
    assert r.status_code == 302
    # inherited down the tree
    page = c.get("/innovation/ideas/settings/", {"organisation": "XA-0001"})
    eff = page.context["effective"]
    assert (eff.support_threshold, eff.report_threshold, eff.review_days, eff.source) == (
        4,
        2,
        15,
        world.orgs["xian"],
    )
    idea = idea_in_review(world)
    assert idea.review_due_on == timezone.localdate() + datetime.timedelta(days=15)
    # a union below overrides, then clears back to inheriting
    c.post(
        "/innovation/ideas/settings/",
        {"organisation": "XA-0001", "support_threshold": "9", "report_threshold": "9", "review_days": "9"},
    )
    assert selectors.idea_settings_for(world.orgs["xian_factory"]).review_days == 9
    r = c.post("/innovation/ideas/settings/", {"organisation": "XA-0001", "action": "clear"})
    assert r.status_code == 302
    assert selectors.idea_settings_for(world.orgs["xian_factory"]).source == world.orgs["xian"]
    assert AuditEntry.objects.filter(action="innovation.settings.cleared").count() == 1
    assert idea.status == IdeaStatus.IN_REVIEW


def test_threshold_bad_input_and_siblings_write_nothing(world):
    c = client_for("xian")
    r = c.post(
        "/innovation/ideas/settings/",
        {"organisation": "610100", "support_threshold": "0", "report_threshold": "x", "review_days": "400"},
    )
    assert set(codes(r)) == {"support_threshold", "report_threshold", "review_days"}
    assert IdeaSettings.objects.count() == 0
    for sibling in ("baoji", "gansu"):
        s = client_for(sibling)
        assert s.get("/innovation/ideas/settings/", {"organisation": "610100"}).status_code == 404
        body = {
            "organisation": "610100",
            "support_threshold": "1",
            "report_threshold": "1",
            "review_days": "1",
        }
        assert s.post("/innovation/ideas/settings/", body).status_code == 404
        assert (
            s.post("/innovation/ideas/settings/", {"organisation": "610100", "action": "clear"}).status_code
            == 404
        )
        own = s.get("/innovation/ideas/settings/")
        assert own.status_code == 200 and "西安" not in own.content.decode()
    # a viewer sees, cannot set
    v = client_for("xian_viewer")
    assert v.get("/innovation/ideas/settings/").status_code == 200
    body = {"organisation": "610100", "support_threshold": "1", "report_threshold": "1", "review_days": "1"}
    assert v.post("/innovation/ideas/settings/", body).status_code == 403
    assert IdeaSettings.objects.count() == 0
    assert not AuditEntry.objects.filter(action__startswith="innovation.settings").exists()


def test_taking_off_a_member_or_a_studio_that_is_not_there_names_where_it_is_missing(world, city_admin):
    from django.core.exceptions import ValidationError

    studio = make_studio(world)
    outsider = world.members["xian_worker"]  # the lead: not a team row
    with pytest.raises(ValidationError) as exc:
        services.studio_remove_member(actor=city_admin, studio=studio, member=outsider)
    assert exc.value.error_dict["member"][0].code == "not_on_team"
    alliance = alliance_services.alliance_create(
        actor=city_admin, organisation=world.orgs["xian"], name="西安联盟", studios=[]
    )
    audit_before = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as exc:
        alliance_services.alliance_remove_studio(actor=city_admin, alliance=alliance, studio=studio)
    assert exc.value.error_dict["studio"][0].code == "not_in_alliance"
    assert AuditEntry.objects.count() == audit_before


def test_a_studios_owning_union_is_typed_by_its_name_or_offered_as_choices(world):
    honour(world, world.members["xian_worker"])
    c = client_for("xian")
    several = c.post("/innovation/studios/new/", studio_post(world, organisation="雁塔"))
    assert codes(several) == {"organisation": ["org_ambiguous"]}
    assert 'name="organisation_pick" value="610113"' in several.content.decode()
    assert not Studio.objects.exists()
    r = c.post("/innovation/studios/new/", studio_post(world, organisation="西安某机械厂工会委员会"))
    assert r.status_code == 302 and Studio.objects.get().organisation.code == "XA-0001"


def test_the_sibling_admin_cannot_name_a_studio_for_a_union_of_the_other_branch(world):
    r = client_for("gansu").post(
        "/innovation/studios/new/", studio_post(world, organisation="西安某机械厂工会委员会")
    )
    assert codes(r)["organisation"] == ["org_unknown"]
    assert not Studio.objects.exists()


def test_the_thresholds_page_takes_a_union_typed_in_pinyin(world):
    page = client_for("xian").get("/innovation/ideas/settings/", {"organisation": "ytqzgh"})
    assert page.status_code == 200 and page.context["organisation"].code == "610113"


def test_member_picker_asks_for_the_union_by_name_never_by_code(world):
    c = client_for("xian", language="en")
    body = c.get("/innovation/studios/member-picker/", {"q": "张伟"}).content.decode()
    assert "Choose the owning union first" in body and "code" not in body
    body = c.get("/innovation/studios/member-picker/", {"organisation": "宝鸡", "q": "张伟"}).content.decode()
    assert "No union matching “宝鸡” where you manage innovation" in body and "code" not in body
    zh = client_for("xian").get("/innovation/studios/member-picker/", {"q": "张伟"}).content.decode()
    assert "代码" not in zh
