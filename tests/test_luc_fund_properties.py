"""Properties of the Levelling Up Communities Fund over generated places."""

import numpy
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openfisca_core.simulation_builder import SimulationBuilder

from kruger_rules.reforms import reformed_system

FIRST_YEAR_IN_FORCE = 2021  # rules dated 2020-09-24 apply from the next 1 January (/assumptions#proposals-in-force-from-publication)

years = st.integers(2016, 2030)
deciles = st.one_of(st.just(1), st.integers(1, 10))
in_band = st.integers(5_000, 15_000)
boundaries = st.sampled_from([4_999, 5_000, 5_001, 5_882, 5_883, 14_705, 14_706, 14_999, 15_000, 15_001])
populations = st.one_of(in_band, boundaries, st.integers(0, 40_000))
places_facts = st.lists(st.tuples(deciles, deciles, populations), min_size=1, max_size=6)


def simulate(system, year, places, organisations=None):
    """One organisation per place unless given; every organisation is declared in its place."""
    organisations = organisations or [{} for _ in places]
    situation = {
        "organisations": {f"o{i}": {k: {str(year): v} for k, v in facts.items()} for i, facts in enumerate(organisations)},
        "places": {
            f"p{i}": {
                "members": [f"o{i}"],
                "imd_decile": {str(year): imd},
                "cni_decile": {str(year): cni},
                "population": {str(year): population},
            }
            for i, (imd, cni, population) in enumerate(places)
        },
    }
    return SimulationBuilder().build_from_entities(system, situation)


def band(system, year):
    p = system.parameters(f"{year}-01-01").luc_fund
    return p.award_min, p.award_max, p.population_min, p.population_max


@settings(max_examples=80, deadline=None)
@given(year=years, places=places_facts)
def test_award_is_within_the_band_or_zero(system, year, places):
    simulation = simulate(system, year, places)
    award = simulation.calculate("luc_fund_place_award", str(year))
    eligible = simulation.calculate("luc_fund_place_eligible", str(year))
    if year < FIRST_YEAR_IN_FORCE:
        assert not eligible.any() and (award == 0).all()
        return
    award_min, award_max, population_min, population_max = band(system, year)
    assert ((award == 0) | ((award >= award_min) & (award <= award_max))).all()
    assert ((award > 0) == eligible).all()
    for (imd, cni, population), is_eligible in zip(places, eligible, strict=False):
        expected = imd <= 1 and cni <= 1 and population_min <= population <= population_max
        assert is_eligible == expected


@settings(max_examples=80, deadline=None)
@given(year=st.integers(FIRST_YEAR_IN_FORCE, 2030), populations=st.lists(in_band, min_size=2, max_size=6))
def test_award_never_falls_as_population_rises_inside_the_band(system, year, populations):
    populations = sorted(populations)
    simulation = simulate(system, year, [(1, 1, population) for population in populations])
    award = simulation.calculate("luc_fund_place_award", str(year))
    assert (award > 0).all()
    assert (numpy.diff(award) >= 0).all(), list(zip(populations, award, strict=False))


@settings(max_examples=60, deadline=None)
@given(
    year=years,
    places=places_facts,
    share=st.floats(0, 1),
    kind=st.sampled_from(["community_interest_company", "registered_charity", "private_company", "cooperative"]),
)
def test_an_eligible_applicant_is_in_an_eligible_place(system, year, places, share, kind):
    organisations = [{"organisation_type": kind, "governing_body_resident_share": share, "has_asset_lock": True} for _ in places]
    simulation = simulate(system, year, places, organisations)
    applicant = simulation.calculate("luc_fund_applicant_eligible", str(year))
    place = simulation.calculate("luc_fund_place_eligible", str(year))
    assert not (applicant & ~place).any()
    if year < FIRST_YEAR_IN_FORCE:
        assert not applicant.any()
        return
    minimum = system.parameters(f"{year}-01-01").luc_fund.min_governing_body_resident_share
    community_led = numpy.float32(share) >= numpy.float32(minimum)
    allowed = kind in {"community_interest_company", "registered_charity"}
    assert (applicant == (place & community_led & allowed)).all()


@pytest.fixture(scope="module")
def without_fund(system):
    return reformed_system({"luc_fund.in_force": {"2020-09-24": False}})


@settings(max_examples=40, deadline=None)
@given(year=years, places=places_facts)
def test_a_fund_not_in_force_funds_nothing(without_fund, year, places):
    organisations = [{"organisation_type": "community_interest_company", "governing_body_resident_share": 1} for _ in places]
    simulation = simulate(without_fund, year, places, organisations)
    for variable in ("luc_fund_place_award", "luc_fund_place_yearly_award", "luc_fund_money_available_a_year"):
        assert (simulation.calculate(variable, str(year)) == 0).all(), variable
    assert not simulation.calculate("luc_fund_place_eligible", str(year)).any()
    assert not simulation.calculate("luc_fund_applicant_eligible", str(year)).any()
