"""Values as a page shows them: money in pounds, shares as percentages, dates in words, categories by their label.

A variable's value is written by its type and unit (``kruger_rules.units``), a parameter's by its
unit; nothing here knows a scheme or a rule.
"""

from __future__ import annotations

import datetime
import re

from openfisca_core.indexed_enums import Enum

from kruger_rules.system import shared_system
from kruger_rules.units import BOOLEAN, COUNTS, CURRENCY, RATIO

COUNT_WORDS = {"day": ("day", "days"), "month": ("month", "months"), "year": ("year", "years"), "person": ("person", "people")}
COUNT_WORDS |= {"vote": ("vote", "votes")}
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def money(value) -> str:
    """``£82,000``, or ``£1,234.50`` where there are pence."""
    amount = float(value)
    return f"£{amount:,.0f}" if amount == round(amount) else f"£{amount:,.2f}"


def number(value) -> str:
    """A number with thousands separated, as short as it is exact: ``11,500``, ``0.5``."""
    amount = float(value)
    return f"{amount:,.0f}" if amount == round(amount) else f"{amount:,.6g}"


def percent(share) -> str:
    """A share between 0 and 1 as a percentage: ``80%``, ``12.5%``."""
    return f"{round(float(share) * 100, 4):g}%"


def long_date(value) -> str:
    """``3 April 2024``; none is no date."""
    if value is None:
        return "No date"
    day = value if isinstance(value, datetime.date) else datetime.date.fromisoformat(str(value))
    return f"{day.day} {day:%B %Y}"


def dates_in_words(text: str) -> str:
    """A sentence of the answers' with each ISO date in it written in words: ``before 14 March 2024``."""
    return ISO_DATE.sub(lambda found: long_date(found.group()), text)


def yes_no(value) -> str:
    return "Yes" if value else "No"


def by_unit(value, unit: str | None) -> str:
    """A number, switch or count written in its unit."""
    if value is None:
        return "None"
    if isinstance(value, bool) or unit == BOOLEAN:
        return yes_no(value)
    if isinstance(value, str):
        return value
    if unit == CURRENCY:
        return money(value)
    if unit == RATIO:
        return percent(value)
    if unit == "decile":
        return f"decile {number(value)}"
    if unit in COUNTS and unit in COUNT_WORDS:
        one, many = COUNT_WORDS[unit]
        return f"{number(value)} {one if value == 1 else many}"
    return number(value)


def variable_value(value, name: str) -> str:
    """A value of the variable ``name`` as JSON answers write it (a category by its name, a date as text), in words."""
    variable = shared_system().variables[name]
    if isinstance(value, dict):  # a group's value as each member sees it
        return "; ".join(f"{key}: {variable_value(item, name)}" for key, item in value.items())
    if variable.value_type is Enum:
        return category_label(variable, value)
    if variable.value_type is datetime.date:
        return long_date(value)
    return by_unit(value, getattr(variable, "unit", None))


def category_label(variable, value) -> str:
    """A category's label by its name (or its index); the name itself where the variable has no such category."""
    for item in variable.possible_values:
        if value in (item.name, item.index):
            return str(item.value)
    return str(value)


def parameter_value(entry: dict) -> str:
    """A parameter's value, from the explanation's entry for it (value and unit)."""
    return by_unit(entry["value"], entry.get("unit"))


def variable_label(name: str) -> str:
    """A variable's label, or its name where it has none."""
    return shared_system().variables[name].label or name


FILTERS = {
    "money": money,
    "percent": percent,
    "long_date": long_date,
    "dates_in_words": dates_in_words,
    "variable_value": variable_value,
    "parameter_value": parameter_value,
    "variable_label": variable_label,
}
