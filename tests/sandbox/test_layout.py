"""The sandbox's shape, checked from its source: each group's routes point at thin handlers,
only models touch the tables (each table written by one model), models and the store know no
HTTP, the simulation calls models only, and the package uses the standard library alone."""
from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import pytest

from smartlead_nb.sandbox import server

SANDBOX = Path(server.__file__).parent
GROUPS = sorted(p.parent.name for p in SANDBOX.glob("*/routes.py"))
MAX_HANDLER_LINES = 40
# What the store writes itself: its meta (clock, identity) and the rows a new database is
# seeded with; the block list's triggers keep ``suppressions`` in step with ``block_list``.
STORE_WRITES = {"meta", "sqlite_sequence", "categories", "block_list", "suppressions",
                "email_accounts"}
_WRITE = re.compile(r"\b(?:INSERT(?:\s+OR\s+\w+)?\s+INTO|UPDATE|DELETE\s+FROM)\s+(\{?\w+)")


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"))


def _modules() -> list[Path]:
    return sorted(SANDBOX.rglob("*.py"))


def _name(path: Path) -> str:
    return path.relative_to(SANDBOX).as_posix()


def handler_lengths(routes) -> dict[str, int]:
    """``{"group.handler": lines}`` for every handler a routes table names."""
    out = {}
    for _, _, handler in routes:
        source = Path(sys.modules[handler.__module__].__file__)
        for node in ast.walk(_tree(source)):
            if isinstance(node, ast.FunctionDef) and node.name == handler.__name__:
                group = handler.__module__.split(".")[-2]
                out[f"{group}.{node.name}"] = node.end_lineno - node.lineno + 1
    return out


def written_tables(source: str) -> set[str]:
    """The tables the SQL in ``source``'s string literals writes (``{...}``: a name not
    known until run time)."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            found |= set(_WRITE.findall(node.value))
        elif isinstance(node, ast.JoinedStr):
            text = "".join(v.value if isinstance(v, ast.Constant) else "{x}"
                           for v in node.values)
            found |= set(_WRITE.findall(text))
    return found - {"SET"}


def _imports(path: Path) -> list[tuple[int, str]]:
    """``(level, dotted name)`` of every import in the module, names included."""
    out = []
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.Import):
            out += [(0, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            out += [(node.level, f"{base}.{alias.name}".strip(".")) for alias in node.names]
    return out


def _resolved(path: Path, level: int, name: str) -> str:
    """An import as a path inside the sandbox (``leads.models``), or the absolute name."""
    if level == 0:
        return name
    package = list(path.relative_to(SANDBOX).parent.parts)
    package = package[:len(package) - (level - 1)] if level > 1 else package
    return ".".join([*package, name])


# --- the tests -------------------------------------------------------------------------------
def test_every_group_has_routes_handlers_and_models():
    assert len(GROUPS) >= 10
    for group in GROUPS:
        assert {"routes.py", "handlers.py", "models.py", "__init__.py"} <= \
            {p.name for p in (SANDBOX / group).iterdir()}, group


def test_routes_point_at_their_own_groups_handlers_once():
    seen = {}
    for group in server.GROUP_ROUTES:
        name = group.__name__.split(".")[-2]
        for methods, pattern, handler in group.ROUTES:
            assert handler.__module__ == f"smartlead_nb.sandbox.{name}.handlers", \
                (pattern, handler.__module__)
            for method in methods.split():
                assert (method, pattern) not in seen, (method, pattern, seen.get((method, pattern)))
                seen[(method, pattern)] = name


def test_no_handler_is_longer_than_forty_lines():
    routes = [r for group in server.GROUP_ROUTES for r in group.ROUTES]
    lengths = handler_lengths(routes)
    assert len(lengths) >= 70
    assert {h: n for h, n in lengths.items() if n > MAX_HANDLER_LINES} == {}


def test_handlers_run_no_sql_and_call_no_handler():
    """Handlers reach the tables through models only, and never call a handler (their own
    group's or another's)."""
    handler_names = {h.__name__ for group in server.GROUP_ROUTES for _, _, h in group.ROUTES}
    for group in GROUPS:
        path = SANDBOX / group / "handlers.py"
        for node in ast.walk(_tree(path)):
            if isinstance(node, ast.Attribute):
                assert node.attr not in ("conn", "execute", "executemany", "transaction"), \
                    f"{group}/handlers.py:{node.lineno} uses .{node.attr}"
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert node.func.id not in handler_names, \
                    f"{group}/handlers.py:{node.lineno} calls the handler {node.func.id}"
        assert not [n for _, n in _imports(path) if n.endswith("handlers") or ".handlers." in n]


def test_only_models_write_and_each_table_has_one_model():
    writers: dict[str, set[str]] = {}
    for path in _modules():
        for table in written_tables(path.read_text(encoding="utf-8")):
            writers.setdefault(table, set()).add(_name(path))
    store = {t for t, mods in writers.items() if "store.py" in mods}
    assert store <= STORE_WRITES
    models = {t: {m for m in mods if m != "store.py"} for t, mods in writers.items()}
    assert {t: mods for t, mods in models.items() if any(
        not m.endswith("/models.py") or "{" in t for m in mods)} == {}
    assert {t: mods for t, mods in models.items() if len(mods) > 1} == {}
    assert len([t for t, mods in models.items() if mods]) >= 18


def test_models_and_the_store_know_no_http():
    for path in _modules():
        name = _name(path)
        if not (name.endswith("/models.py") or name in ("store.py", "simulation.py")):
            continue
        for level, imported in _imports(path):
            target = _resolved(path, level, imported)
            assert not re.search(r"(^|\.)(routing|server|handlers|routes|validate)(\.|$)",
                                 target), f"{name} imports {target}"


def test_models_call_models_only_downwards():
    """No circle among the models: the imports between group models form a DAG."""
    graph = {}
    for group in GROUPS:
        path = SANDBOX / group / "models.py"
        graph[group] = {_resolved(path, lv, n).split(".")[0] for lv, n in _imports(path)
                        if lv and _resolved(path, lv, n).split(".")[0] in GROUPS} - {group}
    done: set[str] = set()

    def visit(group, trail):
        assert group not in trail, " -> ".join([*trail, group])
        if group not in done:
            for nxt in graph[group]:
                visit(nxt, [*trail, group])
            done.add(group)
    for group in GROUPS:
        visit(group, [])


def test_the_simulation_calls_models_only():
    path = SANDBOX / "simulation.py"
    assert written_tables(path.read_text(encoding="utf-8")) == set()
    source = path.read_text(encoding="utf-8")
    assert not re.search(r"\bSELECT\b|\.conn\b|\.execute", source)
    groups_used = {_resolved(path, lv, n) for lv, n in _imports(path) if lv}
    assert {g for g in groups_used if g.split(".")[0] in GROUPS} == \
        {g for g in groups_used if g.endswith(".models")}


def test_the_sandbox_uses_the_standard_library_and_itself_only():
    for path in _modules():
        for level, name in _imports(path):
            if level == 0:
                top = name.split(".")[0]
                assert top in sys.stdlib_module_names, f"{_name(path)} imports {name}"


# --- the checks above can fail -----------------------------------------------------------------
def test_the_write_scan_sees_every_spelling():
    source = '''
x = "INSERT OR IGNORE INTO leads (a) VALUES (?)"
y = f"UPDATE campaigns SET {sets} WHERE id = ?"
z = "DELETE FROM sent_emails WHERE map_id = ?"
w = f"DELETE FROM {table} WHERE x"
v = "INSERT INTO t DO UPDATE SET a = 1"
'''
    assert written_tables(source) == {"leads", "campaigns", "sent_emails", "{x", "t"}


def test_the_length_measure_counts_a_long_handler(tmp_path, monkeypatch):
    module = tmp_path / "fake_handlers.py"
    module.write_text("def long(req):\n" + "    x = 1\n" * 45 + "    return x\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    import fake_handlers
    fake_handlers.long.__module__ = "smartlead_nb.sandbox.fake.handlers"
    monkeypatch.setitem(sys.modules, "smartlead_nb.sandbox.fake.handlers", fake_handlers)
    assert handler_lengths([("GET", "/x", fake_handlers.long)]) == {"fake.long": 47}


@pytest.mark.parametrize("level, name, expected", [
    (2, "leads.models", "leads.models"), (1, "models", "inbox.models"), (0, "json", "json")])
def test_relative_imports_resolve_inside_the_sandbox(level, name, expected):
    assert _resolved(SANDBOX / "inbox" / "handlers.py", level, name) == expected
