"""POST /api/v1/eligibility: every scheme for every declared entity, why, and what would change it.

The body is read as raw JSON within the app's limits, then checked against
:class:`EligibilityRequest`; the explanation runs in a worker thread.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr, ValidationError
from starlette.concurrency import run_in_threadpool

from api.jsonio import JSONResponse, parse_json, read_body
from api.routers.reforms import ReformQuery, requested_reform
from api.schemas import error_responses
from kruger_rules.errors import KrugerError, json_path
from kruger_rules.explain import explain
from kruger_rules.reforms import reformed_system
from kruger_rules.system import rules_version

router = APIRouter(tags=["Eligibility"])

JsonValue = bool | int | float | str | None


class EligibilityRequest(BaseModel):
    """A situation in OpenFisca's web-API shape, and the year to assess."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "period": "2024",
                    "situation": {
                        "organisations": {
                            "o1": {
                                "organisation_type": "community_interest_company",
                                "is_independent": True,
                                "months_since_established": 30,
                                "months_trading": 24,
                                "total_income": 12000,
                                "trading_income": 3840,
                            }
                        },
                        "places": {"p1": {"members": ["o1"], "imd_decile": 1, "cni_decile": 1}},
                    },
                }
            ]
        },
    )

    situation: dict[str, Any] = Field(description="Organisations, places and procurements, with their facts (the variable names of /variables).")
    period: StrictStr | StrictInt = Field(description="The year assessed, e.g. '2024'.")
    reform: StrictStr | dict[str, Any] | None = Field(
        None,
        description="A reform to assess under: a named reform (listed at /api/v1/reforms), "
        "{\"name\": ..., \"parameters\": {...}} or {\"parameter.path\": {\"YYYY-MM-DD\": value}}; with ?reform=NAME, its parameters apply on top.",
    )


class ParameterReference(BaseModel):
    title: str
    href: str | None = None


class ParameterUsed(BaseModel):
    """A parameter a criterion depends on, as it stood in the period."""

    name: str = Field(description="Dotted name in the parameter tree.")
    label: str | None
    value: JsonValue = Field(description="Its value on the first day of the period (null if it had none yet).")
    unit: str | None
    since: str | None = Field(description="The date that value took effect.")
    reference: list[ParameterReference]


class PassCondition(BaseModel):
    operator: Literal[">=", ">", "<=", "<"]
    value: int | float


class PassOption(BaseModel):
    """One change to one variable that makes a failed criterion pass on its own."""

    variable: str
    label: str | None
    entity: str = Field(description="The entity the variable belongs to: the organisation, its place, a member...")
    id: str | None = Field(None, description="The declared instance to change (absent for a place the organisation is declared in none).")
    computed: bool = Field(description="True when the variable is computed from others: the need is stated on it.")
    yours: JsonValue
    kind: Literal["boolean", "category", "number"]
    needed: bool | None = Field(None, description="For a boolean: the value that passes.")
    accepted: list[str] | None = Field(None, description="For a category: every value that passes.")
    conditions: list[PassCondition] | None = Field(None, description="For a number: what it must satisfy (one bound, or two for a band).")
    text: str


class ToPass(BaseModel):
    options: list[PassOption]
    text: str


class Criterion(BaseModel):
    """One criterion of a decision: its value, what it read, and what would pass it if it failed."""

    variable: str
    label: str | None
    expected: bool = Field(description="The value the criterion must have (false for a criterion that must not hold).")
    value: JsonValue
    passed: bool
    inputs: dict[str, Any] = Field(description="Every input beneath the criterion, with its value (a group's for a member).")
    computed: dict[str, Any] = Field(description="The computed variables the criterion reads directly, with their values.")
    parameters: list[ParameterUsed]
    to_pass: ToPass | None = Field(description="Null when the criterion passes.")
    criteria: list[Criterion] | None = Field(None, description="The criteria this one is the AND of, when it is one.")


class SchemeEligibility(BaseModel):
    label: str
    eligibility: str = Field(description="The variable that decides eligibility.")
    eligible: bool
    amounts: dict[str, int | float | None]
    dates: dict[str, str | None] = Field(description="ISO dates; null when there is no date.")
    outcomes: dict[str, Any]
    criteria: list[Criterion]


class GroupMembership(BaseModel):
    id: str
    role: str


class OrganisationEligibility(BaseModel):
    groups: dict[str, GroupMembership | None] = Field(description="The declared place and procurement the organisation is in, if any.")
    schemes: dict[str, SchemeEligibility]


class GroupEligibility(BaseModel):
    members: dict[str, list[str]] = Field(description="Declared organisations by role.")
    schemes: dict[str, SchemeEligibility]


class EligibilityResponse(BaseModel):
    rules_version: str
    reform: dict[str, Any] | None = Field(None, description="The reform assessed under, in its normalised data form; null for the baseline.")
    period: str
    organisations: dict[str, OrganisationEligibility]
    places: dict[str, GroupEligibility]
    procurements: dict[str, GroupEligibility]


@router.post(
    "/api/v1/eligibility",
    response_model=EligibilityResponse,
    summary="Eligibility for every scheme, with reasons and what would make each failed criterion pass",
    openapi_extra={
        "requestBody": {
            "required": True,
            "description": "A situation and the year to assess",
            "content": {"application/json": {"schema": EligibilityRequest.model_json_schema()}},
        }
    },
    responses=error_responses(400, 413, 415),
)
async def eligibility(request: Request, reform: ReformQuery = None):
    settings = request.app.state.settings
    body = parse_json(await read_body(request, settings.max_body_bytes), settings.max_json_depth)
    asked = checked_request(body)
    spec = requested_reform(reform, asked.reform)
    system = reformed_system(spec)
    persons = system.person_entity.plural
    instances = asked.situation.get(persons)
    count = len(instances) if isinstance(instances, dict) else 0
    limit = min(settings.max_organisations, settings.max_explained_organisations)
    if count > limit:
        raise KrugerError(
            "too_many_organisations",
            f"{count:,} {persons} to explain in one request; the limit is {limit:,}: split the request",
            json_path("situation", persons),
        )
    answer = await run_in_threadpool(explain, system, asked.situation, asked.period)
    return JSONResponse({"rules_version": rules_version(), "reform": None if spec.is_baseline else spec.data, **answer})


def checked_request(body) -> EligibilityRequest:
    """The body as an :class:`EligibilityRequest`, or a 400 naming the first field at fault."""
    try:
        return EligibilityRequest.model_validate(body)
    except ValidationError as error:
        first = error.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else None
        if field is None:
            raise KrugerError("bad_request", "the body must be a JSON object with a situation and a period", "$") from None
        if first["type"] == "missing":
            message = f"'{field}' is required"
        elif first["type"] == "extra_forbidden":
            message = f"'{field}' is not a field of the body, which has 'situation', 'period' and 'reform'"
        else:
            message = FIELD_NEEDS.get(field, first["msg"])
        raise KrugerError("bad_request", message, json_path(field)) from None


FIELD_NEEDS = {
    "situation": "'situation' is a JSON object of entities: organisations, places, procurements",
    "period": "'period' is the year assessed, such as '2024'",
}
