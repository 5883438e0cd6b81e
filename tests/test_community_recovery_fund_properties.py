"""Properties of the Community Recovery Fund over generated applicants."""

import numpy
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openfisca_core.simulation_builder import SimulationBuilder

from kruger_rules.reforms import reformed_system

FIRST_YEAR_IN_FORCE = 2021  # rules dated 2020-09-24 apply from the next 1 January (/assumptions#proposals-in-force-from-publication)

KINDS = [
    "unknown",
    "registered_charity",
    "charitable_incorporated_organisation",
    "charitable_trust",
    "company_limited_by_guarantee",
    "community_interest_company",
    "community_benefit_society",
    "cooperative",
    "unincorporated_community_group",
    "mutual_aid_group",
    "parish_council",
    "employee_group",
    "private_company",
    "local_authority",
    "fire_and_rescue_authority",
    "central_government_department",
    "nhs_body",
]

years = st.integers(2016, 2030)
requests = st.one_of(st.integers(0, 40_000), st.floats(0, 40_000, allow_nan=False))
applicants = st.fixed_dictionaries(
    {
        "organisation_type": st.sampled_from(KINDS),
        "is_not_for_profit": st.booleans(),
        "unconnected_board_members": st.integers(0, 6),
        "has_bank_account": st.booleans(),
        "has_annual_accounts": st.booleans(),
        "months_since_established": st.integers(0, 120),
        "crf_requested_amount": requests,
    }
)


def simulate(system, year, organisations):
    """Every organisation declared in one place."""
    situation = {
        "organisations": {f"o{i}": {k: {str(year): v} for k, v in facts.items()} for i, facts in enumerate(organisations)},
        "places": {"p1": {"members": [f"o{i}" for i in range(len(organisations))]}},
    }
    return SimulationBuilder().build_from_entities(system, situation)


@settings(max_examples=100, deadline=None)
@given(year=years, organisations=st.lists(applicants, min_size=1, max_size=8))
def test_grant_is_within_the_band_or_zero(system, year, organisations):
    simulation = simulate(system, year, organisations)
    grant = simulation.calculate("crf_grant", str(year))
    eligible = simulation.calculate("crf_eligible", str(year))
    request = numpy.array([o["crf_requested_amount"] for o in organisations], dtype=numpy.float32)
    if year < FIRST_YEAR_IN_FORCE:
        assert not eligible.any() and (grant == 0).all()
        return
    p = system.parameters(f"{year}-01-01").community_recovery_fund
    assert ((grant == 0) | ((grant >= p.grant_min) & (grant <= p.grant_max))).all()
    assert (grant <= request).all()
    assert ((grant > 0) == (eligible & (request >= p.grant_min))).all()


@settings(max_examples=80, deadline=None)
@given(year=years, applicant=applicants, requests=st.lists(requests, min_size=2, max_size=6))
def test_grant_never_falls_as_the_request_rises(system, year, applicant, requests):
    organisations = [{**applicant, "crf_requested_amount": request} for request in sorted(requests)]
    grant = simulate(system, year, organisations).calculate("crf_grant", str(year))
    assert (numpy.diff(grant) >= 0).all(), list(zip(sorted(requests), grant, strict=False))


@settings(max_examples=60, deadline=None)
@given(
    year=st.integers(FIRST_YEAR_IN_FORCE, 2030),
    applicant=applicants,
    kind=st.sampled_from(["registered_charity", "community_interest_company", "parish_council"]),
    board=st.integers(2, 6),
)
def test_each_condition_is_needed(system, year, applicant, kind, board):
    """An applicant meeting every condition is eligible; taking away any one makes it ineligible."""
    eligible_applicant = {
        **applicant,
        "organisation_type": kind,
        "unconnected_board_members": board,
        "has_bank_account": True,
        "has_annual_accounts": True,
    }
    variants = [
        eligible_applicant,
        {**eligible_applicant, "organisation_type": "private_company"},
        {**eligible_applicant, "unconnected_board_members": 1},
        {**eligible_applicant, "has_bank_account": False},
        {**eligible_applicant, "has_annual_accounts": False, "months_since_established": max(applicant["months_since_established"], 15)},
    ]
    eligible = simulate(system, year, variants).calculate("crf_eligible", str(year))
    assert eligible.tolist() == [True, False, False, False, False]


@pytest.fixture(scope="module")
def without_fund(system):
    return reformed_system({"community_recovery_fund.in_force": {"2020-09-24": False}})


@settings(max_examples=40, deadline=None)
@given(year=years, organisations=st.lists(applicants, min_size=1, max_size=8))
def test_a_fund_not_in_force_grants_nothing(without_fund, year, organisations):
    simulation = simulate(without_fund, year, organisations)
    assert not simulation.calculate("crf_eligible", str(year)).any()
    assert (simulation.calculate("crf_grant", str(year)) == 0).all()
