"""The demo activities (the contract, docs/product.md §4.4), built through the services:

- 西安市总工会's 职工书屋读书分享会 in ten days, open to anyone signed in, capacity 5 and no
  sign-ups (the one to try signing up, waiting and promotion on);
- 陕西省总工会's members-only 劳模进校园 lecture with 3 places taken by 西安 members and the demo
  ``worker`` (曾乐) first on its waiting list;
- a 党史学习 session of 西安 that took place last month, and a draft training of 西安 for the
  organisers' pages.

The members who take the places are given logins without a password (they exist to hold the
places; nobody signs in as them)."""

import datetime
import random

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from gonghui.accounts.models import User
from gonghui.accounts.services import user_create
from gonghui.activities.services import activities, signups
from gonghui.members.choices import MembershipStatus
from gonghui.members.demo import actor_for
from gonghui.members.models import Member
from gonghui.members.services.members import member_link_user
from gonghui.organisations import scoping
from gonghui.organisations.scoping import Action

OPEN_TITLE = "职工书屋读书分享会"
MEMBERS_TITLE = "劳模进校园：大国工匠讲述奋斗故事"
PAST_TITLE = "党史学习教育专题报告会"
DRAFT_TITLE = "新就业形态劳动者安全生产培训"


def _at(days: int, hour: int) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def build(*, tree, users: dict, rng: random.Random) -> None:
    xian, shaanxi = tree.by_code["610100"], tree.by_code["610000"]
    xian_actor = actor_for(users, xian, Action.MANAGE_ACTIVITIES)
    province_actor = actor_for(users, shaanxi, Action.MANAGE_ACTIVITIES)

    activities.activity_publish(
        actor=xian_actor,
        activity=activities.activity_create(
            actor=xian_actor,
            organisation=xian,
            data={
                "kind": "reading_room", "title": OPEN_TITLE, "audience": "signed_in",
                "description": "共读《大国工匠》，分享读书心得。欢迎所有职工朋友报名参加。",
                "division_code": "610113", "address": "西安市雁塔区职工书屋（长安南路工人文化宫二楼）",
                "lat": 34.2246, "lng": 108.9460, "starts_at": _at(10, 14), "ends_at": _at(10, 16),
                "capacity": 5, "waitlist": True,
                "questions": [{"label": "想分享的书名", "required": False}],
            },
        ),
    )  # fmt: skip

    lecture = activities.activity_create(
        actor=province_actor,
        organisation=shaanxi,
        data={
            "kind": "model_worker_school", "title": MEMBERS_TITLE, "audience": "members",
            "description": "全国劳动模范走进校园，与职工子女和师生面对面。仅限会员报名，名额有限，满员后可候补。",
            "division_code": "610113", "address": "西安市雁塔区某中学报告厅",
            "starts_at": _at(14, 9), "ends_at": _at(14, 11), "capacity": 3, "waitlist": True,
            "cancel_until": _at(13, 18),
        },
    )  # fmt: skip
    lecture = activities.activity_publish(actor=province_actor, activity=lecture)
    holders = _member_logins(xian, users, count=3)
    for user in holders:
        signups.signup_create(actor=user, activity=lecture)
    worker = User.objects.filter(username="worker").first()
    if worker is not None:
        signups.signup_create(actor=worker, activity=lecture)

    past = activities.activity_create(
        actor=xian_actor,
        organisation=xian,
        data={
            "kind": "party_history", "title": PAST_TITLE, "audience": "members",
            "division_code": "610104", "address": "西安市总工会报告厅",
            "starts_at": _at(-30, 9), "ends_at": _at(-30, 11), "capacity": 100, "waitlist": False,
            "signup_opens": _at(-45, 9), "records_hours": True,
        },
    )  # fmt: skip
    past = activities.activity_publish(actor=xian_actor, activity=past)
    for user in holders[:2]:
        signups.signup_create(actor=user, activity=past, now=_at(-35, 10))

    activities.activity_create(
        actor=xian_actor,
        organisation=xian,
        data={
            "kind": "training", "title": DRAFT_TITLE, "audience": "members",
            "division_code": "610113", "address": "雁塔区新就业形态劳动者服务站",
            "starts_at": _at(21, 19), "ends_at": _at(21, 21), "capacity": 40, "waitlist": True,
        },
    )  # fmt: skip


def _member_logins(organisation, users: dict, *, count: int) -> list:
    """Logins (no password) for the first ``count`` members of ``organisation``'s subtree who
    have none, in member-number order: deterministic for a given roster."""
    members = (
        Member.objects.filter(
            organisation__in=scoping.subtree(organisation),
            user__isnull=True,
            status=MembershipStatus.MEMBER,
        )
        .select_related("organisation")
        .order_by("member_no")[:count]
    )
    logins = []
    for i, member in enumerate(members, start=1):
        user = user_create(
            actor=None,
            username=f"activity_member_{i}",
            password_hash=make_password(None),
            display_name=member.name,
        )
        member_link_user(
            actor=actor_for(users, member.organisation, Action.MANAGE_MEMBERS), member=member, user=user
        )
        logins.append(user)
    return logins
