"""Shapes of requests and answers, for the OpenAPI document (the bodies themselves are read as raw JSON).

Situations are described from the rule system itself: each entity's variables with the JSON
type of their values, ``null`` marking an output to compute.
"""

from __future__ import annotations

import datetime

from openfisca_core.indexed_enums import Enum
from pydantic import BaseModel, Field

PERIOD_PATTERN = "^[0-9]{4}$"


class ErrorBody(BaseModel):
    """What went wrong: a stable code for programs, a message for people, the JSON path at fault."""

    code: str = Field(examples=["unknown_variable"])
    message: str = Field(examples=["unknown variable 'total_incme' (did you mean 'total_income'?)"])
    path: str = Field(examples=["$.organisations.o1.total_incme"], description="JSONPath of the part of the request at fault; $ is the whole request")


class Health(BaseModel):
    status: str = Field(examples=["ok"])
    rules_version: str = Field(examples=["0.1.0+3f9c2a1b0d"])


class Version(BaseModel):
    rules_version: str = Field(description="Package version and a hash of the rule files: the same version computes the same answers", examples=["0.1.0+3f9c2a1b0d"])
    package_version: str = Field(examples=["0.1.0"])
    rules_hash: str = Field(examples=["3f9c2a1b0d"])
    openfisca_core: str = Field(examples=["46.0.1"])


def error_responses(*statuses: int) -> dict:
    """OpenAPI ``responses`` entries for error statuses, all with the error body."""
    descriptions = {
        400: "The request is malformed or names something unknown; `path` says where",
        404: "No such item",
        413: "The body, or the number of organisations, is over the limit",
        415: "The body is not declared as JSON",
    }
    return {status: {"model": ErrorBody, "description": descriptions[status]} for status in statuses}


def value_schema(variable, nullable: bool) -> dict:
    kind = variable.value_type
    if kind is Enum:
        names = [item.name for item in variable.possible_values]
        return {"enum": [*names, None] if nullable else names}
    json_type = {bool: "boolean", int: "integer", float: "number", str: "string", datetime.date: "string"}[kind]
    schema = {"type": [json_type, "null"] if nullable else json_type}
    if kind is datetime.date and nullable:
        schema["format"] = "date"
    return schema


def variable_schema(variable, nullable: bool) -> dict:
    return {
        "type": "object",
        "description": variable.label or variable.name,
        "propertyNames": {"pattern": PERIOD_PATTERN},
        "additionalProperties": value_schema(variable, nullable),
    }


def entity_schema(system, entity, nullable: bool) -> dict:
    properties = {}
    if not entity.is_person:
        for role in entity.roles:
            properties[role.plural or role.key] = {
                "type": "array",
                "items": {"type": "string"},
                "description": f"{entity.key} role: {role.label or role.key} (ids of {system.person_entity.plural})",
            }
    for name, variable in sorted(system.variables.items()):
        if variable.entity.key == entity.key:
            properties[name] = variable_schema(variable, nullable)
    return {"type": "object", "description": entity.label, "properties": properties, "additionalProperties": False}


def situation_components(system, example: dict | None = None) -> dict:
    """Component schemas: the situation and each entity in it (SituationOrganisation...), as asked (nulls) and as answered."""
    components = {}
    for suffix, nullable in (("", True), ("Answer", False)):
        for entity in system.entities:
            components[f"Situation{entity.key.title()}{suffix}"] = entity_schema(system, entity, nullable)
        components["Situation" + suffix] = {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                entity.plural: {"type": "object", "additionalProperties": {"$ref": f"#/components/schemas/Situation{entity.key.title()}{suffix}"}}
                for entity in system.entities
            },
        }
    components["Situation"]["description"] = "Entities by id with their facts per period; give an output as null to have it computed."
    components["SituationAnswer"]["description"] = "The situation as sent, each null replaced by its computed value."
    if example is not None:
        components["Situation"]["example"] = example
    components["Trace"] = {
        "type": "object",
        "required": ["requestedCalculations", "entitiesDescription", "trace"],
        "properties": {
            "requestedCalculations": {"type": "array", "items": {"type": "string"}},
            "entitiesDescription": {
                "type": "object",
                "properties": {entity.plural: {"type": "array", "items": {"type": "string"}} for entity in system.entities},
            },
            "trace": {
                "type": "object",
                "additionalProperties": {
                    "type": "object",
                    "properties": {
                        "value": {"type": "array"},
                        "dependencies": {"type": "array", "items": {"type": "string"}},
                        "parameters": {"type": "object"},
                    },
                },
            },
        },
    }
    return components


def json_body(schema_name: str, description: str) -> dict:
    """An ``openapi_extra`` declaring a required JSON body of the given component."""
    return {
        "requestBody": {
            "required": True,
            "description": description,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema_name}"}}},
        }
    }


def json_answer(schema_name: str, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema_name}"}}}}


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
            "properties": {"plural": {"type": "string"}, "description": {"type": "string"}, "documentation": {"type": "string"}, "roles": {"type": "object"}},
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
