"""Builders for the innovation tests: members with logins in a union of the world fixture."""

import datetime
import itertools

from gonghui.members.services import members as member_services
from gonghui.testing import make_id_number, make_phone, make_user

_seq = itertools.count(500)

PDF = b"%PDF-1.4\n%test\n"


def member_with_login(world, org_key: str, username: str, name: str = "测试职工"):
    """A member of ``world.orgs[org_key]`` linked to a new login ``username``."""
    n = next(_seq)
    region = "610113" if org_key.startswith(("xian", "yanta")) else "610302"
    member = member_services.member_create(
        actor=None,
        organisation=world.orgs[org_key],
        name=name,
        id_number=make_id_number(region, datetime.date(1990, 1, 1) + datetime.timedelta(days=n), "M", seq=n),
        phone=make_phone(n),
        joined_on=datetime.date(2020, 1, 1),
    )
    user = make_user(username)
    member_services.member_link_user(actor=world.users["operator"], member=member, user=user)
    return member, user


def supporters(world, count: int, org_key: str = "yanta_joint", prefix: str = "sup"):
    return [member_with_login(world, org_key, f"{prefix}{i}")[1] for i in range(count)]
