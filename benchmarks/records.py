"""What recording a decision costs: POST /api/v1/eligibility against ?record=true, on SQLite and on PostgreSQL.

Run from the project's root:
  .venv/bin/python -m benchmarks.records  [--workers N] [--seconds S] [--rounds R] [--databases sqlite,postgresql]

For each database it makes an empty one (SQLite: a file in a temporary folder, in WAL mode; PostgreSQL: a
database of its own on the server that KRUGER_TEST_POSTGRES_URL names, else on a throwaway server started with
scripts/postgres.sh and stopped at the end), a key with the scopes record and read, and starts
`kruger-rules serve` on it (one worker process, or --workers). One organisation in its place (32 of
them in turn) is then posted at --connections (default 4) by benchmarks.api's load generator: unrecorded
(no key, as anyone may ask), unrecorded with the key (what checking a key costs, read from the database at
every request), then recorded (`?record=true` with the key, each answer sent only once its record is
committed), in turn, --rounds times for --seconds each. It prints the decisions per second and the p50 and
p95 latency of each, the ratio of recorded to unrecorded, and whether the goal is met: recording costs at
most 30 % of the throughput (recorded at least 0.70x unrecorded). Beside them, the CPU time a decision took
(the server's processes, PostgreSQL's if it runs here, and the load generator's, from /proc) and the ratio
it gives where CPU alone bounds the throughput: steadier than decisions per second on a machine that other
processes share, whose share of the CPUs is printed too. Checked in the run: a recorded answer carries its
record's id, the record is read back through GET /api/v1/decisions/{id}, and the rows added to the database
during the recorded runs are as many as the recorded answers. About a minute and a half per database
(--quick: seconds).

One worker by default: with several, the kernel hands each new connection to whichever worker accepts it
first, so the four connections of a run may all land on one worker (one CPU's throughput, the interpreter's
lock being per process) or be spread (twice that), and a run's figure says more about that draw than about
recording. One worker makes every run alike, and leaves the other CPU to PostgreSQL and the load generator.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.api import (  # noqa: E402
    LoadResult,
    Server,
    drive,
    free_port,
    one_request,
    organisation_facts,
    request_bytes,
    wait_until_ready,
)
from benchmarks.impact import Busy  # noqa: E402
from kruger_rules.access import parse_scopes  # noqa: E402
from kruger_rules.store import Database, KeyRing, default_url  # noqa: E402
from kruger_rules.system import rules_version  # noqa: E402

YEAR = "2024"
VARIANTS = 32
ELIGIBILITY = "/api/v1/eligibility"
GOAL = 0.30
"""Most share of the unrecorded throughput that recording may cost."""
DATABASES = ("sqlite", "postgresql")
POSTGRES_SERVER = "KRUGER_TEST_POSTGRES_URL"


def body(variant: int) -> bytes:
    """One organisation in its place, as a funder's form would send it."""
    situation = {
        "organisations": {"o1": organisation_facts(variant)},
        "places": {"p1": {"members": ["o1"], "imd_decile": {YEAR: 1 + variant % 10}, "cni_decile": {YEAR: 1}, "population": {YEAR: 9_000}}},
    }
    return json.dumps({"situation": situation, "period": YEAR}).encode()


# Databases


@contextlib.contextmanager
def postgres_server() -> Iterator[str]:
    """A PostgreSQL server's URL: KRUGER_TEST_POSTGRES_URL's, else a throwaway server's (scripts/postgres.sh), stopped after."""
    given = os.environ.get(POSTGRES_SERVER, "").strip()
    if given:
        yield given
        return
    started = subprocess.run(["bash", "scripts/postgres.sh", "start"], cwd=ROOT, capture_output=True, text=True)
    if started.returncode != 0:
        raise RuntimeError(f"no PostgreSQL server: scripts/postgres.sh start failed:\n{started.stderr[-2000:]}")
    exports = dict(line.removeprefix("export ").split("=", 1) for line in started.stdout.splitlines() if line.startswith("export "))
    try:
        yield exports[POSTGRES_SERVER]
    finally:
        subprocess.run(["bash", "scripts/postgres.sh", "stop"], cwd=ROOT, env={**os.environ, **exports}, capture_output=True)


@contextlib.contextmanager
def empty_database(name: str, folder: Path) -> Iterator[str]:
    """An empty database's URL: a SQLite file in ``folder``, or a PostgreSQL database of its own, dropped after."""
    if name == "sqlite":
        yield default_url(folder)
        return
    from tests.databases import fresh_postgres_database

    with postgres_server() as server:
        made = fresh_postgres_database(server)
        try:
            yield next(made)
        finally:
            next(made, None)  # the database dropped


def durability_settings(database: Database) -> str:
    """How the database commits: what an acknowledged record rests on."""
    with database.engine.connect() as connection:
        if database.dialect == "sqlite":
            journal = connection.exec_driver_sql("PRAGMA journal_mode").scalar_one()
            synchronous = {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}[connection.exec_driver_sql("PRAGMA synchronous").scalar_one()]
            return f"journal_mode={journal}, synchronous={synchronous}"
        version = connection.exec_driver_sql("SHOW server_version").scalar_one()
        settings = {name: connection.exec_driver_sql(f"SHOW {name}").scalar_one() for name in ("fsync", "synchronous_commit")}
        return f"PostgreSQL {version}, " + ", ".join(f"{name}={value}" for name, value in settings.items())


def process_seconds(chosen: Callable[[int, int, int], bool]) -> float:
    """CPU seconds used so far by the processes that ``chosen(pid, parent, session)`` picks (Linux's /proc; none elsewhere)."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if chosen(int(stat.parent.name), int(fields[1]), int(fields[3])):
                total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def postmaster(database: Database) -> int | None:
    """The PostgreSQL server's main process, if it runs on this machine."""
    if database.dialect != "postgresql":
        return None
    with database.engine.connect() as connection:
        backend = connection.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()
    with contextlib.suppress(OSError, ValueError, IndexError):
        if Path(f"/proc/{backend}/comm").read_text().strip() == "postgres":
            return int(Path(f"/proc/{backend}/stat").read_text().rsplit(")", 1)[1].split()[1])
    return None


@dataclass(frozen=True)
class Watched:
    """The processes a decision uses: the API server (its session: its workers too), PostgreSQL's if here, and this one."""

    session: int
    postgres: int | None

    def seconds(self) -> float:
        return (
            sum(resource.getrusage(resource.RUSAGE_SELF)[:2])
            + process_seconds(lambda pid, parent, session: session == self.session)
            + (process_seconds(lambda pid, parent, session: self.postgres in (pid, parent)) if self.postgres else 0.0)
        )

    def busy(self) -> Busy:
        """The machine's busy CPU time, and ours: to tell what other processes took meanwhile."""
        return Busy(time.perf_counter(), Busy.now().machine, self.seconds())


def record_rows(database: Database) -> int:
    with database.engine.connect() as connection:
        return connection.exec_driver_sql("SELECT count(*) FROM decision_records").scalar_one()


# Measures


@dataclass
class Measured:
    database: str
    settings: str
    unrecorded: LoadResult
    keyed: LoadResult
    recorded: LoadResult
    cpu: dict[str, float]
    """CPU milliseconds a decision took, by kind: the server's, PostgreSQL's (if on this machine) and the load generator's."""
    rows_added: int
    others: str
    """What share of the CPUs other processes took while it was measured."""

    @property
    def ratio(self) -> float:
        return self.recorded.per_second / self.unrecorded.per_second

    @property
    def cost(self) -> float:
        return 1 - self.ratio

    @property
    def cpu_ratio(self) -> float:
        """Recorded decisions a second against unrecorded where CPU alone bounds them: CPU time per decision, inverted."""
        return self.cpu["unrecorded"] / self.cpu["recorded"]


def pooled(results: list[LoadResult]) -> LoadResult:
    return LoadResult([latency for result in results for latency in result.latencies], sum(result.seconds for result in results), 0)


def check_one_record(port: int, key: str) -> None:
    """A recorded answer carries its record's id, and the record reads back with the key."""
    status, _, answer = asyncio.run(one_request(port, request_bytes("POST", f"{ELIGIBILITY}?record=true", port, body(0), bearer(key))))
    if status != 200 or set(json.loads(answer).get("records", {})) != {"o1"}:
        raise RuntimeError(f"a recorded answer without its record: {status} {answer[:300]!r}")
    record_id = json.loads(answer)["records"]["o1"]
    status, _, shown = asyncio.run(one_request(port, request_bytes("GET", f"/api/v1/decisions/{record_id}", port, headers=bearer(key))))
    if status != 200 or json.loads(shown)["organisation"] != "o1":
        raise RuntimeError(f"the record {record_id} does not read back: {status} {shown[:300]!r}")


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def measure(name: str, url: str, arguments: argparse.Namespace, folder: Path) -> Measured:
    database = Database(url)
    try:
        database.migrate()
        _, key = KeyRing(database).create("benchmark", parse_scopes("record,read"), 1_000_000)
        settings = durability_settings(database)
        print(f"\n{name}: {settings}", flush=True)
        server = Server(
            f"server on {name}",
            [str(Path(sys.executable).parent / "kruger-rules"), "serve", "--port", "0", "--workers", str(arguments.workers)],
            0,
            env={"KRUGER_DATABASE_URL": url, "KRUGER_DATA_DIR": str(folder / f"{name}-data")},
        )
        server.port = free_port()
        server.command[server.command.index("0")] = str(server.port)
        server.start(folder)
        try:
            wait_until_ready(server, folder)
            assert server.process is not None
            return load(name, settings, server.port, Watched(server.process.pid, postmaster(database)), key, database, arguments)
        finally:
            server.stop()
    finally:
        database.dispose()


def load(name: str, settings: str, port: int, watched: Watched, key: str, database: Database, arguments: argparse.Namespace) -> Measured:
    """Warm up, then each kind of request in turn, round by round; the figures pooled by kind."""
    check_one_record(port, key)
    kinds = {
        "unrecorded": [request_bytes("POST", ELIGIBILITY, port, body(variant)) for variant in range(VARIANTS)],
        "keyed": [request_bytes("POST", ELIGIBILITY, port, body(variant), bearer(key)) for variant in range(VARIANTS)],
        "recorded": [request_bytes("POST", f"{ELIGIBILITY}?record=true", port, body(variant), bearer(key)) for variant in range(VARIANTS)],
    }
    for requests in kinds.values():
        asyncio.run(drive(port, requests, arguments.connections, arguments.warm_up))
    results: dict[str, list[LoadResult]] = {kind: [] for kind in kinds}
    cpu = dict.fromkeys(kinds, 0.0)
    rows_added = 0
    started = watched.busy()
    for _ in range(arguments.rounds):
        for kind, requests in kinds.items():
            before, seconds = record_rows(database), watched.seconds()
            result = asyncio.run(drive(port, requests, arguments.connections, arguments.seconds))
            cpu[kind] += watched.seconds() - seconds
            if result.errors:
                raise RuntimeError(f"{name}, {kind}: {result.errors} answers other than 200")
            if kind == "recorded":
                rows_added += record_rows(database) - before
            results[kind].append(result)
            print(f"  {kind:<10} {result.per_second:>8.1f} decisions/s  p50 {result.percentile(0.5):>6.1f} ms", flush=True)
    others = watched.busy().others_since(started)
    ratios = [
        recorded.per_second / unrecorded.per_second for unrecorded, recorded in zip(results["unrecorded"], results["recorded"], strict=True)
    ]
    print(f"  recorded / unrecorded by round: {', '.join(f'{ratio:.2f}x' for ratio in ratios)}; {others}", flush=True)
    per_decision = {kind: 1000 * cpu[kind] / sum(len(result.latencies) for result in results[kind]) for kind in kinds}
    return Measured(name, settings, *(pooled(results[kind]) for kind in kinds), per_decision, rows_added, others)


# The run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.records", description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=1, help="server worker processes (default: 1; see the module's documentation)")
    parser.add_argument("--connections", type=int, default=4, help="concurrent connections (default: 4)")
    parser.add_argument("--seconds", type=float, default=8.0, help="length of each load run (default: 8)")
    parser.add_argument("--rounds", type=int, default=3, help="runs of each kind of request, in turn (default: 3)")
    parser.add_argument("--databases", default=",".join(DATABASES), help="sqlite, postgresql or both (default: both)")
    parser.add_argument("--quick", action="store_true", help="one round of one second, for a smoke test (figures not meaningful)")
    arguments = parser.parse_args(argv)
    arguments.warm_up = 2.0
    if arguments.quick:
        arguments.seconds, arguments.rounds, arguments.warm_up = 1.0, 1, 0.5
    databases = [name.strip() for name in arguments.databases.split(",") if name.strip()]
    if not databases or set(databases) - set(DATABASES):
        parser.error(f"--databases: some of {', '.join(DATABASES)}")

    print(
        f"kruger-rules {rules_version()}: recorded decisions against unrecorded; {arguments.workers} worker(s) per server; "
        f"{os.cpu_count()} CPU(s); Python {platform.python_version()}; {datetime.date.today().isoformat()}",
        flush=True,
    )
    print(
        f"POST {ELIGIBILITY}, one organisation in its place ({VARIANTS} in turn), {arguments.connections} connections; "
        f"{arguments.rounds} round(s) of {arguments.seconds:g} s each, unrecorded, with a key, and ?record=true in turn",
        flush=True,
    )
    folder = Path(tempfile.mkdtemp(prefix="kruger-rules-records-benchmark-"))
    measured = []
    for name in databases:
        with empty_database(name, folder) as url:
            measured.append(measure(name, url, arguments, folder))
    return summary(measured)


def summary(measured: list[Measured]) -> int:
    print("\nSummary (CPU ms: a decision's CPU time, the server's, PostgreSQL's and the load generator's):", flush=True)
    print(f"{'database':<11} {'requests':<13} {'decisions/s':>11} {'p50 ms':>8} {'p95 ms':>8} {'CPU ms':>8}")
    for figures in measured:
        for label, kind in (("unrecorded", "unrecorded"), ("with a key", "keyed"), ("?record=true", "recorded")):
            result: LoadResult = getattr(figures, kind)
            latencies = f"{result.percentile(0.5):>8.1f} {result.percentile(0.95):>8.1f} {figures.cpu[kind]:>8.1f}"
            print(f"{figures.database:<11} {label:<13} {result.per_second:>11.1f} {latencies}")
        met = "met" if figures.cost <= GOAL else "not met"
        print(
            f"{figures.database:<11} {'ratio':<13} {figures.ratio:>10.2f}x   recording costs {figures.cost:.1%} of throughput "
            f"(goal: <= {GOAL:.0%}): {met}"
        )
        print(
            f"{'':<11} {'CPU ratio':<13} {figures.cpu_ratio:>10.2f}x   where CPU alone bounds them, recording would cost "
            f"{1 - figures.cpu_ratio:.1%} of throughput"
        )
        print(f"{'':<11} ({figures.settings}; {figures.others})")
    print()
    passed = True
    for figures in measured:
        answered = len(figures.recorded.latencies)
        same = figures.rows_added == answered
        passed &= same
        print(
            f"check: {figures.database}: rows added during the recorded runs equal the recorded answers "
            f"({figures.rows_added:,} and {answered:,}): {'yes' if same else 'no'}"
        )
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
