"""The transport knows nothing above it: it does not import ``replay``, and building one has no
side effects (no printing, no environment writes), even with a cassette switched on."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import smartlead_nb._transport as transport_module

SCRIPT = r"""
import json, os, sys
before = dict(os.environ)
from smartlead_nb._transport import Transport
t = Transport("http://127.0.0.1:9/api/v1", "example-key-0000")
print(json.dumps({"env_same": dict(os.environ) == before, "limited": t.rate_limit is not None,
                  "replay_loaded": "smartlead_nb.replay" in sys.modules}))
"""


def test_the_transport_module_does_not_import_replay():
    tree = ast.parse(Path(transport_module.__file__).read_text(encoding="utf-8"))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                for alias in node.names} | {node.module or "" for node in ast.walk(tree)
                                            if isinstance(node, ast.ImportFrom)}
    assert "replay" not in imported and not any(m.endswith("replay") for m in imported)


def test_building_a_transport_prints_nothing_and_leaves_the_environment_alone(tmp_path):
    cassette = tmp_path / "c.yaml"
    cassette.write_text("interactions: []\n")
    env = {**os.environ, "SMARTLEAD_NB_CASSETTE": str(cassette)}
    proc = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines() == [
        '{"env_same": true, "limited": false, "replay_loaded": false}']
