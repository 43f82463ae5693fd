"""Small input checks shared by the innovation services (each raises a keyed ValidationError)."""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def text(value, field: str, *, required: bool = True, max_length: int = 5000) -> str:
    cleaned = str(value or "").strip()
    if required and not cleaned:
        raise ValidationError({field: ValidationError(_("This field is required."), code="required")})
    if len(cleaned) > max_length:
        raise ValidationError(
            {field: ValidationError(_("At most %(max)d characters.") % {"max": max_length}, code="too_long")}
        )
    return cleaned


def choice(value, field: str, choices) -> str:
    if value not in choices.values:
        raise ValidationError(
            {field: ValidationError(_("Choose one of the listed values."), code="invalid_choice")}
        )
    return value


def money(value, field: str, *, positive: bool = False) -> Decimal:
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError(
            {field: ValidationError(_("Enter an amount in yuan."), code="bad_amount")}
        ) from None
    if not amount.is_finite() or amount < 0 or (positive and amount == 0) or amount >= Decimal("1e12"):
        raise ValidationError(
            {
                field: ValidationError(
                    _("Enter an amount in yuan above zero.")
                    if positive
                    else _("Enter an amount in yuan, zero or more."),
                    code="bad_amount",
                )
            }
        )
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError(
            {field: ValidationError(_("Amounts have at most two decimal places."), code="bad_amount")}
        )
    return amount.quantize(Decimal("0.01"))


def date(value, field: str) -> datetime.date:
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except (TypeError, ValueError):
        raise ValidationError(
            {field: ValidationError(_("Enter a date as YYYY-MM-DD."), code="bad_date")}
        ) from None


def year(value, field: str = "year") -> int:
    try:
        y = int(value)
    except (TypeError, ValueError):
        raise ValidationError({field: ValidationError(_("Enter a year."), code="bad_year")}) from None
    if not 1950 <= y <= 2100:
        raise ValidationError({field: ValidationError(_("Enter a year."), code="bad_year")})
    return y
