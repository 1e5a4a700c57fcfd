"""Layers only look down: the transport does not import ``replay``, building one has no side
effects (no printing, no environment writes) even with a cassette switched on, and no module
reaches into another module's private names."""

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


PACKAGE = Path(transport_module.__file__).parent


def _private_reaches(path: Path) -> list[str]:
    """``from x import _name`` of anything but a private module of the same folder, and
    ``module._name`` on a module this file imported: the ways one module leans on another's
    insides."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found, modules = [], set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules |= {(a.asname or a.name).split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            for alias in node.names:
                modules.add(alias.asname or alias.name)
                private = alias.name.startswith("_") and not alias.name.startswith("__")
                sibling_module = node.level == 1 and node.module is None and (
                    (path.parent / f"{alias.name}.py").exists())
                if private and not sibling_module:
                    found.append(f"{path.name}:{node.lineno} imports {alias.name}")
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                and node.value.id in modules and node.attr.startswith("_")
                and not node.attr.startswith("__")):
            found.append(f"{path.name}:{node.lineno} reads {node.value.id}.{node.attr}")
    return found


def test_no_module_reaches_into_another_modules_private_names():
    found = [f"{path.relative_to(PACKAGE)}: {reach}" for path in sorted(PACKAGE.rglob("*.py"))
             for reach in _private_reaches(path)]
    assert found == []


def test_the_private_reach_check_can_see_both_kinds(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("from .other import _hidden\nfrom . import stats\nstats._DATE.match('x')\n")
    assert _private_reaches(module) == ["m.py:1 imports _hidden", "m.py:3 reads stats._DATE"]
