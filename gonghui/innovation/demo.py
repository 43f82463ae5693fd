"""Demo innovation data for ``seed_demo``: two studios (one in 西安 led by a showcase worker,
one in 宝鸡 with two failed yearly reviews, so de-listing is proposed), an alliance founded by
陕西省总工会 with both, and 五小 ideas in every state in 西安 (gathering support, over the
threshold and in review, sent to review by an officer, adopted with milestones and a reward,
not adopted, hidden by reports). Built through the services; deterministic.

Supporters and reporters are demo members linked to logins without a usable password (they
exist to act, nobody signs in as them); the ``worker`` login (曾乐) is one of the authors.
"""

import datetime
import random

from django.contrib.auth.hashers import make_password

from gonghui.honours import selectors as honour_selectors
from gonghui.innovation.services import alliances as alliance_services
from gonghui.innovation.services import ideas as idea_services
from gonghui.innovation.services import studios as studio_services
from gonghui.members import demo as member_demo
from gonghui.members.choices import MembershipStatus
from gonghui.members.models import Member
from gonghui.members.services import members as member_services
from gonghui.organisations import scoping
from gonghui.organisations import selectors as org_selectors

Action = scoping.Action
SUPPORT_THRESHOLD = 3  # set for 西安市总工会 so the demo shows the threshold being reached


def _member(union, name: str | None = None, *, exclude=()) -> Member | None:
    qs = Member.objects.filter(organisation=union, status=MembershipStatus.MEMBER).exclude(pk__in=exclude)
    if name:
        found = qs.filter(name=name).order_by("member_no").first()
        if found is not None:
            return found
    return qs.filter(user__isnull=True).order_by("member_no").first()


def _login_for(member: Member, username: str, actor):
    from django.contrib.auth import get_user_model

    from gonghui.accounts.services import user_create

    if member.user_id:
        return member.user
    user = get_user_model().objects.filter(username=username).first() or user_create(
        actor=None, username=username, password_hash=make_password(None), display_name=member.name
    )
    member_services.member_link_user(actor=actor, member=member, user=user)
    return user


def _member_below(org, *, exclude=()) -> Member:
    """A member in membership under ``org``'s parent, or under the grandparent … (the first by
    member number)."""
    for ancestor in reversed(org.get_ancestors()):
        found = (
            Member.objects.filter(
                organisation__in=org_selectors.subtree(ancestor), status=MembershipStatus.MEMBER
            )
            .exclude(pk__in=exclude)
            .select_related("organisation")
            .order_by("member_no")
            .first()
        )
        if found is not None:
            return found
    raise LookupError("no member to lead a demo studio")


def _note_unless_honoured(lead, note: str) -> str:
    """No note for a lead with an honour in the registry; else the officer's written reason
    (a studio is led by an honoured worker: innovation.services.studios)."""
    return "" if honour_selectors.member_honours(lead).exists() else note


def build(*, tree, users: dict, rng: random.Random) -> dict:
    g = tree.grassroots
    actor_for = member_demo.actor_for
    summary: dict = {}

    # ---- studios and the alliance ----------------------------------------------------------
    xa_union, bj_union = g["xa_equipment"], g["bj_titanium"]
    xa_lead = _member(xa_union, "解朝阳") or _member_below(xa_union)
    bj_lead = _member(bj_union, "单晓燕") or _member_below(bj_union, exclude=[xa_lead.pk])
    # With the smallest roster (benchmarks) a named lead may be away on a transfer: another
    # member, from the nearest union above that has one, leads and hosts the studio.
    xa_union, bj_union = xa_lead.organisation, bj_lead.organisation
    xa_actor = actor_for(users, xa_union, Action.MANAGE_INNOVATION)
    bj_actor = actor_for(users, bj_union, Action.MANAGE_INNOVATION)
    xa = studio_services.studio_create(
        actor=xa_actor,
        organisation=xa_union,
        name=f"{xa_lead.name}数控加工劳模创新工作室",
        employer=tree.specs["xa_equipment"].host or xa_union.host_name or "西安高新智能装备有限公司",
        industry="装备制造",
        lead=xa_lead,
        # 解朝阳 holds a registry honour (honours demo: 2022 陕西省技术能手), shown on the page;
        # a stand-in lead (smallest rosters) needs the written reason instead.
        lead_honour_note=_note_unless_honoured(
            xa_lead, "2020年 陕西省劳动模范（陕西省人民政府表彰，荣誉库待补录）"
        ),
        level="provincial",
        named_on=datetime.date(2019, 4, 28),
        naming_body="陕西省总工会",
        description="围绕数控加工精度与刀具寿命开展技术攻关，带徒传技。",
    )
    studio_services.studio_activate(actor=xa_actor, studio=xa)
    for role, mate in zip(("技术骨干", "青年技师"), _teammates(xa_union, xa_lead), strict=False):
        studio_services.studio_add_member(
            actor=xa_actor, studio=xa, member=mate, role=role, joined_on=datetime.date(2019, 5, 1)
        )
    studio_services.achievement_add(
        actor=xa_actor,
        studio=xa,
        kind="patent",
        title="一种数控车床快速对刀装置",
        achieved_on=datetime.date(2021, 9, 15),
        savings="186000.00",
        patent_no="ZL202120000001.X",
    )
    studio_services.achievement_add(
        actor=xa_actor,
        studio=xa,
        kind="method",
        title="薄壁件五步装夹操作法",
        achieved_on=datetime.date(2023, 3, 1),
        savings="52000.00",
    )
    for year, rating in ((2023, "good"), (2024, "excellent")):
        studio_services.studio_review_record(actor=xa_actor, studio=xa, year=year, rating=rating, comments="")
    studio_services.funding_record(
        actor=xa_actor, studio=xa, year=2024, amount="70000.00", source="陕西省总工会专项资金"
    )

    bj = studio_services.studio_create(
        actor=bj_actor,
        organisation=bj_union,
        name=f"{bj_lead.name}钛材检测创新工作室",
        employer=tree.specs["bj_titanium"].host or bj_union.host_name or "宝鸡渭滨钛材有限公司",
        industry="有色金属",
        lead=bj_lead,
        # Not in the registry: named on the officer's written reason (kept and audited).
        lead_honour_note=_note_unless_honoured(
            bj_lead, "2018年 宝鸡市劳动模范（宝鸡市人民政府表彰，荣誉库待补录）"
        ),
        level="city",
        named_on=datetime.date(2020, 4, 28),
        naming_body="宝鸡市总工会",
    )
    studio_services.studio_activate(actor=bj_actor, studio=bj)
    studio_services.achievement_add(
        actor=bj_actor,
        studio=bj,
        kind="standard",
        title="钛合金棒材超声检测作业指导书",
        achieved_on=datetime.date(2021, 6, 1),
        savings="0",
    )
    for year, rating, comment in (
        (2023, "fail", "全年无新成果。"),
        (2024, "fail", "团队人员流失，活动未开展。"),
    ):
        studio_services.studio_review_record(
            actor=bj_actor, studio=bj, year=year, rating=rating, comments=comment
        )
    studio_services.funding_record(
        actor=bj_actor, studio=bj, year=2022, amount="30000.00", source="宝鸡市总工会"
    )

    province = tree.by_code["610000"]
    p_actor = actor_for(users, province, Action.MANAGE_INNOVATION)
    alliance = alliance_services.alliance_create(
        actor=p_actor,
        organisation=province,
        name="陕西装备制造劳模和工匠人才创新工作室联盟",
        charter="跨区域、跨行业、跨企业的非营利性联合体；成员工作室轮值牵头，每届两年；"
        "联合攻关、成果共享、师带徒交流；连续两年考核不合格的成员工作室退出联盟。",
        founded_on=datetime.date(2022, 5, 1),
        studios=[xa, bj],
    )
    alliance_services.alliance_set_lead(
        actor=p_actor,
        alliance=alliance,
        studio=xa,
        starts_on=datetime.date(2022, 5, 1),
        ends_on=datetime.date(2024, 5, 1),
    )
    alliance_services.alliance_set_lead(
        actor=p_actor,
        alliance=alliance,
        studio=bj,
        starts_on=datetime.date(2024, 5, 1),
        ends_on=datetime.date(2026, 5, 1),
    )
    alliance_services.alliance_set_lead(
        actor=p_actor,
        alliance=alliance,
        studio=xa,
        starts_on=datetime.date(2026, 5, 1),
        ends_on=datetime.date(2028, 5, 1),
    )
    alliance_services.joint_project_create(
        actor=p_actor,
        alliance=alliance,
        title="钛合金薄壁构件数控加工与检测联合攻关",
        studios=[xa, bj],
        status="running",
    )
    summary["studios"] = 2
    summary["alliances"] = 1

    # ---- ideas ----------------------------------------------------------------------------------
    xian = tree.by_code["610100"]
    x_actor = actor_for(users, xian, Action.MANAGE_INNOVATION)
    idea_services.idea_settings_set(
        actor=users["xian"],
        organisation=xian,
        support_threshold=SUPPORT_THRESHOLD,
        report_threshold=3,
        review_days=20,
    )
    worker_member = Member.objects.filter(user__username="worker").select_related("organisation").first()
    # Members of unions in 西安 without a login (the roster is generated, so pick by number).
    pool = list(
        Member.objects.filter(
            organisation__in=org_selectors.subtree(xian), status=MembershipStatus.MEMBER, user__isnull=True
        )
        .exclude(pk=xa_lead.pk)
        .select_related("organisation")
        .order_by("member_no")[:8]
    )
    people = [
        _login_for(m, f"demo_ideas_{i + 1:02d}", actor_for(users, m.organisation, Action.MANAGE_MEMBERS))
        for i, m in enumerate(pool[:8])
    ]
    authors = people[:4]
    fans = people[4:]
    lead_user = _login_for(
        xa_lead, "demo_ideas_lead", actor_for(users, xa_lead.organisation, Action.MANAGE_MEMBERS)
    )
    worker_user = worker_member.user if worker_member is not None else authors[0]

    def submit(author, kind, title, problem, proposal, benefit=""):
        return idea_services.idea_submit(
            actor=author, kind=kind, title=title, problem=problem, proposal=proposal, expected_benefit=benefit
        )

    # 1. Gathering support (one support so far).
    gathering = submit(
        worker_user,
        "suggestion",
        "快递驿站夜间取件提醒",
        "夜班下班后驿站已关门，包裹滞留，第二天又要专门跑一趟。",
        "驿站关门前一小时给未取件的会员发提醒，并在工会驿站增设24小时自提柜。",
        "减少滞留件，方便夜班职工。",
    )
    idea_services.idea_support(actor=fans[0], idea=gathering)
    # 2. Over the threshold: moved to review by the supports.
    crowd = submit(
        authors[0],
        "innovation",
        "焊接飞溅清理刮刀",
        "焊接后飞溅物清理费时费力，影响下一道工序。",
        "用废旧锯条改制专用刮刀，配合防飞溅剂使用。",
        "每班节省约半小时。",
    )
    for fan in [*fans[:2], worker_user]:
        idea_services.idea_support(actor=fan, idea=crowd)
    # 3. Sent to review by an officer, an expert assigned.
    sent = submit(
        authors[1],
        "design",
        "数控车间刀具寿命看板",
        "刀具更换凭经验，常有崩刃造成废品。",
        "在车间看板上显示每把刀的累计切削时间，到期提醒更换。",
    )
    idea_services.idea_send_to_review(actor=x_actor, idea=sent)
    idea_services.idea_assign_expert(actor=x_actor, idea=sent, user=lead_user)
    # 4. Adopted, implementation under way, rewarded.
    adopted = submit(
        lead_user,
        "invention",
        "数控车床快速对刀辅具",
        "换型对刀平均需要25分钟，小批量生产时停机时间长。",
        "设计一种带磁性底座的快速对刀辅具，对刀时间缩短到5分钟。",
        "按年换型600次计，年节约停机时间200小时。",
    )
    for fan in (authors[2], authors[3], worker_user):
        idea_services.idea_support(actor=fan, idea=adopted)
    idea_services.idea_review(
        actor=x_actor,
        idea=adopted,
        feasibility="high",
        estimated_benefit="120000.00",
        score=92,
        adopted=True,
        answer="方案可行，效益明显。由工作室牵头在二车间试点，试点成功后全厂推广。",
    )
    steps = [
        ("样件设计与制作", datetime.date(2026, 3, 31), True),
        ("二车间试点", datetime.date(2026, 9, 30), True),
        ("全厂推广", datetime.date(2027, 3, 31), False),
    ]
    for title, due, done in steps:
        m = idea_services.milestone_add(actor=x_actor, idea=adopted, title=title, due_on=due)
        if done:
            idea_services.milestone_complete(actor=x_actor, milestone=m, done_on=due)
    idea_services.reward_record(
        actor=x_actor,
        idea=adopted,
        kind="cash",
        amount="2000.00",
        awarded_on=datetime.date(2026, 10, 15),
        note="五小成果一等奖",
    )
    # 5. Not adopted.
    declined = submit(
        authors[2],
        "suggestion",
        "食堂增加夜宵窗口",
        "夜班职工下班时食堂已关。",
        "食堂晚上十点至十二点开一个夜宵窗口。",
    )
    idea_services.idea_send_to_review(actor=x_actor, idea=declined)
    idea_services.idea_review(
        actor=x_actor,
        idea=declined,
        feasibility="medium",
        estimated_benefit="0",
        score=45,
        adopted=False,
        answer="感谢建议。厂区已与周边餐饮签约夜间配送，暂不单设窗口；工会将跟踪配送满意度。",
    )
    # 6. Hidden by reports.
    spam = submit(
        authors[3],
        "suggestion",
        "低价代购电子产品",
        "大家买东西贵。",
        "加我微信代购，价格优惠。",
    )
    for reporter in (fans[0], fans[1], authors[0]):
        idea_services.idea_report(actor=reporter, idea=spam, reason="与五小无关的广告信息")
    summary["ideas"] = 6
    return summary


def _teammates(union, lead: Member) -> list[Member]:
    return list(
        Member.objects.filter(organisation=union, status=MembershipStatus.MEMBER)
        .exclude(pk=lead.pk)
        .order_by("-member_no")[:2]
    )
