import pytest

from gonghui.core.models import AuditEntry
from gonghui.innovation.models import Idea, IdeaSupport
from gonghui.innovation.services import alliances as alliance_services
from gonghui.innovation.services import ideas as services
from gonghui.innovation.services import studios as studio_services
from gonghui.innovation.tests.helpers import member_with_login
from gonghui.testing import api_for

pytestmark = pytest.mark.django_db

IDEA = {"kind": "suggestion", "title": "车间照明改造", "problem": "车间照明不足", "proposal": "更换LED灯具"}


def test_member_creates_idea_and_lists_it(world):
    c = api_for("member")
    r = c.post("/api/v1/ideas", IDEA, content_type="application/json")
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["status"] == "submitted" and body["organisation"]["code"] == "XA-0001"
    assert body["support_threshold"] == 10 and body["progress"] == 0
    listed = c.get("/api/v1/ideas?mine=true").json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == body["id"]


def test_empty_proposal_is_400_with_code_and_nothing_written(world):
    r = api_for("member").post("/api/v1/ideas", {**IDEA, "proposal": ""}, content_type="application/json")
    assert r.status_code == 400
    assert r.json()["code"] == "required"
    assert Idea.objects.count() == 0


def test_support_twice_gives_409_with_code(world, member_user):
    idea = services.idea_submit(actor=member_user, **IDEA)
    member_with_login(world, "yanta_joint", "fan")
    c = api_for("fan")
    r = c.post(f"/api/v1/ideas/{idea.pk}/support")
    assert r.status_code == 201 and r.json()["support_count"] == 1
    r = c.post(f"/api/v1/ideas/{idea.pk}/support")
    assert r.status_code == 409
    assert r.json()["code"] == "already_supported" and r.json()["detail"]
    assert IdeaSupport.objects.count() == 1
    own = api_for("member").post(f"/api/v1/ideas/{idea.pk}/support")
    assert own.status_code == 400 and own.json()["code"] == "own_idea"


def test_baoji_admin_gets_404_for_xian_idea(member_user):
    idea = services.idea_submit(actor=member_user, **IDEA)
    assert api_for("xian").get(f"/api/v1/ideas/{idea.pk}").status_code == 200
    r = api_for("baoji").get(f"/api/v1/ideas/{idea.pk}")
    assert r.status_code == 404 and r.json()["code"] == "not_found"
    assert api_for("baoji").post(f"/api/v1/ideas/{idea.pk}/support").status_code == 404
    assert api_for("baoji").get("/api/v1/ideas").json() == {"items": [], "count": 0}
    assert api_for("baoji").get("/api/v1/ideas/similar?q=车间照明").json() == {"items": []}


def test_similar_endpoint_ranks_ideas(member_user):
    services.idea_submit(actor=member_user, **IDEA)
    services.idea_submit(actor=member_user, **{**IDEA, "title": "食堂菜品", "problem": "菜品单一"})
    items = api_for("xian").get("/api/v1/ideas/similar?q=车间照明太暗").json()["items"]
    assert [i["title"] for i in items] == ["车间照明改造"]
    assert 0 < items[0]["similarity"] <= 1


def test_review_endpoint_and_viewer_403(member_user, city_admin):
    idea = services.idea_submit(actor=member_user, **IDEA)
    services.idea_send_to_review(actor=city_admin, idea=idea)
    payload = {
        "feasibility": "high",
        "estimated_benefit": "3000",
        "score": 88,
        "adopted": True,
        "answer": "采纳",
    }
    assert (
        api_for("xian_viewer")
        .post(f"/api/v1/ideas/{idea.pk}/review", payload, content_type="application/json")
        .status_code
        == 403
    )
    r = api_for("xian_officer").post(
        f"/api/v1/ideas/{idea.pk}/review", payload, content_type="application/json"
    )
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "adopted" and r.json()["review"]["estimated_benefit"] == "3000.00"
    # The author sees the published answer.
    assert api_for("member").get(f"/api/v1/ideas/{idea.pk}").json()["answer"] == "采纳"


def make_studio(world, **overrides):
    return studio_services.studio_create(
        **{
            "actor": world.users["xian"],
            "organisation": world.orgs["xian_factory"],
            "name": "张伟焊接创新工作室",
            "employer": "西安某机械厂",
            "lead": world.members["xian_worker"],
            "level": "city",
            "named_on": "2021-04-28",
            "naming_body": "西安市总工会",
            "lead_honour_note": "2020 西安市劳动模范",
            **overrides,
        }
    )


def test_studios_and_alliances_are_scoped(world, city_admin, province_admin):
    studio = make_studio(world)
    studio_services.achievement_add(
        actor=city_admin,
        studio=studio,
        kind="patent",
        title="焊枪夹具",
        achieved_on="2022-05-01",
        savings="150000",
        patent_no="ZL202220000001.1",
    )
    alliance = alliance_services.alliance_create(
        actor=province_admin,
        organisation=world.orgs["shaanxi"],
        name="陕西装备制造创新工作室联盟",
        founded_on="2022-01-01",
        studios=[studio],
    )
    data = api_for("xian").get("/api/v1/studios").json()
    assert data["count"] == 1 and data["items"][0]["lead"] == "张伟"
    detail = api_for("xian").get(f"/api/v1/studios/{studio.pk}").json()
    assert (
        detail["total_savings"] == "150000.00"
        and detail["achievements"][0]["patent_no"] == "ZL202220000001.1"
    )
    assert api_for("baoji").get("/api/v1/studios").json()["count"] == 0
    assert api_for("baoji").get(f"/api/v1/studios/{studio.pk}").status_code == 404
    # The alliance is founded by Shaanxi but visible to Xi'an through its member studio.
    assert api_for("xian").get("/api/v1/alliances").json()["count"] == 1
    assert (
        api_for("xian").get(f"/api/v1/alliances/{alliance.pk}").json()["members"][0]["studio"] == studio.name
    )
    assert api_for("baoji").get("/api/v1/alliances").json()["count"] == 0
    assert api_for("gansu").get(f"/api/v1/alliances/{alliance.pk}").status_code == 404
    assert AuditEntry.objects.filter(action="innovation.alliance.founded").count() == 1
