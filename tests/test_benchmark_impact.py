"""The impact benchmark runs end to end, so that it does not rot: tiny populations, one run of each measure.

It checks that every section is printed and that every check of totals passes (the OpenFisca way's and the numpy
bound's totals are the engine's); it asserts no timing, which is the benchmark's own business.
"""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_impact_benchmark_runs_on_tiny_populations():
    command = [sys.executable, "-m", "benchmarks.impact", "--sizes", "200,400", "--quick", "--reference-timeout", "60"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-3000:]
    printed = done.stdout
    for section in ("The engine:", "The OpenFisca way:", "A plain numpy lower bound", "Summary"):
        assert section in printed
    for size in ("200", "400"):
        assert any(line.strip().startswith(size) and "tables (CSV, Parquet)" in line for line in printed.splitlines())
    checks = [line for line in printed.splitlines() if line.strip().startswith("check:")]
    assert len(checks) == 4, printed
    assert all(line.endswith(": yes") for line in checks), checks
    for goal in ("<= 2 s", "<= 1,024 MiB", ">= 20x", "<= 5x"):
        assert goal in printed
