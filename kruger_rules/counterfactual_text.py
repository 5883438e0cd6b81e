"""The sentence that words a counterfactual option, as answers carry it.

Each sentence is the variable's label, what it needs and the value it has:
``Has a bank account in its own name: must be true; yours is false``,
``Legal form or kind of body: one of Registered charity, Charitable trust; yours is Unknown``,
``Resident population: between 5,000 and 15,000; yours is 3,000``.
"""

from __future__ import annotations

from kruger_rules import units
from kruger_rules.counterfactual_options import BooleanNeed, CategoryNeed, Condition, NumberNeed, Option

SYMBOLS = {">=": "≥", ">": ">", "<=": "≤", "<": "<"}


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


def _bounds(conditions: tuple[Condition, ...], unit: str | None) -> str:
    """``between 10 and 20`` for both bounds included, else each bound: ``≥ 10 and < 20``."""
    if tuple(condition.operator for condition in conditions) == (">=", "<="):
        return f"between {_show(conditions[0].value, unit)} and {_show(conditions[1].value, unit)}"
    return " and ".join(f"{SYMBOLS[condition.operator]} {_show(condition.value, unit)}" for condition in conditions)


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
