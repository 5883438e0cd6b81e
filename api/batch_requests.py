"""A batch as sent to ``POST /api/v1/batch``, read and checked before a row runs: a bad one is a 4xx, never a failed job.

The body is ``multipart/form-data`` within ``KRUGER_MAX_UPLOAD_BYTES``: the file ``file`` (the organisations:
CSV, Parquet or JSON lines), optionally the files ``places`` and ``procurements``, and the text fields
``period`` (the year), ``reform`` (a named reform, or a reform's JSON; the rules in force if left out) and
``explain`` (``true`` or ``false``). The reform is resolved as every route resolves one, the year checked,
and the files kept, streamed, in a new batch folder (``kruger_rules.jobs.batch_uploads``), removed if
anything is refused. The format of the answer is read first, from ``Accept`` (api.negotiation): a request
that accepts no format the API writes is refused before its body is read.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from api.deps import AppSettings, Jobs
from api.impact_requests import REFORM_TEXT, checked_reform_and_period, form_reform, save
from api.negotiation import answer_format
from api.schemas import component
from api.settings import Settings
from api.uploads import MULTIPART, read_form
from kruger_rules.errors import KrugerError, json_path
from kruger_rules.jobs.batch_uploads import FILE, FILE_FIELDS, Sent, estimated_rows, kept_path, sent_format
from kruger_rules.jobs.populations import sent_name
from kruger_rules.reforms import ReformSpec
from kruger_rules.store import JobKind

TEXT_FIELDS = ("period", "reform", "explain")
FLAGS = {"true": True, "false": False}

MULTIPART_SCHEMA = {
    "type": "object",
    "required": ["file", "period"],
    "properties": {
        "file": {
            "type": "string",
            "format": "binary",
            "description": "The organisations, one a row: CSV, Parquet or JSON lines, as its name says (.csv, .parquet, .jsonl) or "
            "else its media type. Its columns are organisation_id, then inputs by their variable names (GET "
            "/api/v1/batch/template, and GET /api/v1/batch/dictionary for what each means); a place by ward_code or by "
            "place_id, a contract by procurement_id.",
        },
        "places": {
            "type": "string",
            "format": "binary",
            "description": "Optional: the places the file's place_id names, one a row (place_id, then place inputs).",
        },
        "procurements": {
            "type": "string",
            "format": "binary",
            "description": "Optional: the contracts the file's procurement_id names, one a row (procurement_id, then procurement inputs).",
        },
        "period": {**component("Year"), "description": "The year screened, e.g. 2024."},
        "reform": {
            "type": "string",
            "description": "Optional: the reform to screen under (the rules in force if left out). " + REFORM_TEXT,
            "examples": ["current_law"],
        },
        "explain": {
            "type": "string",
            "enum": list(FLAGS),
            "default": "false",
            "description": "true: add each scheme's failed criteria and what would pass each (slower: see KRUGER_BATCH_SYNC_ROWS).",
        },
    },
    "additionalProperties": False,
}


@dataclass(frozen=True)
class Batch:
    """A checked batch: its folder (the job's, should it become one), its files, and what to run and answer."""

    id: str
    folder: Path
    sent: list[Sent]
    reform: ReformSpec
    period: str
    explain: bool
    answer: str
    """The format of the results: ``csv``, ``parquet`` or ``jsonl``."""
    rows: int
    """The file's rows, estimated cheaply (a Parquet file's own count, a text file's lines)."""
    bytes: int


async def read_batch(request: Request, settings: AppSettings, jobs: Jobs) -> Batch:
    answer = answer_format(request.headers.get("accept"))
    content_type = request.headers.get("content-type")
    if (content_type or "").split(";", 1)[0].strip().lower() != MULTIPART:
        raise KrugerError("unsupported_media_type", f"the body must be {MULTIPART}, with the file 'file', not {content_type or 'none'}")
    async with read_form(request, settings.max_upload_bytes, TEXT_FIELDS, FILE_FIELDS) as form:
        for name in (FILE, "period"):
            if name not in form.fields and name not in form.files:
                raise KrugerError("bad_request", f"'{name}' is required", json_path(name))
        reform = form_reform(form.fields["reform"], settings.max_json_depth) if "reform" in form.fields else None
        spec, period = checked_reform_and_period(reform, form.fields["period"])
        explain = flag(form.fields.get("explain", "false"), "explain")
        job_id = jobs.new_id()
        folder = jobs.folders_of(JobKind.BATCH).job(job_id)
        try:
            sent = [await kept(form.files[field], field, folder) for field in FILE_FIELDS if field in form.files]
            rows = await run_in_threadpool(estimated_rows, sent)
        except BaseException:
            jobs.discard(job_id, JobKind.BATCH)
            raise
    size = sum(upload.size or 0 for upload in form.files.values())
    return Batch(job_id, folder, sent, spec, period, explain, answer, rows, size)


def flag(text: str, field: str) -> bool:
    found = FLAGS.get(text.strip().lower())
    if found is None:
        raise KrugerError("bad_request", f"'{field}' is true or false, not '{text[:40]}'", json_path(field))
    return found


async def kept(upload: UploadFile, field: str, folder: Path) -> Sent:
    """The file of ``field`` kept in the batch's folder under its field's name and its format's suffix."""
    head = await upload.read(4)
    await upload.seek(0)
    kind = sent_format(upload.filename or "", upload.content_type, head)
    if kind is None:
        shown = sent_name(upload.filename, "the file")
        raise KrugerError(
            "unsupported_file_type",
            f"'{shown}' is not a CSV (.csv), Parquet (.parquet) or JSON lines (.jsonl) file, by its name or its media type",
            json_path(field),
        )
    path = kept_path(folder, field, kind)
    await save(upload, path)
    return Sent(field, sent_name(upload.filename, path.name), path)


def sync_rows(settings: Settings, explain: bool) -> int:
    """Most rows answered at once; more run as a job. Explanations take tens of milliseconds a row: their own, lower limit."""
    return min(settings.batch_sync_rows, settings.max_explained) if explain else settings.batch_sync_rows


Batched = Annotated[Batch, Depends(read_batch)]
