"""One impact job, run in a process of its own: the impact, its report on disk, and its progress in the database.

The process is started by the server's runner with the job's id, its claim's token, the database URL and
the data folder: it reads everything else from the job's record. It works in the job's folder (so that
the report names an uploaded population by its file name, not by a server path), writes its results into
a folder of its own run, and renews its claim's lease as it goes (after each chunk and each part of the
report, and every ``HEARTBEAT_SECONDS`` in between). Should it find the claim no longer its own (the job
was recovered by another server while this process went on), it stops and leaves its results unrecorded.

A fault in the run fails the job with the fault's ``{"code", "message", "path"}``; an unexpected exception
is logged here and fails the job with a short reason. The server imports this module once (a fork
server preloads it), so a job's process starts with the engine already imported.
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
from pathlib import Path
from types import TracebackType
from typing import Any

from kruger_rules.errors import KrugerError
from kruger_rules.jobs.folders import JobFolders
from kruger_rules.jobs.owners import LEASE, owner
from kruger_rules.population.charts import TITLES
from kruger_rules.population.impact import Impact, run_impact
from kruger_rules.population.report import REPORT, write_report
from kruger_rules.store import Database, ImpactJob, JobQueue
from kruger_rules.store.job_queue import Claim

log = logging.getLogger("kruger_rules.jobs")

HEARTBEAT_SECONDS = 10.0
SERVER_PATHS = ("population", "population_files", "assumptions_file")
"""Entries of a run's ``about`` that are paths on the server: the record keeps the rest."""


class Abandoned(Exception):
    """The job is no longer held by this process's claim."""


def run_job(job_id: str, token: str, database_url: str, data_dir: str) -> None:
    """Run the claimed job ``job_id``: the entry point of a job's process."""
    database = Database(database_url)
    queue, claim, folders = JobQueue(database), Claim(job_id, token), JobFolders(Path(data_dir))
    try:
        job = queue.get(job_id)
        if job is None or not queue.held(claim, LEASE, owner=owner(), stage="computing"):
            return
        with Heartbeat(queue, claim):
            run(job, claim, queue, folders)
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
        impact = run_impact(job.reform, population=job.population.get("file"), period=job.period, progress=progress)
        write_report(impact, results, step=step)
        if queue.finish(claim, results.name, manifest(impact, results), impact.about["rules_version"]):
            folders.remove_runs(job.id, keep=results.name)
        else:
            shutil.rmtree(results, ignore_errors=True)
    except Abandoned:
        shutil.rmtree(results, ignore_errors=True)
    except KrugerError as error:
        queue.fail(claim, error.as_dict())
    except Exception as error:
        log.exception("impact job %s failed", job.id)
        queue.fail(claim, {"code": "job_failed", "message": f"the job failed ({type(error).__name__}); the fault is logged", "path": "$"})


def manifest(impact: Impact, results: Path) -> dict[str, Any]:
    """What a done job left: its files (name, bytes), its report, its tables and charts by name, and what was run."""
    return {
        "report": REPORT,
        "files": [{"name": path.name, "bytes": path.stat().st_size} for path in sorted(results.iterdir()) if path.is_file()],
        "tables": list(impact.tables),
        "charts": [{"name": name, "title": title} for name, title in TITLES.items() if (results / f"{name}.png").is_file()],
        "about": {key: value for key, value in impact.about.items() if key not in SERVER_PATHS},
    }


class Heartbeat:
    """Renews the claim's lease every ``HEARTBEAT_SECONDS`` while the block runs, from a thread of its own."""

    def __init__(self, queue: JobQueue, claim: Claim) -> None:
        self.queue, self.claim = queue, claim
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self.beat, name="impact-job-heartbeat", daemon=True)

    def beat(self) -> None:
        while not self.stopped.wait(HEARTBEAT_SECONDS):
            try:
                self.queue.held(self.claim, LEASE)
            except Exception:  # the database may be away for a moment: the next beat tries again
                log.warning("impact job %s could not renew its lease", self.claim.job_id, exc_info=True)

    def __enter__(self) -> Heartbeat:
        self.thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None) -> None:
        self.stopped.set()
        self.thread.join()
