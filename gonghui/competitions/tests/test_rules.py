"""The default rule set (7th national workers' skills competition, 2021) and rule
validation."""

import pytest
from django.core.exceptions import ValidationError

from gonghui.competitions import rules
from gonghui.members.choices import SkillGrade


def _kinds(place, grade=""):
    return sorted((s.kind, s.detail) for s in rules.suggestions({}, place=place, current_grade=grade))


def test_places_1_to_3_get_title_technician_and_may_day_medal():
    assert _kinds(1) == [("grade", "technician"), ("honour", "全国五一劳动奖章"), ("title", "全国技术能手")]
    assert _kinds(3, SkillGrade.SENIOR) == _kinds(1)


def test_places_4_and_5_get_title_and_technician_but_no_medal():
    assert _kinds(4) == [("grade", "technician"), ("title", "全国技术能手")]
    assert _kinds(5) == _kinds(4)


def test_a_technician_placed_1_to_5_is_recommended_senior_technician():
    assert ("grade", "senior_technician") in _kinds(2, SkillGrade.TECHNICIAN)


def test_places_6_to_20_get_senior_worker_or_technician_if_already_senior():
    assert _kinds(6) == [("grade", "senior")]
    assert _kinds(20, SkillGrade.INTERMEDIATE) == [("grade", "senior")]
    assert _kinds(6, SkillGrade.SENIOR) == [("grade", "technician")]
    assert _kinds(21) == []


def test_no_grade_recommendation_that_is_not_a_promotion():
    assert _kinds(10, SkillGrade.SENIOR_TECHNICIAN) == []
    assert _kinds(1, SkillGrade.MASTER_TECHNICIAN) == [
        ("honour", "全国五一劳动奖章"),
        ("title", "全国技术能手"),
    ]


def test_reasons_name_the_place_and_the_rule_set():
    (grade,) = [s for s in rules.suggestions({}, place=7, current_grade="") if s.kind == "grade"]
    assert "7" in grade.reason and "2021" in grade.reason


def test_a_custom_rule_set_replaces_the_default():
    custom = {"name": "市赛", "rules": [{"from": 1, "to": 1, "kind": "title", "detail": "西安市技术能手"}]}
    assert rules.validate(custom) == custom
    assert [(s.kind, s.detail) for s in rules.suggestions(custom, place=1, current_grade="")] == [
        ("title", "西安市技术能手")
    ]
    assert rules.suggestions(custom, place=2, current_grade="") == []


@pytest.mark.parametrize(
    "bad",
    [
        {"rules": "x"},
        {"rules": [{"from": 3, "to": 1, "kind": "title", "detail": "x"}]},
        {"rules": [{"from": 1, "to": 1, "kind": "bribe", "detail": "x"}]},
        {"rules": [{"from": 1, "to": 1, "kind": "grade", "grade": "wizard"}]},
        {"rules": [{"from": 1, "to": 1, "kind": "honour", "detail": ""}]},
    ],
)
def test_bad_rule_sets_are_refused(bad):
    with pytest.raises(ValidationError):
        rules.validate(bad)


def test_default_grades_map_onto_member_skill_grades():
    values = set(SkillGrade.values)
    for rule in rules.DEFAULT_RULES["rules"]:
        if rule["kind"] == "grade":
            assert rule["grade"] in values
            assert set(rule["already"]) | set(rule["already"].values()) <= values
