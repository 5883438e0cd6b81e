"""The impact of a reform on a population: each row under the baseline and the reform, summed into tables.

``run_chunk`` is the unit of work: a chunk (plain arrays, ``chunks.py``), the reform's data form and the
period in; per-row results and partial aggregates out. It reads nothing else, so that it can run in another
process (on Dask): a worker rebuilds the baseline and the reformed system from the package and the reform's
data, once per process (``reforms.reformed_system`` caches it). Each chunk is two vectorised simulations per
system (``columns.py``): never a loop over rows.

``run_impact`` is the whole run: it checks the reform, the period and the population before any work,
runs the chunks (in this process, or on a Dask cluster through ``scaleout.ordered_map``), adds their partial
aggregates (``tally.py``: exact, so the order and the size of chunks do not matter) and turns the totals into
tables (``aggregates.py``, ``costs.py``). The API and the command line both call it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from openfisca_core.periods import Period

from kruger_rules.coverage import covered_year
from kruger_rules.population.aggregates import group_labels, layout_of, reach_tables
from kruger_rules.population.chunks import DEFAULT_CHUNK_SIZE, Chunk, chunk_bounds, chunks, ward_facts
from kruger_rules.population.columns import PLACE, PROCUREMENT, organisation_simulation, procurement_simulation
from kruger_rules.population.costs import cost_table
from kruger_rules.population.generate import SAMPLE_PATH
from kruger_rules.population.inputs import read_population
from kruger_rules.population.measures import SYSTEMS, Measure, Values, measures, values
from kruger_rules.population.tally import Totals, tally
from kruger_rules.reforms import parse_reform, reformed_system
from kruger_rules.scaleout import ordered_map
from kruger_rules.system import DOCS_DIR, rules_version, shared_system

ASSUMPTIONS_ROUTE = "/assumptions"
Progress = Callable[[int, int], None]
"""Told the organisations done and the organisations in all, after each chunk."""


@dataclass
class EntityRows:
    """An entity's rows in a chunk: the columns that identify them, their weight, place and organisation type."""

    identity: dict[str, np.ndarray]
    weight: np.ndarray
    place: np.ndarray
    kind: np.ndarray | None


@dataclass
class ChunkResult:
    """A chunk's per-row results (by entity; None when not asked for) and its partial aggregates."""

    rows: dict[str, pd.DataFrame] | None
    totals: Totals


@dataclass
class Impact:
    """A run's tables, what it ran on (``about``), and its per-row results when asked for."""

    tables: dict[str, pd.DataFrame]
    about: dict
    rows: dict[str, pd.DataFrame] | None = field(default=None)


def run_chunk(chunk: Chunk, reform, period: str, rows: bool = True) -> ChunkResult:
    """The baseline and ``reform`` (its data form, or a name) on ``chunk`` for ``period``: per-row results and partial aggregates."""
    baseline = shared_system()
    systems = {"baseline": baseline, "reform": reformed_system(reform)}
    measured = measures(baseline)
    year = covered_year(period)  # parsed once: a period given as text is parsed again at every use
    found = {name: computed(system, chunk, year, measured) for name, system in systems.items()}
    layout = layout_of(baseline, chunk.local_authorities)
    entities = entity_rows(chunk, baseline)
    totals = Totals()
    tables = {}
    for entity, measures_ in measured.items():
        rows_of = entities[entity]
        pairs = [(found["baseline"][entity][measure.key], found["reform"][entity][measure.key]) for measure in measures_]
        totals.arrays[entity] = tally(rows_of.weight, rows_of.place, rows_of.kind, pairs, chunk.places, layout)
        if rows:
            tables[entity] = row_table(rows_of, measures_, pairs)
    return ChunkResult(tables if rows else None, totals)


def computed(system, chunk: Chunk, period: Period, measured: dict[str, tuple[Measure, ...]]) -> dict[str, dict[str, Values]]:
    """Every measure's values in ``system``, by entity: organisations and places in one simulation, procurements in another."""
    organisations = organisation_simulation(system, chunk, period)
    found = {}
    for entity, measures_ in measured.items():
        if entity == PROCUREMENT:
            count = len(chunk.procurements)
            simulation = procurement_simulation(system, chunk, period) if count else None
            found[entity] = values(simulation, period, measures_, count)
        elif entity in (system.person_entity.key, PLACE):
            found[entity] = values(organisations, period, measures_, 0)
        else:
            raise ValueError(f"a population run has no rows of '{entity}'")
    return found


def entity_rows(chunk: Chunk, system) -> dict[str, EntityRows]:
    """Each entity's rows in the chunk. A place counts once in the population (``Places.counted``); a procurement
    is placed, and typed, by its commissioner."""
    organisations, places, procurements = chunk.organisations, chunk.places, chunk.procurements
    default_kind = system.variables["organisation_type"].default_value.index
    kind = organisations.inputs.get("organisation_type", np.full(len(organisations), default_kind, np.int16))
    return {
        system.person_entity.key: EntityRows(
            {"organisation_id": organisations.ids, "ward": places.ward[organisations.link]}, organisations.weight, organisations.link, kind
        ),
        PLACE: EntityRows(
            {"ward": places.ward, "counted": places.counted}, places.counted.astype(np.float64), np.arange(len(places)), None
        ),
        PROCUREMENT: EntityRows(
            {"procurement_id": procurements.ids, "commissioner_id": organisations.ids[procurements.link]},
            procurements.weight,
            organisations.link[procurements.link],
            kind[procurements.link],
        ),
    }


def row_table(rows_of: EntityRows, measured: tuple[Measure, ...], pairs: list[tuple[Values, Values]]) -> pd.DataFrame:
    """Per-row results: identity, weight, then each measure's eligibility and amount under each system."""
    columns: dict[str, np.ndarray] = {**rows_of.identity, "weight": rows_of.weight}
    for measure, pair in zip(measured, pairs, strict=True):
        for name, found in zip(SYSTEMS, pair, strict=True):
            columns[f"{measure.key}.eligible.{name}"] = found.eligible
        for name, found in zip(SYSTEMS, pair, strict=True):
            if found.amount is not None:
                columns[f"{measure.key}.amount.{name}"] = found.amount
    return pd.DataFrame(columns)


def run_impact(
    reform,
    population: Path | str | None = None,
    period: str | int = 2024,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    progress: Progress | None = None,
    keep_rows: bool = False,
    client=None,
) -> Impact:
    """The impact of ``reform`` (a name, its data form or a ``ReformSpec``) on a population file (default: the shipped sample).

    The reform, the period, the chunk size and the population are checked, in that order, before any row is
    computed: a fault is a ``KrugerError``. ``keep_rows`` keeps the per-row results (``Impact.rows``).
    With a Dask ``client`` the chunks run on its cluster: each goes to a worker, and only its partial aggregates
    (and its rows, when kept) come back; the tables are the same as in this process.

    Tables (``aggregates.py``, ``costs.py``): ``cost``, ``reach`` and ``reach_by_<dimension>``. A change in the
    amount a row receives is bucketed relative to its baseline amount; from 0 to a positive amount it is a gain
    over 5 %, from a positive amount to 0 a loss over 5 %, and 0 to 0 no change (``measures.py``).
    """
    started = time.perf_counter()
    spec = parse_reform(reform)
    year = str(covered_year(period))
    chunk_bounds(0, chunk_size)
    baseline = shared_system()
    systems = {"baseline": baseline, "reform": reformed_system(spec)}
    path = Path(population) if population is not None else SAMPLE_PATH
    read = read_population(path, baseline)
    facts = ward_facts(read.wards, baseline)
    total = len(read.organisations)
    bounds = chunk_bounds(total, chunk_size)
    totals, kept = Totals(), []
    results = ordered_map(client, run_chunk, chunks(read, facts, chunk_size), spec.data, year, keep_rows)
    for (_, done), result in zip(bounds, results, strict=True):
        totals += result.totals
        if result.rows is not None:
            kept.append(result.rows)
        if progress is not None:
            progress(done, total)
    measured = measures(baseline)
    plurals = {entity.key: entity.plural for entity in baseline.entities}
    layout = layout_of(baseline, len(facts.local_authorities))
    tables = reach_tables(totals, measured, layout, group_labels(baseline, facts), plurals)
    tables = {"cost": cost_table(tables["reach"], measured, systems, year, plurals), **tables}
    about = {
        "population": str(path),
        "population_files": [str(file) for file in read.files],
        "population_bytes": read.file_bytes,
        "organisation_rows": total,
        "organisations": float(read.organisations.weight.sum()),
        "places": int((np.bincount(read.organisations.link, minlength=len(read.wards)) > 0).sum()),
        "procurement_rows": len(read.procurements),
        "procurements": float(read.procurements.weight.sum()),
        "period": year,
        "reform": {"label": spec.label, "name": spec.name, "data": spec.data},
        "rules_version": rules_version(),
        "assumptions": ASSUMPTIONS_ROUTE,
        "assumptions_file": str(DOCS_DIR / "assumptions.md"),
        "chunk_size": chunk_size,
        "chunks": len(bounds),
        "seconds": round(time.perf_counter() - started, 3),
    }
    rows = {entity: pd.concat([part[entity] for part in kept], ignore_index=True) for entity in measured} if keep_rows else None
    return Impact(tables, about, rows)
