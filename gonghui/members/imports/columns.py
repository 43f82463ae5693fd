"""The roster columns: Chinese template headers, the aliases people really use, English names.

A header cell is matched after removing spaces, a required-mark (``*``) and a bracketed note
(``身份证号码（必填）``), case-insensitively.
"""

import re

from django.utils.translation import gettext_lazy as _

from gonghui.core.text import clean

# field key → (template header, translatable English label, aliases)
COLUMNS: dict[str, tuple[str, object, tuple[str, ...]]] = {
    "name": ("姓名", _("Name"), ("会员姓名", "职工姓名", "name", "fullname", "full name")),
    "id_number": (
        "身份证号码",
        _("ID number"),
        (
            "身份证号",
            "身份证",
            "公民身份号码",
            "证件号码",
            "id number",
            "id_number",
            "idnumber",
            "id no",
            "id card",
        ),
    ),
    "phone": (
        "手机号码",
        _("Mobile phone"),
        ("手机号", "手机", "联系电话", "电话", "phone", "mobile", "mobile phone", "telephone"),
    ),
    "gender": ("性别", _("Gender"), ("gender", "sex")),
    "birth_date": (
        "出生日期",
        _("Birth date"),
        ("出生年月日", "生日", "birth date", "birth_date", "date of birth"),
    ),
    "ethnicity": ("民族", _("Ethnicity"), ("ethnicity", "nation", "nationality")),
    "education": ("学历", _("Education"), ("文化程度", "最高学历", "education")),
    "political_status": ("政治面貌", _("Political status"), ("political status", "political_status")),
    "employer": ("工作单位", _("Employer"), ("单位", "单位名称", "所在单位", "employer", "company")),
    "job": ("岗位", _("Job"), ("职务", "工种", "职业", "job", "position")),
    "skill_grade": ("技能等级", _("Skill grade"), ("技能等级证书", "skill grade", "skill_grade")),
    "employment_status": (
        "就业状况",
        _("Employment status"),
        ("就业状态", "employment status", "employment_status"),
    ),
    "employment_form": ("就业形态", _("Employment form"), ("用工形式", "employment form", "employment_form")),
    "is_migrant_worker": (
        "是否农民工",
        _("Migrant worker"),
        ("农民工", "migrant worker", "is_migrant_worker", "migrant"),
    ),
    "joined_on": ("入会日期", _("Joined on"), ("入会时间", "joined on", "joined_on", "join date")),
    "organisation": (
        "所属工会代码",
        _("Union code"),
        # Not "所属工会": exports carry the union's name under that header, beside its code.
        ("工会代码", "组织代码", "union code", "organisation", "organization", "union"),
    ),
    "card_no": ("会员卡号", _("Card number"), ("卡号", "card number", "card_no")),
}
REQUIRED = ("name", "id_number")
TEMPLATE_ORDER = list(COLUMNS)

_NOTE = re.compile(r"[（(【\[].*?[）)】\]]")


def _key(text: object) -> str:
    try:
        value = clean(text)
    except Exception:  # noqa: BLE001 - a header cell with control characters matches nothing
        return ""
    value = _NOTE.sub("", value).replace("*", "").replace("＊", "")
    return re.sub(r"[\s_]+", " ", value).strip().lower()


_LOOKUP: dict[str, str] = {}
for _field, (_header, _label, _aliases) in COLUMNS.items():
    for _text in (_header, *_aliases):
        _LOOKUP[_key(_text)] = _field
        _LOOKUP[_key(_text).replace(" ", "")] = _field


def match(cell: object) -> str | None:
    key = _key(cell)
    return _LOOKUP.get(key) or _LOOKUP.get(key.replace(" ", ""))


def map_header(row: list) -> dict[str, tuple[int, str]]:
    """``{field: (column index, header text as written)}``; the first of repeated headers wins."""
    found: dict[str, tuple[int, str]] = {}
    for index, cell in enumerate(row):
        field = match(cell)
        if field and field not in found:
            found[field] = (index, str(cell).strip())
    return found


def header_text(field: str) -> str:
    return COLUMNS[field][0]
