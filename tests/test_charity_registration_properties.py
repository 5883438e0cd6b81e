"""Properties of charity registration (Charities Act 2011 s.30) over generated organisations."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import ORGANISATION_TYPES, situation, years

from kruger_rules.reforms import reformed_system
from kruger_rules.situations import build_case

PROPERTIES = settings(max_examples=80, deadline=None)
FIRST_YEAR_OF_THE_REFORM = 2021  # changes dated 2020-09-24 apply from the next 1 January
CHARITY_KINDS = {"registered_charity", "charitable_incorporated_organisation", "charitable_trust"}
CHARITABLE_WHEN_PURPOSES_ONLY = {"company_limited_by_guarantee", "unincorporated_community_group", "mutual_aid_group"}
OUTPUTS = ["is_charity", "charity_must_register", "charity_may_register"]

incomes = st.one_of(st.integers(0, 250_000), st.sampled_from([0, 4999, 5000, 5001, 99_999, 100_000, 100_001]))


@st.composite
def charity_facts(draw):
    return {
        "organisation_type": draw(st.sampled_from(ORGANISATION_TYPES)),
        "charitable_purposes_only": draw(st.booleans()),
        "charity_status": draw(st.sampled_from(["standard", "excepted", "exempt"])),
        "total_income": draw(incomes),
    }


def answers(system, organisations: list[dict], year: str) -> dict[str, list]:
    case = build_case(system, situation({f"o{i}": facts for i, facts in enumerate(organisations)}, {}), year)
    return {name: case.values(name) for name in OUTPUTS}


def must_register(facts: dict) -> bool:
    """An independent reading of s.30: a charity, not exempt, that is a CIO or above its status's limit."""
    kind = facts["organisation_type"]
    charity = kind in CHARITY_KINDS or (kind in CHARITABLE_WHEN_PURPOSES_ONLY and facts["charitable_purposes_only"])
    limit = 100_000 if facts["charity_status"] == "excepted" else 5000
    required = kind == "charitable_incorporated_organisation" or facts["total_income"] > limit
    return charity and facts["charity_status"] != "exempt" and required


@PROPERTIES
@given(st.lists(charity_facts(), min_size=1, max_size=6), years)
def test_must_register_reads_section_30(system, organisations, year):
    assert answers(system, organisations, year)["charity_must_register"] == [must_register(facts) for facts in organisations]


@PROPERTIES
@given(st.lists(charity_facts(), min_size=1, max_size=6), years)
def test_who_must_register_may_and_only_charities_that_are_not_exempt_may(system, organisations, year):
    found = answers(system, organisations, year)
    for facts, charity, must, may in zip(organisations, *found.values(), strict=True):
        assert not must or may
        assert not may or (charity and facts["charity_status"] != "exempt")
        if facts["charity_status"] == "excepted" and charity:
            assert may  # s.30(3)(a): an excepted charity may always ask


@PROPERTIES
@given(charity_facts(), st.integers(0, 200_000), years)
def test_more_income_never_lifts_a_duty_to_register(system, facts, rise, year):
    richer = {**facts, "total_income": facts["total_income"] + rise}
    lower, higher = answers(system, [facts, richer], year)["charity_must_register"]
    assert higher >= lower


@pytest.fixture(scope="module")
def voluntary_registration():
    return reformed_system("charity_voluntary_registration")


@PROPERTIES
@given(st.lists(charity_facts(), min_size=1, max_size=6), years)
def test_voluntary_registration_only_adds_small_charities_that_may_register(system, voluntary_registration, organisations, year):
    baseline, reformed = answers(system, organisations, year), answers(voluntary_registration, organisations, year)
    assert reformed["is_charity"] == baseline["is_charity"]
    assert reformed["charity_must_register"] == baseline["charity_must_register"]
    for facts, charity, before, after in zip(
        organisations, baseline["is_charity"], baseline["charity_may_register"], reformed["charity_may_register"], strict=True
    ):
        small_standard = charity and facts["charity_status"] == "standard" and facts["total_income"] <= 5000
        expected = before or (small_standard and int(year) >= FIRST_YEAR_OF_THE_REFORM)
        assert after == expected


@PROPERTIES
@given(st.lists(charity_facts(), min_size=1, max_size=6), years)
def test_a_reform_keeping_the_small_charity_right_off_answers_as_the_baseline(system, organisations, year):
    unchanged = reformed_system({"charity_registration.small_charity_right": {"2020-09-24": False}})
    assert answers(unchanged, organisations, year) == answers(system, organisations, year)


def test_a_cio_registers_whatever_its_income_from_2013_01_02(system):
    kinds = system.parameters.charity_registration.registered_whatever_income
    assert not kinds.charitable_incorporated_organisation("2013-01-01")
    assert kinds.charitable_incorporated_organisation("2013-01-02")
    assert not any(getattr(kinds, kind)("2024-01-01") for kind in ORGANISATION_TYPES if kind != "charitable_incorporated_organisation")
