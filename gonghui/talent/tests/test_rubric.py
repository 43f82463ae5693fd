"""The rubric on hand-worked examples (docs/modules/talent.md): every source, the caps, no
data, settings overrides. Pure: no database."""

from decimal import Decimal

from django.test import override_settings

from gonghui.talent import rubric
from gonghui.talent.rubric import (
    AchievementFact,
    Facts,
    HonourFact,
    IdeaFact,
    ResultFact,
    Source,
    StudioFact,
)

D = Decimal


def idea(kind, *, implemented=False, benefit="0", n=1):
    return IdeaFact(Source("idea", kind, f"i{n}", f"idea {n}"), implemented, D(benefit))


def achievement(kind, savings="0", n=1):
    return AchievementFact(Source("achievement", kind, f"a{n}", f"ach {n}"), "焊接创新工作室", D(savings))


def result(stage, rank, standardised, meets, team=False, n=1):
    return ResultFact(Source("result", stage, f"r{n}", f"comp {n}"), rank, D(standardised), meets, team)


def honour(kind, level, team=False, n=1):
    return HonourFact(Source("honour", kind, f"h{n}", f"honour {n}", "2020"), level, team)


def studio(role, n=1):
    return StudioFact(Source("studio", role, f"s{n}", f"studio {n}"))


def points(dim):
    return [c.points for c in dim.components]


def test_no_data_scores_zero_everywhere():
    p = rubric.evaluate(Facts(), rubric.load_rubric({}))
    assert [d.key for d in p.dimensions] == ["innovation", "quality", "effectiveness", "contribution"]
    assert all(d.score == 0 and d.components == [] for d in p.dimensions)
    assert p.total == D("0.00")


def test_innovation_ideas_by_kind_and_implemented_times_one_and_a_half():
    facts = Facts(
        ideas=[
            idea("invention"),
            idea("suggestion", implemented=True, n=2),
            idea("design", n=3),
            idea("creation", implemented=True, n=4),
            idea("innovation", n=5),
        ]
    )
    dim = rubric.evaluate(facts, rubric.load_rubric({})).dimension("innovation")
    # 12 + 5 × 1.5 + 8 + 10 × 1.5 + 10 = 12 + 7.5 + 8 + 15 + 10
    assert points(dim) == [D("12.00"), D("7.50"), D("8.00"), D("15.00"), D("10.00")]
    assert dim.score == D("52.50")
    assert "× 1.5" in dim.components[1].detail
    assert dim.components[1].source.id == "i2"


def test_innovation_studio_achievements_by_kind_and_savings_only_counts_elsewhere():
    facts = Facts(
        achievements=[
            achievement("patent"),
            achievement("innovation", n=2),
            achievement("method", n=3),
            achievement("standard", n=4),
            achievement("saving", "50000", n=5),
        ]
    )
    p = rubric.evaluate(facts, rubric.load_rubric({}))
    assert points(p.dimension("innovation")) == [D("15.00"), D("8.00"), D("6.00"), D("6.00")]
    assert p.dimension("innovation").score == D("35.00")
    # the saving is worth 5 points of effectiveness
    assert points(p.dimension("effectiveness")) == [D("5.00")]


def test_innovation_is_capped_at_100():
    facts = Facts(ideas=[idea("invention", implemented=True, n=n) for n in range(9)])  # 9 × 18 = 162
    dim = rubric.evaluate(facts, rubric.load_rubric({})).dimension("innovation")
    assert dim.raw == D("162.00")
    assert dim.score == D("100.00")
    assert dim.capped and dim.percent == 100


def test_quality_hand_worked_results():
    facts = Facts(
        results=[
            # provincial, place 2, 745.3, meets: (10 + 4.53 + 20) × 1.2 = 41.436 → 41.44
            result("provincial", 2, "745.3", True, n=1),
            # grassroots, place 12, 690, below the standard: 0
            result("grassroots", 12, "690", False, n=2),
            # city, place 4, exactly 700: (10 + 0 + 10) × 1.0 = 20
            result("city", 4, "700", True, n=3),
            # city team entry, place 10, 712: (10 + 1.2 + 10) × 1.0 = 21.2
            result("city", 10, "712", True, team=True, n=4),
            # grassroots, place 11, 705: (10 + 0.5) × 0.8 = 8.4
            result("grassroots", 11, "705", True, n=5),
        ]
    )
    dim = rubric.evaluate(facts, rubric.load_rubric({})).dimension("quality")
    assert points(dim) == [D("41.44"), D("0.00"), D("20.00"), D("21.20"), D("8.40")]
    assert dim.score == D("91.04")
    assert "place 2: +20" in dim.components[0].detail
    assert "× 1.2" in dim.components[0].detail
    assert dim.components[3].detail.startswith("Team entry")


def test_quality_above_standard_part_is_capped_at_20_and_the_dimension_at_100():
    facts = Facts(
        results=[
            # final, place 1, 950: (10 + min(25, 20) + 20) × 1.5 = 75
            result("final", 1, "950", True, n=1),
            result("provincial", 2, "745.3", True, n=2),  # 41.44
        ]
    )
    dim = rubric.evaluate(facts, rubric.load_rubric({})).dimension("quality")
    assert points(dim) == [D("75.00"), D("41.44")]
    assert dim.raw == D("116.44") and dim.score == D("100.00")


def test_effectiveness_benefit_savings_and_skill_grade():
    facts = Facts(
        ideas=[idea("suggestion", benefit="125000")],
        achievements=[achievement("saving", "80000")],
        skill_grade="technician",
        skill_grade_label="技师",
        member_id="m1",
    )
    dim = rubric.evaluate(facts, rubric.load_rubric({})).dimension("effectiveness")
    # 12.5 + 8 + technician rank 5 × 5
    assert points(dim) == [D("12.50"), D("8.00"), D("25.00")]
    assert dim.score == D("45.50")
    grade = dim.components[-1]
    assert (grade.source.source, grade.source.kind, grade.source.id) == ("member", "technician", "m1")
    assert "rank 5 of 8" in grade.detail


def test_effectiveness_benefit_and_savings_are_capped_at_40():
    facts = Facts(
        ideas=[idea("invention", benefit="300000")],
        achievements=[achievement("patent", "150000")],
        skill_grade="chief_technician",
    )
    dim = rubric.evaluate(facts, rubric.load_rubric({})).dimension("effectiveness")
    # 30 + 15 = 45 → cut by 5 to 40; chief technician 8 × 5 = 40
    assert points(dim) == [D("30.00"), D("15.00"), D("-5.00"), D("40.00")]
    assert dim.components[2].source.source == "rubric"
    assert dim.score == D("80.00")


def test_effectiveness_ignores_unknown_grades_and_tiny_amounts():
    facts = Facts(ideas=[idea("design", benefit="40")], skill_grade="")
    dim = rubric.evaluate(facts, rubric.load_rubric({})).dimension("effectiveness")
    assert dim.components == [] and dim.score == 0


def test_contribution_honours_by_level_kind_and_team():
    facts = Facts(
        honours=[
            honour("model_worker", "national", n=1),  # 40 × 1.0 = 40
            honour("technical_expert", "provincial", n=2),  # 25 × 0.8 = 20
            honour("pioneer_team", "city", team=True, n=3),  # 15 × 1.0 × 0.5 = 7.5
            honour("advanced_worker", "city", n=4),  # 15 × 0.8 = 12
        ],
        studios=[studio("lead", n=1), studio("member", n=2)],  # 15 + 5
    )
    dim = rubric.evaluate(facts, rubric.load_rubric({})).dimension("contribution")
    assert points(dim) == [D("40.00"), D("20.00"), D("7.50"), D("12.00"), D("15.00"), D("5.00")]
    assert dim.score == D("99.50")
    assert "honoured team" in dim.components[2].detail


def test_contribution_is_capped_at_100():
    facts = Facts(
        honours=[honour("model_worker", "national", n=1), honour("may_day_medal", "national", n=2)],
        studios=[studio("lead")],
    )
    dim = rubric.evaluate(facts, rubric.load_rubric({})).dimension("contribution")
    assert dim.raw == D("95.00")
    facts.honours.append(honour("may_day_medal", "provincial", n=3))
    dim = rubric.evaluate(facts, rubric.load_rubric({})).dimension("contribution")
    assert dim.raw == D("120.00") and dim.score == D("100.00")


def test_total_is_the_mean_of_the_four_scores_rounded_half_up():
    facts = Facts(
        ideas=[idea("invention"), idea("suggestion", implemented=True, n=2), idea("design", n=3)],  # 27.5
        results=[result("provincial", 2, "745.3", True)],  # 41.44
        achievements=[],
        skill_grade="technician",
        honours=[honour("model_worker", "national")],
    )
    p = rubric.evaluate(facts, rubric.load_rubric({}))
    scores = [d.score for d in p.dimensions]
    assert scores == [D("27.50"), D("41.44"), D("25.00"), D("40.00")]
    # 133.94 / 4 = 33.485 → 33.49
    assert p.total == D("33.49")


def test_components_add_up_to_the_score_when_not_capped():
    facts = Facts(
        ideas=[idea("creation", implemented=True, benefit="12345.67")],
        results=[result("city", 3, "733.333", True)],
    )
    for dim in rubric.evaluate(facts, rubric.load_rubric({})).dimensions:
        assert sum((c.points for c in dim.components), D("0")) == dim.score


@override_settings(GONGHUI_TALENT_RUBRIC={"idea_points": {"suggestion": "6"}, "cap": "50"})
def test_the_settings_override_the_defaults_key_by_key():
    config = rubric.load_rubric()
    assert config["idea_points"]["suggestion"] == "6"
    assert config["idea_points"]["invention"] == "12"  # kept
    assert rubric.DEFAULT_RUBRIC["idea_points"]["suggestion"] == "5"  # defaults untouched
    facts = Facts(
        ideas=[idea("suggestion")] + [idea("invention", implemented=True, n=n) for n in range(2, 6)]
    )
    p = rubric.evaluate(facts)
    assert p.dimension("innovation").components[0].points == D("6.00")
    assert p.dimension("innovation").score == D("50.00")  # 6 + 4 × 18 = 78, capped at 50


def test_labels_and_explanations_follow_the_active_language():
    from django.utils import translation

    facts = Facts(ideas=[idea("invention")])
    with translation.override("en"):
        en = rubric.evaluate(facts, rubric.load_rubric({}))
        assert en.dimension("innovation").label == "Innovation"
        assert en.dimension("innovation").components[0].detail == "Adopted idea: 12 points for its kind"
    with translation.override("zh-hans"):
        assert rubric.evaluate(facts, rubric.load_rubric({})).dimension("innovation").label == "创新"
