"""The regular expressions the OpenAPI document gives for years, periods, dates and ids.

Each is built from the years the engine covers (kruger_rules.coverage), so the document moves
with them. They are written for both Python and ECMAScript, as OpenAPI 3.1 reads them.
"""

from __future__ import annotations

import calendar

MONTH_DAYS = "(?:0[1-9]|1[0-2])-(?:0[1-9]|1[0-9]|2[0-8])|(?:0[13-9]|1[0-2])-(?:29|30)|(?:0[13578]|1[02])-31"
"""A month and day that every year has (29 February is a leap year's only)."""

ID = "[^\\s\\x1c-\\x1f\\x85]"
"""A character that is not white space, in Python's sense as in ECMAScript's: an id needs one."""


def whole(pattern: str) -> str:
    """``pattern`` matching the whole text."""
    return f"^(?:{pattern})$"


def years(first: int, last: int) -> str:
    """A year from ``first`` to ``last`` written in four digits, by whole decades where it can (``202[0-9]``)."""
    parts, year = [], first
    while year <= last:
        if year % 10 == 0 and year + 9 <= last:
            parts.append(f"{year // 10}[0-9]")
            year += 10
        else:
            parts.append(str(year))
            year += 1
    return "|".join(parts)


def calendar_dates(first: int, last: int) -> str:
    """A day of the calendar, YYYY-MM-DD, in the years ``first`` to ``last``."""
    leap = "|".join(str(year) for year in range(first, last + 1) if calendar.isleap(year))
    return f"(?:{years(first, last)})-(?:{MONTH_DAYS})" + (f"|(?:{leap})-02-29" if leap else "")


def calendar_year(first: int, last: int) -> str:
    """One calendar year from ``first`` to ``last``, in the ways OpenFisca writes it: 2024, year:2024, year:2024-01-01:1..."""
    year = f"(?:{years(first, last)})"
    return f"{year}|year:{year}(?:-01(?:-01)?)?(?::1)?"
