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


def layout_table() -> list[Path]:
    """The paths the README's Layout table names. In a row, the first path is from the project
    root and the ones after it are beside it (`smartlead_nb/schedule.py`, `settings.py`)."""
    text = (ROOT / "README.md").read_text()
    table = text.split("## Layout", 1)[1].split("\n## ", 1)[0]
    paths = []
    for row in re.findall(r"^\| (`.*?) \|", table, re.M):
        names = re.findall(r"`([^`]+)`", row)
        first = ROOT / names[0].rstrip("/")
        paths += [first] + [first.parent / name.rstrip("/") for name in names[1:]]
    return paths


def test_the_readme_layout_table_matches_the_tree():
    named = layout_table()
    assert [p for p in named if not p.exists()] == []
    package = ROOT / "smartlead_nb"
    modules = {p for p in package.iterdir()
               if (p.suffix == ".py" and p.name != "__init__.py") or (p / "__init__.py").is_file()}
    assert sorted(p.name for p in modules - set(named)) == []
