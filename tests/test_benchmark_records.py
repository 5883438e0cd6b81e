"""The recording benchmark runs end to end, so that it does not rot: one short round (--quick) on each database at hand.

It checks that every kind of request reaches the summary with its figures, that the ratio and the goal are printed,
and that the check passes (every recorded answer's record is in the database); it asserts no timing, which is the
benchmark's own business. PostgreSQL is measured where tests/databases.py has a server (KRUGER_TEST_POSTGRES_URL).
"""

import os
import re
import subprocess
import sys
from pathlib import Path

from databases import POSTGRES_SERVER

ROOT = Path(__file__).resolve().parent.parent


def test_the_recording_benchmark_runs_briefly():
    databases = ["sqlite", "postgresql"] if os.environ.get(POSTGRES_SERVER, "").strip() else ["sqlite"]
    command = [sys.executable, "-m", "benchmarks.records", "--quick", "--workers", "1", "--databases", ",".join(databases)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr[-3000:]
    printed = done.stdout
    table = printed.split("\nSummary", 1)[1].splitlines()
    for database in databases:
        for kind in ("unrecorded", "with a key", "?record=true"):
            line = next((line for line in table if line.startswith(f"{database:<11} {kind} ")), None)
            assert line is not None, (database, kind, printed)
            per_second, p50, p95, cpu = (float(figure) for figure in line.removeprefix(f"{database:<11} {kind}").split())
            assert per_second > 0 and 0 < p50 <= p95 and cpu > 0, line
        ratio = next(line for line in table if line.startswith(f"{database:<11} ratio"))
        assert re.search(r"recording costs -?\d+\.\d% of throughput \(goal: <= 30%\): (met|not met)$", ratio), ratio
    checks = [line for line in printed.splitlines() if line.startswith("check:")]
    assert len(checks) == len(databases), printed
    assert all(line.endswith(": yes") for line in checks), checks
