"""OpenAPI components of situations, built from the rule system: what a situation may hold, as the reader checks it.

Each entity lists its variables with the JSON type of their values, ``null`` marking an output to
compute, and their bounds; periods are the calendar years covered; ids need a character that is
not white space and may not take the prefix the engine reserves. Two kinds of situation are
described: ``Situation`` (/calculate, /trace), whose every fact is dated, and
``SituationForPeriod`` (/api/v1/eligibility, /api/v1/compare), whose facts may be bare values for
the body's period. What no schema can say (a member is a declared organisation, in one group of
a kind) is said in the descriptions.
"""

from __future__ import annotations

import datetime
from typing import Any

from openfisca_core.indexed_enums import Enum

from api.patterns import ID, calendar_year, whole
from api.schemas import component
from kruger_rules.coverage import FIRST_YEAR, LAST_YEAR
from kruger_rules.entities import REQUIRED_ROLES
from kruger_rules.situations import INT32, UNASSIGNED_PREFIX
from kruger_rules.units import is_ratio

NUMBER_BOUND = 1e15
"""Largest size of a number the document allows for a fact. The reader takes numbers up to
float32's limit (3.4e38), but a result computed from one near it can overflow, and is refused;
from numbers within this bound, every result stays finite."""

JSON_TYPES = {bool: "boolean", int: "integer", float: "number", str: "string", datetime.date: "string"}

Schema = dict[str, Any]


def vocabulary_components(system) -> dict[str, Schema]:
    """What situations are written with: the period of a fact, the year of a request, the variables by name, ids."""
    return {
        "Period": {
            "type": "string",
            "pattern": whole(calendar_year(FIRST_YEAR, LAST_YEAR)),
            "description": f"A calendar year from {FIRST_YEAR} to {LAST_YEAR}: '2024', or as OpenFisca also writes it, 'year:2024', "
            f"'year:2024-01-01:1'... The reader also takes facts for {FIRST_YEAR - 1} (not outputs), and years starting on another day.",
        },
        "Year": {
            **component("Period"),
            "description": f"The year, from {FIRST_YEAR} to {LAST_YEAR}, such as '2024'. The API also takes it as a whole number, 2024, "
            "but not 2024.0, which JSON Schema cannot tell apart.",
        },
        "VariableName": {"type": "string", "enum": sorted(system.variables), "description": "A variable, as /variables lists them."},
        "Id": {
            "type": "string",
            "pattern": ID,
            "not": {"pattern": f"^{UNASSIGNED_PREFIX}"},
            "description": "An id: at least one character that is not white space, "
            f"and not starting with '{UNASSIGNED_PREFIX}', which the engine keeps.",
        },
    }


def value_schema(variable, nullable: bool) -> Schema:
    """The JSON type of the variable's values (an answer's, or a request's where null asks for the value)."""
    kind = variable.value_type
    if kind is Enum:
        names = [item.name for item in variable.possible_values]
        return {"enum": [*names, None] if nullable else names}
    schema: Schema = {"type": [JSON_TYPES[kind], "null"] if nullable else JSON_TYPES[kind]}
    if kind is datetime.date and nullable:
        schema["format"] = "date"
    return schema


def bounds(variable) -> Schema:
    """The range the reader keeps a number to: a share within [0, 1], a whole number within 32 bits."""
    if variable.value_type is int:
        return {"minimum": int(INT32.min), "maximum": int(INT32.max)}
    if variable.value_type is float:
        return {"minimum": 0, "maximum": 1} if is_ratio(variable) else {"minimum": -NUMBER_BOUND, "maximum": NUMBER_BOUND}
    return {}


def variable_schema(variable, request: bool, bare: bool) -> Schema:
    """A variable's facts by period; in a request, within the reader's bounds, and for ``bare`` also as one value for the body's period."""
    by_period: Schema = {"type": "object", "description": variable.label or variable.name}
    if request:  # an answer's periods are the request's, as written
        by_period["propertyNames"] = component("Period")
    by_period["additionalProperties"] = value_schema(variable, request)
    limits = bounds(variable) if request else {}
    if limits:  # a schema of their own over the same values, so that the values' type reads as OpenFisca's document gives it
        by_period["allOf"] = [{"additionalProperties": limits}]
    if not bare:
        return by_period
    return {"description": by_period["description"], "anyOf": [{**value_schema(variable, request), **limits}, by_period]}


def role_schemas(system, entity, request: bool) -> Schema:
    """A group's roles, each a list of the ids of its members; in a request, with how many it takes."""
    roles: Schema = {}
    for role in entity.roles:
        needed = is_needed(entity, role)
        roles[role.plural or role.key] = {
            "type": "array",
            "items": component("Id") if request else {"type": "string"},
            "description": f"{entity.key} role: {role.label or role.key} (ids of declared {system.person_entity.plural}; "
            f"each in one {entity.key} at most{'; one is needed' if needed else ''})",
            **({"uniqueItems": True, "minItems": 1 if needed else 0} if request else {}),
            **({"maxItems": role.max} if request and role.max is not None else {}),
        }
    return roles


def entity_schema(system, entity, request: bool = True, bare: bool = False) -> Schema:
    """An instance of ``entity``: its roles if a group, then its variables."""
    properties = role_schemas(system, entity, request) if not entity.is_person else {}
    for name, variable in sorted(system.variables.items()):
        if variable.entity.key == entity.key:
            properties[name] = variable_schema(variable, request, bare)
    schema = {"type": "object", "description": entity.label, "properties": properties, "additionalProperties": False}
    required = [role.plural or role.key for role in entity.roles if is_needed(entity, role)] if request and not entity.is_person else []
    return {**schema, "required": required} if required else schema


def is_needed(entity, role) -> bool:
    return role.key in REQUIRED_ROLES.get(entity.key, ())


def instances_schema(entity, name: str, max_organisations: int) -> Schema:
    """An entity's instances by id."""
    schema: Schema = {"type": "object", "propertyNames": component("Id"), "additionalProperties": component(name)}
    if entity.is_person:
        schema["maxProperties"] = max_organisations
    return schema


def situation_schema(system, prefix: str, max_organisations: int) -> Schema:
    """A situation of request: its entities' instances, at least one declared."""
    return {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            entity.plural: instances_schema(entity, f"{prefix}{entity.key.title()}", max_organisations) for entity in system.entities
        },
        "anyOf": [{"required": [entity.plural], "properties": {entity.plural: {"minProperties": 1}}} for entity in system.entities],
    }


def situation_components(system, max_organisations: int) -> dict[str, Schema]:
    """Component schemas: each kind of situation and each entity in it (SituationOrganisation...), as asked and as answered."""
    components = vocabulary_components(system)
    for prefix, bare in (("Situation", False), ("SituationForPeriod", True)):
        for entity in system.entities:
            components[f"{prefix}{entity.key.title()}"] = entity_schema(system, entity, bare=bare)
        components[prefix] = situation_schema(system, prefix, max_organisations)
    components["Situation"]["properties"]["reform"] = {**component("Reform"), "description": "The reform to answer under (not echoed)."}
    components["Situation"]["description"] = "Entities by id with their facts per period; give an output as null to have it computed."
    components["SituationForPeriod"]["description"] = (
        "Entities by id with their facts: a value for the body's period, or values per period; give an output as null to have it computed."
    )
    for entity in system.entities:
        components[f"Situation{entity.key.title()}Answer"] = entity_schema(system, entity, request=False)
    components["SituationAnswer"] = {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            entity.plural: {"type": "object", "additionalProperties": component(f"Situation{entity.key.title()}Answer")}
            for entity in system.entities
        },
        "description": "The situation as sent, each null replaced by its computed value.",
    }
    components["Trace"] = trace_schema(system)
    return components


def trace_schema(system) -> Schema:
    return {
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
