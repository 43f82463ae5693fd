"""Reading the numbers of a competition that are not money: a theory weight (0–1), a theory
score (0–100), a judge's score or a measured deviation. ``core.inputs`` reads yuan
(``money``, two decimals, never negative) and whole numbers (``integer``); these are
decimals between two bounds, refused with the codes of the one input vocabulary
(``core.inputs.InputCode``): ``number_invalid``, ``number_too_small``, ``number_too_large``.
"""

import unicodedata
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from gonghui.core.inputs import InputCode, field_error


def decimal(value, field: str, *, minimum: Decimal | int, maximum: Decimal | int, message: str) -> Decimal:
    """``value`` (a number, or text as typed: full-width digits, spaces around) as a Decimal
    between ``minimum`` and ``maximum`` inclusive. ``message`` says what is allowed ("A theory
    score is between 0 and 100.") and is the message of an out-of-range refusal; a value that
    is not a finite number is refused with "Enter a number."."""
    number = None
    if isinstance(value, (int, float, Decimal, str)) and not isinstance(value, bool):
        try:
            number = Decimal(unicodedata.normalize("NFKC", str(value)).strip())
        except (InvalidOperation, ValueError):
            number = None
    if number is None or not number.is_finite():
        raise field_error(field, _("Enter a number."), InputCode.NUMBER_INVALID)
    if number < minimum:
        raise field_error(field, message, InputCode.NUMBER_TOO_SMALL)
    if number > maximum:
        raise field_error(field, message, InputCode.NUMBER_TOO_LARGE)
    return number
