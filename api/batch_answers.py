"""A batch as the API answers it: its results at once (a file, with its counts in headers), or a job's status and links.

The models here describe the answers for the OpenAPI document; the answers themselves are built as plain
JSON, as an impact job's are (api.impact_answers, whose shapes of a reform, an error and a file they share).
"""

from __future__ import annotations

import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field
from starlette.requests import Request
from starlette.responses import Response

from api.impact_answers import ImpactError, ImpactFile, ImpactReform, job_fields
from kruger_rules.batch.run import BatchSummary
from kruger_rules.jobs.folders import media_type
from kruger_rules.store import ImpactJob, JobStatus
from kruger_rules.units import CURRENCY

ROWS_HEADER, FAILED_HEADER = "X-Batch-Rows", "X-Batch-Failed"
ANSWER_HEADERS = {
    ROWS_HEADER: {"description": "Rows screened", "schema": {"type": "integer", "minimum": 0}},
    FAILED_HEADER: {
        "description": "Rows with a bad cell (status error), each with its reasons",
        "schema": {"type": "integer", "minimum": 0},
    },
}
SHOWN_UPLOAD = ("name", "places_name", "procurements_name", "bytes")
"""What an answer says of a batch's files (not where the server keeps them)."""


def results_response(content: bytes, name: str, summary: BatchSummary) -> Response:
    """A batch answered at once: the results file, its rows and failed rows in headers."""
    headers = {
        ROWS_HEADER: str(summary.rows),
        FAILED_HEADER: str(summary.failed),
        "Content-Disposition": f'attachment; filename="{name}"',
        "X-Content-Type-Options": "nosniff",
    }
    return Response(content, media_type=media_type(name), headers=headers)


class BatchUpload(BaseModel):
    name: str = Field(description="The file's name, as sent.")
    places_name: str | None = Field(description="The places file's name, if one was sent.")
    procurements_name: str | None = Field(description="The procurements file's name, if one was sent.")
    bytes: int = Field(description="The files' size together.")


class BatchProgress(BaseModel):
    stage: Literal["starting", "computing"] | None = Field(description="What a running job is doing; null when it is not running.")
    done: int = Field(description="Rows screened.")
    total: int = Field(description="Rows of the file: counted from its lines until the job is done (a quoted line break counts one).")


class BatchAbout(BaseModel):
    rows: int
    ok: int = Field(description="Rows screened whole.")
    failed: int = Field(description="Rows with a bad cell: status error, and the reasons in their errors column and the errors file.")
    period: str
    reform: str | None = Field(description="The reform's label; null or 'baseline' for the rules in force.")
    explain: bool
    format: Literal["csv", "parquet", "jsonl"]
    rules_version: str
    seconds: float


class BatchResult(BaseModel):
    rules_version: str
    about: BatchAbout
    results: str = Field(description="Link to the results: every row, with its status, errors and every scheme's outcome.")
    errors: str = Field(description="Link to the errors file (CSV): one line per bad cell, with its row, column, value and reason.")
    files: list[ImpactFile]


class BatchJobAnswer(BaseModel):
    id: str = Field(examples=["3f2b9c0d4e5f46a7b8c9d0e1f2a3b4c5"])
    status: Literal["queued", "running", "done", "failed"]
    href: str = Field(description="This answer's address, to ask again.")
    submitted_at: datetime.datetime
    started_at: datetime.datetime | None
    finished_at: datetime.datetime | None
    period: str = Field(examples=["2024"])
    reform: ImpactReform
    upload: BatchUpload
    explain: bool
    format: Literal["csv", "parquet", "jsonl"] = Field(description="The results' format, as the submission's Accept asked.")
    progress: BatchProgress
    error: ImpactError | None = Field(description="Why a failed job failed.")
    result: BatchResult | None = Field(description="A done job's counts and links; null until it is done.")


def batch_job_answer(job: ImpactJob, request: Request) -> dict[str, Any]:
    options = job.options or {}
    answer = job_fields(job, str(request.url_for("batch_job", job_id=job.id)))
    answer["upload"] = {key: job.population.get(key) for key in SHOWN_UPLOAD}
    answer["explain"] = bool(options.get("explain"))
    answer["format"] = options.get("format")
    if job.status == JobStatus.DONE and job.manifest is not None:
        answer["result"] = result(job, request)
    return answer


def result(job: ImpactJob, request: Request) -> dict[str, Any]:
    manifest = job.manifest or {}

    def link(name: str) -> str:
        return str(request.url_for("batch_file", job_id=job.id, name=name))

    return {
        "rules_version": job.rules_version,
        "about": manifest.get("about", {}),
        "results": link(manifest["results"]),
        "errors": link(manifest["errors"]),
        "files": [{**entry, "media_type": media_type(entry["name"]), "href": link(entry["name"])} for entry in manifest.get("files", ())],
    }


class DictionaryColumn(BaseModel):
    column: str = Field(examples=["total_income"])
    direction: Literal["input", "result", "result (--explain)"] = Field(
        description="input: a column a batch file may give; result: a column of the results ('result (--explain)': with explain=true)."
    )
    entity: str = Field(description="What the column describes: organisation, place or procurement.", examples=["organisation"])
    type: str = Field(examples=["number"])
    unit: str = Field(examples=[CURRENCY])
    allowed_values: str = Field(examples=["numbers (digits, a point for decimals)"])
    default: str = Field(description="What a blank cell means.", examples=["0"])
    label: str


class BatchDictionary(BaseModel):
    """Every column a batch file may give and every column of its results, made from the rules' variables."""

    columns: list[DictionaryColumn]
