import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone

from gonghui.honours.services import lists, nominees
from gonghui.organisations import services as org_services
from gonghui.organisations.choices import Role
from gonghui.testing import make_user

TODAY = datetime.date(2026, 9, 28)  # a Monday, before the National Day holiday


@pytest.fixture
def today(monkeypatch):
    """Pin "today" (services, models and selectors all ask django.utils.timezone)."""
    state = {"day": TODAY}
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: state["day"])

    def set_day(day: datetime.date) -> datetime.date:
        state["day"] = day
        return day

    set_day.day = lambda: state["day"]
    return set_day


@pytest.fixture(autouse=True)
def _clear_cache(db):
    cache.clear()
    yield
    cache.clear()


def role_holder(world, username: str, org_key: str, role: str):
    """A new login holding ``role`` on ``world.orgs[org_key]``."""
    user = make_user(username)
    org_services.role_assign(actor=None, user=user, organisation=world.orgs[org_key], role=role)
    return user


@pytest.fixture
def supervisor(world):
    """Supervision (监督) of 陕西省总工会: decides objections."""
    return role_holder(world, "shaanxi_supervisor", "shaanxi", Role.SUPERVISOR)


@pytest.fixture
def plist(world, province_admin, today):
    """A provincial 劳动模范 list of 陕西 with the default quotas."""
    return lists.nomination_list_create(
        actor=province_admin,
        organiser=world.orgs["shaanxi"],
        title="2026年陕西省劳动模范推荐评选",
        kind="model_worker",
        level="provincial",
        year=2026,
    )


def recommend(world, plist, member_key="xian_worker", org_key="xian_factory", user="xian", **flags):
    facts = {
        "is_front_line": True,
        "is_industrial_worker": True,
        "enterprise_ownership": "non_public",
        "is_migrant_worker": True,
    }
    facts.update(flags)
    return nominees.nominee_recommend(
        actor=world.users[user],
        nomination_list=plist,
        recommending_org=world.orgs[org_key],
        member=world.members[member_key],
        deeds="技术革新十余项，年节约成本200万元。",
        **facts,
    )


def accept(world, nominee):
    """Pass a nominee up every level to the organiser (the province admin acts for each)."""
    while nominee.status == "in_review":
        nominee = nominees.nominee_approve(actor=world.users["shaanxi"], nominee=nominee)
    return nominee
