"""Quota arithmetic on hand-worked cases (no database)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from gonghui.honours import quota

IND, F, M, N = quota.INDUSTRIAL, quota.FRONT_LINE_OTHER, quota.MIGRANT, quota.NON_PUBLIC
RULES = quota.parse_rules(quota.DEFAULT_RULES)


def line(lines, key):
    return next(x for x in lines if x.key == key)


def test_two_migrant_workers_of_fifteen_is_13_3_percent_and_meets_ten_percent():
    nominees = [{M}, {M}] + [set()] * 13
    got = line(quota.check(RULES, nominees), M)
    assert (got.count, got.total, got.share_percent, got.met) == (2, 15, Decimal("13.3"), True)
    assert got.text().endswith(" 2/15 = 13.3% ≥ 10% ✓")


def test_exactly_at_the_threshold_meets_it():
    # 7 of 20 = 35 % exactly; 6 of 20 = 30 %.
    assert line(quota.check(RULES, [{IND}] * 7 + [set()] * 13), IND).met is True
    assert line(quota.check(RULES, [{IND}] * 6 + [set()] * 14), IND).met is False
    # 1 of 10 migrant workers = 10 % exactly.
    assert line(quota.check(RULES, [{M}] + [set()] * 9), M).met is True


def test_shares_are_shown_rounded_down_so_a_shown_minimum_is_always_reached():
    # 2/3 = 66.66… → 66.6 (not 66.7); 34/98 = 34.69… → 34.6 and below 35 %.
    assert line(quota.check(RULES, [{IND}] * 2 + [set()]), IND).share_percent == Decimal("66.6")
    got = line(quota.check(RULES, [{IND}] * 34 + [set()] * 64), IND)
    assert (got.share_percent, got.met) == (Decimal("34.6"), False)
    # 3499/10000 = 34.99 % shows as 34.9 %, never as a misleading 35.0 % ✗.
    got = line(quota.check(RULES, [{IND}] * 3499 + [set()] * 6501), IND)
    assert (got.share_percent, got.met) == (Decimal("34.9"), False)


def test_an_empty_list_meets_no_minimum():
    lines = quota.check(RULES, [])
    assert all(x.total == 0 and x.share_percent is None and not x.met for x in lines)
    assert quota.all_met(lines) is False
    assert "0/0 = —" in lines[0].text()


def test_a_zero_minimum_is_met_by_any_non_empty_list():
    rules = quota.parse_rules([{"key": M, "min_share": 0}])
    assert quota.check(rules, [set()])[0].met is True


def test_all_met_with_a_balanced_list_of_twenty():
    # 7 industrial (35 %), 4 other front-line (20 %), 2 migrant (10 %), 7 non-public (35 %).
    nominees = [{IND, N}] * 7 + [{F, M}] * 2 + [{F}] * 2 + [set()] * 9
    lines = quota.check(RULES, nominees)
    assert [(x.key, x.count) for x in lines] == [(IND, 7), (F, 4), (M, 2), (N, 7)]
    assert quota.all_met(lines)


def test_industrial_workers_count_once_not_also_as_other_front_line():
    cats = quota.nominee_categories(
        is_industrial_worker=True, is_front_line=True, is_migrant_worker=False, enterprise_ownership="public"
    )
    assert cats == {IND}
    cats = quota.nominee_categories(
        is_industrial_worker=False,
        is_front_line=True,
        is_migrant_worker=True,
        enterprise_ownership="non_public",
    )
    assert cats == {F, M, N}


@pytest.mark.parametrize(
    "rules",
    [
        "not a list",
        [{"key": "unknown", "min_share": 0.1}],
        [{"key": M, "min_share": 1.5}],
        [{"key": M, "min_share": -0.1}],
        [{"key": M, "min_share": "ten"}],
        [{"key": M, "min_share": True}],
        [{"key": M, "min_share": 0.1}, {"key": M, "min_share": 0.2}],
        [42],
    ],
)
def test_bad_rules_are_refused_with_a_clear_error(rules):
    with pytest.raises(ValidationError) as exc:
        quota.parse_rules(rules)
    assert exc.value.error_dict["quota_rules"][0].code == "quota_rules"


def test_rules_keep_a_custom_label_and_min_share():
    rules = quota.parse_rules([{"key": N, "label": "非公企业", "min_share": 0.4}])
    assert rules == [{"key": N, "label": "非公企业", "min_share": "0.4"}]
    assert quota.check(rules, [{N}, {N}, set(), set(), set()])[0].text() == "非公企业 2/5 = 40.0% ≥ 40% ✓"
