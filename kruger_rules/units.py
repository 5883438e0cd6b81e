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

CALENDAR = {"month-of-year": (1, 12), "iso-weekday": (1, 7), "weekday-occurrence": (-1, 4)}
"""Positions in the calendar, each with the least and the most it may be (0 never is): a month of the year
(1 = January); a day of the ISO week (1 = Monday, 7 = Sunday); which such weekday of a month (1 = the first, up
to 4, which every month has; -1 = the last)."""

ALL = frozenset({CURRENCY, RATIO, BOOLEAN}) | COUNTS | frozenset(CALENDAR)


def is_ratio(variable) -> bool:
    """A share such as 0.5 for a half, as a variable's unit says."""
    return getattr(variable, "unit", None) == RATIO
