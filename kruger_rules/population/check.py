"""A generated population against the published aggregates it is calibrated to: one row per target.

Each target of ``targets.TARGETS`` is measured on the population's weighted rows (the weights stand for
England's organisations), with the wards' facts joined by ``ward_code``, and compared with its tolerance.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

from kruger_rules.population import targets as t
from kruger_rules.population.generate import read
from kruger_rules.population.wards import load_wards


class CheckRow(NamedTuple):
    target: str
    source: str
    value: float
    generated: float
    tolerance: float
    within: bool
    assumption: bool


def check(path: Path, wards: pd.DataFrame | None = None) -> list[CheckRow]:
    """Every target against the population stored at ``path`` (and its procurements file)."""
    organisations, procurements = read(path)
    return check_frames(organisations, procurements, load_wards() if wards is None else wards)


def check_frames(organisations: pd.DataFrame, procurements: pd.DataFrame, wards: pd.DataFrame) -> list[CheckRow]:
    generated = measures(organisations, procurements, wards)
    return [
        CheckRow(
            target.label,
            target.source,
            target.value,
            generated[target.key],
            target.tolerance,
            bool(abs(generated[target.key] - target.value) <= target.tolerance + 1e-9),
            target.assumption,
        )
        for target in t.TARGETS
    ]


def weighted_median(values: np.ndarray, weights: np.ndarray) -> float:
    if not len(values):
        return float("nan")
    order = np.argsort(values)
    cumulative = np.cumsum(weights[order])
    return float(values[order][np.searchsorted(cumulative, cumulative[-1] / 2)])


def share(weights: np.ndarray, among: np.ndarray, selected: np.ndarray) -> float:
    """The weighted share of the ``among`` rows that are ``selected``."""
    total = weights[among].sum()
    return float(weights[among & selected].sum() / total) if total else float("nan")


def measures(organisations: pd.DataFrame, procurements: pd.DataFrame, wards: pd.DataFrame) -> dict[str, float]:
    """Each target's key and its value in the population."""
    ward = pd.Index(wards["ward_code"].astype(str)).get_indexer(organisations["ward_code"].astype(str))
    if (ward < 0).any():
        raise ValueError("the population names wards that are not in the ward table")
    region = wards["region"].astype(str).to_numpy()[ward]
    fifth = (wards["imd_decile"].to_numpy(dtype=int)[ward] - 1) // 2
    ocsi = wards["left_behind_ocsi"].to_numpy(dtype=bool)[ward]
    residents = wards["population"].to_numpy(dtype=float)
    weight = organisations["weight"].to_numpy(dtype=float)
    kind = organisations["organisation_type"].astype(str).to_numpy()
    income = organisations["total_income"].to_numpy(dtype=float)
    charity = np.isin(kind, t.CHARITY_TYPES)
    trading_led = (
        np.isin(kind, t.TRADING_LED_TYPES)
        & (income > 0)
        & (organisations["trading_income"].to_numpy(dtype=float) >= t.TRADING_LED_MIN_SHARE.value * income)
    )
    charities_per_head = weight[charity].sum() / residents.sum()
    flagged_residents = residents[wards["left_behind_ocsi"].to_numpy(dtype=bool)].sum()
    north_east_residents = residents[wards["region"].astype(str).to_numpy() == "north_east"].sum()
    band = np.digitize(income, t.INCOME_BAND_EDGES[1:-1])
    values = {"organisations": float(weight.sum())}
    values |= {f"count/{name}": float(weight[kind == name].sum()) for name in t.TYPE_COUNTS}
    values |= {f"charity_income_band/{label}": share(weight, charity, band == i) for i, label in enumerate(t.INCOME_BANDS)}
    values |= {f"charity_region/{name}": share(weight, charity, region == name) for name in t.REGIONS}
    values |= {
        "charity_quintile/1": share(weight, charity, fifth == 0),
        "trading_led_quintile/1": share(weight, trading_led & ~charity, fifth == 0),
        "trading_led_quintile/5": share(weight, trading_led & ~charity, fifth == 4),
        "charity_ocsi_rate": weight[charity & ocsi].sum() / flagged_residents / charities_per_head,
        "north_east_density": weight[charity & (region == "north_east")].sum() / north_east_residents / charities_per_head,
        "parish_london": float(weight[(kind == "parish_council") & (region == "london")].sum()),
        "trading_led": float(weight[trading_led].sum()),
        "trading_led_young": share(weight, trading_led, organisations["months_since_established"].to_numpy() < t.YOUNG_MONTHS),
        "charity_income_over_5m": float(
            (weight * income)[charity & (band == len(t.INCOME_BANDS) - 1)].sum() / (weight * income)[charity].sum()
        ),
        "median_micro_charity_income": weighted_median(income[charity & (band == 0)], weight[charity & (band == 0)]),
        "procurements": float(procurements["weight"].sum()),
        "contracts_under_100k": share(
            procurements["weight"].to_numpy(dtype=float),
            np.ones(len(procurements), dtype=bool),
            procurements["contract_value"].to_numpy() < 100_000,
        ),
    }
    return values
