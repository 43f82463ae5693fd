"""Innovation's part of the URL walk (gonghui/tests/urlwalk.py): an adopted 五小 idea, a
studio and an alliance of 西安. Ideas are open to the members of the city's community by
design (test_walk.py)."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from gonghui.innovation import models
from gonghui.innovation.services import alliances as alliance_services
from gonghui.innovation.services import ideas, studios
from gonghui.innovation.tests.helpers import member_with_login
from gonghui.testing import PNG


def xian_objects(world) -> dict:
    """An adopted 五小 idea of a 西安 factory member (with an attachment, a milestone and a
    report), a studio of the factory and an alliance of 西安 holding it."""
    member = world.users["member"]  # 张伟, 西安某机械厂
    idea = ideas.idea_submit(
        actor=member,
        kind="suggestion",
        title="车间照明改造",
        problem="车间照明不足",
        proposal="更换LED灯具",
        files=[SimpleUploadedFile("草图.png", PNG, content_type="image/png")],
    )
    _reporter, reporter = member_with_login(world, "yanta_joint", "walk_reporter")
    ideas.idea_report(actor=reporter, idea=idea, reason="内容重复")
    ideas.idea_send_to_review(actor=world.users["xian"], idea=idea)
    ideas.idea_review(
        actor=world.users["xian"],
        idea=idea,
        feasibility="high",
        estimated_benefit="12000.50",
        score=86,
        adopted=True,
        answer="方案可行，在二车间试点。",
    )
    milestone = ideas.milestone_add(
        actor=world.users["xian"], idea=idea, title="试点安装", due_on=datetime.date(2027, 1, 1)
    )
    studio = studios.studio_create(
        actor=world.users["xian"],
        organisation=world.orgs["xian_factory"],
        name="西安焊接创新工作室",
        employer="西安某机械厂",
        lead=world.members["xian_worker"],
        level="city",
        named_on="2021-04-28",
        naming_body="西安市总工会",
    )
    alliance = alliance_services.alliance_create(
        actor=world.users["xian"],
        organisation=world.orgs["xian"],
        name="西安装备制造创新联盟",
        studios=[studio],
    )
    return {
        "idea_id": idea.pk,
        "attachment_id": models.IdeaAttachment.objects.get(idea=idea).pk,
        "milestone_id": milestone.pk,
        "studio_id": studio.pk,
        "alliance_id": alliance.pk,
    }


# The idea, the studio, the alliance.
MARKERS = ["车间照明改造", "西安焊接创新工作室", "西安装备制造创新联盟"]

LIST_QUERIES = [
    ("innovation:idea_list", "?status=adopted"),
    ("innovation:idea_similar", "?title=车间照明&problem=照明不足"),
    ("innovation:studio_list", "?q=西安"),
]

FORM_POST = {
    "title": "walk",
    "due_on": "2026-01-01",
    "amount": "100",
    "rating": "excellent",
    "source": "walk",
}

API_BODIES = {
    ("POST", "ideas"): {"kind": "suggestion", "title": "walk", "problem": "walk", "proposal": "walk"},
    ("POST", "ideas/{idea_id}/support"): None,
    ("POST", "ideas/{idea_id}/report"): {"reason": "walk"},
    ("POST", "ideas/{idea_id}/review"): {
        "feasibility": "high",
        "estimated_benefit": "1",
        "score": 1,
        "adopted": False,
        "answer": "walk",
    },
}

# A member submits a 五小 idea to their own union (services.ideas.idea_submit): the write names
# no union, so there is no 西安 object to refuse; a sibling admin, who is no member, is refused
# as such.
API_OWN_UNION_WRITES = {("POST", "ideas"): (400, "not_member")}

API_SEARCHES = {
    "list_ideas": {"status": "adopted"},
    "similar_ideas": {"q": "车间照明 照明不足"},
    "list_studios": {"q": "西安"},
}

COUNTED = [
    models.Idea,
    models.IdeaSupport,
    models.IdeaReport,
    models.IdeaReview,
    models.IdeaMilestone,
    models.IdeaReward,
    models.Studio,
    models.StudioMember,
    models.Achievement,
    models.StudioReview,
    models.Funding,
    models.Alliance,
    models.AllianceMembership,
]


def snapshot(values: dict) -> tuple:
    idea = models.Idea.objects.get(pk=values["idea_id"])
    return (
        (idea.status, idea.moderation),
        models.IdeaMilestone.objects.get(pk=values["milestone_id"]).done_on,
        models.Studio.objects.get(pk=values["studio_id"]).status,
    )
