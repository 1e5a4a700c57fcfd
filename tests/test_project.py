"""The project's own files agree with each other: README commands, CI, conda environment."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def readme_commands():
    text = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```(?:bash|sh)\n(.*?)```", text, re.S)
    return [line.strip() for block in blocks[:2] for line in block.splitlines() if line.strip()]


def test_ci_runs_the_readme_test_command():
    commands = readme_commands()
    test_cmd = next(c for c in commands if "pytest" in c)
    assert test_cmd in (ROOT / ".ci" / "run").read_text()


def test_readme_main_command_starts_jupyterlab_on_notebooks():
    assert any("jupyter lab notebooks" in c for c in readme_commands())


def test_environment_yml_installs_this_package_and_matches_pyproject():
    env = (ROOT / "environment.yml").read_text()
    assert "-e .[" in env
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = " ".join(deps["dependencies"] + sum(deps["optional-dependencies"].values(), []))
    conda_deps = env.split("dependencies:", 1)[1]
    for name in re.findall(r"^\s+- ([a-z][a-z0-9_-]+)", conda_deps, re.M):
        if name in ("python", "pip"):
            continue
        assert name in declared, f"{name} is in environment.yml but not in pyproject.toml"


def test_core_install_keeps_jupyter_out():
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    assert not any(re.match(r"(ipywidgets|jupyter|notebook|voila|ipykernel)", d) for d in deps)


def test_the_test_command_runs_the_packages_examples():
    """``python -m pytest`` (the README's command) runs every ``>>>`` example in the package, so
    a docstring's example cannot rot unnoticed."""
    options = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]
    assert "--doctest-modules" in options["addopts"].split()
    assert "smartlead_nb" in options["testpaths"]
