"""Speed of reforms: a new parametric reform built and answered, a cached one, and the baseline.

Run from the project's root:  .venv/bin/python -m benchmarks.reforms  [--runs N]
(or python benchmarks/reforms.py). Goals: a new reform adds under 20 ms to an answer, a cached
one under 1 ms; PolicyEngine's users report seconds for a reformed simulation.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from openfisca_core.reforms import Reform  # noqa: E402

from kruger_rules.reforms import apply_changes, build_system, configure_cache, parse_reform, reformed_system  # noqa: E402
from kruger_rules.situations import build_case  # noqa: E402
from kruger_rules.system import shared_system  # noqa: E402

SITUATION = ROOT / "examples" / "match_trade.json"
NEW_REFORM_GOAL_MS = 20.0
CACHED_REFORM_GOAL_MS = 1.0


def timed(action, runs: int) -> list[float]:
    """Milliseconds of each of ``runs`` calls of ``action``, the garbage collector paused as timeit does."""
    times = []
    for _ in range(runs):
        gc.disable()
        try:
            start = time.perf_counter()
            action()
            times.append((time.perf_counter() - start) * 1000)
        finally:
            gc.enable()
    return times


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200, help="runs of each measure (default 200)")
    runs = parser.parse_args(argv).runs
    situation = json.loads(SITUATION.read_text())
    baseline = shared_system()
    configure_cache(64)
    values = itertools.count(1000)

    def answer(system):
        return build_case(system, situation).answer()

    def new_reform_data():
        return {"match_trade.cap": {"2024-01-01": next(values)}, "match_trade.rate": {"2023-01-01.2025-12-31": 0.5}}

    cached_data = {"match_trade.cap": {"2024-01-01": 20000}}
    reformed_system(cached_data)
    current_law = parse_reform("current_law")
    deep_copy_changes = parse_reform(cached_data).changes

    class DeepCopied(Reform):
        def apply(self):
            self.modify_parameters(lambda parameters: apply_changes(parameters, deep_copy_changes))

    for _ in range(20):  # warm up every path
        answer(baseline), answer(reformed_system(new_reform_data())), answer(reformed_system(cached_data))

    measures = [
        ("baseline answer", lambda: answer(baseline), None, 1),
        ("new parametric reform: validate + build + answer", lambda: answer(reformed_system(new_reform_data())), NEW_REFORM_GOAL_MS, 1),
        ("cached reform: validate + look up + answer", lambda: answer(reformed_system(cached_data)), CACHED_REFORM_GOAL_MS, 1),
        ("  new parametric reform: validate + build only", lambda: reformed_system(new_reform_data()), None, 1),
        ("  cached reform: validate + look up only", lambda: reformed_system(cached_data), None, 1),
        ("  named reform current_law, built uncached", lambda: build_system(current_law, baseline), None, 1),
        ("  the same change through Reform.modify_parameters (deep copy)", lambda: DeepCopied(baseline), None, 4),
    ]
    times = {label: [] for label, *_ in measures}
    for run in range(runs):  # round robin, so that a busy moment of the machine weighs on every measure alike
        for label, action, _, every in measures:
            if run % every == 0:
                times[label] += timed(action, 1)
        gc.collect()
    measures = [(label, times[label], goal) for label, _, goal, _ in measures]
    base = statistics.median(measures[0][1])
    print(f"Reforms, {runs} runs each, situation {SITUATION.relative_to(ROOT)} (times in ms; 'adds' = median minus the baseline answer's)")
    print(f"{'measure':<66}{'median':>9}{'p95':>9}{'adds':>9}{'× base':>8}  goal")
    for label, times, goal in measures:
        median = statistics.median(times)
        p95 = statistics.quantiles(times, n=20)[-1]
        answered = not label.startswith("  ")
        adds = f"{median - base:9.2f}" if answered and times is not measures[0][1] else f"{'':>9}"
        verdict = ""
        if goal is not None:
            verdict = f"adds < {goal:g} ms: {'met' if median - base < goal else 'NOT MET'}"
        print(f"{label:<66}{median:9.2f}{p95:9.2f}{adds}{median / base:8.2f}  {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
