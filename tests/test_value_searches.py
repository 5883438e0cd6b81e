"""The search of a date's values: exact day edges, strict and inclusive bounds, a window, and "no date" kept apart.

Each search is run round by round as the explanation runs it, against a rule written here as a plain function of
the date tried (None for no date), so that what it finds can be checked against the rule's own edges.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from kruger_rules.counterfactual_options import Condition, DateNeed, Target
from kruger_rules.counterfactual_text import sentence
from kruger_rules.dates import NO_DATE, day_number
from kruger_rules.value_searches import MAX_ROUNDS, Bases, DateSearch

D = datetime.date
TARGET = Target("organisation", "o1", None, "a_date")


@dataclass(frozen=True)
class DateInput:
    """A date input as a search sees one: its type, name and label."""

    value_type = datetime.date
    name = "a_date"
    label = "Date the role starts"


def bases(year: int, *, compared=(), changes=()) -> Bases:
    """What a criterion of ``year`` compares with: the dates it reads, and the days its parameters change."""
    first, last = day_number(D(year, 1, 1)), day_number(D(year, 12, 31))
    days = sorted({first, last, *(day_number(day) for day in changes)})
    return Bases([], sorted(day_number(day) for day in compared), days, first)


def searched(rule, current, found_bases: Bases):
    """The search run to its end as the explanation runs it, the rule deciding each try; its option, or None."""
    search = DateSearch(DateInput(), TARGET, current, found_bases)
    values = search.first_values()
    for _ in range(MAX_ROUNDS):
        if not values:
            break
        for value in values:
            search.record(value, rule(None if value == NO_DATE else value))
        values = search.next_values()
    assert not values, "the search ends within the rounds the explanation runs"
    return search.option() if search.found() else None


def test_an_inclusive_lower_bound_is_found_to_the_day_far_from_anything_compared():
    option = searched(lambda day: day is not None and day >= D(2020, 9, 17), D(2020, 1, 6), bases(2020))
    assert option.need == DateNeed((Condition(">=", D(2020, 9, 17)),), False)
    assert sentence(option) == "Date the role starts: on or after 2020-09-17; yours is 2020-01-06"


def test_a_bound_the_rule_stops_before_is_said_as_the_date_compared_with():
    """request >= notice and request < the interim moratorium's end: the end is a date the criterion reads."""
    notice, end = D(2024, 2, 1), D(2024, 3, 14)
    option = searched(lambda day: day is not None and notice <= day < end, D(2024, 3, 20), bases(2024, compared=(notice, end)))
    assert option.need == DateNeed((Condition(">=", notice), Condition("<", end)), False)
    assert sentence(option) == "Date the role starts: on or after 2024-02-01 and before 2024-03-14; yours is 2024-03-20"


def test_a_strict_lower_bound_at_a_date_compared_with():
    notice = D(2024, 2, 1)
    option = searched(lambda day: day is not None and day > notice, D(2023, 6, 1), bases(2024, compared=(notice,)))
    assert option.need.conditions == (Condition(">", notice),)
    assert sentence(option) == "Date the role starts: after 2024-02-01; yours is 2023-06-01"


def test_a_bound_at_no_date_compared_is_the_last_day_that_passes():
    """start < issue date + 3 years: the anniversary is read by no variable, so the bound is the day before it."""
    issued = D(2022, 5, 10)
    option = searched(lambda day: day is not None and issued <= day < D(2025, 5, 10), D(2025, 6, 1), bases(2024, compared=(issued,)))
    assert option.need.conditions == (Condition(">=", issued), Condition("<=", D(2025, 5, 9)))
    assert sentence(option) == "Date the role starts: between 2022-05-10 and 2025-05-09; yours is 2025-06-01"


def test_a_window_with_two_edges_is_bisected_to_the_day_on_both():
    option = searched(lambda day: day is not None and D(2011, 3, 3) <= day <= D(2016, 8, 29), D(2023, 6, 1), bases(2023))
    assert option.need.conditions == (Condition(">=", D(2011, 3, 3)), Condition("<=", D(2016, 8, 29)))
    assert sentence(option) == "Date the role starts: between 2011-03-03 and 2016-08-29; yours is 2023-06-01"


def test_a_window_a_parameter_opens_and_closes_starts_from_the_days_it_changes():
    opens, closes = D(2020, 9, 2), D(2022, 4, 1)
    option = searched(lambda day: day is not None and opens <= day < closes, D(2023, 6, 1), bases(2023, changes=(opens, closes)))
    assert option.need.conditions == (Condition(">=", opens), Condition("<=", D(2022, 3, 31)))


def test_no_date_is_searched_from_the_period_and_said_as_no_date():
    option = searched(lambda day: day is not None and day.year == 2021, NO_DATE, bases(2021))
    assert option.yours is None
    assert option.need == DateNeed((Condition(">=", D(2021, 1, 1)), Condition("<=", D(2021, 12, 31))), False)
    assert sentence(option) == "Date the role starts: between 2021-01-01 and 2021-12-31; yours is no date"


def test_no_date_is_proposed_only_when_it_is_what_passes():
    option = searched(lambda day: day is None, D(2024, 3, 4), bases(2024))
    assert option.need == DateNeed(None, True)
    assert sentence(option) == "Date the role starts: no date; yours is 2024-03-04"


def test_no_date_beside_dates_that_pass():
    option = searched(lambda day: day is None or day < D(2023, 7, 1), D(2024, 3, 4), bases(2024))
    assert option.need == DateNeed((Condition("<=", D(2023, 6, 30)),), True)
    assert sentence(option) == "Date the role starts: on or before 2023-06-30, or no date; yours is 2024-03-04"


def test_no_date_is_never_a_day_of_the_line_searched():
    """1970-01-01 is "no date": a run of passing days across it is one run, and no date itself fails here."""
    option = searched(lambda day: day is not None and day < D(1980, 1, 1), D(2024, 3, 4), bases(2024))
    assert option.need == DateNeed((Condition("<=", D(1979, 12, 31)),), False)


def test_a_rule_that_asks_only_for_a_date_passes_any_date():
    option = searched(lambda day: day is not None, NO_DATE, bases(2024))
    assert option.need == DateNeed((), False)
    assert sentence(option) == "Date the role starts: any date; yours is no date"


def test_nothing_is_proposed_when_no_date_passes():
    assert searched(lambda day: day is not None and day.year == 2021, NO_DATE, bases(2024)) is None
    assert searched(lambda day: False, D(2024, 3, 4), bases(2024)) is None
