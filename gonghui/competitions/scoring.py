"""The arithmetic of marking and results, pure functions on ``Decimal`` (no database).

Formulas (docs/modules/competitions.md explains them for cadres):

* Measurement, full or zero:  mark = max_mark if achieved else 0.
* Measurement, tolerance bands [{"within": w, "mark": m}, ...]: the measured deviation d
  earns the mark of the tightest band with |d| ≤ w, else 0.
* Judgement (three judges j1, j2, j3 each 0–3):  mark = (j1 + j2 + j3) / 3 / 3 × max_mark.
  A spread max(j) − min(j) greater than 1 blocks the sheet's sign-off.
* Practical score (0–100):  P = Σ_sections weight_s × (marks_s / max_s) × 100,
  the section weights adding up to 1.
* Raw total (0–100):  T = w_theory × theory + (1 − w_theory) × P.
* Rank: standard competition ranking ("1224") on T, highest first.
* Standardised score:  S = 700 + 100 × (T − median) / s, where s = 1.4826 × MAD and
  MAD = median(|T_i − median|) is the median absolute deviation. 1.4826 makes s estimate the
  standard deviation for normally distributed results, so about two thirds fall within
  600–800, while one outlier cannot stretch the scale. If MAD = 0, s is the population
  standard deviation; if that is 0 too (one entry, or all equal), every S is 700.
* meets_standard:  S ≥ 700 (at or above the median), independent of places.

Computed figures are kept to ``STORE_PLACES`` decimal places (``store``) and compared at
that precision, so that mathematically equal totals reached by different sums (7/3 × 3 and
7) tie; rounding to two places happens only on display (``display``).
"""

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal, localcontext

STORE_PLACES = 10
_STORE_Q = Decimal(1).scaleb(-STORE_PLACES)
_DISPLAY_Q = Decimal("0.01")
MAD_TO_SD = Decimal("1.4826")
CENTRE = Decimal(700)
SCALE = Decimal(100)
HUNDRED = Decimal(100)
ZERO = Decimal(0)


def store(value: Decimal) -> Decimal:
    """A computed figure at storage precision (10 decimal places)."""
    return Decimal(value).quantize(_STORE_Q, rounding=ROUND_HALF_UP)


def display(value: Decimal | None) -> str:
    """Two decimal places for people; never used in further arithmetic."""
    if value is None:
        return ""
    return str(Decimal(value).quantize(_DISPLAY_Q, rounding=ROUND_HALF_UP))


def mark_full_or_zero(max_mark: Decimal, achieved: bool) -> Decimal:
    return Decimal(max_mark) if achieved else ZERO


def mark_from_bands(bands: Sequence[dict], deviation: Decimal) -> Decimal:
    """The mark of the tightest band containing |deviation|, else 0."""
    d = abs(Decimal(deviation))
    for band in sorted(bands, key=lambda b: Decimal(str(b["within"]))):
        if d <= Decimal(str(band["within"])):
            return Decimal(str(band["mark"]))
    return ZERO


def mark_from_judgement(max_mark: Decimal, scores: Sequence[int | Decimal]) -> Decimal:
    """mean(scores) / 3 × max_mark, unrounded."""
    if not scores:
        return ZERO
    with localcontext() as ctx:
        ctx.prec = 34
        mean = sum(Decimal(s) for s in scores) / Decimal(len(scores))
        return mean / Decimal(3) * Decimal(max_mark)


def spread(scores: Sequence[int | Decimal]) -> Decimal:
    """max − min of the judges' scores (0 with fewer than two)."""
    if len(scores) < 2:
        return ZERO
    return Decimal(max(scores)) - Decimal(min(scores))


def practical_score(sections: Sequence[tuple[Decimal, Decimal, Decimal]]) -> Decimal:
    """Σ weight × (marks / max) × 100 over ``(weight, marks, max)`` per section. A section
    with a maximum of 0 contributes nothing."""
    with localcontext() as ctx:
        ctx.prec = 34
        total = ZERO
        for weight, marks, maximum in sections:
            if Decimal(maximum) == 0:
                continue
            total += Decimal(weight) * (Decimal(marks) / Decimal(maximum)) * HUNDRED
        return total


def raw_total(theory_weight: Decimal, theory: Decimal, practical: Decimal) -> Decimal:
    """w × theory + (1 − w) × practical."""
    w = Decimal(theory_weight)
    return w * Decimal(theory) + (1 - w) * Decimal(practical)


def ranks(values: Sequence[Decimal]) -> list[int]:
    """Standard competition ranking, highest first: [90, 80, 80, 70] → [1, 2, 2, 4]."""
    keyed = [store(v) for v in values]
    ordered = sorted(keyed, reverse=True)
    first_position = {}
    for position, value in enumerate(ordered, 1):
        first_position.setdefault(value, position)
    return [first_position[v] for v in keyed]


def median(values: Sequence[Decimal]) -> Decimal:
    """The middle value, or the mean of the two middle values for an even count."""
    if not values:
        raise ValueError("median of no values")
    ordered = sorted(Decimal(v) for v in values)
    n = len(ordered)
    mid = n // 2
    if n % 2:
        return ordered[mid]
    return (ordered[mid - 1] + ordered[mid]) / 2


def mad(values: Sequence[Decimal]) -> Decimal:
    """Median absolute deviation from the median."""
    m = median(values)
    return median([abs(Decimal(v) - m) for v in values])


def population_sd(values: Sequence[Decimal]) -> Decimal:
    """sqrt(Σ (x − mean)² / n)."""
    with localcontext() as ctx:
        ctx.prec = 34
        n = Decimal(len(values))
        mean = sum(Decimal(v) for v in values) / n
        variance = sum((Decimal(v) - mean) ** 2 for v in values) / n
        return variance.sqrt()


def spread_unit(values: Sequence[Decimal]) -> Decimal:
    """s of the standardisation: 1.4826 × MAD, else the population SD, else 0."""
    values = [store(v) for v in values]
    m = mad(values)
    if m > 0:
        return MAD_TO_SD * m
    return population_sd(values)


def standardise(values: Sequence[Decimal]) -> list[Decimal]:
    """700 + 100 × (x − median) / s for each value (all 700 when s = 0), at storage
    precision."""
    if not values:
        return []
    values = [store(v) for v in values]
    s = spread_unit(values)
    if s == 0:
        return [store(CENTRE) for _ in values]
    m = median(values)
    with localcontext() as ctx:
        ctx.prec = 34
        return [store(CENTRE + SCALE * (v - m) / s) for v in values]


def meets_standard(standardised: Decimal) -> bool:
    return Decimal(standardised) >= CENTRE
