"""Builders for the competition tests: a Shaanxi welding competition with a two-section
scheme (measurement and judgement aspects), entries and judges."""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from gonghui.competitions.choices import Status
from gonghui.competitions.models import Sheet
from gonghui.competitions.services import assignments, marking, registration, results, scheme, setup
from gonghui.members.services import members as member_services
from gonghui.organisations import services as org_services
from gonghui.organisations.choices import Role
from gonghui.testing import make_id_number, make_phone, make_user, person_name

SCHEME = {
    "sections": [
        {
            "name": "试件焊接",
            "weight": "0.6",
            "aspects": [
                {
                    "code": "A1",
                    "description": "焊缝外观无裂纹",
                    "max_mark": "10",
                    "kind": "measurement",
                    "mode": "full",
                },
                {
                    "code": "A2",
                    "description": "焊缝余高偏差（mm）",
                    "max_mark": "5",
                    "kind": "measurement",
                    "mode": "bands",
                    "bands": [{"within": "0.5", "mark": "5"}, {"within": "1", "mark": "3"}],
                },
            ],
        },
        {
            "name": "工艺与安全",
            "weight": "0.4",
            "aspects": [
                {
                    "code": "B1",
                    "description": "操作规范",
                    "max_mark": "6",
                    "kind": "judgement",
                    "descriptors": {"0": "不合格", "1": "基本合格", "2": "良好", "3": "优秀"},
                }
            ],
        },
    ]
}


def make_member(org, name, *, employer="", skill_grade="", birth=datetime.date(1990, 5, 17), region="610113"):
    return member_services.member_create(
        actor=None,
        organisation=org,
        name=name,
        id_number=make_id_number(region, birth, "M"),
        phone=make_phone(),
        joined_on=datetime.date(2020, 1, 1),
        employer=employer,
        skill_grade=skill_grade,
    )


def make_judge(world, username, *, member_org=None, employer=""):
    user = make_user(username)
    org_services.role_assign(actor=None, user=user, organisation=world.orgs["shaanxi"], role=Role.JUDGE)
    if member_org is not None:
        member = make_member(member_org, "裁判员", employer=employer)
        member_services.member_link_user(actor=world.users["operator"], member=member, user=user)
    return user


@dataclass
class Setup:
    competition: object
    sections: list
    entries: list = field(default_factory=list)
    members: list = field(default_factory=list)
    judges: list = field(default_factory=list)


def build(world, *, organiser="shaanxi", n=3, judges=True, **settings) -> Setup:
    """A competition in registration with ``n`` individual entries (members of the Xi'an
    and Baoji factories) and, with ``judges``, j1 on the measurement section and j1–j3 on
    the judgement section."""
    admin = world.users["shaanxi"]
    now = timezone.now()
    competition = setup.competition_create(
        actor=admin,
        organisation=world.orgs[organiser],
        title="焊工技能竞赛",
        occupation="焊工",
        registration_opens=now - datetime.timedelta(days=1),
        registration_closes=now + datetime.timedelta(days=1),
        **settings,
    )
    sections = scheme.scheme_import(actor=admin, competition=competition, data=SCHEME)
    competition = setup.competition_advance_status(actor=admin, competition=competition)
    s = Setup(competition=competition, sections=sections)
    for i in range(n):
        org = world.orgs["xian_factory"] if i % 2 == 0 else world.orgs["baoji_factory"]
        m = make_member(org, person_name(i + 1, "选手"), employer="某单位" + str(i))
        s.members.append(m)
        s.entries.append(registration.entry_register(actor=admin, competition=competition, members=[m]))
    if judges:
        for k in range(1, 4):
            s.judges.append(make_judge(world, f"j{k}"))
        assignments.judge_assign(actor=admin, section=sections[0], judge=s.judges[0])
        for j in s.judges:
            assignments.judge_assign(actor=admin, section=sections[1], judge=j)
    return s


def start_marking(world, s: Setup):
    s.competition = setup.competition_advance_status(actor=world.users["shaanxi"], competition=s.competition)
    assert s.competition.status == Status.MARKING
    return s.competition


def sheet(s: Setup, entry, section_index: int) -> Sheet:
    return Sheet.objects.select_related("competition__organisation", "entry", "section").get(
        entry=entry, section=s.sections[section_index]
    )


def aspect(s: Setup, code: str):
    from gonghui.competitions.models import Aspect

    return Aspect.objects.select_related("section").get(competition=s.competition, code=code)


def mark_all(world, s: Setup, plan: dict | None = None):
    """Mark every sheet: plan maps entry index → (A1, A2 deviation, (B1 scores)); default
    everyone (1, 0.2, (2, 2, 2)). Signs every sheet off."""
    plan = plan or {}
    a1, a2, b1 = aspect(s, "A1"), aspect(s, "A2"), aspect(s, "B1")
    for i, entry in enumerate(s.entries):
        full, deviation, scores = plan.get(i, (1, "0.2", (2, 2, 2)))
        sa = sheet(s, entry, 0)
        marking.mark_record(actor=s.judges[0], sheet=sa, aspect=a1, value=full)
        marking.mark_record(actor=s.judges[0], sheet=sa, aspect=a2, value=deviation)
        marking.sheet_sign_off(actor=s.judges[0], sheet=sa)
        sb = sheet(s, entry, 1)
        for judge, score in zip(s.judges, scores, strict=True):
            marking.mark_record(actor=judge, sheet=sb, aspect=b1, value=score)
        marking.sheet_sign_off(actor=s.judges[0], sheet=sb)


def theory_all(world, s: Setup, scores):
    for entry, score in zip(s.entries, scores, strict=True):
        marking.theory_record(actor=world.users["shaanxi"], entry=entry, score=score)


def publish(world, s: Setup, plan=None, theory=None):
    """Mark, close, compute (shaanxi), verify (national), publish (national)."""
    start_marking(world, s)
    mark_all(world, s, plan)
    theory_all(world, s, theory or [80] * len(s.entries))
    s.competition = setup.competition_advance_status(actor=world.users["shaanxi"], competition=s.competition)
    results.results_compute(actor=world.users["shaanxi"], competition=s.competition)
    s.competition.refresh_from_db()
    results.results_verify(actor=world.users["national"], competition=s.competition)
    results.results_publish(actor=world.users["national"], competition=s.competition)
    s.competition.refresh_from_db()
    return s.competition


def final_stage(world, s: Setup, *, advance_count: int = 2):
    """A national final whose previous stage is ``s``'s competition, in registration."""
    now = timezone.now()
    return setup.competition_create(
        actor=world.users["national"],
        organisation=world.orgs["national"],
        title="全国决赛",
        occupation="焊工",
        stage="final",
        previous_stage=s.competition,
        advance_count=advance_count,
        registration_opens=now,
        registration_closes=now + datetime.timedelta(days=1),
    )


def make_user_with_role(world, username, org_key, role):
    user = make_user(username)
    org_services.role_assign(actor=None, user=user, organisation=world.orgs[org_key], role=role)
    return user
