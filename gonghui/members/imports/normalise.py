"""Turning what people type into spreadsheets into clean values.

Each function takes a raw cell (str for CSV; str, int, float, date or datetime for xlsx) and
returns the value to store, or raises ``ValidationError`` with a message for the user.
Full-width characters, surrounding spaces, a lowercase ``x`` in ID numbers, ``+86`` and dashes
in phones, Excel serial dates and the usual text date forms are all accepted; choice columns
take the Chinese label, the English label or the code.
"""

import datetime
import functools
import re

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

from gonghui.core.text import clean
from gonghui.members.choices import (
    ETHNICITIES,
    Education,
    EmploymentForm,
    EmploymentStatus,
    Gender,
    PoliticalStatus,
    SkillGrade,
)

_EXCEL_EPOCH = datetime.date(1899, 12, 30)
_DATE_PATTERNS = [
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
]


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@functools.lru_cache(maxsize=8192)
def _clean_text(value: str) -> str:
    # Roster columns repeat the same few values (汉族, 本科, the union code …): cached.
    return clean(value)


def text(value) -> str:
    """A cell as clean text: numbers without a trailing ``.0`` (Excel stores 123 as 123.0)."""
    if value is None:
        return ""
    if type(value) is str:
        if value.isascii() and not _CONTROL.search(value):
            return value.strip()  # nothing to normalise in plain ASCII
        return _clean_text(value)
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    return clean(value)


def date(value) -> datetime.date | None:
    """A date from an Excel date cell, an Excel serial number or text (2021-3-5, 2021/03/05,
    2021.3.5, 2021年3月5日, 20210305). Empty gives None."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _serial(value)
    raw = text(value)
    if not raw:
        return None
    if re.fullmatch(r"\d{1,5}(\.\d+)?", raw) and len(raw.split(".")[0]) <= 5:
        return _serial(float(raw))
    for pattern in _DATE_PATTERNS:
        m = pattern.match(raw)
        if m:
            try:
                return datetime.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                break
    raise ValidationError(_("%(value)s is not a date; write it as 2021-03-05.") % {"value": shown(raw)})


def _serial(number: float) -> datetime.date:
    if not 1 <= number < 2958466:
        raise ValidationError(
            _("%(value)s is not a date; write it as 2021-03-05.") % {"value": shown(str(number))}
        )
    return _EXCEL_EPOCH + datetime.timedelta(days=int(number))


_TRUE = {"是", "y", "yes", "true", "1", "√", "✓", "t", "对"}
_FALSE = {"否", "n", "no", "false", "0", "×", "x", "f", "不是", ""}


def boolean(value) -> bool:
    raw = text(value).lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ValidationError(_("Write 是 or 否 (yes or no)."))


_LONG_DIGITS = re.compile(r"[0-9Xx]{7,}")


def shown(raw: str) -> str:
    """A cell's text as repeated in an error message: cut short, and any long run of digits
    masked — an ID or phone number typed in the wrong column must not end up in the batch's
    stored errors in clear."""
    return _LONG_DIGITS.sub(lambda m: m.group()[:3] + "*" * (len(m.group()) - 5) + m.group()[-2:], raw[:30])


def _squash(value: str) -> str:
    return re.sub(r"\s+", "", value).lower()


def _label_map(choices, chinese: dict[str, str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for code, label in choices:
        out[_squash(code)] = code
        out[_squash(str(label))] = code
    for label, code in chinese.items():
        out[_squash(label)] = code
    return out


_ZH_EDUCATION = {
    "小学及以下": "primary", "小学": "primary", "文盲": "primary", "初中": "junior",
    "高中": "senior", "中专": "senior", "中职": "senior", "职高": "senior", "技校": "senior",
    "高中/中专": "senior", "大专": "college", "专科": "college", "高职": "college",
    "本科": "bachelor", "大学本科": "bachelor", "学士": "bachelor", "硕士": "master",
    "硕士研究生": "master", "研究生": "master", "博士": "doctor", "博士研究生": "doctor",
}  # fmt: skip
_ZH_POLITICAL = {
    "中共党员": "cpc", "党员": "cpc", "中国共产党党员": "cpc", "中共预备党员": "cpc_probationary",
    "预备党员": "cpc_probationary", "共青团员": "league", "团员": "league",
    "民主党派": "democratic", "民主党派成员": "democratic", "群众": "masses", "无党派人士": "masses",
}  # fmt: skip
_ZH_SKILL = {
    "学徒工": "apprentice", "学徒": "apprentice", "初级工": "junior", "五级": "junior",
    "中级工": "intermediate", "四级": "intermediate", "高级工": "senior", "三级": "senior",
    "技师": "technician", "二级": "technician", "高级技师": "senior_technician", "一级": "senior_technician",
    "特级技师": "master_technician", "首席技师": "chief_technician",
}  # fmt: skip
_ZH_STATUS = {
    "在岗": "employed", "在职": "employed", "下岗": "laid_off", "待岗": "laid_off",
    "下岗待岗": "laid_off", "失业": "unemployed", "退休": "retired", "离职": "resigned",
    "辞职": "resigned", "内退": "internal_retirement", "内部退养": "internal_retirement", "其他": "other",
}  # fmt: skip
_ZH_FORM = {
    "标准劳动关系": "standard", "标准": "standard", "劳动合同": "standard", "货车司机": "truck_driver",
    "快递员": "courier", "网约送餐员": "food_delivery", "外卖骑手": "food_delivery", "外卖员": "food_delivery",
    "网约车司机": "ride_hailing", "护工护理员": "care_worker", "护工": "care_worker", "护理员": "care_worker",
    "家政服务员": "domestic", "家政": "domestic", "商场信息员": "mall_staff", "房地产经纪人员": "estate_agent",
    "房产经纪人": "estate_agent", "保安员": "security_guard", "保安": "security_guard", "其他": "other",
    "其他新就业形态": "other",
}  # fmt: skip
_ZH_GENDER = {"男": "M", "女": "F", "男性": "M", "女性": "F", "m": "M", "f": "F", "male": "M", "female": "F"}


@functools.cache
def _maps() -> dict[str, dict[str, str]]:
    # The labels in both languages (so our own exports import back: they carry the Chinese
    # labels) plus the other Chinese names people type.
    fields = {
        "education": (Education.choices, _ZH_EDUCATION),
        "political_status": (PoliticalStatus.choices, _ZH_POLITICAL),
        "skill_grade": (SkillGrade.choices, _ZH_SKILL),
        "employment_status": (EmploymentStatus.choices, _ZH_STATUS),
        "employment_form": (EmploymentForm.choices, _ZH_FORM),
        "gender": (Gender.choices, _ZH_GENDER),
    }
    maps: dict[str, dict[str, str]] = {name: {} for name in fields}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            for name, (choices, typed) in fields.items():
                maps[name].update(_label_map(choices, typed))
    return maps


_ETHNICITY: dict[str, str] = {}
for _code, _label in ETHNICITIES:
    _ETHNICITY[_code] = _code
    _ETHNICITY[str(int(_code))] = _code
    _ETHNICITY[_label] = _code
    _ETHNICITY[_label.removesuffix("族")] = _code


def choice(field: str, value) -> str:
    """The code for a choice column; '' when the cell is empty."""
    if type(value) is str:
        return _choice(field, value)
    return _choice(field, text(value))


@functools.lru_cache(maxsize=4096)
def _choice(field: str, value: str) -> str:
    raw = re.sub(r"\s+", "", text(value))
    if not raw:
        return ""
    if field == "ethnicity":
        code = _ETHNICITY.get(raw)
    else:
        code = _maps()[field].get(_squash(raw))
    if code is None:
        raise ValidationError(_("%(value)s is not one of the allowed values.") % {"value": shown(raw)})
    return code
