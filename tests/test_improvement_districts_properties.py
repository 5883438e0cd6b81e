"""Properties of Community Improvement District ballots and terms."""

import calendar
from datetime import date

import numpy
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from openfisca_core.simulation_builder import SimulationBuilder

from kruger_rules.reforms import reformed_system

FIRST_YEAR_IN_FORCE = 2021  # rules dated 2020-09-24 apply from the next 1 January (/assumptions#proposals-in-force-from-publication)
NO_DATE = date(1970, 1, 1)

years = st.integers(2016, 2030)
votes = st.integers(0, 100_000)
weights = st.floats(0, 1e7, allow_nan=False, allow_infinity=False)
ballots = st.tuples(votes, votes, weights, weights)
start_dates = st.dates(min_value=date(2016, 1, 1), max_value=date(2035, 12, 31))


def simulate(system, year, places):
    """Each place with one member organisation; places are dicts of place inputs."""
    situation = {
        "organisations": {f"o{i}": {} for i in range(len(places))},
        "places": {f"p{i}": {"members": [f"o{i}"], **{k: {str(year): v} for k, v in facts.items()}} for i, facts in enumerate(places)},
    }
    return SimulationBuilder().build_from_entities(system, situation)


def ballot_place(ballot):
    votes_for, votes_against, weight_for, weight_against = ballot
    return {
        "cid_votes_for": votes_for,
        "cid_votes_against": votes_against,
        "cid_weight_for": weight_for,
        "cid_weight_against": weight_against,
    }


def plus_years(start, years):
    """An independent reckoning of adding years: same day of month, clamped to the month's end."""
    year = start.year + years
    return date(year, start.month, min(start.day, calendar.monthrange(year, start.month)[1]))


@settings(max_examples=100, deadline=None)
@given(year=years, ballot=ballots)
def test_more_against_than_for_on_either_count_never_passes(system, year, ballot):
    votes_for, votes_against, weight_for, weight_against = ballot
    assume(votes_against > votes_for or weight_against > weight_for)
    passes = simulate(system, year, [ballot_place(ballot)]).calculate("cid_ballot_passes", str(year))
    assert not passes[0]


@settings(max_examples=100, deadline=None)
@given(year=years, ballots=st.lists(ballots, min_size=1, max_size=6))
def test_a_ballot_passes_exactly_on_a_strict_double_majority(system, year, ballots):
    passes = simulate(system, year, [ballot_place(b) for b in ballots]).calculate("cid_ballot_passes", str(year))
    for (votes_for, votes_against, weight_for, weight_against), passed in zip(ballots, passes, strict=False):
        double_majority = votes_for > votes_against and numpy.float32(weight_for) > numpy.float32(weight_against)
        assert passed == (year >= FIRST_YEAR_IN_FORCE and double_majority)


@settings(max_examples=80, deadline=None)
@given(year=years, starts=st.lists(start_dates, min_size=1, max_size=6), ballot=ballots)
def test_term_ends_five_years_after_the_start_whatever_the_ballot(system, year, starts, ballot):
    places = [{**ballot_place(ballot), "cid_start_date": start.isoformat()} for start in starts]
    term_end = simulate(system, year, places).calculate("cid_term_end", str(year))
    term_years = system.parameters(f"{year}-01-01").improvement_districts.term_years if year >= FIRST_YEAR_IN_FORCE else None
    for start, end in zip(starts, term_end.astype(object), strict=False):
        expected = plus_years(start, term_years) if term_years else NO_DATE
        assert end == expected, (start, end)


@pytest.fixture(scope="module")
def without_districts(system):
    return reformed_system({"improvement_districts.in_force": {"2020-09-24": False}})


@settings(max_examples=40, deadline=None)
@given(year=years, starts=st.lists(start_dates, min_size=1, max_size=6), ballot=ballots)
def test_districts_not_in_force_pass_no_ballot_and_set_no_term(without_districts, year, starts, ballot):
    places = [{**ballot_place(ballot), "cid_start_date": start.isoformat()} for start in starts]
    simulation = simulate(without_districts, year, places)
    assert not simulation.calculate("cid_ballot_passes", str(year)).any()
    assert (simulation.calculate("cid_term_end", str(year)).astype(object) == NO_DATE).all()
