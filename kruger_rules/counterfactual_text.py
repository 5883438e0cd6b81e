"""The sentence that words a counterfactual option, as answers carry it.

Each sentence is the variable's label, what it needs and the value it has:
``Has a bank account in its own name: must be true; yours is false``,
``Legal form or kind of body: one of Registered charity, Charitable trust; yours is Unknown``,
``Resident population: between 5,000 and 15,000; yours is 3,000``,
``Date the Kickstart job starts: between 2021-01-01 and 2021-12-31; yours is no date``.
A date is written as ISO's YYYY-MM-DD, as answers write dates, and "no date" for the input left empty.
"""

from __future__ import annotations

import datetime

from kruger_rules import units
from kruger_rules.counterfactual_options import BooleanNeed, CategoryNeed, Condition, DateNeed, NumberNeed, Option

SYMBOLS = {">=": "≥", ">": ">", "<=": "≤", "<": "<"}
DATE_WORDS = {">=": "on or after", ">": "after", "<=": "on or before", "<": "before"}
NO_DATE_WORDS = "no date"


def sentence(option: Option) -> str:
    """``label: need; yours is value`` for one option."""
    variable, need, yours = option.variable, option.need, option.yours
    label = variable.label or variable.name
    match need:
        case BooleanNeed():
            return f"{label}: must be {_word(need.needed)}; yours is {_word(yours)}"
        case CategoryNeed():
            labels = {item.name: item.value for item in variable.possible_values}
            return f"{label}: one of {', '.join(labels[name] for name in need.accepted)}; yours is {labels.get(yours, yours)}"
        case NumberNeed():
            unit = getattr(variable, "unit", None)
            return f"{label}: {_bounds(need.conditions, unit)}; yours is {_show(yours, unit)}"
        case DateNeed():
            return f"{label}: {_date_bounds(need)}; yours is {_day(yours)}"


def _bounds(conditions: tuple[Condition, ...], unit: str | None) -> str:
    """``between 10 and 20`` for both bounds included, else each bound: ``≥ 10 and < 20``."""
    if tuple(condition.operator for condition in conditions) == (">=", "<="):
        return f"between {_show(conditions[0].value, unit)} and {_show(conditions[1].value, unit)}"
    return " and ".join(f"{SYMBOLS[condition.operator]} {_show(condition.value, unit)}" for condition in conditions)


def _date_bounds(need: DateNeed) -> str:
    """``between 2021-01-01 and 2021-12-31`` for both bounds included, else each bound in words; ``, or no date`` after."""
    conditions = need.conditions
    if conditions is None:
        return NO_DATE_WORDS
    if not conditions:
        text = "any date"
    elif tuple(condition.operator for condition in conditions) == (">=", "<="):
        text = f"between {_day(conditions[0].value)} and {_day(conditions[1].value)}"
    else:
        text = " and ".join(f"{DATE_WORDS[condition.operator]} {_day(condition.value)}" for condition in conditions)
    return f"{text}, or {NO_DATE_WORDS}" if need.no_date else text


def _day(value) -> str:
    return value.isoformat() if isinstance(value, datetime.date) else NO_DATE_WORDS


def _word(value) -> str:
    return "true" if value else "false"


def _show(value, unit: str | None) -> str:
    """A number as a form shows it: thousands separated, pounds with their sign."""
    if isinstance(value, bool) or value is None:
        return str(value)
    number = float(value)
    text = f"{number:,.0f}" if number.is_integer() else f"{number:,.6g}"
    if unit == units.CURRENCY:
        return f"£{text}"
    return text
