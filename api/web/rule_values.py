"""A rule's values and units in words, as the rules explorer writes them: £10,000, 10%, Yes, 12 months."""

from __future__ import annotations

from typing import Any

from kruger_rules import units

UNIT_WORDS = {
    units.CURRENCY: "Pounds",
    units.RATIO: "A share, as a percentage",
    units.BOOLEAN: "Yes or no",
    "day": "Days",
    "month": "Months",
    "year": "Years",
    "person": "People",
    "decile": "Decile (1 to 10)",
    "vote": "Votes",
}
COUNTED = {
    "day": ("day", "days"),
    "month": ("month", "months"),
    "year": ("year", "years"),
    "person": ("person", "people"),
    "vote": ("vote", "votes"),
}


def unit_words(unit: str | None) -> str | None:
    return UNIT_WORDS.get(unit, unit) if unit else None


def shown_value(value: Any, unit: str | None = None) -> str:
    """A value in words, by its unit: pounds, a percentage, yes or no, a count of something."""
    if value is None:
        return "No value (ended)"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if not isinstance(value, int | float):
        return str(value)
    if unit == units.CURRENCY:
        sign = "-" if value < 0 else ""
        return f"{sign}£{abs(value):,.0f}" if float(value).is_integer() else f"{sign}£{abs(value):,.2f}"
    if unit == units.RATIO:
        return f"{round(value * 100, 6):g}%"
    number = f"{int(value):,}" if float(value).is_integer() else f"{value:,.6g}"
    if unit == "decile":
        return f"decile {number}"
    if unit in COUNTED:
        one, many = COUNTED[unit]
        return f"{number} {one if value == 1 else many}"
    return number
