"""The package type-checks: mypy, with pyproject.toml's settings and pandas', requests',
PyYAML's and tqdm's stubs, finds no error in smartlead_nb (bodies of unannotated functions
included, ``--check-untyped-defs``).

It runs in the README's test command, hence in CI: a change that breaks a type fails here with
mypy's own list. mypy keeps its cache in the checkout's ``.mypy_cache`` (about 15 s cold, a
second or two warm; mypy ignores the folder for git itself).
"""

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
COMMAND = [sys.executable, "-m", "mypy", "smartlead_nb", "--check-untyped-defs"]


def mypy_errors(output: str) -> list[str]:
    """The ``path:line: error: ...`` lines of mypy's output (not its notes or summary)."""
    return [line for line in output.splitlines() if re.match(r"[^:\s]+\.py:\d+: error: ", line)]


@pytest.mark.slow
def test_mypy_finds_no_error_in_the_package():
    result = subprocess.run(COMMAND, cwd=ROOT, capture_output=True, text=True)
    output = result.stdout + result.stderr
    errors = mypy_errors(output)
    # Both: a crash or a bad setting exits non-zero without printing any "error:" line.
    if result.returncode != 0 or errors:
        pytest.fail(f"`python {' '.join(COMMAND[1:])}` found {len(errors)} error(s) "
                    f"(exit status {result.returncode}):\n{output}", pytrace=False)
