"""Figures shown to people: a rate is a per cent with one decimal, rounded half up (as a
report printed on paper would be), and no rate at all when nothing was counted."""

from decimal import ROUND_HALF_UP, Decimal


def percent(part: int, whole: int) -> Decimal | None:
    """``part`` ÷ ``whole`` in per cent, to one decimal; None when ``whole`` is zero (a rate of
    nothing is "—", not 0 %)."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
