"""Comparing variants within sender mailboxes and send weeks (Cochran-Mantel-Haenszel).

When mailbox 1 (good deliverability) sent mostly A and mailbox 2 mostly B, the pooled rates
compare mailboxes as much as emails: B can be better within every mailbox and still lose
pooled (Simpson's paradox). ``compare_variants`` then compares within each mailbox (and/or
send week) and combines the strata:

- **When** (``strata="auto"``): a factor stratifies a comparison when the split between the
  two variants' matured sends differs across its levels by Pearson's chi-square test of
  homogeneity at p < 0.05 (``scipy.stats.chi2_contingency``, no continuity correction). A
  balanced split cannot confound, and stratifying a balanced test changes little.
- **How**: the Mantel-Haenszel common odds ratio (Mantel & Haenszel 1959, J Natl Cancer
  Inst 22:719-748) with the Robins-Breslow-Greenland variance of its log (Robins, Breslow &
  Greenland 1986, Biometrics 42:311-323), from ``statsmodels.stats.contingency_tables.
  StratifiedTable``. The interval is log OR +- z * se and the p-value the Wald test of the
  same log OR and se, so the verdict and the interval agree by construction. The
  Cochran-Mantel-Haenszel test of no association (``test_null_odds``) is reported alongside.
  Strata where either variant has no matured send carry no information and are left out;
  when a variant has no event (or no non-event) in any stratum the odds ratio is 0 or
  infinite, and 0.5 is added to every cell of the strata with a zero (Haldane 1956).
- **In points**: the odds ratio is shown as a difference in rate at the control's rate
  ``p0``: ``p0 * OR / (1 - p0 + p0 * OR) - p0`` (increasing in OR, 0 at OR = 1, so the
  interval in points excludes 0 exactly when the odds ratio's excludes 1). A control rate
  of 0 or 1 is taken with half an event added each way, as for the odds ratio.

Agresti's worked example (Categorical Data Analysis, 2nd ed., 2002, section 6.3: a cream
tried in eight clinics) gives CMH = 6.38 (p = 0.012) and a Mantel-Haenszel odds ratio of 2.13:

>>> drug = ([11, 16, 14, 2, 6, 1, 1, 4], [36, 20, 19, 16, 17, 11, 5, 6])
>>> placebo = ([10, 22, 7, 1, 0, 0, 1, 6], [37, 32, 19, 17, 12, 10, 9, 7])
>>> result = mantel_haenszel(*drug, *placebo)
>>> round(result.cmh_statistic, 2), round(result.cmh_p, 3), round(result.odds_ratio, 2)
(6.38, 0.012, 2.13)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np
import pandas as pd

from ..errors import InputError
from . import _frames as F
from ._deps import library

# A factor stratifies when the split between the variants differs across it at this level.
STRATIFY_ALPHA = 0.05


def split_differs(variant_sent: Sequence[float], control_sent: Sequence[float]) -> float:
    """The p-value of "the split between the two variants is the same in every stratum"
    (Pearson's chi-square test of homogeneity); NaN when fewer than two strata have sends.

    >>> split_differs([100, 100], [100, 100])
    1.0
    >>> split_differs([180, 20], [20, 180]) < 1e-6
    True
    """
    chi2_contingency = library("scipy.stats").chi2_contingency

    table = np.column_stack([np.asarray(variant_sent, float), np.asarray(control_sent, float)])
    table = table[table.sum(axis=1) > 0]
    if len(table) < 2 or (table.sum(axis=0) == 0).any():
        return float("nan")
    return float(chi2_contingency(table, correction=False).pvalue)


@dataclass(frozen=True)
class Stratified:
    """A stratified comparison of a variant with its control (see the module docstring)."""
    odds_ratio: float
    low: float            # the odds ratio's interval at the level asked for
    high: float
    p_value: float        # Wald test of the log odds ratio: p < 1 - level <=> 1 outside [low, high]
    cmh_statistic: float  # Cochran-Mantel-Haenszel test of no association (no correction)
    cmh_p: float
    strata: int           # strata that carried information
    control_rate: float   # events / sends of the control over those strata (never 0 or 1)

    def points(self) -> tuple[float, float, float]:
        """``(difference, low, high)`` in rate at the control's rate."""
        return tuple(points_at(self.control_rate, x)
                     for x in (self.odds_ratio, self.low, self.high))   # type: ignore[return-value]


def mantel_haenszel(variant_events: Sequence[float], variant_sent: Sequence[float],
                    control_events: Sequence[float], control_sent: Sequence[float],
                    level: float = 0.95) -> Stratified | None:
    """The variant against its control, stratum by stratum (arrays over the strata).

    None when no stratum has sends of both.

    >>> r = mantel_haenszel([16, 12], [27, 28], [5, 7], [25, 26])     # SAS's migraine trial
    >>> round(r.odds_ratio, 4), [round(x, 4) for x in (r.low, r.high)], round(r.cmh_statistic, 4)
    (3.3132, [1.4456, 7.5934], 8.3052)
    """
    contingency = library("statsmodels.stats.contingency_tables")
    norm = library("scipy.stats").norm

    a, n1, c, n2 = (np.asarray(x, dtype=float) for x in (variant_events, variant_sent,
                                                         control_events, control_sent))
    both = (n1 > 0) & (n2 > 0)
    if not both.any():
        return None
    a, n1, c, n2 = a[both], n1[both], c[both], n2[both]
    tables = np.stack([np.stack([a, n1 - a]), np.stack([c, n2 - c])])      # 2 x 2 x K
    n = n1 + n2
    shift = not ((a * (n2 - c) / n).sum() > 0 and ((n1 - a) * c / n).sum() > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        table = contingency.StratifiedTable(tables, shift_zeros=shift)
        log_or, se = float(table.logodds_pooled), float(table.logodds_pooled_se)
        low, high = (float(x) for x in table.oddsratio_pooled_confint(alpha=1 - level))
        cmh = table.test_null_odds(correction=False)
    p = float(2 * norm.sf(abs(log_or) / se)) if se > 0 and np.isfinite(se) else float("nan")
    rate = c.sum() / n2.sum()
    if not 0 < rate < 1:               # as the odds ratio itself: half a reply each way
        rate = (c.sum() + 0.5) / (n2.sum() + 1)
    return Stratified(odds_ratio=float(np.exp(log_or)), low=low, high=high, p_value=p,
                      cmh_statistic=float(cmh.statistic), cmh_p=float(cmh.pvalue),
                      strata=int(both.sum()), control_rate=float(rate))


def points_at(rate: float, odds_ratio: float) -> float:
    """The difference in rate an odds ratio makes at ``rate``; NaN when ``rate`` is 0 or 1.

    >>> round(points_at(0.05, 2.0), 4)
    0.0452
    """
    if not 0 < rate < 1 or not np.isfinite(rate) or np.isnan(odds_ratio):
        return float("nan")
    if np.isinf(odds_ratio):
        return 1 - rate
    return float(rate * odds_ratio / (1 - rate + rate * odds_ratio) - rate)


def with_senders(stats: pd.DataFrame, leads: pd.DataFrame) -> pd.DataFrame:
    """``stats`` with a ``sender`` column: the mailbox that wrote to each lead.

    SmartLead's per-email statistics do not name the sender; ``leads-statistics`` does, per
    lead (``from``). Pass ``client.statistics.leads.frame(cid)``; leads not in it get no
    sender. The column is categorical (cheap to stratify by). ``attrs`` (``read_at``) are
    kept.

    >>> stats = pd.DataFrame({"lead_email": ["Ana@x.io", "bo@x.io"], "sequence_number": [1, 1]})
    >>> leads = pd.DataFrame({"to": ["ana@x.io"], "from": ["max@send.example"]})
    >>> with_senders(stats, leads)["sender"].tolist()
    ['max@send.example', nan]
    """
    who = "with_senders"
    stats = F.require_frame(stats, "the statistics frame", who)
    leads = F.require_frame(leads, "client.statistics.leads.frame(cid)", who)
    F.require_columns(stats, ["lead_email"], who)
    F.require_columns(leads, ["to", "from"], who, "the leads-statistics frame")
    key = _address(leads["to"])
    senders = pd.Series(leads["from"].to_numpy(), index=key.to_numpy())
    senders = senders[senders.index.notna() & ~senders.index.duplicated()]
    if senders.empty:
        raise InputError(f"{who}: the leads-statistics frame names no sender ('from') for any "
                         "lead")
    out = stats.copy()
    found = _address(out["lead_email"]).map(senders)
    out["sender"] = pd.Categorical(found.to_numpy(dtype=object))
    return out


def _address(emails: pd.Series) -> pd.Series:
    return emails.astype("string").str.strip().str.lower()


def check_strata(strata: Any, who: str) -> str | tuple[str, ...] | None:
    """``"auto"``, None, or a tuple of names from ``STRATA``; else an InputError."""
    from ._counts import check_strata as names

    if strata is None or (isinstance(strata, str) and strata == "auto"):
        return strata
    if isinstance(strata, str) and strata not in ("mailbox", "week"):
        raise InputError(f"{who}: strata must be 'auto', None or a list of 'mailbox' and "
                         f"'week'; got {strata!r}")
    return names(strata, who)
