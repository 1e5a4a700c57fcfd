"""Every notebook runs as a newcomer runs them: one after another in ONE sandbox, then all
again, and in reverse order in another sandbox (issue 11).

``test_notebooks_sandbox.py`` gives each notebook a fresh sandbox; a newcomer's notebooks share
the one in their cache directory, so what each leaves behind is the next one's starting point
(its leads already "in another campaign", a clock already moved on, ids used up). The two
orders run side by side (two kernels at a time, one per core).
"""

from __future__ import annotations

import os
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from smartlead_nb.recorder import CASSETTE_ENV, RECORD_ENV, execute_notebook

ROOT = Path(__file__).resolve().parents[1]


def readme_order() -> list[Path]:
    """The notebooks in the order the README's table lists them (a newcomer's order)."""
    table = (ROOT / "README.md").read_text(encoding="utf-8").split("## Notebooks", 1)[1]
    names = re.findall(r"^\| `([\w-]+)` \|", table, flags=re.MULTILINE)
    return [ROOT / "notebooks" / f"{name}.ipynb" for name in names]


def test_the_readme_lists_every_notebook():
    assert sorted(p.name for p in readme_order()) == \
        sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))


def _run_in_one_sandbox(notebooks: list[Path], home: Path) -> list[str]:
    env = {k: v for k, v in os.environ.items()
           if k not in (CASSETTE_ENV, RECORD_ENV, "SMARTLEAD_API_KEY", "SMARTLEAD_BASE_URL")}
    env["SMARTLEAD_NB_SANDBOX_DB"] = str(home / "sandbox.sqlite3")
    env["SMARTLEAD_NB_CACHE_DIR"] = str(home / "cache")
    env["MPLBACKEND"] = "Agg"
    # One shared sandbox means one shared per-key budget (60 requests a minute): back to back,
    # the notebooks spend most of their time waiting for it. The windows run ten times faster
    # here; what this test checks is what each notebook leaves for the next, not the pacing.
    env["SMARTLEAD_NB_SANDBOX_TIME_SCALE"] = "0.1"
    failures = []
    for i, notebook in enumerate(notebooks):
        try:
            execute_notebook(notebook, env, timeout=180)
        except Exception as exc:   # keep going: one report names every notebook that broke
            failures.append(f"run {i + 1} ({notebook.name}): {type(exc).__name__}: "
                            f"{str(exc)[-600:]}")
    return failures


def test_notebooks_in_readme_order_twice_and_in_reverse_each_in_one_shared_sandbox(tmp_path):
    order = readme_order()
    runs = {"README order, twice": (order + order, tmp_path / "forward"),
            "reverse order": (order[::-1], tmp_path / "reverse")}
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = {name: pool.submit(_run_in_one_sandbox, nbs, home)
                   for name, (nbs, home) in runs.items()}
        failures = [f"{name}, {line}" for name, future in results.items()
                    for line in future.result()]
    assert not failures, "\n\n".join(failures)
