"""The optional parts (smartlead_nb/_extras.py): on an install without them everything still
imports, and the first call that needs a missing library names the extra that brings it."""
from __future__ import annotations

import subprocess
import sys

import pytest

from smartlead_nb._extras import import_extra
from smartlead_nb.errors import InputError

# A core install, simulated: a None in sys.modules makes importing that name fail.
WITHOUT = """
import sys
for name in {blocked!r}:
    sys.modules[name] = None
import smartlead_nb as sl
from smartlead_nb import *          # the star-import works without any extra
for call in ({calls}):
    try:
        call()
    except sl.InputError as exc:
        print(type(exc).__name__, exc)
    else:
        print("no error")
"""


def _run(blocked, calls):
    code = WITHOUT.format(blocked=tuple(blocked), calls=calls)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    return out.stdout.splitlines()


def test_analysis_without_statsmodels_or_scipy_names_the_analysis_extra():
    lines = _run(["statsmodels", "scipy"], "lambda: sl.analysis.sample_size(0.05, 0.02), "
                 "lambda: sl.analysis.proportion_interval(3, 10), "
                 "lambda: sl.analysis.plot_reply_curve")
    assert lines[0] == ('InputError smartlead_nb.analysis needs statsmodels, which comes with '
                        'the \'analysis\' extra: pip install "smartlead_nb[analysis]"')
    assert lines[1].startswith("InputError smartlead_nb.analysis needs statsmodels")
    assert lines[2] == "no error"        # looking a function up needs nothing


def test_mirror_without_duckdb_names_the_mirror_extra():
    lines = _run(["duckdb"], "lambda: sl.Mirror(), ")
    assert lines == ['InputError the mirror needs duckdb, which comes with the \'mirror\' '
                     'extra: pip install "smartlead_nb[mirror]"']


def test_a_broken_library_keeps_its_own_error(tmp_path, monkeypatch):
    # installed, but one of its own imports is missing: that error says more than ours
    (tmp_path / "half_installed.py").write_text("import not_there_either\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(ModuleNotFoundError, match="not_there_either"):
        import_extra("half_installed", "analysis", "this test")
    with pytest.raises(InputError, match=r'pip install "smartlead_nb\[analysis\]"'):
        import_extra("not_installed_at_all", "analysis", "this test")
