"""Stratified comparisons (Mantel-Haenszel) against published worked examples, the agreement
of their interval and p-value, zero cells, and the rule that decides when to stratify."""

import math

import numpy as np
import pytest
from scipy.stats import norm

from smartlead_nb.analysis.strata import mantel_haenszel, points_at, split_differs

# Agresti, Categorical Data Analysis (2nd ed., 2002), section 6.3.4-6.3.5, the cream trial in
# eight clinics (Beitler & Landis 1985): drug successes, drug patients, control successes,
# control patients. Published: CMH = 6.38, P = 0.012; Mantel-Haenszel odds ratio 2.13.
AGRESTI = np.array([(11, 36, 10, 37), (16, 20, 22, 32), (14, 19, 7, 19), (2, 16, 1, 17),
                    (6, 17, 0, 12), (1, 11, 0, 10), (1, 5, 1, 9), (4, 6, 6, 7)]).T

# SAS/STAT User's Guide, PROC FREQ, "Cochran-Mantel-Haenszel Statistics" example (migraine
# trial by gender): general association CMH 8.3052, p 0.0040; Mantel-Haenszel common odds
# ratio 3.3132, 95% limits 1.4456 to 7.5934.
MIGRAINE = np.array([(16, 27, 5, 25), (12, 28, 7, 26)]).T


def test_agresti_cream_trial():
    r = mantel_haenszel(*AGRESTI)
    assert round(r.cmh_statistic, 2) == 6.38 and round(r.cmh_p, 3) == 0.012
    assert round(r.odds_ratio, 2) == 2.13 and r.strata == 8


def test_sas_migraine_trial():
    r = mantel_haenszel(*MIGRAINE)
    assert (round(r.odds_ratio, 4), round(r.low, 4), round(r.high, 4)) == (3.3132, 1.4456, 7.5934)
    assert round(r.cmh_statistic, 4) == 8.3052 and round(r.cmh_p, 4) == 0.0040
    # the p-value shown is the Wald test of the same log odds ratio the interval uses
    se = (math.log(r.high) - math.log(r.low)) / (2 * norm.ppf(0.975))
    assert r.p_value == pytest.approx(2 * norm.sf(math.log(r.odds_ratio) / se), rel=1e-9)


def test_interval_and_p_value_agree_over_random_stratified_tables():
    rng = np.random.default_rng(29)
    for _ in range(300):
        k = int(rng.integers(1, 6))
        n1, n2 = rng.integers(0, 60, k), rng.integers(0, 60, k)
        a = rng.binomial(n1, rng.random(k))
        c = rng.binomial(n2, rng.random(k))
        for level in (0.9, 0.95, 0.99):
            r = mantel_haenszel(a, n1, c, n2, level)
            if r is None:
                assert not ((n1 > 0) & (n2 > 0)).any()
                continue
            assert np.isfinite([r.odds_ratio, r.low, r.high, r.p_value]).all()
            assert r.low <= r.odds_ratio <= r.high
            assert (r.p_value < 1 - level) == (r.low > 1 or r.high < 1)
            diff, low, high = r.points()
            assert low <= diff <= high and (low > 0 or high < 0) == (r.p_value < 1 - level)


def test_zero_cells_and_strata_without_both_variants():
    # no event at all in the variant: 0.5 added to the cells of strata with a zero
    r = mantel_haenszel([0, 0], [40, 30], [5, 3], [40, 30])
    assert 0 < r.odds_ratio < 1 and r.high < 1 and r.p_value < 0.05
    # a stratum where only the control was sent carries nothing
    with_empty = mantel_haenszel([16, 12, 0], [27, 28, 0], [5, 7, 9], [25, 26, 40])
    assert with_empty.odds_ratio == pytest.approx(mantel_haenszel(*MIGRAINE).odds_ratio)
    assert with_empty.strata == 2
    assert mantel_haenszel([3], [10], [0], [0]) is None


def test_points_follow_the_odds_ratio():
    assert points_at(0.05, 1.0) == 0
    grid = [points_at(0.05, x) for x in (0.1, 0.5, 1, 2, 10)]
    assert grid == sorted(grid) and grid[0] > -0.05 and grid[-1] < 0.95
    assert np.isnan(points_at(0.0, 2.0)) and points_at(0.2, math.inf) == pytest.approx(0.8)


def test_split_differs_only_when_the_split_moves_across_strata():
    assert split_differs([100, 100, 100], [100, 100, 100]) == pytest.approx(1.0)
    assert split_differs([100, 300], [100, 300]) == pytest.approx(1.0)   # volume differs, split not
    assert split_differs([180, 20], [20, 180]) < 1e-10
    assert np.isnan(split_differs([100], [100]))                   # one stratum: nothing to test
    assert np.isnan(split_differs([100, 0], [100, 0]))
