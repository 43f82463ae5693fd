"""Pages: officer list and detail with actions, judge marking page, published results page;
scoped (sibling 404) and rendered in zh-hans."""

import pytest

from gonghui.competitions.choices import ResultsState, SheetStatus
from gonghui.competitions.models import Mark, Recommendation
from gonghui.competitions.services import registration, results, scheme
from gonghui.competitions.tests import helpers
from gonghui.competitions.tests.test_services import PLAN
from gonghui.organisations.choices import Role
from gonghui.testing import client_for

pytestmark = pytest.mark.django_db


def test_officer_list_and_detail_are_scoped(world):
    s = helpers.build(world, n=2)
    for username in ("shaanxi", "xian"):
        page = client_for(username).get("/competitions/")
        assert page.status_code == 200 and "焊工技能竞赛" in page.content.decode()
    assert "焊工技能竞赛" not in client_for("gansu").get("/competitions/").content.decode()
    url = f"/competitions/{s.competition.pk}/"
    page = client_for("shaanxi").get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 200
    body = page.content.decode()
    assert "选手一" in body and "试件焊接" in body
    for username in ("gansu",):
        assert client_for(username).get(url).status_code == 404
        assert client_for(username).get(url + "results/").status_code == 404
        assert client_for(username).get(url + "judge/").status_code == 404


def test_sibling_city_sees_nothing_of_a_city_competition(world):
    s = helpers.build(world, organiser="xian", n=0, judges=False)
    assert client_for("xian").get(f"/competitions/{s.competition.pk}/").status_code == 200
    assert client_for("baoji").get(f"/competitions/{s.competition.pk}/").status_code == 404
    r = client_for("baoji").post(f"/competitions/{s.competition.pk}/do/advance_status/")
    assert r.status_code == 404


def test_officer_runs_the_competition_through_the_pages(world):
    s = helpers.build(world, n=3)
    shaanxi, national = client_for("shaanxi"), client_for("national")
    base = f"/competitions/{s.competition.pk}/"
    assert shaanxi.post(base + "do/advance_status/").status_code == 302
    s.competition.refresh_from_db()
    assert s.competition.status == "marking"
    helpers.mark_all(world, s, PLAN)
    for number, score in ((1, "90"), (2, "60"), (3, "70")):
        shaanxi.post(base + "do/theory/", {"number": number, "score": score})
    r = shaanxi.post(base + "do/theory/", {"number": 1, "score": "120"}, follow=True)
    assert r.status_code == 200 and list(r.context["messages"])
    s.entries[0].refresh_from_db()
    assert s.entries[0].theory_score == 90
    shaanxi.post(base + "do/advance_status/")
    shaanxi.post(base + "do/compute/")
    national.post(base + "do/verify/")
    national.post(base + "do/publish/")
    s.competition.refresh_from_db()
    assert s.competition.results_state == ResultsState.PUBLISHED
    page = shaanxi.get(base).content.decode()
    assert "97.00" in page and "全国技术能手" in page
    rec = Recommendation.objects.get(entry=s.entries[0], kind="grade")
    assert shaanxi.post(f"/competitions/recommendations/{rec.pk}/accept/").status_code == 302
    rec.refresh_from_db()
    assert rec.status == "accepted"
    assert shaanxi.get(base + "recompute/").context["rows"] == []
    # public page, phone-first, for the member in scope
    public = client_for("member").get(base + "results/")
    assert public.status_code == 200 and "97.00" in public.content.decode()


def test_judge_marks_on_the_tablet_page(world):
    s = helpers.build(world, n=1)
    helpers.start_marking(world, s)
    sheet = helpers.sheet(s, s.entries[0], 1)
    j1 = client_for("j1")
    page = j1.get(f"/competitions/{s.competition.pk}/judge/")
    assert page.status_code == 200 and "选手一" in page.content.decode()
    url = f"/competitions/sheets/{sheet.pk}/"
    assert j1.get(url).status_code == 200
    assert j1.post(url, {"aspect": "B1", "value": "0"}).status_code == 302
    client_for("j2").post(url, {"aspect": "B1", "value": "3"})
    client_for("j3").post(url, {"aspect": "B1", "value": "3"})
    page = j1.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "blocked" in page  # the spread warning
    j1.post(url, {"do": "sign_off"})
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.OPEN
    j1.post(url, {"do": "justify", "aspect": "B1", "text": "选手操作姿势存在争议"})
    j1.post(url, {"do": "sign_off"})
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.SIGNED_OFF
    # another user without an assignment gets 404
    helpers.make_user_with_role(world, "outsider", "shaanxi", Role.JUDGE)
    assert client_for("outsider").get(url).status_code == 404
    assert client_for("gansu").get(url).status_code == 404
    assert Mark.objects.count() == 3


def test_recompute_page_lists_changes_and_applies_on_confirmation(world, province_admin):
    from gonghui.competitions.services import marking

    s = helpers.build(world, n=3)
    c = helpers.publish(world, s, PLAN, [90, 60, 70])
    sheet = helpers.sheet(s, s.entries[1], 0)
    corr = marking.correction_request(
        actor=province_admin,
        sheet=sheet,
        aspect=helpers.aspect(s, "A1"),
        new_value=1,
        reason="申诉复核成立",
    )
    shaanxi = client_for("shaanxi")
    assert client_for("national").post(f"/competitions/corrections/{corr.pk}/approve/").status_code == 302
    page = shaanxi.get(f"/competitions/{c.pk}/recompute/")
    body = page.content.decode()
    assert "48.18" in body and "76.18" in body
    fingerprint = page.context["fingerprint"]
    shaanxi.post(f"/competitions/{c.pk}/recompute/", {"fingerprint": fingerprint})
    assert results.compute(c)[1]["entry"] == s.entries[1]
    assert c.results.get(entry=s.entries[1]).rank == 2


def test_supervisor_decides_an_appeal_on_the_page(world, sibling_city_admin):
    s = helpers.build(world, n=3)
    helpers.publish(world, s, PLAN, [90, 60, 70])
    appeal = results.appeal_file(actor=sibling_city_admin, entry=s.entries[1], reason="评分有误，请复核")
    helpers.make_user_with_role(world, "sup", "shaanxi", Role.SUPERVISOR)
    sup = client_for("sup")
    assert sup.get(f"/competitions/{s.competition.pk}/").status_code == 200
    assert (
        client_for("shaanxi")
        .post(f"/competitions/appeals/{appeal.pk}/decide/", {"decision": "upheld"})
        .status_code
        == 403
    )
    sup.post(f"/competitions/appeals/{appeal.pk}/decide/", {"decision": "rejected", "reason": "复核无误"})
    appeal.refresh_from_db()
    assert appeal.status == "rejected"
    assert (
        client_for("gansu")
        .post(f"/competitions/appeals/{appeal.pk}/decide/", {"decision": "upheld"})
        .status_code
        == 404
    )


def test_scheme_import_page_refuses_bad_json(world):
    s = helpers.build(world, n=0, judges=False)
    before = scheme.scheme_export(s.competition)
    r = client_for("shaanxi").post(
        f"/competitions/{s.competition.pk}/do/scheme/", {"scheme": "{not json"}, follow=True
    )
    assert r.status_code == 200
    assert scheme.scheme_export(s.competition) == before


def test_a_judge_finds_their_competitions(world):
    s = helpers.build(world, n=1)
    page = client_for("j1").get("/competitions/judging/")
    assert page.status_code == 200 and s.competition.title in page.content.decode()
    assert s.competition.title not in client_for("gansu").get("/competitions/judging/").content.decode()


def test_officer_creates_a_competition_and_a_too_heavy_theory_is_refused(world):
    shaanxi = client_for("shaanxi")
    data = {
        "organisation": "610000",
        "title": "省焊工赛",
        "kind": "skills",
        "occupation": "焊工",
        "stage": "provincial",
        "registration_opens": "2026-12-01T08:00",
        "registration_closes": "2026-12-10T18:00",
        "theory_weight": "0.40",
        "appeal_window_hours": "2",
    }
    r = shaanxi.post("/competitions/new/", data)
    assert r.status_code == 200 and r.context["form"].errors["theory_weight"]
    from gonghui.competitions.models import Competition

    assert not Competition.objects.exists()
    r = shaanxi.post("/competitions/new/", {**data, "theory_weight": "0.30"})
    assert r.status_code == 302
    assert Competition.objects.get().organisation.code == "610000"
    assert (
        client_for("gansu").post("/competitions/new/", {**data, "theory_weight": "0.30"}).status_code == 404
    )
    assert Competition.objects.count() == 1


def test_registration_judges_substitution_and_rules_from_the_detail_page(world):
    s = helpers.build(world, n=0, judges=False)
    shaanxi = client_for("shaanxi")
    base = f"/competitions/{s.competition.pk}/do/"
    worker = world.members["xian_worker"]
    shaanxi.post(base + "register/", {"members": worker.member_no})
    assert s.competition.entries.count() == 1
    r = shaanxi.post(base + "register/", {"members": "NOPE"}, follow=True)
    assert list(r.context["messages"]) and s.competition.entries.count() == 1
    conflicted = helpers.make_judge(world, "jx", member_org=world.orgs["xian_factory"])
    helpers.make_judge(world, "jok")
    shaanxi.post(base + "judge/", {"section": s.sections[0].pk, "username": "jx"})
    assert s.sections[0].judges.filter(judge=conflicted).exists()
    page = shaanxi.get(f"/competitions/{s.competition.pk}/").content.decode()
    assert "jx" in page
    shaanxi.post(
        base + "substitute/", {"number": 1, "section": s.sections[0].pk, "judge": "jx", "substitute": "jok"}
    )
    from gonghui.competitions.models import Substitution

    assert Substitution.objects.get().substitute.username == "jok"
    shaanxi.post(base + "rules/", {"rules": '{"rules": [{"from": 1, "to": 1, "kind": "bribe"}]}'})
    s.competition.refresh_from_db()
    assert s.competition.rules == {}
    shaanxi.post(
        base + "rules/",
        {"rules": '{"name": "市赛", "rules": [{"from": 1, "to": 1, "kind": "title", "detail": "能手"}]}'},
    )
    s.competition.refresh_from_db()
    assert s.competition.rules["name"] == "市赛"


def test_a_competitor_appeals_from_the_results_page(world, province_admin):
    s = helpers.build(world, n=2)
    worker = world.members["xian_worker"]
    entry = registration.entry_register(actor=province_admin, competition=s.competition, members=[worker])
    s.entries.append(entry)
    helpers.publish(world, s, None, [80, 70, 60])
    member = client_for("member")
    page = member.get(f"/competitions/{s.competition.pk}/results/")
    assert page.context["appeal_open"]
    member.post(f"/competitions/{s.competition.pk}/results/", {"reason": "实操模块计时有误"})
    assert entry.appeals.get().reason == "实操模块计时有误"
    # someone without an entry cannot post an appeal there
    assert (
        client_for("xian")
        .post(f"/competitions/{s.competition.pk}/results/", {"reason": "xxxxxx"})
        .status_code
        == 404
    )


def test_advancing_entries_from_the_page_says_so_once(world):
    s = helpers.build(world, n=3)
    helpers.publish(world, s, PLAN, [90, 60, 70])
    final = helpers.final_stage(world, s, advance_count=2)
    page = client_for("national", language="en").post(
        f"/competitions/{final.pk}/do/advance_entries/", follow=True
    )
    assert [str(m) for m in page.context["messages"]] == ["2 entries advanced from the previous stage."]
    assert final.entries.count() == 2


def test_a_union_inside_the_organiser_sees_a_sheet_but_may_not_open_it_403(world):
    s = helpers.build(world, n=1)
    helpers.start_marking(world, s)
    url = f"/competitions/sheets/{helpers.sheet(s, s.entries[0], 0).pk}/"
    # 西安 sees the provincial competition (its workers compete) but neither judges nor manages it
    assert client_for("xian").get(f"/competitions/{s.competition.pk}/results/").status_code == 200
    assert client_for("xian").get(url).status_code == 403
    assert client_for("xian").post(url, {"aspect": "A1", "value": "1"}).status_code == 403
    assert client_for("gansu").get(url).status_code == 404
    assert client_for("j1").get(url).status_code == 200
    assert not Mark.objects.exists()


def test_a_competitions_organiser_is_typed_by_name_and_several_matches_are_offered(world):
    from gonghui.competitions.models import Competition

    data = {
        "organisation": "陕西省总工会",
        "title": "省焊工赛",
        "kind": "skills",
        "occupation": "焊工",
        "stage": "provincial",
        "registration_opens": "2026-12-01T08:00",
        "registration_closes": "2026-12-10T18:00",
        "theory_weight": "0.30",
        "appeal_window_hours": "2",
    }
    shaanxi = client_for("shaanxi")
    several = shaanxi.post("/competitions/new/", {**data, "organisation": "市总工会"})
    assert several.status_code == 200 and several.context["form"].has_error("organisation", "org_ambiguous")
    assert not Competition.objects.exists()
    assert shaanxi.post("/competitions/new/", data).status_code == 302
    assert Competition.objects.get().organisation.code == "610000"
