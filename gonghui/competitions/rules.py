"""Rule sets turning published places into recommendations (never into silent changes).

A rule set is JSON stored on the competition (``Competition.rules``); an empty one means
:data:`DEFAULT_RULES`, the 7th national workers' vocational skills competition (第七届全国职工
职业技能大赛, 2021):

* places 1–5: 全国技术能手 candidate, and promotion to 技师 (already 技师 → 高级技师);
* places 6–20: promotion to 高级工 (already 高级工 → 技师);
* places 1–3: nomination for the 全国五一劳动奖章.

Each rule: ``{"from": 1, "to": 5, "kind": "title"|"grade"|"honour", "detail": text}`` for
titles and honours, ``{"from", "to", "kind": "grade", "grade": <SkillGrade>, "already":
{<SkillGrade>: <SkillGrade>}}`` for grades. Places are the ranks, so tied entries share a
place. A grade recommendation is made only when it is a promotion for the member.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from gonghui.competitions.choices import RecommendationKind
from gonghui.core.inputs import field_error
from gonghui.members.choices import SkillGrade

DEFAULT_RULES = {
    "name": "第七届全国职工职业技能大赛（2021）",
    "rules": [
        {"from": 1, "to": 5, "kind": "title", "detail": "全国技术能手"},
        {
            "from": 1,
            "to": 5,
            "kind": "grade",
            "grade": SkillGrade.TECHNICIAN.value,
            "already": {SkillGrade.TECHNICIAN.value: SkillGrade.SENIOR_TECHNICIAN.value},
        },
        {
            "from": 6,
            "to": 20,
            "kind": "grade",
            "grade": SkillGrade.SENIOR.value,
            "already": {SkillGrade.SENIOR.value: SkillGrade.TECHNICIAN.value},
        },
        {"from": 1, "to": 3, "kind": "honour", "detail": "全国五一劳动奖章"},
    ],
}

GRADE_ORDER = list(SkillGrade.values)  # apprentice … chief_technician, lowest first


def grade_rank(grade: str) -> int:
    """Position of a grade in the ladder (-1 for none)."""
    return GRADE_ORDER.index(grade) if grade in GRADE_ORDER else -1


@dataclass(frozen=True)
class Suggestion:
    kind: str
    detail: str
    from_grade: str
    reason: str


def effective(rule_set: dict | None) -> dict:
    return rule_set if rule_set else DEFAULT_RULES


def validate(rule_set: dict) -> dict:
    """Check a rule set's shape; raises ValidationError(code="bad_rules")."""

    def bad(message):
        raise field_error("rules", message, "bad_rules")

    if not rule_set:
        return {}
    if not isinstance(rule_set, dict) or not isinstance(rule_set.get("rules"), list):
        bad(_("A rule set is an object with a list of rules."))
    for i, rule in enumerate(rule_set["rules"], 1):
        if not isinstance(rule, dict):
            bad(_("Rule %(n)d is not an object.") % {"n": i})
        lo, hi = rule.get("from"), rule.get("to")
        if not isinstance(lo, int) or not isinstance(hi, int) or not 1 <= lo <= hi:
            bad(_("Rule %(n)d needs places from ≤ to, starting at 1.") % {"n": i})
        kind = rule.get("kind")
        if kind not in RecommendationKind.values:
            bad(_("Rule %(n)d has an unknown kind.") % {"n": i})
        if kind == RecommendationKind.GRADE:
            grades = [
                rule.get("grade"),
                *(rule.get("already") or {}).keys(),
                *(rule.get("already") or {}).values(),
            ]
            if any(g not in GRADE_ORDER for g in grades):
                bad(_("Rule %(n)d names an unknown skill grade.") % {"n": i})
        elif not str(rule.get("detail") or "").strip():
            bad(_("Rule %(n)d needs a detail.") % {"n": i})
    return rule_set


def suggestions(rule_set: dict | None, *, place: int, current_grade: str) -> list[Suggestion]:
    """What the rules suggest for a member placed ``place`` who holds ``current_grade``."""
    rules = effective(rule_set)
    name = rules.get("name", "")
    out: list[Suggestion] = []
    for rule in rules["rules"]:
        if not rule["from"] <= place <= rule["to"]:
            continue
        why = _("Place %(place)d (places %(lo)d–%(hi)d, %(rules)s)") % {
            "place": place,
            "lo": rule["from"],
            "hi": rule["to"],
            "rules": name,
        }
        if rule["kind"] == RecommendationKind.GRADE:
            target = (rule.get("already") or {}).get(current_grade, rule["grade"])
            if grade_rank(target) <= grade_rank(current_grade):
                continue  # not a promotion for this member
            label = SkillGrade(current_grade).label if current_grade else _("no grade")
            reason = _("%(why)s: %(from)s → %(to)s") % {
                "why": why,
                "from": label,
                "to": SkillGrade(target).label,
            }
            out.append(Suggestion(RecommendationKind.GRADE, target, current_grade, reason))
        else:
            out.append(Suggestion(rule["kind"], rule["detail"], "", why))
    return out
