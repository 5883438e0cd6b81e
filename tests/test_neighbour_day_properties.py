"""Properties of Neighbour Day: the first Monday of June from 2021, the same in every place, moved by its parameters."""

import calendar
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openfisca_core.simulation_builder import SimulationBuilder

from kruger_rules.dates import weekday_of_month
from kruger_rules.errors import KrugerError
from kruger_rules.reforms import reformed_system

NO_DATE = date(1970, 1, 1)
FIRST_YEAR_IN_FORCE = 2021  # a switch dated 2020-09-24 is first read on 1 January 2021

years = st.integers(2016, 2060)
regions = st.sampled_from(["unknown", "north_east", "london", "south_west", "wales", "scotland", "northern_ireland"])


def neighbour_days(system, year, place_regions):
    situation = {
        "organisations": {f"o{i}": {} for i in range(len(place_regions))},
        "places": {f"p{i}": {"members": [f"o{i}"], "region": {str(year): region}} for i, region in enumerate(place_regions)},
    }
    return SimulationBuilder().build_from_entities(system, situation).calculate("neighbour_day_date", str(year)).tolist()


def reckoned(year, month, weekday, occurrence):
    """An independent reckoning with the calendar module: the n-th such weekday, or for -1 the last."""
    days = [day for week in calendar.Calendar().monthdatescalendar(year, month) for day in week]
    such = [day for day in days if day.month == month and day.isoweekday() == weekday]
    return such[occurrence - 1] if occurrence > 0 else such[occurrence]


@settings(max_examples=60, deadline=None)
@given(year=years, place_regions=st.lists(regions, min_size=1, max_size=5))
def test_neighbour_day_is_the_first_monday_of_june_in_every_place_from_2021(system, year, place_regions):
    found = neighbour_days(system, year, place_regions)
    expected = reckoned(year, 6, 1, 1) if year >= FIRST_YEAR_IN_FORCE else NO_DATE
    assert found == [expected] * len(place_regions)
    if expected != NO_DATE:
        assert expected.isoweekday() == 1 and 1 <= expected.day <= 7


@settings(max_examples=30, deadline=None)
@given(year=years)
def test_there_is_no_neighbour_day_under_current_law(year):
    assert neighbour_days(reformed_system("current_law"), year, ["london"]) == [NO_DATE]


def test_the_last_monday_of_may_through_a_parameter_change(system):
    """An occurrence of -1 is the month's last such weekday: here the late May bank holiday's rule."""
    last_monday_of_may = reformed_system({"neighbour_day.month": {"2020-09-24": 5}, "neighbour_day.occurrence": {"2020-09-24": -1}})
    assert neighbour_days(last_monday_of_may, 2021, ["london"]) == [date(2021, 5, 31)]
    assert neighbour_days(last_monday_of_may, 2022, ["london"]) == [date(2022, 5, 30)]
    assert neighbour_days(last_monday_of_may, 2024, ["london"]) == [date(2024, 5, 27)]
    assert neighbour_days(system, 2021, ["london"]) == [date(2021, 6, 7)]


@settings(max_examples=200, deadline=None)
@given(
    year=st.integers(1900, 2200),
    month=st.integers(1, 12),
    weekday=st.integers(1, 7),
    occurrence=st.sampled_from([-1, 1, 2, 3, 4]),
)
def test_weekday_of_month_agrees_with_the_calendar(year, month, weekday, occurrence):
    assert weekday_of_month(year, month, weekday, occurrence).tolist() == reckoned(year, month, weekday, occurrence)


def test_weekday_of_month_is_vectorised():
    found = weekday_of_month([2021, 2022, 2024], [6, 6, 2], [1, 1, 4], [1, 1, -1]).tolist()
    assert found == [date(2021, 6, 7), date(2022, 6, 6), date(2024, 2, 29)]


@settings(max_examples=30, deadline=None)
@given(year=years)
def test_a_reform_that_sets_the_same_values_gives_the_baseline(system, year):
    same = reformed_system(
        {
            "neighbour_day.month": {"2020-09-24": 6},
            "neighbour_day.weekday": {"2020-09-24": 1},
            "neighbour_day.occurrence": {"2020-09-24": 1},
            "neighbour_day.in_force": {"2020-09-24": True},
        }
    )
    assert neighbour_days(same, year, ["wales", "london"]) == neighbour_days(system, year, ["wales", "london"])


@pytest.mark.parametrize(
    ("parameter", "value"),
    [("neighbour_day.occurrence", 0), ("neighbour_day.occurrence", 5), ("neighbour_day.occurrence", -2), ("neighbour_day.month", 13)]
    + [("neighbour_day.weekday", 0), ("neighbour_day.weekday", 8), ("neighbour_day.month", 6.5)],
)
def test_a_day_outside_the_calendar_is_refused(parameter, value):
    with pytest.raises(KrugerError) as refused:
        reformed_system({parameter: {"2024-01-01": value}})
    assert refused.value.code == "bad_reform_value" and parameter in str(refused.value)
