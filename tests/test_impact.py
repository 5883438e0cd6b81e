"""Population impact: totals are the sums of the rows, chunking changes nothing, the rows are what the rules give
for the same organisations as an ordinary situation, and a reform that changes nothing shows no change."""

import numpy as np
import pandas as pd
import pytest
from impact_support import PERIOD, situation_of, write_small_population

from kruger_rules.errors import KrugerError
from kruger_rules.population.aggregates import MEASURE_COLUMNS
from kruger_rules.population.impact import run_impact
from kruger_rules.population.inputs import read_population
from kruger_rules.population.measures import BUCKETS, OVERALL, buckets, measures
from kruger_rules.population.wards import load_wards
from kruger_rules.reforms import reformed_system
from kruger_rules.situations import build_case
from kruger_rules.system import shared_system

PLURALS = {"organisation": "organisations", "place": "places", "procurement": "procurements"}


@pytest.fixture(scope="module")
def population_file(tmp_path_factory):
    return write_small_population(tmp_path_factory.mktemp("population"))


@pytest.fixture(scope="module")
def chunked(population_file):
    """``current_law`` against the baseline in chunks of 700 rows: wards and procurements fall across chunks."""
    return run_impact("current_law", population_file, PERIOD, chunk_size=700, keep_rows=True)


@pytest.fixture(scope="module")
def population(population_file):
    return read_population(population_file, shared_system())


def test_totals_are_the_weighted_sums_of_the_rows(chunked):
    reach = chunked.tables["reach"]
    for entity, measured in measures(shared_system()).items():
        rows = chunked.rows[entity]
        weight = rows["weight"] if entity != "place" else rows["counted"].astype(float)
        for measure in measured:
            found = reach[(reach["entity"] == PLURALS[entity]) & (reach["scheme"] == measure.key)].iloc[0]
            before, after = rows[f"{measure.key}.eligible.baseline"], rows[f"{measure.key}.eligible.reform"]
            expected = {
                "units": weight.sum(),
                "eligible_baseline": weight[before].sum(),
                "eligible_reform": weight[after].sum(),
                "newly_eligible": weight[~before & after].sum(),
                "no_longer_eligible": weight[before & ~after].sum(),
            }
            if measure.pays:
                amount_before, amount_after = rows[f"{measure.key}.amount.baseline"], rows[f"{measure.key}.amount.reform"]
                expected["amount_baseline"] = (weight * amount_before).sum()
                expected["amount_reform"] = (weight * amount_after).sum()
                bucket = buckets(amount_before.to_numpy(), amount_after.to_numpy())
                expected |= {name: weight[bucket == index].sum() for index, name in enumerate(BUCKETS)}
            for column, value in expected.items():
                assert found[column] == pytest.approx(value, rel=1e-9, abs=1e-4), (entity, measure.key, column)


def test_totals_by_region_and_type_are_the_sums_of_the_rows(chunked):
    wards = load_wards()
    rows = chunked.rows["organisation"]
    region = wards["region"].astype(str).to_numpy()[rows["ward"]]
    by_region = chunked.tables["reach_by_region"]
    found = by_region[(by_region["entity"] == "organisations") & (by_region["scheme"] == OVERALL)].set_index("region")
    eligible = rows[f"{OVERALL}.eligible.baseline"]
    expected = rows["weight"][eligible].groupby(region[eligible]).sum()
    assert found.loc[expected.index, "eligible_baseline"].to_numpy() == pytest.approx(expected.to_numpy(), rel=1e-9)
    procurements = chunked.rows["procurement"]
    population = read_population(chunked.about["population"], shared_system())
    kinds = population.organisations.inputs["organisation_type"]
    order = np.argsort(population.organisations.ids)
    commissioner_kind = kinds[order[np.searchsorted(population.organisations.ids[order], procurements["commissioner_id"])]]
    by_kind = chunked.tables["reach_by_organisation_type"]
    found_kinds = by_kind[(by_kind["entity"] == "procurements") & (by_kind["scheme"] == "social_value_act")]
    names = [item.name for item in shared_system().variables["organisation_type"].possible_values]
    expected_kinds = procurements["weight"].groupby(np.array(names)[commissioner_kind]).sum()
    found_units = dict(zip(found_kinds["organisation_type"], found_kinds["units"], strict=True))
    assert found_units == pytest.approx(expected_kinds.to_dict(), rel=1e-9)


def test_every_group_of_a_dimension_adds_up_to_england(chunked):
    reach = chunked.tables["reach"].set_index(["entity", "scheme"])
    for name in ("reach_by_region", "reach_by_imd_decile", "reach_by_cni_decile", "reach_by_local_authority"):
        summed = chunked.tables[name].groupby(["entity", "scheme"])[list(MEASURE_COLUMNS)].sum(min_count=1)
        pd.testing.assert_frame_equal(summed, reach.loc[summed.index, list(MEASURE_COLUMNS)], check_exact=False, rtol=1e-12)


def test_chunked_and_unchunked_runs_agree_exactly(population_file, chunked):
    whole = run_impact("current_law", population_file, PERIOD, chunk_size=10**7, keep_rows=True)
    assert whole.about["chunks"] == 1 and chunked.about["chunks"] > 1
    for name, table in chunked.tables.items():
        pd.testing.assert_frame_equal(table, whole.tables[name], check_exact=True)
    # A ward split between chunks is a place of each (counted once); procurements go with their commissioner's chunk.
    keys = {"organisation": "organisation_id", "place": "ward", "procurement": "procurement_id"}
    for entity, rows in chunked.rows.items():
        rows = rows[rows["counted"]] if entity == "place" else rows
        mine = rows.sort_values(keys[entity], ignore_index=True)
        pd.testing.assert_frame_equal(mine, whole.rows[entity].sort_values(keys[entity], ignore_index=True), check_exact=True)


def test_a_reform_equal_to_the_baseline_has_no_gainers_no_losers_and_no_cost_change(population_file):
    cap = shared_system().parameters.match_trade.cap(f"{PERIOD}-01-01")
    same = run_impact({"match_trade.cap": {f"{PERIOD}-01-01": float(cap)}}, population_file, PERIOD, chunk_size=1000)
    reach = same.tables["reach"]
    assert (reach[["newly_eligible", "no_longer_eligible"]] == 0).all().all()
    assert (reach["eligible_baseline"] == reach["eligible_reform"]).all()
    paying = reach[reach["amount_baseline"].notna()]
    assert (paying[[bucket for bucket in BUCKETS if bucket != "no_change"]] == 0).all().all()
    assert (paying["no_change"] == paying["units"]).all() and (paying["amount_change"] == 0).all()
    assert (same.tables["cost"]["cost_change"] == 0).all()
    for name, table in same.tables.items():
        if name.startswith("reach_by_"):
            assert (table[["newly_eligible", "no_longer_eligible"]] == 0).all().all(), name


def test_current_law_ends_every_payment_of_the_proposals(chunked):
    cost = chunked.tables["cost"].set_index("scheme")
    assert set(cost.index) == {"community_recovery_fund", "match_trade", "luc_fund", "total"}
    assert (cost["baseline_cost"] > 0).all() and (cost["reform_cost"] == 0).all()
    reach = chunked.tables["reach"].set_index(["entity", "scheme"])
    overall = reach.loc[("organisations", OVERALL)]
    assert overall["newly_eligible"] == 0 and overall["no_longer_eligible"] == overall["eligible_baseline"] > 0
    assert overall["gain_over_5pct"] == 0 and overall["lose_over_5pct"] > 0


def test_the_rows_are_what_the_rules_give_for_the_same_organisations_as_a_situation(chunked, population):
    """A handful of rows of every kind, rebuilt as one ordinary situation: the column-built simulations agree with it."""
    rows = {entity: frame for entity, frame in chunked.rows.items()}
    measured = measures(shared_system())
    organisations = rows["organisation"]
    picked = set(range(3))
    for measure in measured["organisation"]:
        for name in ("baseline", "reform"):
            eligible = np.flatnonzero(organisations[f"{measure.key}.eligible.{name}"].to_numpy())
            picked |= set(eligible[:2].tolist())
            if measure.amount:
                paid = np.flatnonzero(organisations[f"{measure.key}.amount.{name}"].to_numpy() > 0)
                picked |= set(paid[:2].tolist())
    places = rows["place"]
    for measure in measured["place"]:
        eligible_wards = places.loc[places[f"{measure.key}.eligible.baseline"], "ward"].head(2)
        picked |= set(np.flatnonzero(organisations["ward"].isin(eligible_wards).to_numpy())[:2].tolist())
    procurements = rows["procurement"]
    chosen = set(range(4))
    for measure in measured["procurement"]:
        differs = procurements[f"{measure.key}.eligible.baseline"] != procurements[f"{measure.key}.eligible.reform"]
        chosen |= set(np.flatnonzero(differs.to_numpy())[:3].tolist())
    population_rows = np.searchsorted(population.organisations.ids, organisations["organisation_id"].to_numpy()[sorted(picked)])
    procurement_rows = np.searchsorted(population.procurements.ids, procurements["procurement_id"].to_numpy()[sorted(chosen)])
    assert (np.diff(population.organisations.ids) > 0).all() and (np.diff(population.procurements.ids) > 0).all()
    for measure in measured["organisation"]:
        if measure.amount:
            assert (organisations.iloc[sorted(picked)][f"{measure.key}.amount.baseline"] > 0).any(), measure.key
    situation = situation_of(shared_system(), population, population_rows, procurement_rows)
    for name, system in (("baseline", shared_system()), ("reform", reformed_system("current_law"))):
        case = build_case(system, situation, PERIOD)
        expected = {
            "organisation": organisations.iloc[sorted(picked)],
            "procurement": procurements.iloc[sorted(chosen)],
        }
        for entity, frame in expected.items():
            for measure in (measure for measure in measured[entity] if not measure.parts):
                ids = case.ids[entity]
                declared = [index for index, key in enumerate(ids) if key[0] in "op"]
                values = np.array(case.values(measure.eligibility))[declared]
                assert values.tolist() == frame[f"{measure.key}.eligible.{name}"].tolist(), (name, measure.key)
                if measure.amount:
                    amounts = np.array(case.values(measure.amount))[declared]
                    assert amounts.tolist() == frame[f"{measure.key}.amount.{name}"].astype(float).tolist(), (name, measure.key)
        place_rows = places.drop_duplicates("ward").set_index("ward")
        for measure in (measure for measure in measured["place"] if not measure.parts):
            wards = [int(key[1:]) for key in case.ids["place"]]
            assert case.values(measure.eligibility) == place_rows.loc[wards, f"{measure.key}.eligible.{name}"].tolist(), measure.key
            if measure.amount:
                assert case.values(measure.amount) == place_rows.loc[wards, f"{measure.key}.amount.{name}"].astype(float).tolist()


def test_a_bad_reform_is_refused_before_the_population_is_read(tmp_path):
    missing = tmp_path / "nowhere.parquet"
    with pytest.raises(KrugerError, match="current_laww") as refused:
        run_impact("current_laww", missing)
    assert refused.value.code == "unknown_reform"
    with pytest.raises(KrugerError) as refused:
        run_impact({"match_trade.cap": {"2024-01-01": -5}}, missing)
    assert refused.value.code == "bad_reform_value" and refused.value.path == '$.reform["match_trade.cap"]["2024-01-01"]'


@pytest.mark.parametrize(
    ("options", "code"),
    [({"period": "1999"}, "period_out_of_range"), ({"period": "2024-03"}, "bad_period"), ({"chunk_size": 0}, "bad_option")],
)
def test_a_bad_period_or_chunk_size_is_refused_before_the_population_is_read(tmp_path, options, code):
    with pytest.raises(KrugerError) as refused:
        run_impact("current_law", tmp_path / "nowhere.parquet", **options)
    assert refused.value.code == code


def test_an_oversubscribed_budget_says_by_how_much_and_what_share_it_would_pay(population_file):
    run = run_impact({"match_trade.yearly_budget": {"2024-01-01": 100_000}}, population_file, PERIOD, chunk_size=1000)
    row = run.tables["cost"].set_index("scheme").loc["match_trade"]
    assert row["baseline_budget"] == 50_000_000 and row["reform_budget"] == 100_000
    assert row["reform_cost"] == row["baseline_cost"] > 100_000
    assert row["reform_oversubscribed_by"] == pytest.approx(row["reform_cost"] - 100_000)
    assert row["reform_pro_rata_share"] == pytest.approx(100_000 / row["reform_cost"])
    assert row["baseline_oversubscribed_by"] == 0 and row["baseline_pro_rata_share"] == 1
    total = run.tables["cost"].set_index("scheme").loc["total"]
    assert total["reform_oversubscribed_by"] == pytest.approx(row["reform_oversubscribed_by"])
    assert total["reform_pro_rata_share"] == pytest.approx(1 - row["reform_oversubscribed_by"] / total["reform_cost"])


def test_a_national_budget_variable_is_read_once_not_summed_over_places(chunked):
    luc = shared_system().parameters.luc_fund
    row = chunked.tables["cost"].set_index("scheme").loc["luc_fund"]
    assert row["baseline_budget"] == pytest.approx(luc.endowment("2024-01-01") * luc.drawdown_rate("2024-01-01"))
    assert row["reform_budget"] == 0  # current law: no Fund, no money


def test_the_run_states_what_it_ran_on(chunked, population_file):
    about = chunked.about
    assert about["population"] == str(population_file) and about["organisation_rows"] == 3000
    assert about["period"] == PERIOD and about["reform"]["name"] == "current_law"
    assert about["rules_version"] == __import__("kruger_rules.system", fromlist=["rules_version"]).rules_version()
    assert about["places"] == chunked.tables["reach"].query("entity == 'places'")["units"].iloc[0]
