"""Social value in procurement: properties over generated situations, the parameters'
shape, and the law and the 20 % variant obtained from the same formulas by setting parameters."""

import json
from pathlib import Path

import numpy
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openfisca_core.parameters import Parameter
from openfisca_core.simulation_builder import SimulationBuilder
from strategies import ORGANISATION_TYPES

from kruger_rules.references import is_assumption, is_official, parameter_references
from kruger_rules.reforms import reformed_system

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "social_value.json"

THRESHOLDS = sorted(
    {106047, 164176, 4104394, 589148, 118133, 181302, 4551413, 615278, 122976, 189330, 4733252, 663540}
    | {138760, 213477, 5336937, 139688, 214904, 5372609, 135018, 207720, 5193000}
)
PROPERTY_SETTINGS = settings(max_examples=75, deadline=None)

PUBLIC_TYPES = ["local_authority", "fire_and_rescue_authority", "central_government_department", "nhs_body"]
CONTRACT_TYPES = ["goods", "services", "works", "light_touch_services"]
TENTH_32 = float(numpy.float32(0.1))
TENTH_NEIGHBOURS = [
    float(numpy.nextafter(numpy.float32(0.1), numpy.float32(0))),
    TENTH_32,
    float(numpy.nextafter(numpy.float32(0.1), numpy.float32(1))),
]

years = st.integers(2016, 2030)
organisation_types = st.sampled_from(ORGANISATION_TYPES) | st.sampled_from(PUBLIC_TYPES)
contract_values = st.floats(0, 10_000_000, allow_nan=False) | st.sampled_from(THRESHOLDS).flatmap(
    lambda t: st.sampled_from([t - 1, t, t * 1.2, t / 1.2])
)
ratios = st.floats(0, 1, allow_nan=False) | st.sampled_from([0.0, 0.05, 0.1, 0.15, 0.2, 0.25, *TENTH_NEIGHBOURS])
odd_ratios = st.floats(-1, 2, allow_nan=False)
contracts = st.fixed_dictionaries(
    {
        "organisation_type": organisation_types,
        "contract_type": st.sampled_from(CONTRACT_TYPES),
        "contract_value": contract_values,
        "contract_value_includes_vat": st.booleans(),
        "social_value_weighting": ratios | odd_ratios,
        "local_social_value_plan_min_weighting": st.just(0.0) | ratios | odd_ratios,
    }
)


def weighting_on_the_plan(contract, step):
    """The weighting set on the plan's minimum, or one 32-bit step either side of it."""
    plan = numpy.float32(contract["local_social_value_plan_min_weighting"])
    towards = numpy.float32(numpy.inf if step > 0 else -numpy.inf)
    weighting = plan if step == 0 else numpy.nextafter(plan, towards)
    return {**contract, "social_value_weighting": float(weighting)}


contracts = contracts | st.tuples(contracts, st.sampled_from([-1, 0, 1])).map(lambda pair: weighting_on_the_plan(*pair))


def situation(year, contracts_):
    """Every organisation in a place and in a procurement: each commissioner has its own procurement."""
    y = str(year)
    organisations = {f"commissioner_{i}": {"organisation_type": {y: c["organisation_type"]}} for i, c in enumerate(contracts_)}
    organisations["bidder"] = {"organisation_type": {y: "community_interest_company"}}
    procurements = {
        f"contract_{i}": {
            "commissioners": [f"commissioner_{i}"],
            **({"bidders": ["bidder"]} if i == 0 else {}),
            **{name: {y: value} for name, value in c.items() if name != "organisation_type"},
        }
        for i, c in enumerate(contracts_)
    }
    return {
        "organisations": organisations,
        "places": {"place": {"members": list(organisations)}},
        "procurements": procurements,
    }


def simulate(system, year, contracts_):
    return SimulationBuilder().build_from_entities(system, situation(year, contracts_))


# Properties


@PROPERTY_SETTINGS
@given(year=years, contracts_=st.lists(contracts, min_size=1, max_size=5))
def test_shortfall_is_exactly_what_the_weighting_lacks_of_the_minimum(system, year, contracts_):
    simulation = simulate(system, year, contracts_)
    minimum = simulation.calculate("social_value_min_weighting", str(year))
    weighting = simulation.calculate("social_value_weighting", str(year))
    shortfall = simulation.calculate("social_value_shortfall", str(year))
    assert numpy.array_equal(shortfall, numpy.maximum(minimum - weighting, numpy.float32(0))), (minimum, weighting, shortfall)


@PROPERTY_SETTINGS
@given(year=years, contracts_=st.lists(contracts, min_size=1, max_size=5))
def test_compliant_exactly_when_no_shortfall(system, year, contracts_):
    """On weightings that are shares of the score, as the API admits them."""
    simulation = simulate(system, year, contracts_)
    compliant = simulation.calculate("social_value_compliant", str(year))
    shortfall = simulation.calculate("social_value_shortfall", str(year))
    share = simulation.calculate("social_value_weighting", str(year)) >= 0
    assert numpy.array_equal(compliant[share], shortfall[share] == 0), (compliant, shortfall)
    assert (shortfall >= 0).all()


@PROPERTY_SETTINGS
@given(year=years, contracts_=st.lists(contracts, min_size=1, max_size=5))
def test_minimum_weighting_is_a_share_of_the_score(system, year, contracts_):
    minimum = simulate(system, year, contracts_).calculate("social_value_min_weighting", str(year))
    assert ((minimum >= 0) & (minimum <= 1)).all(), minimum


@PROPERTY_SETTINGS
@given(year=years, contract=contracts, raise_by=st.floats(0, 10_000_000, allow_nan=False) | st.sampled_from([0.0, 1.0]))
def test_raising_the_contract_value_never_turns_the_act_off(system, year, contract, raise_by):
    higher = {**contract, "contract_value": contract["contract_value"] + raise_by}
    simulation = simulate(system, year, [contract, higher])
    applies = simulation.calculate("social_value_act_applies", str(year))
    above = simulation.calculate("contract_above_threshold", str(year))
    assert applies[1] >= applies[0], (applies, contract, higher)
    assert above[1] >= above[0], (above, contract, higher)


@PROPERTY_SETTINGS
@given(year=years, contracts_=st.lists(contracts, min_size=1, max_size=5))
def test_commissioners_that_are_not_public_are_bound_by_nothing(system, year, contracts_):
    simulation = simulate(system, year, contracts_)
    public = numpy.array([c["organisation_type"] in PUBLIC_TYPES for c in contracts_])
    assert numpy.array_equal(simulation.calculate("commissioner_is_public", str(year)), public)
    applies = simulation.calculate("social_value_act_applies", str(year))
    minimum = simulation.calculate("social_value_min_weighting", str(year))
    assert not applies[~public].any()
    assert (minimum[~public] == 0).all()


@PROPERTY_SETTINGS
@given(year=years, contracts_=st.lists(contracts, min_size=1, max_size=5))
def test_the_acts_threshold_is_never_above_the_procurement_threshold(system, year, contracts_):
    simulation = simulate(system, year, contracts_)
    act = simulation.calculate("social_value_act_threshold", str(year))
    assert (act <= simulation.calculate("procurement_threshold", str(year))).all()
    light_touch = numpy.array([c["contract_type"] == "light_touch_services" for c in contracts_])
    if year >= 2017:
        assert numpy.array_equal(act[light_touch], simulation.calculate("goods_and_services_threshold", str(year))[light_touch])


@PROPERTY_SETTINGS
@given(year=years, contracts_=st.lists(contracts, min_size=1, max_size=5))
def test_only_departments_are_bound_by_the_social_value_model(system, year, contracts_):
    simulation = simulate(system, year, contracts_)
    bound = simulation.calculate("commissioner_in_social_value_model_scope", str(year))
    department = numpy.array([c["organisation_type"] == "central_government_department" for c in contracts_])
    assert numpy.array_equal(bound, department & (year >= 2021))
    assert (simulation.calculate("social_value_model_min_weighting", str(year))[~department] == 0).all()


# The parameters' shape


def enum_names(system, variable):
    return [item.name for item in system.variables[variable].possible_values]


def test_commissioner_kinds_cover_every_organisation_type_once_at_most(system):
    node = system.parameters.procurement.commissioner
    types = enum_names(system, "organisation_type")
    assert sorted(node.central.children) == sorted(types)
    assert sorted(node.sub_central.children) == sorted(types)
    for instant in ("2016-01-01", "2021-01-01", "2026-01-01"):
        both = [t for t in types if node.central.children[t](instant) and node.sub_central.children[t](instant)]
        public = {t for t in types if node.central.children[t](instant) or node.sub_central.children[t](instant)}
        assert not both
        assert public == {t for t in types if system.parameters.organisation.public_body.children[t](instant)}


def test_enum_indexed_parameters_have_a_value_for_every_item(system):
    assert sorted(system.parameters.social_value.act.contract_types.children) == sorted(enum_names(system, "contract_type"))
    assert sorted(system.parameters.social_value.model.commissioners.children) == sorted(enum_names(system, "organisation_type"))


def test_thresholds_include_vat_from_2022(system):
    vat_inclusive = system.parameters.procurement.thresholds.vat_inclusive
    assert not vat_inclusive("2021-12-31")
    assert vat_inclusive("2022-01-01")
    assert system.parameters.procurement.standard_vat_rate("2011-01-04") == pytest.approx(0.2)


def test_every_threshold_value_has_its_own_reference_and_the_unverified_one_says_so(system):
    thresholds = system.parameters.procurement.thresholds
    for name in ("central_goods_services", "sub_central_goods_services", "works", "light_touch_services", "vat_inclusive"):
        for value in thresholds.children[name].values_list:
            own = parameter_references(value.metadata.get("reference"))
            assert own and all(is_official(reference.href) for reference in own if not is_assumption(reference.title)), (
                name,
                value.instant_str,
            )
    first = thresholds.central_goods_services.values_list[-1]
    assert (first.instant_str, first.value) == ("2015-02-26", 111676)
    assert any(is_assumption(reference.title) for reference in parameter_references(first.metadata["reference"]))


def test_only_central_government_departments_are_bound_by_the_social_value_model(system):
    scope = system.parameters.social_value.model.commissioners
    for instant in ("2021-01-01", "2025-10-01", "2026-01-01"):
        assert [kind for kind, bound in scope.children.items() if bound(instant)] == ["central_government_department"]


def test_nhs_bodies_buy_on_the_central_thresholds_in_every_year(system):
    central = system.parameters.procurement.commissioner.central.nhs_body
    assert all(central(f"{year}-01-01") for year in range(2016, 2031))


# Law and variants by parameters alone: the same formulas, other parameter values


@pytest.fixture(scope="module")
def law(system):
    """Every switch of the proposal set to false from publication: social value as the law stands."""
    switches = [
        name
        for name, child in system.parameters.social_value.proposal.children.items()
        if isinstance(child, Parameter) and isinstance(child.values_list[0].value, bool)
    ]
    return reformed_system({f"social_value.proposal.{name}": {"2020-09-24": False} for name in switches})


@pytest.fixture(scope="module")
def twenty_percent(system):
    return reformed_system("social_value_20_percent")


LAW_CASES = [
    # organisation type, contract type, value (VAT included), plan, weighting
    ("local_authority", "goods", 1000, 0.0, 0.0),
    ("local_authority", "services", 1000, 0.3, 0.0),
    ("local_authority", "services", 214904, 0.3, 0.0),
    ("central_government_department", "services", 139687, 0.0, 0.0),
    ("central_government_department", "works", 5372609, 0.0, 0.1),
    ("private_company", "services", 10_000_000, 0.0, 0.0),
]


def law_situation():
    keys = ("organisation_type", "contract_type", "contract_value", "local_social_value_plan_min_weighting", "social_value_weighting")
    return [{**dict(zip(keys, case, strict=False)), "contract_value_includes_vat": True} for case in LAW_CASES]


def test_with_the_proposals_off_the_law_stands(law):
    simulation = simulate(law, 2024, law_situation())
    assert simulation.calculate("social_value_act_applies", "2024").tolist() == [False, False, True, False, False, False]
    assert simulation.calculate("social_value_min_weighting", "2024").tolist() == pytest.approx([0, 0, 0, 0, 0.1, 0])
    assert simulation.calculate("social_value_compliant", "2024").tolist() == [True] * 6


def test_the_proposals_are_what_changes_the_baseline(system):
    simulation = simulate(system, 2024, law_situation())
    assert simulation.calculate("social_value_act_applies", "2024").tolist() == [True, True, True, True, True, False]
    assert simulation.calculate("social_value_min_weighting", "2024").tolist() == pytest.approx([0.1, 0.3, 0.3, 0.1, 0.1, 0])


def test_with_the_proposals_off_2020_is_unchanged(system, law):
    for year in (2016, 2020):
        baseline = simulate(system, year, law_situation())
        reformed = simulate(law, year, law_situation())
        for variable in ("social_value_act_applies", "social_value_min_weighting"):
            assert numpy.array_equal(baseline.calculate(variable, str(year)), reformed.calculate(variable, str(year)))


def test_every_ten_percent_minimum_becomes_twenty(twenty_percent):
    contracts_ = [
        {"organisation_type": "local_authority", "social_value_weighting": 0.2},
        {"organisation_type": "central_government_department", "contract_type": "services",
         "contract_value": 139688, "contract_value_includes_vat": True, "social_value_weighting": 0.2},
        {"organisation_type": "local_authority", "local_social_value_plan_min_weighting": 0.25, "social_value_weighting": 0.2},
    ]  # fmt: skip
    simulation = simulate(twenty_percent, 2024, contracts_)
    assert simulation.calculate("social_value_model_min_weighting", "2024").tolist() == pytest.approx([0, 0.2, 0])
    assert simulation.calculate("social_value_min_weighting", "2024").tolist() == pytest.approx([0.2, 0.2, 0.25])
    assert simulation.calculate("social_value_compliant", "2024").tolist() == [True, True, False]


# The example situation


def test_the_example_is_fully_declared_and_computes(system):
    example = json.loads(EXAMPLE.read_text())
    organisations = set(example["organisations"])
    in_places = [o for place in example["places"].values() for o in place.get("members", [])]
    in_procurements = [
        o for procurement in example["procurements"].values() for o in procurement.get("commissioners", []) + procurement.get("bidders", [])
    ]
    assert sorted(in_places) == sorted(organisations)
    assert sorted(in_procurements) == sorted(organisations)
    for procurement in example["procurements"].values():
        assert len(procurement["commissioners"]) == 1
    asked = {
        (name, period)
        for procurement in example["procurements"].values()
        for name, values in procurement.items()
        if isinstance(values, dict)
        for period, value in values.items()
        if value is None
    }
    assert asked
    simulation = SimulationBuilder().build_from_entities(system, example)
    for name, period in asked:
        simulation.calculate(name, period)
    assert simulation.calculate("social_value_compliant", "2024").tolist() == [True, False, False]
