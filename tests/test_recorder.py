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


def test_a_recorded_notebook_keeps_no_client_key(tmp_path):
    """A notebook that creates an agency client, reads its keys raw (unwrapped, straight from
    the answer), makes and resets one: neither the cassette nor the saved notebook keeps any
    of those keys, and the check finds nothing in them."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    from smartlead_nb.replay import leaks_in_file

    notebook = tmp_path / "keys.ipynb"
    nbformat.write(new_notebook(cells=[
        new_code_cell("import json, smartlead_nb as sl\nclient = sl.connect()"),
        new_code_cell("acme = client.clients.create('Acme', 'ops@acme.example')\n"
                      "made = client.clients.api_keys.create(acme['id'], 'reporting')\n"
                      "fresh = client.clients.api_keys.reset(made['data']['id'], confirm=True)\n"
                      "raw = client.request('GET', 'client/api-key')\n"
                      "print(json.dumps(raw, separators=(',', ':')))\n"
                      "print(fresh['data']['api_key'].reveal())"),
    ]), notebook)
    cassette = recorder.record(notebook, cassette=tmp_path / "keys.yaml", log=lambda *_: None)
    saved = notebook.read_text()
    assert "client/api-key/reset/" in cassette.read_text()
    shown = nbformat.reads(saved, as_version=4).cells[1].outputs[0]["text"]
    assert shown.count('"api_key":"REDACTED"') == 2 and shown.endswith("\nREDACTED\n")
    assert "sandbox_cl_" not in saved
    assert "sandbox_cl_" not in cassette.read_text()
    assert leaks_in_file(cassette) == [] and leaks_in_file(notebook) == []
