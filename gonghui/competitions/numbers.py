"""Reading the numbers of a competition that are not money: a theory weight (0–1), a theory
score (0–100), a judge's score or a measured deviation. They are decimals between two bounds,
read by ``core.inputs.number`` and refused with the codes of the one input vocabulary
(``core.inputs.InputCode``): ``required``, ``number_invalid``, ``number_too_small``,
``number_too_large``, ``number_precision``.
"""

from decimal import Decimal

from gonghui.core import inputs


def decimal(
    value,
    field: str,
    *,
    minimum: Decimal | int,
    maximum: Decimal | int,
    message: str,
    places: int | None = None,
) -> Decimal:
    """``value`` (a number, or text as typed: full-width digits, spaces around) as a Decimal
    between ``minimum`` and ``maximum`` inclusive, with at most ``places`` decimals. ``message``
    says what is allowed ("A theory score is between 0 and 100.") and is the message of an
    out-of-range refusal."""
    return inputs.number(value, field, minimum=minimum, maximum=maximum, places=places, message=message)
