"""What daily looks would decide over many campaigns with known rates: a what-if for a plan.

Each simulated campaign adds new sends every day, split at random between the control
and one variant; a send's event (a reply) comes within the reply window with the variant's
rate; a look on day d sees the sends that are at least ``window_days`` old, with their
events, as :func:`~smartlead_nb.analysis.monitor_variants` counts them. Two analysts look
every day and stop at their first decision: one with
:func:`~smartlead_nb.analysis.sequential_test` (what ``monitor_variants`` applies), one with
a fixed-size test each day (the pooled two-proportion z-test at the same alpha, as
``compare_variants`` applies it once counts are not small), the "peeking" that Armitage,
McPherson & Rowe (1969) showed inflates false calls. Counts, not rows, so thousands of
campaigns take a second.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError
from ._deps import library
from .power import check_rate
from .sequential import CONTINUE, TestPlan, sequential_test
from .sequential import plan_test  # noqa: F401  (the examples below use it)

def simulate_looks(plan: TestPlan, control_rate: float, variant_rate: float, *,
                   campaigns: int = 2000, looks: int = 60, sends_per_day: float | None = None,
                   window_days: int = 7, seed: int = 0) -> pd.DataFrame:
    """One row per simulated campaign: what each analyst decided first, and on which look.

    Args:
        plan: the plan both analysts follow (its alpha; the monitor also its boundary).
        control_rate, variant_rate: the true rates (0-1) of A and B.
        campaigns: how many campaigns to simulate.
        looks: daily looks, the first one the day the first sends mature.
        sends_per_day: new sends a day, both variants together (Poisson); default such
            that the planned size per variant matures by the last look.
        window_days: the reply window: a send is counted once it is this old.
        seed: for numpy's random generator (the same seed gives the same campaigns).

    Returns:
        Columns ``monitor`` and ``peeking`` (the first decision: ``continue`` when none
        came, else ``stop: B beats A``, ``stop: A beats B`` or, for the monitor,
        ``stop: no worthwhile difference``), ``monitor_look`` and ``peeking_look`` (the
        look it came at, 1-based; missing for ``continue``) and ``sent`` (sends per
        variant matured by the last look, the smaller variant's).

    >>> plan = plan_test(0.05, 0.03)
    >>> runs = simulate_looks(plan, 0.05, 0.05, campaigns=500, seed=1)   # no difference
    >>> false_winners = runs[["monitor", "peeking"]].apply(lambda d: d.str.contains("beats").mean())
    >>> false_winners.round(3).to_dict()
    {'monitor': 0.014, 'peeking': 0.276}
    """
    norm = library("scipy.stats").norm
    if not isinstance(plan, TestPlan):
        raise InputError(f"simulate_looks takes a plan from plan_test; got {type(plan).__name__}")
    control_rate = check_rate(control_rate, "control_rate")
    variant_rate = check_rate(variant_rate, "variant_rate")
    for name, value, low in (("campaigns", campaigns, 1), ("looks", looks, 1),
                             ("window_days", window_days, 0)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
            raise InputError(f"{name} must be a whole number >= {low}; got {value!r}")
    per_day = 2 * plan.sends_per_variant / looks if sends_per_day is None else sends_per_day
    if isinstance(per_day, bool) or not isinstance(per_day, (int, float)) or not per_day > 0:
        raise InputError(f"sends_per_day must be a number > 0; got {sends_per_day!r}")

    rng = np.random.default_rng(seed)
    # Sends of day 1..looks mature on the looks 1..looks (a window later): only matured
    # batches are drawn, each with its events already complete.
    daily = rng.poisson(per_day, size=(campaigns, looks))
    sent_a = rng.binomial(daily, 0.5)
    sent_b = daily - sent_a
    events_a = rng.binomial(sent_a, control_rate)
    events_b = rng.binomial(sent_b, variant_rate)
    n_a, n_b, e_a, e_b = (np.cumsum(x, axis=1) for x in (sent_a, sent_b, events_a, events_b))

    monitor = sequential_test(e_b, n_b, e_a, n_a, plan=plan).decision
    with np.errstate(divide="ignore", invalid="ignore"):
        pooled = (e_a + e_b) / (n_a + n_b)
        se = np.sqrt(pooled * (1 - pooled) * (1 / n_a + 1 / n_b))
        z = (e_b / n_b - e_a / n_a) / se
    z = np.where(np.isfinite(z), z, 0.0)
    alpha = plan.alpha / plan.comparisons
    if plan.one_sided:
        peeking = np.where(z >= norm.isf(alpha), "stop: B beats A", CONTINUE)
    else:
        critical = norm.isf(alpha / 2)
        peeking = np.where(z >= critical, "stop: B beats A",
                           np.where(z <= -critical, "stop: A beats B", CONTINUE))
    out = pd.DataFrame({"campaign": np.arange(1, campaigns + 1)})
    for name, decisions in (("monitor", monitor), ("peeking", peeking)):
        first, look = _first_stop(np.asarray(decisions, dtype=object))
        out[name] = first
        out[f"{name}_look"] = pd.array(look, dtype="Int64")
    out["sent"] = np.minimum(n_a[:, -1], n_b[:, -1])
    return out


def _first_stop(decisions: np.ndarray) -> tuple[np.ndarray, list[Any]]:
    """Per row (campaign), the first decision that is not ``continue`` and its look."""
    stopped = decisions != CONTINUE
    any_stop = stopped.any(axis=1)
    first = stopped.argmax(axis=1)
    rows = np.arange(len(decisions))
    chosen = np.where(any_stop, decisions[rows, first], CONTINUE)
    look = [int(f) + 1 if s else None for f, s in zip(first, any_stop)]
    return chosen, look

