"""Speed of the web API against `openfisca serve`, on the same rules, payloads and load generator.

Run from the project's root:  .venv/bin/python -m benchmarks.api  [--workers N] [--seconds S]

It starts both servers on loopback ports (this API with uvicorn, OpenFisca's with
`openfisca serve --country-package kruger_rules`, gunicorn), each with the same number of
worker processes, waits until both answer, then drives both with one load generator (HTTP/1.1
over asyncio, keeping connections open unless the server closes them) and prints:

* one organisation with every scheme's outputs, at 1 and 4 connections: requests per second,
  p50 and p99 latency, and the ratios (goals: at least 2x the requests per second, p99 at most
  half);
* one request of 1,000 and of 16,000 organisations: the time to the last byte of the answer,
  the ratio (goal: at least 50x faster at 16,000) and how each time grows with size (linear
  growth is 16x). OpenFisca's 16,000 is cut off after --reference-timeout seconds; the ratio
  is then a lower bound.

Both answers to the 1,000-organisation request are checked to be the same JSON. The servers
are stopped at the end, whatever happens. Everything runs in about five minutes or less.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime
import json
import os
import platform
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from kruger_rules.system import rules_version, shared_system  # noqa: E402

HOST = "127.0.0.1"
YEAR = "2024"
HEADLINE_OUTPUTS = {
    "organisation": ["is_social_enterprise", "right_to_serve_eligible", "match_trade_grant", "luc_fund_applicant_eligible", "crf_grant"],
    "place": ["place_is_left_behind", "luc_fund_place_award"],
}
VARIANTS = 32
"""Distinct one-organisation payloads sent in turn, so that no answer is ever the same twice in a row."""

ORGANISATION_TYPES = [
    "community_interest_company",
    "registered_charity",
    "company_limited_by_guarantee",
    "community_benefit_society",
    "parish_council",
    "unincorporated_community_group",
    "private_company",
    "local_authority",
]


# Payloads


def organisation_facts(index: int) -> dict:
    """Plausible facts for an organisation, varied by its index (deterministic)."""
    total = 5_000 + (index * 7_919) % 195_000
    return {
        "organisation_type": {YEAR: ORGANISATION_TYPES[index % len(ORGANISATION_TYPES)]},
        "has_social_purpose": {YEAR: index % 5 != 0},
        "is_independent": {YEAR: index % 7 != 0},
        "is_not_for_profit": {YEAR: index % 3 != 0},
        "has_asset_lock": {YEAR: index % 4 != 0},
        "months_since_established": {YEAR: 6 + index % 200},
        "months_trading": {YEAR: index % 150},
        "total_income": {YEAR: total},
        "trading_income": {YEAR: (total * (index % 10)) // 10},
        "profit_share_to_purpose": {YEAR: (index % 11) / 10},
        "member_count": {YEAR: index % 40},
        "governing_body_resident_share": {YEAR: (index % 9) / 8},
        "unconnected_board_members": {YEAR: index % 4},
        "has_bank_account": {YEAR: True},
        "has_annual_accounts": {YEAR: index % 6 != 0},
        "crf_requested_amount": {YEAR: 500 + (index * 37) % 25_000},
        "claim_service": {YEAR: "employment_support"},
        "claim_authority_type": {YEAR: "local_authority"},
        "claim_submission_date": {YEAR: f"{YEAR}-0{1 + index % 9}-15"},
    }


def outputs(entity: str) -> list[str]:
    system = shared_system()
    return sorted(name for name, variable in system.variables.items() if variable.entity.key == entity and variable.formulas)


def one_organisation_payload(variant: int = 1) -> dict:
    """One organisation in a place, commissioning a contract, with every output of every scheme asked for."""
    return {
        "organisations": {"o1": {**organisation_facts(variant), **{name: {YEAR: None} for name in outputs("organisation")}}},
        "places": {
            "p1": {
                "members": ["o1"],
                "imd_decile": {YEAR: 1},
                "cni_decile": {YEAR: 1},
                "population": {YEAR: 9_000},
                **{name: {YEAR: None} for name in outputs("place")},
            }
        },
        "procurements": {
            "c1": {
                "commissioners": ["o1"],
                "contract_value": {YEAR: 250_000},
                "contract_type": {YEAR: "services"},
                "social_value_weighting": {YEAR: 0.05},
                **{name: {YEAR: None} for name in outputs("procurement")},
            }
        },
    }


def many_organisations_payload(count: int) -> dict:
    """``count`` organisations in places of ten, each asking for the headline decisions."""
    organisations = {
        f"org{index}": {**organisation_facts(index), **{name: {YEAR: None} for name in HEADLINE_OUTPUTS["organisation"]}}
        for index in range(count)
    }
    ids = list(organisations)
    places = {
        f"place{start}": {
            "members": ids[start : start + 10],
            "imd_decile": {YEAR: 1 + start % 10},
            "cni_decile": {YEAR: 1 + (start // 10) % 10},
            "population": {YEAR: 4_000 + start % 12_000},
            **{name: {YEAR: None} for name in HEADLINE_OUTPUTS["place"]},
        }
        for start in range(0, count, 10)
    }
    return {"organisations": organisations, "places": places}


# Servers


@dataclass
class Server:
    name: str
    command: list[str]
    port: int
    env: dict = field(default_factory=dict)
    process: subprocess.Popen | None = None

    def start(self, log_dir: Path) -> None:
        log = open(log_dir / f"{self.name.replace(' ', '_')}.log", "wb")
        self.process = subprocess.Popen(
            self.command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **self.env}, start_new_session=True
        )

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def wait_until_ready(server: Server, log_dir: Path, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    request = request_bytes("GET", "/entities", server.port)
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.name} exited while starting; see its log in {log_dir}")
        try:
            status, _, _ = asyncio.run(asyncio.wait_for(one_request(server.port, request), 5))
            if status == 200:
                return
        except (TimeoutError, OSError, ConnectionError):
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{server.name} did not answer within {timeout:.0f} s")


# Load generator: raw HTTP/1.1 over asyncio, the same for both servers.


def request_bytes(method: str, path: str, port: int, body: bytes = b"", headers: dict[str, str] | None = None) -> bytes:
    head = f"{method} {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\nConnection: keep-alive\r\n"
    head += "".join(f"{name}: {value}\r\n" for name, value in (headers or {}).items())
    if body:
        head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
    return head.encode() + b"\r\n" + body


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bool, bytes]:
    """Status, whether the server keeps the connection open, and the body."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {name.strip().lower(): value.strip() for name, _, value in (line.partition(":") for line in lines[1:] if line)}
    if "content-length" in headers:
        body = await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        body = b""
        while True:
            size = int((await reader.readuntil(b"\r\n")).strip(), 16)
            chunk = await reader.readexactly(size + 2)
            if size == 0:
                break
            body += chunk[:-2]
    else:
        body = await reader.read()
    return status, headers.get("connection", "").lower() != "close", body


async def one_request(port: int, request: bytes) -> tuple[int, bool, bytes]:
    reader, writer = await asyncio.open_connection(HOST, port)
    try:
        writer.write(request)
        await writer.drain()
        return await read_response(reader)
    finally:
        writer.close()


@dataclass
class LoadResult:
    latencies: list[float]
    seconds: float
    errors: int

    @property
    def per_second(self) -> float:
        return len(self.latencies) / self.seconds

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000


async def drive(port: int, requests: list[bytes], connections: int, seconds: float, max_requests: int = 100_000) -> LoadResult:
    """``connections`` clients sending the requests in turn, back to back, for ``seconds``."""
    latencies: list[float] = []
    errors = 0
    sent = [0]
    deadline = time.perf_counter() + seconds

    async def client() -> None:
        nonlocal errors
        reader = writer = None
        while time.perf_counter() < deadline and len(latencies) < max_requests:
            if writer is None:
                reader, writer = await asyncio.open_connection(HOST, port)
            request = requests[sent[0] % len(requests)]
            sent[0] += 1
            started = time.perf_counter()
            writer.write(request)
            await writer.drain()
            status, keep_alive, _ = await read_response(reader)
            latencies.append(time.perf_counter() - started)
            errors += status != 200
            if not keep_alive:
                writer.close()
                reader = writer = None
        if writer is not None:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(connections)))
    return LoadResult(latencies, time.perf_counter() - started, errors)


def timed_request(port: int, request: bytes, timeout: float) -> tuple[float | None, bytes]:
    """Seconds to the last byte of the answer (None past ``timeout``) and the answer."""
    started = time.perf_counter()
    try:
        status, _, body = asyncio.run(asyncio.wait_for(one_request(port, request), timeout))
    except TimeoutError:
        return None, b""
    if status != 200:
        raise RuntimeError(f"status {status}: {body[:300]!r}")
    return time.perf_counter() - started, body


# The run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.api", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--workers", type=int, default=min(os.cpu_count() or 1, 4), help="worker processes for each server (default: CPUs, at most 4)"
    )
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each load run (default: 10)")
    parser.add_argument("--sizes", default="1000,16000", help="organisations in the single large requests (default: 1000,16000)")
    parser.add_argument(
        "--reference-timeout", type=float, default=150.0, help="longest wait for OpenFisca's largest answer (default: 150 s)"
    )
    arguments = parser.parse_args(argv)
    sizes = [int(size) for size in arguments.sizes.split(",")]

    bin_dir = Path(sys.executable).parent
    ours = Server(
        "kruger-rules API",
        [
            sys.executable,
            "-m",
            "uvicorn",
            "api.app:app",
            "--host",
            HOST,
            "--port",
            "0",
            "--workers",
            str(arguments.workers),
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        0,
        env={"KRUGER_MAX_BODY_BYTES": str(64 * 1024 * 1024)},
    )
    reference = Server(
        "openfisca serve",
        [str(bin_dir / "openfisca"), "serve", "--country-package", "kruger_rules", "--port", "0", "--workers", str(arguments.workers)],
        0,
    )
    for server in (ours, reference):
        server.port = free_port()
        server.command[server.command.index("0")] = str(server.port)

    log_dir = Path(tempfile.mkdtemp(prefix="kruger-rules-benchmark-"))
    print(
        f"kruger-rules {rules_version()} against openfisca serve; {arguments.workers} worker(s) each; "
        f"{os.cpu_count()} CPU(s); Python {platform.python_version()}; {datetime.date.today().isoformat()}",
        flush=True,
    )
    try:
        for server in (ours, reference):
            server.start(log_dir)
        for server in (ours, reference):
            wait_until_ready(server, log_dir)
        run(ours, reference, arguments, sizes)
    finally:
        for server in (ours, reference):
            server.stop()
    return 0


def run(ours: Server, reference: Server, arguments, sizes: list[int]) -> None:
    ones = [json.dumps(one_organisation_payload(variant)).encode() for variant in range(VARIANTS)]
    print(
        f"\nOne organisation, every scheme ({len(ones[0]):,} bytes; {VARIANTS} organisations in turn), {arguments.seconds:.0f} s per run",
        flush=True,
    )
    print(f"{'connections':>11}  {'server':<17} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}")
    for connections in (1, 4):
        results = {}
        for server in (ours, reference):
            requests = [request_bytes("POST", "/calculate", server.port, one) for one in ones]
            asyncio.run(drive(server.port, requests, connections, min(2.0, arguments.seconds)))
            results[server.name] = result = asyncio.run(drive(server.port, requests, connections, arguments.seconds))
            if result.errors:
                raise RuntimeError(f"{server.name} answered {result.errors} errors")
            print(
                f"{connections:>11}  {server.name:<17} {result.per_second:>8.1f} "
                f"{result.percentile(0.5):>8.1f} {result.percentile(0.99):>8.1f}",
                flush=True,
            )
        mine, theirs = results[ours.name], results[reference.name]
        print(
            f"{connections:>11}  {'ratio':<17} {mine.per_second / theirs.per_second:>7.2f}x "
            f"{theirs.percentile(0.5) / mine.percentile(0.5):>7.2f}x {theirs.percentile(0.99) / mine.percentile(0.99):>7.2f}x"
            "   (goals: req/s >= 2x, p99 <= half, i.e. >= 2x)",
            flush=True,
        )

    print("\nOne request of many organisations (headline decisions), seconds to the whole answer", flush=True)
    print(f"{'organisations':>13}  {'bytes':>11} {'this API':>9} {'openfisca':>10} {'ratio':>9}")
    timings: dict[str, dict[int, float | None]] = {ours.name: {}, reference.name: {}}
    for size in sizes:
        body = json.dumps(many_organisations_payload(size)).encode()
        mine, my_answer = timed_request(ours.port, request_bytes("POST", "/calculate", ours.port, body), 600)
        theirs, their_answer = timed_request(
            reference.port, request_bytes("POST", "/calculate", reference.port, body), arguments.reference_timeout
        )
        if theirs is not None and json.loads(my_answer) != json.loads(their_answer):
            raise RuntimeError(f"the two answers to {size:,} organisations differ")
        timings[ours.name][size], timings[reference.name][size] = mine, theirs
        shown = f"{theirs:>9.2f}s" if theirs is not None else f">{arguments.reference_timeout:>7.0f}s"
        ratio = f"{theirs / mine:>8.1f}x" if theirs is not None else f">={arguments.reference_timeout / mine:>6.1f}x"
        print(f"{size:>13,}  {len(body):>11,} {mine:>8.2f}s {shown} {ratio}", flush=True)
    if len(sizes) >= 2:
        small, large = sizes[0], sizes[-1]
        print(f"\nGrowth from {small:,} to {large:,} organisations ({large / small:.0f}x more; linear is {large / small:.0f}x):")
        for name, by_size in timings.items():
            if by_size.get(small) and by_size.get(large):
                print(f"  {name:<17} {by_size[large] / by_size[small]:.1f}x")
            else:
                print(f"  {name:<17} more than {arguments.reference_timeout / by_size[small]:.0f}x (cut off)")
        print(f"  goal: this API >= 50x faster at {large:,}")


if __name__ == "__main__":
    sys.exit(main())
