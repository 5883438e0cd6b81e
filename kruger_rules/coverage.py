"""The years the model answers for, and the checks on a requested period."""

import functools

from openfisca_core import periods

from kruger_rules.errors import KrugerError

FIRST_YEAR = 2016
"""The first full year of the procurement threshold table."""

LAST_YEAR = 2100
"""The last year answered: the parameters' latest values are taken to hold until then."""

FIRST_INPUT_YEAR = FIRST_YEAR - 1
"""Facts may be given for the year before the first, since a rule may read the previous year."""


def parse_period(text, path: str) -> periods.Period:
    """An OpenFisca period from its text, or a ``bad_period`` error at ``path``."""
    if not isinstance(text, str | int) or isinstance(text, bool):
        raise KrugerError("bad_period", f"a period is a string such as '2024', not {type(text).__name__}", path)
    try:
        return _period(str(text))
    except (ValueError, TypeError, AttributeError):
        raise KrugerError("bad_period", f"'{text}' is not a period; give a year such as '2024'", path) from None


@functools.lru_cache(maxsize=4096)
def _period(text: str) -> periods.Period:
    """Parsing a period is slow and periods are immutable: each text is parsed once."""
    return periods.period(text)


def covered_year(text, path: str = "$.period") -> periods.Period:
    """The year to compute, checked to be a single covered year."""
    period = parse_period(text, path)
    if period.unit != periods.DateUnit.YEAR or period.size != 1:
        raise KrugerError("bad_period", f"'{text}' is not a single year; schemes are assessed per year, e.g. '2024'", path)
    check_year_in_range(period.start.year, FIRST_YEAR, path, text)
    return period


def check_year_in_range(year: int, first: int, path: str, text) -> None:
    if not first <= year <= LAST_YEAR:
        raise KrugerError(
            "period_out_of_range",
            f"'{text}' is outside the covered years {first}-{LAST_YEAR}",
            path,
        )
