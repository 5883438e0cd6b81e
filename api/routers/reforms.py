"""Reforms over the API: the named reforms, comparisons, and the reform a request is answered under.

``GET /api/v1/reforms`` lists the named reforms with their descriptions and parameter changes;
``POST /api/v1/compare`` answers a situation under the baseline and each reform, side by side.
Other endpoints (/calculate, /trace, /api/v1/eligibility) answer under a reform when the request
names one: ``?reform=NAME``, and/or a top-level ``"reform"`` in the JSON body, which is a name,
``{"name": ..., "parameters": {...}}`` or ``{"parameter.path": {"YYYY-MM-DD": value}}``. Given
both, the body's parameters apply on top of the named reform. Reforms are data: no code is ever
taken from a request.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from api.jsonio import JSONResponse, parse_json, read_body, read_situation
from api.schemas import error_responses
from kruger_rules.compare import compare
from kruger_rules.errors import KrugerError, json_path
from kruger_rules.reforms import ReformSpec, describe_reforms, parse_reform, reformed_system
from kruger_rules.system import rules_version, shared_system

router = APIRouter(prefix="/api/v1", tags=["Reforms"])

MAX_COMPARED_REFORMS = 8
"""Most reforms in one comparison: each is a simulation of the whole situation."""

COMPARE_FIELDS = ("situation", "period", "reforms", "variables", "changed_only")

ReformQuery = Annotated[
    str | None,
    Query(
        description="A named reform to answer under (listed at /api/v1/reforms); a top-level \"reform\" in the body may add parameter changes.",
        examples=["current_law"],
    ),
]

REFORM_EXAMPLE = {"name": "current_law", "parameters": {"match_trade.in_force": {"2024-01-01": True}}}


# --- The reform of a request ---


def requested_reform(query_name: str | None, body_reform) -> ReformSpec:
    """The reform named by ``?reform=`` and/or given as the body's ``"reform"``, validated whole."""
    if query_name is None:
        return parse_reform(body_reform, ("reform",))
    named = parse_reform(query_name, ())
    if body_reform is None:
        return named
    body = parse_reform(body_reform, ("reform",))
    if body.name not in (None, named.name):
        raise KrugerError(
            "reform_conflict",
            f"?reform={named.name} and the body's reform '{body.name}' differ; name the reform once",
            json_path("reform", "name") if isinstance(body_reform, dict) else json_path("reform"),
        )
    return parse_reform({"name": named.name, "parameters": body.parameters}, ("reform",))


def reformed_system_for(query_name: str | None, body) -> tuple[object, ReformSpec]:
    """The system a request is answered on; a ``"reform"`` at the top of ``body`` is taken out of it."""
    body_reform = body.pop("reform", None) if isinstance(body, dict) else None
    spec = requested_reform(query_name, body_reform)
    return reformed_system(spec), spec


async def read_reformed_situation(request: Request, query_name: str | None) -> tuple[object, dict]:
    """The situation of a /calculate or /trace body, and the system its reform gives."""
    situation = await read_situation(request, shared_system())
    system, _ = reformed_system_for(query_name, situation)
    return system, situation


# --- GET /api/v1/reforms ---


class ParameterChange(BaseModel):
    parameter: str = Field(description="Dotted name in the parameter tree.", examples=["match_trade.cap"])
    label: str | None
    unit: str | None = Field(examples=["currency-GBP"])
    from_: str = Field(alias="from", description="The first day of the new value.", examples=["2020-09-24"])
    until: str | None = Field(description="The last day of the new value, after which the old one returns; null: from then on.")
    before: Any = Field(description="The baseline's value on the first day (null if the parameter had none yet).", examples=[10000])
    after: Any = Field(examples=[20000])


class NamedReform(BaseModel):
    name: str = Field(examples=["match_trade_cap_20k"])
    description: str
    structural: str | None = Field(description="What the reform changes in the rules themselves, beyond parameters; null for a reform of parameters only.")
    changes: list[ParameterChange]


class ReformsResponse(BaseModel):
    rules_version: str
    reforms: list[NamedReform]


@router.get("/reforms", summary="The named reforms, with their descriptions and parameter changes", response_model=ReformsResponse)
async def reforms():
    return JSONResponse({"rules_version": rules_version(), "reforms": describe_reforms()})


# --- POST /api/v1/compare ---


class CompareRequest(BaseModel):
    """A situation, the year, and the reforms to set beside the baseline."""

    situation: dict[str, Any] = Field(description="Organisations, places and procurements, with their facts (the variable names of /variables); nulls mark the outputs to compare.")
    period: str | int | None = Field(None, description="The year, e.g. '2024'; needed unless every value has its own period.")
    reforms: list[str | dict[str, Any]] = Field(
        min_length=1, max_length=MAX_COMPARED_REFORMS,
        description="Named reforms, or {\"name\": ..., \"parameters\": {...}}, or {\"parameter.path\": {\"YYYY-MM-DD\": value}}.",
        examples=[["current_law", REFORM_EXAMPLE]],
    )
    variables: list[str] | None = Field(None, description="Outputs to compare; default: the situation's nulls, else every computed variable.")
    changed_only: bool = Field(False, description="Only the outputs some reform changes.")


class ComparedValue(BaseModel):
    value: Any
    changed: bool
    difference: int | float | None = Field(description="Reform minus baseline for numbers, in days for dates; null otherwise.")


class ComparedOutput(BaseModel):
    entity: str
    id: str
    variable: str
    period: str
    baseline: Any
    reforms: list[ComparedValue] = Field(description="One per reform, in the order asked.")


class ComparedReform(BaseModel):
    label: str
    reform: dict[str, Any] = Field(description="The reform in its normalised data form, which identifies it.")


class CompareResponse(BaseModel):
    rules_version: str
    period: str | None
    reforms: list[ComparedReform]
    outputs: list[ComparedOutput]


@router.post(
    "/compare",
    summary="A situation under the baseline and each reform, side by side, with the differences",
    response_model=CompareResponse,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": CompareRequest.model_json_schema()}},
        }
    },
    responses=error_responses(400, 413, 415),
)
async def compare_reforms(request: Request):
    settings = request.app.state.settings
    body = parse_json(await read_body(request, settings.max_body_bytes), settings.max_json_depth)
    asked = checked_compare_request(body, settings.max_organisations)
    answer = await run_in_threadpool(
        compare, asked["situation"], asked.get("period"), asked["reforms"], asked.get("variables"), asked.get("changed_only", False), ("situation",),
    )
    return JSONResponse(answer)


def checked_compare_request(body, max_organisations: int) -> dict:
    """The body's fields, each of the right kind, or a 400 naming the first one at fault."""
    if not isinstance(body, dict):
        raise KrugerError("bad_request", "the body is a JSON object with a situation, a period and reforms")
    for field in body:
        if field not in COMPARE_FIELDS:
            raise KrugerError("bad_request", f"'{field}' is not a field of the body, which has {', '.join(COMPARE_FIELDS)}", json_path(field))
    for field in ("situation", "reforms"):
        if field not in body:
            raise KrugerError("bad_request", f"'{field}' is required", json_path(field))
    if not isinstance(body["situation"], dict):
        raise KrugerError("bad_request", "'situation' is a JSON object of entities: organisations, places, procurements", json_path("situation"))
    reforms = body["reforms"]
    if not isinstance(reforms, list) or not 1 <= len(reforms) <= MAX_COMPARED_REFORMS:
        raise KrugerError("bad_request", f"'reforms' is a list of 1 to {MAX_COMPARED_REFORMS} reforms", json_path("reforms"))
    if "changed_only" in body and not isinstance(body["changed_only"], bool):
        raise KrugerError("bad_request", "'changed_only' is true or false", json_path("changed_only"))
    persons = shared_system().person_entity.plural
    instances = body["situation"].get(persons)
    if isinstance(instances, dict) and len(instances) > max_organisations:
        raise KrugerError(
            "too_many_organisations",
            f"{len(instances):,} {persons} in one request; the limit is {max_organisations:,}: split the request",
            json_path("situation", persons),
        )
    return body
