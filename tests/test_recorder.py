"""The recorder (``smartlead_nb.recorder``) is its own module, and finds its cassette folder
without assuming a source checkout (installed from a wheel there is no tests/cassettes)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import smartlead_nb.replay as replay_module
from smartlead_nb import recorder


def test_replay_runtime_holds_no_recorder():
    tree = ast.parse(Path(replay_module.__file__).read_text(encoding="utf-8"))
    defined = {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
    assert not defined & {"record", "execute_notebook", "kernel_manager", "main", "write_info"}
    assert {"record", "execute_notebook", "main", "default_cassette"} <= set(dir(recorder))


def test_cassette_folder_is_the_given_one_else_the_checkout_one(tmp_path, monkeypatch):
    assert recorder.default_cassette(Path("nb/02_leads.ipynb"), tmp_path) == tmp_path / "02_leads.yaml"
    checkout = recorder.checkout_cassettes()
    assert checkout is not None and checkout.name == "cassettes"   # this is a source checkout
    monkeypatch.setattr(recorder, "checkout_cassettes", lambda: None)   # as from a wheel
    with pytest.raises(SystemExit, match="pass --cassette-dir"):
        recorder.default_cassette(Path("02_leads.ipynb"))


def test_the_documented_commands_still_run():
    for module in ("smartlead_nb.replay", "smartlead_nb.recorder"):
        proc = subprocess.run([sys.executable, "-m", module, "record", "--help"],
                              capture_output=True, text=True, timeout=60)
        assert proc.returncode == 0, proc.stderr
        assert "--cassette-dir" in proc.stdout
