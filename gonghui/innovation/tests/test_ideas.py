import io
from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from gonghui.core.models import AuditEntry
from gonghui.innovation import selectors, similarity
from gonghui.innovation.choices import IdeaStatus, Moderation
from gonghui.innovation.models import Idea, IdeaAttachment, IdeaMilestone, IdeaReport, IdeaSupport
from gonghui.innovation.services import ideas as services
from gonghui.innovation.tests.helpers import PDF, member_with_login, supporters
from gonghui.testing import PNG

pytestmark = pytest.mark.django_db


def submit(user, **extra):
    data = {
        "kind": "innovation",
        "title": "焊接飞溅清理工具",
        "problem": "焊接后飞溅物清理费时费力，影响下一道工序。",
        "proposal": "用旧锯条改制刮刀，配合防飞溅剂使用。",
        "expected_benefit": "每班节省半小时。",
    }
    data.update(extra)
    return services.idea_submit(actor=user, **data)


def upload(name: str, data: bytes):
    f = io.BytesIO(data)
    f.name = name
    f.size = len(data)
    return f


# ---- submit --------------------------------------------------------------------------------


def test_member_submits_idea_owned_by_their_union_with_audit(world, member_user):
    idea = submit(member_user, files=[upload("sketch.png", PNG), upload("plan.pdf", PDF)])
    assert idea.organisation == world.orgs["xian_factory"]
    assert idea.author == world.members["xian_worker"]
    assert idea.status == IdeaStatus.SUBMITTED
    assert IdeaAttachment.objects.filter(idea=idea).count() == 2
    assert AuditEntry.objects.filter(action="innovation.idea.submitted", object_id=str(idea.pk)).exists()


@pytest.mark.parametrize(
    ("extra", "code"),
    [
        ({"proposal": "   "}, "required"),
        ({"title": ""}, "required"),
        ({"kind": "big_invention"}, "invalid_choice"),
        ({"files": [upload("virus.exe", b"MZ\x90\x00")]}, "file_type"),
        ({"files": [upload("fake.png", b"GIF89a....")]}, "file_type"),
        ({"files": [upload("big.pdf", b"%PDF-" + b"0" * (5 * 1024 * 1024))]}, "file_too_large"),
        ({"files": [upload("empty.pdf", b"")]}, "file_empty"),
        ({"files": [upload(f"p{i}.png", PNG) for i in range(6)]}, "too_many_files"),
        ({"title": "车间\x01照明"}, "control_characters"),
        ({"problem": "焊接\x00飞溅"}, "control_characters"),
    ],
)
def test_bad_idea_input_is_refused_and_nothing_is_written(member_user, extra, code):
    audits = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as exc:
        submit(member_user, **extra)
    assert code in [e.code for errors in exc.value.error_dict.values() for e in errors]
    assert Idea.objects.count() == 0 and IdeaAttachment.objects.count() == 0
    assert AuditEntry.objects.count() == audits


def test_an_idea_is_kept_as_written_in_nfc_with_its_chinese_punctuation(member_user):
    """Free text goes through core.text (it skipped it before): decomposed characters are
    composed, surrounding spaces dropped, full-width punctuation kept."""
    idea = submit(member_user, title="  焊接飞溅，清理（改进）  ", problem="Cafe\u0301的问题：飞溅。")
    assert (idea.title, idea.problem) == ("焊接飞溅，清理（改进）", "Café的问题：飞溅。")


def test_a_login_without_a_member_record_cannot_submit(city_admin):
    with pytest.raises(ValidationError) as exc:
        submit(city_admin)
    assert exc.value.code == "not_member"
    assert Idea.objects.count() == 0


# ---- support ---------------------------------------------------------------------------------


def test_member_supports_once_and_second_time_is_refused(world, member_user):
    idea = submit(member_user)
    _, user = member_with_login(world, "yanta_joint", "colleague")
    idea = services.idea_support(actor=user, idea=idea)
    assert idea.support_count == 1
    with pytest.raises(services.AlreadySupported) as exc:
        services.idea_support(actor=user, idea=idea)
    assert exc.value.code == "already_supported"
    assert IdeaSupport.objects.filter(idea=idea).count() == 1
    idea.refresh_from_db()
    assert idea.support_count == 1


def test_double_click_race_past_the_check_leaves_one_row(world, member_user):
    """Two requests both pass the "already supported?" check before either writes: the unique
    constraint stops the second, which gets the same clean answer."""
    idea = submit(member_user)
    _, user = member_with_login(world, "yanta_joint", "clicker")
    services.idea_support(actor=user, idea=idea)
    real_filter = IdeaSupport.objects.filter

    def blind_filter(*args, **kwargs):
        qs = real_filter(*args, **kwargs)
        return qs.none() if kwargs.get("member") is not None else qs

    with mock.patch.object(IdeaSupport.objects, "filter", side_effect=blind_filter):
        with pytest.raises(services.AlreadySupported):
            services.idea_support(actor=user, idea=idea)
    assert IdeaSupport.objects.filter(idea=idea).count() == 1
    idea.refresh_from_db()
    assert idea.support_count == 1


def test_author_cannot_support_own_idea(member_user):
    idea = submit(member_user)
    with pytest.raises(ValidationError) as exc:
        services.idea_support(actor=member_user, idea=idea)
    assert exc.value.code == "own_idea"
    assert IdeaSupport.objects.count() == 0


def test_member_of_another_city_cannot_support(world, member_user):
    idea = submit(member_user)
    _, baoji_user = member_with_login(world, "baoji_factory", "baoji_worker_login")
    with pytest.raises(Http404):
        services.idea_support(actor=baoji_user, idea=idea)
    assert IdeaSupport.objects.count() == 0


def test_reaching_the_threshold_moves_the_idea_to_review(world, member_user, city_admin):
    services.idea_settings_set(
        actor=city_admin, organisation=world.orgs["xian"], support_threshold=3, report_threshold=3
    )
    idea = submit(member_user)
    users = supporters(world, 3)
    for user in users[:2]:
        idea = services.idea_support(actor=user, idea=idea)
    assert idea.status == IdeaStatus.SUBMITTED
    idea = services.idea_support(actor=users[2], idea=idea)
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.IN_REVIEW
    assert idea.review_due_on is not None
    assert AuditEntry.objects.filter(action="innovation.idea.review_started", object_id=str(idea.pk)).exists()
    # Once in review it no longer gathers support.
    _, late = member_with_login(world, "yanta_joint", "late")
    with pytest.raises(ValidationError) as exc:
        services.idea_support(actor=late, idea=idea)
    assert exc.value.code == "not_open"


def test_threshold_is_inherited_from_the_nearest_ancestor(
    world, province_admin, city_admin, sibling_city_admin
):
    assert selectors.idea_thresholds(world.orgs["xian_factory"]) == (10, 3)
    services.idea_settings_set(
        actor=province_admin,
        organisation=world.orgs["shaanxi"],
        support_threshold=7,
        report_threshold=4,
    )
    services.idea_settings_set(
        actor=city_admin, organisation=world.orgs["xian"], support_threshold=2, report_threshold=5
    )
    assert selectors.idea_thresholds(world.orgs["xian_factory"]) == (2, 5)
    assert selectors.idea_thresholds(world.orgs["baoji_factory"]) == (7, 4)
    with pytest.raises(Http404):
        services.idea_settings_set(
            actor=sibling_city_admin,
            organisation=world.orgs["xian"],
            support_threshold=1,
            report_threshold=1,
        )


# ---- review --------------------------------------------------------------------------------------


def in_review(world):
    idea = submit(world.users["member"])
    return services.idea_send_to_review(actor=world.users["xian_officer"], idea=idea)


def test_review_adopts_with_published_answer(world, city_officer):
    idea = in_review(world)
    review = services.idea_review(
        actor=city_officer,
        idea=idea,
        feasibility="high",
        estimated_benefit="12000.50",
        score=86,
        adopted=True,
        answer="方案可行，在二车间试点。",
    )
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.ADOPTED and idea.answer == "方案可行，在二车间试点。"
    assert review.estimated_benefit == Decimal("12000.50") and review.score == 86
    assert list(selectors.adopted_ideas_for(world.members["xian_worker"])) == [idea]


def test_review_not_adopted(world, city_admin):
    idea = in_review(world)
    services.idea_review(
        actor=city_admin,
        idea=idea,
        feasibility="low",
        estimated_benefit="0",
        score=30,
        adopted=False,
        answer="现有设备已解决该问题。",
    )
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.NOT_ADOPTED
    assert list(selectors.adopted_ideas_for(world.members["xian_worker"])) == []


@pytest.mark.parametrize(
    ("extra", "code"),
    [
        ({"score": 101}, "number_too_large"),
        ({"score": -1}, "number_too_small"),
        ({"estimated_benefit": "abc"}, "amount_invalid"),
        ({"estimated_benefit": "1.005"}, "amount_precision"),
        ({"answer": ""}, "required"),
        ({"feasibility": "maybe"}, "invalid_choice"),
    ],
)
def test_bad_review_is_refused_and_nothing_changes(world, city_admin, extra, code):
    idea = in_review(world)
    data = {"feasibility": "high", "estimated_benefit": "100", "score": 80, "adopted": True, "answer": "好"}
    data.update(extra)
    with pytest.raises(ValidationError) as exc:
        services.idea_review(actor=city_admin, idea=idea, **data)
    assert code in [e.code for errors in exc.value.error_dict.values() for e in errors]
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.IN_REVIEW and not hasattr(idea, "review")


def test_idea_not_in_review_cannot_be_decided(member_user, city_admin):
    idea = submit(member_user)
    with pytest.raises(ValidationError) as exc:
        services.idea_review(
            actor=city_admin,
            idea=idea,
            feasibility="high",
            estimated_benefit="1",
            score=1,
            adopted=True,
            answer="a",
        )
    assert exc.value.code == "not_in_review"


def test_assigned_expert_may_review_viewer_may_not_sibling_gets_404(
    world, city_viewer, city_admin, sibling_city_admin
):
    idea = in_review(world)
    with pytest.raises(PermissionDenied):
        services.idea_review(
            actor=city_viewer,
            idea=idea,
            feasibility="high",
            estimated_benefit="1",
            score=1,
            adopted=True,
            answer="a",
        )
    with pytest.raises(Http404):
        services.idea_review(
            actor=sibling_city_admin,
            idea=idea,
            feasibility="high",
            estimated_benefit="1",
            score=1,
            adopted=True,
            answer="a",
        )
    from gonghui.testing import make_user

    expert = make_user("expert")
    services.idea_assign_expert(actor=city_admin, idea=idea, user=expert)
    assert selectors.idea_or_404(expert, idea.pk) == idea
    services.idea_review(
        actor=expert,
        idea=idea,
        feasibility="medium",
        estimated_benefit="500",
        score=70,
        adopted=True,
        answer="可行",
    )
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.ADOPTED


# ---- milestones, progress, reward ----------------------------------------------------------------


def adopted(world):
    idea = in_review(world)
    services.idea_review(
        actor=world.users["xian"],
        idea=idea,
        feasibility="high",
        estimated_benefit="8000",
        score=90,
        adopted=True,
        answer="采纳",
    )
    idea.refresh_from_db()
    return idea


def test_progress_is_share_of_milestones_done_and_all_done_means_implemented(world, city_officer):
    idea = adopted(world)
    officer = city_officer
    assert selectors.progress(idea) == 0
    ms = [
        services.milestone_add(actor=officer, idea=idea, title=f"步骤{i}", due_on="2026-12-01")
        for i in range(3)
    ]
    services.milestone_complete(actor=officer, milestone=ms[0])
    assert selectors.progress(idea) == 33  # 1 of 3, rounded down
    services.milestone_complete(actor=officer, milestone=ms[1])
    assert selectors.progress(idea) == 66
    services.milestone_complete(actor=officer, milestone=ms[2])
    assert selectors.progress(idea) == 100
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.IMPLEMENTED
    # A new step re-opens implementation.
    services.milestone_add(actor=officer, idea=idea, title="推广", due_on="2027-01-01")
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.ADOPTED and selectors.progress(idea) == 75
    assert list(selectors.adopted_ideas_for(world.members["xian_worker"])) == [idea]


def test_milestones_and_rewards_need_an_adopted_idea(world, city_admin):
    idea = in_review(world)
    with pytest.raises(ValidationError) as exc:
        services.milestone_add(actor=city_admin, idea=idea, title="x", due_on="2026-12-01")
    assert exc.value.code == "not_adopted"
    with pytest.raises(ValidationError):
        services.reward_record(actor=city_admin, idea=idea, kind="cash", amount="500")
    assert IdeaMilestone.objects.count() == 0


def test_reward_is_recorded_with_amount(world, city_admin):
    idea = adopted(world)
    reward = services.reward_record(actor=city_admin, idea=idea, kind="cash", amount="800.00", note="一等奖")
    assert reward.amount == Decimal("800.00")
    with pytest.raises(ValidationError):
        services.reward_record(actor=city_admin, idea=idea, kind="cash", amount="-5")
    assert idea.rewards.count() == 1


# ---- moderation -------------------------------------------------------------------------------------


def test_idea_is_hidden_after_n_reports_and_moderator_restores(
    world, member_user, city_admin, city_officer, sibling_city_admin
):
    idea = submit(member_user)
    reporters = supporters(world, 3, prefix="rep")
    for user in reporters[:2]:
        services.idea_report(actor=user, idea=idea, reason="广告")
    idea.refresh_from_db()
    assert idea.moderation == Moderation.VISIBLE
    with pytest.raises(ValidationError) as exc:
        services.idea_report(actor=reporters[0], idea=idea, reason="again")
    assert exc.value.code == "already_reported"
    services.idea_report(actor=reporters[2], idea=idea, reason="广告")
    idea.refresh_from_db()
    assert idea.moderation == Moderation.HIDDEN
    # Hidden from other members, still visible to the author and to officers.
    _, other = member_with_login(world, "yanta_joint", "other")
    with pytest.raises(Http404):
        selectors.idea_or_404(other, idea.pk)
    assert selectors.idea_or_404(member_user, idea.pk) == idea
    assert list(selectors.moderation_queue(city_officer)) == [idea]
    assert list(selectors.moderation_queue(sibling_city_admin)) == []
    with pytest.raises(ValidationError):
        services.idea_moderate(actor=city_admin, idea=idea, decision="restore", reason="")
    services.idea_moderate(actor=city_admin, idea=idea, decision="restore", reason="内容正常")
    idea.refresh_from_db()
    assert idea.moderation == Moderation.VISIBLE
    assert not IdeaReport.objects.filter(idea=idea, resolved=False).exists()
    assert selectors.idea_or_404(other, idea.pk) == idea


def test_moderator_removes_idea(world, member_user, city_admin, sibling_city_admin):
    idea = submit(member_user)
    services.idea_moderate(actor=city_admin, idea=idea, decision="remove", reason="重复内容")
    idea.refresh_from_db()
    assert idea.moderation == Moderation.REMOVED
    _, other = member_with_login(world, "yanta_joint", "other2")
    with pytest.raises(Http404):
        selectors.idea_or_404(other, idea.pk)
    with pytest.raises(Http404):
        services.idea_moderate(actor=sibling_city_admin, idea=idea, decision="restore", reason="x")


# ---- scope and similarity ----------------------------------------------------------------------------


def test_sibling_city_admin_and_member_cannot_see_xian_idea(
    world, member_user, sibling_city_admin, sibling_admin, city_admin, province_admin
):
    idea = submit(member_user)
    with pytest.raises(Http404):
        selectors.idea_or_404(sibling_city_admin, idea.pk)
    with pytest.raises(Http404):
        selectors.idea_or_404(sibling_admin, idea.pk)
    assert list(selectors.idea_list(sibling_city_admin)) == []
    _, baoji_member = member_with_login(world, "baoji_factory", "bj_login")
    assert list(selectors.idea_list(baoji_member)) == []
    assert selectors.idea_or_404(city_admin, idea.pk) == idea
    assert selectors.idea_or_404(province_admin, idea.pk) == idea
    _, colleague = member_with_login(world, "yanta_joint", "colleague_xa")
    assert selectors.idea_or_404(colleague, idea.pk) == idea


def test_similarity_is_bigram_jaccard():
    assert similarity.bigrams("焊接 飞溅！") == frozenset({"焊接", "接飞", "飞溅"})
    a, b = similarity.bigrams("焊接飞溅"), similarity.bigrams("焊接烟尘")
    # {焊接,接飞,飞溅} vs {焊接,接烟,烟尘}: 1 shared of 5 distinct.
    assert similarity.jaccard(a, b) == pytest.approx(0.2)
    assert similarity.jaccard(a, a) == 1.0
    assert similarity.rank("焊", []) == []


def test_similar_ideas_are_ranked_best_first_within_scope(world, member_user):
    submit(member_user, title="焊接飞溅清理工具", problem="焊接飞溅物清理费时")
    submit(member_user, title="焊接烟尘收集罩", problem="焊接烟尘大")
    submit(member_user, title="食堂排队改进", problem="午饭排队时间长")
    _, colleague = member_with_login(world, "yanta_joint", "typer")
    ranked = selectors.similar_ideas(colleague, "焊接飞溅清理 飞溅物很难清理")
    titles = [i.title for _, i in ranked]
    assert titles[0] == "焊接飞溅清理工具"
    assert "食堂排队改进" not in titles
    assert [s for s, _ in ranked] == sorted((s for s, _ in ranked), reverse=True)
    _, baoji_member = member_with_login(world, "baoji_factory", "bj_typer")
    assert selectors.similar_ideas(baoji_member, "焊接飞溅清理") == []
