"""Fixtures: a sandbox per test on a temporary SQLite file, and a thin HTTP helper."""
from __future__ import annotations

import pytest

from smartlead_nb.sandbox import Sandbox

from ..helpers.sandbox import START, Api


@pytest.fixture
def sandbox(tmp_path):
    with Sandbox(db_path=tmp_path / "sandbox.sqlite3", rate_limits=None,
                 start_time=START) as sb:
        yield sb


@pytest.fixture
def api(sandbox) -> Api:
    return Api(sandbox)
