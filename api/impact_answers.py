"""An impact job as the API answers it: where it stands, what it was asked, and, once done, its tables and links.

The tables are read from the job's Parquet files and given as JSON rows (an empty cell as null); every
file of the job, the charts and the report are links to ``/api/v1/impact/{id}/files/{name}``. The models
here describe the answer for the OpenAPI document; the answer itself is built as plain JSON.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any, Literal

import pandas as pd
from pydantic import BaseModel, Field
from starlette.requests import Request

from kruger_rules.jobs.folders import media_type
from kruger_rules.store import ImpactJob, JobStatus

SHOWN_POPULATION = ("source", "name", "procurements_name", "bytes", "organisation_rows", "procurement_rows")
"""What an answer says of a job's population (not where the server keeps it)."""


class ImpactProgress(BaseModel):
    stage: Literal["starting", "computing", "tables", "charts", "report"] | None = Field(
        description="What a running job is doing; null when it is not running."
    )
    done: int = Field(description="Organisation rows computed.")
    total: int = Field(description="Organisation rows in the population.")


class ImpactReform(BaseModel):
    label: str = Field(examples=["current_law"])
    data: dict[str, Any] = Field(description="The reform's normalised data form, which identifies it.")


class ImpactPopulation(BaseModel):
    source: Literal["sample", "upload"]
    name: str = Field(description="The file's name: the shipped sample's, or as uploaded.")
    procurements_name: str | None = Field(description="The procurements file's name, if there is one.")
    bytes: int
    organisation_rows: int
    procurement_rows: int


class ImpactError(BaseModel):
    code: str
    message: str
    path: str


class ImpactFile(BaseModel):
    name: str = Field(examples=["cost.csv"])
    bytes: int
    media_type: str = Field(examples=["text/csv; charset=utf-8"])
    href: str


class ImpactChart(BaseModel):
    name: str = Field(examples=["cost_against_budget"])
    title: str
    png: str = Field(description="Link to the chart as PNG.")
    svg: str = Field(description="Link to the chart as SVG.")


class ImpactResult(BaseModel):
    rules_version: str
    about: dict[str, Any] = Field(description="What was run: rows and weights, period, reform, chunks, seconds.")
    report: str = Field(description="Link to the HTML report, which embeds the charts and states what the figures rest on.")
    tables: dict[str, list[dict[str, Any]]] = Field(description="Every table by name (cost, reach, reach by region...), as rows.")
    charts: list[ImpactChart]
    files: list[ImpactFile] = Field(
        description="Every file of the job: each table as CSV and Parquet, each chart as PNG and SVG, the report."
    )


class ImpactJobAnswer(BaseModel):
    id: str = Field(examples=["3f2b9c0d4e5f46a7b8c9d0e1f2a3b4c5"])
    status: Literal["queued", "running", "done", "failed"]
    href: str = Field(description="This answer's address, to ask again.")
    submitted_at: datetime.datetime
    started_at: datetime.datetime | None
    finished_at: datetime.datetime | None
    period: str = Field(examples=["2024"])
    reform: ImpactReform
    population: ImpactPopulation
    progress: ImpactProgress
    error: ImpactError | None = Field(description="Why a failed job failed.")
    result: ImpactResult | None = Field(description="A done job's tables and links; null until it is done.")


def moment(value: datetime.datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def job_fields(job: ImpactJob, href: str) -> dict[str, Any]:
    """What every kind of job answers: where it stands, what it runs, its progress and error; no result yet."""
    return {
        "id": job.id,
        "status": str(job.status),
        "href": href,
        "submitted_at": moment(job.submitted_at),
        "started_at": moment(job.started_at),
        "finished_at": moment(job.finished_at),
        "period": job.period,
        "reform": {"label": job.reform_label, "data": job.reform},
        "progress": {"stage": job.stage if job.status == JobStatus.RUNNING else None, "done": job.rows_done, "total": job.rows_total},
        "error": job.error,
        "result": None,
    }


def job_answer(job: ImpactJob, request: Request, tables: dict[str, list[dict[str, Any]]] | None = None) -> dict[str, Any]:
    """The job as JSON; ``tables`` (``read_tables``) are given when it is done."""
    answer = job_fields(job, str(request.url_for("impact_job", job_id=job.id)))
    answer["population"] = {key: job.population.get(key) for key in SHOWN_POPULATION}
    if job.status == JobStatus.DONE and job.manifest is not None:
        answer["result"] = result(job, request, tables or {})
    return answer


def result(job: ImpactJob, request: Request, tables: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    manifest = job.manifest or {}

    def link(name: str) -> str:
        return str(request.url_for("impact_file", job_id=job.id, name=name))

    return {
        "rules_version": job.rules_version,
        "about": manifest.get("about", {}),
        "report": link(manifest.get("report", "report.html")),
        "tables": tables,
        "charts": [
            {**chart, "png": link(f"{chart['name']}.png"), "svg": link(f"{chart['name']}.svg")} for chart in manifest.get("charts", ())
        ],
        "files": [{**entry, "media_type": media_type(entry["name"]), "href": link(entry["name"])} for entry in manifest.get("files", ())],
    }


def read_tables(folder: Path, names: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Each table of a done job's results folder, as JSON rows."""
    tables = {}
    for name in names:
        table = pd.read_parquet(folder / f"{name}.parquet")
        tables[name] = table.astype(object).where(table.notna(), None).to_dict("records")
    return tables
