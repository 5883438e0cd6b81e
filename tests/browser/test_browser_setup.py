"""Without Debian's chromium the browser tests are skipped, saying why, unless under CI, where that is a failure."""

from __future__ import annotations

import os
import subprocess
import sys

from browser_support import REPOSITORY

A_BROWSER_TEST = "tests/browser/test_browser_checker.py::test_pages_done_with_the_keyboard_alone"


def run_without_chromium(ci: str | None) -> subprocess.CompletedProcess:
    environment = {name: value for name, value in os.environ.items() if name != "CI"}
    environment["KRUGER_TEST_CHROMIUM"] = "/nonexistent/chromium"
    if ci is not None:
        environment["CI"] = ci
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:xdist", "-rs", A_BROWSER_TEST]
    return subprocess.run(command, cwd=REPOSITORY, env=environment, capture_output=True, text=True, timeout=300)


def test_without_chromium_the_browser_tests_are_skipped_saying_why():
    done = run_without_chromium(None)
    assert done.returncode == 0, done.stdout[-2000:]
    assert "1 skipped" in done.stdout and "the browser tests need Debian's chromium at /nonexistent/chromium" in done.stdout


def test_without_chromium_under_ci_the_browser_tests_fail():
    done = run_without_chromium("true")
    assert done.returncode == 1, done.stdout[-2000:]
    assert "1 error" in done.stdout and "under CI a missing browser is a failure" in done.stdout
