"""Validators for Chinese identifiers, written here because they are short and hot
(NOTES.md: python-stdnum rejects real IDs; id-validator is ~9 ms a number).

* ID numbers: GB 11643-1999 (18 characters, ISO 7064 MOD 11-2 check character).
* Unified social credit codes: GB 32100-2015 (18 characters, MOD 31 check character).
* Mainland mobile numbers.
"""

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
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
