"""The sample-ratio-mismatch check: against a hand-computed chi-square, with asked shares,
degenerate splits, one call for many mailboxes, and its false-alarm rate on healthy splits
(bounded by replicates)."""

import numpy as np
import pytest
from scipy.stats import chi2

from smartlead_nb.analysis.balance import (SRM_ALPHA, expected_shares, sample_ratio_mismatch,
                                           sample_ratio_p)


def test_against_a_hand_computed_chi_square():
    # 5,200 vs 4,100 where 4,650 each were due: chi-square = 2 * 550^2 / 4650, 1 df
    mismatch, p = sample_ratio_mismatch([5200, 4100])
    assert mismatch and p == pytest.approx(chi2.sf(2 * 550 ** 2 / 4650, 1), rel=1e-9)
    # three variants asked 50/25/25
    observed, shares = np.array([510, 260, 230]), [50, 25, 25]
    expected = np.array([500, 250, 250])
    hand = chi2.sf((((observed - expected) ** 2) / expected).sum(), 2)
    assert sample_ratio_mismatch(observed, shares)[1] == pytest.approx(hand, rel=1e-9)


def test_shares_zero_shares_and_too_little_to_test():
    assert sample_ratio_mismatch([600, 400], [60, 40]) == (False, 1.0)
    assert sample_ratio_mismatch([600, 400], [0.6, 0.4])[1] == pytest.approx(1.0)
    assert sample_ratio_mismatch([600, 3], [100, 0]) == (True, 0.0)   # sent what was not asked
    assert np.isnan(sample_ratio_mismatch([600, 0], [100, 0])[1])     # one variant due
    for sends in ([4, 4], [0, 0], [7], []):
        mismatch, p = sample_ratio_mismatch(sends)
        assert not mismatch and np.isnan(p)
    # shares from the sequences count only when every variant has a usable one
    assert expected_shares([60, 40], 2).tolist() == [60.0, 40.0]
    for shares in ([50, None], [50, -1], [0, 0], [50, 50, 50], ["half", 50], [True, 50]):
        assert expected_shares(shares, 2) is None


def test_many_mailboxes_in_one_call_match_one_by_one():
    rng = np.random.default_rng(31)
    sends = rng.integers(0, 400, (60, 3))
    together = sample_ratio_p(sends, [40, 30, 30])
    alone = [sample_ratio_mismatch(row, [40, 30, 30])[1] for row in sends]
    assert np.allclose(together, alone, equal_nan=True)


def test_a_healthy_split_rarely_raises_the_alarm():
    """Monte Carlo, 2,000 campaigns split at random 50/50: the 0.001 threshold should fire
    about twice; 3 Poisson standard deviations above that is the limit."""
    rng = np.random.default_rng(37)
    n = rng.integers(200, 20_000, 2000)
    a = rng.binomial(n, 0.5)
    p = sample_ratio_p(np.column_stack([a, n - a]))
    alarms = int((p < SRM_ALPHA).sum())
    assert alarms <= 2 + 3 * np.sqrt(2), alarms
    # and a 52/48 split of 20,000 sends is caught
    assert sample_ratio_mismatch([10_400, 9_600])[0]
