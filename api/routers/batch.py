"""Batch screening over the API: a file of organisations in, each row's outcome for every scheme out.

``POST /api/v1/batch`` reads the batch (api.batch_requests) and, up to ``KRUGER_BATCH_SYNC_ROWS`` rows,
screens it at once in a worker thread and answers the results file in the format ``Accept`` asked for; a
larger file is checked whole (its header, its places and procurements) and queued as a job (202), run by
the same runner as impact jobs: ``GET /api/v1/batch/{id}`` answers where it stands, and
``GET /api/v1/batch/{id}/files/{name}`` serves its results and its errors file. The batch's folder is
removed once answered at once, or refused; a job keeps it. ``GET /api/v1/batch/template`` and
``GET /api/v1/batch/dictionary`` say what a file may hold.

Screening is a calculation: open, or keyed by any valid key (``KRUGER_CALCULATION_ACCESS``, api.auth); a job is
read only as it was submitted, with the same key or (where calculations are open) with none.
"""

from __future__ import annotations

import functools
import io

import pyarrow as pa
import pyarrow.csv as pa_csv
from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, Response

from api.auth import CALCULATION_KEY_RESPONSES, CalculationKey, reads
from api.batch_answers import ANSWER_HEADERS, BatchDictionary, BatchJobAnswer, batch_job_answer, results_response
from api.batch_requests import MULTIPART_SCHEMA, Batch, Batched, sync_rows
from api.deps import AppSettings, Jobs
from api.jsonio import JSONResponse
from api.negotiation import ANSWER_TYPES
from api.routers.impact import FILE_HEADERS
from api.schemas import ErrorBody, error_responses
from api.uploads import MULTIPART
from kruger_rules.batch.dictionary import dictionary, template_columns
from kruger_rules.batch.layout import layout_of
from kruger_rules.errors import KrugerError, shortened
from kruger_rules.jobs.batch_uploads import FILE, check_files
from kruger_rules.jobs.batch_work import ERRORS, RESULTS, screened
from kruger_rules.jobs.folders import JOB_ID, MEDIA_TYPES, media_type
from kruger_rules.jobs.service import ImpactJobs
from kruger_rules.reforms import reformed_system
from kruger_rules.store import ApiKey, ImpactJob, JobKind
from kruger_rules.system import shared_system

router = APIRouter(prefix="/api/v1", tags=["Batch"])

TEMPLATE = "batch-template.csv"
BINARY = {"schema": {"type": "string", "format": "binary"}}
SUBMISSION = {
    "requestBody": {
        "required": True,
        "description": "The batch: the organisations' file, optionally its places and procurements files, the year, the reform.",
        "content": {MULTIPART: {"schema": MULTIPART_SCHEMA}},
    }
}


@router.get(
    "/batch/template",
    summary="An empty batch file to fill: the header of every input column, no row",
    response_class=Response,
    responses={200: {"description": "The template (CSV)", "content": {"text/csv": BINARY}}},
)
async def batch_template() -> Response:
    headers = {"Content-Disposition": f'attachment; filename="{TEMPLATE}"'}
    return Response(template_csv(), media_type=media_type(TEMPLATE), headers=headers)


@functools.cache
def template_csv() -> bytes:
    sink = io.BytesIO()
    columns = template_columns(layout_of(shared_system()))
    pa_csv.write_csv(pa.table({name: pa.array([], pa.string()) for name in columns}), sink)
    return sink.getvalue()


@router.get(
    "/batch/dictionary",
    summary="The data dictionary: every column a batch file may give and every column of its results, with type, unit, allowed values",
    response_model=BatchDictionary,
)
async def batch_dictionary():
    return JSONResponse(dictionary_answer())


@functools.cache
def dictionary_answer() -> dict:
    return {"columns": dictionary(layout_of(shared_system())).to_pylist()}


@router.post(
    "/batch",
    summary="Screen a file of organisations: every scheme's outcome for each row, at once or, for a large file, as a job",
    description="Answers the results in the format Accept asks for: text/csv (the default), application/vnd.apache.parquet (or "
    "application/x-parquet) or application/x-ndjson (or application/jsonl); anything else is 406. Every row of the file is in "
    "the results, in its order; a row with a bad cell has status error and its reasons in the column errors, and the other "
    "rows still run. A file of more rows than KRUGER_BATCH_SYNC_ROWS (with explain=true, than "
    "KRUGER_MAX_EXPLAINED_ORGANISATIONS) is checked whole and runs as a job: 202, with its address in Location.",
    status_code=200,
    response_class=Response,
    openapi_extra=SUBMISSION,
    responses={
        200: {
            "description": "The results, one row per row of the file: row, organisation_id, status (ok or error), errors, then "
            "each scheme's eligibility, amounts, dates and outcomes (with explain, its failed criteria and what would pass each)",
            "content": {media: BINARY for media in ANSWER_TYPES},
            "headers": ANSWER_HEADERS,
        },
        202: {"model": BatchJobAnswer, "description": "A large file, queued as a job; the Location header and `href` give its address"},
        **error_responses(400),
        **CALCULATION_KEY_RESPONSES,
        406: {"model": ErrorBody, "description": "Accept allows none of CSV, Parquet and JSON lines"},
        413: {"model": ErrorBody, "description": "The files are over the upload limit"},
        415: {"model": ErrorBody, "description": "The body is not multipart/form-data, or a file is not CSV, Parquet or JSON lines"},
    },
)
async def screen_batch(key: CalculationKey, batch: Batched, jobs: Jobs, settings: AppSettings, request: Request) -> Response:
    if batch.rows > sync_rows(settings, batch.explain):
        try:
            return await submitted(batch, jobs, request, key)
        except BaseException:
            await run_in_threadpool(jobs.discard, batch.id, JobKind.BATCH)
            raise
    try:
        return await run_in_threadpool(answered, batch)
    finally:
        await run_in_threadpool(jobs.discard, batch.id, JobKind.BATCH)


def answered(batch: Batch) -> Response:
    """The batch screened here and now (in a worker thread): its results file, read back before its folder is removed."""
    out = batch.folder / f"{RESULTS}.{batch.answer}"
    reform = None if batch.reform.is_baseline else batch.reform
    summary = screened(batch.sent, out, batch.folder / ERRORS, period=batch.period, reform=reform, explain=batch.explain)
    return results_response(out.read_bytes(), out.name, summary)


async def submitted(batch: Batch, jobs: ImpactJobs, request: Request, key: ApiKey | None) -> JSONResponse:
    """The batch checked whole, as its run will check it before any row, and queued: 202 and the job's address."""
    await run_in_threadpool(check_files, batch.sent, reformed_system(batch.reform))
    names = {upload.field: upload.name for upload in batch.sent}
    upload = {
        "source": "upload",
        "name": names[FILE],
        "places_name": names.get("places"),
        "procurements_name": names.get("procurements"),
        "bytes": batch.bytes,
        "files": {upload.field: {"name": upload.name, "file": upload.path.name} for upload in batch.sent},
    }
    options = {"explain": batch.explain, "format": batch.answer}
    key_id = key.id if key is not None else None
    job = await run_in_threadpool(jobs.submit, batch.id, batch.reform, batch.period, upload, JobKind.BATCH, options, batch.rows, key_id)
    answer = batch_job_answer(job, request)
    return JSONResponse(answer, status_code=202, headers={"Location": answer["href"]})


async def known_job(jobs: ImpactJobs, job_id: str, key: ApiKey | None) -> ImpactJob:
    """The batch job ``job_id``, if submitted as ``key`` asks for it."""
    job = await run_in_threadpool(jobs.get, job_id, JobKind.BATCH) if JOB_ID.match(job_id) else None
    if job is None or not reads(key, job):
        raise KrugerError("not_found", f"no batch job '{shortened(job_id)}'")
    return job


@router.get(
    "/batch/{job_id}",
    name="batch_job",
    summary="A batch job: its status and progress; once done, its counts and links to its results and errors file",
    response_model=BatchJobAnswer,
    responses={**CALCULATION_KEY_RESPONSES, **error_responses(404)},
)
async def batch_job(key: CalculationKey, job_id: str, jobs: Jobs, request: Request):
    return JSONResponse(batch_job_answer(await known_job(jobs, job_id, key), request))


@router.get(
    "/batch/{job_id}/files/{name}",
    name="batch_file",
    summary="A file of a done batch job: its results (CSV, Parquet or JSON lines) or its errors file (CSV)",
    response_class=FileResponse,
    responses={
        200: {"description": "The file", "content": {MEDIA_TYPES[suffix]: BINARY for suffix in (".csv", ".parquet", ".jsonl")}},
        **CALCULATION_KEY_RESPONSES,
        **error_responses(404),
    },
)
async def batch_file(key: CalculationKey, job_id: str, name: str, jobs: Jobs):
    job = await known_job(jobs, job_id, key)
    path = jobs.result_file(job, name)
    if path is None:
        raise KrugerError("not_found", f"batch job '{job_id}' has no file '{shortened(name)}' (a done job lists its files)")
    return FileResponse(path, media_type=media_type(name), headers=FILE_HEADERS, filename=name, content_disposition_type="attachment")
