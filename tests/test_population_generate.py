"""The synthetic population: the shipped sample is the command's output, every column is a model input within its
range, every organisation type appears, and a seed fixes every row."""

import datetime

import numpy as np
import pyarrow.parquet as pq
import pytest
from openfisca_core.simulation_builder import SimulationBuilder

from kruger_rules import units
from kruger_rules.cli import main
from kruger_rules.population import targets
from kruger_rules.population.generate import SAMPLE_ORGANISATIONS, SAMPLE_PATH, SAMPLE_SEED, generate, procurements_path
from kruger_rules.population.organisations import TYPES
from kruger_rules.population.wards import load_wards

ORGANISATION_KEYS = {"organisation_id", "ward_code", "weight"}
PROCUREMENT_KEYS = {"procurement_id", "commissioner_id", "weight"}
NAMED_INPUTS = {
    "organisation_type", "has_social_purpose", "is_independent", "has_asset_lock", "is_not_for_profit", "months_since_established",
    "months_trading", "total_income", "trading_income", "profit_share_to_purpose", "member_count", "governing_body_resident_share",
    "unconnected_board_members", "has_bank_account", "has_annual_accounts", "crf_requested_amount", "claim_service",
    "claim_authority_type", "claim_submission_date", "claim_information_inadequate", "claimant_unsuitable", "service_decision_to_stop",
    "service_nhs_integration_critical", "service_in_procurement", "authority_in_negotiations", "employee_body_intention_published",
    "claim_frivolous_or_vexatious", "acceptance_would_breach_law",
}  # fmt: skip
PROCUREMENT_INPUTS = {
    "contract_value", "contract_value_includes_vat", "contract_type", "social_value_weighting", "local_social_value_plan_min_weighting",
}  # fmt: skip
PERIOD = str(targets.REFERENCE_YEAR)


@pytest.fixture(scope="module")
def wards():
    return load_wards()


@pytest.fixture(scope="module")
def sample(wards):
    population = generate(SAMPLE_ORGANISATIONS, SAMPLE_SEED, wards=wards)
    return population.organisations.to_pandas(), population.procurements.to_pandas()


def inputs_of(system, entity: str) -> dict:
    return {name: v for name, v in system.variables.items() if v.entity.key == entity and not v.formulas}


def test_the_shipped_sample_is_what_the_command_generates(tmp_path):
    out = tmp_path / "sample.parquet"
    assert (
        main(["population", "generate", "--organisations", str(SAMPLE_ORGANISATIONS), "--seed", str(SAMPLE_SEED), "--out", str(out)]) == 0
    )
    assert pq.read_table(out).equals(pq.read_table(SAMPLE_PATH))
    assert pq.read_table(procurements_path(out)).equals(pq.read_table(procurements_path(SAMPLE_PATH)))
    assert pq.read_metadata(SAMPLE_PATH).num_rows == SAMPLE_ORGANISATIONS


def test_the_shipped_sample_is_small():
    assert SAMPLE_PATH.stat().st_size + procurements_path(SAMPLE_PATH).stat().st_size <= 5 * 2**20


def test_the_same_seed_gives_the_same_population(wards):
    first, second = generate(3_000, 11, wards=wards), generate(3_000, 11, wards=wards)
    assert first.organisations.equals(second.organisations) and first.procurements.equals(second.procurements)


def test_different_seeds_give_different_populations(wards):
    first, second = generate(3_000, 11, wards=wards), generate(3_000, 12, wards=wards)
    assert not first.organisations.equals(second.organisations)
    assert not np.array_equal(first.organisations["total_income"].to_numpy(), second.organisations["total_income"].to_numpy())
    assert not np.array_equal(first.organisations["ward_code"].to_numpy(), second.organisations["ward_code"].to_numpy())


def test_every_organisation_type_of_the_model_appears(system, sample):
    organisations, _ = sample
    model_types = [item.name for item in system.variables["organisation_type"].possible_values]
    assert list(targets.ORGANISATION_TYPES) == model_types
    generated = set(model_types) - {"unknown", *targets.NOT_GENERATED_TYPES.value}
    assert set(organisations["organisation_type"].astype(str)) == generated == set(TYPES)


def test_every_column_is_an_input_of_the_model(system, sample):
    organisations, procurements = sample
    assert set(organisations.columns) - ORGANISATION_KEYS <= set(inputs_of(system, "organisation"))
    assert set(procurements.columns) - PROCUREMENT_KEYS <= set(inputs_of(system, "procurement"))
    assert NAMED_INPUTS <= set(organisations.columns) and PROCUREMENT_INPUTS <= set(procurements.columns)


@pytest.mark.parametrize("column", ["organisation_type", "claim_service", "claim_authority_type"])
def test_enumerations_are_stored_in_the_model_order(system, sample, column):
    organisations, _ = sample
    model_values = [item.name for item in system.variables[column].possible_values]
    assert list(organisations[column].cat.categories) == model_values


def test_contract_types_are_stored_in_the_model_order(system, sample):
    _, procurements = sample
    assert list(procurements["contract_type"].cat.categories) == [item.name for item in system.variables["contract_type"].possible_values]


def test_values_are_within_their_variables_ranges(system, sample):
    organisations, procurements = sample
    for frame, entity in ((organisations, "organisation"), (procurements, "procurement")):
        variables = inputs_of(system, entity)
        for name in set(frame.columns) & set(variables):
            unit, values = getattr(variables[name], "unit", None), frame[name]
            if unit == units.RATIO:
                assert values.between(0, 1).all(), name
            elif unit == units.CURRENCY or unit in units.COUNTS or variables[name].value_type is int:
                assert (values >= 0).all() and np.isfinite(values.astype(float)).all(), name
    assert (organisations["trading_income"] <= organisations["total_income"]).all()
    assert (organisations["months_trading"] <= organisations["months_since_established"]).all()
    assert (organisations["months_since_established"] <= targets.CENTURY_MONTHS + 360).all()
    year = targets.REFERENCE_YEAR
    dates = set(organisations["claim_submission_date"])
    assert all(date == datetime.date(1970, 1, 1) or date.year == year for date in dates)


def test_a_claim_has_a_service_and_a_date_and_no_claim_has_neither(sample):
    organisations, _ = sample
    claiming = organisations["claim_service"] != "not_specified"
    assert claiming.any()
    assert (organisations.loc[claiming, "claim_submission_date"] != datetime.date(1970, 1, 1)).all()
    assert (organisations.loc[~claiming, "claim_submission_date"] == datetime.date(1970, 1, 1)).all()
    assert not organisations.loc[~claiming, list(targets.REJECTION_FACTS.value)].any().any()
    assert (organisations.loc[organisations["organisation_type"] == "employee_group", "claim_service"] != "not_specified").all()


def test_legal_forms_are_no_older_than_the_law_that_made_them(sample):
    organisations, _ = sample
    for kind, months in targets.LEGAL_MAXIMUM_AGE.value.items():
        assert organisations.loc[organisations["organisation_type"] == kind, "months_since_established"].max() <= months


def test_identities_places_and_weights(sample, wards):
    organisations, procurements = sample
    assert (organisations["organisation_id"].to_numpy() == np.arange(len(organisations))).all()
    assert set(organisations["ward_code"].astype(str)) <= set(wards["ward_code"])
    assert (organisations["weight"] > 0).all() and organisations["weight"].sum() == pytest.approx(targets.ENGLAND_ORGANISATIONS)
    assert (procurements["procurement_id"].to_numpy() == np.arange(len(procurements))).all()
    assert procurements["weight"].sum() == pytest.approx(targets.PROCUREMENTS.value)


def test_commissioners_are_public_bodies_of_the_population(sample):
    organisations, procurements = sample
    kinds = organisations.set_index("organisation_id").loc[procurements["commissioner_id"], "organisation_type"].astype(str)
    assert set(kinds) == set(targets.PUBLIC_TYPES)


def test_parish_councils_are_never_in_london(sample, wards):
    organisations, _ = sample
    london = set(wards.loc[wards["region"] == "london", "ward_code"])
    assert not organisations.loc[organisations["organisation_type"] == "parish_council", "ward_code"].astype(str).isin(london).any()


@pytest.mark.parametrize("size", [len(TYPES), 1_000, 7_777])
def test_any_size_has_every_type_and_england_s_total(wards, size):
    population = generate(size, 3, wards=wards)
    organisations = population.organisations.to_pandas()
    assert len(organisations) == size
    assert set(organisations["organisation_type"].astype(str)) == set(TYPES)
    assert organisations["weight"].sum() == pytest.approx(targets.ENGLAND_ORGANISATIONS)
    by_type = organisations.groupby("organisation_type", observed=True)["weight"].sum()
    assert all(by_type[kind] == pytest.approx(count.value) for kind, count in targets.TYPE_COUNTS.items())


def test_too_small_a_population_is_refused(wards):
    with pytest.raises(ValueError, match="at least"):
        generate(len(TYPES) - 1, 1, wards=wards)


def test_the_rules_read_the_columns_as_they_are(system, sample):
    """The organisation columns go into a simulation as arrays, and the model's trading share agrees with the generator's."""
    organisations, _ = sample
    simulation = SimulationBuilder().build_default_simulation(system, len(organisations))
    for name in set(organisations.columns) - ORGANISATION_KEYS:
        column = organisations[name]
        # An enumeration's stored codes are the model's indices.
        values = column.cat.codes.to_numpy() if column.dtype == "category" else column.to_numpy()
        if name == "claim_submission_date":
            values = values.astype("datetime64[D]")
        simulation.set_input(name, PERIOD, values)
    share = simulation.calculate("trading_income_share", PERIOD)
    trading_led = organisations["organisation_type"].astype(str).isin(targets.TRADING_LED_TYPES).to_numpy() & (share >= 0.5)
    assert organisations["weight"].to_numpy()[trading_led].sum() == pytest.approx(targets.TRADING_LED_TOTAL.value, rel=0.02)
    assert (simulation.calculate("organisation_type", PERIOD).decode_to_str() == organisations["organisation_type"].astype(str)).all()
