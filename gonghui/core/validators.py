"""Validators for Chinese identifiers, written here because they are short and hot
(ADR 0007: python-stdnum rejects real IDs; id-validator is ~9 ms a number).

* ID numbers: GB 11643-1999 (18 characters, ISO 7064 MOD 11-2 check character).
* Unified social credit codes: GB 32100-2015 (18 characters, MOD 31 check character).
* Mainland mobile numbers.
* Person names (Chinese or Latin letters), the working-age floor and the statutory
  retirement age (docs/dev/input-rules.md).
"""

import calendar
import datetime
import re
import unicodedata
import zoneinfo
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gonghui.core import divisions
from gonghui.core.text import clean

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_RE = re.compile(r"^[0-9]{17}[0-9X]$")


@dataclass(frozen=True)
class IdNumberFacts:
    number: str
    birth_date: datetime.date
    gender: str  # "M" or "F"
    region: str  # six-digit division code as written in the number


def normalise_id_number(value: object) -> str:
    return clean(value).replace(" ", "").upper()


def id_check_char(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def parse_id_number(value: object, *, today: datetime.date | None = None) -> IdNumberFacts:
    """Validate a GB 11643 number and return what it encodes. Raises ValidationError with a
    code: ``id_format``, ``id_checksum``, ``id_birth_date`` or ``id_region``."""
    number = normalise_id_number(value)
    if not _ID_RE.match(number):
        raise ValidationError(
            _("An ID number has 18 characters: 17 digits and a final digit or X."), code="id_format"
        )
    if id_check_char(number[:17]) != number[17]:
        raise ValidationError(
            _("The ID number's check character is wrong; please check the number."), code="id_checksum"
        )
    try:
        birth = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(
            _("The birth date inside the ID number does not exist."), code="id_birth_date"
        ) from None
    today = today or datetime.date.today()
    if birth > today or birth.year < 1900:
        raise ValidationError(_("The birth date inside the ID number is impossible."), code="id_birth_date")
    # Counties are merged and renamed every year while people keep their numbers, so only the
    # province part is checked against GB/T 2260 (ADR 0007).
    if not divisions.is_province_prefix(number[:2]):
        raise ValidationError(_("The ID number does not start with a valid region code."), code="id_region")
    gender = "M" if int(number[16]) % 2 == 1 else "F"
    return IdNumberFacts(number=number, birth_date=birth, gender=gender, region=number[:6])


_CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_CREDIT_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$")


def normalise_credit_code(value: object) -> str:
    return clean(value).replace(" ", "").upper()


def credit_check_char(first17: str) -> str:
    total = sum(_CREDIT_CHARS.index(c) * w for c, w in zip(first17, _CREDIT_WEIGHTS, strict=True))
    return _CREDIT_CHARS[(31 - total % 31) % 31]


def validate_credit_code(value: object) -> str:
    """GB 32100 unified social credit code; returns it normalised."""
    code = normalise_credit_code(value)
    if not _CREDIT_RE.match(code):
        raise ValidationError(
            _(
                "A unified social credit code has 18 characters (digits and capital letters except I, O, Z, S, V)."
            ),
            code="credit_format",
        )
    if credit_check_char(code[:17]) != code[17]:
        raise ValidationError(_("The credit code's check character is wrong."), code="credit_checksum")
    return code


def is_union_credit_code(code: str) -> bool:
    """Unions register with 工会 as the registering department: codes start with 8."""
    return code.startswith("8")


_MOBILE_RE = re.compile(r"^1[3-9][0-9]{9}$")


def normalise_mobile(value: object) -> str:
    text = clean(value)
    text = re.sub(r"[\s\-()（）]", "", text)
    if text.startswith("+86"):
        text = text[3:]
    elif text.startswith("0086"):
        text = text[4:]
    elif text.startswith("86") and len(text) == 13:
        text = text[2:]
    return text


def validate_mobile(value: object) -> str:
    number = normalise_mobile(value)
    if not _MOBILE_RE.match(number):
        raise ValidationError(
            _("Enter a mainland mobile number: 11 digits starting with 1."), code="phone_format"
        )
    return number


def mask_id_number(number: str) -> str:
    if not number:
        return ""
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def mask_phone(number: str) -> str:
    if not number:
        return ""
    return number[:3] + "****" + number[-4:]


def mask_name(name: str) -> str:
    """张三 → 张*, 欧阳明华 → 欧**华: enough for a card check, not for identification."""
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def validate_division_code(value: object) -> str:
    code = clean(value)
    if not divisions.exists(code):
        raise ValidationError(
            _("%(code)s is not a GB/T 2260 division code.") % {"code": code or "—"}, code="division_unknown"
        )
    return code


# ---- person names ------------------------------------------------------------------------

HAN_NAME_MIN, HAN_NAME_MAX = 2, 20
LATIN_NAME_MIN, LATIN_NAME_MAX = 2, 50
NAME_DOT = "·"
# Ways the middle dot of 买买提·艾力 arrives: bullet, katakana and half-width katakana middle
# dots, hyphenation point, bullet operator, dot operator, word-separator dot, and a plain or
# full-width full stop (the full-width one is already "." after ``clean``).
_DOT_VARIANTS = re.compile(r"\s*[·•・･‧∙⋅⸱.]\s*")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "´": "'", "‐": "-", "‑": "-"})
_COMMON_HAN_NAME = re.compile(rf"[\u4e00-\u9fff]{{{HAN_NAME_MIN},{HAN_NAME_MAX}}}")
_FORMULA_LEAD = frozenset("=+-@")
_LATIN_SEPARATORS = frozenset(" -'.")
# Han characters in names: the unified ideographs with every extension (rare characters of
# extension B and later are in real household registers), the compatibility blocks, and 〇.
_HAN_RANGES = (
    (0x3007, 0x3007),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF),
    (0x20000, 0x2A6DF),
    (0x2A700, 0x2EE5F),
    (0x2F800, 0x2FA1F),
    (0x30000, 0x323AF),
)
_LATIN_TOKEN = re.compile(r"[^\W\d_]+(?:['-][^\W\d_]+)*\.?")


def _is_han(ch: str) -> bool:
    code = ord(ch)
    return code >= 0x3007 and any(low <= code <= high for low, high in _HAN_RANGES)


def _is_latin_letter(ch: str) -> bool:
    if ch.isascii():
        return ch.isalpha()
    return ch.isalpha() and unicodedata.name(ch, "").startswith("LATIN")


def normalise_person_name(value: object) -> str:
    """A name as people type it, made comparable: half-width, NFC, no surrounding or doubled
    spaces; in a Chinese name every kind of middle dot becomes ``·`` and padding spaces go
    (王　芳 → 王芳); in a Latin name curly apostrophes become ``'``. Control characters are
    refused by ``clean`` (``control_characters``)."""
    text = clean(value)
    if not text or _COMMON_HAN_NAME.fullmatch(text):
        return text
    if any(_is_han(ch) for ch in text):
        text = _DOT_VARIANTS.sub(NAME_DOT, text)
        if all(_is_han(ch) or ch == NAME_DOT or ch.isspace() for ch in text):
            text = "".join(text.split())
    else:
        text = text.translate(_APOSTROPHES)
    return " ".join(text.split())


def _invalid_character(ch: str) -> ValidationError:
    if not ch.isprintable() or ch.isspace():
        return ValidationError(
            _("The name contains invisible special characters; delete them and type the name again."),
            code="name_invalid_character",
        )
    return ValidationError(
        _("A name cannot contain “%(char)s”: write it as on the ID card or passport.") % {"char": ch},
        code="name_invalid_character",
    )


def validate_person_name(value: object, *, required: bool = True) -> str:
    """The one check for a person's name, wherever it is typed or imported; returns the
    normalised name. A Chinese name is 2–20 Han characters, parts of minority and
    transliterated names joined by single ``·`` (买买提·艾力); a foreign worker's name is
    Latin letters (accents allowed) with spaces, hyphens, apostrophes and periods, 2–50
    characters. Digits, emoji, markup, formula lead characters (``= + - @``), invisible
    characters and mixed scripts are refused. Codes: ``name_required``,
    ``name_invalid_character``, ``name_mixed_scripts``, ``name_separator``,
    ``name_too_short``, ``name_too_long``. Empty gives '' when not ``required``."""
    try:
        name = normalise_person_name(value)
    except ValidationError:
        raise _invalid_character("\x00") from None
    if _COMMON_HAN_NAME.fullmatch(name):
        return name
    if not name:
        if required:
            raise ValidationError(_("Enter the name."), code="name_required")
        return ""
    if name[0] in _FORMULA_LEAD:
        raise ValidationError(
            _("A name cannot start with “%(char)s”: write it as on the ID card or passport.")
            % {"char": name[0]},
            code="name_invalid_character",
        )
    han = latin = 0
    for ch in name:
        if _is_han(ch):
            han += 1
        elif _is_latin_letter(ch) or (latin and unicodedata.category(ch) == "Mn"):
            latin += 1
        elif ch == NAME_DOT or ch in _LATIN_SEPARATORS:
            continue
        else:
            raise _invalid_character(ch)
    if han and latin:
        raise ValidationError(
            _("Write the name either in Chinese characters or in Latin letters, not both."),
            code="name_mixed_scripts",
        )
    if han:
        stray = next((ch for ch in name if ch in _LATIN_SEPARATORS), None)
        if stray is not None:
            raise _invalid_character(stray)
        if any(not part for part in name.split(NAME_DOT)):
            raise ValidationError(
                _("“·” goes only between two parts of a name, as in 买买提·艾力."), code="name_separator"
            )
        if han < HAN_NAME_MIN:
            raise ValidationError(
                _("A Chinese name has at least %(min)d characters.") % {"min": HAN_NAME_MIN},
                code="name_too_short",
            )
        if han > HAN_NAME_MAX:
            raise ValidationError(
                _("A Chinese name has at most %(max)d characters.") % {"max": HAN_NAME_MAX},
                code="name_too_long",
            )
        return name
    if NAME_DOT in name or not latin:
        raise _invalid_character(NAME_DOT if NAME_DOT in name else name[0])
    if not all(_LATIN_TOKEN.fullmatch(token) for token in name.split(" ")):
        raise ValidationError(
            _("Hyphens, apostrophes and periods go only inside or after a part of a name, one at a time."),
            code="name_separator",
        )
    if latin < LATIN_NAME_MIN:
        raise ValidationError(
            _("A name in Latin letters has at least %(min)d letters.") % {"min": LATIN_NAME_MIN},
            code="name_too_short",
        )
    if len(name) > LATIN_NAME_MAX:
        raise ValidationError(
            _("A name in Latin letters has at most %(max)d characters.") % {"max": LATIN_NAME_MAX},
            code="name_too_long",
        )
    return name


# ---- ages --------------------------------------------------------------------------------

CHINA_TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
MIN_WORKING_AGE = 16


def china_today(now: datetime.datetime | None = None) -> datetime.date:
    """Today's date in Beijing time, whatever the server's zone: ages under Chinese law
    change at midnight in China."""
    return (now or timezone.now()).astimezone(CHINA_TZ).date()


def age_on(birth: datetime.date, today: datetime.date) -> int:
    """Whole years (周岁) on ``today``: the age goes up on the birthday; someone born on
    29 February has their birthday on 1 March in a common year."""
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def check_working_age(birth: datetime.date, *, today: datetime.date | None = None) -> None:
    """Refuse anyone who has not had their 16th birthday (``age_under_16``): the Labour Law
    (劳动法 第十五条) forbids employing them, so they cannot be union members."""
    if age_on(birth, today or china_today()) < MIN_WORKING_AGE:
        raise ValidationError(
            _("People under 16 cannot join: the Labour Law forbids employing anyone under 16."),
            code="age_under_16",
        )


# Statutory retirement age under the NPCSC decision of 13 September 2024 and the State Council
# measures annexed to it, in force from 1 January 2025: (age before the reform, first birth
# month affected, months of birth per month of delay, largest delay in months).
RETIREMENT_RULES = {
    "male": (60, datetime.date(1965, 1, 1), 4, 36),
    "female_cadre": (55, datetime.date(1970, 1, 1), 4, 36),
    "female_worker": (50, datetime.date(1975, 1, 1), 2, 60),
}


def statutory_retirement_age(birth: datetime.date, kind: str) -> tuple[int, int]:
    """(years, months) for a man (``male``), a woman in a managerial or professional post
    (``female_cadre``, 55 before the reform) or another woman (``female_worker``, 50)."""
    base, first, step, most = RETIREMENT_RULES[kind]
    months_after = (birth.year - first.year) * 12 + birth.month - first.month
    delay = 0 if months_after < 0 else min(months_after // step + 1, most)
    return base + delay // 12, delay % 12


def _add_months(day: datetime.date, months: int) -> datetime.date:
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _age_text(age: tuple[int, int]) -> str:
    years, months = age
    if months == 1:
        return gettext("%(years)d years %(months)d month") % {"years": years, "months": months}
    if months:
        return gettext("%(years)d years %(months)d months") % {"years": years, "months": months}
    return gettext("%(years)d years") % {"years": years}


@dataclass(frozen=True)
class RetirementNote:
    """Why an applicant is flagged for the officer: past the statutory retirement age. Not
    a refusal; shown in the officer's language (``str``)."""

    gender: str
    age: tuple[int, int]  # the lower statutory age: men's, or women workers'
    reached_on: datetime.date
    cadre_age: tuple[int, int] | None = None  # women in managerial or professional posts
    cadre_reached_on: datetime.date | None = None
    past_cadre_age: bool = False

    code = "over_retirement_age"

    def __str__(self) -> str:
        if self.gender == "M":
            return gettext(
                "Past the statutory retirement age (%(age)s for men, reached on %(date)s). "
                "Check whether the applicant still works."
            ) % {"age": _age_text(self.age), "date": formats.date_format(self.reached_on)}
        if self.past_cadre_age:
            return gettext(
                "Past the statutory retirement age (women workers %(age)s, managerial or "
                "professional posts %(cadre_age)s). Check whether the applicant still works."
            ) % {"age": _age_text(self.age), "cadre_age": _age_text(self.cadre_age)}
        return gettext(
            "Past the statutory retirement age of women workers (%(age)s); in a managerial or "
            "professional post it is %(cadre_age)s, reached on %(date)s. Check whether the "
            "applicant still works."
        ) % {
            "age": _age_text(self.age),
            "cadre_age": _age_text(self.cadre_age),
            "date": formats.date_format(self.cadre_reached_on),
        }


def retirement_note(
    birth: datetime.date, gender: str, *, today: datetime.date | None = None
) -> RetirementNote | None:
    """A flag for the officer when the person has reached the statutory retirement age (for
    a woman: the lower age of women workers, naming the managerial age too); None below it.
    Gender and birth date come from the ID number, which does not say the post, hence both."""
    today = today or china_today()
    kind = "male" if gender == "M" else "female_worker"
    age = statutory_retirement_age(birth, kind)
    reached = _add_months(birth, age[0] * 12 + age[1])
    if today < reached:
        return None
    if gender == "M":
        return RetirementNote(gender="M", age=age, reached_on=reached)
    cadre = statutory_retirement_age(birth, "female_cadre")
    cadre_reached = _add_months(birth, cadre[0] * 12 + cadre[1])
    return RetirementNote(
        gender="F",
        age=age,
        reached_on=reached,
        cadre_age=cadre,
        cadre_reached_on=cadre_reached,
        past_cadre_age=today >= cadre_reached,
    )
