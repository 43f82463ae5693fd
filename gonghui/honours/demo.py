"""Demo honours for ``seed_demo``: a few honoured workers and a team, one provincial
nomination list on public notice with an objection, and a 劳模进校园 series of school visits
in 陕西 over two years — all built through the services.

Called once, after the members are loaded. Deterministic: the people are the members demo's
showcase workers (fixed names and unions) plus members picked in member-number order.
"""

import datetime
import random

from django.utils import timezone

from gonghui.honours import quota
from gonghui.honours.choices import ListStatus, NomineeStatus
from gonghui.honours.services import lists, nominees, objections, registry, visits
from gonghui.members.choices import IN_MEMBERSHIP
from gonghui.members.demo import actor_for
from gonghui.members.models import Member
from gonghui.organisations import scoping
from gonghui.organisations import selectors as org_selectors
from gonghui.organisations.demo import PROVINCE_CODE, DemoTree

Action = scoping.Action

# (name, union key, kind, level, year, issuing body, allowance, medical benefit)
HONOURED = [
    ("仇建国", "xa_aerospace", "model_worker", "provincial", 2020, "陕西省人民政府", True, True),
    ("区志强", "xa_autoparts", "may_day_medal", "national", 2023, "中华全国总工会", False, False),
    (
        "解朝阳",
        "xa_equipment",
        "technical_expert",
        "provincial",
        2022,
        "陕西省人力资源和社会保障厅",
        False,
        False,
    ),
]
TEAM = ("宝鸡渭滨钛材有限公司真空熔炼班", "bj_titanium", "pioneer_team", "provincial", 2024, "陕西省总工会")

# The 2026 provincial May Day medal list: (name or None, union key, facts the union enters).
NOMINEES = [
    ("解朝阳", "xa_equipment", {"is_front_line": True}),
    ("欧阳明华", "bj_machine_tools", {"is_front_line": True}),
    ("尉迟敬文", "xa_bus", {"is_front_line": True}),
    ("翟丽娟", "xa_hospital", {"is_front_line": True}),
    ("盖晓东", "xa_changan_trucks", {"is_front_line": True, "enterprise_ownership": "non_public"}),
    ("查文博", "xa_software", {"is_front_line": False}),
    (None, "xa_store", {"is_front_line": True}),
]
DEEDS = "立足岗位、攻坚克难，带领班组完成多项技术革新，年创经济效益百万元以上。"


def _member(tree: DemoTree, name, union_key):
    """A showcase worker by name (wherever a demo transfer took them), else the first member
    of the union."""
    qs = Member.objects.filter(status__in=IN_MEMBERSHIP)
    qs = qs.filter(name=name) if name else qs.filter(organisation=tree.grassroots[union_key])
    return qs.select_related("organisation").order_by("member_no").first()


def build(*, tree: DemoTree, users: dict, rng: random.Random) -> None:
    province = tree.by_code[PROVINCE_CODE]
    for name, key, kind, level, year, body, allowance, medical in HONOURED:
        member = _member(tree, name, key)
        if member is None:
            continue
        registry.honour_grant(
            actor=actor_for(users, member.organisation, Action.MANAGE_HONOURS),
            member=member,
            organisation=member.organisation,
            kind=kind,
            level=level,
            year=year,
            issuing_body=body,
            allowance=allowance,
            medical_benefit=medical,
            source="档案录入",
        )
    team_name, key, kind, level, year, body = TEAM
    union = tree.grassroots[key]
    crew = list(Member.objects.filter(organisation=union, status__in=IN_MEMBERSHIP).order_by("member_no")[:5])
    registry.honour_grant(
        actor=actor_for(users, union, Action.MANAGE_HONOURS),
        team_name=team_name,
        team_host=union.host_name,
        team_members=crew,
        organisation=union,
        kind=kind,
        level=level,
        year=year,
        issuing_body=body,
    )
    _nomination_list(tree, users, province)
    build_school_visits(tree=tree, users=users)


def _nomination_list(tree: DemoTree, users: dict, province) -> None:
    today = timezone.localdate()
    nl = lists.nomination_list_create(
        actor=users["shaanxi"],
        organiser=province,
        title=f"{today.year}年陕西省五一劳动奖章推荐评选",
        kind="may_day_medal",
        level="provincial",
        year=today.year,
        issuing_body="陕西省总工会",
    )
    chosen = []
    for name, key, facts in NOMINEES:
        member = _member(tree, name, key)
        if member is not None and member not in chosen:
            chosen.append((member, facts))
    migrant = (
        Member.objects.filter(
            organisation__in=org_selectors.subtree(province),
            status__in=IN_MEMBERSHIP,
            is_migrant_worker=True,
            organisation__host_ownership__gt="",
        )
        .exclude(pk__in=[m.pk for m, _f in chosen])
        .select_related("organisation")
        .order_by("member_no")
        .first()
    )
    if migrant is not None:
        chosen.append((migrant, {"is_front_line": True}))
    for member, facts in chosen:
        union = member.organisation
        nominee = nominees.nominee_recommend(
            actor=actor_for(users, union, Action.MANAGE_HONOURS),
            nomination_list=nl,
            recommending_org=union,
            member=member,
            deeds=DEEDS,
            **facts,
        )
        while nominee.status == NomineeStatus.IN_REVIEW:
            nominee = nominees.nominee_approve(
                actor=actor_for(users, nominee.current_org, Action.MANAGE_HONOURS), nominee=nominee
            )
    lines = lists.quota_lines(nl)
    reason = "" if quota.all_met(lines) else "演示数据：名额结构待调整"
    nl = lists.publicity_start(
        actor=users["shaanxi"], nomination_list=nl, start=today, override_reason=reason
    )
    if nl.status == ListStatus.PUBLICITY:
        first = nl.nominees.filter(status=NomineeStatus.ACCEPTED).order_by("created_at").first()
        objections.objection_submit(
            actor=None,
            nomination_list=nl,
            nominee_id=first.pk if first else None,
            name="",
            contact="13700001234",
            text="反映该同志所在班组的技术革新成果系集体完成，请核实个人事迹。",
        )


# A 宝鸡 model worker, so that the visits have honoured people in both cities.
BAOJI_HONOURED = ("欧阳明华", "bj_machine_tools", "model_worker", "city", 2021, "宝鸡市人民政府")

# 劳模进校园 (people by name; organiser: a city key or "province"; school; division; kind;
# (years ago, month, day); role; topic; audience; hours). Last year's 西安市第八十三中学 and
# 咸阳职业技术学院 get no visit this year: the coverage page lists them.
VISITS = [
    (["仇建国"], "xian", "西安市第八十三中学", "610113", "school", (1, 4, 22), "lecture",
     "航天动力与工匠精神", 600, "1.5"),
    (["解朝阳"], "xian", "西安高新第一中学", "610113", "school", (1, 5, 9), "counsellor",
     "我的技能成长之路", 120, "1.0"),
    (["区志强", "解朝阳"], "province", "陕西工业职业技术学院", "610404", "higher_vocational", (1, 10, 16),
     "mentor", "汽车零部件精密加工实训", 45, "4.0"),
    (["欧阳明华"], "baoji", "宝鸡职业技术学院", "610303", "higher_vocational", (1, 11, 6), "mentor",
     "机床质检与质量意识", 60, "3.0"),
    (["仇建国"], "province", "咸阳职业技术学院", "610402", "higher_vocational", (1, 12, 3), "lecture",
     "大国重器里的毫米之功", 800, "2.0"),
    (["解朝阳"], "xian", "西安高新第一中学", "610113", "school", (0, 3, 12), "counsellor",
     "学技能、爱劳动", 150, "1.0"),
    (["仇建国", "区志强"], "province", "西安交通大学", "610113", "undergraduate", (0, 4, 28), "lecture",
     "劳模精神与青年成长", 1200, "2.0"),
    (["欧阳明华"], "baoji", "宝鸡中学", "610302", "school", (0, 5, 20), "lecture",
     "一名质检员的“零缺陷”追求", 500, "1.5"),
    (["欧阳明华"], "baoji", "宝鸡职业技术学院", "610303", "higher_vocational", (0, 6, 3), "mentor",
     "精密测量实训", 40, "4.0"),
    (["区志强"], "province", "陕西工业职业技术学院", "610404", "higher_vocational", (0, 9, 18), "mentor",
     "汽车零部件精密加工实训（第二期）", 50, "4.0"),
    (["解朝阳"], "province", "渭南师范学院", "610502", "undergraduate", (0, 10, 15), "lecture",
     "智能制造时代的技能人才", 300, "2.0"),
]  # fmt: skip


def _visit_date(today: datetime.date, when: tuple[int, int, int]) -> datetime.date:
    """A date ``years_ago`` before this year; this year's never after today (a visit in the
    ledger has happened)."""
    years_ago, month, day = when
    return min(datetime.date(today.year - years_ago, month, day), today)


def build_school_visits(*, tree: DemoTree, users: dict) -> None:
    """The 劳模进校园 series: honoured people of 西安 and 宝鸡 at schools in 西安, 宝鸡, 咸阳
    and 渭南, last year and this year, recorded by the organising unions' officers."""
    name, key, kind, level, year, body = BAOJI_HONOURED
    member = _member(tree, name, key)
    if member is not None and not member.honours.filter(kind=kind, level=level, year=year).exists():
        registry.honour_grant(
            actor=actor_for(users, member.organisation, Action.MANAGE_HONOURS),
            member=member,
            organisation=member.organisation,
            kind=kind,
            level=level,
            year=year,
            issuing_body=body,
            source="档案录入",
        )
    organisers = {
        "province": tree.by_code[PROVINCE_CODE],
        "xian": tree.by_code["610100"],
        "baoji": tree.by_code["610300"],
    }
    today = timezone.localdate()
    for names, organiser, school, division, school_kind, when, role, topic, audience, hours in VISITS:
        people = [m for m in (_member(tree, n, None) for n in names) if m is not None and m.honours.exists()]
        if not people:
            continue
        union = organisers[organiser]
        visits.visit_create(
            actor=actor_for(users, union, Action.MANAGE_HONOURS),
            organisation=union,
            people=people,
            school_name=school,
            school_division=division,
            school_kind=school_kind,
            date=_visit_date(today, when),
            role=role,
            topic=topic,
            audience=audience,
            hours=hours,
        )
