"""Layers only look down, read from the source (every import, a function's own and one for
type checkers only included): the uploader sits below the services and the mirror, the services
below the client, the frames below both; and the package's imports draw no circle (issue 21)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import smartlead_nb

PACKAGE = Path(smartlead_nb.__file__).parent
ROOT = "smartlead_nb"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in PACKAGE.rglob("*.py")}


def imports_of(name: str, source: str | None = None) -> set[str]:
    """The package modules ``name`` imports, however and wherever in the file."""
    path = MODULES.get(name)
    tree = ast.parse(source if source is not None else path.read_text(encoding="utf-8"))
    package = name.split(".") if path is not None and path.name == "__init__.py" \
        else name.split(".")[:-1]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package[:len(package) - node.level + 1]
                                + ([node.module] if node.module else []))
            for alias in node.names:
                whole = f"{base}.{alias.name}"
                found.add(whole if whole in MODULES else base)
    # importing a submodule loads the package root too; the root's imports are lazy
    return {m for m in found if m in MODULES and m not in (name, ROOT)}


GRAPH = {name: imports_of(name) for name in MODULES}


def in_layer(module: str, *prefixes: str) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def reaches(start: str, targets: tuple[str, ...],
            graph: dict[str, set[str]] = GRAPH) -> list[list[str]]:
    """Import paths from ``start`` to a module of ``targets``, through any module."""
    paths, seen, todo = [], {start}, [[start]]
    while todo:
        path = todo.pop()
        for nxt in sorted(graph[path[-1]]):
            if in_layer(nxt, *targets):
                paths.append(path + [nxt])
            elif nxt not in seen:
                seen.add(nxt)
                todo.append(path + [nxt])
    return paths


ABOVE_THE_SERVICES = (f"{ROOT}.client", f"{ROOT}.plan", f"{ROOT}.launch_state",
                      f"{ROOT}.forecast", f"{ROOT}._connect", f"{ROOT}.widgets", f"{ROOT}.mirror",
                      f"{ROOT}.webhooks", f"{ROOT}.analysis", f"{ROOT}.replay", f"{ROOT}.recorder")


def test_the_reader_sees_every_kind_of_import():
    source = ("from . import errors\nfrom .frames import leads as fl\nimport smartlead_nb.journal\n"
              "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .client import X\n"
              "def f():\n    from .resources.leads import LeadsService\n")
    assert imports_of(f"{ROOT}.upload", source) == {
        f"{ROOT}.errors", f"{ROOT}.frames.leads", f"{ROOT}.journal", f"{ROOT}.client",
        f"{ROOT}.resources.leads"}


def test_the_uploader_imports_no_service_no_client_and_no_mirror():
    """``skip_contacted`` takes anything with a mirror's ``contacted()`` (a protocol), so the
    uploader needs nothing from mirror/."""
    assert reaches(f"{ROOT}.upload", (f"{ROOT}.resources", *ABOVE_THE_SERVICES)) == []


def test_the_path_finder_follows_imports_through_other_modules():
    graph = {"low": {"mid"}, "mid": {"high.part"}, "high.part": set(), "other": {"high.part"}}
    assert reaches("low", ("high",), graph) == [["low", "mid", "high.part"]]
    assert reaches("other", ("low",), graph) == []


# (lower, upper): no module of the lower part imports the upper one, directly or through any
# other module. A package's command line (its __main__) sits above everything and is left out.
BELOW = [
    (f"{ROOT}.upload", f"{ROOT}.mirror"),             # skip_contacted takes a ContactHistory
    (f"{ROOT}.frames", f"{ROOT}.mirror"),             # what both say of a contacted frame
    (f"{ROOT}.replay", f"{ROOT}.recorder"),           # replay/__main__.py runs the recorder
    (f"{ROOT}.mirror.campaign", f"{ROOT}.mirror.sync"),   # a campaign reads a SyncRun protocol
]


@pytest.mark.parametrize("lower, upper", BELOW)
def test_a_lower_part_never_reaches_the_part_above(lower, upper):
    parts = [m for m in MODULES if in_layer(m, lower) and not m.endswith(".__main__")]
    assert parts
    upward = [path for m in parts for path in reaches(m, (upper,))]
    assert upward == [], " / ".join(" -> ".join(path) for path in upward)


def test_the_services_call_the_uploader_never_the_reverse():
    assert f"{ROOT}.upload" in GRAPH[f"{ROOT}.resources.leads"]
    assert not [m for m in GRAPH[f"{ROOT}.upload"] if in_layer(m, f"{ROOT}.resources")]


@pytest.mark.parametrize("service", sorted(m for m in MODULES if in_layer(m, f"{ROOT}.resources")))
def test_a_service_module_looks_only_down(service):
    upward = [m for m in GRAPH[service] if in_layer(m, *ABOVE_THE_SERVICES)]
    assert upward == [], f"{service} imports {upward}"


@pytest.mark.parametrize("frame", sorted(m for m in MODULES if in_layer(m, f"{ROOT}.frames")))
def test_the_frames_know_no_http(frame):
    upward = [m for m in GRAPH[frame] if in_layer(m, f"{ROOT}.resources", f"{ROOT}.upload",
                                                  f"{ROOT}._transport", *ABOVE_THE_SERVICES)]
    assert upward == [], f"{frame} imports {upward}"


def test_a_service_calls_no_other_service_module_but_its_own_parts():
    """Shared code lives in resources/_base.py; a service module imports another only to
    hang it below itself as a sub-service (campaigns.subsequences, email_accounts.warmup)."""
    nested = {"campaigns": {"email_accounts", "leads", "sequences", "statistics",
                            "subsequences", "webhooks"},
              "email_accounts": {"warmup"}, "leads": {"global_leads"},
              "statistics": {"lead_statistics", "mailbox_statistics"}, "inbox": {"replies"}}
    for module in (m for m in MODULES if in_layer(m, f"{ROOT}.resources")):
        own = module.rsplit(".", 1)[-1]
        others = {m.rsplit(".", 1)[-1] for m in GRAPH[module]
                  if in_layer(m, f"{ROOT}.resources")} - {"_base", "confirm"}
        assert others <= nested.get(own, set()), (module, others)


def circles(graph: dict[str, set[str]]) -> list[set[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    out: list[set[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = set()
            while True:
                w = stack.pop()
                component.add(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(component)

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_the_circle_finder_finds_one():
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [{"a", "b", "c"}]


def test_the_package_imports_draw_no_circle():
    assert circles(GRAPH) == []
