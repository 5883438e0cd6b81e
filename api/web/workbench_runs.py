"""Impact runs from the workbench's pages: the officer's API key, a population sent with a run's form, a job read and shown.

Access is the API's, with no way around it. An impact job needs an API key with the scope ``impact``, checked as
every API request's key is (``api.auth.checked_key``: known, not revoked, the scope, the key's rate). A run's form
asks for the key in a password field, sent by POST only: never in an address, never logged, never written back into
a page or a cookie, and asked for every time, so that a page of another site cannot start a job. Once the job is
accepted, its pages are read with a token of its own: random, made for that job alone, kept by the browser in a
cookie (HttpOnly, SameSite=Strict, for /workbench only, Secure over HTTPS, gone when the browser closes), and kept by
the job as its SHA-256 only, so that the database holds nothing that reads a job. Each page compares the token in
constant time and asks the key ring whether the job's key has since been revoked: a revoked key's jobs are refused
at once. Without the token (another browser, a wrong one) a job does not exist; over the API, its key reads it.

A population is the shipped sample or a file sent with the form, read and checked whole as ``POST /api/v1/impact``
reads it (``api.impact_requests.saved_population``): the same formats, the same limit (``KRUGER_MAX_UPLOAD_BYTES``).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response

from api.impact_answers import read_tables
from api.impact_requests import saved_population
from api.web.checker import AnswerError
from api.web.form_keys import key_in_form
from api.web.workbench import ROOT
from kruger_rules.access import Scope
from kruger_rules.errors import KrugerError
from kruger_rules.jobs.folders import JOB_ID
from kruger_rules.jobs.populations import sample_population
from kruger_rules.jobs.service import ImpactJobs
from kruger_rules.population.charts import TITLES
from kruger_rules.population.measures import OVERALL
from kruger_rules.store import ApiKey, ImpactJob, JobStatus, KeyRing

KEY_FIELD = "key"
TOKEN_COOKIE = "workbench_job_"
"""The start of a job's cookie's name; the job's id ends it."""
TOKEN_BYTES = 32
READ_TOKEN = "read_token_sha256"
"""Where a job's ``options`` keep the SHA-256 of its read token."""
SAMPLE, UPLOAD = "sample", "upload"
FILE_FIELDS = ("population", "procurements")
STAGES = {
    "starting": "Starting",
    "computing": "Computing every organisation under the baseline and the reform",
    "tables": "Writing the tables",
    "charts": "Drawing the charts",
    "report": "Writing the report",
}
STATUS_WORDS = {JobStatus.QUEUED: "Queued", JobStatus.RUNNING: "Running", JobStatus.DONE: "Done", JobStatus.FAILED: "Failed"}
STATUS_COLOURS = {JobStatus.QUEUED: "grey", JobStatus.RUNNING: "blue", JobStatus.DONE: "green", JobStatus.FAILED: "red"}
SHOWN_TABLES = ("cost", "reach", "reach_by_region")
"""The tables the results and comparison pages show, the only ones read: the rest (by local authority, thousands of
rows) are downloads."""
DOWNLOADS = (".csv", ".png", ".html")
"""The files a results page offers: each table as CSV, each chart as PNG, the report (the job keeps Parquet and SVG too)."""


# The key


async def key_of(request: Request, text: str) -> ApiKey:
    """The key of ``text``, checked as an API request's key is, with the scope ``impact``; a ``KeyRefused`` if not."""
    return await key_in_form(request, text, Scope.IMPACT, KEY_FIELD)


# A job's read token


def new_read_token() -> tuple[str, dict[str, str]]:
    """A job's read token, and the job's ``options`` keeping its SHA-256 (options the API never answers with)."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    return token, {READ_TOKEN: token_digest(token)}


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_cookie(job_id: str) -> str:
    """The cookie of a job's token: one a job, so that a browser reads every job it ran (a comparison's two)."""
    return f"{TOKEN_COOKIE}{job_id}"


def remember(response: Response, request: Request, job_id: str, token: str) -> None:
    response.set_cookie(token_cookie(job_id), token, path=ROOT, httponly=True, samesite="strict", secure=request.url.scheme == "https")


def forget(response: Response, job_id: str) -> None:
    response.delete_cookie(token_cookie(job_id), path=ROOT, httponly=True, samesite="strict")


def holds_token(request: Request, job: ImpactJob) -> bool:
    """Whether the browser holds the job's read token: its SHA-256 compared with the job's in constant time."""
    token = request.cookies.get(token_cookie(job.id), "")
    kept = (job.options or {}).get(READ_TOKEN)
    return bool(token) and isinstance(kept, str) and hmac.compare_digest(token_digest(token), kept)


class RevokedKey(Exception):
    """The key that ran a job has been revoked since: its jobs are no longer read."""

    def __init__(self, key: ApiKey) -> None:
        super().__init__(key.name)
        self.key = key


# The population, and the job


def given(upload: UploadFile | str | None) -> UploadFile | None:
    """A file field's file, if one was chosen (a form sends an empty part, without a name, for none)."""
    if isinstance(upload, UploadFile) and (upload.filename or upload.size):
        return upload
    return None


async def population_of(jobs: ImpactJobs, job_id: str, source: str, files: dict[str, Any]) -> dict[str, Any]:
    """The job's population, checked whole as the API checks it: the shipped sample, or the files sent, kept in the job's folder."""
    if source == SAMPLE:
        return await run_in_threadpool(sample_population)
    population = given(files.get("population"))
    if population is None:
        raise AnswerError("Choose the population's file, a Parquet or CSV file", "population")
    try:
        return await saved_population(jobs, job_id, population, given(files.get("procurements")))
    except KrugerError as error:
        jobs.discard(job_id)
        field = "procurements" if error.path.startswith("$.procurements") else "population"
        raise AnswerError(error.message[:1].upper() + error.message[1:], field) from None


def copied_population(jobs: ImpactJobs, source_id: str, job_id: str, population: dict[str, Any]) -> dict[str, Any]:
    """A second job on the files of a first (a comparison's): its uploaded files copied into the second job's folder."""
    if population.get("file") is not None:
        shutil.copytree(jobs.folders.job(source_id), jobs.folders.job(job_id), ignore=shutil.ignore_patterns("run-*"))
    return population


def job_key(jobs: ImpactJobs, job: ImpactJob) -> ApiKey | None:
    return KeyRing(jobs.opened()).get(job.key_id) if job.key_id is not None else None


async def readable_job(jobs: ImpactJobs, request: Request, job_id: str) -> ImpactJob | None:
    """The job, if the browser holds its read token and its key still stands; to any other browser it does not exist.
    A ``RevokedKey`` if its key has been revoked since."""
    job = await run_in_threadpool(jobs.get, job_id) if JOB_ID.match(job_id) else None
    if job is None or not holds_token(request, job):
        return None
    key = await run_in_threadpool(job_key, jobs, job)
    if key is None:
        return None
    if key.revoked_at is not None:
        raise RevokedKey(key)
    return job


# A job as its pages show it


@dataclass(frozen=True)
class JobView:
    job: ImpactJob
    status: str
    colour: str
    progress: str
    tables: dict[str, list[dict[str, Any]]]
    charts: list[dict[str, str]]
    downloads: list[dict[str, Any]]

    @property
    def running(self) -> bool:
        return self.job.status in (JobStatus.QUEUED, JobStatus.RUNNING)

    @property
    def done(self) -> bool:
        return self.job.status == JobStatus.DONE

    def rows(self, table: str, **where: str) -> list[dict[str, Any]]:
        return [row for row in self.tables.get(table, []) if all(row.get(key) == value for key, value in where.items())]

    @property
    def where(self) -> list[dict[str, Any]]:
        """By region: any scheme that pays an organisation."""
        return self.rows("reach_by_region", scheme=OVERALL, entity="organisations")

    @property
    def amounts(self) -> list[dict[str, Any]]:
        """The reach rows of schemes that pay, whose amounts change by bucket."""
        return [row for row in self.tables.get("reach", []) if row.get("no_change") is not None]


def progress_text(job: ImpactJob) -> str:
    rows = f"{job.rows_done:,} of {job.rows_total:,} organisation rows computed"
    if job.status == JobStatus.QUEUED:
        return f"Waiting for a free place to run: {job.rows_total:,} organisation rows to compute"
    if job.status == JobStatus.RUNNING:
        return f"{STAGES.get(job.stage or '', 'Running')}: {rows}"
    if job.status == JobStatus.FAILED:
        return f"It failed: {(job.error or {}).get('message', 'no reason was recorded')}"
    return f"Done: {rows}"


def job_view(jobs: ImpactJobs, job: ImpactJob, files_root: str) -> JobView:
    """A job as its pages show it: where it stands and, once done, its tables, charts and files (read from its results folder)."""
    folder = jobs.folders.results(job)
    manifest = job.manifest or {}
    shown = [name for name in manifest.get("tables", []) if name in SHOWN_TABLES]
    tables = read_tables(folder, shown) if folder is not None else {}
    charts = [
        {"name": chart["name"], "title": TITLES.get(chart["name"], chart["title"]), "src": f"{files_root}/{chart['name']}.png"}
        for chart in manifest.get("charts", ())
    ]
    downloads = [
        {**entry, "href": f"{files_root}/{entry['name']}"} for entry in manifest.get("files", ()) if Path(entry["name"]).suffix in DOWNLOADS
    ]
    return JobView(job, STATUS_WORDS[job.status], STATUS_COLOURS[job.status], progress_text(job), tables, charts, downloads)
