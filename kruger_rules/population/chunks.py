"""A population cut into chunks of rows, each one self-contained: what one worker needs to compute it.

A chunk holds its organisations, the places they belong to (the wards present in the chunk, with the ward
facts the rules read) and the procurements their public bodies commission, all as numpy arrays. It is plain
data, so that it pickles: a chunk can be computed in this process or sent to another (Dask) as it is.

A ward whose organisations fall in two chunks is a place of both, since each chunk's organisations need
their place's facts; it is counted, in totals of places, by the first chunk that has it only (``counted``),
so that chunks' totals add up to the population's.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd
from openfisca_core.indexed_enums import Enum

from kruger_rules.errors import KrugerError
from kruger_rules.population.inputs import Population, Rows
from kruger_rules.population.places import PLACE_INPUTS

DEFAULT_CHUNK_SIZE = 100_000
"""Rows of organisations per chunk: big enough that the rule system's cost per simulation is small beside its
cost per row, small enough that a chunk's arrays stay in the processor's caches (a million rows run faster in
chunks of 100,000 than in one) and its simulations well within a gigabyte."""


@dataclass(frozen=True)
class Places:
    """The places of a chunk: the wards its organisations are in, with their facts."""

    ward: np.ndarray
    """Each place's row in the ward table."""
    local_authority: np.ndarray
    """Each place's local authority, a row of ``WardFacts.local_authorities``."""
    counted: np.ndarray
    """Whether this chunk counts the place in totals of places (the first chunk that has it does)."""
    inputs: dict[str, np.ndarray]

    def __len__(self) -> int:
        return len(self.ward)


@dataclass(frozen=True)
class Chunk:
    """Rows of organisations (linked to their place), their places, and the procurements they commission."""

    organisations: Rows
    """``link``: the organisation's place, a row of ``places``."""
    places: Places
    procurements: Rows
    """``link``: the commissioner, a row of ``organisations``."""
    local_authorities: int
    """How many local authorities there are in all: the size of that dimension, the same for every chunk."""


@dataclass(frozen=True)
class WardFacts:
    """Every ward's place inputs as model arrays, and its local authority."""

    inputs: dict[str, np.ndarray]
    local_authority: np.ndarray
    local_authorities: pd.DataFrame
    """``lad_code`` and ``lad_name``, one row per local authority, by code."""


def ward_facts(wards: pd.DataFrame, system) -> WardFacts:
    """The filled ward table's place inputs as the rule system takes them (enumerations as indices, by name)."""
    inputs = {}
    for name in PLACE_INPUTS:
        column, variable = wards[name], system.variables[name]
        if column.isna().any():
            raise KrugerError("bad_data", f"the ward table has empty values of '{name}': fill it first (wards.load_wards)")
        if variable.value_type is Enum:
            known = {item.name: item.index for item in variable.possible_values}
            names = column.astype(str)
            unknown = sorted(set(names) - set(known))
            if unknown:
                raise KrugerError("bad_data", f"the ward table's '{name}' has values the model does not know: {unknown}")
            inputs[name] = names.map(known).to_numpy(dtype=np.int16)
        else:
            inputs[name] = column.to_numpy(dtype=np.int32)
    codes, local_authority = np.unique(wards["lad_code"].astype(str).to_numpy(), return_inverse=True)
    names = wards.groupby(wards["lad_code"].astype(str))["lad_name"].first().astype(str)
    table = pd.DataFrame({"lad_code": codes, "lad_name": names.loc[codes].to_numpy()})
    return WardFacts(inputs, local_authority.astype(np.int32), table)


def chunk_bounds(rows: int, chunk_size: int) -> list[tuple[int, int]]:
    """Each chunk's rows, from its first to the one after its last."""
    if chunk_size < 1:
        raise KrugerError("bad_option", "a chunk holds at least one row", "$.chunk_size")
    return [(start, min(start + chunk_size, rows)) for start in range(0, rows, chunk_size)]


def chunks(population: Population, facts: WardFacts, chunk_size: int) -> Iterator[Chunk]:
    """The population in chunks of ``chunk_size`` organisations, in the file's order."""
    organisations, procurements = population.organisations, population.procurements
    bounds = chunk_bounds(len(organisations), chunk_size)
    wards = len(facts.local_authority)
    seen = np.zeros(wards, dtype=bool)
    # Procurements go with their commissioner's chunk: grouped by it once, not searched for chunk by chunk.
    commissioner_chunk = procurements.link // chunk_size
    order = np.argsort(commissioner_chunk, kind="stable")
    ends = np.searchsorted(commissioner_chunk[order], np.arange(len(bounds)), side="right")
    for index, (start, stop) in enumerate(bounds):
        ward = organisations.link[start:stop]
        present = np.bincount(ward, minlength=wards) > 0
        place_ward = np.flatnonzero(present).astype(np.int32)
        local = np.zeros(wards, dtype=np.int32)
        local[place_ward] = np.arange(len(place_ward), dtype=np.int32)
        places = Places(
            place_ward,
            facts.local_authority[place_ward],
            ~seen[place_ward],
            {name: values[place_ward] for name, values in facts.inputs.items()},
        )
        seen |= present
        bought = order[(ends[index - 1] if index else 0) : ends[index]]
        yield Chunk(
            organisations.take(slice(start, stop), link=local[ward]),
            places,
            procurements.take(bought, link=procurements.link[bought] - start),
            len(facts.local_authorities),
        )
