"""Speed and memory of `kruger-rules batch` on a million rows, against Dask, /calculate per organisation and the OpenFisca way.

Run from the project's root:
  .venv/bin/python -m benchmarks.batch  [--rows 1000000] [--quick]

The input is made first, not timed: the shipped sample (data/population_sample.parquet, 20,000 organisations,
without its ``weight``) repeated to --rows rows, each with an id of its own, written as CSV (also its first tenth
and half) and as Parquet in a temporary folder. Every measure then runs in a process of its own, on --cores
CPUs (default 2), its peak resident memory read from the kernel when it ends (os.wait4). It prints:

* in-process: the command `kruger-rules batch IN.csv OUT.csv --period 2024` (no --explain), its wall time from
  launch to exit, start-up included (the median of --repeats runs, default 3); the same on a tenth and on half of
  the rows, to show how memory follows the file's size; and Parquet in and out. Goal at 1,000,000 rows, CSV in and
  out: at most 8 s and 1 GiB peak;
* a LocalCluster of --workers worker processes (default 2; `--dask local:2`) on the same file: the time with
  the cluster's start-up and shut-down and without; the overhead of a partition beyond its work (a task that
  does nothing: ``ordered_map(client, int, range(n))``, over n), the cost of moving a partition of the default
  size (its rows sent to a worker and back) and of screening one (an in-process run with each chunk's screening
  timed); from these, a worked estimate of the time on more workers;
* `/calculate` called once per organisation: this API under uvicorn (one process) on a loopback port, a
  sample of --sample rows posted one after another on one connection, each one organisation in its place
  asking for the same outputs, after a few not counted; extrapolated linearly to the rows;
* the OpenFisca way: the first rows of the Parquet file as a situation dict (each organisation in a place of
  its own, the place's facts from its ward), SimulationBuilder.build_from_entities, the same outputs
  calculated, at each of --reference-sizes (default 1,000, 10,000 and 100,000); a size is cut off after
  --reference-timeout seconds. Extrapolated linearly to the rows from the largest size completed (or from a
  cut-off, if that says more: then a lower bound).

Then one table: each method, its rows, its seconds, its seconds for all the rows (measured or extrapolated),
rows per second, its time against the in-process batch's, its peak memory. The Dask run's results are
checked to be the in-process run's, byte for byte; the answers of /calculate and of the OpenFisca way to
be the batch's, value by value. The whole run takes about four minutes on 2 CPUs, most of it waiting for the
OpenFisca way; --quick runs tiny sizes in well under a minute, to check that the benchmark runs. The exit code
is 1 if a check fails.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import filecmp
import math
import os
import platform
import resource
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.api import HOST, Server, free_port, read_response, request_bytes, wait_until_ready  # noqa: E402
from benchmarks.impact import Busy, ChildRun, Runner, emit, mib, peak_rss_bytes, pin, ready, verdict  # noqa: E402

YEAR = "2024"
SAMPLE_FILE = ROOT / "data" / "population_sample.parquet"
GIB = 1024**3
TIME_GOAL_S = 8.0
MEMORY_GOAL_BYTES = GIB
WARM_UP = 10
"""Requests (and no-op tasks) sent first and not counted: the first calls of a process pay for what it loads lazily."""
WORKER_COUNTS = (2, 4, 8, 16)
MOVED = 10
"""Partitions sent to a worker and back to time the moving of one (held in memory at once beforehand)."""
FASTER = 1.5
"""Growth this much above the ratio of the sizes is said to be faster than linear."""
SHARES = (10, 2)
"""The CSV file is also screened at a tenth and at half of its rows: memory flat in the file's size, time linear in it."""
FULL = {"repeats": 3, "rows": 1_000_000, "sample": 300, "tasks": 200, "reference_sizes": "1000,10000,100000", "reference_timeout": 100.0}
QUICK = {"repeats": 1, "rows": 2_000, "sample": 20, "tasks": 20, "reference_sizes": "200,1000", "reference_timeout": 60.0}


# Children: each measure runs in a process of its own, started by the parent and reporting JSON lines on stdout.


def child_phases(arguments: argparse.Namespace) -> None:
    """`run_batch` in this process with each chunk's screening timed: the serial part (read, ids, write) and a partition's work."""
    cores = pin(arguments.cores)
    ready(cores=cores)
    started = time.perf_counter()  # what a fresh worker does for its first partition: import the screening, build the rules
    from kruger_rules.batch import run as batch_run
    from kruger_rules.system import shared_system

    shared_system()
    setup = time.perf_counter() - started
    screen_part, computed = batch_run.screen_part, []

    def timed(part, job):
        started = time.perf_counter()
        screened = screen_part(part, job)
        computed.append(time.perf_counter() - started)
        return screened

    batch_run.screen_part = timed  # run_batch hands each chunk to ``screen_part`` by its module's name
    summary = batch_run.run_batch(Path(arguments.source), Path(arguments.out), period=YEAR)
    emit("done", setup=setup, work=summary.seconds, compute=computed, rows=summary.rows, chunk_rows=batch_run.DEFAULT_CHUNK_ROWS)


def child_dask(arguments: argparse.Namespace) -> None:
    """`run_batch` on a LocalCluster: its start-up, the run, each process's peak memory; then a partition's overhead (no-op
    tasks) and the cost of moving one (the file's first partitions sent to a worker and back, read beforehand)."""
    cores = pin(arguments.cores)
    import copy
    from itertools import islice

    from kruger_rules.batch.files import read_chunks, read_header
    from kruger_rules.batch.run import DEFAULT_CHUNK_ROWS, numbered, run_batch
    from kruger_rules.scaleout import dask_client, ordered_map

    ready(cores=cores)
    began = time.perf_counter()
    with dask_client(None, f"local:{arguments.workers}") as client:
        assert client is not None
        started = time.perf_counter()
        summary = run_batch(Path(arguments.source), Path(arguments.out), period=YEAR, client=client)
        worked = time.perf_counter()
        workers = [peak_rss_bytes(usage) for usage in client.run(resource.getrusage, resource.RUSAGE_SELF).values()]
        client_peak = peak_rss_bytes(resource.getrusage(resource.RUSAGE_SELF))
        list(ordered_map(client, int, range(WARM_UP)))
        tick = time.perf_counter()
        list(ordered_map(client, int, range(arguments.tasks)))
        overhead = (time.perf_counter() - tick) / arguments.tasks
        source = Path(arguments.source)
        parts = list(islice(numbered(read_chunks(source, read_header(source), DEFAULT_CHUNK_ROWS)), MOVED))
        tick = time.perf_counter()
        list(ordered_map(client, copy.copy, parts))
        moving = (time.perf_counter() - tick) / len(parts)
        closing = time.perf_counter()
    emit(
        "done",
        cluster_start=started - began,
        work=worked - started,
        close=time.perf_counter() - closing,
        overhead=overhead,
        moving=moving,
        moved=len(parts),
        worker_peaks=workers,
        client_peak=client_peak,
        rows=summary.rows,
    )


def child_reference(arguments: argparse.Namespace) -> None:
    """The OpenFisca way on the file's first rows: situation dict, SimulationBuilder.build_from_entities, the same outputs."""
    cores = pin(arguments.cores)
    import pyarrow.parquet as pq
    from openfisca_core.simulation_builder import SimulationBuilder

    from kruger_rules.batch.layout import layout_of
    from kruger_rules.batch.lookups import ward_table
    from kruger_rules.system import shared_system

    system = shared_system()
    layout = layout_of(system)
    names = list(answered(layout))
    ready(cores=cores)
    started = time.perf_counter()
    rows = first_rows(pq.ParquetFile(arguments.source), arguments.size)
    situation = situation_of(rows, ward_table(system), layout, ask=False)
    emit("phase", name="read + situation dict", seconds=time.perf_counter() - started)
    phase = time.perf_counter()
    simulation = SimulationBuilder().build_from_entities(system, situation)
    emit("phase", name="build_from_entities", seconds=time.perf_counter() - phase)
    phase = time.perf_counter()
    for name in names:
        simulation.calculate(name, YEAR)
    emit("phase", name="calculate", seconds=time.perf_counter() - phase)
    emit("done", work=time.perf_counter() - started, rows=len(rows))
    emit("check", **compare_reference(system, layout, simulation, pq.ParquetFile(arguments.results), len(rows)))


CHILDREN = {"phases": child_phases, "dask": child_dask, "reference": child_reference}


# The situations that /calculate and the OpenFisca way are given: each row an organisation in a place of its own.


def answered(layout) -> dict[str, Any]:
    """The batch's results for an organisation and its place, each once by name (a row without a procurement has no other)."""
    from kruger_rules.batch.layout import PLACE

    return {output.name: output for output in layout.outputs if output.entity in (layout.person, PLACE)}


def first_rows(parquet, count: int) -> list[dict]:
    """The first ``count`` rows of a Parquet file, as dicts."""
    taken: list[dict] = []
    for batch in parquet.iter_batches(batch_size=count):
        taken += batch.to_pylist()[: count - len(taken)]
        if len(taken) == count:
            break
    return taken


def situation_of(rows: list[dict], wards, layout, ask: bool) -> dict:
    """The rows as one situation: each organisation with its inputs, in a place of its own with its ward's facts, as a
    batch run assesses a row; with ``ask``, every output of the organisation and its place asked for (null)."""
    from kruger_rules.batch.layout import ORGANISATION_ID, PLACE, WARD_CODE

    asked: dict[str, dict] = {layout.person: {}, PLACE: {}}
    for name, output in answered(layout).items() if ask else ():
        asked[output.entity][name] = {YEAR: None}
    place_variables = {name: layout.variable(name) for name in wards.inputs}
    ward_rows = {code: position for position, code in enumerate(wards.keys)}
    organisations, places = {}, {}
    for row in rows:
        facts = dict(row)
        identifier, ward = str(facts.pop(ORGANISATION_ID)), ward_rows[facts.pop(WARD_CODE)]
        organisations[identifier] = {name: {YEAR: json_value(value)} for name, value in facts.items()} | asked[layout.person]
        place = {name: {YEAR: code_value(place_variables[name], values[ward])} for name, values in wards.inputs.items()}
        places[place_id(identifier)] = {"members": [identifier], **place, **asked[PLACE]}
    return {"organisations": organisations, "places": places}


def place_id(identifier: str) -> str:
    return f"place-{identifier}"


def json_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime.date) else value


def code_value(variable, value) -> Any:
    """An input array's element as a situation gives it: an enumeration by its name."""
    possible = getattr(variable, "possible_values", None)
    return list(possible)[int(value)].name if possible is not None else value.item()


# Checks: the same answers as the batch's results.


def agrees(expected: Any, found: Any) -> bool:
    """A batch result against another method's: numbers to float32 precision, dates as ISO text. A date the batch
    leaves empty (worked out from no date) is not compared: a situation's answer writes the date it reaches."""
    if expected is None:
        return True
    if isinstance(expected, datetime.date):
        return str(found) == expected.isoformat()
    if isinstance(expected, bool | str) or found is None or isinstance(found, bool | str):
        return expected == found
    return math.isclose(float(expected), float(found), rel_tol=1e-6, abs_tol=1e-6)


def differences(expected: dict[str, list], found: dict[str, list]) -> list[str]:
    """Each (output, position) whose values disagree, as text."""
    return [
        f"{name} at {position}: {wanted!r} against {found[name][position]!r}"
        for name, values in expected.items()
        for position, wanted in enumerate(values)
        if not agrees(wanted, found[name][position])
    ]


def compare_reference(system, layout, simulation, results, count: int) -> dict:
    """The OpenFisca way's outputs, in the batch's own conversion, against the batch's results for the same rows."""
    import pyarrow as pa

    from kruger_rules.batch.layout import arrow_type
    from kruger_rules.batch.screen import value_array
    from kruger_rules.coverage import covered_year

    period = covered_year(YEAR)
    outputs = answered(layout)
    found = {}
    for name, output in outputs.items():
        values = value_array(system, simulation, output, period)
        found[name] = (values if isinstance(values, pa.Array) else pa.array(values)).cast(arrow_type(output.variable)).to_pylist()
    expected = {name: [row[name] for row in first_rows(results, count)] for name in outputs}
    wrong = differences(expected, found)
    return {"values": count * len(outputs), "wrong": len(wrong), "shown": wrong[:3]}


def check_line(what: str, compared: int, wrong: int, shown: list[str]) -> tuple[str, bool]:
    if not wrong:
        return f"  check: {what} ({compared:,} values): yes", True
    return f"  check: {what}: NO ({wrong:,} of {compared:,} differ: {'; '.join(shown)})", False


# The parent: makes the input, starts the children one at a time, drives the API, prints the figures.


@dataclass(frozen=True)
class Files:
    csv: Path
    parquet: Path
    shares: dict[int, Path]
    """The CSV file's first rows, by their count: a tenth and half of them."""


def make_input(folder: Path, rows: int) -> Files:
    """The sample repeated to ``rows`` rows with ids of their own, as CSV (whole, its first tenth and half) and as Parquet."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pa_csv
    import pyarrow.parquet as pq

    from kruger_rules.batch.layout import ORGANISATION_ID

    sample = pq.read_table(SAMPLE_FILE).drop_columns(["weight"])
    plain = pa.table(
        {
            name: column.cast(column.type.value_type) if pa.types.is_dictionary(column.type) else column
            for name, column in zip(sample.column_names, sample.columns, strict=True)
        }
    )
    table = plain.take(pa.array(np.arange(rows) % plain.num_rows))
    ids = pc.binary_join_element_wise("org-", pa.array(np.arange(rows)).cast(pa.string()), "")
    table = table.set_column(table.schema.get_field_index(ORGANISATION_ID), ORGANISATION_ID, ids)
    shares = {max(1, rows // share): folder / f"organisations-first-{max(1, rows // share)}.csv" for share in SHARES}
    files = Files(folder / "organisations.csv", folder / "organisations.parquet", shares)
    pa_csv.write_csv(table, files.csv)
    for count, path in shares.items():
        pa_csv.write_csv(table.slice(0, count), path)
    pq.write_table(table, files.parquet)
    return files


@dataclass
class Row:
    """A line of the table: a method's measure and its seconds for all the rows."""

    method: str
    rows: int
    seconds: float
    cut_off: bool
    seconds_all: float
    basis: str
    peak: str

    def per_second(self) -> str:
        return f"{'< ' if self.cut_off else ''}{self.rows / self.seconds:,.0f}"


def batch_command(source: Path, out: Path) -> list[str]:
    return [str(Path(sys.executable).parent / "kruger-rules"), "batch", str(source), str(out), "--period", YEAR]


def main(argv: list[str] | None = None) -> int:
    doc = __doc__ or ""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.batch", description=doc.split("\n\n")[0])
    parser.add_argument(
        "--rows", type=lambda text: int(text.replace(",", "").replace("_", "")), help="rows of the batch file (default: 1,000,000)"
    )
    parser.add_argument("--repeats", type=int, help="runs of the command on all the rows, CSV in and out (default: 3)")
    parser.add_argument("--workers", type=int, default=2, help="worker processes of the LocalCluster (default: 2)")
    parser.add_argument("--sample", type=int, help="organisations posted to /calculate one at a time (default: 300)")
    parser.add_argument("--tasks", type=int, help="no-op tasks timed for a partition's overhead on Dask (default: 200)")
    parser.add_argument("--reference-sizes", help="rows given to the OpenFisca way, each in turn (default: 1000,10000,100000)")
    parser.add_argument("--reference-timeout", type=float, help="longest wait for the OpenFisca way at one size (default: 100 s)")
    parser.add_argument("--cores", type=int, default=2, help="CPUs every measured process may use (default: 2)")
    parser.add_argument("--quick", action="store_true", help="tiny sizes, to check that the benchmark runs")
    parser.add_argument("--child", choices=sorted(CHILDREN), help=argparse.SUPPRESS)
    for name in ("--source", "--out", "--results"):
        parser.add_argument(name, help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    arguments = parser.parse_args(argv)
    if arguments.child:
        CHILDREN[arguments.child](arguments)
        sys.stdout.flush()
        os._exit(0)  # everything is reported: no need to wait for the interpreter's teardown
    for name, value in (QUICK if arguments.quick else FULL).items():
        if getattr(arguments, name) is None:
            setattr(arguments, name, value)
    pin(arguments.cores)  # the commands, the server and the cluster started from here run on the same CPUs
    with tempfile.TemporaryDirectory(prefix="kruger-rules-batch-benchmark-") as folder:
        return 0 if run(arguments, Runner(Path(folder), arguments.cores, "benchmarks.batch")) else 1


def run(arguments: argparse.Namespace, runner: Runner) -> bool:
    """Every measure, printed as it comes, then the table; whether every check passed."""
    from kruger_rules.system import rules_version

    rows, folder = arguments.rows, runner.folder
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"kruger-rules {rules_version()}, batch screening: {rows:,} rows, period {YEAR}; every measure on {len(os.sched_getaffinity(0))} "
        f"of {os.cpu_count()} CPU(s); Python {platform.python_version()}; {datetime.date.today().isoformat()}; "
        f"load average {load:.2f} at the start",
        flush=True,
    )
    started = time.perf_counter()
    files = make_input(folder, rows)
    sizes = ", ".join(f"{path.name} {path.stat().st_size / 1e6:,.1f} MB" for path in (files.csv, *files.shares.values(), files.parquet))
    print(f"Input made first, not timed ({time.perf_counter() - started:.1f} s): {sizes}")

    checks: list[bool] = []
    table: list[Row] = []
    batch = run_in_process(runner, files, rows, arguments.repeats, table)
    run_dask(arguments, runner, files, rows, table, checks)
    run_api(arguments, folder, files, rows, table, checks)
    run_reference(arguments, runner, files, rows, table, checks)
    summary(rows, batch, table)
    if hasattr(os, "getloadavg"):
        print(f"Load average {os.getloadavg()[0]:.2f} at the end (the measured processes count in it).")
    if not all(checks):
        print("\nA check failed: the figures above compare different results.")
    return all(checks)


@dataclass(frozen=True)
class InProcess:
    csv: dict[int, ChildRun]
    """The CSV runs by rows: all of them, half, a tenth."""
    parquet: ChildRun

    def flat(self, rows: int) -> str:
        """The peaks by rows, and the growth per million rows between the two largest files."""
        peaks = {count: run.peak_bytes for count, run in sorted(self.csv.items())}
        shown = ", ".join(f"{mib(peak)} at {count:,}" for count, peak in peaks.items())
        (smaller, low), (_, high) = list(peaks.items())[-2:]
        growth = (high - low) / (rows - smaller) * 1_000_000
        return f"peak RSS {shown} rows: {mib(growth)} more per million rows from {smaller:,} to {rows:,}"


def run_in_process(runner: Runner, files: Files, rows: int, repeats: int, table: list[Row]) -> InProcess:
    print(
        "\nIn-process: the command `kruger-rules batch IN OUT --period 2024`, wall time from launch to exit (start-up included); "
        f"at {rows:,} rows, CSV in and out, the median of {repeats} runs (peak: the largest)",
        flush=True,
    )
    busy = Busy.now()
    folder = runner.folder
    csv = {
        count: runner.run_command(batch_command(source, folder / f"results-{count}.csv")) for count, source in sorted(files.shares.items())
    }
    wholes = [runner.run_command(batch_command(files.csv, folder / f"results-{rows}.csv")) for _ in range(repeats)]
    csv[rows] = ChildRun([], statistics.median(run.seconds for run in wholes), max(run.peak_bytes for run in wholes), False)
    done = InProcess(csv, runner.run_command(batch_command(files.parquet, folder / "results.parquet")))
    print(f"{'rows':>11}  {'in and out':<18}{'wall':>8}{'rows/s':>11}{'peak RSS':>11}")
    for count, what, child in [*((count, "CSV", child) for count, child in csv.items()), (rows, "Parquet", done.parquet)]:
        print(f"{count:>11,}  {what:<18}{child.seconds:>7.2f}s{count / child.seconds:>11,.0f}{mib(child.peak_bytes):>11}")
    print(f"  the {repeats} runs at {rows:,} rows, CSV: {', '.join(f'{run.seconds:.2f} s' for run in wholes)}")
    print(f"  {Busy.now().others_since(busy)}")
    print(f"  {done.flat(rows)}")
    whole = csv[rows]
    goal = f"wall <= {TIME_GOAL_S:g} s: {verdict(whole.seconds <= TIME_GOAL_S)}; "
    goal += f"peak <= 1 GiB: {verdict(whole.peak_bytes <= MEMORY_GOAL_BYTES)}"
    print(f"  goals at {rows:,} rows, CSV in and out: {goal}", flush=True)
    for count, child in sorted(csv.items(), reverse=True):
        what = "in-process, CSV in and out" + ("" if count == rows else f", the first {count:,} rows")
        basis = "measured" if count == rows else "extrapolated"
        table.append(Row(what, count, child.seconds, False, child.seconds * rows / count, basis, mib(child.peak_bytes)))
    table.append(
        Row(
            "in-process, Parquet in and out",
            rows,
            done.parquet.seconds,
            False,
            done.parquet.seconds,
            "measured",
            mib(done.parquet.peak_bytes),
        )
    )
    return done


def run_dask(arguments: argparse.Namespace, runner: Runner, files: Files, rows: int, table: list[Row], checks: list[bool]) -> None:
    workers, folder = arguments.workers, runner.folder
    print(
        f"\nA LocalCluster of {workers} worker processes (`--dask local:{workers}`), the same CSV file; and the parts of a run", flush=True
    )
    busy = Busy.now()
    phases = runner.run("phases", ["--source", str(files.csv), "--out", str(folder / "results-phases.csv")]).done
    child = runner.run(
        "dask",
        ["--source", str(files.csv), "--out", str(folder / "results-dask.csv"), "--workers", str(workers), "--tasks", str(arguments.tasks)],
    )
    done = child.done
    startup = child.startup or 0.0
    with_start = startup + done["cluster_start"] + done["work"] + done["close"]
    worker_peak = max(done["worker_peaks"])
    peak = f"{mib(done['client_peak'])} + {len(done['worker_peaks'])} x {mib(worker_peak)}"
    print(f"  process start-up (interpreter, imports)   {startup:>7.2f} s")
    print(f"  the cluster started                       {done['cluster_start']:>7.2f} s")
    print(f"  the run (read, screen on the workers, write) {done['work']:>4.2f} s   {rows / done['work']:>10,.0f} rows/s")
    print(f"  the cluster stopped                       {done['close']:>7.2f} s")
    print(f"  in all, as `kruger-rules batch --dask local:{workers}` would take {with_start:>5.2f} s")
    print(f"  peak RSS: the client {mib(done['client_peak'])}, each worker at most {mib(worker_peak)}")
    print(f"  {Busy.now().others_since(busy)}")
    same = filecmp.cmp(folder / f"results-{rows}.csv", folder / "results-dask.csv", shallow=False)
    line = f"  check: the results are the in-process run's, byte for byte: {'yes' if same else 'NO'}"
    print(line)
    checks.append(same)

    serial = phases["setup"] + phases["work"] - sum(phases["compute"])
    model = Estimate(serial, phases["setup"], phases["compute"], done["overhead"], done["moving"])
    model.print(arguments, phases, done["moved"], rows, workers, done["work"])
    table += [
        Row(f"Dask LocalCluster, {workers} workers, with start-up", rows, with_start, False, with_start, "measured", peak),
        Row(f"Dask LocalCluster, {workers} workers, without", rows, done["work"], False, done["work"], "measured", peak),
    ]


@dataclass(frozen=True)
class Estimate:
    """The time of a run on M workers: the client's serial part, a worker's set-up once, the partitions shared out."""

    serial: float
    """S: the client's part, one step after another: its set-up (the rules built), reading, the ids checked, writing."""
    setup: float
    """W: a worker imports the screening and builds the rules for its first partition (the workers at once)."""
    compute: list[float]
    """Each partition's screening, in-process."""
    overhead: float
    """o: what a partition costs on the cluster beyond its work and its rows (a task that does nothing)."""
    moving: float
    """m: a partition's rows sent to a worker and back, by the client (one after another)."""

    @property
    def partitions(self) -> int:
        return len(self.compute)

    @property
    def per_partition(self) -> float:
        return statistics.fmean(self.compute)

    def serial_part(self) -> float:
        """S + W + P x m: what no number of workers shortens."""
        return self.serial + self.setup + self.partitions * self.moving

    def seconds(self, workers: int) -> float:
        """T(M) = S + W + P x m + ceil(P / M) x (C + o)."""
        return self.serial_part() + math.ceil(self.partitions / workers) * (self.per_partition + self.overhead)

    def seconds_one_each(self, workers: int) -> float:
        """The same with partitions of rows / M, one per worker: S + W + P x m + C x P / M + o."""
        return self.serial_part() + self.per_partition * self.partitions / workers + self.overhead

    def print(self, arguments: argparse.Namespace, phases: dict, moved: int, rows: int, workers: int, measured: float) -> None:
        S, W, P, C, o, m = self.serial, self.setup, self.partitions, self.per_partition, self.overhead, self.moving  # noqa: N806
        run, work = phases["work"], sum(self.compute)
        print(f"\nScale-out estimate, from the cluster above and an in-process run with each partition's work timed ({W + run:.2f} s)")
        print(f"  W  a process imports the screening and builds the rules (each worker, for its first partition): {W:.2f} s")
        print(
            f"  S  the client's serial part (W, then read, ids, write): {W:.2f} + {run:.2f} - {work:.2f} (the partitions' work) = {S:.2f} s"
        )
        print(f"  P  partitions of at most {phases['chunk_rows']:,} rows (the default chunk): {P}")
        print(f"  C  a partition's work: {C:.3f} s (mean; {min(self.compute):.3f} to {max(self.compute):.3f} s)")
        print(
            f"  o  a partition's overhead on the cluster: {o * 1000:.2f} ms (a no-op task; {arguments.tasks} timed, {WARM_UP} before not)"
        )
        print(f"  m  a partition of the default size moved: {m:.3f} s (its rows sent to a worker and back; {moved} timed)")
        print("  T(M) = S + W + P x m + ceil(P / M) x (C + o) on M workers of one core each and the client on a core of its own: the")
        print("  client reads, sends, receives and writes each partition in turn; the workers screen at once. m counts the results")
        print("  as large as the rows sent (they are smaller), and the client's reading while the workers screen is left out.")
        ceiling = math.ceil(P / workers)
        print(
            f"  T({workers}) = {S:.2f} + {W:.2f} + {P} x {m:.3f} + {ceiling} x ({C:.3f} + {o:.4f}) = {self.seconds(workers):.2f} s; "
            f"measured above {measured:.2f} s (the client and {workers} workers sharing {len(os.sched_getaffinity(0))} CPUs)"
        )
        print(f"  {'workers':>9}{'T(M)':>9}{'rows/s':>11}   partitions of {rows:,} / M rows, one per worker: S + W + P x m + C x P / M + o")
        for count in WORKER_COUNTS:
            print(f"  {count:>9}{self.seconds(count):>8.2f}s{rows / self.seconds(count):>11,.0f}   {self.seconds_one_each(count):>6.2f} s")
        bound = rows / self.serial_part()
        print(
            f"  the serial part S + W + P x m bounds it: at most {bound:,.0f} rows/s however many workers, one client reading and writing"
        )


async def post_each(port: int, bodies: list[bytes]) -> tuple[list[float], list[bytes]]:
    """Each body posted to /calculate in turn on one connection (opened again if the server closes it): latencies, answers."""
    latencies, answers = [], []
    reader = writer = None
    for body in bodies:
        if writer is None:
            reader, writer = await asyncio.open_connection(HOST, port)
        started = time.perf_counter()
        writer.write(request_bytes("POST", "/calculate", port, body))
        await writer.drain()
        status, keep_alive, answer = await read_response(reader)  # type: ignore[arg-type]
        latencies.append(time.perf_counter() - started)
        if status != 200:
            raise RuntimeError(f"/calculate answered {status}: {answer[:300]!r}")
        answers.append(answer)
        if not keep_alive:
            writer.close()
            reader = writer = None
    if writer is not None:
        writer.close()
    return latencies, answers


def server_peak(pid: int) -> int | None:
    """A running process's peak resident memory (VmHWM, Linux)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def run_api(arguments: argparse.Namespace, folder: Path, files: Files, rows: int, table: list[Row], checks: list[bool]) -> None:
    import numpy as np
    import orjson
    import pyarrow as pa
    import pyarrow.parquet as pq

    from kruger_rules.batch.layout import ORGANISATION_ID, layout_of
    from kruger_rules.batch.lookups import ward_table
    from kruger_rules.system import shared_system

    sample = min(arguments.sample, rows)
    print(
        f"\n/calculate once per organisation: this API under uvicorn (one process), {sample} organisations spread over the file "
        f"posted one after another on one connection, after {WARM_UP} not counted",
        flush=True,
    )
    system = shared_system()
    layout = layout_of(system)
    wards = ward_table(system)
    positions = np.linspace(0, rows - 1, sample).astype(np.int64)
    chosen = pq.read_table(files.parquet).take(pa.array(positions)).to_pylist()
    bodies = [orjson.dumps(situation_of([row], wards, layout, ask=True)) for row in chosen]
    server = Server(
        "kruger-rules API",
        [
            sys.executable,
            "-m",
            "uvicorn",
            "api.app:app",
            "--host",
            HOST,
            "--port",
            str(free_port()),
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        0,
        env={"KRUGER_DATA_DIR": str(folder / "api-data")},  # a job database of its own, not the project's
    )
    server.port = int(server.command[server.command.index("--port") + 1])
    busy = Busy.now()
    try:
        server.start(folder)
        wait_until_ready(server, folder)
        asyncio.run(post_each(server.port, bodies[:WARM_UP]))
        started = time.perf_counter()
        latencies, answers = asyncio.run(post_each(server.port, bodies))
        seconds = time.perf_counter() - started
        peak = server_peak(server.process.pid) if server.process is not None else None
    finally:
        server.stop()
    print(
        f"  {sample} requests in {seconds:.2f} s: {sample / seconds:,.1f} per second, "
        f"p50 {statistics.median(latencies) * 1000:.1f} ms; server peak RSS {mib(peak) if peak else '?'}"
    )
    print(f"  {Busy.now().others_since(busy)}")
    names = list(answered(layout))
    results = pq.read_table(folder / "results.parquet", columns=names).take(pa.array(positions)).to_pylist()
    expected = {name: [row[name] for row in results] for name in names}
    found: dict[str, list] = {name: [] for name in names}
    for row, answer in zip(chosen, answers, strict=True):
        answer_of = orjson.loads(answer)
        identifier = str(row[ORGANISATION_ID])
        organisation, place = answer_of["organisations"][identifier], answer_of["places"][place_id(identifier)]
        for name in names:
            found[name].append((organisation.get(name) or place[name])[YEAR])
    wrong = differences(expected, found)
    line, same = check_line("the answers are the batch's results for the same rows", sample * len(names), len(wrong), wrong[:3])
    print(line, flush=True)
    checks.append(same)
    table.append(
        Row(
            "/calculate, one organisation per request",
            sample,
            seconds,
            False,
            seconds * rows / sample,
            "extrapolated",
            f"{mib(peak) if peak else '?'} (server)",
        )
    )


def run_reference(arguments: argparse.Namespace, runner: Runner, files: Files, rows: int, table: list[Row], checks: list[bool]) -> None:
    sizes = sorted({min(int(size.replace("_", "")), rows) for size in arguments.reference_sizes.split(",") if size.strip()})
    print(
        "\nThe OpenFisca way: the file's first rows as a situation dict (each organisation in a place of its own, its ward's facts), "
        f"SimulationBuilder.build_from_entities, the same outputs; each size cut off after {arguments.reference_timeout:.0f} s",
        flush=True,
    )
    print(f"{'rows':>11}  {'dict':>8}{'build':>10}{'calculate':>10}{'work':>11}{'peak RSS':>11}")
    busy = Busy.now()
    seconds: dict[int, float] = {}
    cut: dict[int, float] = {}
    for size in sizes:
        options = ["--source", str(files.parquet), "--results", str(runner.folder / "results.parquet"), "--size", str(size)]
        child = runner.run("reference", options, timeout=arguments.reference_timeout)
        phases = {record["name"]: record["seconds"] for record in child.records if record["event"] == "phase"}
        shown = "".join(
            f"{phases[name]:>{width - 1}.2f}s" if name in phases else f"{'-':>{width}}"
            for name, width in (("read + situation dict", 8), ("build_from_entities", 10), ("calculate", 10))
        )
        if child.timed_out:
            cut[size] = arguments.reference_timeout - (child.startup or 0.0)
            print(f"{size:>11,}  {shown} >{cut[size]:>8.0f}s{mib(child.peak_bytes):>11}  (cut off)", flush=True)
            table.append(
                Row(
                    f"OpenFisca way, {size:,} rows",
                    size,
                    cut[size],
                    True,
                    cut[size] * rows / size,
                    "extrapolated, a lower bound",
                    mib(child.peak_bytes),
                )
            )
            continue
        seconds[size] = child.done["work"]
        print(f"{size:>11,}  {shown}{seconds[size]:>10.2f}s{mib(child.peak_bytes):>11}", flush=True)
        check = child.last("check") or {}
        line, same = check_line(
            f"its outputs are the batch's results for the same {size:,} rows",
            check.get("values", 0),
            check.get("wrong", 1),
            check.get("shown", []),
        )
        print(line)
        checks.append(same)
        table.append(
            Row(
                f"OpenFisca way, {size:,} rows",
                size,
                seconds[size],
                False,
                seconds[size] * rows / size,
                "extrapolated",
                mib(child.peak_bytes),
            )
        )
    print(f"  {Busy.now().others_since(busy)}")
    completed = sorted(seconds)
    for small, large in zip(completed, completed[1:], strict=False):
        print(f"  growth from {small:,} to {large:,} rows: {seconds[large] / seconds[small]:.1f}x (linear: {large / small:.0f}x)")
    if len(completed) > 1 and seconds[completed[-1]] / seconds[completed[0]] > FASTER * completed[-1] / completed[0]:
        print("  it grows faster than the rows (SimulationBuilder finds each id with list.index): a linear extrapolation understates it")


def reference_estimate(rows: list[Row]) -> Row | None:
    """The OpenFisca way's estimate for all the rows: from the largest size completed, or from a cut-off if that gives more."""
    completed = [row for row in rows if not row.cut_off]
    best = max(completed, key=lambda row: row.rows, default=None)
    for row in rows:
        if row.cut_off and (best is None or row.seconds_all > best.seconds_all):
            best = row
    return best


def summary(rows: int, batch: InProcess, table: list[Row]) -> None:
    whole = batch.csv[rows]
    base = whole.seconds
    best = reference_estimate([row for row in table if row.method.startswith("OpenFisca")])
    print(
        f"\nSummary: {rows:,} rows, period {YEAR}, on {len(os.sched_getaffinity(0))} CPU(s); "
        "x batch: the time against `kruger-rules batch` in-process, CSV in and out"
    )
    header = ("method", "rows", "measured", f"for {rows:,} rows", "", "rows/s", "x batch", "peak memory")
    lines = [
        (
            row.method,
            f"{row.rows:,}",
            f"{'> ' if row.cut_off else ''}{row.seconds:,.2f} s",
            f"{'> ' if row.cut_off else ''}{row.seconds_all:,.1f} s",
            row.basis,
            row.per_second(),
            f"{'> ' if row.cut_off else ''}{row.seconds_all / base:,.2f}x",
            row.peak,
        )
        for row in table
    ]
    widths = [max(len(str(line[column])) for line in [header, *lines]) for column in range(len(header))]
    for line in [header, *lines]:
        cells = [f"{line[0]:<{widths[0]}}", *(f"{cell:>{width}}" for cell, width in zip(line[1:4], widths[1:4], strict=True))]
        cells += [f"{line[4]:<{widths[4]}}", *(f"{cell:>{width}}" for cell, width in zip(line[5:], widths[5:], strict=True))]
        print("  ".join(cells).rstrip())
    met_time, met_memory = base <= TIME_GOAL_S, whole.peak_bytes <= MEMORY_GOAL_BYTES
    print(
        f"goal, in-process CSV in and out at {rows:,} rows: <= {TIME_GOAL_S:g} s: {verdict(met_time)} ({base:.2f} s); "
        f"<= 1 GiB peak: {verdict(met_memory)} ({mib(whole.peak_bytes)})"
    )
    print(f"memory in the file's size: {batch.flat(rows)}")
    if best is not None:
        print(
            f"the OpenFisca way's best estimate for {rows:,} rows: {'more than ' if best.cut_off else 'about '}"
            f"{best.seconds_all:,.0f} s ({best.basis} from {best.rows:,})"
        )


if __name__ == "__main__":
    sys.exit(main())
