"""Quota arithmetic for nomination lists (pure: no database, hand-checkable).

A list's rules are ``[{"key", "label", "min_share"}]`` with ``min_share`` a fraction (0.35 for
35 %). Each nominee on the list is a set of category keys (see :func:`nominee_categories`).
For each rule the check reports ``count / total`` and whether the minimum is met.

* The comparison is exact (fractions): 7 of 20 meets 35 %, 6 of 20 does not.
* The share is *shown* as a percentage rounded **down** to one decimal, so a share shown as
  reaching the minimum always reaches it (2/15 = 13.33… → "13.3", 2/3 → "66.6").
* An empty list meets no minimum: there is nothing to publish.
"""

from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal, InvalidOperation
from fractions import Fraction

from django.utils.translation import gettext_lazy as _

from gonghui.core.inputs import field_error

INDUSTRIAL = "industrial"  # 产业工人
FRONT_LINE_OTHER = "front_line_other"  # 其他一线职工 (front-line, not counted as 产业工人)
MIGRANT = "migrant"  # 农民工
NON_PUBLIC = "non_public"  # 非公有制企业

CATEGORY_LABELS = {
    INDUSTRIAL: _("Industrial workers"),
    FRONT_LINE_OTHER: _("Other front-line workers"),
    MIGRANT: _("Migrant workers"),
    NON_PUBLIC: _("Non-public enterprises"),
}

# The defaults of issue 4 / docs/product.md §3.4.4.
DEFAULT_RULES = [
    {"key": INDUSTRIAL, "label": "", "min_share": "0.35"},
    {"key": FRONT_LINE_OTHER, "label": "", "min_share": "0.20"},
    {"key": MIGRANT, "label": "", "min_share": "0.10"},
    {"key": NON_PUBLIC, "label": "", "min_share": "0.35"},
]
# A blank label shows the category's translated name.


@dataclass(frozen=True)
class QuotaLine:
    key: str
    label: str
    count: int
    total: int
    min_share: Decimal
    met: bool

    @property
    def share_percent(self) -> Decimal | None:
        """The share in percent, rounded down to one decimal; None for an empty list."""
        if self.total == 0:
            return None
        return (Decimal(self.count) * 100 / Decimal(self.total)).quantize(
            Decimal("0.1"), rounding=ROUND_FLOOR
        )

    def text(self) -> str:
        """``农民工 2/15 = 13.3% ≥ 10% ✓`` — what the live check shows."""
        share = "—" if self.share_percent is None else f"{self.share_percent}%"
        mark = "✓" if self.met else "✗"
        return f"{self.label} {self.count}/{self.total} = {share} ≥ {_percent(self.min_share)}% {mark}"


def _percent(fraction: Decimal) -> str:
    value = (fraction * 100).normalize()
    return f"{value:f}"


def parse_rules(rules: object) -> list[dict]:
    """Validate and normalise rules given as JSON: a list of objects with a known ``key``, a
    ``label`` (blank: the category's translated name) and ``min_share`` between 0 and 1. Raises
    ValidationError (``quota_rules``)."""

    def bad(message):
        return field_error("quota_rules", message, "quota_rules")

    if not isinstance(rules, list):
        raise bad(_("Quota rules must be a list of {key, label, min_share}."))
    seen = set()
    out = []
    for i, rule in enumerate(rules, 1):
        if not isinstance(rule, dict):
            raise bad(_("Quota rule %(n)d must be an object.") % {"n": i})
        key = rule.get("key")
        if key not in CATEGORY_LABELS:
            raise bad(
                _("Quota rule %(n)d: unknown category %(key)s (use one of: %(keys)s).")
                % {"n": i, "key": key, "keys": ", ".join(CATEGORY_LABELS)}
            )
        if key in seen:
            raise bad(_("Quota rule %(n)d: category %(key)s appears twice.") % {"n": i, "key": key})
        seen.add(key)
        raw = rule.get("min_share")
        try:
            if isinstance(raw, bool):
                raise InvalidOperation
            share = Decimal(str(raw))
        except (InvalidOperation, ValueError):
            raise bad(_("Quota rule %(n)d: min_share must be a number between 0 and 1.") % {"n": i}) from None
        if not share.is_finite() or not Decimal(0) <= share <= Decimal(1):
            raise bad(_("Quota rule %(n)d: min_share must be a number between 0 and 1.") % {"n": i})
        label = str(rule.get("label") or "").strip()[:40]
        out.append({"key": key, "label": label, "min_share": str(share)})
    return out


def check(rules: list[dict], nominees: list[frozenset[str] | set[str]]) -> list[QuotaLine]:
    """One line per rule for the nominees (each a set of category keys)."""
    total = len(nominees)
    lines = []
    for rule in rules:
        min_share = Decimal(str(rule["min_share"]))
        count = sum(1 for cats in nominees if rule["key"] in cats)
        met = total > 0 and Fraction(count, total) >= Fraction(min_share)
        label = str(rule.get("label") or CATEGORY_LABELS[rule["key"]])
        lines.append(QuotaLine(rule["key"], label, count, total, min_share, met))
    return lines


def all_met(lines: list[QuotaLine]) -> bool:
    return all(line.met for line in lines) and bool(lines and lines[0].total)


def nominee_categories(
    *, is_industrial_worker: bool, is_front_line: bool, is_migrant_worker: bool, enterprise_ownership: str
) -> frozenset[str]:
    """The quota categories one nominee counts in. 产业工人 and 其他一线职工 exclude each other
    (an industrial worker counts once, as industrial); 农民工 and 非公 are independent."""
    cats = set()
    if is_industrial_worker:
        cats.add(INDUSTRIAL)
    elif is_front_line:
        cats.add(FRONT_LINE_OTHER)
    if is_migrant_worker:
        cats.add(MIGRANT)
    if enterprise_ownership == "non_public":
        cats.add(NON_PUBLIC)
    return frozenset(cats)
