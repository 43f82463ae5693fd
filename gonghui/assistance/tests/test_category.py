"""The category function on hand-worked cases at the boundaries."""

from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError

from gonghui.assistance.category import Event, assess


def run(size, incomes, expenses=(), dibao="780", event=None):
    return assess(
        household_size=size,
        monthly_incomes=[D(x) for x in incomes],
        rigid_expenses=[D(x) for x in expenses],
        dibao_monthly=D(dibao),
        event=event,
    )


def test_just_below_dibao_is_deep():
    # (2339.97 − 0) / 3 = 779.99 < 780
    a = run(3, ["2339.97", "0", "0"])
    assert (a.category, a.per_capita_income, a.threshold) == ("deep", D("779.99"), D("780.00"))
    assert "779.99" in a.explanation and "780.00" in a.explanation


def test_exactly_dibao_is_relative_not_deep():
    # (3000 − 660) / 3 = 780.00 — deep is strictly below
    a = run(3, ["2000", "1000", "0"], ["660"])
    assert (a.category, a.per_capita_income, a.threshold) == ("relative", D("780.00"), D("1560.00"))


def test_exactly_twice_dibao_is_relative():
    # (3500 − 380) / 2 = 1560.00 = 2 × 780
    a = run(2, ["3500", "0"], ["380"])
    assert (a.category, a.per_capita_income) == ("relative", D("1560.00"))


def test_one_fen_above_twice_dibao_is_none():
    a = run(2, ["3120.02", "0"])
    assert (a.category, a.per_capita_income, a.threshold) == ("none", D("1560.01"), D("1560.00"))


def test_explanation_names_the_numbers_like_the_issue_example():
    # (2460 + 1230 − 1230) / 2 = 1230.00 ≤ 2 × 780
    a = run(2, ["2460", "1230"], ["1230"])
    assert a.category == "relative"
    assert "1230.00" in a.explanation and "780.00" in a.explanation and "2 ×" in a.explanation


def test_zero_income_is_deep_at_zero():
    a = run(4, ["0", "0", "0", "0"])
    assert (a.category, a.per_capita_income) == ("deep", D("0.00"))


def test_household_of_one():
    assert run(1, ["779.99"]).category == "deep"
    assert run(1, ["780"]).category == "relative"
    assert run(1, ["1560"]).category == "relative"
    assert run(1, ["1560.01"]).category == "none"


def test_expenses_above_income_floor_at_zero():
    a = run(2, ["1000", "0"], ["1500", "300"])
    assert (a.category, a.per_capita_income) == ("deep", D("0.00"))


def test_rounding_is_half_up_to_the_fen():
    # 2340.01 / 3 = 780.00333… → 780.00 → relative
    assert run(3, ["2340.01", "0", "0"]).per_capita_income == D("780.00")


@pytest.mark.parametrize("kind", ["accident", "disaster", "critical_illness"])
def test_each_event_kind_still_in_hardship_after_compensation_is_accident(kind):
    # gross 2 × 1200 / 2 = 1200 ≤ 3 × 500; after: (2400 + 12000/12 − 1600) / 2 = 900 ≤ 1000
    a = run(2, ["2400", "0"], ["1600"], dibao="500", event=Event(kind, D("12000")))
    assert (a.category, a.per_capita_income, a.threshold) == ("accident", D("900.00"), D("1000.00"))
    assert "1200.00" in a.explanation and "500.00" in a.explanation


def test_event_with_income_above_three_times_dibao_is_not_accident():
    # gross 3200/2 = 1600 > 3 × 500; after (3200 − 1400)/2 = 900 ≤ 1000 → relative
    a = run(2, ["3200", "0"], ["1400"], dibao="500", event=Event("accident"))
    assert a.category == "relative"
    assert "1600.00" in a.explanation and "> 3 ×" in a.explanation


def test_event_fully_compensated_is_none():
    # gross 1400 ≤ 1500; after (1400 + 24000/12 − 0) / 1 = 3400 > 1000
    a = run(1, ["1400"], dibao="500", event=Event("disaster", D("24000")))
    assert (a.category, a.per_capita_income) == ("none", D("3400.00"))


def test_event_household_still_below_dibao_is_accident_and_says_so():
    # gross 300 ≤ 1500; after (300 + 1200/12) / 1 = 400 < 500: the event files it as 意外致困,
    # and the explanation says it is also below 低保
    a = run(1, ["300"], dibao="500", event=Event("critical_illness", D("1200")))
    assert (a.category, a.per_capita_income, a.threshold) == ("accident", D("400.00"), D("1000.00"))
    assert "300.00" in a.explanation and "400.00" in a.explanation and "500.00" in a.explanation
    assert "同时低于低保" in a.explanation


def test_gross_exactly_three_times_dibao_is_accident():
    # gross (1800 + 1200) / 2 = 1500.00 = 3 × 500; after (3000 − 1000) / 2 = 1000.00 = 2 × 500
    a = run(2, ["1800", "1200"], ["1000"], dibao="500", event=Event("accident"))
    assert (a.category, a.per_capita_income, a.threshold) == ("accident", D("1000.00"), D("1000.00"))
    assert "1500.00" in a.explanation and "≤ 3 ×" in a.explanation


def test_one_fen_above_three_times_dibao_before_expenses_is_not_accident():
    # gross 3000.02 / 2 = 1500.01 > 1500; after (3000.02 − 1000.02) / 2 = 1000.00 → relative
    a = run(2, ["3000.02", "0"], ["1000.02"], dibao="500", event=Event("accident"))
    assert (a.category, a.per_capita_income) == ("relative", D("1000.00"))
    assert "1500.01" in a.explanation and "> 3 ×" in a.explanation


def test_after_compensation_exactly_twice_dibao_is_accident_one_fen_more_is_none():
    # gross 1200 ≤ 1500; after 1200 + 9600/12 − 1000 = 1000.00 = 2 × 500
    a = run(1, ["1200"], ["1000"], dibao="500", event=Event("disaster", D("9600")))
    assert (a.category, a.per_capita_income) == ("accident", D("1000.00"))
    # 9600.12 / 12 = 800.01 → 1000.01 > 2 × 500: no longer in hardship after compensation
    a = run(1, ["1200"], ["1000"], dibao="500", event=Event("disaster", D("9600.12")))
    assert (a.category, a.per_capita_income) == ("none", D("1000.01"))


@pytest.mark.parametrize("incomes", [[], ["1000"], ["1000", "0", "0"]])
def test_one_income_per_person_is_required(incomes):
    with pytest.raises(ValidationError) as exc:
        run(2, incomes)
    assert exc.value.error_dict["monthly_incomes"][0].code == "incomes_count"


@pytest.mark.parametrize(
    ("kwargs", "field", "code"),
    [
        ({"household_size": 0}, "household_size", "number_too_small"),
        ({"household_size": True}, "household_size", "number_invalid"),
        ({"dibao_monthly": D("0")}, "dibao_monthly", "amount_zero"),
        ({"dibao_monthly": D("-1")}, "dibao_monthly", "amount_negative"),
        ({"event": Event("flood")}, "event.kind", "invalid_choice"),
    ],
)
def test_bad_input_names_the_field_with_the_input_codes(kwargs, field, code):
    args = {
        "household_size": 1,
        "monthly_incomes": [D("1")],
        "rigid_expenses": [],
        "dibao_monthly": D("780"),
        **kwargs,
    }
    with pytest.raises(ValidationError) as exc:
        assess(**args)
    assert exc.value.error_dict[field][0].code == code
