"""The population's totals as tables of reach: who is eligible, who gains and who loses, overall and where.

Every figure is weighted (a row stands for ``weight`` organisations or procurements; a place is one place)
and is read from the combined partial aggregates (``tally.py``), never from the rows again:

- ``units``: organisations, places or procurements in the group;
- ``eligible_baseline``, ``eligible_reform``, ``newly_eligible``, ``no_longer_eligible``;
- the five buckets of the change in the amount received (``measures.py`` says how a change from 0 is
  bucketed), empty for a scheme that pays nothing;
- ``amount_baseline``, ``amount_reform`` and ``amount_change``: the sums of the amounts (a scheme's cost).

``reach`` gives England; ``reach_by_<dimension>`` the same by region, IMD decile, CNI decile, organisation
type (a procurement's is its commissioner's; a place has none) and local authority, each group that has
units of the entity.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kruger_rules.population.chunks import WardFacts
from kruger_rules.population.measures import BUCKETS, TRANSITIONS, Measure
from kruger_rules.population.tally import (
    AMOUNT_BASELINE,
    AMOUNT_REFORM,
    AMOUNT_SCALE,
    COUNT_SCALE,
    DECILES,
    DIMENSIONS,
    STATES,
    Layout,
    Totals,
)

COUNTS = ("units", "eligible_baseline", "eligible_reform", "newly_eligible", "no_longer_eligible")
AMOUNTS = ("amount_baseline", "amount_reform", "amount_change")
MEASURE_COLUMNS = (*COUNTS, *BUCKETS, *AMOUNTS)
ELIGIBLE = {
    "eligible_baseline": ("no_longer_eligible", "eligible_in_both"),
    "eligible_reform": ("newly_eligible", "eligible_in_both"),
    "newly_eligible": ("newly_eligible",),
    "no_longer_eligible": ("no_longer_eligible",),
}


def group_labels(system, facts: WardFacts) -> dict[str, pd.DataFrame]:
    """The columns that name each dimension's groups, one row per group in the order of the totals."""
    regions = system.variables["region"].possible_values
    kinds = system.variables["organisation_type"].possible_values
    deciles = np.arange(1, DECILES + 1)
    return {
        "england": pd.DataFrame({"area": ["England"]}),
        "region": pd.DataFrame({"region": [item.name for item in regions], "region_label": [item.value for item in regions]}),
        "imd_decile": pd.DataFrame({"imd_decile": deciles}),
        "cni_decile": pd.DataFrame({"cni_decile": deciles}),
        "organisation_type": pd.DataFrame(
            {"organisation_type": [item.name for item in kinds], "organisation_type_label": [item.value for item in kinds]}
        ),
        "local_authority": facts.local_authorities[["lad_code", "lad_name"]].reset_index(drop=True),
    }


def layout_of(system, local_authorities: int) -> Layout:
    """The groups of every dimension: the model's regions and organisation types, the ward table's local authorities."""
    regions = len(system.variables["region"].possible_values)
    kinds = len(system.variables["organisation_type"].possible_values)
    return Layout(regions, kinds, local_authorities)


def measure_columns(totals: np.ndarray) -> dict[str, np.ndarray]:
    """The measure columns from an array ``(..., WIDTH)`` of fixed-point sums, added up as integers, then scaled."""
    states = totals[..., :STATES].reshape(*totals.shape[:-1], len(TRANSITIONS), len(BUCKETS))
    by_transition, by_bucket = states.sum(axis=-1), states.sum(axis=-2)
    counts = {"units": by_transition.sum(axis=-1)}
    for name, kinds in ELIGIBLE.items():
        counts[name] = by_transition[..., [TRANSITIONS.index(kind) for kind in kinds]].sum(axis=-1)
    for index, name in enumerate(BUCKETS):
        counts[name] = by_bucket[..., index]
    columns = {name: values / COUNT_SCALE for name, values in counts.items()}
    columns["amount_baseline"] = totals[..., AMOUNT_BASELINE] / AMOUNT_SCALE
    columns["amount_reform"] = totals[..., AMOUNT_REFORM] / AMOUNT_SCALE
    columns["amount_change"] = (totals[..., AMOUNT_REFORM] - totals[..., AMOUNT_BASELINE]) / AMOUNT_SCALE
    return columns


def reach_tables(
    totals: Totals, measured: dict[str, tuple[Measure, ...]], layout: Layout, labels: dict[str, pd.DataFrame], plurals: dict[str, str]
) -> dict[str, pd.DataFrame]:
    """``reach`` (England) and ``reach_by_<dimension>``, one row per entity, measure and group with units."""
    frames: dict[str, list[pd.DataFrame]] = {dimension: [] for dimension in DIMENSIONS}
    for entity, measures_ in measured.items():
        array = totals.arrays[entity]
        for index, measure in enumerate(measures_):
            for dimension in DIMENSIONS:
                columns = measure_columns(array[layout.span(dimension), index])
                frame = pd.concat([labels[dimension], pd.DataFrame(columns)], axis=1)
                frame.insert(0, "label", measure.label)
                frame.insert(0, "scheme", measure.key)
                frame.insert(0, "entity", plurals[entity])
                if not measure.pays:
                    frame[list(BUCKETS) + list(AMOUNTS)] = np.nan
                frames[dimension].append(frame[frame["units"] > 0] if dimension != "england" else frame)
    tables = {}
    for dimension, parts in frames.items():
        name = "reach" if dimension == "england" else f"reach_by_{dimension}"
        table = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
        tables[name] = table.drop(columns=["area"]) if dimension == "england" else table
    return tables
