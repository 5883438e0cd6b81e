"""The pages benchmark runs end to end, so that it does not rot: three walks of the checker a flow, and of the reform
workbench (a finished job's results and a finished comparison included), under a real server.

It checks that every step of both flows is measured and the goal is printed; it asserts no timing, which is the
benchmark's own business.
"""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STEPS = [
    "start (GET)",
    "schemes (POST)",
    "year (POST)",
    "question (GET)",
    "question, wrong answer (POST)",
    "check your answers (GET)",
    "result (GET)",
]
WORKBENCH_STEPS = [
    "workbench start (GET)",
    "workbench parameter folder (GET)",
    "workbench parameter search (GET)",
    "workbench change, wrong value (POST)",
    "workbench change (POST)",
    "workbench changed reform (GET)",
    "workbench compare form (GET)",
    "workbench results (GET)",
    "workbench comparison (GET)",
]


def test_the_pages_benchmark_runs_quickly():
    done = subprocess.run([sys.executable, "-m", "benchmarks.pages", "--quick"], cwd=ROOT, capture_output=True, text=True, timeout=400)
    assert done.returncode == 0, done.stderr[-3000:]
    printed = done.stdout
    for flow in ("MatchTrade (1 scheme)", "Every organisation scheme ("):
        assert flow in printed
    for step in STEPS:
        assert sum(line.strip().startswith(step) for line in printed.splitlines()) == 2, step
    assert "p95 <= 200 ms" in printed and "Slowest step's p95:" in printed
    for step in WORKBENCH_STEPS:
        assert sum(line.strip().startswith(step) for line in printed.splitlines()) == 1, step
    assert "Reform workbench's slowest page's p95:" in printed
    assert "Reform workbench, a finished job's results: p95 " in printed and "Reform workbench, a finished comparison: p95 " in printed
