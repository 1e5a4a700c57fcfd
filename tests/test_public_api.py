"""The top-level namespace: what a newcomer sees with ``sl.<TAB>``."""

import inspect

import smartlead_nb as sl
from smartlead_nb import errors


def test_tab_completion_shows_the_public_api_only():
    assert dir(sl) == sorted([*sl.__all__, "__version__", "analysis"])
    assert "analysis" not in sl.__all__    # needs the analysis extra: not in a star-import
    assert not [name for name in dir(sl) if name.startswith("_") and name != "__version__"]
    for leaked in ("Any", "TYPE_CHECKING", "annotations", "importlib"):
        assert leaked not in dir(sl)


def test_every_public_name_resolves():
    for name in sl.__all__:
        assert getattr(sl, name) is not None, name


def test_every_error_a_user_may_catch_is_exported():
    classes = {name for name, obj in vars(errors).items()
               if inspect.isclass(obj) and issubclass(obj, Exception)
               and obj.__module__ == errors.__name__}
    assert classes and classes <= set(sl.__all__), sorted(classes - set(sl.__all__))


def test_a_fresh_import_still_loads_nothing_heavy():
    import subprocess
    import sys

    code = ("import sys, smartlead_nb as sl; dir(sl); "
            "print(sorted(m for m in ('pandas', 'requests', 'ipywidgets') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
