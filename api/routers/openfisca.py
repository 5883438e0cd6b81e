"""The endpoints of OpenFisca's web API, answering the same JSON as `openfisca serve`.

Descriptions of entities, variables and parameters come from OpenFisca's own loader, so they
match it field for field. Calculations run on the engine (api.calculation): one vectorised
simulation per request, each requested variable computed once for every entity; small requests
that arrive together share one simulation (api.batching).
Where this API answers differently (clear 4xx errors in one JSON shape, ISO dates, no
phantom groups), tests/test_api_compatibility.py names each difference.
"""

from __future__ import annotations

import functools

import orjson
from fastapi import APIRouter, Request
from openfisca_web_api.loader import build_data
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from api.auth import CALCULATION_KEY_RESPONSES, CalculationKey
from api.calculation import traced
from api.deps import Baseline, Reformed, Situation
from api.jsonio import JSONResponse
from api.schemas import described_as, error_responses, json_answer, json_body
from kruger_rules.errors import KrugerError, did_you_mean

router = APIRouter(tags=["OpenFisca Web API"])


@functools.lru_cache(maxsize=8)
def described(system):
    """OpenFisca's description of a system: entities, variables, parameters and its OpenAPI spec."""
    return build_data(system)


@functools.lru_cache(maxsize=64)
def rendered_listing(system, kind: str, base_url: str) -> bytes:
    """/variables or /parameters as JSON, with links under ``base_url``, rendered once per host."""
    data = described(system)
    if kind == "variables":
        listing = {
            name: {"description": variable["description"], "href": f"{base_url}variable/{name}"}
            for name, variable in data["variables"].items()
        }
    else:
        listing = {
            parameter["id"]: {"description": parameter["description"], "href": f"{base_url}parameter/{name}"}
            for name, parameter in data["parameters"].items()
            if parameter.get("subparams") is None
        }
    return orjson.dumps(listing)


def raw_json(content: bytes) -> Response:
    return Response(content=content, media_type="application/json")


@router.get("/", summary="Where to start", include_in_schema=False)
async def root(request: Request):
    return JSONResponse(
        {
            "welcome": "This is the kruger-rules web API, compatible with OpenFisca's. "
            f"Interactive documentation: {request.base_url}docs; OpenFisca's OpenAPI specification: {request.base_url}spec."
        }
    )


@router.get("/entities", summary="List all entities", responses={**described_as("entities", "Each entity by key"), **error_responses(400)})
async def entities(system: Baseline):
    return JSONResponse(described(system)["entities"])


@router.get(
    "/variables",
    summary="List all variables",
    responses={**described_as("variables", "Each variable's label and link"), **error_responses(400)},
)
async def variables(request: Request, system: Baseline):
    return raw_json(rendered_listing(system, "variables", str(request.base_url)))


@router.get(
    "/variable/{variable_id}",
    summary="Describe a variable",
    responses={**described_as("variable", "The variable"), **error_responses(400, 404)},
)
async def variable(variable_id: str, system: Baseline):
    found = described(system)["variables"].get(variable_id)
    if found is None:
        raise KrugerError(
            "variable_not_found",
            f"no variable '{variable_id}'{did_you_mean(variable_id, system.variables)}; the variables are listed at /variables",
            "$.variable_id",
        )
    return JSONResponse(found)


@router.get(
    "/parameters",
    summary="List all parameters",
    responses={**described_as("parameters", "Each parameter's description and link"), **error_responses(400)},
)
async def parameters(request: Request, system: Baseline):
    return raw_json(rendered_listing(system, "parameters", str(request.base_url)))


@router.get(
    "/parameter/{parameter_id:path}",
    summary="Describe a parameter (id with dots or slashes)",
    responses={**described_as("parameter", "The parameter and its dated values"), **error_responses(400, 404)},
)
async def parameter(parameter_id: str, system: Baseline):
    known = described(system)["parameters"]
    found = known.get(parameter_id) or known.get(parameter_id.replace(".", "/"))
    if found is None:
        names = [name.replace("/", ".") for name in known]
        raise KrugerError(
            "parameter_not_found",
            f"no parameter '{parameter_id}'{did_you_mean(parameter_id.replace('/', '.'), names)}; the parameters are listed at /parameters",
            "$.parameter_id",
        )
    return JSONResponse(found)


@router.get(
    "/spec",
    summary="OpenFisca's OpenAPI specification of this system",
    responses={**described_as("spec", "OpenAPI 3.0 document"), **error_responses(400)},
)
async def spec(request: Request, system: Baseline):
    return JSONResponse({**described(system)["openAPI_spec"], "servers": [{"url": f"{request.url.scheme}://{request.url.netloc}"}]})


SITUATION_BODY = json_body(
    "Situation",
    "Entities and their facts by period; give each output wanted as null. "
    'Example: {"organisations": {"o1": {"total_income": {"2024": 30000}, "is_social_enterprise": {"2024": null}}}}. '
    'A top-level "reform" (a named reform, {"name": ..., "parameters": ...} or {"parameter.path": {"YYYY-MM-DD": value}}) '
    "answers under that reform; it is not echoed in the answer.",
)


@router.post(
    "/calculate",
    summary="Compute the outputs given as null",
    openapi_extra=SITUATION_BODY,
    responses={
        200: json_answer("SituationAnswer", "The situation with each null replaced by its value"),
        **error_responses(400, 413, 415),
        **CALCULATION_KEY_RESPONSES,
    },
)
async def calculate(key: CalculationKey, request: Request, situation: Situation, reformed: Reformed):
    return raw_json(await request.app.state.batcher.calculate(reformed.system, situation.facts, situation.organisations))


@router.post(
    "/trace",
    summary="Compute the outputs given as null, with every step",
    openapi_extra=SITUATION_BODY,
    responses={
        200: json_answer("Trace", "Each variable computed, its value, its dependencies and the parameters it read"),
        **error_responses(400, 413, 415),
        **CALCULATION_KEY_RESPONSES,
    },
)
async def trace(key: CalculationKey, situation: Situation, reformed: Reformed):
    return raw_json(await run_in_threadpool(traced, reformed.system, situation.facts))
