"""Shapes of answers and errors, for the OpenAPI document (the bodies themselves are read as raw JSON).

Situations and reforms are described from the rule system itself, by api.situation_schemas and
api.reform_schemas.
"""

from __future__ import annotations

from pydantic import BaseModel, Field


class ErrorBody(BaseModel):
    """What went wrong: a stable code for programs, a message for people, the JSON path at fault."""

    code: str = Field(examples=["unknown_variable"])
    message: str = Field(examples=["unknown variable 'total_incme' (did you mean 'total_income'?)"])
    path: str = Field(
        examples=["$.organisations.o1.total_incme"], description="JSONPath of the part of the request at fault; $ is the whole request"
    )


class Health(BaseModel):
    status: str = Field(examples=["ok"])
    rules_version: str = Field(examples=["0.1.0+3f9c2a1b0d"])


class Version(BaseModel):
    rules_version: str = Field(
        description="Package version and a hash of the rule files: the same version computes the same answers",
        examples=["0.1.0+3f9c2a1b0d"],
    )
    package_version: str = Field(examples=["0.1.0"])
    rules_hash: str = Field(examples=["3f9c2a1b0d"])
    openfisca_core: str = Field(examples=["46.0.1"])


def error_responses(*statuses: int) -> dict:
    """OpenAPI ``responses`` entries for error statuses, all with the error body."""
    descriptions = {
        400: "The request is malformed or names something unknown; `path` says where",
        404: "No such item",
        409: "The item fails its integrity check (record_corrupted): it is not served",
        413: "The body, or the number of organisations, is over the limit",
        415: "The body is not declared as JSON",
    }
    return {status: {"model": ErrorBody, "description": descriptions[status]} for status in statuses}


COMPONENT_MARK = "x-component"
"""Marks, in a pydantic model's schema, a reference to one of the components built from the rules:
pydantic resolves every ``$ref`` it meets among its own schemas, so the reference is written after."""


def component(name: str) -> dict:
    """A reference to one of the document's component schemas."""
    return {"$ref": f"#/components/schemas/{name}"}


def model_schema(model: type[BaseModel]) -> dict:
    """The JSON schema of a request model, its marked references to the document's components written as references."""

    def written(node):
        if isinstance(node, dict):
            found = {key: written(value) for key, value in node.items() if key != COMPONENT_MARK}
            return {**component(node[COMPONENT_MARK]), **found} if COMPONENT_MARK in node else found
        return [written(value) for value in node] if isinstance(node, list) else node

    return written(model.model_json_schema())


def json_body(schema_name: str, description: str) -> dict:
    """An ``openapi_extra`` declaring a required JSON body of the given component."""
    return {
        "requestBody": {
            "required": True,
            "description": description,
            "content": {"application/json": {"schema": component(schema_name)}},
        }
    }


def json_answer(schema_name: str, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": component(schema_name)}}}


LISTING = {
    "type": "object",
    "additionalProperties": {
        "type": "object",
        "required": ["description", "href"],
        "properties": {"description": {"type": ["string", "null"]}, "href": {"type": "string"}},
    },
}

DESCRIPTIONS = {
    "entities": {
        "type": "object",
        "additionalProperties": {
            "type": "object",
            "required": ["plural", "description", "documentation"],
            "properties": {
                "plural": {"type": "string"},
                "description": {"type": "string"},
                "documentation": {"type": "string"},
                "roles": {"type": "object"},
            },
        },
    },
    "variables": LISTING,
    "variable": {
        "type": "object",
        "required": ["id", "description", "valueType", "defaultValue", "definitionPeriod", "entity"],
        "properties": {
            "id": {"type": "string"},
            "description": {"type": ["string", "null"]},
            "valueType": {"enum": ["Int", "Float", "Boolean", "Date", "String"]},
            "definitionPeriod": {"enum": ["DAY", "WEEK", "WEEKDAY", "MONTH", "YEAR", "ETERNITY"]},
            "entity": {"type": "string"},
            "formulas": {"type": "object"},
            "possibleValues": {"type": "object", "additionalProperties": {"type": "string"}},
        },
    },
    "parameters": LISTING,
    "parameter": {
        "type": "object",
        "required": ["id", "description", "metadata"],
        "properties": {
            "id": {"type": "string"},
            "description": {"type": ["string", "null"]},
            "metadata": {"type": "object"},
            "values": {"type": "object"},
            "brackets": {"type": "object"},
            "subparams": {"type": "object"},
        },
    },
    "spec": {"type": "object", "required": ["openapi", "info", "paths", "servers"]},
}


def described_as(kind: str, description: str) -> dict:
    """An OpenAPI 200 response whose JSON body has the shape of OpenFisca's ``kind`` description."""
    return {200: {"description": description, "content": {"application/json": {"schema": DESCRIPTIONS[kind]}}}}
