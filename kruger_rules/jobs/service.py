"""The jobs of one server (impact and batch), as the API sees them: submit, read, reach a result file; start and stop the runner.

Making an :class:`ImpactJobs` touches nothing: the data folder and the database are opened when first
needed (a job submitted or read) or at ``start``, the server's start-up, which also starts the runner
unless the server runs no jobs (``slots`` 0: it queues jobs for another server on the same database and
data folder to run). ``stop`` ends the runner and closes the database.
"""

from __future__ import annotations

import threading
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from kruger_rules.jobs.folders import JobFolders
from kruger_rules.jobs.runner import Runner
from kruger_rules.reforms import ReformSpec
from kruger_rules.store import Database, ImpactJob, JobKind, JobQueue, default_url, shown_url, utc_now


class StorageError(RuntimeError):
    """The data folder cannot be made, or the database cannot be opened: ``setting`` names which."""

    def __init__(self, setting: str, message: str) -> None:
        super().__init__(message)
        self.setting = setting


class ImpactJobs:
    """Every kind of job (named for the first): one database, one queue, one runner; a folder per kind."""

    def __init__(self, data_dir: Path, database_url: str | None, slots: int) -> None:
        self.data_dir, self.database_url, self.slots = Path(data_dir), database_url, slots
        self.lock = threading.Lock()
        self.database: Database | None = None
        self.runner: Runner | None = None

    @property
    def folders(self) -> JobFolders:
        """The impact jobs' folders."""
        return self.folders_of(JobKind.IMPACT)

    def folders_of(self, kind: JobKind) -> JobFolders:
        return JobFolders(self.data_dir, kind)

    @property
    def queue(self) -> JobQueue:
        return JobQueue(self.opened())

    def opened(self) -> Database:
        """The database, opened on first use: the data folder made, the schema migrated to the newest revision."""
        with self.lock:
            if self.database is None:
                try:
                    self.data_dir.mkdir(parents=True, exist_ok=True)
                except OSError as error:
                    raise StorageError("data_dir", f"the folder {self.data_dir} cannot be made ({error.strerror})") from None
                url = self.database_url or default_url(self.data_dir)
                try:
                    database = Database(url)
                    database.migrate()
                except (SQLAlchemyError, ValueError, OSError) as error:
                    reason = getattr(error, "orig", None) or error
                    raise StorageError("database_url", f"the database {shown_url(url)} cannot be opened ({reason})") from None
                self.database = database
            return self.database

    def start(self) -> None:
        database = self.opened()
        if self.slots and self.runner is None:
            self.runner = Runner(JobQueue(database), database.url, self.data_dir.resolve(), self.slots)
            self.runner.start()

    def stop(self) -> None:
        with self.lock:
            runner, database = self.runner, self.database
            self.runner = self.database = None
        if runner is not None:
            runner.stop()
        if database is not None:
            database.dispose()

    @staticmethod
    def new_id() -> str:
        return uuid.uuid4().hex

    def submit(
        self,
        job_id: str,
        reform: ReformSpec,
        period: str,
        population: dict[str, Any],
        kind: JobKind = JobKind.IMPACT,
        options: dict[str, Any] | None = None,
        rows: int | None = None,
        key_id: int | None = None,
    ) -> ImpactJob:
        """Queue a checked job (its files, if uploaded, already in its folder) and wake the runner.

        ``rows`` is the rows to do, if not the population's ``organisation_rows`` (a batch file's, estimated);
        ``key_id`` the key that submitted it, the only one that may read it.
        """
        job = ImpactJob(
            id=job_id,
            kind=kind,
            key_id=key_id,
            options=options,
            submitted_at=utc_now(),
            period=period,
            reform=reform.data,
            reform_label=reform.label,
            population=population,
            rows_total=population["organisation_rows"] if rows is None else rows,
            rows_done=0,
            attempts=0,
        )
        self.queue.submit(job)
        if self.runner is not None:
            self.runner.wake()
        return job

    def get(self, job_id: str, kind: JobKind = JobKind.IMPACT) -> ImpactJob | None:
        """The job ``job_id`` if it is of ``kind``: an id is found only where its kind is asked for."""
        job = self.queue.get(job_id)
        return job if job is not None and job.kind == kind else None

    def result_file(self, job: ImpactJob, name: str) -> Path | None:
        return self.folders_of(job.kind).result_file(job, name)

    def discard(self, job_id: str, kind: JobKind = JobKind.IMPACT) -> None:
        """Remove the folder of a submission that was refused."""
        self.folders_of(kind).remove(job_id)
