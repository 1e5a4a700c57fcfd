"""Wilson and Newcombe intervals against the papers' worked examples and against statsmodels."""

import numpy as np
import pytest
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

from smartlead_nb.analysis import difference_interval, proportion_interval
from smartlead_nb.errors import InputError

# Newcombe RG (1998), "Two-sided confidence intervals for the single proportion: comparison of
# seven methods", Stat Med 17:857-872, Table I, method 3 (Wilson score, no continuity
# correction), 95%.
WILSON_TABLE_I = [
    (81, 263, 0.2553, 0.3662),
    (15, 148, 0.0624, 0.1605),
    (0, 20, 0.0000, 0.1611),
    (1, 29, 0.0061, 0.1718),
]

# Newcombe RG (1998), "Interval estimation for the difference between independent
# proportions: comparison of eleven methods", Stat Med 17:873-890, Table II, method 10
# (hybrid score, no continuity correction), 95%: examples (a)-(h).
NEWCOMBE_TABLE_II = [
    (56, 70, 48, 80, 0.0524, 0.3339),
    (9, 10, 3, 10, 0.1705, 0.8090),
    (6, 7, 2, 7, 0.0582, 0.8062),
    (5, 56, 0, 29, -0.0381, 0.1926),
    (0, 10, 0, 20, -0.1611, 0.2775),
    (0, 10, 0, 10, -0.2775, 0.2775),
    (10, 10, 0, 20, 0.6791, 1.0000),
    (10, 10, 0, 10, 0.6075, 1.0000),
]


@pytest.mark.parametrize("s, n, low, high", WILSON_TABLE_I)
def test_wilson_matches_newcombe_1998_table_I(s, n, low, high):
    got = proportion_interval(s, n)
    assert got == pytest.approx((low, high), abs=5e-5)


@pytest.mark.parametrize("s1, n1, s2, n2, low, high", NEWCOMBE_TABLE_II)
def test_hybrid_score_matches_newcombe_1998_table_II_method_10(s1, n1, s2, n2, low, high):
    got = difference_interval(s1, n1, s2, n2)
    assert got == pytest.approx((low, high), abs=5e-5)


def test_intervals_agree_with_statsmodels_on_a_grid_and_other_levels():
    rng = np.random.default_rng(3)
    for _ in range(50):
        n1, n2 = rng.integers(1, 500, 2)
        s1, s2 = rng.integers(0, n1 + 1), rng.integers(0, n2 + 1)
        level = float(rng.choice([0.8, 0.9, 0.95, 0.99]))
        assert proportion_interval(s1, n1, level) == pytest.approx(
            proportion_confint(s1, n1, alpha=1 - level, method="wilson"), abs=1e-12)
        assert difference_interval(s1, n1, s2, n2, level) == pytest.approx(
            confint_proportions_2indep(s1, n1, s2, n2, method="newcomb", compare="diff",
                                       alpha=1 - level), abs=1e-12)


def test_results_are_plain_floats():
    low, high = difference_interval(5, 50, 3, 60)
    assert type(low) is float and type(high) is float


@pytest.mark.parametrize("args, message", [
    ((0, 0), "no trials"),
    ((5, 3), r"successes \(5\) exceed trials \(3\)"),
    ((-1, 3), "successes must be a whole number >= 0"),
    ((1.5, 3), "successes must be a whole number >= 0"),
    ((1, float("nan")), "trials must be a whole number >= 0"),
    ((1, 3, 1.2), "level must be a number between 0 and 1"),
])
def test_bad_counts_are_refused_with_a_reason(args, message):
    with pytest.raises(InputError, match=message):
        proportion_interval(*args)


def test_difference_with_an_empty_group_names_it():
    with pytest.raises(InputError, match="no trials .second group"):
        difference_interval(3, 10, 0, 0)
