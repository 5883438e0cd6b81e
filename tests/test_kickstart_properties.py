"""Properties of Kickstart jobs and their funding over generated jobs."""

import datetime

import numpy
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openfisca_core.simulation_builder import SimulationBuilder

from kruger_rules.reforms import reformed_system

PENNY = 0.005
FIRST_START, LAST_START = datetime.date(2020, 9, 2), datetime.date(2022, 3, 31)
HOSTS = [
    "unknown",
    "registered_charity",
    "community_interest_company",
    "mutual_aid_group",
    "employee_group",
    "private_company",
    "local_authority",
]

starts = st.dates(datetime.date(2020, 8, 1), datetime.date(2022, 5, 31))
jobs = st.fixed_dictionaries(
    {
        "organisation_type": st.sampled_from(HOSTS),
        "is_not_for_profit": st.booleans(),
        "kickstart_start_date": starts,
        "kickstart_participant_age": st.integers(13, 28),
        "kickstart_hours_per_week": st.floats(0, 60, allow_nan=False, width=32),
        "kickstart_participant_on_universal_credit": st.booleans(),
        "kickstart_job_is_new": st.booleans(),
        "kickstart_role_is_volunteering": st.booleans(),
        "kickstart_role_social_or_environmental": st.booleans(),
    }
)
funded_jobs = st.fixed_dictionaries(
    {
        "organisation_type": st.sampled_from(["registered_charity", "private_company", "parish_council"]),
        "kickstart_start_date": st.dates(FIRST_START, LAST_START),
        "kickstart_participant_age": st.integers(16, 24),
        "kickstart_hours_per_week": st.floats(25, 48, allow_nan=False, width=32),
        "kickstart_participant_on_universal_credit": st.just(True),
        "kickstart_job_is_new": st.just(True),
    }
)


def simulate(system, year: int, organisations: list[dict]):
    situation = {
        "organisations": {
            f"o{i}": {name: {str(year): value.isoformat() if isinstance(value, datetime.date) else value} for name, value in facts.items()}
            for i, facts in enumerate(organisations)
        }
    }
    return SimulationBuilder().build_from_entities(system, situation)


def reference_funding(system, start: datetime.date, age: int) -> float:
    """The funding worked out one week at a time with plain arithmetic, reading each week's figures on its first day."""
    terms = system.parameters(f"{start.year}-01-01").kickstart
    total = terms.setup_payment
    for week in range(terms.placement_weeks):
        p = system.parameters((start + datetime.timedelta(days=7 * week)).isoformat()).kickstart
        wage_rules, nics, pension = p.minimum_wage, p.employer_nics, p.pension
        if age >= wage_rules.national_living_wage_age:
            rate = wage_rules.national_living_wage
        elif age >= wage_rules.adult_rate_age:
            rate = wage_rules.adult_rate
        elif age >= wage_rules.development_rate_age:
            rate = wage_rules.development_rate
        else:
            rate = wage_rules.young_workers_rate
        wage = terms.funded_hours_per_week * rate
        total += wage
        if age >= nics.zero_rate_below_age:
            total += nics.rate * max(0, wage - nics.secondary_threshold)
        if age >= pension.minimum_age and wage > pension.earnings_trigger:
            total += pension.employer_minimum_rate * max(0, wage - pension.lower_qualifying_earnings)
    return total


@settings(max_examples=60, deadline=None)
@given(organisations=st.lists(jobs, min_size=1, max_size=8), year=st.integers(2019, 2023))
def test_funding_is_zero_unless_funded_and_never_below_the_job_payment_when_funded(system, organisations, year):
    simulation = simulate(system, year, organisations)
    funding = simulation.calculate("kickstart_placement_funding", str(year))
    eligible = simulation.calculate("kickstart_placement_eligible", str(year))
    assert (funding >= 0).all()
    assert (funding[~eligible] == 0).all()
    if eligible.any():
        assert (funding[eligible] > system.parameters(f"{year}-01-01").kickstart.setup_payment).all()


@settings(max_examples=60, deadline=None)
@given(organisations=st.lists(jobs, min_size=1, max_size=8), year=st.integers(2019, 2023))
def test_a_job_counts_only_in_the_year_it_starts_and_only_from_the_first_to_the_last_start(system, organisations, year):
    eligible = simulate(system, year, organisations).calculate("kickstart_placement_eligible", str(year))
    for funded, job in zip(eligible, organisations, strict=True):
        if funded:
            start = job["kickstart_start_date"]
            assert start.year == year and FIRST_START <= start <= LAST_START
            assert 16 <= job["kickstart_participant_age"] <= 24 and job["kickstart_hours_per_week"] >= 25


@settings(max_examples=40, deadline=None)
@given(organisations=st.lists(funded_jobs, min_size=1, max_size=6))
def test_the_funding_is_the_sum_of_its_weeks_to_the_penny(system, organisations):
    """Each job, computed among others, equals the week-by-week sum worked out on its own."""
    for year in {job["kickstart_start_date"].year for job in organisations}:
        in_year = [job for job in organisations if job["kickstart_start_date"].year == year]
        funding = simulate(system, year, in_year).calculate("kickstart_placement_funding", str(year))
        expected = [reference_funding(system, job["kickstart_start_date"], job["kickstart_participant_age"]) for job in in_year]
        assert numpy.allclose(funding, expected, rtol=0, atol=PENNY), list(zip(funding, expected, strict=True))


@settings(max_examples=40, deadline=None)
@given(job=funded_jobs)
def test_funding_never_falls_as_the_participant_is_older(system, job):
    year = job["kickstart_start_date"].year
    by_age = [{**job, "kickstart_participant_age": age} for age in range(16, 25)]
    funding = simulate(system, year, by_age).calculate("kickstart_placement_funding", str(year))
    assert (numpy.diff(funding) >= 0).all(), list(funding)


@settings(max_examples=40, deadline=None)
@given(job=funded_jobs, more_hours=st.floats(25, 60, allow_nan=False, width=32))
def test_hours_beyond_the_minimum_are_not_funded(system, job, more_hours):
    year = job["kickstart_start_date"].year
    funding = simulate(system, year, [job, {**job, "kickstart_hours_per_week": more_hours}]).calculate(
        "kickstart_placement_funding", str(year)
    )
    assert funding[0] == funding[1]


@settings(max_examples=40, deadline=None)
@given(job=funded_jobs)
def test_funding_is_at_most_the_job_payment_and_every_week_at_the_highest_figures(system, job):
    year = job["kickstart_start_date"].year
    funding = simulate(system, year, [job]).calculate("kickstart_placement_funding", str(year))[0]
    terms = system.parameters(f"{year}-01-01").kickstart
    highest = {name: max(at.value for at in leaf.values_list) for name, leaf in _leaves(system, "kickstart").items()}
    wage = terms.funded_hours_per_week * highest["kickstart.minimum_wage.national_living_wage"]
    most_a_week = wage * (1 + highest["kickstart.employer_nics.rate"] + highest["kickstart.pension.employer_minimum_rate"])
    assert funding <= terms.setup_payment + terms.placement_weeks * most_a_week + PENNY


def _leaves(system, folder: str) -> dict:
    node = system.parameters
    for part in folder.split("."):
        node = node.children[part]
    return {leaf.name: leaf for leaf in node.get_descendants() if hasattr(leaf, "values_list")}


@settings(max_examples=40, deadline=None)
@given(organisations=st.lists(jobs, min_size=1, max_size=8), year=st.integers(2020, 2023))
def test_under_current_law_no_volunteering_is_funded_and_jobs_are_funded_alike(system, current_law, organisations, year):
    baseline, law = simulate(system, year, organisations), simulate(current_law, year, organisations)
    volunteering = numpy.array([job["kickstart_role_is_volunteering"] for job in organisations])
    assert not law.calculate("kickstart_placement_eligible", str(year))[volunteering].any()
    assert not law.calculate("kickstart_service_opportunity", str(year)).any()
    jobs_funding = [simulation.calculate("kickstart_placement_funding", str(year))[~volunteering] for simulation in (baseline, law)]
    assert (jobs_funding[0] == jobs_funding[1]).all()


@settings(max_examples=15, deadline=None)
@given(organisations=st.lists(funded_jobs, min_size=1, max_size=4))
def test_a_reform_to_the_weekly_figures_own_values_funds_as_the_baseline(system, organisations):
    own = {
        "kickstart.minimum_wage.national_living_wage_age": {"2021-04-01": 23},
        "kickstart.employer_nics.rate": {"2022-04-06.2022-11-05": 0.1505},
        "kickstart.setup_payment": {"2020-01-01": 1500},
    }
    reformed = reformed_system(own)
    for year in {job["kickstart_start_date"].year for job in organisations}:
        in_year = [job for job in organisations if job["kickstart_start_date"].year == year]
        expected = simulate(system, year, in_year).calculate("kickstart_placement_funding", str(year))
        assert (simulate(reformed, year, in_year).calculate("kickstart_placement_funding", str(year)) == expected).all()


JOB_AT_22 = {
    "organisation_type": "registered_charity",
    "kickstart_start_date": datetime.date(2020, 9, 7),
    "kickstart_participant_age": 22,
    "kickstart_hours_per_week": 25,
    "kickstart_participant_on_universal_credit": True,
    "kickstart_job_is_new": True,
}
"""A funded 25-hour job at a charity for a 22-year-old from 7 September 2020."""


def test_a_wage_at_the_earnings_trigger_has_no_pension_and_one_a_penny_above_has(system):
    """25 hours at £8.20 is £205 a week; a trigger of £205 is not exceeded, one of £204.99 is (age 22, from 2020-09-07)."""
    funding = {}
    for trigger in (205, 204.99):
        reformed = reformed_system({"kickstart.pension.earnings_trigger": {"2020-04-06": trigger}})
        funding[trigger] = float(simulate(reformed, 2020, [JOB_AT_22]).calculate("kickstart_placement_funding", "2020")[0])
    assert funding[205] == pytest.approx(26 * (205 + 4.968) + 1500, abs=PENNY)
    assert funding[204.99] == pytest.approx(26 * (205 + 4.968 + 2.55) + 1500, abs=PENNY)


def test_a_wage_below_the_pension_trigger_has_no_pension(system):
    """Funded for 20 hours, a 22-year-old's £164 a week is below the £192 trigger and the £169 National Insurance threshold."""
    reformed = reformed_system({"kickstart.funded_hours_per_week": {"2020-01-01": 20}})
    funding = simulate(reformed, 2020, [JOB_AT_22]).calculate("kickstart_placement_funding", "2020")[0]
    assert funding == pytest.approx(26 * 164 + 1500, abs=PENNY)
