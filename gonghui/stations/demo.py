"""Demo stations (工会驿站) across 西安: about 60 sites at real street corners of the districts,
run by banks (weekday hours), petrol stations (24 hours), community centres, sanitation depots
(05:00–20:00), courier depots (one overnight) and malls; mostly open, a few under maintenance or
closed; some with stale verification; a keeper login for 雁塔; repair tickets in every state,
check-ins over the last 30 days and two suggested sites. Built through the services; every
random choice comes from ``rng`` (deterministic).

Coordinates are WGS-84, approximate positions of the named places (read off a map), moved by a
few tens of metres so that no two stations share a corner.
"""

import datetime
import random
from dataclasses import dataclass

from django.utils import timezone

from gonghui.organisations import demo as org_demo
from gonghui.organisations import scoping
from gonghui.organisations import services as org_services
from gonghui.organisations.choices import Role
from gonghui.stations.choices import Facility, SixHas, Status, Tier
from gonghui.stations.models import Station, Ticket
from gonghui.stations.services import checkins, registry, suggestions, tickets

Action = scoping.Action

KEEPER_USERNAME = "keeper"
KEEPER_NAME = "雁塔区驿站站长"
KEEPER_UNION = "610113"

DISTRICTS = {
    "610103": "碑林区",
    "610104": "莲湖区",
    "610102": "新城区",
    "610113": "雁塔区",
    "610112": "未央区",
    "610111": "灞桥区",
    "610116": "长安区",
    "610117": "高陵区",
    "610118": "鄠邑区",
}

# (district, place, road for the address, lat, lng, host kind)
PLACES = [
    ("610103", "钟楼", "东大街与南大街十字西南角", 34.2606, 108.9418, "mall"),
    ("610103", "南门", "环城南路西段与南大街十字", 34.2521, 108.9433, "gas"),
    ("610103", "和平门", "和平路与东关正街十字", 34.2531, 108.9582, "bank"),
    ("610103", "文艺路", "文艺北路与友谊东路十字", 34.2468, 108.9561, "community"),
    ("610103", "李家村", "雁塔北路与友谊东路十字", 34.2442, 108.9641, "bank"),
    ("610103", "咸宁西路", "咸宁西路与兴庆路十字", 34.2478, 108.9795, "sanitation"),
    ("610103", "柏树林", "柏树林路与东木头市十字", 34.2566, 108.9528, "community"),
    ("610103", "长安北路", "长安北路与友谊东路十字", 34.2392, 108.9479, "courier"),
    ("610104", "北院门", "北院门与西华门大街十字", 34.2652, 108.9388, "community"),
    ("610104", "西门", "环城西路北段与西大街十字", 34.2598, 108.9249, "gas"),
    ("610104", "劳动路", "劳动路与丰庆路十字", 34.2558, 108.9063, "bank"),
    ("610104", "土门", "大庆路与劳动北路十字", 34.2612, 108.8962, "sanitation"),
    ("610104", "桃园路", "桃园北路与大庆路十字", 34.2648, 108.9108, "courier"),
    ("610104", "红庙坡", "红光路与星火路十字", 34.2828, 108.9182, "community"),
    ("610104", "枣园", "枣园东路与大庆路十字", 34.2661, 108.8703, "gas"),
    ("610102", "新城广场", "西一路与北大街十字东北角", 34.2683, 108.9531, "bank"),
    ("610102", "解放路", "解放路与东五路十字", 34.2679, 108.9652, "mall"),
    ("610102", "火车站", "环城北路与解放路十字", 34.2772, 108.9605, "sanitation"),
    ("610102", "长乐中路", "长乐中路与金花北路十字", 34.2688, 108.9998, "bank"),
    ("610102", "韩森寨", "韩森路与幸福中路十字", 34.2612, 109.0018, "community"),
    ("610102", "胡家庙", "华清路与金花北路十字", 34.2801, 109.0001, "gas"),
    ("610102", "康复路", "康复路与长乐西路十字", 34.2676, 108.9781, "courier"),
    ("610113", "小寨", "长安中路与小寨东路十字东北角", 34.2236, 108.9475, "bank"),
    ("610113", "大雁塔", "雁塔南路与慈恩西路十字", 34.2186, 108.9587, "mall"),
    ("610113", "曲江池", "曲江池东路与雁南五路十字", 34.2043, 108.9768, "community"),
    ("610113", "电子二路", "电子二路与电子正街十字", 34.2183, 108.9152, "courier"),
    ("610113", "高新路", "高新路与科技路十字", 34.2348, 108.9051, "bank"),
    ("610113", "长延堡", "长安南路与长延堡路口", 34.2039, 108.9441, "sanitation"),
    ("610113", "丈八东路", "丈八东路与科技八路十字", 34.1982, 108.8903, "gas"),
    ("610113", "科技路", "科技路与唐延路十字", 34.2331, 108.8918, "courier"),
    ("610113", "吉祥村", "吉祥路与科技东路十字", 34.2252, 108.9292, "community"),
    ("610113", "翠华路", "翠华路与小寨东路十字", 34.2208, 108.9661, "bank"),
    ("610113", "电视塔", "长安南路与雁展路十字", 34.1931, 108.9448, "gas"),
    ("610112", "张家堡", "文景路与凤城七路十字", 34.3352, 108.9372, "bank"),
    ("610112", "凤城五路", "未央路与凤城五路十字", 34.3281, 108.9402, "mall"),
    ("610112", "未央宫", "未央宫路与汉城北路口", 34.3112, 108.8951, "community"),
    ("610112", "大明宫", "太华南路与自强东路十字", 34.2932, 108.9612, "courier"),
    ("610112", "北客站", "元朔路与文景路十字", 34.3761, 108.9388, "sanitation"),
    ("610112", "汉城", "汉城南路与枣园北路口", 34.3151, 108.8702, "gas"),
    ("610112", "辛家庙", "太华北路与北二环东段十字", 34.3042, 108.9878, "bank"),
    ("610112", "凤城八路", "明光路与凤城八路十字", 34.3442, 108.9389, "community"),
    ("610112", "草滩", "草滩八路与尚稷路十字", 34.3902, 108.9598, "courier"),
    ("610111", "纺织城", "纺织城正街与纺北路十字", 34.2721, 109.0581, "community"),
    ("610111", "十里铺", "长乐东路与东三环十字", 34.2693, 109.0352, "gas"),
    ("610111", "浐灞世博园", "欧亚大道与世博大道十字", 34.3218, 109.0498, "mall"),
    ("610111", "席王", "灞桥区政府东侧纺西街", 34.2762, 109.0648, "sanitation"),
    ("610111", "国际港务区", "港务大道与新筑路十字", 34.3701, 109.0302, "courier"),
    ("610111", "洪庆", "洪庆北路与长乐东路十字", 34.2862, 109.0998, "bank"),
    ("610116", "韦曲", "长安中路与韦曲南街十字", 34.1591, 108.9452, "bank"),
    ("610116", "郭杜", "子午大道与郭北路十字", 34.1572, 108.8702, "courier"),
    ("610116", "长安大学城", "文苑南路与学府大道十字", 34.1488, 108.9001, "community"),
    ("610116", "航天城", "航天中路与东长安街十字", 34.1452, 108.9702, "gas"),
    ("610116", "神禾原", "西长安街与神禾二路口", 34.1530, 108.9280, "sanitation"),
    ("610117", "泾渭新城", "泾渭路与泾园七路十字", 34.4352, 109.0251, "gas"),
    ("610117", "泾河工业园", "泾河大道与泾环北路口", 34.4450, 109.0402, "courier"),
    ("610118", "鄠邑城区", "人民路与画展街十字", 34.1082, 108.6051, "community"),
    ("610116", "杜曲", "子午大道与杜曲街口", 34.1290, 108.9790, "sanitation"),
    ("610113", "等驾坡", "西影路与金花南路十字", 34.2298, 109.0048, "courier"),
    ("610104", "大兴西路", "大兴西路与二环北路西段十字", 34.2799, 108.9049, "bank"),
    ("610103", "省体育场", "长安北路与体育场路口", 34.2331, 108.9532, "mall"),
]

_BANKS = [
    "中国工商银行西安",
    "中国建设银行西安",
    "中国农业银行西安",
    "中国银行西安",
    "交通银行西安",
    "长安银行",
]
_OIL = ["中国石化", "中国石油", "延长壳牌"]
_COURIERS = ["顺丰速运", "中通快递", "京东物流", "圆通速递"]
_MALLS = {"钟楼": "开元商城", "大雁塔": "大悦城", "解放路": "民生百货", "凤城五路": "万达广场",
          "浐灞世博园": "浐灞万象汇", "省体育场": "赛格国际购物中心"}  # fmt: skip

# per host kind: hours, facilities always present, facilities sometimes present
_HOURS = {
    "bank": ["周一至周五 08:30-17:30", "周一至周五 08:30-17:30；周六 09:00-16:00"],
    "gas": ["24小时"],
    "community": ["周一至周五 08:30-18:00；周六至周日 09:00-17:00", "周一至周日 08:00-20:00"],
    "sanitation": ["05:00-20:00"],
    "courier": ["周一至周日 08:00-21:00"],
    "mall": ["10:00-22:00"],
}
_ALWAYS = {
    "bank": [Facility.SEATING, Facility.WATER, Facility.AIR_CONDITIONING],
    "gas": [Facility.SEATING, Facility.WATER, Facility.TOILET],
    "community": [Facility.SEATING, Facility.WATER, Facility.MICROWAVE, Facility.TOILET],
    "sanitation": [Facility.SEATING, Facility.WATER, Facility.MICROWAVE],
    "courier": [Facility.SEATING, Facility.WATER, Facility.CHARGING],
    "mall": [Facility.SEATING, Facility.WATER, Facility.TOILET, Facility.AIR_CONDITIONING],
}
_SOMETIMES = {
    "bank": [Facility.MICROWAVE, Facility.CHARGING, Facility.FIRST_AID, Facility.BOOKS, Facility.WIFI],
    "gas": [Facility.CHARGING, Facility.FIRST_AID, Facility.MICROWAVE, Facility.AIR_CONDITIONING],
    "community": [Facility.CHARGING, Facility.AIR_CONDITIONING, Facility.FIRST_AID, Facility.BOOKS,
                  Facility.UMBRELLA, Facility.REPAIR_KIT],
    "sanitation": [Facility.TOILET, Facility.LOCKERS, Facility.SHOWER, Facility.FIRST_AID],
    "courier": [Facility.BATTERY_SWAP, Facility.REPAIR_KIT, Facility.MICROWAVE, Facility.FIRST_AID],
    "mall": [Facility.CHARGING, Facility.WIFI, Facility.FIRST_AID, Facility.MICROWAVE],
}  # fmt: skip
_NIGHT_DEPOT = "国际港务区"  # a courier depot open overnight (20:00–06:00)
_MAINTENANCE = {"劳动路", "韩森寨", "草滩"}
_CLOSED = {"神禾原", "泾河工业园"}
_KEEPER_PLACES = ("小寨", "大雁塔", "吉祥村", "翠华路")


@dataclass
class Summary:
    stations: int
    always_open: int
    tickets: dict
    checkins: int
    suggestions: int


def _host_unit(kind: str, place: str, district: str, rng: random.Random) -> str:
    if kind == "bank":
        return f"{rng.choice(_BANKS)}{place}支行"
    if kind == "gas":
        return f"{rng.choice(_OIL)}{place}加油站"
    if kind == "community":
        return f"{place}社区服务中心"
    if kind == "sanitation":
        return f"{district}环境卫生服务中心{place}环卫所"
    if kind == "courier":
        return f"{rng.choice(_COURIERS)}{place}营业部"
    return _MALLS.get(place, f"{place}购物中心")


def _tier_and_six_has(rng: random.Random) -> tuple[str, list[str]]:
    draw = rng.random()
    items = list(SixHas.values)
    if draw < 0.15:
        return Tier.MODEL, items
    if draw < 0.6:
        return Tier.STANDARD, rng.sample(items, rng.randint(4, 6))
    return Tier.ORDINARY, rng.sample(items, rng.randint(2, 5))


def _ensure_keeper(users: dict, union):
    keeper = users.get(KEEPER_USERNAME)
    if keeper is None:
        keeper = org_demo.ensure_user(KEEPER_USERNAME, KEEPER_NAME, password=org_demo.DemoPassword())
        users[KEEPER_USERNAME] = keeper
    org_services.role_assign(actor=users["admin"], user=keeper, organisation=union, role=Role.STATION_KEEPER)
    return keeper


def _owner(tree, district: str, kind: str):
    joint = {("610113", "courier"): "xa_yanta_courier", ("610112", "courier"): "xa_weiyang_riders"}
    key = joint.get((district, kind))
    if key and key in tree.grassroots:
        return tree.grassroots[key]
    return tree.by_code[district]


def _officer(users: dict, organisation):
    for username in ("yanta", "xian_officer", "xian", "shaanxi", "admin"):
        user = users.get(username)
        if user is not None and scoping.can(user, Action.MANAGE_STATIONS, organisation):
            return user
    return users["admin"]


def build(*, tree, users: dict, rng: random.Random) -> Summary:
    today = timezone.localdate()
    now = timezone.now()
    keeper = _ensure_keeper(users, tree.by_code[KEEPER_UNION])
    made: dict[str, Station] = {}
    for district, place, road, lat, lng, kind in PLACES:
        name_district = DISTRICTS[district]
        tier, six_has = _tier_and_six_has(rng)
        facilities = list(_ALWAYS[kind]) + [f for f in _SOMETIMES[kind] if rng.random() < 0.5]
        hours = _HOURS[kind][rng.randrange(len(_HOURS[kind]))]
        if place == _NIGHT_DEPOT:
            hours = "周一至周日 20:00-06:00"
        stale = rng.random() < 0.15
        verified = today - datetime.timedelta(days=rng.randint(100, 320) if stale else rng.randint(0, 80))
        status = Status.OPEN
        if place in _MAINTENANCE:
            status = Status.MAINTENANCE
        elif place in _CLOSED:
            status = Status.CLOSED
        data = {
            "name": f"{name_district}{place}工会驿站",
            "host_unit": _host_unit(kind, place, name_district, rng),
            "address": f"陕西省西安市{name_district}{road}",
            "division_code": district,
            # a few tens of metres off the exact corner, as a real door is
            "lat": round(lat + rng.uniform(-0.0004, 0.0004), 6),
            "lng": round(lng + rng.uniform(-0.0004, 0.0004), 6),
            "hours": hours,
            "facilities": facilities,
            "status": status,
            "tier": tier,
            "six_has": six_has,
            "phone": f"029-8{rng.randint(1000000, 9999999)}",
            "verified_on": verified,
        }
        if status == Status.MAINTENANCE:
            data["note"] = "设施维修中，暂停开放，预计本周内恢复。"
        elif status == Status.CLOSED:
            data["note"] = "承建单位搬迁，驿站已暂停服务。"
        owner = _owner(tree, district, kind)
        station_keeper = keeper if place in _KEEPER_PLACES else None
        made[place] = registry.station_create(
            actor=_officer(users, owner), organisation=owner, data=data, keeper=station_keeper
        )

    ticket_counts = _tickets(made, users, keeper, now, rng)
    checkin_count = _checkins(made, now, rng)
    suggestion_count = _suggestions(users)
    return Summary(
        stations=len(made),
        always_open=sum(1 for s in made.values() if s.always_open),
        tickets=ticket_counts,
        checkins=checkin_count,
        suggestions=suggestion_count,
    )


def _tickets(made: dict, users: dict, keeper, now, rng: random.Random) -> dict:
    ago = lambda hours: now - datetime.timedelta(hours=hours)  # noqa: E731

    def report(place, kind, description, hours_ago):
        ticket, _merged = tickets.report_problem(
            actor=None, station=made[place], kind=kind, description=description,
            contact=f"139{rng.randint(10000000, 99999999)}", at=ago(hours_ago),
        )  # fmt: skip
        return ticket

    def handler(ticket):
        return keeper if ticket.station.keeper_id == keeper.pk else _officer(users, ticket.organisation)

    counts: dict[str, int] = {}
    # open: one fresh, one overdue (escalated below)
    report("小寨", "no_water", "饮水机没有水了，桶装水已空。", 3)
    report("文艺路", "broken_microwave", "微波炉加热不了。", 100)
    # acknowledged
    t = report("大雁塔", "no_power", "充电插座没电。", 20)
    tickets.ticket_acknowledge(actor=handler(t), ticket=t, note="已联系商场物业检修。", at=ago(18))
    t = report("张家堡", "air_conditioning", "空调不制冷，屋里很热。", 10)
    tickets.ticket_acknowledge(actor=handler(t), ticket=t, note="已报修，维修师傅明天上午到。", at=ago(8))
    # resolved: two on time, one late
    t = report("吉祥村", "locked", "中午十二点去的时候门锁着。", 72)
    tickets.ticket_acknowledge(actor=handler(t), ticket=t, at=ago(71))
    tickets.ticket_resolve(
        actor=handler(t), ticket=t, resolution="已调整值班安排，午间有专人值守。", at=ago(69)
    )
    t = report("纺织城", "supplies", "急救箱里的创可贴用完了。", 150)
    tickets.ticket_resolve(actor=handler(t), ticket=t, resolution="已补充急救箱药品。", at=ago(130))
    t = report("西门", "dirty", "桌面和地面较脏。", 200)
    tickets.ticket_resolve(actor=handler(t), ticket=t, resolution="已清洁，并安排每日两次保洁。", at=ago(120))
    # rejected
    t = report("高新路", "wrong_info", "地图上显示的位置不对。", 48)
    tickets.ticket_reject(
        actor=handler(t), ticket=t, reason="经核实位置正确，入口在银行东侧，已在说明中补充。", at=ago(30)
    )
    tickets.escalate_overdue(now=now)
    for status in Ticket.objects.values_list("status", flat=True):
        counts[status] = counts.get(status, 0) + 1
    return counts


def _checkins(made: dict, now, rng: random.Random) -> int:
    busy = [s for s in made.values() if s.status == Status.OPEN]
    count = 0
    for station in busy:
        usual = rng.choice([0, 1, 1, 2, 3, 5])
        if usual == 0:
            continue
        for days_ago in range(30, -1, -1):
            for n in range(rng.randint(0, usual * 2)):
                at = now - datetime.timedelta(days=days_ago, minutes=rng.randint(0, 600))
                if at > now:
                    continue
                _checkin, created = checkins.check_in(
                    station=station,
                    key=station.checkin_key,
                    token=f"demo-{station.code}-{days_ago}-{n}",
                    at=at,
                )
                count += created
    return count


def _suggestions(users: dict) -> int:
    worker = users.get("worker")
    rows = [
        {
            "name": "雁塔区唐延路外卖骑手聚集点",
            "address": "陕西省西安市雁塔区唐延路与科技二路十字西北角",
            "division_code": "610113",
            "lat": 34.2276,
            "lng": 108.8879,
            "reason": "中午有三四十名外卖骑手在路边等单，附近没有可以喝水、热饭的地方。",
        },
        {
            "name": "未央区凤城九路快递分拣点旁",
            "address": "陕西省西安市未央区凤城九路与明光路十字",
            "division_code": "610112",
            "lat": 34.3498,
            "lng": 108.9391,
            "reason": "夜间分拣的快递员多，冬天没有取暖歇脚的地方。",
        },
    ]
    for data in rows:
        suggestions.suggestion_submit(actor=worker, data=data)
    return len(rows)
