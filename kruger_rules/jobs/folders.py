"""The data folder's layout for jobs, a folder per kind, and the one way to reach a job's file from a name given by a caller.

    <data folder>/impact/<job id>/population.parquet                 the uploaded population, if any
                                 /population.procurements.parquet    (or .csv; its procurements, if sent)
                                 /run-<claim token>/                 one run's results; a done job names its run
    <data folder>/batch/<job id>/file.csv                            the uploaded batch file (or .parquet, .jsonl)
                                /places.csv, procurements.csv        its places and procurements files, if sent
                                /run-<claim token>/                  results.csv (or .parquet, .jsonl), errors.csv

A name asked for is served only if the done job's manifest lists it: it is never joined to a path
unchecked, so no name reaches outside the job's results.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

from kruger_rules.population.inputs import procurements_file
from kruger_rules.store import ImpactJob, JobKind, JobStatus

POPULATION = "population"
RUN_PREFIX = "run-"
JOB_ID = re.compile(r"^[0-9a-f]{32}$")

MEDIA_TYPES = {
    ".csv": "text/csv; charset=utf-8",
    ".parquet": "application/vnd.apache.parquet",
    ".jsonl": "application/x-ndjson",
    ".png": "image/png",
    ".svg": "image/svg+xml",
    ".html": "text/html; charset=utf-8",
    ".json": "application/json",
}
"""The media type of each kind of result file."""


class JobFolders:
    def __init__(self, data_dir: Path, kind: JobKind = JobKind.IMPACT) -> None:
        self.root = Path(data_dir).resolve() / kind.value

    def job(self, job_id: str) -> Path:
        if not JOB_ID.match(job_id):
            raise ValueError(f"not a job id: {job_id!r}")
        return self.root / job_id

    def population(self, job_id: str, suffix: str) -> Path:
        return self.job(job_id) / f"{POPULATION}{suffix}"

    def procurements(self, job_id: str, suffix: str) -> Path:
        return procurements_file(self.population(job_id, suffix))

    def run(self, job_id: str, token: str) -> Path:
        return self.job(job_id) / f"{RUN_PREFIX}{token}"

    def results(self, job: ImpactJob) -> Path | None:
        """The folder of a done job's results."""
        if job.status != JobStatus.DONE or not job.results or not job.manifest:
            return None
        return self.job(job.id) / job.results

    def result_file(self, job: ImpactJob, name: str) -> Path | None:
        """The path of the done job's result file ``name``, if its manifest lists one by that name."""
        folder = self.results(job)
        if folder is None or name not in {entry["name"] for entry in (job.manifest or {}).get("files", ())}:
            return None
        path = folder / name
        return path if path.is_file() else None

    def remove(self, job_id: str) -> None:
        shutil.rmtree(self.job(job_id), ignore_errors=True)

    def remove_runs(self, job_id: str, keep: str | None = None) -> None:
        """Remove the job's run folders but ``keep``: those of runs that were stopped or lost their claim."""
        folder = self.job(job_id)
        for run in folder.glob(f"{RUN_PREFIX}*") if folder.is_dir() else ():
            if run.name != keep:
                shutil.rmtree(run, ignore_errors=True)


def listed(results: Path) -> list[dict[str, Any]]:
    """A run's files as its manifest lists them (the names that may be served): name and bytes."""
    return [{"name": path.name, "bytes": path.stat().st_size} for path in sorted(results.iterdir()) if path.is_file()]


def media_type(name: str) -> str:
    return MEDIA_TYPES.get(Path(name).suffix, "application/octet-stream")
