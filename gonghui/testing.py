"""Builders for tests: a small deterministic tree with personas, clients signed in as them,
and valid ID numbers."""

import datetime
import itertools
from dataclasses import dataclass, field

from django.test import Client

from gonghui.core.validators import id_check_char
from gonghui.members.services import members as member_services
from gonghui.organisations import services as org_services
from gonghui.organisations.choices import GrassrootsType, Kind, Role

PASSWORD = "pass-word-123"
# The smallest file every upload check takes for an image: the PNG signature and some bytes.
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
_serial = itertools.count(100)  # explicit seq values below 100 are the world fixture's


def reset_serials() -> None:
    """Start the generated ID numbers and phones again from 100: a test's numbers then do not
    depend on how many earlier tests drew (the ID space of one region, birth date and gender is
    495 numbers, so a session-long counter comes round onto the explicit ``seq`` values)."""
    global _serial
    _serial = itertools.count(100)


def make_id_number(
    region: str = "610113",
    birth: datetime.date = datetime.date(1990, 5, 17),
    gender: str = "M",
    seq: int | None = None,
) -> str:
    """A valid GB 11643 number for the region, birth date and gender."""
    n = next(_serial) if seq is None else seq
    order = (n % 99) + 1
    gender_digit = (n % 5) * 2 + (1 if gender == "M" else 0)
    body = f"{region}{birth:%Y%m%d}{order:02d}{gender_digit}"
    return body + id_check_char(body)


_HAN_DIGITS = "零一二三四五六七八九"


def person_name(n: int, surname: str = "王") -> str:
    """A different valid person name for every ``n``, its digits written as Han numerals
    (王一二 for 12): names may not contain digits."""
    return surname + "".join(_HAN_DIGITS[int(d)] for d in str(n))


def make_phone(seq: int | None = None) -> str:
    n = next(_serial) if seq is None else seq
    return f"139{n:08d}"


def make_user(username: str, *, superuser: bool = False):
    from django.contrib.auth.hashers import make_password

    from gonghui.accounts.services import user_create

    return user_create(
        actor=None, username=username, password_hash=make_password(PASSWORD), superuser=superuser
    )


def _login(persona):
    """The user behind ``persona``: a login name of the world ("xian") or a user already."""
    if not isinstance(persona, str):
        return persona
    from gonghui.accounts.models import User

    return User.objects.get(username=persona)


def _headers(language: str | None) -> dict:
    return {"HTTP_ACCEPT_LANGUAGE": language} if language else {}


def client_for(persona, *, language: str | None = None) -> Client:
    """A browser session signed in as ``persona`` — a login of the world (``"national"``,
    ``"shaanxi"``, ``"xian"``, ``"baoji"`` (the sibling city), ``"gansu"`` (the sibling
    province), ``"xian_officer"``, ``"xian_viewer"``, ``"member"``, ``"operator"``) or any other
    user or login name a test made —, or an anonymous visitor for ``None``. The session is
    opened directly (no password check, no sign-in limits counted), as after a successful
    sign-in. ``language`` sets the browser's Accept-Language (``"en"``, ``"zh-hans"``);
    without it the site's default, Chinese, is used."""
    client = Client(**_headers(language))
    if persona is not None:
        client.force_login(_login(persona))
    return client


def api_for(persona, *, language: str | None = None) -> Client:
    """An API client sending ``Authorization: Bearer <token>`` for ``persona`` (a login name
    or a user, as for :func:`client_for`), with a fresh 30-day token made through
    ``accounts.services.token_create`` — the token ``POST /api/v1/auth/token`` would hand out,
    without the password check —, or a caller with no token for ``None``. Send JSON bodies
    with ``content_type="application/json"``."""
    from gonghui.accounts.services import token_create

    if persona is None:
        return Client(**_headers(language))
    _token, secret = token_create(actor=_login(persona), name="test", days=30)
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}", **_headers(language))


@dataclass
class World:
    orgs: dict = field(default_factory=dict)
    users: dict = field(default_factory=dict)
    members: dict = field(default_factory=dict)


def build_world() -> World:
    w = World()
    create = org_services.organisation_create
    w.orgs["national"] = create(
        actor=None, parent=None, kind=Kind.NATIONAL, code="ACFTU", name="中华全国总工会"
    )
    w.orgs["shaanxi"] = create(
        actor=None,
        parent=w.orgs["national"],
        kind=Kind.PROVINCIAL,
        code="610000",
        name="陕西省总工会",
        division_code="610000",
    )
    w.orgs["gansu"] = create(
        actor=None,
        parent=w.orgs["national"],
        kind=Kind.PROVINCIAL,
        code="620000",
        name="甘肃省总工会",
        division_code="620000",
    )
    w.orgs["xian"] = create(
        actor=None,
        parent=w.orgs["shaanxi"],
        kind=Kind.CITY,
        code="610100",
        name="西安市总工会",
        division_code="610100",
    )
    w.orgs["baoji"] = create(
        actor=None,
        parent=w.orgs["shaanxi"],
        kind=Kind.CITY,
        code="610300",
        name="宝鸡市总工会",
        division_code="610300",
    )
    w.orgs["yanta"] = create(
        actor=None,
        parent=w.orgs["xian"],
        kind=Kind.COUNTY,
        code="610113",
        name="雁塔区总工会",
        division_code="610113",
    )
    w.orgs["xian_factory"] = create(
        actor=None,
        parent=w.orgs["yanta"],
        kind=Kind.GRASSROOTS,
        code="XA-0001",
        name="西安某机械厂工会委员会",
        division_code="610113",
        host_name="西安某机械厂",
        grassroots_type=GrassrootsType.INDEPENDENT,
    )
    w.orgs["yanta_joint"] = create(
        actor=None,
        parent=w.orgs["yanta"],
        kind=Kind.GRASSROOTS,
        code="XA-0002",
        name="雁塔区新就业形态劳动者联合工会",
        division_code="610113",
        grassroots_type=GrassrootsType.JOINT,
    )
    w.orgs["baoji_factory"] = create(
        actor=None,
        parent=w.orgs["baoji"],
        kind=Kind.GRASSROOTS,
        code="BJ-0001",
        name="宝鸡某钢厂工会",
        division_code="610302",
        host_name="宝鸡某钢厂",
    )
    w.orgs["lanzhou_factory"] = create(
        actor=None,
        parent=w.orgs["gansu"],
        kind=Kind.GRASSROOTS,
        code="LZ-0001",
        name="兰州某石化厂工会",
        division_code="620102",
        host_name="兰州某石化厂",
    )
    roles = {
        "national": ("national", Role.ADMIN),
        "shaanxi": ("shaanxi", Role.ADMIN),
        "gansu": ("gansu", Role.ADMIN),
        "xian": ("xian", Role.ADMIN),
        "baoji": ("baoji", Role.ADMIN),
        "xian_officer": ("xian", Role.OFFICER),
        "xian_viewer": ("xian", Role.VIEWER),
    }
    for username, (org_key, role) in roles.items():
        user = make_user(username)
        org_services.role_assign(actor=None, user=user, organisation=w.orgs[org_key], role=role)
        w.users[username] = user
    w.users["operator"] = make_user("operator", superuser=True)
    w.members["xian_worker"] = member_services.member_create(
        actor=None,
        organisation=w.orgs["xian_factory"],
        name="张伟",
        id_number=make_id_number("610113", datetime.date(1988, 3, 9), "M", seq=1),
        phone=make_phone(1),
        joined_on=datetime.date(2020, 1, 15),
    )
    w.members["baoji_worker"] = member_services.member_create(
        actor=None,
        organisation=w.orgs["baoji_factory"],
        name="单晓燕",
        id_number=make_id_number("610302", datetime.date(1992, 7, 1), "F", seq=2),
        phone=make_phone(2),
        joined_on=datetime.date(2021, 6, 1),
    )
    w.members["gansu_worker"] = member_services.member_create(
        actor=None,
        organisation=w.orgs["lanzhou_factory"],
        name="曾乐",
        id_number=make_id_number("620102", datetime.date(1985, 11, 30), "M", seq=3),
        phone=make_phone(3),
        joined_on=datetime.date(2019, 9, 1),
    )
    member_user = make_user("member")
    org_services.role_assign(
        actor=None, user=member_user, organisation=w.orgs["xian_factory"], role=Role.MEMBER
    )
    member_services.member_link_user(actor=w.users["xian"], member=w.members["xian_worker"], user=member_user)
    w.users["member"] = member_user
    return w
