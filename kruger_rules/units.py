"""The units that parameters (``metadata.unit``) and variables (``unit``) are declared in.

Every module that reads a unit compares it with these names, never with a string of its own, so
that a unit is spelt in one place. A code-health test holds every declared unit to this list.
"""

CURRENCY = "currency-GBP"
"""Pounds sterling."""

RATIO = "/1"
"""A share between 0 and 1."""

BOOLEAN = "bool"
"""A switch, true or false."""

COUNTS = frozenset({"day", "week", "month", "year", "hour", "person", "decile", "vote"})
"""Whole numbers of something: a duration in days, weeks, months or years, hours (of work a week), people, a decile, votes."""

ALL = frozenset({CURRENCY, RATIO, BOOLEAN}) | COUNTS


def is_ratio(variable) -> bool:
    """A share such as 0.5 for a half, as a variable's unit says."""
    return getattr(variable, "unit", None) == RATIO
