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


# --- bounds where they must lie, and the p-value that inverts the difference's interval ----
from scipy.stats import norm  # noqa: E402

from smartlead_nb.analysis.intervals import (  # noqa: E402
    Z_MAX, difference_intervals, difference_p_values, newcombe_bounds, wilson_intervals)

LEVELS = [0.5, 0.8, 0.95, 0.99, 0.999999]


def _tables(rng, count, high=10**9):
    n = np.concatenate([[1, 1, 2, 3, 10**9, 10**9], rng.integers(1, high, count)])
    s = np.concatenate([[0, 1, 1, 0, 10**9, 1], [rng.integers(0, x + 1) for x in n[6:]]])
    return s, n


def test_wilson_bounds_lie_in_0_1_and_contain_the_estimate_property_style():
    rng = np.random.default_rng(17)
    s, n = _tables(rng, 3000)
    small_s, small_n = _tables(rng, 3000, high=30)
    for level in LEVELS:
        for successes, trials in ((s, n), (small_s, small_n)):
            low, high = wilson_intervals(successes, trials, level)
            rate = successes / trials
            assert ((0 <= low) & (low <= rate) & (rate <= high) & (high <= 1)).all()
    assert proportion_interval(0, 20)[0] == 0.0 and proportion_interval(20, 20)[1] == 1.0


def test_difference_bounds_lie_in_minus_1_1_and_contain_the_difference():
    rng = np.random.default_rng(19)
    s1, n1 = _tables(rng, 2000, high=50)
    s2, n2 = _tables(rng, 2000, high=50)
    for level in LEVELS:
        low, high = difference_intervals(s1, n1, s2, n2, level)
        diff = s1 / n1 - s2 / n2
        assert ((-1 <= low) & (low <= diff) & (diff <= high) & (high <= 1)).all()


def test_the_p_value_is_below_alpha_exactly_when_the_interval_excludes_zero():
    rng = np.random.default_rng(23)
    s1, n1 = _tables(rng, 1500, high=400)
    s2, n2 = _tables(rng, 1500, high=400)
    with np.errstate(all="raise"):
        p = difference_p_values(s1, n1, s2, n2)
    assert ((0 <= p) & (p <= 1)).all()
    for alpha in (0.2, 0.05, 0.01, 0.001):
        low, high = newcombe_bounds(*(x.astype(float) for x in (s1, n1, s2, n2)), alpha)
        assert ((p < alpha) == ((low > 0) | (high < 0))).all(), alpha
    assert (p[s1 * n2 == s2 * n1] == 1).all()           # equal rates: nothing against 0


def test_p_values_at_the_extremes():
    # a billion sends each: a 0.01-point gap is decisive (z about 7.4); one reply is not
    p = difference_p_values([10**8 + 10**5, 10**8 + 1, 10**9, 0], [10**9] * 4,
                            [10**8, 10**8, 0, 0], [10**9] * 4)
    assert 1e-14 < p[0] < 1e-12 and p[1] > 0.9 and p[3] == 1.0
    assert p[2] == pytest.approx(2 * norm.sf(Z_MAX))    # beyond the search: its bound
    # one send each way
    assert difference_p_values([1], [1], [0], [1])[0] == pytest.approx(
        difference_p_values([0], [1], [1], [1])[0])
