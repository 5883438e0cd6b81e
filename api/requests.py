"""The JSON bodies of /api/v1/eligibility and /api/v1/compare, as pydantic models.

A model checks the body's shape only: which fields, and the kind of each that the engine does
not check itself. What the engine checks (the situation's facts, the period, the reforms, the
variables) keeps the engine's error codes, so those fields are read as they come; the OpenAPI
document still states what they must be, by reference to the schemas built from the rules
(api.situation_schemas, api.reform_schemas).
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr, WithJsonSchema

from api.schemas import COMPONENT_MARK

MAX_COMPARED_REFORMS = 8
"""Most reforms in one comparison: each is a simulation of the whole situation."""

REFORM_EXAMPLE = {"name": "current_law", "parameters": {"match_trade.in_force": {"2024-01-01": True}}}


def marked(name: str) -> dict[str, str]:
    """A reference to one of the document's components built from the rules (written by api.schemas.model_schema)."""
    return {COMPONENT_MARK: name}


SituationForPeriod = Annotated[dict[str, Any], WithJsonSchema(marked("SituationForPeriod"))]
Year = Annotated[Any, WithJsonSchema(marked("Year"))]
Reforms = Annotated[
    list[Any], WithJsonSchema({"type": "array", "items": marked("Reform"), "minItems": 1, "maxItems": MAX_COMPARED_REFORMS})
]
VariableNames = Annotated[Any, WithJsonSchema({"anyOf": [{"type": "array", "items": marked("VariableName")}, {"type": "null"}]})]


class RequestBody(BaseModel):
    """A JSON body: every field is checked at once, and the first fault is a 400 naming its field (api.deps.refusal)."""

    model_config = ConfigDict(extra="forbid")

    shape: ClassVar[str]
    """What the body is, said when it is not a JSON object."""

    field_list: ClassVar[str]
    """Its fields, as the message for a field it does not have lists them."""

    needs: ClassVar[dict[str, str]] = {}
    """What a field must be, said when it is not (else pydantic's message)."""

    reported_first: ClassVar[tuple[str, ...]] = ()
    """Kinds of fault (pydantic's error types) reported before any other, in this order."""


class EligibilityRequest(RequestBody):
    """A situation in OpenFisca's web-API shape, and the year to assess."""

    model_config = ConfigDict(
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
    shape = "the body must be a JSON object with a situation and a period"
    field_list = "'situation', 'period' and 'reform'"
    needs = {
        "situation": "'situation' is a JSON object of entities: organisations, places, procurements",
        "period": "'period' is the year assessed, such as '2024'",
    }

    situation: SituationForPeriod = Field(
        description="Organisations, places and procurements, with their facts (the variable names of /variables)."
    )
    period: Annotated[StrictStr | StrictInt, WithJsonSchema(marked("Year"))] = Field(description="The year assessed, e.g. '2024'.")
    reform: Annotated[StrictStr | dict[str, Any] | None, WithJsonSchema(marked("Reform"))] = Field(
        None,
        description='A reform to assess under: a named reform (listed at /api/v1/reforms), {"name": ..., "parameters": {...}} '
        'or {"parameter.path": {"YYYY-MM-DD": value}}; with ?reform=NAME, its parameters apply on top.',
    )


class CompareRequest(RequestBody):
    """A situation, the year, and the reforms to set beside the baseline."""

    model_config = ConfigDict(json_schema_extra=lambda schema: documented_as_required(schema, "period"))
    shape = "the body is a JSON object with a situation, a period and reforms"
    field_list = "situation, period, reforms, variables, changed_only"
    needs = {
        "situation": "'situation' is a JSON object of entities: organisations, places, procurements",
        "reforms": f"'reforms' is a list of 1 to {MAX_COMPARED_REFORMS} reforms",
        "changed_only": "'changed_only' is true or false",
    }
    reported_first = ("extra_forbidden", "missing")

    situation: SituationForPeriod = Field(
        description="Organisations, places and procurements, with their facts (the variable names of /variables); "
        "nulls mark the outputs to compare."
    )
    period: Year = Field(
        None,
        description="The year, e.g. '2024'. The API also answers without one when every fact has its own period and the outputs "
        "are asked as nulls; the document asks for one, since it cannot say when one may be left out.",
    )
    reforms: Reforms = Field(
        min_length=1,
        max_length=MAX_COMPARED_REFORMS,
        description='Named reforms, or {"name": ..., "parameters": {...}}, or {"parameter.path": {"YYYY-MM-DD": value}}.',
        examples=[["current_law", REFORM_EXAMPLE]],
    )
    variables: VariableNames = Field(None, description="Outputs to compare; default: the situation's nulls, else every computed variable.")
    changed_only: StrictBool = Field(False, description="Only the outputs some reform changes.")


def documented_as_required(schema: dict[str, Any], name: str) -> None:
    """Document a field the model reads as optional as a required one, with no default."""
    schema["properties"][name].pop("default", None)
    schema["required"] = [field for field in schema["properties"] if field in {*schema.get("required", ()), name}]
