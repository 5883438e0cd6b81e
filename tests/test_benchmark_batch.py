"""The batch benchmark runs end to end, so that it does not rot: tiny sizes (--quick), one run of each measure.

It checks that every method reaches the table with a positive time against the in-process batch, and that every
check passes (the Dask run's results are the in-process run's; /calculate's and the OpenFisca way's answers are
the batch's); it asserts no timing, which is the benchmark's own business.
"""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
METHODS = (
    "in-process, CSV in and out ",
    "in-process, CSV in and out, the first 200 rows",
    "in-process, CSV in and out, the first 1,000 rows",
    "in-process, Parquet in and out",
    "Dask LocalCluster, 2 workers, with start-up",
    "Dask LocalCluster, 2 workers, without",
    "/calculate, one organisation per request",
    "OpenFisca way, 200 rows",
    "OpenFisca way, 1,000 rows",
)


def test_the_batch_benchmark_runs_on_tiny_sizes():
    done = subprocess.run([sys.executable, "-m", "benchmarks.batch", "--quick"], cwd=ROOT, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr[-3000:]
    printed = done.stdout
    for section in ("In-process:", "A LocalCluster of 2 worker processes", "Scale-out estimate", "/calculate once per organisation"):
        assert section in printed
    for section in ("The OpenFisca way:", "Summary:"):
        assert section in printed
    table = printed.split("Summary:", 1)[1].splitlines()
    for method in METHODS:
        line = next((line for line in table if line.startswith(method)), None)
        assert line is not None, (method, printed)
        ratio = re.search(r"([\d,.]+)x ", line)
        assert ratio is not None and float(ratio.group(1).replace(",", "")) > 0, line
    for workers in ("2", "4", "8", "16"):
        assert re.search(rf"^\s+{workers}\s+[\d.]+s", printed, re.MULTILINE), workers
    checks = [line for line in printed.splitlines() if line.strip().startswith("check:")]
    assert len(checks) == 4, printed
    assert all(line.endswith(": yes") for line in checks), checks
    for goal in ("<= 8 s", "<= 1 GiB"):
        assert goal in printed
