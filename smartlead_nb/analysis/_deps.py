"""statsmodels, scipy and matplotlib, imported when a function first needs them."""
from __future__ import annotations

from types import ModuleType

from .._extras import import_extra


def library(module: str) -> ModuleType:
    """A module of the ``analysis`` extra; a missing one says how to install it.

    >>> library("statsmodels.stats.proportion").proportion_confint.__name__
    'proportion_confint'
    """
    return import_extra(module, "analysis", "smartlead_nb.analysis")
