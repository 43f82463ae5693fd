"""Demo data: a 焊工 (welder) skills competition of 陕西省总工会 with 30 entries, a
three-section CIS-style scheme (measurement and judgement aspects), four judges with one
conflict-of-interest substitution, marks for every sheet, published results and their
recommendations. Built only through the services; deterministic for a given ``rng``."""

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from gonghui.competitions import selectors
from gonghui.competitions.choices import AspectKind, MeasurementMode, Stage
from gonghui.competitions.models import Aspect, Competition, Sheet
from gonghui.competitions.services import assignments, marking, registration, results, scheme, setup
from gonghui.members import selectors as member_selectors
from gonghui.members.choices import IN_MEMBERSHIP
from gonghui.members.services import members as member_services
from gonghui.organisations import services as org_services
from gonghui.organisations.choices import Role
from gonghui.organisations.demo import DemoTree

ORGANISER = "610000"
ENTRIES = 30
TITLE = "陕西省第七届职工职业技能大赛焊工决赛"
MARKING_TITLE = "陕西省第七届职工职业技能大赛焊工复赛"
OPEN_TITLE = "陕西省快递员职业技能竞赛"
JUDGES = ("judge_li", "judge_wang", "judge_zhao", "judge_sun")

SCHEME = {
    "sections": [
        {
            "name": "板对接焊",
            "weight": "0.4",
            "aspects": [
                {
                    "code": "A1",
                    "description": "焊缝无裂纹、未熔合",
                    "max_mark": "10",
                    "kind": "measurement",
                    "mode": "full",
                },
                {
                    "code": "A2",
                    "description": "焊缝余高（mm，偏差）",
                    "max_mark": "6",
                    "kind": "measurement",
                    "mode": "bands",
                    "bands": [
                        {"within": "0.5", "mark": "6"},
                        {"within": "1", "mark": "4"},
                        {"within": "2", "mark": "2"},
                    ],
                },
                {
                    "code": "A3",
                    "description": "焊缝成形美观",
                    "max_mark": "6",
                    "kind": "judgement",
                    "descriptors": {
                        "0": "成形差，明显缺陷",
                        "1": "基本均匀，有少量缺陷",
                        "2": "均匀美观，无可见缺陷",
                        "3": "行业标杆水平",
                    },
                },
            ],
        },
        {
            "name": "管对接焊",
            "weight": "0.4",
            "aspects": [
                {
                    "code": "B1",
                    "description": "射线探伤合格",
                    "max_mark": "12",
                    "kind": "measurement",
                    "mode": "full",
                },
                {
                    "code": "B2",
                    "description": "错边量（mm，偏差）",
                    "max_mark": "4",
                    "kind": "measurement",
                    "mode": "bands",
                    "bands": [{"within": "0.3", "mark": "4"}, {"within": "0.8", "mark": "2"}],
                },
            ],
        },
        {
            "name": "安全文明生产",
            "weight": "0.2",
            "aspects": [
                {
                    "code": "C1",
                    "description": "劳动防护与操作规范",
                    "max_mark": "5",
                    "kind": "judgement",
                    "descriptors": {"0": "违规操作", "1": "基本规范", "2": "规范", "3": "示范级"},
                }
            ],
        },
    ]
}


def _judges(tree: DemoTree, users: dict, rng: random.Random, competitors: list) -> list:
    """Four judge logins (Role.JUDGE on the organiser); the last one is a welder of the same
    union as one competitor, which forces a conflict-of-interest substitution."""
    from gonghui.accounts.services import user_create

    organiser = tree.by_code[ORGANISER]
    judges = []
    for username in JUDGES:
        user = user_create(
            actor=None, username=username, password_hash=users["admin"].password, display_name=username
        )
        org_services.role_assign(actor=users["admin"], user=user, organisation=organiser, role=Role.JUDGE)
        judges.append(user)
    conflicted = competitors[0]
    judge_member = member_services.member_create(
        actor=users["admin"],
        organisation=conflicted.organisation,
        name="孙建国",
        id_number=_id_number(rng, conflicted.organisation.division_code or "610113"),
        joined_on=datetime.date(2015, 3, 1),
        employer=conflicted.employer,
        job="焊接高级技师",
    )
    member_services.member_link_user(actor=users["admin"], member=judge_member, user=judges[-1])
    return judges


def _id_number(rng: random.Random, region: str) -> str:
    from gonghui.core.validators import id_check_char

    birth = datetime.date(1968, 1, 1) + datetime.timedelta(days=rng.randrange(3000))
    body = f"{region[:6]:0<6}{birth:%Y%m%d}{rng.randrange(10, 99)}{rng.randrange(0, 5) * 2 + 1}"
    return body + id_check_char(body)


def build(*, tree: DemoTree, users: dict, rng: random.Random) -> dict:
    organiser = tree.by_code[ORGANISER]
    admin = users["admin"]
    officer = users["shaanxi"]
    now = timezone.now().replace(microsecond=0)
    # The organiser's admin sees exactly the organiser's subtree: its members are the eligible.
    pool = list(
        member_selectors.members_visible_to(officer)
        .filter(status__in=IN_MEMBERSHIP, user__isnull=True)
        .select_related("organisation")
        .order_by("member_no")
    )
    competitors = rng.sample(pool, min(ENTRIES, len(pool)))
    competitors.sort(key=lambda m: m.member_no)
    competition = setup.competition_create(
        actor=officer,
        organisation=organiser,
        title=TITLE,
        theme="弘扬劳模精神、劳动精神、工匠精神",
        occupation="焊工",
        stage=Stage.PROVINCIAL,
        registration_opens=now - datetime.timedelta(days=30),
        registration_closes=now - datetime.timedelta(days=10),
        theory_weight=Decimal("0.30"),
    )
    sections = scheme.scheme_import(actor=officer, competition=competition, data=SCHEME)
    competition = setup.competition_advance_status(actor=officer, competition=competition)
    entries = [
        registration.entry_register(
            actor=officer, competition=competition, members=[m], now=now - datetime.timedelta(days=20)
        )
        for m in competitors
    ]
    judges = _judges(tree, users, rng, competitors)
    lead, second, third, conflicted = judges
    # measurement sections: one judge each; judgement aspects: three judges
    assignments.judge_assign(actor=officer, section=sections[0], judge=lead)
    assignments.judge_assign(actor=officer, section=sections[0], judge=second)
    assignments.judge_assign(actor=officer, section=sections[0], judge=conflicted)
    assignments.judge_assign(actor=officer, section=sections[1], judge=third)
    for judge in (lead, second, third):
        assignments.judge_assign(actor=officer, section=sections[2], judge=judge)
    section_judges = {0: [lead, second, conflicted], 1: [third], 2: [lead, second, third]}
    substituted = set()
    for entry in entries:
        if selectors.conflicts(conflicted, selectors.entry_members(entry)):
            assignments.judge_substitute(
                actor=officer, entry=entry, section=sections[0], conflicted_judge=conflicted, substitute=third
            )
            substituted.add(entry.pk)
    competition = setup.competition_advance_status(actor=officer, competition=competition)
    _mark(
        competition,
        sections,
        entries,
        rng,
        section_judges=section_judges,
        substituted=substituted,
        substitute=third,
    )
    for entry in entries:
        marking.theory_record(actor=officer, entry=entry, score=Decimal(rng.randrange(550, 985)) / 10)
    competition = setup.competition_advance_status(actor=officer, competition=competition)
    results.results_compute(actor=officer, competition=competition)
    results.results_verify(actor=admin, competition=competition)
    results.results_publish(actor=admin, competition=competition)
    # The supervisor's home has an appeal to decide (filed by the competitor's union within
    # the window; deciding it has no deadline).
    results.appeal_file(
        actor=officer, entry=entries[-1], reason="选手所在工会认为实操第二模块计时有误，申请复核成绩。"
    )
    _judging_in_progress(organiser, officer, lead, competitors[1:4], now)
    _open_for_registration(organiser, officer, now)
    return {"competition": competition, "entries": len(entries)}


def _judging_in_progress(organiser, officer, judge, competitors: list, now) -> Competition:
    """A second final in marking, every sheet still open and ``judge`` on each section: the
    judge login's home has sheets to mark."""
    competition = setup.competition_create(
        actor=officer,
        organisation=organiser,
        title=MARKING_TITLE,
        occupation="焊工",
        stage=Stage.PROVINCIAL,
        registration_opens=now - datetime.timedelta(days=20),
        registration_closes=now - datetime.timedelta(days=5),
        theory_weight=Decimal("0.30"),
    )
    sections = scheme.scheme_import(actor=officer, competition=competition, data=SCHEME)
    competition = setup.competition_advance_status(actor=officer, competition=competition)
    for member in competitors:
        registration.entry_register(
            actor=officer, competition=competition, members=[member], now=now - datetime.timedelta(days=10)
        )
    for section in sections:
        assignments.judge_assign(actor=officer, section=section, judge=judge)
    return setup.competition_advance_status(actor=officer, competition=competition)


def _open_for_registration(organiser, officer, now) -> Competition:
    """A competition taking registrations for a month, with no age or grade rule: it is open
    to every member in the province (the worker login's hall counts it)."""
    competition = setup.competition_create(
        actor=officer,
        organisation=organiser,
        title=OPEN_TITLE,
        theme="新就业形态劳动者技能提升",
        occupation="快递员",
        stage=Stage.PROVINCIAL,
        registration_opens=now - datetime.timedelta(days=3),
        registration_closes=now + datetime.timedelta(days=30),
        theory_weight=Decimal("0.30"),
    )
    return setup.competition_advance_status(actor=officer, competition=competition)


def _mark(
    competition, sections, entries, rng: random.Random, *, section_judges, substituted, substitute
) -> None:
    aspects = list(
        Aspect.objects.filter(competition=competition)
        .select_related("section")
        .order_by("section__order", "order")
    )
    wide_entry = entries[min(5, len(entries) - 1)].pk
    for entry in entries:
        skill = rng.random()
        for index, section in enumerate(sections):
            sheet = Sheet.objects.select_related("competition__organisation", "entry", "section").get(
                entry=entry, section=section
            )
            judges = list(section_judges[index])
            if index == 0 and entry.pk in substituted:
                judges = [*judges[:2], substitute]
            for aspect in (a for a in aspects if a.section_id == section.pk):
                if aspect.kind == AspectKind.JUDGEMENT:
                    base = min(3, max(0, round(skill * 3 + rng.uniform(-0.6, 0.6))))
                    scores = [min(3, max(0, base + rng.choice((0, 0, 1, -1)))) for _ in judges]
                    low = min(scores)
                    scores = [min(x, low + 1) for x in scores]  # the usual case: spread ≤ 1
                    if entry.pk == wide_entry and index == 0:
                        scores = [1, 2, 3]  # one wide spread, justified in writing
                    for judge, score in zip(judges, scores, strict=True):
                        marking.mark_record(actor=judge, sheet=sheet, aspect=aspect, value=score)
                    if max(scores) - min(scores) > 1:
                        marking.sheet_justify(
                            actor=judges[0],
                            sheet=sheet,
                            aspect=aspect,
                            text="三名裁判对焊缝收弧处理理解不一，经裁判长合议保留原分",
                        )
                elif aspect.mode == MeasurementMode.FULL_OR_ZERO:
                    achieved = rng.random() < 0.4 + skill * 0.6
                    marking.mark_record(
                        actor=judges[0], sheet=sheet, aspect=aspect, value=1 if achieved else 0
                    )
                else:
                    deviation = Decimal(str(round(abs(rng.gauss(0, 1.2 - skill)), 2)))
                    marking.mark_record(actor=judges[0], sheet=sheet, aspect=aspect, value=deviation)
            marking.sheet_sign_off(actor=judges[0], sheet=sheet)
