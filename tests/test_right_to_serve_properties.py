"""Properties of the Community Right to Serve over generated claims, and its example.

Each generated case is one simulation of several organisations, every one in a declared place,
with every input of a claim given for the assessed year. The expected dates come from an oracle
written here with Python's calendar, independent of kruger_rules.dates.
"""

import calendar
import itertools
import json
from datetime import date, timedelta
from pathlib import Path

import numpy
from conftest import baseline_system
from hypothesis import given, settings
from hypothesis import strategies as st
from openfisca_core.simulation_builder import SimulationBuilder

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "right_to_serve.json"

# The grounds after `none`, in the order of SI 2012/1647 Schedule, each with the input behind it
# (ground 1 stands on the claim not being eligible).
STATUTORY_ORDER = [
    ("non_compliant", None),
    ("inadequate_information", "claim_information_inadequate"),
    ("unsuitable_body", "claimant_unsuitable"),
    ("decision_to_stop_service", "service_decision_to_stop"),
    ("nhs_integration_critical", "service_nhs_integration_critical"),
    ("already_in_procurement", "service_in_procurement"),
    ("negotiations_with_third_party", "authority_in_negotiations"),
    ("employee_body_intention", "employee_body_intention_published"),
    ("frivolous_or_vexatious", "claim_frivolous_or_vexatious"),
    ("would_breach_law", "acceptance_would_breach_law"),
]
FACTS = [fact for _, fact in STATUTORY_ORDER if fact]
PUBLIC_BODIES = {"local_authority", "fire_and_rescue_authority", "central_government_department", "nhs_body"}

# The model's assumed deadlines: 30 and 90 days, then 3 and 18 months.
ACKNOWLEDGEMENT_DAYS, DECISION_DAYS, EARLIEST_MONTHS, LATEST_MONTHS = 30, 90, 3, 18

OUTPUTS = [
    "right_to_serve_relevant_body",
    "right_to_serve_authority_bound",
    "right_to_serve_service_in_scope",
    "right_to_serve_eligible",
    "right_to_serve_rejection_ground",
    "right_to_serve_must_accept",
    "right_to_serve_acknowledgement_due",
    "right_to_serve_decision_due",
    "right_to_serve_procurement_earliest_start",
    "right_to_serve_procurement_latest_start",
]
DATES = OUTPUTS[-4:]


def names(variable):
    return [item.name for item in baseline_system().variables[variable].possible_values]


# The facts of the social enterprise test behind a social enterprise, drawn as one profile (one draw, not eight).
PROFILE_CHOICES = {
    "has_social_purpose": [False, True],
    "is_independent": [False, True],
    "has_asset_lock": [False, True],
    "is_not_for_profit": [False, True],
    "months_since_established": [6, 60],
    "income": [(0, 0), (20000, 8000), (150000, 90000)],  # total, of which trading
    "profit_share_to_purpose": [0.0, 0.5, 1.0],
}
PROFILES = [dict(zip(PROFILE_CHOICES, values, strict=False)) for values in itertools.product(*PROFILE_CHOICES.values())]


def with_profile_and_facts(row):
    profile, fact_bits, inputs = row
    total, trading = profile["income"]
    social = {key: value for key, value in profile.items() if key != "income"}
    facts = {fact: bool(fact_bits >> bit & 1) for bit, fact in enumerate(FACTS)}
    return {**inputs, **social, "total_income": total, "trading_income": trading, **facts}


def claims():
    """One organisation's inputs: any kind of body, authority and service, any facts behind grounds."""
    inputs = st.fixed_dictionaries(
        {
            "organisation_type": st.sampled_from(names("organisation_type")),
            # Half the claims go to a council for a service in scope, so that many are eligible.
            "claim_authority_type": st.sampled_from(names("claim_authority_type")) | st.just("local_authority"),
            "claim_service": st.sampled_from(names("claim_service")) | st.just("youth_services"),
            "claim_submission_date": st.dates(date(2015, 1, 1), date(2027, 12, 31)),
            "member_count": st.integers(0, 4),
        }
    )
    fact_bits = st.one_of(  # no fact, one fact, or any facts, each as often
        st.just(0),
        st.sampled_from([1 << bit for bit in range(len(FACTS))]),
        st.integers(0, 2 ** len(FACTS) - 1),
    )
    return st.tuples(st.sampled_from(PROFILES), fact_bits, inputs).map(with_profile_and_facts)


def simulate(organisations, years):
    """Every output for each year, each organisation given the same inputs in every year.

    The situation declares every organisation and its place; the inputs are then set as arrays,
    which builds a simulation many times faster than one value per organisation and period.
    """
    ids = [f"o{i}" for i in range(len(organisations))]
    situation = {"organisations": {id_: {} for id_ in ids}, "places": {"p1": {"members": ids}}}
    simulation = SimulationBuilder().build_from_entities(baseline_system(), situation)
    for name in organisations[0]:
        values = numpy.array([inputs[name] for inputs in organisations])
        for year in years:
            simulation.set_input(name, str(year), values)
    results = {}
    for year in years:
        for name in OUTPUTS:
            value = simulation.calculate(name, str(year))
            results[name, year] = value.decode_to_str() if name == "right_to_serve_rejection_ground" else value
    return results


def add_months(day, months):
    """As the model adds months: keep the day of the month, clamped to the target month's last day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def as_date(value):
    return value.astype(object)


cases = st.lists(claims(), min_size=1, max_size=12)
years = st.integers(2016, 2026)
PROPERTY = settings(max_examples=60, deadline=None)


@PROPERTY
@given(cases, years)
def test_must_accept_only_an_eligible_claim(organisations, year):
    r = simulate(organisations, [year])
    must_accept, eligible = r["right_to_serve_must_accept", year], r["right_to_serve_eligible", year]
    assert not (must_accept & ~eligible).any()


@PROPERTY
@given(cases, years)
def test_no_ground_exactly_when_eligible_and_no_fact_holds(organisations, year):
    r = simulate(organisations, [year])
    no_ground = r["right_to_serve_rejection_ground", year] == "none"
    no_fact = numpy.array([not any(o[fact] for fact in FACTS) for o in organisations])
    assert (no_ground == (r["right_to_serve_eligible", year] & no_fact)).all()
    assert (r["right_to_serve_must_accept", year] == no_ground).all()


@PROPERTY
@given(cases, years)
def test_ground_is_the_first_that_holds_in_statutory_order(organisations, year):
    r = simulate(organisations, [year])
    for i, inputs in enumerate(organisations):
        holds = [not r["right_to_serve_eligible", year][i] if fact is None else inputs[fact] for _, fact in STATUTORY_ORDER]
        expected = next((ground for (ground, _), held in zip(STATUTORY_ORDER, holds, strict=False) if held), "none")
        assert r["right_to_serve_rejection_ground", year][i] == expected


@PROPERTY
@given(cases, years)
def test_eligible_is_the_three_criteria(organisations, year):
    r = simulate(organisations, [year])
    criteria = (
        r["right_to_serve_relevant_body", year] & r["right_to_serve_authority_bound", year] & r["right_to_serve_service_in_scope", year]
    )
    assert (r["right_to_serve_eligible", year] == criteria).all()


@PROPERTY
@given(cases, years)
def test_deadlines_are_in_order(organisations, year):
    r = simulate(organisations, [year])
    submitted = numpy.array([o["claim_submission_date"] for o in organisations], dtype="datetime64[D]")
    acknowledgement, decision, earliest, latest = (r[name, year] for name in DATES)
    assert (submitted < acknowledgement).all()
    assert (acknowledgement < decision).all()
    assert (decision < earliest).all()
    assert (earliest <= latest).all()


@PROPERTY
@given(cases, years)
def test_deadlines_match_the_calendar_whatever_the_eligibility(organisations, year):
    r = simulate(organisations, [year])
    for i, inputs in enumerate(organisations):
        submitted = inputs["claim_submission_date"]
        decision = submitted + timedelta(days=DECISION_DAYS)
        assert as_date(r["right_to_serve_acknowledgement_due", year][i]) == submitted + timedelta(days=ACKNOWLEDGEMENT_DAYS)
        assert as_date(r["right_to_serve_decision_due", year][i]) == decision
        assert as_date(r["right_to_serve_procurement_earliest_start", year][i]) == add_months(decision, EARLIEST_MONTHS)
        assert as_date(r["right_to_serve_procurement_latest_start", year][i]) == add_months(decision, LATEST_MONTHS)


@PROPERTY
@given(cases)
def test_the_proposal_only_widens_the_law(organisations):
    r = simulate(organisations, [2019, 2021])
    for criterion in ("right_to_serve_relevant_body", "right_to_serve_authority_bound", "right_to_serve_eligible"):
        assert not (r[criterion, 2019] & ~r[criterion, 2021]).any(), criterion
    assert (r["right_to_serve_service_in_scope", 2019] == r["right_to_serve_service_in_scope", 2021]).all()


@PROPERTY
@given(cases, years)
def test_public_bodies_and_mutual_aid_groups_are_never_relevant(organisations, year):
    r = simulate(organisations, [year])
    excluded = numpy.array([o["organisation_type"] in PUBLIC_BODIES | {"mutual_aid_group"} for o in organisations])
    assert not (r["right_to_serve_relevant_body", year] & excluded).any()


def test_the_oracle_clamps_as_spec_says():
    assert add_months(date(2021, 11, 30), 3) == date(2022, 2, 28)
    assert add_months(date(2020, 2, 29), 60) == date(2025, 2, 28)
    assert add_months(date(2023, 11, 30), 3) == date(2024, 2, 29)


def test_the_example_claim_must_be_accepted_with_its_deadlines(system):
    situation = json.loads(EXAMPLE.read_text())
    requested = []
    for organisation in situation["organisations"].values():
        for name, by_period in list(organisation.items()):
            if None in by_period.values():
                requested.append(name)
                del organisation[name]
    assert set(OUTPUTS) <= set(requested)
    simulation = SimulationBuilder().build_from_entities(system, situation)
    value = {name: simulation.calculate(name, "2024")[0] for name in requested}
    assert value["is_social_enterprise"] and value["right_to_serve_eligible"] and value["right_to_serve_must_accept"]
    assert simulation.calculate("right_to_serve_rejection_ground", "2024").decode_to_str()[0] == "none"
    assert [str(value[name]) for name in DATES] == ["2024-07-02", "2024-08-31", "2024-11-30", "2026-02-28"]
