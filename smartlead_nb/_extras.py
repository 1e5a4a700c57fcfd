"""The optional parts of smartlead_nb and what a missing one says.

The core install is requests and pandas. ``analysis`` (statsmodels, scipy, matplotlib) and
``mirror`` (DuckDB) are extras: their modules import them on first use, through
:func:`import_extra`, so ``import smartlead_nb.analysis`` works everywhere and a call that
needs a missing library says which extra brings it.
"""
from __future__ import annotations

import importlib
from types import ModuleType

from .errors import InputError


def import_extra(module: str, extra: str, feature: str) -> ModuleType:
    """``module`` imported, or an InputError naming the extra that installs it.

    >>> import_extra("json", "analysis", "this example").__name__
    'json'
    >>> import_extra("no_such_module_here", "analysis", "this example")
    Traceback (most recent call last):
    ...
    smartlead_nb.errors.InputError: this example needs no_such_module_here, which comes with the 'analysis' extra: pip install "smartlead_nb[analysis]"
    """
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        top = module.split(".")[0]
        if exc.name is not None and exc.name.split(".")[0] != top:
            raise          # the library is there but broken: its own error says more
        raise InputError(f"{feature} needs {top}, which comes with the {extra!r} extra: "
                         f'pip install "smartlead_nb[{extra}]"') from None
