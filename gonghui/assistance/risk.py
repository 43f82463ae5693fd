"""防止返困: an explainable risk score for a household that left hardship. Pure: no database.

Points (documented in docs/modules/assistance.md): household income drop of 30 % or more against the
average of the previous recorded months 30 (20 % or more: 15); a new critical illness 30; a job lost 25;
an accident or disaster 25; each extra dependant 10. A score of 40 or more raises an alert."""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

ALERT_AT = 40


@dataclass
class Risk:
    score: int = 0
    reasons: list[str] = field(default_factory=list)

    @property
    def alert(self) -> bool:
        return self.score >= ALERT_AT

    def explanation(self) -> str:
        return "；".join(self.reasons) if self.reasons else _("No risk signals.")


def score(
    *,
    recent_income: Decimal | None,
    earlier_incomes: list[Decimal],
    new_critical_illness: bool = False,
    job_loss: bool = False,
    accident: bool = False,
    extra_dependants: int = 0,
) -> Risk:
    r = Risk()
    if recent_income is not None and earlier_incomes:
        base = sum(earlier_incomes, Decimal("0")) / len(earlier_incomes)
        if base > 0:
            drop = ((base - recent_income) / base * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
            points = 30 if drop >= 30 else 15 if drop >= 20 else 0
            if points:
                r.score += points
                r.reasons.append(
                    _("household income down %(drop)s%% (%(now)s against %(base)s yuan) +%(points)s")
                    % {"drop": drop, "now": f"{recent_income:.2f}", "base": f"{base:.2f}", "points": points}
                )
    for flag, points, text in (
        (new_critical_illness, 30, _("new critical illness +%(points)s")),
        (job_loss, 25, _("job lost +%(points)s")),
        (accident, 25, _("accident or disaster +%(points)s")),
    ):
        if flag:
            r.score += points
            r.reasons.append(text % {"points": points})
    if extra_dependants > 0:
        points = 10 * extra_dependants
        r.score += points
        r.reasons.append(_("%(n)s more dependants +%(points)s") % {"n": extra_dependants, "points": points})
    return r
