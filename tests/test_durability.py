"""Durability of decision records: a real server killed with SIGKILL in the middle of a load of recorded decisions.

A server answers ``POST /api/v1/eligibility?record=true`` only once its records are committed, so a record whose
answer arrived must survive whatever happens to the server next. Here the server process itself (uvicorn, not a
shell) is killed with SIGKILL while eight clients keep recording, after a set number of acknowledged answers rather
than after a wait, so that the kill always falls in the middle of the load; the requests in flight then fail. A
new server on the same database must find every acknowledged record, whole and sealed (through the API and
directly in the database), each naming the organisation that was sent; and the database itself must be sound:
SQLite's own integrity check, and on PostgreSQL every row read back and checked against its hash. A request in
flight when the server died may have been committed without its answer: such a record may or may not be found,
so records found are at least those acknowledged. The counts (sent, acknowledged, found) are printed
(``pytest -s``). It runs on SQLite (WAL) and on PostgreSQL (tests/databases.py).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import func, select

from kruger_rules.store import Database, DecisionBook
from kruger_rules.store.decision_records import DecisionRecord, RuleVersion

BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
CLIENTS = 8
KILL_AFTER = 120
"""Acknowledged answers before the server is killed."""
START_SECONDS = 60
REQUEST_SECONDS = 30
RECORD = "/api/v1/eligibility?record=true"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def situation(organisation: str, index: int) -> dict:
    """One organisation in a place, its facts varied by ``index``."""
    total = 5_000 + (index * 7_919) % 95_000
    return {
        "organisations": {
            organisation: {
                "organisation_type": "community_interest_company" if index % 2 else "registered_charity",
                "is_independent": index % 5 != 0,
                "months_since_established": 6 + index % 60,
                "months_trading": index % 48,
                "total_income": total,
                "trading_income": (total * (index % 10)) // 10,
                "profit_share_to_purpose": (index % 11) / 10,
            }
        },
        "places": {"p1": {"members": [organisation], "imd_decile": 1 + index % 10, "cni_decile": 1, "population": 8_000}},
    }


@dataclass
class Server:
    process: subprocess.Popen
    base_url: str


@contextmanager
def server(environment: dict[str, str], log: Path) -> Iterator[Server]:
    """``kruger-rules serve`` on a free port, ready (its health answered); stopped at the end if still running."""
    port = free_port()
    with open(log, "ab") as output:
        process = subprocess.Popen(
            [BIN / "kruger-rules", "serve", "--port", str(port)],
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base_url = f"http://{HOST}:{port}"
    try:
        deadline = time.monotonic() + START_SECONDS
        while True:
            try:
                if httpx.get(f"{base_url}/api/v1/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert process.poll() is None, f"the server exited while starting:\n{log.read_text()[-3000:]}"
            assert time.monotonic() < deadline, f"the server did not answer within {START_SECONDS} s:\n{log.read_text()[-3000:]}"
            time.sleep(0.1)
        yield Server(process, base_url)
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=30)


@dataclass
class Load:
    """Clients recording decisions until the server goes away: what they sent and what was acknowledged."""

    base_url: str
    key: str
    sent: dict[str, int] = field(default_factory=dict)
    """Organisation id → its situation's index, for every request started."""
    acknowledged: dict[str, str] = field(default_factory=dict)
    """Organisation id → the record id its answer gave."""
    failed: int = 0
    """Requests that got no answer: in flight when the server died, or sent after."""
    refused: list[str] = field(default_factory=list)
    """Answers other than 200: none is expected."""
    lock: threading.Lock = field(default_factory=threading.Lock)
    enough: threading.Event = field(default_factory=threading.Event)

    def client(self, number: int) -> None:
        with httpx.Client(base_url=self.base_url, headers={"Authorization": f"Bearer {self.key}"}, timeout=REQUEST_SECONDS) as http:
            for index in range(number, 1_000_000, CLIENTS):
                organisation = f"client{number}_organisation{index}"
                with self.lock:
                    self.sent[organisation] = index
                try:
                    answer = http.post(RECORD, json={"situation": situation(organisation, index), "period": "2024"})
                except httpx.TransportError:
                    with self.lock:
                        self.failed += 1
                    return
                with self.lock:
                    if answer.status_code != 200:
                        self.refused.append(f"{answer.status_code} {answer.text[:300]}")
                        self.enough.set()
                        return
                    self.acknowledged[organisation] = answer.json()["records"][organisation]
                    if len(self.acknowledged) >= KILL_AFTER:
                        self.enough.set()


def create_key(environment: dict[str, str]) -> str:
    made = subprocess.run(
        [BIN / "kruger-rules", "keys", "create", "--name", "durability", "--scopes", "record,read", "--rate-limit", "100000"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert made.returncode == 0, made.stderr
    return made.stdout.strip()


def assert_database_sound(database: Database, load: Load) -> int:
    """The database's own check, then every record row read back and checked against its hash; the rows counted."""
    with database.engine.connect() as connection:
        if database.dialect == "sqlite":
            assert connection.exec_driver_sql("PRAGMA integrity_check").scalars().all() == ["ok"]
            assert connection.exec_driver_sql("PRAGMA foreign_key_check").all() == []
        counted = connection.execute(select(func.count()).select_from(DecisionRecord)).scalar_one()
        ids = connection.execute(select(func.count(func.distinct(DecisionRecord.id)))).scalar_one()
        organisations = connection.execute(select(func.count(func.distinct(DecisionRecord.organisation)))).scalar_one()
        keys = connection.execute(select(DecisionRecord.key_id).distinct()).scalars().all()
        rule_versions = connection.execute(select(func.count()).select_from(RuleVersion)).scalar_one()
    assert counted == ids == organisations, "each request recorded its one organisation once"
    assert len(keys) == 1 and keys[0] is not None, "every record names the key that made it"
    assert rule_versions == 1, "the formulas' hashes are kept once for the rules version"
    book = DecisionBook(database)
    read, after = [], None
    while True:
        page, after = book.page(None, after=after, size=100, any_key=True)
        read += page
        if after is None:
            break
    assert len(read) == counted
    assert [record.id for record in read if not record.intact] == []
    assert {record.content["organisation"] for record in read} <= set(load.sent)
    for record in read:
        organisation = record.content["organisation"]
        assert record.content["situation"] == situation(organisation, load.sent[organisation])
    return counted


def test_every_acknowledged_record_survives_the_server_killed_under_load(database_url, tmp_path):
    environment = {
        **os.environ,
        "KRUGER_DATABASE_URL": database_url,
        "KRUGER_DATA_DIR": str(tmp_path / "data"),
    }
    log = tmp_path / "server.log"
    key = create_key(environment)
    with server(environment, log) as first:
        load = Load(first.base_url, key)
        clients = [threading.Thread(target=load.client, args=(number,), daemon=True) for number in range(CLIENTS)]
        for client in clients:
            client.start()
        assert load.enough.wait(timeout=120), f"fewer than {KILL_AFTER} answers in 120 s:\n{log.read_text()[-3000:]}"
        os.kill(first.process.pid, signal.SIGKILL)  # uvicorn itself: `kruger-rules serve` serves in its own process
        assert first.process.wait(timeout=30) == -signal.SIGKILL
        for client in clients:
            client.join(timeout=REQUEST_SECONDS + 10)
        assert not any(client.is_alive() for client in clients)
    assert load.refused == [], log.read_text()[-3000:]
    assert len(load.acknowledged) >= KILL_AFTER and load.failed >= 1
    assert len(load.sent) == len(load.acknowledged) + load.failed

    with server(environment, log) as second, httpx.Client(base_url=second.base_url, headers={"Authorization": f"Bearer {key}"}) as http:
        for organisation, record_id in load.acknowledged.items():
            shown = http.get(f"/api/v1/decisions/{record_id}")
            assert shown.status_code == 200, shown.text
            assert shown.json()["organisation"] == organisation
    database = Database(database_url)
    try:
        book = DecisionBook(database)
        for organisation, record_id in load.acknowledged.items():
            found = book.get(record_id, any_key=True)
            assert found is not None, f"the acknowledged record {record_id} of {organisation} is lost"
            record, _ = found
            assert record.intact and record.content["organisation"] == organisation
        found = assert_database_sound(database, load)
    finally:
        database.dispose()
    assert found >= len(load.acknowledged)
    print(
        f"\ndurability on {database.dialect}: {len(load.sent)} sent, {len(load.acknowledged)} acknowledged, "
        f"{load.failed} failed in flight or after the kill, {found} found after restart "
        f"({found - len(load.acknowledged)} committed without an answer), none corrupted"
    )
