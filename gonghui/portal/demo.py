"""The demo of 我的: the ``worker`` login (曾乐, a courier in 雁塔区快递行业联合工会) finds
something on each of his pages. The apps' own demos already give him a closed request to
rate (rights) and ideas (innovation); this adds, through the apps' services, what a courier
plausibly also has: a request still being handled (to add information to), a hardship
application waiting for its first check, and two Xi'an courier competitions taking
registrations — one he may enter, one whose age limit he is past (the reason is shown)."""

import datetime
import random

from django.utils import timezone

from gonghui.assistance.services import households
from gonghui.competitions.services import setup as competition_setup
from gonghui.members.demo import actor_for
from gonghui.members.models import Member
from gonghui.organisations.scoping import Action
from gonghui.rights.services import requests as request_services


def build(*, tree, users: dict, rng: random.Random) -> None:
    courier = Member.objects.filter(user__username="worker").select_related("user", "organisation").first()
    if courier is None:
        return
    worker = courier.user
    now = timezone.now().replace(microsecond=0)
    # A request still open: the station he asked about was answered, this one is new.
    request_services.request_file(
        actor=worker,
        member=courier,
        channel="app",
        category="consultation",
        description="站点要求每单押金200元，离职时不退，这样合法吗？",
        work_division="610113",
        employer=courier.employer,
        received_at=now - datetime.timedelta(hours=5),
    )
    # His own hardship application (his mother's illness), waiting for the union's first check.
    households.household_open(
        actor=worker,
        head=courier,
        housing="private_rental",
        main_cause="illness",
        rigid_expenses=[{"kind": "medical", "monthly": "1200"}],
        medical_insurance="employee",
        head_income="3200",
        family=[
            {
                "relation": "parent",
                "name": "曾秀兰",
                "monthly_income": "0",
                "employment": "unemployed",
                "health": "critical",
            }
        ],
        note="母亲尿毒症透析，每月医药费自付部分较多。",
    )
    # Two competitions of 西安市总工会 open for registration now.
    xian = tree.by_code["610100"]
    organiser = actor_for(users, xian, Action.MANAGE_COMPETITIONS)
    for title, rules in (
        ("西安市快递员职业技能竞赛", {}),
        ("西安市青年快递员技能比武（28岁以下）", {"max_age": 28}),
    ):
        competition = competition_setup.competition_create(
            actor=organiser,
            organisation=xian,
            title=title,
            occupation="快递员",
            registration_opens=now - datetime.timedelta(days=3),
            registration_closes=now + datetime.timedelta(days=21),
            **rules,
        )
        competition_setup.competition_advance_status(actor=organiser, competition=competition)
