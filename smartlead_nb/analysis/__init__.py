"""Statistics over the frames the client returns: which variant wins, when to look, which
mailbox is drifting. Pure functions (no HTTP, no client: a notebook passes frames in);
statsmodels and scipy do the statistics.

Install with ``pip install "smartlead_nb[analysis]"`` (the ``notebook`` extra includes it).

>>> from smartlead_nb import analysis as sa
>>> [round(x, 4) for x in sa.proportion_interval(81, 263)]
[0.2553, 0.3662]
>>> sa.sample_size(0.05, 0.02)
2199
"""

from ._frames import METRICS, POSITIVE_CATEGORIES
from .curves import plot_reply_curve, reply_curve
from .health import mailbox_health, plot_mailbox_health
from .intervals import difference_interval, proportion_interval
from .monitor import monitor_variants
from .power import detectable_lift, exact_power, sample_size, sends_still_needed
from .sequential import TestPlan, plan_test, sequential_test
from .simulate import simulate_looks
from .strata import with_senders
from .variants import compare_variants

__all__ = ["proportion_interval", "difference_interval", "compare_variants", "sample_size",
           "detectable_lift", "exact_power", "sends_still_needed", "plan_test", "TestPlan",
           "monitor_variants", "sequential_test", "simulate_looks", "reply_curve",
           "plot_reply_curve", "mailbox_health", "plot_mailbox_health", "with_senders",
           "METRICS", "POSITIVE_CATEGORIES"]
