"""``frames/__init__.py`` is a map: a row for every module, and nothing else in the package's
namespace (callers import from the module that owns a function)."""

import ast
import pkgutil
import re
from pathlib import Path

import smartlead_nb.frames as frames


def mapped(doc: str) -> list[str]:
    return re.findall(r"^``(\w+)``\s", doc, re.M)


def test_every_module_has_one_row_in_the_map():
    modules = sorted(m.name for m in pkgutil.iter_modules(frames.__path__))
    rows = mapped(frames.__doc__)
    assert sorted(rows) == modules
    assert len(rows) == len(set(rows))


def test_the_package_itself_defines_and_imports_nothing():
    tree = ast.parse(Path(frames.__file__).read_text(encoding="utf-8"))
    assert len(tree.body) == 1 and isinstance(tree.body[0], ast.Expr)   # the docstring alone


def test_the_map_reader_sees_a_missing_row():
    assert mapped("``tidy``  x\n``clean``  y\n  ``emails`` inside a sentence\n") == ["tidy", "clean"]
