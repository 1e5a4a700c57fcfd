"""The drift CUSUM: its step against hand arithmetic, its p-value against exact enumeration
and simulation, its run lengths against Montgomery's published CUSUM table and simulation."""

import itertools
import math

import numpy as np
import pytest
from scipy.stats import hypergeom, norm

from smartlead_nb.analysis import drift


def test_step_is_the_log_likelihood_ratio_of_fishers_noncentral_hypergeometric_by_hand():
    # 4 of 100 bounced against a pool's 4 of 100: 8 bounces among 200 sends that period
    n, m, b = 100, 200, 8
    weight = [math.comb(n, j) * math.comb(m - n, b - j) for j in range(b + 1)]
    mean_of_two_to_x = sum(w * 2 ** j for j, w in enumerate(weight)) / sum(weight)
    expected = 4 * math.log(2) - math.log(mean_of_two_to_x)
    got = drift.increments(np.array([4]), np.array([n]), np.array([4]), np.array([n]))
    assert got[0] == pytest.approx(expected, rel=1e-9)
    assert np.isnan(drift.increments(np.array([1]), np.array([10]), np.array([0]), np.array([0])))[0]


def test_cusum_and_where_its_run_began():
    s = drift.cusum(np.array([[0.5, -1.0, 0.2, np.nan, 0.9, -0.3]]))
    assert s[0].tolist() == pytest.approx([0.5, 0.0, 0.2, 0.2, 1.1, 0.8])
    assert drift.change_start(s).tolist() == [2]


def _exact_crossing(s, k, n, pool_k, pool_n):
    """P(max CUSUM >= s) by listing every table the margins allow (tiny cases only)."""
    bounced = [a + b for a, b in zip(k, pool_k)]
    ranges = [range(max(0, b - pn), min(nt, b) + 1) for b, nt, pn in zip(bounced, n, pool_n)]
    total = 0.0
    for tables in itertools.product(*ranges):
        prob = np.prod([hypergeom.pmf(j, nt + pn, nt, b)
                        for j, nt, pn, b in zip(tables, n, pool_n, bounced)])
        w = drift.increments(np.array(tables), np.array(n),
                             np.array(bounced) - np.array(tables), np.array(pool_n))
        if drift.cusum(w).max() >= s - 1e-12:
            total += prob
    return total


@pytest.mark.parametrize("s", [0.7, 1.0, 1.6, 2.5, 2.9, 3.6])
def test_crossing_probability_never_understates_the_exact_one_and_stays_close(s):
    k, n, pool_k, pool_n = [2, 3, 3], [30, 40, 25], [3, 1, 2], [60, 80, 50]
    exact = _exact_crossing(s, k, n, pool_k, pool_n)
    got = drift.crossing_probability(s, k, n, pool_k, pool_n)
    assert exact > 0
    assert exact * (1 - 1e-9) <= got <= exact * 2.5 + 1e-6     # rounded up: never below


def test_crossing_probability_matches_simulation_of_a_12_week_mailbox():
    rng = np.random.default_rng(11)
    weeks, reps = 12, 40_000
    n, pool_n = np.full(weeks, 200), np.full(weeks, 3800)
    bounced = rng.binomial(4000, 0.02, weeks)                    # each week's margins
    tables = rng.hypergeometric(n, pool_n, bounced, size=(reps, weeks))
    highest = drift.cusum(drift.increments(tables, n, bounced - tables, pool_n)).max(axis=-1)
    for s in (2.0, 4.0, 5.5):
        simulated = (highest >= s).mean()
        se = math.sqrt(simulated * (1 - simulated) / reps)       # Monte Carlo standard error
        got = drift.crossing_probability(s, np.zeros(weeks, int), n, bounced, pool_n)
        assert simulated - 4 * se <= got <= simulated + 4 * se + 0.1 * simulated
        assert got <= weeks * math.exp(-s)                       # never above Ville's bound


def test_pvalues_rows_and_the_ville_cap():
    k = np.array([[2, 2, 2], [2, 9, 14]])
    n, pool_k, pool_n = np.full((2, 3), 200), np.full((2, 3), 30), np.full((2, 3), 1500)
    p = drift.pvalues(k, n, pool_k, pool_n)
    highest = drift.cusum(drift.increments(k, n, pool_k, pool_n)).max(axis=-1)
    assert p[0] == 1.0 and highest[0] == 0               # never above 0: no evidence at all
    assert p[1] < 1e-3 and p[1] <= 3 * math.exp(-highest[1])
    assert drift.pvalues(k, n, pool_k, pool_n, rows=[True, False])[1] == 1.0


@pytest.mark.parametrize("h, mu, published", [
    (4, 0.0, 168), (5, 0.0, 465),        # Montgomery (2019) Table 9.3, k = 1/2, two-sided
    (4, 1.0, 8.38), (5, 1.0, 10.4)])
def test_run_length_reproduces_montgomerys_cusum_table(h, mu, published):
    x = np.linspace(-12, 12, 24001)
    up = drift.run_length(h, x - 0.5, norm.pdf(x, mu))           # the upper one-sided chart
    down = drift.run_length(h, -x - 0.5, norm.pdf(x, mu))        # the lower one
    two_sided = 1 / (1 / up + 1 / down)
    assert two_sided == pytest.approx(published, rel=0.01)


def test_documented_run_lengths_against_simulation_and_lordens_bound():
    h = 7.15
    in_control = drift.average_run_length(h, 200, 3800, 0.02)
    assert math.exp(h) <= in_control == pytest.approx(6900, rel=0.02)
    rng = np.random.default_rng(5)
    reps = 4000
    for rate, documented in ((0.04, 5.6), (0.06, 2.4)):
        assert drift.average_run_length(h, 200, 3800, 0.02, rate=rate) == pytest.approx(documented, abs=0.05)
        level, stop = np.zeros(reps), np.zeros(reps)
        for week in range(1, 200):
            k, pool_k = rng.binomial(200, rate, reps), rng.binomial(3800, 0.02, reps)
            level = np.maximum(0, level + drift.increments(k, np.full(reps, 200), pool_k,
                                                           np.full(reps, 3800)))
            stop = np.where((stop == 0) & (level >= h), week, stop)
            if (stop > 0).all():
                break
        se = stop.std() / math.sqrt(reps)
        assert abs(stop.mean() - documented) <= 4 * se + 0.05, (rate, stop.mean(), se)
