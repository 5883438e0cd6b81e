"""The database layer: named constraints, UTC timestamps, SQLite in WAL mode, and the impact jobs' queue (claims within a limit,
claims that lapse or lose their holder, a lost claim that writes nothing); each test that touches a database runs on SQLite
and on PostgreSQL (the fixture ``database_url``)."""

from __future__ import annotations

import datetime
import subprocess
import sys

import pytest
from sqlalchemy import inspect, text

from kruger_rules.jobs.owners import alive, owner
from kruger_rules.store import Database, ImpactJob, JobKind, JobQueue, JobStatus, default_url, utc_now
from kruger_rules.store.database import checked_url
from kruger_rules.store.job_queue import MAX_ATTEMPTS

LEASE = datetime.timedelta(minutes=5)


def new_job(queue: JobQueue, number: int, at: datetime.datetime | None = None) -> str:
    job_id = f"{number:032x}"
    population = {"source": "sample", "name": "x.parquet", "organisation_rows": 10}
    queue.submit(
        ImpactJob(
            id=job_id,
            submitted_at=at or utc_now() + datetime.timedelta(seconds=number),
            period="2024",
            reform={"name": "current_law", "parameters": {}},
            reform_label="current_law",
            population=population,
            rows_total=10,
            rows_done=0,
            attempts=0,
        )
    )
    return job_id


def dead_owner() -> str:
    finished = subprocess.Popen([sys.executable, "-c", "pass"])
    finished.wait()
    return owner(finished.pid)


def test_constraints_are_named_by_the_convention(database):
    inspector = inspect(database.engine)
    assert inspector.get_pk_constraint("impact_jobs")["name"] == "pk_impact_jobs"
    assert {check["name"] for check in inspector.get_check_constraints("impact_jobs")} == {
        "ck_impact_jobs_job_status",
        "ck_impact_jobs_rows_done_within_total",
        "ck_impact_jobs_attempts_not_negative",
    }
    assert [index["name"] for index in inspector.get_indexes("impact_jobs")] == ["ix_impact_jobs_status_submitted_at"]


def test_sqlite_runs_in_wal_mode(tmp_path):
    database = Database(default_url(tmp_path))
    with database.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    database.dispose()


def test_timestamps_are_kept_in_utc_and_read_back_aware(database):
    queue = JobQueue(database)
    paris = datetime.timezone(datetime.timedelta(hours=1))
    job_id = new_job(queue, 1, at=datetime.datetime(2024, 3, 1, 13, 0, tzinfo=paris))
    assert queue.get(job_id).submitted_at == datetime.datetime(2024, 3, 1, 12, 0, tzinfo=datetime.UTC)
    assert queue.get(job_id).submitted_at.tzinfo is datetime.UTC
    with pytest.raises(Exception, match="naive datetime"):
        new_job(queue, 2, at=datetime.datetime(2024, 3, 1, 13, 0))


def test_a_job_is_read_from_a_new_connection_to_the_same_database(database, database_url):
    new_job(JobQueue(database), 1)
    reopened = Database(database_url)
    assert JobQueue(reopened).get(f"{1:032x}").status == JobStatus.QUEUED
    reopened.dispose()


def test_claims_keep_to_the_limit_and_take_the_oldest_first(database):
    queue = JobQueue(database)
    ids = [new_job(queue, number) for number in (3, 1, 2)]
    first, second = queue.claim(owner(), 2, LEASE), queue.claim(owner(), 2, LEASE)
    assert (first.job_id, second.job_id) == (ids[1], ids[2])
    assert queue.claim(owner(), 2, LEASE) is None  # two running: the third waits
    assert queue.count(JobStatus.RUNNING) == 2 and queue.count(JobStatus.QUEUED) == 1
    assert queue.finish(first, "run-x", {"files": []}, "0.0.0")
    third = queue.claim(owner(), 2, LEASE)
    assert third.job_id == ids[0]
    assert queue.claim(owner(), 5, LEASE) is None  # nothing left to claim


def test_a_claim_writes_only_while_it_holds_the_job(database):
    queue = JobQueue(database)
    job_id = new_job(queue, 1)
    claim = queue.claim(owner(), 1, LEASE)
    assert queue.held(claim, LEASE, rows_done=4, stage="computing")
    assert (queue.get(job_id).rows_done, queue.get(job_id).stage) == (4, "computing")
    assert queue.release(claim)
    assert queue.get(job_id).status == JobStatus.QUEUED and queue.get(job_id).attempts == 0  # a stop's release is not an attempt
    assert not queue.held(claim, LEASE, rows_done=9)
    assert not queue.finish(claim, "run-x", {}, "0.0.0") and not queue.fail(claim, {"code": "x", "message": "x", "path": "$"})
    assert queue.get(job_id).status == JobStatus.QUEUED


def test_recovery_requeues_jobs_whose_holder_is_gone_or_whose_lease_lapsed(database):
    queue = JobQueue(database)
    lost, lapsed, held = new_job(queue, 1), new_job(queue, 2), new_job(queue, 3)
    queue.claim(dead_owner(), 3, LEASE)
    queue.claim(owner(), 3, -LEASE)
    queue.claim(owner(), 3, LEASE)
    assert queue.recover(alive) == {"requeued": [lost, lapsed], "failed": []}
    assert [queue.get(job_id).status for job_id in (lost, lapsed, held)] == [JobStatus.QUEUED, JobStatus.QUEUED, JobStatus.RUNNING]
    assert queue.get(lost).run_token is None and queue.get(lost).attempts == 1


def test_a_job_left_running_too_often_fails_with_the_reason(database):
    queue = JobQueue(database)
    job_id = new_job(queue, 1)
    for _ in range(MAX_ATTEMPTS):
        assert queue.claim(dead_owner(), 1, LEASE) is not None
        found = queue.recover(alive)
    assert found == {"requeued": [], "failed": [job_id]}
    failed = queue.get(job_id)
    assert failed.status == JobStatus.FAILED and failed.error["code"] == "job_interrupted" and failed.finished_at is not None
    assert f"{MAX_ATTEMPTS} times" in failed.error["message"]


def test_an_owner_elsewhere_is_taken_to_be_alive():
    assert alive(owner()) and not alive(dead_owner()) and not alive(None)
    assert alive("another-host.example:1")


@pytest.mark.parametrize(
    ("url", "reason"),
    [("sqlite://", "in-memory"), ("sqlite:///:memory:", "in-memory"), ("not a url", "database URL"), ("nosuchdb://x/y", "installed")],
)
def test_a_url_the_store_cannot_keep_jobs_in_is_refused(url, reason):
    with pytest.raises(ValueError, match=reason):
        checked_url(url)


def test_a_relative_sqlite_path_is_made_absolute(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert checked_url("sqlite:///jobs/db.sqlite3").database == str(tmp_path / "jobs" / "db.sqlite3")


def test_a_job_is_an_impact_job_unless_its_kind_says_otherwise(database):
    queue = JobQueue(database)
    job_id = new_job(queue, 1)
    assert queue.get(job_id).kind == JobKind.IMPACT and queue.get(job_id).options is None
    claim = queue.claim(owner(), 1, LEASE)
    assert queue.finish(claim, "run-x", {"files": []}, "0.0.0", rows=12)  # rows counted by the run, where only estimated before
    assert (queue.get(job_id).rows_total, queue.get(job_id).rows_done) == (12, 12)


def test_a_table_made_by_a_version_older_than_the_migrations_is_refused_with_its_missing_columns(database_url):
    older = Database(database_url)
    with older.engine.begin() as connection:
        connection.execute(text("CREATE TABLE impact_jobs (id VARCHAR(32) PRIMARY KEY, status VARCHAR(16))"))
    with pytest.raises(ValueError, match="its table impact_jobs has no column kind, submitted_at, "):
        older.migrate()
    with older.engine.connect() as connection:  # refused whole: not left stamped as if migrated
        assert not inspect(connection).has_table("alembic_version")
    older.dispose()
