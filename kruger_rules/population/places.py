"""Wards as the model's places: the ward table's columns as place input arrays, and a simulation built from them.

A population run computes every place at once, so the simulation is built from arrays (one place per ward,
in the table's order), never from a situation dict per ward.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from openfisca_core.simulation_builder import SimulationBuilder
from openfisca_core.simulations import Simulation

PLACE_INPUTS = ("imd_decile", "cni_decile", "population", "region")
"""The ward table's columns that are the model's place inputs, under the same names."""


def place_inputs(wards: pd.DataFrame) -> dict[str, np.ndarray]:
    """The place input arrays of a complete ward table (see ``wards.load_wards``), one value per ward."""
    missing = [name for name in PLACE_INPUTS if wards[name].isna().any()]
    if missing:
        raise ValueError(f"the ward table has empty {', '.join(missing)}: fill it first (wards.load_wards)")
    return {
        "imd_decile": wards["imd_decile"].to_numpy(dtype=np.int32),
        "cni_decile": wards["cni_decile"].to_numpy(dtype=np.int32),
        "population": wards["population"].to_numpy(dtype=np.int32),
        "region": wards["region"].astype("string").to_numpy(dtype=str),
    }


def place_simulation(system, wards: pd.DataFrame, period: str) -> Simulation:
    """A simulation with one place per ward (and one organisation and procurement each, unused), inputs set."""
    simulation = SimulationBuilder().build_default_simulation(system, len(wards))
    for name, values in place_inputs(wards).items():
        simulation.set_input(name, period, values)
    return simulation
