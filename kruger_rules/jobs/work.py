"""One job, run in a process of its own: its kind's work, its results on disk, and its progress in the database.

The process is started by the server's runner with the job's id, its claim's token, the database URL and
the data folder: it reads everything else from the job's record. It works in the job's folder (so that
a report names an uploaded file by its file name, not by a server path), has its kind's work
(``impact_work``, ``batch_work``) write the results into a folder of its own run, and renews its claim's
lease as it goes (at each report of progress, and every ``HEARTBEAT_SECONDS`` in between). Should it find
the claim no longer its own (the job was recovered by another server while this process went on), it stops
and leaves its results unrecorded.

A fault in the run fails the job with the fault's ``{"code", "message", "path"}``; an unexpected exception
is logged here and fails the job with a short reason. The server imports this module once (a fork
server preloads it), so a job's process starts with the engine already imported.
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from kruger_rules.errors import KrugerError
from kruger_rules.jobs.batch_work import batch_work
from kruger_rules.jobs.folders import JobFolders
from kruger_rules.jobs.impact_work import impact_work
from kruger_rules.jobs.owners import LEASE, owner
from kruger_rules.jobs.reporting import Finished, Reporter
from kruger_rules.store import Database, ImpactJob, JobKind, JobQueue
from kruger_rules.store.job_queue import Claim

log = logging.getLogger("kruger_rules.jobs")

HEARTBEAT_SECONDS = 10.0

WORK: dict[JobKind, Callable[[ImpactJob, Path, Reporter], Finished]] = {JobKind.IMPACT: impact_work, JobKind.BATCH: batch_work}
"""Each kind's work: the job, the folder to write its results into, and where to report progress."""


class Abandoned(Exception):
    """The job is no longer held by this process's claim."""


def run_job(job_id: str, token: str, database_url: str, data_dir: str) -> None:
    """Run the claimed job ``job_id``: the entry point of a job's process."""
    database = Database(database_url)
    queue, claim = JobQueue(database), Claim(job_id, token)
    try:
        job = queue.get(job_id)
        if job is None or not queue.held(claim, LEASE, owner=owner(), stage="computing"):
            return
        with Heartbeat(queue, claim):
            run(job, claim, queue, JobFolders(Path(data_dir), job.kind))
    finally:
        database.dispose()


def run(job: ImpactJob, claim: Claim, queue: JobQueue, folders: JobFolders) -> None:
    results = folders.run(job.id, claim.token)

    def progress(done: int, total: int) -> None:
        if not queue.held(claim, LEASE, rows_done=min(done, job.rows_total), stage="computing"):
            raise Abandoned

    def step(stage: str) -> None:
        if not queue.held(claim, LEASE, stage=stage):
            raise Abandoned

    try:
        folders.job(job.id).mkdir(parents=True, exist_ok=True)
        os.chdir(folders.job(job.id))
        finished = WORK[job.kind](job, results, Reporter(progress, step))
        if queue.finish(claim, results.name, finished.manifest, finished.rules_version, finished.rows):
            folders.remove_runs(job.id, keep=results.name)
        else:
            shutil.rmtree(results, ignore_errors=True)
    except Abandoned:
        shutil.rmtree(results, ignore_errors=True)
    except KrugerError as error:
        queue.fail(claim, error.as_dict())
    except Exception as error:
        log.exception("%s job %s failed", job.kind, job.id)
        queue.fail(claim, {"code": "job_failed", "message": f"the job failed ({type(error).__name__}); the fault is logged", "path": "$"})


class Heartbeat:
    """Renews the claim's lease every ``HEARTBEAT_SECONDS`` while the block runs, from a thread of its own."""

    def __init__(self, queue: JobQueue, claim: Claim) -> None:
        self.queue, self.claim = queue, claim
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self.beat, name="job-heartbeat", daemon=True)

    def beat(self) -> None:
        while not self.stopped.wait(HEARTBEAT_SECONDS):
            try:
                self.queue.held(self.claim, LEASE)
            except Exception:  # the database may be away for a moment: the next beat tries again
                log.warning("job %s could not renew its lease", self.claim.job_id, exc_info=True)

    def __enter__(self) -> Heartbeat:
        self.thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None) -> None:
        self.stopped.set()
        self.thread.join()
