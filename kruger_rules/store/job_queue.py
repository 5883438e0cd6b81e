"""The jobs' queue in the database, every kind in one: the one place that reads and writes the ``impact_jobs`` table.

A claim is one statement: it takes the oldest queued job only while fewer than the limit are running, so
servers sharing a database never run more than the limit between them (on PostgreSQL, claims also take a
transaction lock, since a count in one statement is not serialised there). Every later write about a running
job (progress, lease renewal, result, failure, release) names the claim's token and changes nothing if the
job is no longer held by it: a process that lost its claim cannot overwrite what the new holder writes.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import exists, func, select, update
from sqlalchemy.orm import Session

from kruger_rules.store.base import utc_now
from kruger_rules.store.database import Database
from kruger_rules.store.impact_jobs import ImpactJob, JobStatus

MAX_ATTEMPTS = 3
"""Claims a job may have: one left running by stopped servers this many times fails instead of running again."""

CLAIM_LOCK = 0x6B72_6A6F
"""The PostgreSQL advisory lock that serialises claims."""


@dataclass(frozen=True)
class Claim:
    job_id: str
    token: str


class JobQueue:
    def __init__(self, database: Database) -> None:
        self.database = database

    # --- Submission and reading ---

    def submit(self, job: ImpactJob) -> None:
        job.status = JobStatus.QUEUED
        with self.database.transaction() as session:
            session.add(job)

    def get(self, job_id: str) -> ImpactJob | None:
        with self.database.sessions() as session:
            return session.get(ImpactJob, job_id)

    def count(self, status: JobStatus) -> int:
        with self.database.sessions() as session:
            return session.scalar(select(func.count()).select_from(ImpactJob).where(ImpactJob.status == status)) or 0

    # --- Claims ---

    def claim(self, owner: str, limit: int, lease: datetime.timedelta) -> Claim | None:
        """The oldest queued job, claimed by ``owner`` until ``lease`` from now, if fewer than ``limit`` jobs are running."""
        with self.database.transaction() as session:
            if not session.scalar(select(exists().where(ImpactJob.status == JobStatus.QUEUED))):
                return None  # the usual answer, without taking a write lock
            if self.database.dialect == "postgresql":
                session.execute(select(func.pg_advisory_xact_lock(CLAIM_LOCK)))
            running = select(func.count()).select_from(ImpactJob).where(ImpactJob.status == JobStatus.RUNNING).scalar_subquery()
            oldest = (
                select(ImpactJob.id)
                .where(ImpactJob.status == JobStatus.QUEUED)
                .order_by(ImpactJob.submitted_at, ImpactJob.id)
                .limit(1)
                .scalar_subquery()
            )
            token, now = uuid.uuid4().hex, utc_now()
            claimed = session.execute(
                update(ImpactJob)
                .where(ImpactJob.id == oldest, running < limit)
                .values(
                    status=JobStatus.RUNNING,
                    run_token=token,
                    owner=owner,
                    lease_until=now + lease,
                    started_at=now,
                    stage="starting",
                    rows_done=0,
                    attempts=ImpactJob.attempts + 1,
                )
                .returning(ImpactJob.id)
                .execution_options(synchronize_session=False)
            ).scalar_one_or_none()
        return Claim(claimed, token) if claimed is not None else None

    def held(self, claim: Claim, lease: datetime.timedelta, **values: Any) -> bool:
        """Renew the claim's lease and write ``values`` (progress, stage, owner); False if the job is no longer held by it."""
        return self._update(claim, lease_until=utc_now() + lease, **values)

    def finish(self, claim: Claim, results: str, manifest: dict[str, Any], rules_version: str, rows: int | None = None) -> bool:
        """Record the job done; ``rows`` is the count the run found, for a job whose rows were estimated at submission."""
        counted = {"rows_total": rows, "rows_done": rows} if rows is not None else {"rows_done": ImpactJob.rows_total}
        return self._update(
            claim,
            status=JobStatus.DONE,
            finished_at=utc_now(),
            results=results,
            manifest=manifest,
            rules_version=rules_version,
            **counted,
            stage=None,
            lease_until=None,
        )

    def fail(self, claim: Claim, error: dict[str, str]) -> bool:
        return self._update(claim, status=JobStatus.FAILED, finished_at=utc_now(), error=error, stage=None, lease_until=None)

    def release(self, claim: Claim) -> bool:
        """Put a running job back in the queue, its claim not counted: its server is stopping and ended it."""
        return self._update(claim, **requeued(), attempts=ImpactJob.attempts - 1)

    def _update(self, claim: Claim, **values: Any) -> bool:
        with self.database.transaction() as session:
            return held_update(session, claim, values) == 1

    # --- Recovery ---

    def recover(self, alive: Callable[[str | None], bool]) -> dict[str, list[str]]:
        """Re-queue the running jobs no one holds any more: the lease lapsed, or ``alive(owner)`` says the holder is gone.

        A job re-runs from the start (its inputs are on disk, and a run is deterministic), so a stopped
        server costs time, not the job; one left running ``MAX_ATTEMPTS`` times fails instead, with the reason.
        """
        now = utc_now()
        with self.database.sessions() as session:
            running = session.execute(
                select(ImpactJob.id, ImpactJob.run_token, ImpactJob.owner, ImpactJob.lease_until, ImpactJob.attempts).where(
                    ImpactJob.status == JobStatus.RUNNING
                )
            ).all()
        found: dict[str, list[str]] = {"requeued": [], "failed": []}
        for job_id, token, owner, lease_until, attempts in running:
            if lease_until is not None and lease_until >= now and alive(owner):
                continue
            claim = Claim(job_id, token)
            if attempts >= MAX_ATTEMPTS:
                error = {
                    "code": "job_interrupted",
                    "message": f"the job was left unfinished {attempts} times by servers that stopped; submit it again",
                    "path": "$",
                }
                changed, outcome = self.fail(claim, error), "failed"
            else:
                changed, outcome = self._update(claim, **requeued()), "requeued"
            if changed:
                found[outcome].append(job_id)
        return found


def requeued() -> dict[str, Any]:
    return {
        "status": JobStatus.QUEUED,
        "run_token": None,
        "owner": None,
        "lease_until": None,
        "started_at": None,
        "stage": None,
        "rows_done": 0,
    }


def held_update(session: Session, claim: Claim, values: dict[str, Any]) -> int:
    """Update the job only while ``claim`` holds it; the number of rows changed (0 or 1)."""
    result = session.execute(
        update(ImpactJob)
        .where(ImpactJob.id == claim.job_id, ImpactJob.run_token == claim.token, ImpactJob.status == JobStatus.RUNNING)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount  # type: ignore[attr-defined]
