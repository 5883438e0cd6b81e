"""Reforms over the API: the named reforms, and comparisons.

``GET /api/v1/reforms`` lists the named reforms with their descriptions and parameter changes;
``POST /api/v1/compare`` answers a situation under the baseline and each reform, side by side.
Other endpoints (/calculate, /trace, /api/v1/eligibility) answer under the reform a request
names, resolved by api.deps (``Reformed``). Reforms are data: no code is ever taken from a request.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from api.auth import CALCULATION_KEY_RESPONSES, CalculationKey
from api.deps import Compared
from api.jsonio import JSONResponse
from api.requests import CompareRequest
from api.schemas import error_responses, model_schema
from kruger_rules import units
from kruger_rules.compare import compare
from kruger_rules.reforms import describe_reforms
from kruger_rules.system import rules_version

router = APIRouter(prefix="/api/v1", tags=["Reforms"])


# --- GET /api/v1/reforms ---


class ParameterChange(BaseModel):
    parameter: str = Field(description="Dotted name in the parameter tree.", examples=["match_trade.cap"])
    label: str | None
    unit: str | None = Field(examples=[units.CURRENCY])
    from_: str = Field(alias="from", description="The first day of the new value.", examples=["2020-09-24"])
    until: str | None = Field(description="The last day of the new value, after which the old one returns; null: from then on.")
    before: Any = Field(description="The baseline's value on the first day (null if the parameter had none yet).", examples=[10000])
    after: Any = Field(examples=[20000])


class NamedReformDescription(BaseModel):
    name: str = Field(examples=["match_trade_cap_20k"])
    description: str
    structural: str | None = Field(
        description="What the reform changes in the rules themselves, beyond parameters; null for a reform of parameters only."
    )
    changes: list[ParameterChange]


class ReformsResponse(BaseModel):
    rules_version: str
    reforms: list[NamedReformDescription]


@router.get("/reforms", summary="The named reforms, with their descriptions and parameter changes", response_model=ReformsResponse)
async def reforms():
    return JSONResponse({"rules_version": rules_version(), "reforms": describe_reforms()})


# --- POST /api/v1/compare ---


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
            "content": {"application/json": {"schema": model_schema(CompareRequest)}},
        }
    },
    responses={**error_responses(400, 413, 415), **CALCULATION_KEY_RESPONSES},
)
async def compare_reforms(key: CalculationKey, asked: Compared):
    answer = await run_in_threadpool(
        compare, asked.situation, asked.period, asked.reforms, asked.variables, asked.changed_only, ("situation",)
    )
    return JSONResponse(answer)
