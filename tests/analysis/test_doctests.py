"""Every analysis module's ``>>>`` examples run (so the README's test command covers them)."""

import doctest
import importlib
import pkgutil

import matplotlib
import pytest

import smartlead_nb.analysis as analysis

matplotlib.use("Agg")   # the plot helpers' examples draw; no display in a test run

MODULES = ["smartlead_nb.analysis"] + [
    f"smartlead_nb.analysis.{m.name}" for m in pkgutil.iter_modules(analysis.__path__)]


@pytest.mark.parametrize("name", MODULES)
def test_module_examples_run(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} doctest(s) failed in {name}"


def test_every_public_function_has_an_example():
    for name in analysis.__all__:
        value = getattr(analysis, name)
        if callable(value):
            assert ">>>" in (value.__doc__ or ""), f"{name} has no >>> example"
