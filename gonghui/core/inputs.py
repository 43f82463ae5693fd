"""One input vocabulary for services, forms and the API: money, dates, times, whole numbers,
text and choices, each read the same way everywhere and refused with the same error codes
(docs/dev/error-codes.md lists them; a test keeps the list and the code in step).

Every reader takes the value as it arrived (a form's text, a JSON number or string, a Python
object) and the name of the field it came from, and raises a ``ValidationError`` keyed by that
field, so an API caller gets ``{"detail": "<field>: …", "code": …, "errors": [...]}`` and a form
shows the message next to the field. Messages say what to do, in natural Chinese.

The codes (``InputCode``) are the same for the same mistake in every app: an amount with three
decimals is ``amount_precision`` whether it is a wage, a payment or a reward.
"""

import datetime
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from gonghui.core import text as core_text

CENT = Decimal("0.01")
# Above any amount a union handles, below what a NUMERIC(14, 2) column holds.
MAX_AMOUNT = Decimal("1e12")
# Whole numbers stay inside a 32-bit integer column unless a caller says otherwise.
MAX_INTEGER = 2**31 - 1


class InputCode:
    """The error codes of this module (docs/dev/error-codes.md, "Input")."""

    REQUIRED = "required"
    AMOUNT_INVALID = "amount_invalid"
    AMOUNT_PRECISION = "amount_precision"
    AMOUNT_NEGATIVE = "amount_negative"
    AMOUNT_ZERO = "amount_zero"
    AMOUNT_TOO_LARGE = "amount_too_large"
    NUMBER_INVALID = "number_invalid"
    NUMBER_TOO_SMALL = "number_too_small"
    NUMBER_TOO_LARGE = "number_too_large"
    NUMBER_PRECISION = "number_precision"
    DATE_INVALID = "date_invalid"
    DATE_FUTURE = "date_future"
    DATE_TOO_EARLY = "date_too_early"
    DATE_TOO_LATE = "date_too_late"
    TIME_INVALID = "time_invalid"
    TEXT_TOO_LONG = "too_long"
    CONTROL_CHARACTERS = "control_characters"
    INVALID_CHOICE = "invalid_choice"

    @classmethod
    def all(cls) -> set[str]:
        return {v for k, v in vars(cls).items() if k.isupper()}


def field_error(field: str, message, code: str, params: dict | None = None) -> ValidationError:
    """A ValidationError naming ``field`` (``""``: about the whole input)."""
    error = ValidationError(message, code=code, params=params)
    return ValidationError({field: error}) if field else error


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _required(field: str) -> ValidationError:
    return field_error(field, _("This is required."), InputCode.REQUIRED)


# ---- money -----------------------------------------------------------------------------


def money(
    value,
    field: str,
    *,
    required: bool = True,
    positive: bool = False,
    maximum: Decimal | None = None,
) -> Decimal | None:
    """An amount in yuan with at most two decimals, zero or more (``positive``: more than
    zero), below ``maximum`` (default :data:`MAX_AMOUNT`). Accepts numbers and text as people
    type it: full-width digits, spaces around, thousands commas (``5,678.90``). Blank gives
    None when not ``required``."""
    if _blank(value):
        if required:
            raise _required(field)
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal)):
        raise field_error(field, _("Enter an amount in yuan, such as 1280.50."), InputCode.AMOUNT_INVALID)
    raw = unicodedata.normalize("NFKC", str(value)).strip().replace(",", "")
    try:
        amount = Decimal(raw) if raw and "_" not in raw else None
    except (InvalidOperation, ValueError):
        amount = None
    if amount is None or not amount.is_finite():
        raise field_error(field, _("Enter an amount in yuan, such as 1280.50."), InputCode.AMOUNT_INVALID)
    if amount < 0:
        raise field_error(field, _("The amount cannot be negative."), InputCode.AMOUNT_NEGATIVE)
    if positive and amount == 0:
        raise field_error(field, _("Enter an amount above zero."), InputCode.AMOUNT_ZERO)
    limit = MAX_AMOUNT if maximum is None else maximum
    if amount >= limit:
        raise field_error(
            field,
            _("The amount must be below %(limit)s yuan."),
            InputCode.AMOUNT_TOO_LARGE,
            {"limit": money_text(limit)},
        )
    if amount != amount.quantize(CENT):
        raise field_error(field, _("An amount has at most two decimal places."), InputCode.AMOUNT_PRECISION)
    return amount.quantize(CENT)


def money_text(value: Decimal | int | float | str | None) -> str | None:
    """An amount as the API writes it: a decimal string with two places (``"28.35"``),
    rounded half up; None stays None."""
    if value is None:
        return None
    return f"{Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP):.2f}"


# ---- whole numbers ---------------------------------------------------------------------


def integer(
    value,
    field: str,
    *,
    required: bool = True,
    minimum: int | None = None,
    maximum: int = MAX_INTEGER,
) -> int | None:
    """A whole number (``"12"``, ``12``, ``12.0`` but not ``12.5`` or ``True``) between
    ``minimum`` and ``maximum``."""
    if _blank(value):
        if required:
            raise _required(field)
        return None
    number = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str):
        raw = unicodedata.normalize("NFKC", value).strip()
        if raw.lstrip("+-").isdigit() and raw.isascii():
            number = int(raw)
    if number is None:
        raise field_error(field, _("Enter a whole number."), InputCode.NUMBER_INVALID)
    if minimum is not None and number < minimum:
        raise field_error(
            field, _("Enter %(minimum)s or more."), InputCode.NUMBER_TOO_SMALL, {"minimum": minimum}
        )
    if number > maximum:
        raise field_error(
            field, _("Enter %(maximum)s or less."), InputCode.NUMBER_TOO_LARGE, {"maximum": maximum}
        )
    return number


def _decimal_places(number: Decimal) -> int:
    """How many decimals ``number`` really has (``1.50`` has one), without quantizing, which
    fails on numbers too long for the decimal context."""
    if number == 0:
        return 0
    _sign, digits, exponent = number.as_tuple()
    zeros = len(digits) - len("".join(map(str, digits)).rstrip("0"))
    return max(0, -(exponent + zeros))


def number(
    value,
    field: str,
    *,
    required: bool = True,
    minimum: Decimal | int | None = None,
    maximum: Decimal | int | None = None,
    places: int | None = None,
    message: str | None = None,
) -> Decimal | None:
    """A number that may have decimals (a weight, a score, a measured deviation): a number, or
    text as typed (full-width digits, spaces around), between ``minimum`` and ``maximum``
    inclusive, with at most ``places`` decimals. ``message`` says what is allowed ("A theory
    score is between 0 and 100.") and replaces the out-of-range messages."""
    if _blank(value):
        if required:
            raise _required(field)
        return None
    number = None
    if isinstance(value, (int, float, Decimal, str)) and not isinstance(value, bool):
        try:
            number = Decimal(unicodedata.normalize("NFKC", str(value)).strip())
        except (InvalidOperation, ValueError):
            number = None
    if number is None or not number.is_finite():
        raise field_error(field, _("Enter a number."), InputCode.NUMBER_INVALID)
    if minimum is not None and number < minimum:
        raise field_error(
            field,
            message or _("Enter %(minimum)s or more."),
            InputCode.NUMBER_TOO_SMALL,
            {"minimum": minimum},
        )
    if maximum is not None and number > maximum:
        raise field_error(
            field,
            message or _("Enter %(maximum)s or less."),
            InputCode.NUMBER_TOO_LARGE,
            {"maximum": maximum},
        )
    if places is not None and _decimal_places(number) > places:
        raise field_error(
            field,
            _("At most %(places)d decimal places."),
            InputCode.NUMBER_PRECISION,
            {"places": places},
        )
    return number


# ---- dates and times -------------------------------------------------------------------


def date(
    value,
    field: str,
    *,
    required: bool = True,
    not_future: bool = False,
    earliest: datetime.date | None = None,
    latest: datetime.date | None = None,
    today: datetime.date | None = None,
) -> datetime.date | None:
    """A calendar date as ``YYYY-MM-DD`` (or a date; a datetime is not a date). ``not_future``
    refuses a date after ``today`` (Beijing time unless given); ``earliest``/``latest`` bound
    it."""
    if _blank(value):
        if required:
            raise _required(field)
        return None
    if isinstance(value, datetime.datetime) or not isinstance(value, (datetime.date, str)):
        parsed = None
    elif isinstance(value, datetime.date):
        parsed = value
    else:
        try:
            parsed = datetime.date.fromisoformat(unicodedata.normalize("NFKC", value).strip())
        except ValueError:
            parsed = None
    if parsed is None:
        raise field_error(field, _("Enter a date such as 2024-03-05."), InputCode.DATE_INVALID)
    if not_future:
        if today is None:
            from django.utils import timezone

            today = timezone.localdate()
        if parsed > today:
            raise field_error(field, _("The date cannot be in the future."), InputCode.DATE_FUTURE)
    if earliest is not None and parsed < earliest:
        raise field_error(
            field, _("The date cannot be before %(date)s."), InputCode.DATE_TOO_EARLY, {"date": earliest}
        )
    if latest is not None and parsed > latest:
        raise field_error(
            field, _("The date cannot be after %(date)s."), InputCode.DATE_TOO_LATE, {"date": latest}
        )
    return parsed


def time(value, field: str, *, required: bool = True) -> datetime.time | None:
    """A time of day as ``HH:MM`` (or ``HH:MM:SS``, or a time)."""
    if _blank(value):
        if required:
            raise _required(field)
        return None
    if isinstance(value, datetime.time):
        return value
    parsed = None
    if isinstance(value, str):
        raw = unicodedata.normalize("NFKC", value).strip()
        if len(raw) in (5, 8) and raw[2] == ":":
            try:
                parsed = datetime.time.fromisoformat(raw)
            except ValueError:
                parsed = None
    if parsed is None:
        raise field_error(field, _("Enter a time such as 08:30."), InputCode.TIME_INVALID)
    return parsed


# ---- text and choices ------------------------------------------------------------------


def text(
    value,
    field: str,
    *,
    required: bool = False,
    max_length: int | None = None,
    prose: bool = False,
) -> str:
    """Text a person typed: control characters refused; a name or a code is cleaned to
    half-width NFC (``core.text.clean``), free text (``prose``) keeps its Chinese punctuation
    (``core.text.prose``); surrounding spaces removed; at most ``max_length`` characters."""
    if value is not None and not isinstance(value, str):
        value = str(value)
    try:
        cleaned = core_text.prose(value) if prose else core_text.clean(value)
    except ValidationError as exc:
        raise field_error(field, exc.messages[0], InputCode.CONTROL_CHARACTERS) from None
    if required and not cleaned:
        raise _required(field)
    if max_length is not None and len(cleaned) > max_length:
        raise field_error(
            field,
            _("At most %(limit)d characters (now %(count)d)."),
            InputCode.TEXT_TOO_LONG,
            {"limit": max_length, "count": len(cleaned)},
        )
    return cleaned


def choice(value, field: str, choices, *, required: bool = True) -> str:
    """One of ``choices`` (a TextChoices class, or an iterable of allowed values)."""
    if _blank(value):
        if required:
            raise _required(field)
        return ""
    allowed = choices.values if hasattr(choices, "values") else list(choices)
    if value not in allowed:
        raise field_error(field, _("Choose one of the listed options."), InputCode.INVALID_CHOICE)
    return value
