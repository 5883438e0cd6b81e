"""The wheel: built from the source tree, installed into a clean virtual environment, run from elsewhere.

The rule folders stay at the top of the repository and travel in the wheel as kruger_rules/_rules/;
these tests check that the package list and the package data say so, and that the installed package
answers as the source tree does, from a folder that is not the repository.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import tomllib
import urllib.request
import zipfile
from pathlib import Path

import pytest
from test_cli import free_port

from kruger_rules.system import RULE_FOLDERS, find_rules_root, rules_hash

REPOSITORY = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PACKAGED_RULES = "kruger_rules/_rules"
MIGRATIONS = "kruger_rules/store/migrations"
WEB_TEMPLATES = "api/web/templates"
EXAMPLE = REPOSITORY / "examples" / "match_trade.json"
YAML_CASES = [REPOSITORY / "tests" / "yaml" / "match_trade.yaml", REPOSITORY / "tests" / "yaml" / "reforms_current_law.yaml"]
NOT_SOURCE = shutil.ignore_patterns(
    ".git",
    ".venv",
    "node_modules",
    "__pycache__",
    "*.egg-info",
    "build",
    "dist",
    ".hypothesis",
    ".pytest_cache",
    ".mypy_cache",
    ".ruff_cache",
)
# The whole check takes about 30 s on 2 cores with pip's cache warm; the limit leaves room for a cold cache.
TIME_LIMIT_SECONDS = 300


def setuptools_config() -> dict:
    return tomllib.loads((REPOSITORY / "pyproject.toml").read_text())["tool"]["setuptools"]


def code_packages() -> set[str]:
    """Every folder with an __init__.py under kruger_rules/ and api/, as a dotted package name."""
    return {
        ".".join(init.parent.relative_to(REPOSITORY).parts)
        for top in ("kruger_rules", "api")
        for init in (REPOSITORY / top).rglob("__init__.py")
    }


def rule_files() -> set[str]:
    """The rule folders' files, relative to the folder that holds them."""
    return {
        path.relative_to(REPOSITORY).as_posix()
        for folder in RULE_FOLDERS
        for path in (REPOSITORY / folder).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }


def migration_files() -> set[str]:
    """The schema's migrations: their environment, template and revisions."""
    return {
        path.relative_to(REPOSITORY).as_posix()
        for path in (REPOSITORY / MIGRATIONS).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }


def web_templates() -> set[str]:
    """The pages' templates (their assets are built at set-up, never packaged: a wheel's pages answer 503)."""
    return {path.relative_to(REPOSITORY).as_posix() for path in (REPOSITORY / WEB_TEMPLATES).rglob("*.html")}


def test_the_package_list_is_the_source_tree_and_the_rule_folders():
    config = setuptools_config()
    rule_packages = {f"{PACKAGED_RULES.replace('/', '.')}.{folder}": folder for folder in RULE_FOLDERS}
    assert config["package-dir"] == rule_packages
    assert set(config["packages"]) == code_packages() | set(rule_packages)


def test_the_rules_are_found_in_the_package_first_then_in_the_source_tree(tmp_path):
    packaged, source_tree = tmp_path / "package" / "_rules", tmp_path / "repository"
    for folder in RULE_FOLDERS:
        (source_tree / folder).mkdir(parents=True)
    assert find_rules_root(packaged, source_tree) == source_tree
    for folder in RULE_FOLDERS:
        (packaged / folder).mkdir(parents=True)
    assert find_rules_root(packaged, source_tree) == packaged


def test_no_rules_anywhere_is_a_clear_error(tmp_path):
    (tmp_path / "repository" / "parameters").mkdir(parents=True)
    with pytest.raises(RuntimeError, match=r"neither in the installed package .* nor in the source tree .*pip install -e \."):
        find_rules_root(tmp_path / "package" / "_rules", tmp_path / "repository")


class Steps:
    """Commands run within one time limit, from a folder outside the repository, in a clean environment."""

    def __init__(self, elsewhere: Path) -> None:
        self.elsewhere = elsewhere
        self.deadline = time.monotonic() + TIME_LIMIT_SECONDS
        self.environment = {name: value for name, value in os.environ.items() if name not in {"PYTHONPATH", "VIRTUAL_ENV"}}

    def remaining(self) -> float:
        left = self.deadline - time.monotonic()
        assert left > 0, f"the wheel's checks took more than {TIME_LIMIT_SECONDS} s"
        return left

    def run(self, *command: str | Path) -> str:
        result = subprocess.run(
            [str(part) for part in command],
            cwd=self.elsewhere,
            env=self.environment,
            capture_output=True,
            text=True,
            timeout=self.remaining(),
        )
        assert result.returncode == 0, f"{command} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        return result.stdout


def build_wheel(steps: Steps, workspace: Path) -> Path:
    """``python -m build`` on a copy of the source tree, so nothing is written into the repository."""
    source = workspace / "source"
    shutil.copytree(REPOSITORY, source, ignore=NOT_SOURCE)
    steps.run(sys.executable, "-m", "build", "--outdir", workspace / "dist", source)
    [wheel] = (workspace / "dist").glob("*.whl")
    return wheel


def install(steps: Steps, wheel: Path, venv: Path) -> Path:
    steps.run(sys.executable, "-m", "venv", venv)
    steps.run(venv / "bin" / "python", "-m", "pip", "install", "--quiet", wheel)
    return venv / "bin"


def assumptions_page(steps: Steps, venv_bin: Path) -> str:
    port = free_port()
    server = subprocess.Popen(
        [venv_bin / "kruger-rules", "serve", "--port", str(port)],
        cwd=steps.elsewhere,
        env=steps.environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/assumptions", timeout=2) as response:
                    return response.read().decode()
            except OSError:
                assert server.poll() is None, "kruger-rules serve stopped"
                steps.remaining()
                time.sleep(0.25)
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_the_wheel_installs_and_works_from_outside_the_repository(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    for file in (EXAMPLE, *YAML_CASES):
        shutil.copy(file, elsewhere)
    steps = Steps(elsewhere)

    wheel = build_wheel(steps, tmp_path)
    packaged = {name.removeprefix(f"{PACKAGED_RULES}/") for name in zipfile.ZipFile(wheel).namelist() if name.startswith(PACKAGED_RULES)}
    assert packaged == rule_files()
    shipped = {name for name in zipfile.ZipFile(wheel).namelist() if name.startswith(f"{MIGRATIONS}/")}
    assert shipped == migration_files()  # the server migrates its database at start-up, from the installed package
    assert {name for name in zipfile.ZipFile(wheel).namelist() if name.startswith(f"{WEB_TEMPLATES}/")} == web_templates()
    venv_bin = install(steps, wheel, tmp_path / "venv")

    where_and_hash = "from kruger_rules.system import ROOT, rules_hash; print(ROOT, rules_hash())"
    root, packaged_hash = steps.run(venv_bin / "python", "-c", where_and_hash).split()
    assert Path(root).is_relative_to(tmp_path / "venv") and packaged_hash == rules_hash()
    example = EXAMPLE.name
    assert json.loads(steps.run(venv_bin / "kruger-rules", "calculate", example, "--output", "json")) == json.loads(
        steps.run(BIN / "kruger-rules", "calculate", example, "--output", "json")
    )
    assert " passed" in steps.run(venv_bin / "openfisca", "test", "--country-package", "kruger_rules", *(case.name for case in YAML_CASES))
    assert "<title>The model&#x27;s assumptions</title>" in assumptions_page(steps, venv_bin)
    steps.run(venv_bin / "kruger-rules", "impact", "--reform", "current_law", "--out", "impact")
    assert (elsewhere / "impact" / "report.html").is_file()
