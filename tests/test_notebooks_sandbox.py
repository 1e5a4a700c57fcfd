"""Every notebook runs top to bottom against a fresh sandbox, with no key and no cassette.

nbval replays the notebooks from their cassettes; this test makes sure the same notebooks still
work against the sandbox as it is today, so a recording and the sandbox cannot drift apart
unnoticed (re-record with ``python -m smartlead_nb.replay record <notebook>`` when they do).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from smartlead_nb.recorder import CASSETTE_ENV, RECORD_ENV, execute_notebook

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_against_a_fresh_sandbox(notebook, tmp_path):
    env = {k: v for k, v in os.environ.items()
           if k not in (CASSETTE_ENV, RECORD_ENV, "SMARTLEAD_API_KEY", "SMARTLEAD_BASE_URL")}
    env["SMARTLEAD_NB_SANDBOX_DB"] = str(tmp_path / "sandbox.sqlite3")
    env["SMARTLEAD_NB_CACHE_DIR"] = str(tmp_path / "cache")
    env["MPLBACKEND"] = "Agg"
    nb = execute_notebook(notebook, env, timeout=180)   # raises CellExecutionError on failure
    assert Path(env["SMARTLEAD_NB_SANDBOX_DB"]).is_file()      # it really used a sandbox
    first = next(c for c in nb.cells if c.cell_type == "code")
    shown = "".join(o.get("text", "") for o in first.outputs)
    assert "replaying" not in shown
    if notebook.stem != "campaign_app":   # the app says "Practice mode" in its page instead
        assert "uses the local sandbox" in shown
