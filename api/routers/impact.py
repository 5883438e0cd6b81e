"""Impact jobs: a reform's cost and reach across a population, computed in the background.

``POST /api/v1/impact`` checks the submission whole (api.impact_requests) and answers 202 with the queued
job and its address (``Location``); ``GET /api/v1/impact/{id}`` answers where the job stands and, once
done, its tables and links; ``GET /api/v1/impact/{id}/files/{name}`` serves one of a done job's files. The
jobs, their queue and their runner are kruger_rules.jobs.

Every route needs an API key with the scope ``impact`` (api.auth), and a job is read only with the key that
submitted it: to another key it does not exist (404).
"""

from __future__ import annotations

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse

from api.auth import KEY_RESPONSES, ImpactKey, reads
from api.deps import Jobs
from api.impact_answers import ImpactJobAnswer, job_answer, read_tables
from api.impact_requests import MULTIPART_SCHEMA, ImpactRequest, Submitted
from api.jsonio import JSONResponse
from api.schemas import ErrorBody, error_responses, model_schema
from api.uploads import MULTIPART
from kruger_rules.errors import KrugerError, shortened
from kruger_rules.jobs.folders import JOB_ID, MEDIA_TYPES, media_type
from kruger_rules.jobs.service import ImpactJobs
from kruger_rules.store import ApiKey, ImpactJob

router = APIRouter(prefix="/api/v1", tags=["Impact"])

INLINE = {".html", ".svg", ".png"}
FILE_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; frame-ancestors 'none'",
}
"""A report is served from the API's own origin: it may show its charts and its own styles, and run nothing."""

SUBMISSION = {
    "requestBody": {
        "required": True,
        "description": "JSON to run on the shipped sample population; multipart/form-data to upload a population (Parquet or CSV).",
        "content": {"application/json": {"schema": model_schema(ImpactRequest)}, MULTIPART: {"schema": MULTIPART_SCHEMA}},
    }
}


def job_not_found(job_id: str) -> KrugerError:
    return KrugerError("not_found", f"no impact job '{shortened(job_id)}'")


async def known_job(jobs: ImpactJobs, job_id: str, key: ApiKey) -> ImpactJob:
    """The job ``job_id``, if ``key`` submitted it."""
    job = await run_in_threadpool(jobs.get, job_id) if JOB_ID.match(job_id) else None
    if job is None or not reads(key, job):
        raise job_not_found(job_id)
    return job


@router.post(
    "/impact",
    summary="Submit an impact job: a reform's cost and reach across a population, against the baseline",
    status_code=202,
    response_model=ImpactJobAnswer,
    openapi_extra=SUBMISSION,
    responses={
        202: {"description": "Queued; the Location header and `href` give the job's address"},
        **error_responses(400),
        **KEY_RESPONSES,
        413: {"model": ErrorBody, "description": "The body, or the uploaded population, is over its limit"},
        415: {"model": ErrorBody, "description": "The body is neither JSON nor multipart/form-data, or the file is not Parquet or CSV"},
    },
)
async def submit_impact(key: ImpactKey, submission: Submitted, jobs: Jobs, request: Request):
    try:
        job = await run_in_threadpool(
            jobs.submit, submission.job_id, submission.reform, submission.period, submission.population, key_id=key.id
        )
    except BaseException:
        jobs.discard(submission.job_id)
        raise
    answer = job_answer(job, request)
    return JSONResponse(answer, status_code=202, headers={"Location": answer["href"]})


@router.get(
    "/impact/{job_id}",
    name="impact_job",
    summary="An impact job: its status and progress; once done, its tables and links to its charts and files",
    response_model=ImpactJobAnswer,
    responses={**KEY_RESPONSES, **error_responses(404)},
)
async def impact_job(key: ImpactKey, job_id: str, jobs: Jobs, request: Request):
    job = await known_job(jobs, job_id, key)
    folder = jobs.folders.results(job)
    tables = await run_in_threadpool(read_tables, folder, (job.manifest or {}).get("tables", [])) if folder is not None else None
    return JSONResponse(job_answer(job, request, tables))


@router.get(
    "/impact/{job_id}/files/{name}",
    name="impact_file",
    summary="A file of a done impact job: a table (CSV, Parquet), a chart (PNG, SVG), the report (HTML) or about.json",
    response_class=FileResponse,
    responses={
        200: {
            "description": "The file",
            "content": {kind: {"schema": {"type": "string", "format": "binary"}} for kind in sorted(set(MEDIA_TYPES.values()))},
        },
        **KEY_RESPONSES,
        **error_responses(404),
    },
)
async def impact_file(key: ImpactKey, job_id: str, name: str, jobs: Jobs):
    job = await known_job(jobs, job_id, key)
    path = jobs.result_file(job, name)
    if path is None:
        raise KrugerError("not_found", f"impact job '{job_id}' has no file '{shortened(name)}' (a done job lists its files)")
    disposition = "inline" if path.suffix in INLINE else "attachment"
    return FileResponse(path, media_type=media_type(name), headers=FILE_HEADERS, filename=name, content_disposition_type=disposition)
