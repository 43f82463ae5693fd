"""The talent evaluation rubric (人才评价): pure arithmetic, no database.

A member's profile has four dimensions, each scored 0–100 (the sum of its components, capped
at ``cap``):

* **innovation (创新)** — adopted 五小 ideas by kind (小发明 12, 小创造 10, 小革新 10,
  小设计 8, 小建议 5; an implemented idea ×1.5) and the achievements of the innovation studios
  the member leads or is on the team of (patent 15, technical innovation 8, operating method
  or standard 6; a cost saving counts under effectiveness only);
* **quality (质量)** — published competition results, individual or team entry alike:
  meets the standard (standardised ≥ 700) +10, plus (standardised − 700) ÷ 10 up to 20,
  plus places 1–3 +20 or 4–10 +10, all multiplied by the stage weight (final 1.5,
  provincial 1.2, city 1.0, grassroots 0.8);
* **effectiveness (效益)** — the benefit of the member's adopted ideas (the expert review's
  estimate) and the savings of the studio achievements they took part in, 1 point per
  10,000 yuan, together capped at 40; plus the skill grade's rank on the 新八级工 ladder
  (学徒工 1 … 首席技师 8) × 5;
* **contribution (贡献)** — honours: level points (national 40, provincial 25, city 15)
  × the honour's factor (劳动模范 and 五一劳动奖章 1.0, 技术能手 and 先进工作者 0.8,
  工人先锋号 1.0) × 0.5 for a team honour that lists the member; plus the studio roles (lead
  of a studio that is not de-listed +15, team member +5).

The total is the weighted mean of the four scores (equal weights by default).

Every figure is a ``Decimal``; each component's points are rounded half-up to two places
when it is made, so the components shown add up exactly to the score. The rubric is the
platform default and can be changed with the ``GONGHUI_TALENT_RUBRIC`` setting: a dict whose
keys replace those of ``DEFAULT_RUBRIC`` (dict values are merged key by key). See
docs/modules/talent.md.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

CENT = Decimal("0.01")
ZERO = Decimal("0")

INNOVATION = "innovation"
QUALITY = "quality"
EFFECTIVENESS = "effectiveness"
CONTRIBUTION = "contribution"
DIMENSIONS = (INNOVATION, QUALITY, EFFECTIVENESS, CONTRIBUTION)
LABELS = {
    INNOVATION: gettext_lazy("Innovation"),
    QUALITY: gettext_lazy("Quality"),
    EFFECTIVENESS: gettext_lazy("Effectiveness"),
    CONTRIBUTION: gettext_lazy("Contribution"),
}

# The 新八级工 ladder, lowest first (members.choices.SkillGrade values): rank = index + 1.
SKILL_LADDER = (
    "apprentice",
    "junior",
    "intermediate",
    "senior",
    "technician",
    "senior_technician",
    "master_technician",
    "chief_technician",
)

DEFAULT_RUBRIC: dict = {
    "cap": "100",
    # innovation
    "idea_points": {
        "invention": "12",
        "creation": "10",
        "innovation": "10",
        "design": "8",
        "suggestion": "5",
    },
    "implemented_factor": "1.5",
    "achievement_points": {"patent": "15", "innovation": "8", "method": "6", "standard": "6", "saving": "0"},
    # quality
    "meets_standard_points": "10",
    "standard_score": "700",
    "above_standard_divisor": "10",
    "above_standard_cap": "20",
    "place_points": [[3, "20"], [10, "10"]],  # [last place of the band, points], best band first
    "stage_weights": {"final": "1.5", "provincial": "1.2", "city": "1.0", "grassroots": "0.8"},
    # effectiveness
    "yuan_per_point": "10000",
    "savings_cap": "40",
    "grade_points": "5",
    # contribution
    "honour_level_points": {"national": "40", "provincial": "25", "city": "15"},
    "honour_kind_factors": {
        "model_worker": "1.0",
        "may_day_medal": "1.0",
        "technical_expert": "0.8",
        "advanced_worker": "0.8",
        "pioneer_team": "1.0",
    },
    "team_honour_factor": "0.5",
    "studio_role_points": {"lead": "15", "member": "5"},
    # total
    "weights": {INNOVATION: "1", QUALITY: "1", EFFECTIVENESS: "1", CONTRIBUTION: "1"},
}


def load_rubric(overrides: dict | None = None) -> dict:
    """``DEFAULT_RUBRIC`` with ``overrides`` (default: the ``GONGHUI_TALENT_RUBRIC`` setting)
    laid over it; dict values are merged key by key."""
    if overrides is None:
        from django.conf import settings

        overrides = getattr(settings, "GONGHUI_TALENT_RUBRIC", None) or {}
    rubric = {k: (dict(v) if isinstance(v, dict) else v) for k, v in DEFAULT_RUBRIC.items()}
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(rubric.get(key), dict):
            rubric[key].update(value)
        else:
            rubric[key] = value
    return rubric


def d(value) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def fmt(value: Decimal) -> str:
    """A figure for an explanation: no trailing zeros (``1.5``, ``20``, ``4.53``)."""
    value = d(value)
    text = f"{cents(value):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


# ---- inputs (facts gathered by talent.profile from the other apps) --------------------------


# What kind of record a component can come from (``Source.source``).
SOURCES = frozenset({"idea", "achievement", "studio", "result", "honour", "member", "rubric"})


@dataclass(frozen=True)
class Source:
    """The object a component comes from: what kind of record, its id, a title, its date
    (ISO date or year) and a link to its page ('' when there is none)."""

    source: str  # one of SOURCES
    kind: str
    id: str
    title: str
    date: str = ""
    link: str = ""


@dataclass(frozen=True)
class IdeaFact:
    source: Source  # kind: the IdeaKind value
    implemented: bool
    benefit: Decimal  # yuan, the review's estimate


@dataclass(frozen=True)
class AchievementFact:
    source: Source  # kind: the AchievementKind value
    studio: str
    savings: Decimal


@dataclass(frozen=True)
class StudioFact:
    source: Source  # kind: "lead" or "member"


@dataclass(frozen=True)
class ResultFact:
    source: Source  # kind: the Stage value
    rank: int
    standardised: Decimal
    meets_standard: bool
    team: bool = False


@dataclass(frozen=True)
class HonourFact:
    source: Source  # kind: the HonourKind value
    level: str
    team: bool  # a team honour that lists the member


@dataclass
class Facts:
    ideas: list[IdeaFact] = field(default_factory=list)
    achievements: list[AchievementFact] = field(default_factory=list)
    studios: list[StudioFact] = field(default_factory=list)
    results: list[ResultFact] = field(default_factory=list)
    honours: list[HonourFact] = field(default_factory=list)
    skill_grade: str = ""
    skill_grade_label: str = ""
    member_id: str = ""
    member_link: str = ""


# ---- outputs --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Component:
    source: Source
    points: Decimal
    detail: str


@dataclass
class Dimension:
    key: str
    components: list[Component]
    cap: Decimal

    @property
    def label(self) -> str:
        return str(LABELS[self.key])

    @property
    def raw(self) -> Decimal:
        return sum((c.points for c in self.components), ZERO)

    @property
    def score(self) -> Decimal:
        return cents(max(ZERO, min(self.cap, self.raw)))

    @property
    def capped(self) -> bool:
        return self.raw > self.cap

    @property
    def percent(self) -> int:
        """For the bar on the page: the score as whole percent of the cap."""
        return int(self.score * 100 / self.cap) if self.cap else 0


@dataclass
class Profile:
    dimensions: list[Dimension]
    total: Decimal

    def dimension(self, key: str) -> Dimension:
        return next(dim for dim in self.dimensions if dim.key == key)


# ---- the rubric -----------------------------------------------------------------------------


def idea_components(ideas: list[IdeaFact], rubric: dict) -> list[Component]:
    out = []
    factor = d(rubric["implemented_factor"])
    for idea in ideas:
        base = d(rubric["idea_points"].get(idea.source.kind, "0"))
        if idea.implemented:
            points = cents(base * factor)
            detail = _("Implemented idea: %(base)s points for its kind × %(factor)s") % {
                "base": fmt(base),
                "factor": fmt(factor),
            }
        else:
            points = cents(base)
            detail = _("Adopted idea: %(base)s points for its kind") % {"base": fmt(base)}
        out.append(Component(idea.source, points, detail))
    return out


def achievement_components(achievements: list[AchievementFact], rubric: dict) -> list[Component]:
    out = []
    for a in achievements:
        points = cents(d(rubric["achievement_points"].get(a.source.kind, "0")))
        if points == ZERO:
            continue
        detail = _("Achievement of the studio %(studio)s: %(points)s points for its kind") % {
            "studio": a.studio,
            "points": fmt(points),
        }
        out.append(Component(a.source, points, detail))
    return out


def result_points(result: ResultFact, rubric: dict) -> tuple[Decimal, str]:
    """The points of one published result and how they were reached."""
    parts = []
    subtotal = ZERO
    if result.meets_standard:
        meets = d(rubric["meets_standard_points"])
        subtotal += meets
        parts.append(_("meets the standard +%(points)s") % {"points": fmt(meets)})
    above = (result.standardised - d(rubric["standard_score"])) / d(rubric["above_standard_divisor"])
    above = min(max(above, ZERO), d(rubric["above_standard_cap"]))
    if above > ZERO:
        subtotal += above
        parts.append(
            _("standardised score %(score)s: +%(points)s")
            % {"score": fmt(result.standardised), "points": fmt(above)}
        )
    for last_place, band_points in rubric["place_points"]:
        if 1 <= result.rank <= int(last_place):
            subtotal += d(band_points)
            parts.append(_("place %(rank)s: +%(points)s") % {"rank": result.rank, "points": fmt(band_points)})
            break
    weight = d(rubric["stage_weights"].get(result.source.kind, "1"))
    if not parts:
        parts.append(_("below the standard and outside the places"))
    detail = "; ".join(parts) + "; " + _("× %(weight)s for the stage") % {"weight": fmt(weight)}
    if result.team:
        detail = _("Team entry") + ": " + detail
    return cents(subtotal * weight), detail


def result_components(results: list[ResultFact], rubric: dict) -> list[Component]:
    out = []
    for r in results:
        points, detail = result_points(r, rubric)
        out.append(Component(r.source, points, detail))
    return out


def savings_components(facts: Facts, rubric: dict) -> list[Component]:
    """1 point per ``yuan_per_point`` of benefit or savings, the sum capped at ``savings_cap``
    (the cut shows as its own negative component)."""
    per = d(rubric["yuan_per_point"])
    out = []
    items = [(i.source, i.benefit, "idea") for i in facts.ideas] + [
        (a.source, a.savings, "achievement") for a in facts.achievements
    ]
    for source, amount, what in items:
        if amount <= ZERO:
            continue
        points = cents(amount / per)
        if points == ZERO:
            continue
        if what == "idea":
            text = _("Estimated benefit %(amount)s yuan: 1 point per %(per)s yuan")
        else:
            text = _("Savings %(amount)s yuan: 1 point per %(per)s yuan")
        out.append(Component(source, points, text % {"amount": f"{amount:.2f}", "per": fmt(per)}))
    cap = d(rubric["savings_cap"])
    total = sum((c.points for c in out), ZERO)
    if total > cap:
        out.append(
            Component(
                Source("rubric", "cap", "", _("Cap on benefit and savings")),
                cap - total,
                _("Benefit and savings count at most %(cap)s points") % {"cap": fmt(cap)},
            )
        )
    return out


def grade_components(facts: Facts, rubric: dict) -> list[Component]:
    if facts.skill_grade not in SKILL_LADDER:
        return []
    rank = SKILL_LADDER.index(facts.skill_grade) + 1
    per = d(rubric["grade_points"])
    source = Source(
        "member",
        facts.skill_grade,
        facts.member_id,
        facts.skill_grade_label or facts.skill_grade,
        link=facts.member_link,
    )
    detail = _("Skill grade %(grade)s, rank %(rank)s of %(of)s on the ladder × %(per)s") % {
        "grade": facts.skill_grade_label or facts.skill_grade,
        "rank": rank,
        "of": len(SKILL_LADDER),
        "per": fmt(per),
    }
    return [Component(source, cents(rank * per), detail)]


def honour_components(honours: list[HonourFact], rubric: dict) -> list[Component]:
    out = []
    team_factor = d(rubric["team_honour_factor"])
    for h in honours:
        base = d(rubric["honour_level_points"].get(h.level, "0"))
        factor = d(rubric["honour_kind_factors"].get(h.source.kind, "0"))
        points = base * factor
        detail = _("%(base)s points for the level × %(factor)s for the honour") % {
            "base": fmt(base),
            "factor": fmt(factor),
        }
        if h.team:
            points *= team_factor
            detail += " " + _("× %(factor)s as a member of the honoured team") % {"factor": fmt(team_factor)}
        out.append(Component(h.source, cents(points), detail))
    return out


def studio_role_components(studios: list[StudioFact], rubric: dict) -> list[Component]:
    out = []
    for s in studios:
        points = cents(d(rubric["studio_role_points"].get(s.source.kind, "0")))
        if s.source.kind == "lead":
            detail = _("Leads the studio: +%(points)s") % {"points": fmt(points)}
        else:
            detail = _("On the studio's team: +%(points)s") % {"points": fmt(points)}
        out.append(Component(s.source, points, detail))
    return out


def evaluate(facts: Facts, rubric: dict | None = None) -> Profile:
    """The four dimensions and the total for ``facts`` under ``rubric`` (default: the
    platform rubric with the settings' overrides)."""
    rubric = load_rubric() if rubric is None else rubric
    cap = d(rubric["cap"])
    dims = [
        Dimension(
            INNOVATION,
            idea_components(facts.ideas, rubric) + achievement_components(facts.achievements, rubric),
            cap,
        ),
        Dimension(QUALITY, result_components(facts.results, rubric), cap),
        Dimension(EFFECTIVENESS, savings_components(facts, rubric) + grade_components(facts, rubric), cap),
        Dimension(
            CONTRIBUTION,
            honour_components(facts.honours, rubric) + studio_role_components(facts.studios, rubric),
            cap,
        ),
    ]
    weights = {k: d(v) for k, v in rubric["weights"].items()}
    weight_sum = sum((weights.get(dim.key, ZERO) for dim in dims), ZERO)
    total = (
        cents(sum((dim.score * weights.get(dim.key, ZERO) for dim in dims), ZERO) / weight_sum)
        if weight_sum
        else ZERO
    )
    return Profile(dimensions=dims, total=total)
