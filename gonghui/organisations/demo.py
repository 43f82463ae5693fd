"""Demo organisation tree and demo logins for ``seed_demo`` (docs/product.md §4.2), built through the
services so the demo exercises the same validation and audit trail as real use.

Everything random comes from the ``random.Random`` the caller passes in, so two runs on an
empty database give the same tree, the same codes and the same names.
"""

import datetime
import random
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password, make_password

from gonghui.core import divisions
from gonghui.core.validators import credit_check_char
from gonghui.organisations import services
from gonghui.organisations.choices import GrassrootsType, Kind, Ownership, Role
from gonghui.organisations.models import Organisation

DEMO_PASSWORD = "demo12345"
ROOT_CODE = "ACFTU"
PROVINCE_CODE = "610000"  # its presence means the demo has been loaded
GANSU_CODE = "620000"

# Gansu is the sibling province: all its cities, but counties only for these two.
GANSU_CITIES_WITH_COUNTIES = ("620100", "620500")

# Street (township) unions in Xi'an. The codes have the shape of the nine-digit township
# statistical codes under their district; the serials are demo values, not official codes.
XIAN_STREETS = {
    "610113": ["小寨路街道", "大雁塔街道", "长延堡街道", "电子城街道"],
    "610112": ["张家堡街道", "未央宫街道"],
    "610103": ["南院门街道", "柏树林街道"],
    "610104": ["北院门街道"],
    "610102": ["西一路街道"],
}

_CREDIT_BODY = "0123456789ABCDEFGHJKLMNPQRTUWXY"


@dataclass(frozen=True)
class GrassrootsSpec:
    """One demo grassroots union. ``parent`` is a division code (the territorial union it hangs
    under), a street name (a street union in Xi'an) or the key of an industry union or
    federation. ``sector`` tells the member generator what kind of workers it has."""

    key: str
    parent: str
    division: str
    name: str
    sector: str
    host: str = ""
    industry: str = ""
    ownership: str = ""
    staff: int | None = None
    joint: bool = False
    host_prefix: str = "91"  # 91 enterprise, 12 public institution


@dataclass(frozen=True)
class IndustrySpec:
    """An industrial union (产业工会) or an industry/regional union federation (联合会)."""

    key: str
    parent: str  # division code of the territorial federation above it
    division: str
    name: str
    kind: str


INDUSTRY_UNIONS = [
    IndustrySpec("sx_energy", "610000", "610000", "陕西省能源化学地质工会", Kind.INDUSTRIAL),
    IndustrySpec("xa_transport", "610100", "610100", "西安市交通运输工会", Kind.INDUSTRIAL),
    IndustrySpec("xa_logistics", "610100", "610100", "西安市物流与快递行业工会联合会", Kind.FEDERATION),
    IndustrySpec("bj_machinery", "610300", "610300", "宝鸡市机械冶金工会", Kind.INDUSTRIAL),
    IndustrySpec("lz_catering", "620100", "620100", "兰州市餐饮行业工会联合会", Kind.FEDERATION),
]

# fmt: off
GRASSROOTS = [
    # Xi'an — independent unions of enterprises and institutions
    GrassrootsSpec("xa_equipment", "610113", "610113", "西安高新智能装备有限公司工会委员会", "manufacturing",
                   "西安高新智能装备有限公司", "通用设备制造业", Ownership.PRIVATE, 860),
    GrassrootsSpec("xa_software", "电子城街道", "610113", "陕西秦岭软件科技有限公司工会", "software",
                   "陕西秦岭软件科技有限公司", "软件和信息技术服务业", Ownership.PRIVATE, 420),
    GrassrootsSpec("xa_autoparts", "610112", "610112", "西安未央汽车零部件有限公司工会委员会", "manufacturing",
                   "西安未央汽车零部件有限公司", "汽车制造业", Ownership.STATE, 1240),
    GrassrootsSpec("xa_store", "南院门街道", "610103", "西安钟楼百货商场有限公司工会", "retail",
                   "西安钟楼百货商场有限公司", "零售业", Ownership.COLLECTIVE, 310),
    GrassrootsSpec("xa_hospital", "610104", "610104", "西安市莲湖区中医医院工会", "hospital",
                   "西安市莲湖区中医医院", "卫生", Ownership.PUBLIC_INSTITUTION, 380, host_prefix="12"),
    GrassrootsSpec("xa_aerospace", "610116", "610116", "西安长安航天动力机械厂工会委员会", "manufacturing",
                   "西安长安航天动力机械厂", "铁路、船舶、航空航天和其他运输设备制造业", Ownership.STATE, 2100),
    GrassrootsSpec("xa_bus", "xa_transport", "610102", "西安新城公交客运有限公司工会", "transport",
                   "西安新城公交客运有限公司", "道路运输业", Ownership.STATE, 950),
    GrassrootsSpec("xa_textile", "610111", "610111", "西安灞桥纺织有限公司工会", "textile",
                   "西安灞桥纺织有限公司", "纺织业", Ownership.PRIVATE, 540),
    GrassrootsSpec("xa_truck", "610117", "610117", "陕西高陵重型汽车装配有限公司工会委员会", "manufacturing",
                   "陕西高陵重型汽车装配有限公司", "汽车制造业", Ownership.STATE, 1800),
    GrassrootsSpec("xa_tourism", "610115", "610115", "西安临潼文化旅游服务有限公司工会", "tourism",
                   "西安临潼文化旅游服务有限公司", "商务服务业", Ownership.STATE, 260),
    # Xi'an — joint unions for new-employment-form workers
    GrassrootsSpec("xa_yanta_courier", "610113", "610113", "雁塔区快递行业联合工会", "courier", joint=True),
    GrassrootsSpec("xa_weiyang_riders", "610112", "610112", "未央区网约送餐员联合工会", "food_delivery", joint=True),
    GrassrootsSpec("xa_beilin_newforms", "610103", "610103", "碑林区新就业形态劳动者联合工会", "new_forms", joint=True),
    GrassrootsSpec("xa_changan_trucks", "610116", "610116", "长安区货车司机联合工会", "trucking", joint=True),
    GrassrootsSpec("xa_xiaozhai_joint", "小寨路街道", "610113", "小寨路街道商圈联合工会", "services", joint=True),
    GrassrootsSpec("xa_port_drivers", "xa_logistics", "610111", "西安国际港务区货运司机联合工会", "trucking", joint=True),
    # Baoji
    GrassrootsSpec("bj_titanium", "610302", "610302", "宝鸡渭滨钛材有限公司工会委员会", "metallurgy",
                   "宝鸡渭滨钛材有限公司", "有色金属冶炼和压延加工业", Ownership.STATE, 1600),
    GrassrootsSpec("bj_machine_tools", "bj_machinery", "610303", "宝鸡金台机床有限公司工会", "manufacturing",
                   "宝鸡金台机床有限公司", "通用设备制造业", Ownership.STATE, 980),
    GrassrootsSpec("bj_pipes", "610304", "610304", "宝鸡陈仓石油钢管有限公司工会", "metallurgy",
                   "宝鸡陈仓石油钢管有限公司", "黑色金属冶炼和压延加工业", Ownership.STATE, 720),
    GrassrootsSpec("bj_liquor", "610305", "610305", "陕西凤翔酒业有限公司工会", "food_industry",
                   "陕西凤翔酒业有限公司", "酒、饮料和精制茶制造业", Ownership.PRIVATE, 450),
    GrassrootsSpec("bj_weibin_newforms", "610302", "610302", "渭滨区新就业形态劳动者联合工会", "new_forms", joint=True),
    # Other Shaanxi cities
    GrassrootsSpec("xy_textile", "610402", "610402", "咸阳秦都纺织有限公司工会", "textile",
                   "咸阳秦都纺织有限公司", "纺织业", Ownership.PRIVATE, 640),
    GrassrootsSpec("yl_coal", "sx_energy", "610881", "神木能源煤业有限公司工会委员会", "mining",
                   "神木能源煤业有限公司", "煤炭开采和洗选业", Ownership.STATE, 3100),
    GrassrootsSpec("hz_aviation", "610702", "610702", "汉中航空零部件有限公司工会", "manufacturing",
                   "汉中航空零部件有限公司", "铁路、船舶、航空航天和其他运输设备制造业", Ownership.STATE, 880),
    # Gansu
    GrassrootsSpec("lz_trade", "620102", "620102", "兰州城关商贸集团有限公司工会", "retail",
                   "兰州城关商贸集团有限公司", "批发业", Ownership.STATE, 530),
    GrassrootsSpec("lz_petrochem", "620104", "620104", "兰州西固石油化工有限公司工会委员会", "chemicals",
                   "兰州西固石油化工有限公司", "石油、煤炭及其他燃料加工业", Ownership.STATE, 2600),
    GrassrootsSpec("lz_noodles", "lz_catering", "620103", "兰州七里河牛肉面餐饮有限公司工会", "catering",
                   "兰州七里河牛肉面餐饮有限公司", "餐饮业", Ownership.PRIVATE, 180),
    GrassrootsSpec("lz_chengguan_newforms", "620102", "620102", "城关区新就业形态劳动者联合工会", "new_forms", joint=True),
    GrassrootsSpec("ts_electric", "620502", "620502", "天水秦州电工电器有限公司工会", "manufacturing",
                   "天水秦州电工电器有限公司", "电气机械和器材制造业", Ownership.STATE, 760),
]

# (username, organisation code, role, display name); "admin" is the operator (superuser).
DEMO_USERS = [
    ("admin", None, None, "平台运维"),
    ("shaanxi", "610000", Role.ADMIN, "陕西省总工会管理员"),
    ("xian", "610100", Role.ADMIN, "西安市总工会管理员"),
    ("baoji", "610300", Role.ADMIN, "宝鸡市总工会管理员"),
    ("gansu", "620000", Role.ADMIN, "甘肃省总工会管理员"),
    ("xian_officer", "610100", Role.OFFICER, "西安市总工会组织部干部"),
    ("xian_viewer", "610100", Role.VIEWER, "西安市总工会统计员"),
    ("yanta", "610113", Role.ADMIN, "雁塔区总工会管理员"),
    ("supervisor", "610000", Role.SUPERVISOR, "陕西省总工会监督员"),
]
# fmt: on

_CHAIRMEN = [
    "王建军", "李秀兰", "张志刚", "刘卫东", "陈晓梅", "杨国强", "赵红霞", "周文斌", "吴建华", "孙丽萍",
    "马玉山", "朱海燕", "胡振兴", "郭淑芬", "何永刚", "高春燕", "罗德明", "郑桂英", "梁宏伟", "谢玉兰",
]  # fmt: skip


_ROADS = ("科技路", "长安南路", "朱雀大街", "太白路", "高新路", "经开大道", "建设路", "工业园路", "滨河路", "新华路")  # fmt: skip


@dataclass
class DemoTree:
    """What the demo tree builder made: every organisation by code, grassroots unions by key
    (with their spec), and the industry unions by key."""

    by_code: dict[str, Organisation] = field(default_factory=dict)
    grassroots: dict[str, Organisation] = field(default_factory=dict)
    specs: dict[str, GrassrootsSpec] = field(default_factory=dict)
    industry: dict[str, Organisation] = field(default_factory=dict)
    streets: dict[str, Organisation] = field(default_factory=dict)


def credit_code(rng: random.Random, prefix: str, division: str) -> str:
    """A GB 32100 code with a valid check character: registering department and type
    (``81`` a grassroots union, ``91`` an enterprise, ``12`` a public institution), the
    division code, a nine-character organisation body and the MOD 31 check character."""
    body = prefix + division + "".join(rng.choice(_CREDIT_BODY) for _ in range(9))
    return body + credit_check_char(body)


def _territorial_name(code: str) -> str:
    return divisions.name(code) + "总工会"


def build_tree(*, actor, rng: random.Random) -> DemoTree:
    """Create the whole demo tree under a new root. ``actor`` is the operator."""
    tree = DemoTree()
    create = services.organisation_create

    def territorial(parent: Organisation | None, kind: str, code: str, **extra) -> Organisation:
        org = create(actor=actor, parent=parent, kind=kind, code=code, division_code=code, **extra)
        tree.by_code[code] = org
        return org

    root = create(
        actor=actor,
        parent=None,
        kind=Kind.NATIONAL,
        code=ROOT_CODE,
        name="中华全国总工会",
        short_name="全总",
        founded_on=datetime.date(1925, 5, 1),
    )
    tree.by_code[ROOT_CODE] = root

    for province_code, short in ((PROVINCE_CODE, "陕西省总"), (GANSU_CODE, "甘肃省总")):
        province = territorial(
            root, Kind.PROVINCIAL, province_code, name=_territorial_name(province_code), short_name=short
        )
        for city in sorted(divisions.children(province_code), key=lambda row: row["code"]):
            city_org = territorial(province, Kind.CITY, city["code"], name=city["name"] + "总工会")
            if province_code == GANSU_CODE and city["code"] not in GANSU_CITIES_WITH_COUNTIES:
                continue
            for county in sorted(divisions.children(city["code"]), key=lambda row: row["code"]):
                territorial(city_org, Kind.COUNTY, county["code"], name=county["name"] + "总工会")

    for county_code, streets in XIAN_STREETS.items():
        county = tree.by_code[county_code]
        for serial, street in enumerate(streets, start=1):
            org = create(
                actor=actor,
                parent=county,
                kind=Kind.STREET,
                code=f"{county_code}{serial:03d}",
                name=f"{street}工会",
                division_code=county_code,
                address=divisions.full_name(county_code) + street,
            )
            tree.streets[street] = org

    for spec in INDUSTRY_UNIONS:
        tree.industry[spec.key] = create(
            actor=actor,
            parent=tree.by_code[spec.parent],
            kind=spec.kind,
            code=f"{spec.division}-{spec.key.split('_', 1)[1].upper()}",
            name=spec.name,
            division_code=spec.division,
        )

    for spec in GRASSROOTS:
        parent = tree.by_code.get(spec.parent) or tree.streets.get(spec.parent) or tree.industry[spec.parent]
        founded = datetime.date(rng.randint(1992, 2019), rng.randint(1, 12), rng.randint(1, 28))
        if spec.joint:
            founded = datetime.date(rng.randint(2018, 2022), rng.randint(1, 12), rng.randint(1, 28))
        term_start = datetime.date(rng.randint(max(founded.year, 2020), 2024), rng.randint(1, 12), 1)
        extra = {}
        if not spec.joint:
            extra = {
                "host_name": spec.host,
                "host_credit_code": credit_code(rng, spec.host_prefix, spec.division),
                "host_industry": spec.industry,
                "host_ownership": spec.ownership,
                "host_staff_count": spec.staff,
            }
        org = create(
            actor=actor,
            parent=parent,
            kind=Kind.GRASSROOTS,
            code=credit_code(rng, "81", spec.division),
            name=spec.name,
            division_code=spec.division,
            grassroots_type=GrassrootsType.JOINT if spec.joint else GrassrootsType.INDEPENDENT,
            address=f"{divisions.full_name(spec.division)}{rng.choice(_ROADS)}{rng.randint(1, 300)}号",
            founded_on=founded,
            chairman=rng.choice(_CHAIRMEN),
            chairman_term_start=term_start,
            chairman_term_end=term_start.replace(year=term_start.year + 5),
            **extra,
        )
        tree.grassroots[spec.key] = org
        tree.specs[spec.key] = spec
        tree.by_code[org.code] = org
    return tree


class DemoPassword:
    """The demo password, hashed once per run and checked once per stored hash: the password
    hasher is deliberately slow, and every demo login shares one hash."""

    def __init__(self) -> None:
        self._hash = ""
        self._checked: dict[str, bool] = {}

    @property
    def hash(self) -> str:
        if not self._hash:
            self._hash = make_password(DEMO_PASSWORD)
            self._checked[self._hash] = True
        return self._hash

    def matches(self, stored: str) -> bool:
        if stored not in self._checked:
            self._checked[stored] = check_password(DEMO_PASSWORD, stored)
        return self._checked[stored]


def ensure_user(username: str, display_name: str, *, password: DemoPassword, superuser: bool = False):
    """Make sure a demo login exists, is active and has the demo password. Only accounts that
    are missing or changed are written, so a second run changes nothing. There is no
    new login is made by ``accounts.services.user_create``."""
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is None:
        from gonghui.accounts.services import user_create

        return user_create(
            actor=None,
            username=username,
            password_hash=password.hash,
            display_name=display_name,
            superuser=superuser,
        )
    changed = []
    if not user.is_active:
        user.is_active = True
        changed.append("is_active")
    if superuser and not (user.is_superuser and user.is_staff):
        user.is_superuser = user.is_staff = True
        changed += ["is_superuser", "is_staff"]
    if not password.matches(user.password):
        user.password = password.hash
        changed.append("password")
    if user.locked_until is not None:
        user.locked_until = None
        user.failed_logins = 0
        changed += ["locked_until", "failed_logins"]
    if changed:
        user.save(update_fields=changed)
    return user


def ensure_users(password: DemoPassword) -> dict:
    """The demo logins of ``DEMO_USERS`` (without their roles), by username."""
    return {
        username: ensure_user(username, display, password=password, superuser=org_code is None)
        for username, org_code, _role, display in DEMO_USERS
    }


def ensure_roles(users: dict, *, actor) -> None:
    """Give each demo login its role (``role_assign`` is idempotent)."""
    codes = [code for _u, code, _r, _d in DEMO_USERS if code]
    orgs = {o.code: o for o in Organisation.objects.filter(code__in=codes)}
    for username, code, role, _display in DEMO_USERS:
        if code and code in orgs:
            services.role_assign(actor=actor, user=users[username], organisation=orgs[code], role=role)
