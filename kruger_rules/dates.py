"""Calendar arithmetic on arrays of dates, for formulas that compute deadlines and terms.

The convention: add days first, then months; adding months keeps the day of the
month and clamps it to the target month's last day, so 2021-11-30 + 3 months = 2022-02-28 and
2020-02-29 + 5 years (60 months) = 2025-02-28.
"""

import datetime

import numpy

NO_DATE = datetime.date(1970, 1, 1)
"""OpenFisca's default date, stated so that it does not depend on the time zone: "no date"."""

ONE_DAY = numpy.timedelta64(1, "D")
ONE_MONTH = numpy.timedelta64(1, "M")


def add_days(dates, days):
    """Each date plus a whole number of days."""
    return numpy.asarray(dates, dtype="datetime64[D]") + numpy.asarray(days).astype("timedelta64[D]")


def add_months(dates, months):
    """Each date plus whole months, the day of the month clamped to the target month's end."""
    dates = numpy.asarray(dates, dtype="datetime64[D]")
    month = dates.astype("datetime64[M]")
    day_in_month = dates - month.astype("datetime64[D]")
    target_month = month + numpy.asarray(months).astype("timedelta64[M]")
    last_day = (target_month + ONE_MONTH).astype("datetime64[D]") - ONE_DAY
    return numpy.minimum(target_month.astype("datetime64[D]") + day_in_month, last_day)


def add_years(dates, years):
    """Each date plus whole years, as twelve months each (29 February clamps to 28 February)."""
    return add_months(dates, numpy.asarray(years) * 12)
