"""Demo members, enrolments, transfers and dues for ``seed_demo`` (docs/product.md §4.2), built through the
members services on top of the tree from ``gonghui.organisations.demo``.

Names, ID numbers and phone numbers are synthetic: ID numbers carry a real GB/T 2260 region
(the union's district, or a rural county of origin for migrant workers), a birth date between
1965 and 2003, a gender digit that agrees with the member's gender and a valid check
character; they are drawn from the caller's seeded ``random.Random`` and so are the same on
every run. Dates other than SLA deadlines are fixed, not taken from the clock (only clamped to
today, because the services refuse dates in the future).
"""

import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from gonghui.core import workdays
from gonghui.core.validators import id_check_char
from gonghui.members.choices import (
    IN_MEMBERSHIP,
    EmploymentForm,
    EmploymentStatus,
    MembershipStatus,
)
from gonghui.members.models import Enrolment, Member
from gonghui.members.services import dues as dues_services
from gonghui.members.services import enrolment as enrolment_services
from gonghui.members.services import members as member_services
from gonghui.members.services import transfers as transfer_services
from gonghui.organisations import scoping
from gonghui.organisations import services as org_services
from gonghui.organisations.choices import Role
from gonghui.organisations.demo import DemoTree
from gonghui.organisations.models import Organisation

Action = scoping.Action
F = EmploymentForm

DEFAULT_MEMBERS = 600
FIRST_JOIN = datetime.date(2019, 1, 1)
LAST_JOIN = datetime.date(2026, 10, 31)
DUES_MONTHS = [datetime.date(2026, month, 1) for month in range(5, 11)]
WORKER_NAME = "曾乐"
WORKER_UNION = "雁塔区快递行业联合工会"

# Relative size of each demo union's roster (mostly Xi'an and Baoji, some Gansu).
UNION_WEIGHTS = {
    "xa_equipment": 40, "xa_software": 25, "xa_autoparts": 40, "xa_store": 18, "xa_hospital": 22,
    "xa_aerospace": 45, "xa_bus": 30, "xa_textile": 20, "xa_truck": 35, "xa_tourism": 10,
    "xa_yanta_courier": 35, "xa_weiyang_riders": 30, "xa_beilin_newforms": 25, "xa_changan_trucks": 18,
    "xa_xiaozhai_joint": 12, "xa_port_drivers": 12,
    "bj_titanium": 45, "bj_machine_tools": 35, "bj_pipes": 25, "bj_liquor": 15, "bj_weibin_newforms": 18,
    "xy_textile": 10, "yl_coal": 12, "hz_aviation": 8,
    "lz_trade": 14, "lz_petrochem": 25, "lz_noodles": 8, "lz_chengguan_newforms": 14, "ts_electric": 10,
}  # fmt: skip


@dataclass(frozen=True)
class Sector:
    """What the workers of one kind of union look like."""

    forms: dict[str, float]
    jobs: tuple[str, ...]
    male: float
    migrant: float
    skilled: bool = False
    educated: bool = False
    wage: tuple[int, int] = (3500, 8000)


# fmt: off
SECTORS = {
    "manufacturing": Sector({F.STANDARD: 0.94, F.SECURITY_GUARD: 0.03, F.TRUCK_DRIVER: 0.03},
                            ("车工", "钳工", "焊工", "电工", "数控机床操作工", "装配钳工", "质检员", "设备维修工"),
                            0.68, 0.22, skilled=True, wage=(4200, 11000)),
    "metallurgy": Sector({F.STANDARD: 0.96, F.TRUCK_DRIVER: 0.04},
                         ("熔炼工", "轧制工", "热处理工", "无损检测员", "起重机司机", "化验员"),
                         0.84, 0.16, skilled=True, wage=(4500, 12000)),
    "mining": Sector({F.STANDARD: 1.0}, ("采煤机司机", "掘进工", "综采维修电工", "瓦斯检查工", "安全检查工"),
                     0.95, 0.25, skilled=True, wage=(7000, 16000)),
    "chemicals": Sector({F.STANDARD: 1.0}, ("化工总控工", "仪表维修工", "化学检验员", "设备点检员"),
                        0.78, 0.10, skilled=True, wage=(5500, 13000)),
    "textile": Sector({F.STANDARD: 1.0}, ("挡车工", "细纱工", "络筒工", "整经工", "质检员"),
                      0.25, 0.38, skilled=True, wage=(3200, 6500)),
    "food_industry": Sector({F.STANDARD: 0.95, F.TRUCK_DRIVER: 0.05}, ("酿酒工", "品酒师", "包装工", "化验员"),
                            0.6, 0.30, skilled=True, wage=(3500, 8000)),
    "transport": Sector({F.STANDARD: 1.0}, ("公交驾驶员", "汽车维修工", "调度员", "安全员"),
                        0.8, 0.10, skilled=True, wage=(4500, 9000)),
    "software": Sector({F.STANDARD: 1.0}, ("软件工程师", "测试工程师", "运维工程师", "产品经理", "实施工程师"),
                       0.66, 0.04, educated=True, wage=(8000, 22000)),
    "hospital": Sector({F.STANDARD: 0.9, F.CARE_WORKER: 0.1}, ("护士", "医师", "药剂师", "检验技师", "康复治疗师"),
                       0.3, 0.03, educated=True, wage=(5000, 14000)),
    "retail": Sector({F.STANDARD: 0.7, F.MALL_STAFF: 0.24, F.SECURITY_GUARD: 0.06}, ("营业员", "收银员", "理货员", "仓管员"),
                     0.32, 0.25, wage=(3000, 6000)),
    "tourism": Sector({F.STANDARD: 0.9, F.SECURITY_GUARD: 0.1}, ("讲解员", "导游", "售票员", "景区保洁员"),
                      0.4, 0.20, wage=(3200, 6500)),
    "catering": Sector({F.STANDARD: 0.85, F.FOOD_DELIVERY: 0.15}, ("拉面师", "厨师", "服务员", "收银员"),
                       0.55, 0.50, skilled=True, wage=(3000, 6500)),
    "courier": Sector({F.COURIER: 0.9, F.TRUCK_DRIVER: 0.1}, (), 0.88, 0.45, wage=(5000, 10000)),
    "food_delivery": Sector({F.FOOD_DELIVERY: 0.95, F.COURIER: 0.05}, (), 0.9, 0.45, wage=(4500, 9500)),
    "trucking": Sector({F.TRUCK_DRIVER: 1.0}, (), 0.96, 0.40, wage=(6000, 12000)),
    "new_forms": Sector({F.FOOD_DELIVERY: 0.3, F.COURIER: 0.2, F.RIDE_HAILING: 0.2, F.DOMESTIC: 0.1,
                         F.CARE_WORKER: 0.08, F.ESTATE_AGENT: 0.06, F.SECURITY_GUARD: 0.06}, (), 0.7, 0.40,
                        wage=(3500, 9000)),
    "services": Sector({F.MALL_STAFF: 0.35, F.SECURITY_GUARD: 0.25, F.DOMESTIC: 0.15, F.FOOD_DELIVERY: 0.15,
                        F.ESTATE_AGENT: 0.1}, (), 0.5, 0.35, wage=(3000, 7000)),
}

# Job titles and the employers new-employment-form workers name (platforms, agencies).
FORM_JOBS = {
    F.COURIER: "快递员", F.FOOD_DELIVERY: "网约送餐员", F.RIDE_HAILING: "网约车司机", F.TRUCK_DRIVER: "货车司机",
    F.CARE_WORKER: "护理员", F.DOMESTIC: "家政服务员", F.MALL_STAFF: "商场信息员", F.ESTATE_AGENT: "房地产经纪人",
    F.SECURITY_GUARD: "保安员", F.OTHER: "灵活就业",
}
FORM_EMPLOYERS = {
    F.COURIER: ("顺丰速运", "中通快递", "圆通速递", "京东物流", "韵达快递", "申通快递", "极兔速递", "中国邮政EMS"),
    F.FOOD_DELIVERY: ("美团外卖", "饿了么"),
    F.RIDE_HAILING: ("滴滴出行", "高德打车", "T3出行", "曹操出行"),
    F.TRUCK_DRIVER: ("货拉拉", "满帮集团", "陕西长运物流有限公司", "个体货运"),
    F.CARE_WORKER: ("康乐护理服务有限公司", "颐和居家养老服务中心"),
    F.DOMESTIC: ("秦嫂家政服务有限公司", "58到家", "好管家家政服务有限公司"),
    F.MALL_STAFF: ("小寨商圈购物中心", "赛格国际购物中心"),
    F.ESTATE_AGENT: ("链家", "贝壳找房", "我爱我家"),
    F.SECURITY_GUARD: ("华安保安服务有限公司", "金盾保安服务有限公司"),
}

COMMON_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严武戴莫孔向汤"
)
# Surnames whose surname reading differs from the character's common reading (docs/product.md §3.3.8),
# and compound surnames: every one of them appears in the demo roster.
SPECIAL_SURNAMES = ("单", "曾", "解", "区", "仇", "查", "翟", "朴", "盖", "欧阳", "尉迟")
MALE_CHARS = "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆旭宁龙林阳建国峰亮成志海东文博晨长朝乐宏"
FEMALE_CHARS = "芳娜敏静丽艳娟霞燕玲婷雪慧莹倩琳洁颖欣悦蕾璐丹萍红梅兰秀英佳怡月晶乐晓"
PHONE_PREFIXES = (
    "130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "150", "151", "152", "153",
    "155", "156", "157", "158", "159", "180", "181", "182", "183", "184", "185", "186", "187", "188", "189",
)
# Rural counties migrant workers come from, by province of the union they work in.
MIGRANT_ORIGINS = {
    "61": ("610124", "610122", "610326", "610423", "610526", "610728", "610826", "610921", "611021",
           "620522", "620523", "411421", "411522", "511321", "140823"),
    "62": ("620522", "620523", "621122", "622921", "622926", "620321", "630121", "640323", "610826"),
}

# Showcase members, created first: each special surname at least once, several given names
# with two readings (乐 le/yue, 长 chang/zhang, 朝 chao/zhao), the member login "worker".
SHOWCASE = [
    # (name, gender, birth, union key, form, job, ethnicity)
    (WORKER_NAME, "M", datetime.date(1996, 4, 12), "xa_yanta_courier", F.COURIER, "快递员", "01"),
    ("单晓燕", "F", datetime.date(1992, 7, 1), "bj_titanium", F.STANDARD, "化验员", "01"),
    ("解朝阳", "M", datetime.date(1983, 9, 23), "xa_equipment", F.STANDARD, "数控机床操作工", "01"),
    ("区志强", "M", datetime.date(1979, 2, 14), "xa_autoparts", F.STANDARD, "焊工", "01"),
    ("仇建国", "M", datetime.date(1967, 10, 1), "xa_aerospace", F.STANDARD, "钳工", "01"),
    ("查文博", "M", datetime.date(1990, 11, 5), "xa_software", F.STANDARD, "软件工程师", "01"),
    ("翟丽娟", "F", datetime.date(1986, 3, 8), "xa_hospital", F.STANDARD, "护士", "03"),
    ("朴成浩", "M", datetime.date(1981, 6, 18), "lz_petrochem", F.STANDARD, "化工总控工", "10"),
    ("盖晓东", "M", datetime.date(1977, 12, 30), "xa_changan_trucks", F.TRUCK_DRIVER, "货车司机", "01"),
    ("欧阳明华", "F", datetime.date(1988, 5, 20), "bj_machine_tools", F.STANDARD, "质检员", "01"),
    ("尉迟敬文", "M", datetime.date(1975, 8, 16), "xa_bus", F.STANDARD, "公交驾驶员", "01"),
    ("单长青", "M", datetime.date(1998, 1, 27), "xa_weiyang_riders", F.FOOD_DELIVERY, "网约送餐员", "01"),
]

# Online applications: (employer, work division, form, outcome, days since submission).
ENROLMENTS = [
    ("美团外卖", "610112", F.FOOD_DELIVERY, "pending", 0),
    ("顺丰速运", "610113", F.COURIER, "pending", 2),
    ("西安高新智能装备有限公司", "610113", F.STANDARD, "pending", 1),
    ("秦嫂家政服务有限公司", "610302", F.DOMESTIC, "pending", 3),
    ("康乐护理服务有限公司", "610124", F.CARE_WORKER, "pending", 4),
    ("饿了么", "620102", F.FOOD_DELIVERY, "pending", 0),
    ("滴滴出行", "610103", F.RIDE_HAILING, "pending", 35),
    ("货拉拉", "610116", F.TRUCK_DRIVER, "pending", 42),
    ("宝鸡渭滨钛材有限公司", "610302", F.STANDARD, "pending", 60),
    ("雄关物业服务有限公司", "620200", F.SECURITY_GUARD, "pending", 31),
    ("京东物流", "610113", F.COURIER, "approved", 0),
    ("美团外卖", "610112", F.FOOD_DELIVERY, "approved", 0),
    ("兰州西固石油化工有限公司", "620104", F.STANDARD, "approved", 0),
    ("链家", "610103", F.ESTATE_AGENT, "rejected", 0),
    ("中通快递", "610302", F.COURIER, "rejected", 0),
]
REJECTIONS = [
    "经电话核实，申请人已从所填单位离职，请按现工作单位重新申请。",
    "联系电话多次无法接通，无法核实身份信息，请核对后重新提交。",
]
WITHDRAWAL_REASONS = [
    "本人书面申请退会。",
    "连续六个月无正当理由未交会费，经教育不改，按章程视为自动退会。",
    "出国定居，本人申请退会。",
]
# fmt: on

# Which demo login does the work for a union (most local first), so the audit log of the
# demo reads like real use; the operator only where no one else is in scope.
ACTORS = ("yanta", "xian_officer", "xian", "baoji", "shaanxi", "gansu")


@dataclass
class MemberSpec:
    name: str
    gender: str
    birth: datetime.date
    union_key: str
    form: str
    job: str
    ethnicity: str
    region: str
    migrant: bool
    joined_on: datetime.date
    education: str = ""
    political_status: str = ""
    skill_grade: str = ""
    employer: str = ""
    employment_status: str = EmploymentStatus.EMPLOYED
    final_status: str = MembershipStatus.MEMBER
    status_reason: str = ""
    id_number: str = ""
    phone: str = ""


@dataclass
class Summary:
    members: int = 0
    retained: int = 0
    withdrawn: int = 0
    enrolments: dict = field(default_factory=dict)
    transfers: dict = field(default_factory=dict)
    dues_records: int = 0


class Generator:
    """Synthetic people from one seeded random stream."""

    def __init__(self, rng: random.Random, today: datetime.date):
        self.rng = rng
        self.today = today
        self.last_join = min(LAST_JOIN, today)
        self.ids: set[str] = set()
        self.phones: set[str] = set()

    def weighted(self, weights: dict):
        keys = list(weights)
        return self.rng.choices(keys, weights=[weights[k] for k in keys])[0]

    def date_between(self, start: datetime.date, end: datetime.date) -> datetime.date:
        if end <= start:
            return start
        return start + datetime.timedelta(days=self.rng.randint(0, (end - start).days))

    def name(self, gender: str, surname: str | None = None) -> str:
        if surname is None:
            surname = self.rng.choice(COMMON_SURNAMES)
        chars = MALE_CHARS if gender == "M" else FEMALE_CHARS
        given = self.rng.choice(chars)
        if self.rng.random() < 0.85:
            given += self.rng.choice(chars)
        return surname + given

    def id_number(self, region: str, birth: datetime.date, gender: str) -> str:
        while True:
            order = self.rng.randint(0, 99)
            digit = self.rng.choice("13579" if gender == "M" else "02468")
            body = f"{region}{birth:%Y%m%d}{order:02d}{digit}"
            number = body + id_check_char(body)
            if number not in self.ids:
                self.ids.add(number)
                return number

    def phone(self) -> str:
        while True:
            number = self.rng.choice(PHONE_PREFIXES) + f"{self.rng.randint(0, 99999999):08d}"
            if number not in self.phones:
                self.phones.add(number)
                return number

    def origin(self, division: str, migrant: bool) -> str:
        if not migrant:
            return division
        return self.rng.choice(MIGRANT_ORIGINS.get(division[:2], MIGRANT_ORIGINS["61"]))

    def education(self, birth: datetime.date, sector: Sector, form: str) -> str:
        if sector.educated:
            return self.weighted({"bachelor": 55, "master": 20, "college": 22, "doctor": 3})
        if form != F.STANDARD:
            return self.weighted({"junior": 30, "senior": 45, "college": 20, "bachelor": 5})
        if birth.year >= 1985:
            return self.weighted({"junior": 10, "senior": 35, "college": 35, "bachelor": 20})
        return self.weighted({"primary": 2, "junior": 35, "senior": 40, "college": 15, "bachelor": 8})

    def political_status(self, birth: datetime.date) -> str:
        if birth.year >= 1998 and self.rng.random() < 0.35:
            return "league"
        return self.weighted(
            {"masses": 84, "cpc": 13 if birth.year < 1990 else 8, "cpc_probationary": 1, "democratic": 1}
        )

    def skill_grade(self, birth: datetime.date, sector: Sector, form: str) -> str:
        if form == F.COURIER and self.rng.random() < 0.2:
            return "junior"
        if not sector.skilled or form != F.STANDARD:
            return ""
        if birth.year >= 1998:
            return self.weighted({"apprentice": 30, "junior": 50, "intermediate": 20})
        if birth.year >= 1985:
            return self.weighted({"junior": 20, "intermediate": 40, "senior": 30, "technician": 10})
        return self.weighted(
            {
                "intermediate": 25,
                "senior": 35,
                "technician": 22,
                "senior_technician": 12,
                "master_technician": 4,
                "chief_technician": 2,
            }
        )

    def ethnicity(self, region: str) -> str:
        if region[:4] == "6229" or region[:2] == "64":
            return self.weighted({"03": 70, "26": 10, "01": 20})
        if region[:2] == "62" or region[:2] == "63":
            return self.weighted({"01": 88, "03": 8, "04": 2, "30": 2})
        return self.weighted({"01": 96, "03": 2.5, "11": 0.5, "02": 0.4, "15": 0.3, "04": 0.3})

    def join_date(self, birth: datetime.date) -> datetime.date:
        """Between 2019 and the end of the demo period, and not before the 18th birthday."""
        adult = datetime.date(birth.year + 18, birth.month, min(birth.day, 28))
        return self.date_between(max(FIRST_JOIN, adult), self.last_join)

    def member(
        self, union_key: str, spec_division: str, sector_name: str, host: str, fixed=None
    ) -> MemberSpec:
        sector = SECTORS[sector_name]
        if fixed:
            name, gender, birth, _key, form, job, ethnicity = fixed
        else:
            form = self.weighted(sector.forms)
            male = (
                sector.male if form == F.STANDARD else (0.15 if form in {F.CARE_WORKER, F.DOMESTIC} else 0.9)
            )
            if form in {F.MALL_STAFF, F.ESTATE_AGENT}:
                male = 0.45
            gender = "M" if self.rng.random() < male else "F"
            young = form != F.STANDARD
            birth = self.date_between(
                datetime.date(1975 if young else 1965, 1, 1), datetime.date(2003, 12, 31)
            )
            surname = self.rng.choice(SPECIAL_SURNAMES) if self.rng.random() < 0.04 else None
            name = self.name(gender, surname)
            job = FORM_JOBS.get(form) if form != F.STANDARD else self.rng.choice(sector.jobs)
            ethnicity = None
        migrant = self.rng.random() < sector.migrant * 0.8
        region = self.origin(spec_division, migrant)
        if ethnicity is None:
            ethnicity = "10" if name.startswith("朴") else self.ethnicity(region)
        # In an enterprise union everybody names the enterprise (even its security guards);
        # in a joint union workers name their platform or agency.
        employer = host or self.rng.choice(FORM_EMPLOYERS.get(form, ("个体经营",)))
        spec = MemberSpec(
            name=name,
            gender=gender,
            birth=birth,
            union_key=union_key,
            form=form,
            job=job,
            ethnicity=ethnicity,
            region=region,
            migrant=migrant,
            joined_on=self.join_date(birth),
            education=self.education(birth, sector, form),
            political_status=self.political_status(birth),
            skill_grade=self.skill_grade(birth, sector, form),
            employer=employer,
        )
        if not fixed:
            roll = self.rng.random()
            if birth.year <= 1966 and roll < 0.5:
                spec.final_status, spec.employment_status = (
                    MembershipStatus.RETAINED,
                    EmploymentStatus.RETIRED,
                )
                spec.status_reason = "退休，保留会籍。"
            elif roll < 0.03:
                spec.final_status, spec.employment_status = (
                    MembershipStatus.RETAINED,
                    EmploymentStatus.UNEMPLOYED,
                )
                spec.status_reason = "企业裁员失业，保留会籍。"
            elif roll < 0.05:
                spec.final_status, spec.employment_status = (
                    MembershipStatus.WITHDRAWN,
                    EmploymentStatus.RESIGNED,
                )
                spec.status_reason = self.rng.choice(WITHDRAWAL_REASONS)
        spec.id_number = self.id_number(region, birth, gender)
        spec.phone = self.phone()
        return spec


def _quotas(total: int, weights: dict[str, int]) -> dict[str, int]:
    """Split ``total`` over the unions in proportion to their weights (largest remainder)."""
    whole = sum(weights.values())
    raw = {k: total * w / whole for k, w in weights.items()}
    quotas = {k: int(v) for k, v in raw.items()}
    rest = total - sum(quotas.values())
    for key in sorted(raw, key=lambda k: (-(raw[k] - quotas[k]), k))[:rest]:
        quotas[key] += 1
    return quotas


def actor_for(users: dict, organisation: Organisation, action: str):
    """The most local demo login allowed to do ``action`` on ``organisation``."""
    for username in ACTORS:
        user = users.get(username)
        if user is not None and scoping.can(user, action, organisation):
            return user
    return users["admin"]


def build(*, tree: DemoTree, users: dict, rng: random.Random, count: int = DEFAULT_MEMBERS) -> Summary:
    """Create the demo roster, its history, applications, transfers and dues."""
    today = timezone.localdate()
    gen = Generator(rng, today)
    summary = Summary()

    specs: list[MemberSpec] = []
    for fixed in SHOWCASE:
        key = fixed[3]
        spec = tree.specs[key]
        specs.append(gen.member(key, spec.division, spec.sector, spec.host, fixed=fixed))
    for key, quota in _quotas(max(count - len(SHOWCASE), 0), UNION_WEIGHTS).items():
        spec = tree.specs[key]
        for _ in range(quota):
            specs.append(gen.member(key, spec.division, spec.sector, spec.host))
    # Created in the order they joined, so member numbers run with the join date.
    specs.sort(key=lambda s: (s.joined_on, s.id_number))

    created: list[tuple[MemberSpec, Member]] = []
    for spec in specs:
        union = tree.grassroots[spec.union_key]
        member = member_services.member_create(
            actor=actor_for(users, union, Action.MANAGE_MEMBERS),
            organisation=union,
            name=spec.name,
            id_number=spec.id_number,
            phone=spec.phone,
            gender=spec.gender,
            birth_date=spec.birth,
            joined_on=spec.joined_on,
            ethnicity=spec.ethnicity,
            education=spec.education,
            political_status=spec.political_status,
            employer=spec.employer,
            job=spec.job,
            skill_grade=spec.skill_grade,
            employment_status=spec.employment_status,
            employment_form=spec.form,
            is_migrant_worker=spec.migrant,
        )
        created.append((spec, member))
    summary.members = len(created)

    for spec, member in created:
        if spec.final_status == MembershipStatus.MEMBER:
            continue
        member_services.member_change_status(
            actor=actor_for(users, member.organisation, Action.MANAGE_MEMBERS),
            member=member,
            to_status=spec.final_status,
            reason=spec.status_reason,
            effective_on=gen.date_between(spec.joined_on, gen.last_join),
        )
        if spec.final_status == MembershipStatus.RETAINED:
            summary.retained += 1
        else:
            summary.withdrawn += 1

    summary.dues_records = _dues(tree, users, gen, today)
    summary.transfers = _transfers(tree, users)
    summary.enrolments = _enrolments(users, gen)
    summary.members = Member.objects.count()
    return summary


def _dues(tree: DemoTree, users: dict, gen: Generator, today: datetime.date) -> int:
    """Six months of dues for part of four rosters (a factory, a titanium works, a joint union
    of couriers, a refinery in Gansu)."""
    months = [m for m in DUES_MONTHS if m <= today.replace(day=1)]
    count = 0
    for key in ("xa_equipment", "bj_titanium", "xa_yanta_courier", "lz_petrochem"):
        union = tree.grassroots[key]
        sector = SECTORS[tree.specs[key].sector]
        actor = actor_for(users, union, Action.DUES)
        roster = Member.objects.filter(organisation=union, status__in=IN_MEMBERSHIP).order_by("member_no")[
            :15
        ]
        for member in roster:
            cents = gen.rng.randint(sector.wage[0] * 100, sector.wage[1] * 100)
            for month in months:
                if month < member.joined_on.replace(day=1):
                    continue
                wage = (Decimal(cents) / 100).quantize(Decimal("0.01"))
                paid_on = month.replace(day=15)
                dues_services.dues_record(
                    actor=actor,
                    member=member,
                    month=month,
                    monthly_wage=wage,
                    paid_on=paid_on if paid_on <= today else None,
                )
                count += 1
                # Wages move a little from month to month.
                cents = max(cents + gen.rng.randint(-30000, 30000), 200000)
    return count


def _first_member(union: Organisation, *, skip_user: bool = True) -> Member:
    qs = Member.objects.filter(organisation=union, status=MembershipStatus.MEMBER).select_related(
        "organisation"
    )
    if skip_user:
        qs = qs.filter(user__isnull=True).exclude(name=WORKER_NAME)
    return qs.order_by("member_no").first()


def _transfers(tree: DemoTree, users: dict) -> dict:
    """One transfer completed (Xi'an → Baoji), one awaiting acceptance (Baoji → Xi'an), two
    awaiting release (within Xi'an → Baoji, and across provinces Gansu → Xi'an)."""
    g = tree.grassroots
    plans = [
        ("xa_autoparts", "bj_machine_tools", "工作调动至宝鸡金台机床有限公司。", "accepted"),
        ("bj_titanium", "xa_equipment", "随配偶迁居西安，已在西安高新智能装备有限公司就业。", "released"),
        ("xa_yanta_courier", "bj_weibin_newforms", "换到宝鸡渭滨区的快递网点工作。", "requested"),
        ("lz_petrochem", "xa_equipment", "应聘到西安高新智能装备有限公司，申请转入。", "requested"),
    ]
    done: dict[str, int] = {}
    for source, target, reason, outcome in plans:
        member = _first_member(g[source])
        if member is None:
            continue
        transfer = transfer_services.transfer_request(
            actor=actor_for(users, member.organisation, Action.TRANSFER),
            member=member,
            to_organisation=g[target],
            reason=reason,
        )
        if outcome in {"released", "accepted"}:
            transfer = transfer_services.transfer_release(
                actor=actor_for(users, transfer.from_organisation, Action.TRANSFER), transfer=transfer
            )
        if outcome == "accepted":
            transfer = transfer_services.transfer_accept(
                actor=actor_for(users, transfer.to_organisation, Action.TRANSFER), transfer=transfer
            )
        done[outcome] = done.get(outcome, 0) + 1
    return done


def _enrolments(users: dict, gen: Generator) -> dict:
    now = timezone.now()
    rejections = iter(REJECTIONS)
    done: dict[str, int] = {}
    for employer, division, form, outcome, age_days in ENROLMENTS:
        male = 0.15 if form in {F.CARE_WORKER, F.DOMESTIC} else (0.6 if form == F.STANDARD else 0.9)
        gender = "M" if gen.rng.random() < male else "F"
        birth = gen.date_between(datetime.date(1975, 1, 1), datetime.date(2003, 12, 31))
        migrant = form != F.STANDARD and gen.rng.random() < 0.5
        enrolment = enrolment_services.enrolment_submit(
            actor=None,
            name=gen.name(gender),
            id_number=gen.id_number(gen.origin(division, migrant), birth, gender),
            phone=gen.phone(),
            employer=employer,
            work_division=division,
            employment_form=form,
        )
        if age_days:
            # Demo data only: the service stamps submissions "now"; to show applications
            # that are waiting or overdue, their submission time and deadline are moved back
            # as if they had been submitted ``age_days`` ago. Real code never does this.
            submitted = now - datetime.timedelta(days=age_days)
            Enrolment.objects.filter(pk=enrolment.pk).update(
                submitted_at=submitted,
                due_on=workdays.add_working_days(
                    timezone.localdate(submitted), settings.GONGHUI_ENROLMENT_SLA_DAYS
                ),
            )
            enrolment.refresh_from_db()
        if outcome == "approved":
            enrolment_services.enrolment_approve(
                actor=actor_for(users, enrolment.organisation, Action.APPROVE_ENROLMENT), enrolment=enrolment
            )
        elif outcome == "rejected":
            enrolment_services.enrolment_reject(
                actor=actor_for(users, enrolment.organisation, Action.APPROVE_ENROLMENT),
                enrolment=enrolment,
                reason=next(rejections),
            )
        elif enrolment.is_overdue:
            outcome = "overdue"
        done[outcome] = done.get(outcome, 0) + 1
    return done


def ensure_worker(*, users: dict, worker) -> Member | None:
    """Link the ``worker`` login to the showcase courier in Xi'an (role ``member`` on their
    union), unless it is linked already."""
    linked = Member.objects.filter(user=worker).select_related("organisation").first()
    if linked is not None:
        return linked
    member = (
        Member.objects.filter(name=WORKER_NAME, organisation__name=WORKER_UNION, user__isnull=True)
        .select_related("organisation")
        .order_by("member_no")
        .first()
    )
    if member is None:
        return None
    actor = actor_for(users, member.organisation, Action.MANAGE_ROLES)
    org_services.role_assign(actor=actor, user=worker, organisation=member.organisation, role=Role.MEMBER)
    member_services.member_link_user(
        actor=actor_for(users, member.organisation, Action.MANAGE_MEMBERS), member=member, user=worker
    )
    return member
