"""Is the split between variants what the campaign asked for? The sample-ratio-mismatch check.

A/B platforms run it first: when variant B got 4,100 sends where 5,000 were due, something
other than chance chose who got B (a variant paused for a day, a mailbox that only sent A,
a distribution changed mid-test), and a difference in rates may come from that choice, not
from the emails. ``compare_variants`` runs :func:`sample_ratio_mismatch` on every call and
puts the finding into the verdict.

Method: Pearson's chi-square goodness-of-fit test of the observed sends per variant against
the expected shares (``scipy.stats.chisquare``; Pearson 1900), run only when every expected
count is at least 5 (Cochran 1954, Biometrics 10:417-451). A mismatch is called at
p < 0.001: strict, because the check runs on every test and must rarely fire on a healthy
one (on sample-ratio mismatches and why they matter: Fabijan et al. 2019, "Diagnosing Sample
Ratio Mismatch in Online Controlled Experiments", KDD '19). Per mailbox the threshold is
0.001 divided by the number of mailboxes checked (Bonferroni), so a campaign with 50
mailboxes is not more alarming than one with a single mailbox.

>>> mismatch, p = sample_ratio_mismatch([5200, 4100])          # 50/50 asked
>>> mismatch, p < 1e-20
(True, True)
>>> sample_ratio_mismatch([5020, 4980])[0]
False
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import numpy.typing as npt

from ._deps import library

SRM_ALPHA = 0.001
MIN_EXPECTED = 5


def sample_ratio_mismatch(sends: Sequence[float], shares: Sequence[float] | None = None,
                          alpha: float = SRM_ALPHA) -> tuple[bool, float]:
    """``(mismatch, p_value)`` for the sends per variant against ``shares`` (default equal).

    ``p_value`` is NaN (and ``mismatch`` False) when there is too little to test: fewer than
    two variants due sends, or an expected count under 5. A variant with sends whose share
    is 0 is a mismatch outright (p 0).

    >>> sample_ratio_mismatch([700, 300], [70, 30])
    (False, 1.0)
    >>> sample_ratio_mismatch([3, 1])
    (False, nan)
    """
    p = float(sample_ratio_p([sends], shares)[0])
    return bool(p < alpha), p


def sample_ratio_p(sends: Any, shares: npt.ArrayLike | None = None) -> np.ndarray:
    """:func:`sample_ratio_mismatch`'s p-value for each row of ``sends`` (tests x variants),
    in one ``scipy.stats.chisquare`` call: a campaign's mailboxes are checked at once.

    >>> sample_ratio_p([[50, 50], [90, 10], [0, 0]]).round(6).tolist()
    [1.0, 0.0, nan]
    """
    chisquare = library("scipy.stats").chisquare

    observed = np.atleast_2d(np.asarray(sends, dtype=float))
    tests, variants = observed.shape
    weights = np.ones(variants) if shares is None else np.asarray(shares, dtype=float)
    p = np.full(tests, np.nan)
    if variants < 2 or len(weights) != variants or not np.isfinite(weights).all() \
            or weights.sum() <= 0:
        return p
    due = weights > 0
    outright = (observed[:, ~due] > 0).any(axis=1)
    p[outright] = 0.0
    if due.sum() < 2:
        return p
    expected = weights[due] / weights[due].sum() * observed[:, due].sum(axis=1, keepdims=True)
    testable = (expected >= MIN_EXPECTED).all(axis=1) & ~outright
    if testable.any():
        p[testable] = chisquare(observed[testable][:, due], expected[testable], axis=1).pvalue
    return p


def expected_shares(shares: Sequence[Any] | None, n: int) -> np.ndarray | None:
    """The shares a step's ``n`` variants were asked for, or None for "equal".

    Shares come from the campaign's sequences (``variant_distribution_percentage``); they
    count only when every variant has one and they add up to more than 0.

    >>> expected_shares([60, 40], 2).tolist(), expected_shares([60, None], 2)
    ([60.0, 40.0], None)
    """
    if shares is None or len(shares) != n:
        return None
    values = []
    for share in shares:
        if share is None or isinstance(share, bool):
            return None
        try:
            value = float(share)
        except (TypeError, ValueError):
            return None
        if not np.isfinite(value) or value < 0:
            return None
        values.append(value)
    out = np.asarray(values)
    return out if out.sum() > 0 else None
