"""The campaign app (``notebooks/campaign_app.ipynb``) served by Voila, driven by Playwright in
Debian's Chromium.

The Voila kernel's ``sl.connect()`` is pointed at a sandbox running in this test process
(``SMARTLEAD_API_KEY`` / ``SMARTLEAD_BASE_URL`` in Voila's environment), so a test can look at
what the app sent (``sandbox.requests``) and what the sandbox now holds.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "notebooks" / "campaign_app.ipynb"

pytest.importorskip("playwright", reason="the browser tests need pytest-playwright (the test extra)")
pytest.importorskip("voila", reason="the browser tests need voila (the app extra)")


def pytest_collection_modifyitems(items):
    for item in items:
        if Path(str(item.fspath)).is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.browser)
            if not Path(CHROMIUM).exists():
                item.add_marker(pytest.mark.skip(
                    reason=f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)"))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # Debian's Chromium, never a downloaded one; --no-sandbox because CI runs as root, and the
    # background-networking flags keep it from calling out of a closed network.
    return {**browser_type_launch_args, "executable_path": CHROMIUM,
            "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--no-first-run"]}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def app_sandbox(tmp_path_factory):
    from smartlead_nb.sandbox import Sandbox

    with Sandbox(db_path=tmp_path_factory.mktemp("voila") / "sandbox.sqlite3", rate_limits=None,
                 seed=7) as sb:
        yield sb


@pytest.fixture(scope="module")
def voila_url(app_sandbox, tmp_path_factory):
    """Voila serving the notebook, its kernel talking to ``app_sandbox``."""
    port = _free_port()
    env = {**os.environ, "SMARTLEAD_API_KEY": app_sandbox.api_key,
           "SMARTLEAD_BASE_URL": app_sandbox.base_url,
           "SMARTLEAD_NB_CACHE_DIR": str(tmp_path_factory.mktemp("voila-cache"))}
    log = (tmp_path_factory.mktemp("voila-log") / "voila.log").open("w+")
    proc = subprocess.Popen(
        [sys.executable, "-m", "voila", str(NOTEBOOK), "--no-browser", f"--port={port}",
         "--Voila.ip=127.0.0.1", "--Voila.open_browser=False"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(url + "api/status", timeout=2)  # noqa: S310 - loopback
                break
            except urllib.error.HTTPError:
                break  # any HTTP answer means the server is up
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    pytest.fail(f"voila did not start:\n{log.read()[-3000:]}")
                time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
