"""Synthetic rosters for the benchmarks, streamed to a CSV file with the import template's
Chinese headers (constant memory at any scale).

Names follow the national surname frequencies (the top surnames with their published shares,
the rest of the common surnames sharing what remains, plus the surnames with special readings
and compound surnames at low rates); given names are one or two characters. ID numbers are
valid GB 11643 numbers and unique by construction: the row index is mapped through a fixed
permutation onto (birth day, sequence pair), so no set of seen numbers is kept. Phones are
unique the same way.
"""

import bisect
import csv
import datetime
import itertools
import random
from dataclasses import dataclass, field

from gonghui.core.validators import id_check_char

HEADERS = ["姓名", "身份证号码", "手机号码", "民族", "学历", "政治面貌", "就业状况", "就业形态", "是否农民工", "入会日期",
           "所属工会代码"]  # fmt: skip

# Shares (per cent) of the most common surnames (2020 household-register figures, rounded).
TOP_SURNAMES = {
    "王": 7.1, "李": 7.0, "张": 6.7, "刘": 5.4, "陈": 4.5, "杨": 3.1, "黄": 2.2, "赵": 2.0, "吴": 2.0,
    "周": 1.9, "徐": 1.5, "孙": 1.5, "马": 1.4, "朱": 1.3, "胡": 1.2, "郭": 1.1, "何": 1.1, "林": 1.0,
    "高": 1.0, "罗": 0.9, "郑": 0.8, "梁": 0.8, "谢": 0.7, "宋": 0.6, "唐": 0.6, "许": 0.6, "韩": 0.6,
    "冯": 0.5, "邓": 0.5, "曹": 0.5,
}  # fmt: skip
OTHER_SURNAMES = (
    "彭肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史"
    "陶黎贺顾毛郝龚邵万钱严武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘"
)
# Readings that differ from the character's common reading, and compound surnames (docs/product.md §3.3.8).
SPECIAL_SURNAMES = (
    "单",
    "曾",
    "解",
    "区",
    "仇",
    "查",
    "朴",
    "盖",
    "尉迟",
    "万俟",
    "长孙",
    "欧阳",
    "司马",
    "诸葛",
)
OTHER_SHARE = 38.0  # per cent shared by OTHER_SURNAMES
SPECIAL_SHARE = 0.05  # per cent each
MALE_CHARS = (
    "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆旭宁龙林阳建国峰亮成志海东文博晨长朝乐宏德鸿振嘉"
)
FEMALE_CHARS = "芳娜敏静丽艳娟霞燕玲婷雪慧莹倩琳洁颖欣悦蕾璐丹萍红梅兰秀英佳怡月晶乐晓玉春桂华"
PHONE_PREFIXES = ("130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "155",
                  "156", "157", "158", "159", "177", "180", "181", "182", "185", "186", "187", "188", "189")  # fmt: skip
# Values as rosters write them (accepted by the importer), with the stored code each means
# (the per-row ORM reference maps them with ``CODES``), and their shares.
EDUCATION = (("初中", "junior", 18), ("高中/中专", "senior", 30), ("大专", "college", 25), ("本科", "bachelor", 23),
             ("硕士", "master", 3.5), ("博士", "doctor", 0.5))  # fmt: skip
POLITICAL = (("群众", "masses", 70), ("中共党员", "cpc", 12), ("共青团员", "league", 16),
             ("民主党派", "democratic", 2))  # fmt: skip
FORMS = (("标准劳动关系", "standard", 80), ("货车司机", "truck_driver", 4), ("快递员", "courier", 5),
         ("网约送餐员", "food_delivery", 5), ("网约车司机", "ride_hailing", 3), ("护工", "care_worker", 1),
         ("家政服务员", "domestic", 1), ("保安员", "security_guard", 1))  # fmt: skip
ETHNIC = (("汉族", "01", 97), ("回族", "03", 2), ("满族", "11", 0.5), ("蒙古族", "02", 0.5))
STATUS = (("在岗", "employed", 1),)
CODES = {
    header: {label: code for label, code, _w in table}
    for header, table in (("民族", ETHNIC), ("学历", EDUCATION), ("政治面貌", POLITICAL), ("就业状况", STATUS),
                          ("就业形态", FORMS))
}  # fmt: skip

BIRTH_FIRST = datetime.date(1966, 1, 1)
BIRTH_DAYS = 13_000  # up to mid-2001
ID_SPACE = BIRTH_DAYS * 500  # (day, sequence pair): 6.5 million distinct numbers per region
ID_STRIDE = 2_654_435  # coprime with ID_SPACE: a fixed permutation of the row index
PHONE_SPACE = 100_000_000
PHONE_STRIDE = 48_271_907  # coprime with 10**8
JOIN_FIRST = datetime.date(2010, 1, 1)
JOIN_DAYS = (datetime.date(2026, 10, 31) - JOIN_FIRST).days


def _chooser(pairs):
    labels = [p[0] for p in pairs]
    cum = list(itertools.accumulate(p[1] for p in pairs))
    total = cum[-1]

    def choose(rng: random.Random) -> str:
        return labels[bisect.bisect_right(cum, rng.random() * total)]

    return choose


_surname = _chooser(
    list(TOP_SURNAMES.items())
    + [(s, OTHER_SHARE / len(OTHER_SURNAMES)) for s in OTHER_SURNAMES]
    + [(s, SPECIAL_SHARE) for s in SPECIAL_SURNAMES]
)
_education = _chooser([(label, w) for label, _c, w in EDUCATION])
_political = _chooser([(label, w) for label, _c, w in POLITICAL])
_form = _chooser([(label, w) for label, _c, w in FORMS])
_ethnic = _chooser([(label, w) for label, _c, w in ETHNIC])


def id_number(index: int, region: str, male: bool) -> str:
    j = (index * ID_STRIDE) % ID_SPACE
    day, pair = divmod(j, 500)
    birth = BIRTH_FIRST + datetime.timedelta(days=day)
    body = f"{region}{birth:%Y%m%d}{2 * pair + (1 if male else 0):03d}"
    return body + id_check_char(body)


def phone(index: int) -> str:
    j = (index * PHONE_STRIDE) % PHONE_SPACE
    return PHONE_PREFIXES[index % len(PHONE_PREFIXES)] + f"{j:08d}"


def name(rng: random.Random, male: bool) -> str:
    chars = MALE_CHARS if male else FEMALE_CHARS
    given = rng.choice(chars)
    if rng.random() < 0.8:
        given += rng.choice(chars)
    return _surname(rng) + given


@dataclass
class Union:
    code: str
    division: str
    weight: float = 1.0
    in_scope: bool = False  # inside the subtree the search benchmark is scoped to


@dataclass
class Roster:
    path: str
    rows: int
    samples: list[dict] = field(default_factory=list)  # in-scope rows kept for the search benchmark


def write_csv(
    path, unions: list[Union], rows: int, *, start: int = 0, seed: int = 2021, samples: int = 200
) -> Roster:
    """Write ``rows`` members (row indexes ``start`` … ``start + rows - 1``; distinct ranges give
    disjoint ID numbers) to ``path``; keep up to ``samples`` in-scope rows for the searches."""
    rng = random.Random(seed + start)
    pick_union = _chooser([(u, u.weight) for u in unions])
    roster = Roster(path=str(path), rows=rows)
    step = max(1, rows // max(1, samples * 2))
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADERS)
        for n in range(rows):
            index = start + n
            union = pick_union(rng)
            male = rng.random() < 0.55
            migrant = rng.random() < 0.2
            form = _form(rng)
            row = [
                name(rng, male),
                id_number(index, union.division, male),
                phone(index),
                _ethnic(rng),
                _education(rng),
                _political(rng),
                "在岗",
                form,
                "是" if migrant else "否",
                (JOIN_FIRST + datetime.timedelta(days=rng.randrange(JOIN_DAYS))).isoformat(),
                union.code,
            ]
            writer.writerow(row)
            if union.in_scope and n % step == 0 and len(roster.samples) < samples:
                roster.samples.append(dict(zip(HEADERS, row, strict=True)))
    return roster
