"""Test-session set-up shared by the pytest tests and the notebooks run under nbval.

nbval starts each notebook's kernel as a child process that inherits ``os.environ`` as it is
when the kernel starts, and nbval items get no fixtures, so what notebooks need is set through
the environment (see engineering-notes A.1):

* no SmartLead key, so ``connect()`` in a notebook can never reach the real API from a test run;
* a fresh sandbox database and cache directory for this run only;
* per notebook, ``SMARTLEAD_NB_CASSETTE`` pointing at ``tests/cassettes/<notebook>.yaml``, set
  just before nbval starts that notebook's kernel, so the notebook replays its recording with
  no network and fails on any request that was not recorded. A notebook without a cassette
  runs against the sandbox instead. ``tests/test_notebooks_sandbox.py`` runs every notebook
  against a fresh sandbox as well, so cassettes and sandbox cannot drift apart unnoticed.
"""

import os
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent
CASSETTES = ROOT / "tests" / "cassettes"
CASSETTE_ENV = "SMARTLEAD_NB_CASSETTE"  # smartlead_nb.replay.CASSETTE_ENV (not imported here)

_run_dir = tempfile.mkdtemp(prefix="smartlead_nb-tests-")
os.environ.pop("SMARTLEAD_API_KEY", None)
os.environ.pop("SMARTLEAD_BASE_URL", None)
os.environ.pop(CASSETTE_ENV, None)
os.environ.pop("SMARTLEAD_NB_RECORD", None)
os.environ["SMARTLEAD_NB_SANDBOX_DB"] = os.path.join(_run_dir, "sandbox.sqlite3")
os.environ["SMARTLEAD_NB_CACHE_DIR"] = os.path.join(_run_dir, "cache")
os.environ.setdefault("MPLBACKEND", "Agg")


def cassette_for(notebook: Path) -> Path:
    return CASSETTES / f"{Path(notebook).stem}.yaml"


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Before pytest sets up an item (and so before nbval's ``IPyNbFile.setup()`` starts the
    notebook's kernel), point the environment at that notebook's cassette, or at none."""
    path = Path(str(item.path))
    if path.suffix == ".ipynb":
        cassette = cassette_for(path)
        if cassette.is_file():
            os.environ[CASSETTE_ENV] = str(cassette)
        else:
            os.environ.pop(CASSETTE_ENV, None)
    else:
        os.environ.pop(CASSETTE_ENV, None)
