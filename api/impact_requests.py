"""The submission of an impact job, read and checked whole before the job exists: a bad one is a 4xx, never a failed job.

Two bodies ask for the same thing:

* JSON, on the shipped sample population: ``{"reform": ..., "period": "2024", "population": "sample"}``
  (:class:`ImpactRequest`, read within the body limits as every JSON body is);
* ``multipart/form-data``, on an uploaded population: the text fields ``reform`` (a named reform, or a
  reform's JSON) and ``period``, the file ``population`` (Parquet or CSV, as ``population generate``
  writes them) and, optionally, the file ``procurements`` (the same kind), within ``KRUGER_MAX_UPLOAD_BYTES``.

The reform is resolved as every route resolves one (api.deps.requested_reform, then its system is built),
the period checked, then the population read whole as the run will read it (its columns, kinds, wards):
an uploaded file is kept in the new job's folder, and removed if anything is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import Depends, Request
from pydantic import ConfigDict, Field, StrictInt, StrictStr, ValidationError, WithJsonSchema
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from api.deps import AppSettings, Jobs, read_json, refusal, requested_reform
from api.jsonio import is_json_content_type, parse_json
from api.requests import RequestBody, marked
from api.schemas import component
from api.settings import Settings
from api.uploads import MULTIPART, read_form
from kruger_rules.coverage import covered_year
from kruger_rules.errors import KrugerError, json_path
from kruger_rules.jobs.populations import checked_upload, file_suffix, sample_population, sent_name
from kruger_rules.jobs.service import ImpactJobs
from kruger_rules.reforms import ReformSpec, reformed_system

TEXT_FIELDS = ("reform", "period")
FILE_FIELDS = ("population", "procurements")
REFORM_TEXT = (
    'A named reform (as /api/v1/reforms lists them), or a reform\'s JSON: {"name": ..., "parameters": {...}} or '
    '{"parameter.path": {"YYYY-MM-DD": value}}.'
)


class ImpactRequest(RequestBody):
    """A reform, the year, and the population: the shipped sample (to run on your own, send the same as a form, with a file)."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"reform": "current_law", "period": "2024", "population": "sample"}]})
    shape = "the body must be a JSON object with a reform, a period and a population"
    field_list = "'reform', 'period' and 'population'"
    needs = {
        "reform": '\'reform\' is a named reform, {"name": ..., "parameters": {...}} or {"parameter.path": {"YYYY-MM-DD": value}}',
        "period": "'period' is the year, such as '2024'",
        "population": "'population' is 'sample' (the shipped sample); to run on your own population, upload it as multipart/form-data",
    }
    reported_first = ("extra_forbidden", "missing")

    reform: Annotated[StrictStr | dict[str, Any], WithJsonSchema(marked("Reform"))] = Field(
        description="The reform whose impact against the baseline is computed: " + REFORM_TEXT
    )
    period: Annotated[StrictStr | StrictInt, WithJsonSchema(marked("Year"))] = Field(description="The year computed, e.g. '2024'.")
    population: Literal["sample"] = Field("sample", description="'sample': the population shipped with the rules (data/README.md).")


MULTIPART_SCHEMA = {
    "type": "object",
    "required": ["reform", "period", "population"],
    "properties": {
        "reform": {"type": "string", "description": REFORM_TEXT, "examples": ["current_law"]},
        "period": {**component("Year"), "description": "The year computed, e.g. 2024."},
        "population": {
            "type": "string",
            "format": "binary",
            "description": "The organisations, a Parquet or CSV file as `kruger-rules population generate` writes it: organisation_id, "
            "ward_code, weight, then model inputs by their variable names (data/README.md).",
        },
        "procurements": {
            "type": "string",
            "format": "binary",
            "description": "Optional: their procurements, a file of the same kind (procurement_id, commissioner_id, weight, then inputs).",
        },
    },
    "additionalProperties": False,
}


@dataclass(frozen=True)
class Submission:
    job_id: str
    reform: ReformSpec
    period: str
    population: dict[str, Any]


def checked_reform_and_period(reform: Any, period: Any) -> tuple[ReformSpec, str]:
    """The reform, resolved and its system built, and the year, in that order (as the engine checks them)."""
    spec = requested_reform(None, reform)
    reformed_system(spec)
    return spec, str(covered_year(period, json_path("period")))


async def read_submission(request: Request, settings: AppSettings, jobs: Jobs) -> Submission:
    content_type = request.headers.get("content-type")
    if is_json_content_type(content_type):
        return await json_submission(request, settings, jobs)
    if (content_type or "").split(";", 1)[0].strip().lower() == MULTIPART:
        return await form_submission(request, settings, jobs)
    raise KrugerError(
        "unsupported_media_type",
        f"the body must be JSON (on the shipped population) or {MULTIPART} (with a population file), not {content_type or 'none'}",
    )


async def json_submission(request: Request, settings: Settings, jobs: ImpactJobs) -> Submission:
    body = await read_json(request, settings)
    try:
        asked = ImpactRequest.model_validate(body)
    except ValidationError as error:
        raise refusal(error.errors(), ImpactRequest) from None
    reform, period = checked_reform_and_period(asked.reform, asked.period)
    return Submission(jobs.new_id(), reform, period, await run_in_threadpool(sample_population))


async def form_submission(request: Request, settings: Settings, jobs: ImpactJobs) -> Submission:
    async with read_form(request, settings.max_upload_bytes, TEXT_FIELDS, FILE_FIELDS) as form:
        for name in (*TEXT_FIELDS, FILE_FIELDS[0]):
            if name not in form.fields and name not in form.files:
                raise KrugerError("bad_request", f"'{name}' is required", json_path(name))
        reform, period = checked_reform_and_period(form_reform(form.fields["reform"], settings.max_json_depth), form.fields["period"])
        job_id = jobs.new_id()
        try:
            population = await saved_population(jobs, job_id, form.files["population"], form.files.get("procurements"))
        except BaseException:
            jobs.discard(job_id)
            raise
    return Submission(job_id, reform, period, population)


def form_reform(text: str, max_depth: int) -> Any:
    """A form's reform: a name as it is, a JSON object parsed (strictly, within the depth limit)."""
    if not text.lstrip().startswith("{"):
        return text.strip()
    try:
        return parse_json(text.encode(), max_depth)
    except KrugerError as error:
        raise KrugerError(error.code, f"the reform is not valid JSON: {error.message}", json_path("reform")) from None


async def saved_population(jobs: ImpactJobs, job_id: str, population: UploadFile, procurements: UploadFile | None) -> dict[str, Any]:
    """The uploaded files, kept in the job's folder under the names the run reads, and checked whole."""
    suffix = await kind_of(population, "population")
    name = sent_name(population.filename, "population" + suffix)
    await save(population, jobs.folders.population(job_id, suffix))
    procurements_name = None
    if procurements is not None:
        if await kind_of(procurements, "procurements") != suffix:
            raise KrugerError("bad_population", f"the procurements file must be of the population's kind ({suffix[1:]})", "$.procurements")
        procurements_name = sent_name(procurements.filename, "procurements" + suffix)
        await save(procurements, jobs.folders.procurements(job_id, suffix))
    return await run_in_threadpool(checked_upload, jobs.folders.population(job_id, suffix), name, procurements_name)


async def kind_of(upload: UploadFile, field: str) -> str:
    head = await upload.read(4)
    await upload.seek(0)
    suffix = file_suffix(upload.filename or "", upload.content_type, head)
    if suffix is None:
        shown = sent_name(upload.filename, "the file")
        raise KrugerError("unsupported_file_type", f"'{shown}' is neither a Parquet (.parquet) nor a CSV (.csv) file", json_path(field))
    return suffix


async def save(upload: UploadFile, path: Path) -> None:
    def copy() -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        upload.file.seek(0)
        with path.open("wb") as out:
            while chunk := upload.file.read(1024 * 1024):
                out.write(chunk)

    await run_in_threadpool(copy)


Submitted = Annotated[Submission, Depends(read_submission)]
