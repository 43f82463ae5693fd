"""The marking and results arithmetic on hand-worked examples (docs/modules/competitions.md)."""

from decimal import Decimal as D

import pytest

from gonghui.competitions import scoring


def test_full_or_zero_gives_the_maximum_or_nothing():
    assert scoring.mark_full_or_zero(D("10"), True) == D("10")
    assert scoring.mark_full_or_zero(D("10"), False) == 0


def test_tolerance_bands_give_the_tightest_band_containing_the_deviation():
    bands = [{"within": "1", "mark": "3"}, {"within": "0.5", "mark": "5"}]
    assert scoring.mark_from_bands(bands, D("0.2")) == D("5")
    assert scoring.mark_from_bands(bands, D("-0.5")) == D("5")  # |−0.5| ≤ 0.5
    assert scoring.mark_from_bands(bands, D("0.7")) == D("3")
    assert scoring.mark_from_bands(bands, D("1.01")) == 0


def test_judgement_mark_is_mean_over_three_times_the_maximum_unrounded():
    # (2 + 2 + 3) / 3 = 7/3; 7/3 / 3 × 6 = 14/3 = 4.666…
    mark = scoring.mark_from_judgement(D("6"), [2, 2, 3])
    assert scoring.store(mark) == D("4.6666666667")
    assert scoring.display(mark) == "4.67"
    assert scoring.mark_from_judgement(D("6"), [3, 3, 3]) == D("6")


def test_spread_is_max_minus_min():
    assert scoring.spread([1, 3, 2]) == 2
    assert scoring.spread([2, 2, 3]) == 1
    assert scoring.spread([2]) == 0


def test_practical_score_is_the_weighted_percentage_of_each_section():
    # 0.6 × 12/15 × 100 + 0.4 × 4/6 × 100 = 48 + 26.666… = 74.666…
    p = scoring.practical_score([(D("0.6"), D("12"), D("15")), (D("0.4"), D("4"), D("6"))])
    assert scoring.store(p) == D("74.6666666667")


def test_raw_total_weighs_theory_and_practical():
    # 0.3 × 80 + 0.7 × 90 = 24 + 63 = 87
    assert scoring.raw_total(D("0.30"), D("80"), D("90")) == D("87")
    assert scoring.raw_total(D("0"), D("10"), D("55.5")) == D("55.5")


def test_ranking_is_standard_competition_ranking():
    assert scoring.ranks([D(90), D(80), D(80), D(70)]) == [1, 2, 2, 4]
    assert scoring.ranks([D(70), D(90), D(80), D(90)]) == [4, 1, 3, 1]
    assert scoring.ranks([D(5)]) == [1]


def test_totals_equal_at_storage_precision_tie():
    third = D(7) / D(3)
    assert scoring.ranks([third * 3, D(7), D(6)]) == [1, 1, 3]


def test_median_of_odd_and_even_counts():
    assert scoring.median([D(3), D(1), D(2)]) == D(2)
    assert scoring.median([D(10), D(20), D(30), D(50)]) == D(25)


def test_standardised_odd_count_uses_the_mad():
    # median 80; |x − 80| = 20, 10, 0, 10, 20 → MAD 10; s = 1.4826 × 10 = 14.826
    # 100 → 700 + 100 × 20 / 14.826 = 834.8981518953…; 60 → 565.1018481047…
    s = scoring.standardise([D(60), D(70), D(80), D(90), D(100)])
    assert s == [
        D("565.1018481047"),
        D("632.5509240523"),
        D("700.0000000000"),
        D("767.4490759477"),
        D("834.8981518953"),
    ]
    assert [scoring.meets_standard(x) for x in s] == [False, False, True, True, True]
    # about two thirds within 600–800
    assert sum(1 for x in s if 600 <= x <= 800) == 3


def test_standardised_even_count_uses_the_mean_of_the_middle_pair():
    # median (20 + 30)/2 = 25; |x − 25| = 15, 5, 5, 25 → MAD (5 + 15)/2 = 10; s = 14.826
    # 10 → 700 − 1500/14.826 = 598.8263860785
    s = scoring.standardise([D(10), D(20), D(30), D(50)])
    assert s[0] == D("598.8263860785")
    assert s[1] == D("666.2754620262")
    assert s[2] == D("733.7245379738")
    assert s[3] == D("868.6226898691")  # 700 + 2500/14.826


def test_standardised_falls_back_to_the_population_sd_when_the_mad_is_zero():
    # median 50, MAD median(0, 0, 0, 30) = 0 → population SD: mean 57.5,
    # variance (3 × 7.5² + 22.5²)/4 = 168.75, SD 12.9903810568; 80 → 700 + 3000/12.99… = 930.9401076759
    s = scoring.standardise([D(50), D(50), D(50), D(80)])
    assert s == [D("700.0000000000")] * 3 + [D("930.9401076759")]


def test_all_equal_results_and_a_single_entry_are_all_700():
    assert scoring.standardise([D("70.5")] * 4) == [D("700.0000000000")] * 4
    assert scoring.standardise([D("42")]) == [D("700.0000000000")]
    assert scoring.meets_standard(D(700))
    assert scoring.standardise([]) == []


def test_ties_get_the_same_standardised_score():
    s = scoring.standardise([D(90), D(80), D(80), D(70)])
    assert s[1] == s[2]


def test_display_rounds_half_up_to_two_places_only():
    assert scoring.display(D("834.8981518953")) == "834.90"
    assert scoring.display(D("0.125")) == "0.13"
    assert scoring.display(None) == ""


def test_median_of_nothing_is_an_error():
    with pytest.raises(ValueError):
        scoring.median([])
