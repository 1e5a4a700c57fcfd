"""The recorder: run notebooks against a fresh sandbox (or SmartLead) and save their traffic.

One cassette per notebook, recorded with the vcrpy configuration replay uses
(:func:`smartlead_nb.replay.vcr_config`), then the notebook is replayed from it and those
outputs are saved into the notebook, so what a reader sees is what nbval checks::

    python -m smartlead_nb.replay record notebooks/02_leads_from_csv.ipynb      # sandbox
    python -m smartlead_nb.recorder record --cassette-dir my/cassettes my.ipynb
    SMARTLEAD_API_KEY=... python -m smartlead_nb.replay record --target live notebooks/*.ipynb
    python -m smartlead_nb.replay check           # scan cassettes and notebooks for keys

``check`` looks in every place the recorder writes (see :func:`smartlead_nb.replay.leaks_in_file`),
for key fields, sandbox keys, and ``SMARTLEAD_API_KEY`` when it is set, in any spelling.

Cassettes go to ``--cassette-dir``; without it, to ``tests/cassettes`` of the source checkout
this module runs from, when there is one (installed from a wheel there is none, and the
folder must be given). Needs the ``test`` extra (vcrpy, nbclient, ipykernel).
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

from ._redact import redacted_errors, register_secret
from .replay import (CASSETTE_ENV, RECORD_ENV, RECORD_SANDBOX_ENV, INFO_KEY,  # noqa: F401
                     leaks_in_file)

def write_info(cassette: Path, **info: Any) -> None:
    """Put a short header and the ``smartlead_nb:`` block at the top of a recorded cassette."""
    text = cassette.read_text(encoding="utf-8")
    text = re.sub(rf"\A(#.*\n)*{INFO_KEY}:\n(  .*\n)*", "", text)
    lines = ["# Recorded by `python -m smartlead_nb.replay record`; replay with",
             f"# {CASSETTE_ENV}=<this file>. The key is scrubbed; 429s and 5xx are not kept.",
             f"{INFO_KEY}:"]
    lines += [f"  {k}: {v}" for k, v in info.items()]
    cassette.write_text("\n".join(lines) + "\n" + text, encoding="utf-8")



RECORD_PORT = 18765                       # fixed, so recorded URLs do not change between runs
RECORD_SEED = 0
RECORD_START = "2026-01-05T08:00:00+00:00"  # a Monday morning, UTC


def checkout_cassettes() -> Path | None:
    """``tests/cassettes`` of the source checkout this package runs from, if it is one.

    Installed from a wheel the package sits in site-packages with no tests beside it, so
    there is no such folder and the recorder must be told where cassettes go.
    """
    folder = Path(__file__).resolve().parents[1] / "tests" / "cassettes"
    return folder if folder.is_dir() else None


def default_cassette(notebook: Path, cassette_dir: Path | None = None) -> Path:
    """Where ``notebook``'s cassette goes: ``<cassette_dir>/<notebook name>.yaml``."""
    base = cassette_dir or checkout_cassettes()
    if base is None:
        raise SystemExit("no cassette folder: pass --cassette-dir (this is not a source "
                         "checkout with tests/cassettes)")
    return Path(base) / f"{Path(notebook).stem}.yaml"


def kernel_manager():
    """A kernel manager for this interpreter's ipykernel (like nbval's --nbval-current-env)."""
    import ipykernel.kernelspec
    from jupyter_client import KernelManager
    from jupyter_client.kernelspec import KernelSpec, KernelSpecManager

    class CurrentEnv(KernelSpecManager):
        def get_kernel_spec(self, kernel_name):
            return KernelSpec(resource_dir=ipykernel.kernelspec.RESOURCES,
                              **ipykernel.kernelspec.get_kernel_dict())

    return KernelManager(kernel_name="python3", kernel_spec_manager=CurrentEnv())


def execute_notebook(path: Path, env: dict[str, str], timeout: int = 300):
    """Run a notebook top to bottom in a fresh kernel with ``env``; return the executed node."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, km=kernel_manager(), timeout=timeout, record_timing=False,
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute(env=env, cwd=str(path.parent))
    return nb


def _kernel_env(**extra: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in (CASSETTE_ENV, RECORD_ENV, RECORD_SANDBOX_ENV, "MPLBACKEND")}
    for k, v in extra.items():
        if v is None:
            env.pop(k, None)
        else:
            env[k] = v
    return env


@redacted_errors
def record(notebook: Path, *, target: str = "sandbox", cassette: Path | None = None,
           write_outputs: bool = True, log=print) -> Path:
    """Record ``notebook``'s traffic into a cassette, then replay it and save the outputs.

    The cassette and the saved notebook are checked with :func:`leaks_in_file` for the key
    used (in any spelling), key fields and sandbox keys; one with a hit is not kept.
    """
    from datetime import datetime
    import secrets as _secrets

    notebook = Path(notebook).resolve()
    cassette = (cassette or default_cassette(notebook)).resolve()
    cassette.parent.mkdir(parents=True, exist_ok=True)
    if cassette.exists():
        cassette.unlink()
    work = Path(tempfile.mkdtemp(prefix="smartlead_nb-record-"))
    canary = "rec-" + _secrets.token_hex(12)   # the sandbox key: must not survive scrubbing
    register_secret(canary)   # an error here shows it REDACTED, and no frame keeps it
    sandbox = None
    try:
        if target == "sandbox":
            from .sandbox import Sandbox

            start = datetime.fromisoformat(RECORD_START)
            for port in (RECORD_PORT, 0):
                try:
                    sandbox = Sandbox(db_path=work / "sandbox.sqlite3", api_key=canary, port=port,
                                      rate_limits=None, seed=RECORD_SEED, start_time=start).start()
                    break
                except OSError:
                    if port == 0:
                        raise
            assert sandbox is not None   # the loop above either started one or raised
            base_url = sandbox.base_url
            env = _kernel_env(**{RECORD_ENV: str(cassette), RECORD_SANDBOX_ENV: base_url,
                                 "SMARTLEAD_API_KEY": canary, "SMARTLEAD_BASE_URL": None,
                                 "SMARTLEAD_NB_CACHE_DIR": str(work / "cache")})
        elif target == "live":
            from .client import BASE_URL_ENV, DEFAULT_BASE_URL, KEY_ENV

            if not os.environ.get(KEY_ENV):
                raise SystemExit(f"--target live needs {KEY_ENV} set")
            canary = os.environ[KEY_ENV]
            register_secret(canary)
            base_url = os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL
            env = _kernel_env(**{RECORD_ENV: str(cassette),
                                 "SMARTLEAD_NB_CACHE_DIR": str(work / "cache")})
        else:
            raise SystemExit(f"--target must be sandbox or live, not {target!r}")
        log(f"recording {notebook.name} against the {target} at {base_url} ...")
        execute_notebook(notebook, env)
    finally:
        if sandbox is not None:
            sandbox.stop()
    if not cassette.exists():
        raise SystemExit(f"{notebook.name} made no HTTP requests; no cassette written")
    write_info(cassette, target=target, base_url=base_url)
    leaks = leaks_in_file(cassette, (canary,))
    if leaks:
        cassette.unlink()
        raise SystemExit(f"{cassette.name} contained key-like text ({len(leaks)} hits); deleted it")
    log(f"  wrote {_shown(cassette)}; replaying it ...")
    replayed = execute_notebook(notebook, _kernel_env(**{CASSETTE_ENV: str(cassette),
                                                         "SMARTLEAD_API_KEY": None}))
    if write_outputs:
        import nbformat

        for cell in replayed.cells:   # timings from an earlier run would only add noise
            cell.metadata.pop("execution", None)
        # Widget state is never saved: it can hold what a form was given (keys, uploads).
        replayed.metadata.pop("widgets", None)
        text = nbformat.writes(replayed) + "\n"
        draft = notebook.with_name(f".{notebook.name}.checking")
        draft.write_text(text, encoding="utf-8")
        leaks = leaks_in_file(draft, (canary,))
        if leaks:
            draft.unlink()
            raise SystemExit(f"the replayed {notebook.name} shows key-like text; not saved")
        draft.replace(notebook)
        log(f"  saved the replayed outputs into {_shown(notebook)}")
    return cassette


def check(paths: list[Path], secrets: tuple[str, ...] = ()) -> int:
    """Print every key-like text in the given files; return how many files had one.

    Besides ``secrets``, the key in ``SMARTLEAD_API_KEY`` (when set) is searched for in any
    spelling; a hit is shown by its first characters only.
    """
    from .client import KEY_ENV

    known = (*secrets, os.environ.get(KEY_ENV, ""))
    bad = 0
    for path in paths:
        leaks = leaks_in_file(path, known)
        if leaks:
            bad += 1
            print(f"{path}: {len(leaks)} key-like text(s), e.g. {leaks[0][:12]}...")
    return bad


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def main(argv: list[str] | None = None) -> int:
    import argparse

    p = argparse.ArgumentParser(prog="python -m smartlead_nb.replay",
                                description="Record notebooks' SmartLead traffic as cassettes, "
                                            "or check files for leaked keys.")
    sub = p.add_subparsers(dest="command", required=True)
    r = sub.add_parser("record", help="run notebooks, save tests/cassettes/<name>.yaml and "
                                      "the replayed outputs")
    r.add_argument("notebooks", nargs="+", type=Path)
    r.add_argument("--target", choices=("sandbox", "live"), default="sandbox",
                   help="sandbox (default: a fresh one, fixed seed and clock) or live "
                        "(SmartLead itself; needs SMARTLEAD_API_KEY; really sends!)")
    r.add_argument("--cassette-dir", "--cassettes", type=Path, default=None,
                   help="folder for the cassettes (default: tests/cassettes of the source "
                        "checkout, when there is one)")
    r.add_argument("--no-outputs", action="store_true",
                   help="do not write the replayed outputs back into the notebook")
    c = sub.add_parser("check", help="scan cassettes and notebooks for key-like text")
    c.add_argument("paths", nargs="*", type=Path)
    args = p.parse_args(argv)
    if args.command == "record":
        for nb in args.notebooks:
            record(nb, target=args.target, cassette=default_cassette(nb, args.cassette_dir),
                   write_outputs=not args.no_outputs)
        return 0
    cassettes = checkout_cassettes()
    if args.paths:
        paths = args.paths
    elif cassettes is not None:
        paths = [*sorted(cassettes.glob("*.yaml")),
                 *sorted((cassettes.parents[1] / "notebooks").glob("*.ipynb"))]
    else:
        raise SystemExit("nothing to check: give the files (this is not a source checkout)")
    return 1 if check(paths) else 0


if __name__ == "__main__":
    sys.exit(main())
