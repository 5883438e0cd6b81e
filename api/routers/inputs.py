"""GET /api/v1/inputs/{variable}: the inputs that can change a variable, for short screening forms."""

from __future__ import annotations

import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from openfisca_core.indexed_enums import Enum
from pydantic import BaseModel, Field, WithJsonSchema

from api.jsonio import JSONResponse
from api.schemas import component, error_responses
from kruger_rules.coverage import covered_year
from kruger_rules.dates import NO_DATE
from kruger_rules.dependencies import dependencies
from kruger_rules.errors import KrugerError, did_you_mean
from kruger_rules.system import rules_version, shared_system

router = APIRouter(tags=["Eligibility"])

TYPES = {bool: "bool", int: "int", float: "float", str: "str", datetime.date: "date", Enum: "enum"}


class PossibleValue(BaseModel):
    name: str
    label: str


class InputVariable(BaseModel):
    name: str
    entity: str
    type: Literal["bool", "int", "float", "str", "date", "enum"]
    label: str | None
    unit: str | None
    default: Any = Field(description="The value assumed when the input is not given (null for no date).")
    possible_values: list[PossibleValue] | None = Field(description="For an enumeration: every value, by name.")


class InputsResponse(BaseModel):
    rules_version: str
    variable: str
    entity: str
    label: str | None
    period: str | None = Field(description="The year whose formulas were read; null for every formula the variable has.")
    inputs: list[InputVariable]
    parameters: list[str] = Field(description="The parameters the variable can depend on.")


@router.get(
    "/api/v1/inputs/{variable}",
    response_model=InputsResponse,
    summary="The input variables that can change a variable's value",
    responses=error_responses(400, 404),
)
def inputs_that_matter(
    variable: Annotated[str, WithJsonSchema(component("VariableName"))],
    period: Annotated[
        str | None, Query(description="Read the formulas of this year only, e.g. '2024'."), WithJsonSchema(component("Period"))
    ] = None,
):
    system = shared_system()
    if variable not in system.variables:
        raise KrugerError("variable_not_found", f"no variable '{variable}'{did_you_mean(variable, system.variables)}", "$.variable")
    year = covered_year(period, "$.period") if period is not None else None
    target = system.variables[variable]
    found = dependencies(system, variable, year)
    answer = {
        "rules_version": rules_version(),
        "variable": variable,
        "entity": target.entity.key,
        "label": target.label,
        "period": None if year is None else str(year),
        "inputs": [describe(system.variables[name]) for name in found.inputs],
        "parameters": list(found.parameters),
    }
    return JSONResponse(answer)


def describe(variable) -> dict:
    default = variable.default_value
    if variable.value_type is Enum:
        default = default.name
        possible = [{"name": item.name, "label": item.value} for item in variable.possible_values]
    else:
        possible = None
    if variable.value_type is datetime.date:
        default = None if default == NO_DATE else default.isoformat()
    return {
        "name": variable.name,
        "entity": variable.entity.key,
        "type": TYPES[variable.value_type],
        "label": variable.label,
        "unit": getattr(variable, "unit", None),
        "default": default,
        "possible_values": possible,
    }
