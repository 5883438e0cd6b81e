"""OpenAPI components of reforms, built from the rule system: the named reforms, and each parameter a reform may change.

A reform is a named reform's name, ``{"name": ..., "parameters": ...}`` or parameter changes
alone, ``{"parameter.path": {"YYYY-MM-DD": value}}``. Each leaf parameter is listed with the
values the engine accepts for it (kruger_rules.reforms checks them: a switch, a share, an amount,
a count), and dates are days of the calendar in the years a reform may reach.
"""

from __future__ import annotations

from typing import Any

from api.patterns import calendar_dates, whole
from api.schemas import component
from kruger_rules import units
from kruger_rules.coverage import LAST_YEAR
from kruger_rules.parameter_tree import leaves, metadata
from kruger_rules.reforms import named_reforms
from kruger_rules.reforms.spec import FIRST_DATE_YEAR, NUMBER_LIMIT, WHOLE_NUMBER_LIMIT

Schema = dict[str, Any]


def change_schema(leaf, unit: str | None) -> Schema:
    """The values a change to ``leaf`` may set, by its unit or, failing one, by the kind of its values."""
    kinds = {type(item.value) for item in leaf.values_list if item.value is not None}
    if unit == units.BOOLEAN or kinds == {bool}:
        return {"type": "boolean"}
    if unit == units.RATIO:
        return {"type": "number", "minimum": 0, "maximum": 1}
    if unit == units.CURRENCY:
        return {"type": "number", "minimum": 0, "maximum": NUMBER_LIMIT}
    if unit in units.CALENDAR:
        least, most = units.CALENDAR[unit]
        return {"type": "integer", "minimum": least, "maximum": most, "not": {"const": 0}}
    if unit in units.COUNTS or kinds == {int}:
        return {"type": "integer", "minimum": 0 if unit in units.COUNTS else -WHOLE_NUMBER_LIMIT, "maximum": WHOLE_NUMBER_LIMIT}
    return {"type": "number", "minimum": -NUMBER_LIMIT, "maximum": NUMBER_LIMIT}


def parameter_schema(leaf, ancestors) -> Schema:
    about = metadata(leaf, ancestors)
    return {
        "type": "object",
        "description": about.label or leaf.name,
        "minProperties": 1,
        "propertyNames": component("ReformDate"),
        "additionalProperties": change_schema(leaf, about.unit),
    }


def reform_components(system) -> dict[str, Schema]:
    return {
        "ReformName": {"type": "string", "enum": sorted(named_reforms()), "description": "A named reform, as /api/v1/reforms lists them."},
        "ReformDate": {
            "type": "string",
            "pattern": whole(calendar_dates(FIRST_DATE_YEAR, LAST_YEAR)),
            "description": f"The day a value takes effect, YYYY-MM-DD ({FIRST_DATE_YEAR}-{LAST_YEAR}). The engine also takes a span, "
            "YYYY-MM-DD.YYYY-MM-DD, its end not before its start, after which the old value returns; a pattern cannot say so.",
        },
        "ParameterChanges": {
            "type": "object",
            "properties": dict(sorted((leaf.name, parameter_schema(leaf, ancestors)) for leaf, ancestors in leaves(system.parameters))),
            "additionalProperties": False,
            "description": "Leaf parameters by dotted name (as /parameters lists them), each with its new values by date.",
        },
        "Reform": {
            "anyOf": [
                component("ReformName"),
                {
                    "type": "object",
                    "properties": {
                        "name": {"anyOf": [component("ReformName"), {"type": "null"}]},
                        "parameters": {"anyOf": [component("ParameterChanges"), {"type": "null"}]},
                    },
                    "additionalProperties": False,
                    "minProperties": 1,
                },
                component("ParameterChanges"),
            ],
            "description": 'A named reform, {"name": ..., "parameters": {...}} or {"parameter.path": {"YYYY-MM-DD": value}}.',
        },
    }
