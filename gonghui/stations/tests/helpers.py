"""Builders for the stations tests (shared by every stations test module).

``make_station(world, "xian", name=..., lat=..., lng=...)`` creates a station through
``services.registry.station_create`` (so codes, cells, hours and the audit are real). The actor
defaults to the operator of the world fixture; pass ``actor=`` to test permissions.
"""

import datetime
import itertools

from gonghui.organisations import services as org_services
from gonghui.organisations.choices import Role
from gonghui.stations.services import registry
from gonghui.testing import make_user

_seq = itertools.count(1)

# A few real places in 西安 (WGS-84), for readable tests.
BELL_TOWER = (34.2611, 108.9422)  # 钟楼
BIG_GOOSE_PAGODA = (34.2192, 108.9595)  # 大雁塔
XIAN_NORTH_STATION = (34.3767, 108.9394)  # 西安北站
BAOJI_CENTRE = (34.3619, 107.2376)  # 宝鸡市区
LANZHOU_CENTRE = (36.0611, 103.8343)  # 兰州市区

_DIVISIONS = {
    "national": "610113",
    "shaanxi": "610113",
    "xian": "610113",
    "yanta": "610113",
    "xian_factory": "610113",
    "yanta_joint": "610113",
    "baoji": "610302",
    "baoji_factory": "610302",
    "gansu": "620102",
    "lanzhou_factory": "620102",
}


def make_station(
    world,
    org: str | object = "xian",
    *,
    actor=None,
    name: str | None = None,
    lat: float = BELL_TOWER[0],
    lng: float = BELL_TOWER[1],
    crs: str = "wgs84",
    hours: str = "24小时",
    intervals=None,
    always_open: bool | None = None,
    facilities=("seating", "water"),
    status: str = "open",
    tier: str = "ordinary",
    address: str | None = None,
    division_code: str | None = None,
    keeper=None,
    **extra,
):
    """A station of ``world.orgs[org]`` (or of the Organisation ``org``).

    Hours: ``hours`` as text ("24小时", "周一至周五 08:30-18:00；周六 09:00-12:00"), or
    ``intervals=[(weekday, time, time), ...]`` with ``always_open``. ``extra`` goes to the
    registry's data dict (host_unit, phone, note, six_has, verified_on …)."""
    organisation = world.orgs[org] if isinstance(org, str) else org
    n = next(_seq)
    data = {
        "name": name or f"测试驿站{n}",
        "address": address or f"测试路{n}号",
        "division_code": division_code or _DIVISIONS.get(org if isinstance(org, str) else "", "610113"),
        "lat": lat,
        "lng": lng,
        "crs": crs,
        "facilities": list(facilities),
        "status": status,
        "tier": tier,
        **extra,
    }
    if intervals is not None:
        data["intervals"] = list(intervals)
        data["always_open"] = bool(always_open)
    else:
        data["hours"] = hours
    return registry.station_create(
        actor=actor or world.users["operator"], organisation=organisation, data=data, keeper=keeper
    )


def make_keeper(world, username: str = "keeper", org: str = "xian"):
    """A user holding the station_keeper role in ``world.orgs[org]``."""
    user = make_user(username)
    org_services.role_assign(actor=None, user=user, organisation=world.orgs[org], role=Role.STATION_KEEPER)
    return user


def t(hh: int, mm: int = 0) -> datetime.time:
    return datetime.time(hh, mm)


def bulk_stations(organisation, points, *, start: int = 1, **fields):
    """Many stations at once, straight into the table (for search tests; no audit): one per
    (lat, lng) in ``points``, cells from ``search.cell_of``, codes 999999-NNNNN from ``start``.
    ``fields`` apply to all (facilities, status, always_open, is_active …); default 24 h."""
    from gonghui.stations.models import Station
    from gonghui.stations.search import cell_of

    fields.setdefault("always_open", True)
    stations = []
    for i, (lat, lng) in enumerate(points, start=start):
        cy, cx = cell_of(lat, lng)
        stations.append(
            Station(
                code=f"999999-{i:05d}", name=f"批量驿站{i}", organisation=organisation,
                division_code="610113", address=f"批量路{i}号", lat=lat, lng=lng, cell_y=cy, cell_x=cx,
                **fields,
            )
        )  # fmt: skip
    return Station.objects.bulk_create(stations)
