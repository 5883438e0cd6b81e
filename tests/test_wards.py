"""England's wards: the known facts of data/README.md, and the two imputations (filled, flagged, never overwriting)."""

import numpy as np
import pandas as pd
import pytest

from kruger_rules.population.places import place_simulation
from kruger_rules.population.wards import imputed_imd_deciles, load_wards, read_wards

PERIOD = "2024"
EMPTY_POPULATION = {
    "E05003230": "Ravenstonedale",
    "E05003257": "Kendal Romney",
    "E05003259": "Kendal Strickland",
    "E05006760": "Ammerdown",
    "E05006764": "Chewton Mendip and Ston Easton",
    "E05008917": "Brendon Hills",
    "E05008922": "Greater Exmoor",
    "E05009880": "Fulstow",
    "E05010102": "Castle Donington Park",
    "E05010187": "Clopton",
    "E05010593": "Frome Valley",
    "E05010599": "Queen Thorne",
}
OCSI_BY_REGION = {
    "north_east": 56,
    "north_west": 54,
    "west_midlands": 31,
    "yorkshire_and_the_humber": 28,
    "east_of_england": 18,
    "east_midlands": 17,
    "south_east": 16,
    "south_west": 3,
    "london": 2,
}
ONS_MID_2019_DISTRICTS = {"Birmingham": 1_141_816, "Leeds": 793_139, "Manchester": 552_858, "Cornwall": 569_578}
"""ONS mid-2019 district population estimates (MYE2, released June 2020)."""


@pytest.fixture(scope="module")
def given() -> pd.DataFrame:
    return read_wards()


@pytest.fixture(scope="module")
def wards() -> pd.DataFrame:
    return load_wards()


@pytest.fixture(scope="module")
def rule(system, wards) -> np.ndarray:
    """The model's own rule, computed by the rule system on every ward at once."""
    return place_simulation(system, wards, PERIOD).calculate("place_is_left_behind", PERIOD)


def test_the_table_has_every_ward_with_its_gaps(given):
    assert len(given) == given["ward_code"].nunique() == 7_433
    assert given["imd_decile"].isna().sum() == given["imd_score"].isna().sum() == 2_104
    empty = given[given["population"].isna()]
    assert dict(zip(empty["ward_code"], empty["ward_name"], strict=True)) == EMPTY_POPULATION
    assert given["left_behind_ocsi"].sum() == 225
    assert given["lad_code"].nunique() == 324


def test_the_rule_agrees_with_ocsi_on_5308_of_the_5329_wards_with_both_indices(wards, rule):
    both = ~wards["imd_decile_imputed"].to_numpy()
    ocsi = wards["left_behind_ocsi"].to_numpy()
    assert both.sum() == 5_329
    assert (rule[both] == ocsi[both]).sum() == 5_308
    assert (rule[both] & ocsi[both]).sum() == 161
    assert (ocsi[both] & ~rule[both]).sum() == 17
    assert (rule[both] & ~ocsi[both]).sum() == 4


def test_on_the_filled_wards_the_rule_never_contradicts_ocsi(wards, rule):
    filled = wards["imd_decile_imputed"].to_numpy()
    assert (rule[filled] == wards["left_behind_ocsi"].to_numpy()[filled]).all()
    assert rule.sum() == 161 + 4 + wards.loc[filled, "left_behind_ocsi"].sum()


def test_ocsi_left_behind_wards_by_region(given):
    counts = given[given["left_behind_ocsi"]].groupby("region", observed=True).size()
    assert counts.to_dict() == OCSI_BY_REGION


def test_population_totals_and_distribution(given):
    population = given["population"].dropna().astype(int)
    assert len(population) == 7_421
    assert population.sum() == 56_275_016
    assert (population.min(), population.max()) == (924, 48_635)
    assert population.quantile([0.25, 0.5, 0.75]).tolist() == [4_020, 6_200, 10_266]
    assert round(population.mean()) == 7_583


def test_wards_between_5000_and_15000_people(given):
    population = given["population"]
    between = population.between(5_000, 15_000).fillna(False).astype(bool)
    assert between.sum() == 4_047 and round(100 * between.sum() / len(given), 1) == 54.4
    assert population[between].sum() == 35_052_702
    assert (population < 5_000).sum() == 2_720 and (population > 15_000).sum() == 654
    assert (between & given["left_behind_ocsi"]).sum() == 159


def test_district_sums_are_the_ons_district_totals(given):
    totals = given.groupby("lad_name")["population"].sum()
    assert {name: totals[name] for name in ONS_MID_2019_DISTRICTS} == ONS_MID_2019_DISTRICTS


def test_filling_adds_exactly_the_filled_values_to_each_district(given, wards):
    before = given.groupby("lad_code")["population"].sum().astype("int64")
    after = wards.groupby("lad_code")["population"].sum()
    added = wards[wards["population_imputed"]].groupby("lad_code")["population"].sum().reindex(before.index, fill_value=0)
    assert (after - before).equals(added)
    assert wards.loc[~wards["population_imputed"], "population"].sum() == 56_275_016
    assert added.sum() == 36_139


def test_every_gap_is_filled_and_flagged(given, wards):
    assert wards[["imd_decile", "population"]].notna().all().all()
    assert wards["imd_decile"].between(1, 10).all() and (wards["population"] > 0).all()
    assert wards["imd_decile_imputed"].equals(given["imd_decile"].isna().rename("imd_decile_imputed"))
    assert wards["population_imputed"].equals(given["population"].isna().rename("population_imputed"))
    assert str(wards["imd_decile"].dtype) == "int8" and str(wards["population"].dtype) == "int64"


def test_no_given_value_is_changed(given, wards):
    for column in given.columns:
        known = given[column].notna()
        assert (wards.loc[known, column].astype(str) == given.loc[known, column].astype(str)).all(), column


def test_a_filled_population_is_the_median_of_its_district(given, wards):
    for code in EMPTY_POPULATION:
        ward = wards[wards["ward_code"] == code].iloc[0]
        district = given.loc[given["lad_code"] == ward["lad_code"], "population"].dropna()
        assert ward["population"] == np.floor(district.median() + 0.5)
    assert wards.loc[wards["ward_code"] == "E05003230", "population"].item() == 1_462


def test_a_flagged_ward_fills_decile_1_and_an_unflagged_ward_in_need_never_does(wards):
    filled = wards[wards["imd_decile_imputed"]]
    assert (filled.loc[filled["left_behind_ocsi"], "imd_decile"] == 1).all()
    assert (filled.loc[~filled["left_behind_ocsi"] & (filled["cni_decile"] == 1), "imd_decile"] > 1).all()


def test_filled_wards_keep_their_regions_decile_mix(given, wards):
    """Apart from the flag's corrections, a region's filled wards take its given wards' deciles in proportion."""
    filled = wards[wards["imd_decile_imputed"]]
    for region, group in filled.groupby("region", observed=True):
        shares = given.loc[(given["region"] == region) & given["imd_decile"].notna(), "imd_decile"].value_counts(normalize=True)
        expected = shares.reindex(range(1, 11), fill_value=0) * len(group)
        counts = group["imd_decile"].value_counts().reindex(range(1, 11), fill_value=0)
        corrections = group["left_behind_ocsi"].sum() + ((group["cni_decile"] == 1) & ~group["left_behind_ocsi"]).sum()
        assert (counts - expected).abs().max() < 1 + corrections, region


def hidden_districts(given: pd.DataFrame, seed: int) -> pd.Series:
    known = given["imd_decile"].notna()
    districts = given.loc[known, "lad_code"].unique()
    hidden = np.random.default_rng(seed).choice(districts, size=len(districts) // 5, replace=False)
    return known & given["lad_code"].isin(hidden)


def test_held_out_districts_are_filled_better_than_by_their_regions_median(given):
    found, by_median = [], []
    for seed in range(3):
        hidden = hidden_districts(given, seed)
        masked = given.copy()
        masked.loc[hidden, ["imd_decile", "imd_score", "imd_rank"]] = pd.NA
        truth = given.loc[hidden, "imd_decile"].astype(int)
        found.append(imputed_imd_deciles(masked)[hidden] == truth)
        median = masked["imd_decile"].astype(float).groupby(masked["region"], observed=True).transform("median")
        by_median.append(np.floor(median[hidden] + 0.5) == truth)
    assert pd.concat(found).mean() > pd.concat(by_median).mean() + 0.04


def test_filling_is_deterministic(given):
    assert imputed_imd_deciles(given).equals(imputed_imd_deciles(given.copy()))
