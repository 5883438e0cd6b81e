"""POST /api/v1/eligibility: every scheme for every declared entity, why, and what would change it.

The body is read and checked by api.deps (``Explained``: its model, api.requests.EligibilityRequest,
and the organisation limit); the explanation runs in a worker thread. With ``?record=true`` (a key with the
scope ``record``), each organisation's decision is stored as a decision record (kruger_rules.records), committed
before the answer is sent, and the answer carries the records' ids.
"""

from __future__ import annotations

import datetime
from typing import Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from api.auth import CALCULATION_KEY_RESPONSES, KEY_RESPONSES, CalculationKey, RecordingKey
from api.deps import Explained, Jobs, Reformed
from api.jsonio import JSONResponse
from api.requests import EligibilityRequest
from api.schemas import error_responses, model_schema
from kruger_rules.explain import explain
from kruger_rules.records.service import Caller, record_answer
from kruger_rules.store import DecisionBook
from kruger_rules.system import rules_version

router = APIRouter(tags=["Eligibility"])

JsonValue = bool | int | float | str | None


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
    value: int | float | datetime.date = Field(description="A number, or for a date an ISO date (YYYY-MM-DD).")


class PassOption(BaseModel):
    """One change to one variable that makes a failed criterion pass on its own."""

    variable: str
    label: str | None
    entity: str = Field(description="The entity the variable belongs to: the organisation, its place, a member...")
    id: str | None = Field(None, description="The declared instance to change (absent for a place the organisation is declared in none).")
    computed: bool = Field(description="True when the variable is computed from others: the need is stated on it.")
    yours: JsonValue = Field(description="Its value in the situation (a date as an ISO date, null for no date).")
    kind: Literal["boolean", "category", "number", "date"]
    needed: bool | None = Field(None, description="For a boolean: the value that passes.")
    accepted: list[str] | None = Field(None, description="For a category: every value that passes.")
    conditions: list[PassCondition] | None = Field(
        None,
        description="For a number or a date: what it must satisfy (one bound, or two for a band). For a date, the bounds are "
        "ISO dates; an empty list means any date passes, and null that no date does (only leaving it with no date passes).",
    )
    no_date: bool | None = Field(None, description="For a date: whether leaving it with no date (null in the answer) passes too.")
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
    record_id: str | None = Field(None, description="With ?record=true: the id of the organisation's decision record.")


class GroupEligibility(BaseModel):
    members: dict[str, list[str]] = Field(description="Declared organisations by role.")
    schemes: dict[str, SchemeEligibility]


class EligibilityResponse(BaseModel):
    rules_version: str
    reform: dict[str, Any] | None = Field(
        None, description="The reform assessed under, in its normalised data form; null for the baseline."
    )
    period: str
    organisations: dict[str, OrganisationEligibility]
    places: dict[str, GroupEligibility]
    procurements: dict[str, GroupEligibility]
    records: dict[str, str] | None = Field(
        None, description="With ?record=true: each organisation's decision record id, committed before this answer was sent."
    )


@router.post(
    "/api/v1/eligibility",
    response_model=EligibilityResponse,
    summary="Eligibility for every scheme, with reasons and what would make each failed criterion pass",
    openapi_extra={
        "requestBody": {
            "required": True,
            "description": "A situation and the year to assess",
            "content": {"application/json": {"schema": model_schema(EligibilityRequest)}},
        }
    },
    responses={**error_responses(400, 413, 415), **CALCULATION_KEY_RESPONSES, **KEY_RESPONSES},
)
async def eligibility(recording: RecordingKey, key: CalculationKey, asked: Explained, reformed: Reformed, jobs: Jobs):
    answer = await run_in_threadpool(explain, reformed.system, asked.situation, asked.period)
    body = {"rules_version": rules_version(), "reform": reformed.data, **answer}
    if recording is not None:
        book = DecisionBook(await run_in_threadpool(jobs.opened))
        caller = Caller(recording.id, recording.name)
        records = await run_in_threadpool(record_answer, book, reformed.spec, asked.situation, answer, caller)
        # new entries, not the recorded ones changed: a record's explanation is the answer's own dict
        body["organisations"] = {name: {**entry, "record_id": records.get(name)} for name, entry in body["organisations"].items()}
        body["records"] = records
    return JSONResponse(body)
