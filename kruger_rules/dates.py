"""Calendar arithmetic on arrays of dates, for formulas that compute deadlines and terms.

The convention: add days first, then months; adding months keeps the day of the
month and clamps it to the target month's last day, so 2021-11-30 + 3 months = 2022-02-28 and
2020-02-29 + 5 years (60 months) = 2025-02-28.
"""

import datetime

import numpy

NO_DATE = datetime.date(1970, 1, 1)
"""OpenFisca's default date, stated so that it does not depend on the time zone: "no date"."""

NOT_A_DATE = numpy.datetime64(NO_DATE, "D")
"""No date as an element of an array of dates: what a formula answers where no date applies."""


def given(dates):
    """Whether each date is a date at all, not "no date"."""
    return dates != NOT_A_DATE


ONE_DAY = numpy.timedelta64(1, "D")
ONE_MONTH = numpy.timedelta64(1, "M")


def day_number(date) -> int:
    """A date (``datetime.date`` or ``datetime64``) as its count of days from 1970-01-01: "no date" is 0."""
    if isinstance(date, datetime.date):
        return (date - NO_DATE).days
    return int(numpy.datetime64(date, "D").astype("int64"))


def day_date(number: float) -> datetime.date:
    """The date a (whole) count of days from 1970-01-01 stands for."""
    return NO_DATE + datetime.timedelta(days=int(number))


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


DAYS_IN_A_WEEK = 7
EPOCH_YEAR, EPOCH_ISO_WEEKDAY = 1970, 4
"""datetime64 counts from 1970-01-01, a Thursday: ISO weekday 4 (1 = Monday, 7 = Sunday)."""


def iso_weekday(dates):
    """Each date's ISO weekday, 1 (Monday) to 7 (Sunday)."""
    days = numpy.asarray(dates, dtype="datetime64[D]").astype("int64")
    return (days + EPOCH_ISO_WEEKDAY - 1) % DAYS_IN_A_WEEK + 1


def weekday_of_month(years, months, weekdays, occurrences):
    """The given ISO weekday of each month: its n-th from the month's first day for an occurrence n >= 1 (the first
    such weekday on or after the 1st, plus 7(n - 1) days), or for -n its n-th counting back from the month's last day.

    Every argument is a number or an array of them, broadcast together: the answer is an array of dates."""
    years, months, weekdays, occurrences = numpy.broadcast_arrays(
        *(numpy.asarray(a, dtype="int64") for a in (years, months, weekdays, occurrences))
    )
    month = ((years - EPOCH_YEAR) * 12 + months - 1).astype("datetime64[M]")
    first = month.astype("datetime64[D]")
    last = (month + ONE_MONTH).astype("datetime64[D]") - ONE_DAY
    first_such = first + (weekdays - iso_weekday(first)) % DAYS_IN_A_WEEK * ONE_DAY
    last_such = last - (iso_weekday(last) - weekdays) % DAYS_IN_A_WEEK * ONE_DAY
    from_first = first_such + (occurrences - 1) * DAYS_IN_A_WEEK * ONE_DAY
    from_last = last_such - (-occurrences - 1) * DAYS_IN_A_WEEK * ONE_DAY
    return numpy.where(occurrences < 0, from_last, from_first)
