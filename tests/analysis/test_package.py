"""The analysis module is an extra: light to import around, reachable as ``sl.analysis``."""

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def fresh(code):
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, check=True).stdout.strip()


def test_import_smartlead_nb_loads_no_statistics():
    loaded = fresh("import sys, smartlead_nb; print(sorted(m for m in sys.modules "
                   "if m.split('.')[0] in ('statsmodels', 'scipy', 'matplotlib') "
                   "or m == 'smartlead_nb.analysis'))")
    assert loaded == "[]"


def test_analysis_is_a_lazy_attribute_and_itself_defers_statsmodels():
    out = fresh("import sys, smartlead_nb as sl; f = sl.analysis.compare_variants; "
                "print('analysis' in dir(sl), 'statsmodels' in sys.modules)")
    assert out == "True False"     # statsmodels loads when a function first needs it


def test_notebook_extra_includes_the_analysis_extra():
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    assert any(d.startswith("statsmodels>=0.14,<0.15") for d in extras["analysis"])
    assert {"scipy", "matplotlib"} <= {d.split(">")[0].split("=")[0] for d in extras["analysis"]}
    assert "smartlead_nb[analysis]" in extras["notebook"]
