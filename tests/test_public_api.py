"""The top-level namespace: what a newcomer sees with ``sl.<TAB>``."""

import inspect

import smartlead_nb as sl
from smartlead_nb import errors


def test_tab_completion_shows_the_public_api_only():
    assert dir(sl) == sorted([*sl.__all__, "__version__"])
    assert {"analysis", "webhooks"} <= set(sl.__all__)
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


def _public_callables():
    """(qualified name, function) for every public function and every public method, property
    and constructor of the public classes (their bases inside the package included)."""
    for name in sl.__all__:
        obj = getattr(sl, name)
        if inspect.isfunction(obj):
            yield name, obj
        elif inspect.isclass(obj):
            for klass in obj.__mro__:
                if not klass.__module__.startswith("smartlead_nb"):
                    continue
                for attr, member in vars(klass).items():
                    if attr.startswith("_") and attr != "__init__":
                        continue
                    if isinstance(member, property):
                        member = member.fget
                    member = getattr(member, "__func__", member)  # classmethod, staticmethod
                    if inspect.isfunction(member):
                        yield f"{klass.__name__}.{attr}", member


def test_public_signatures_are_complete():
    """Every parameter and every return of the public API is annotated, so an IDE (and a type
    checker, through py.typed) can tell a newcomer what to pass and what comes back."""
    missing = set()
    for qualname, function in _public_callables():
        signature = inspect.signature(function)
        missing |= {f"{qualname}({p})" for p, param in signature.parameters.items()
                    if p not in ("self", "cls") and param.annotation is inspect.Parameter.empty}
        if signature.return_annotation is inspect.Signature.empty:
            missing.add(f"{qualname} -> ?")
    assert not missing, sorted(missing)


def test_client_parameters_name_the_client_class():
    """``client`` is a SmartleadClient wherever the public API takes one (imported for type
    checkers only, so importing the plan or the uploader still loads no HTTP stack)."""
    import typing

    takes_client = [(qualname, function) for qualname, function in _public_callables()
                    if "client" in inspect.signature(function).parameters]
    assert {"upload_leads", "CampaignPlan.check", "CampaignPlan.launch"} <= dict(takes_client).keys()
    for qualname, function in takes_client:
        annotation = inspect.signature(function).parameters["client"].annotation
        if isinstance(annotation, str):  # postponed (from __future__ import annotations)
            annotation = eval(annotation, vars(inspect.getmodule(function)) | {"SmartleadClient": sl.SmartleadClient})
        assert sl.SmartleadClient in (annotation, *typing.get_args(annotation)), qualname


def test_the_package_says_it_is_typed():
    from pathlib import Path

    assert (Path(sl.__file__).parent / "py.typed").is_file()


USER_CODE = """
import smartlead_nb as sl
from smartlead_nb import (Campaign, CampaignPlan, InputError, Schedule, SmartleadClient, connect,
                          upload_leads)
from smartlead_nb.analysis import compare_variants


def main() -> None:
    client: SmartleadClient = connect()
    camp: Campaign = client.campaigns.create("Q1")
    plan = CampaignPlan("Q1", schedule=Schedule("UTC"))
    print(camp.id + 1, camp.status, plan, sl.STANDARD, InputError, upload_leads, compare_variants)
"""


def test_a_users_strict_type_check_accepts_the_exports(tmp_path):
    """``mypy --strict`` on a user's file (the package itself is not checked here: imports are
    followed silently, as for an installed library) finds every name ``smartlead_nb`` exports,
    and the types of the services and the handle."""
    import subprocess
    import sys
    import tempfile
    from pathlib import Path

    pytest = __import__("pytest")
    pytest.importorskip("mypy")
    user = tmp_path / "user.py"
    user.write_text(USER_CODE)
    cache = Path(tempfile.gettempdir()) / "smartlead_nb-mypy-cache"   # warm after a first run
    out = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--follow-imports=silent",
                          "--cache-dir", str(cache), str(user)],
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stdout + out.stderr
    # and the names carry their real types (not Any): a wrong use of them is an error
    user.write_text(USER_CODE + "\nwrong: int = connect\nalso_wrong: str = Campaign.id\n")
    out = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--follow-imports=silent",
                          "--cache-dir", str(cache), str(user)],
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 1 and out.stdout.count("Incompatible types in assignment") == 2, \
        out.stdout
