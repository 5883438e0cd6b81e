from datetime import date

import numpy
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kruger_rules.dates import add_days, add_months, add_years


def d(text):
    return numpy.datetime64(text, "D")


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        ("2021-11-30", 3, "2022-02-28"),
        ("2023-11-30", 3, "2024-02-29"),
        ("2021-01-31", 1, "2021-02-28"),
        ("2021-01-31", 2, "2021-03-31"),
        ("2021-12-15", 1, "2022-01-15"),
        ("2021-08-31", 18, "2023-02-28"),
    ],
)
def test_add_months_clamps_to_month_end(start, months, expected):
    assert add_months(numpy.array([d(start)]), months)[0] == d(expected)


def test_add_years_from_29_february():
    assert add_years(numpy.array([d("2020-02-29")]), 5)[0] == d("2025-02-28")
    assert add_years(numpy.array([d("2020-02-29")]), 4)[0] == d("2024-02-29")


def test_add_days_crosses_year_end_and_leap_day():
    assert add_days(numpy.array([d("2023-12-15")]), 30)[0] == d("2024-01-14")
    assert add_days(numpy.array([d("2024-02-01")]), 30)[0] == d("2024-03-02")


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)), st.integers(0, 240))
def test_add_months_lands_in_the_target_month_never_later_day(start, months):
    result = add_months(numpy.array([numpy.datetime64(start, "D")]), months)[0].astype(object)
    assert (result.year - start.year) * 12 + result.month - start.month == months
    assert result.day <= start.day
