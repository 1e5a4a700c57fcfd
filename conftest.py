"""Test-session set-up shared by the pytest tests and the notebooks run under nbval.

nbval starts each notebook's kernel as a child process that inherits ``os.environ`` as it is
when the kernel starts, and nbval items get no fixtures, so what notebooks need is set here, at
import time (see engineering-notes A.1):

* no SmartLead key, so ``connect()`` in a notebook uses the sandbox and can never reach the
  real API from a test run;
* a fresh sandbox database and cache directory for this run only.
"""

import os
import tempfile

_run_dir = tempfile.mkdtemp(prefix="smartlead_nb-tests-")
os.environ.pop("SMARTLEAD_API_KEY", None)
os.environ.pop("SMARTLEAD_BASE_URL", None)
os.environ["SMARTLEAD_NB_SANDBOX_DB"] = os.path.join(_run_dir, "sandbox.sqlite3")
os.environ["SMARTLEAD_NB_CACHE_DIR"] = os.path.join(_run_dir, "cache")
os.environ.setdefault("MPLBACKEND", "Agg")
