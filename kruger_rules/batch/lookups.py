"""Inputs found by id: England's wards, and the places and procurements files a batch file may point to.

A row may name its place (``ward_code``, ``place_id``) or its procurement (``procurement_id``) rather than
give their inputs inline. The rows these ids point to are read once, whole, before any row of the batch
file, and checked whole: they are reference data, so a bad value in them stops the run with its file, row and
column, where a bad value in the batch file is its own row's fault only.

A ``Keyed`` table is plain arrays, so that it travels to Dask workers as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from kruger_rules.batch.files import read_chunks, read_header
from kruger_rules.batch.layout import PLACE, PLACE_ID, PROCUREMENT, PROCUREMENT_ID, WARD_CODE, Layout
from kruger_rules.errors import KrugerError, did_you_mean, shortened
from kruger_rules.population.chunks import ward_facts
from kruger_rules.population.wards import load_wards
from kruger_rules.table_cells import read_cells

WHOLE_FILE = 1 << 62


@dataclass(frozen=True)
class Keyed:
    """Rows of inputs found by id."""

    column: str
    """The batch file's column that names a row: ``ward_code``, ``place_id`` or ``procurement_id``."""
    what: str
    """What a row is, for messages: "an England ward of 2019", "a row of places.csv"."""
    keys: pd.Index
    inputs: dict[str, np.ndarray]
    given: dict[str, np.ndarray]

    def find(self, ids: np.ndarray, blank: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each id's row (-1 where blank or unknown), and where an id was given but is unknown."""
        rows = self.keys.get_indexer(ids)
        rows[blank] = -1
        return rows, ~blank & (rows < 0)

    def unknown_reason(self, value: str) -> str:
        return f"'{self.column}' {shortened(repr(value))} is not {self.what}"


def ward_table(system) -> Keyed:
    """England's wards, by ward code, with the place inputs the ward table gives."""
    wards = load_wards()
    facts = ward_facts(wards, system)
    given = {name: np.ones(len(wards), bool) for name in facts.inputs}
    return Keyed(WARD_CODE, "an England ward code of 2019", pd.Index(wards["ward_code"].astype(str)), facts.inputs, given)


def keyed_file(path: Path, column: str, entity: str, layout: Layout) -> Keyed:
    """A places or procurements file: ``column`` (unique ids), then inputs of ``entity`` only; checked whole."""
    header = read_header(path)
    allowed = layout.inputs[entity]
    if column not in header:
        raise KrugerError("bad_batch_file", f"{path}: the column '{column}' is required", f"$.{column}")
    for name in header:
        if name != column and name not in allowed:
            raise KrugerError("bad_batch_file", f"{path}: '{name}' is not an input of a {entity}{did_you_mean(name, allowed)}", f"$.{name}")
    table = pa.concat_tables(list(read_chunks(path, header, WHOLE_FILE))) if header else None
    if table is None or not table.num_rows:
        raise KrugerError("bad_batch_file", f"{path} has no row")
    ids = np.asarray(table.column(column).cast(pa.string()).to_pylist(), dtype=object)
    keys = pd.Index(ids)
    if keys.has_duplicates:
        duplicate = keys[keys.duplicated()][0]
        raise KrugerError("bad_batch_file", f"{path}: '{column}' {shortened(repr(duplicate))} is given twice", f"$.{column}")
    inputs, given = {}, {}
    for name in header:
        if name == column:
            continue
        cells = read_cells(table.column(name), allowed[name])
        if cells.problems:
            row, reason = next(iter(cells.problems.items()))
            raise KrugerError("bad_batch_file", f"{path}: row {row + 1}: {reason}", f"$.{name}")
        inputs[name], given[name] = cells.values, cells.given
    return Keyed(column, f"a {column} of {Path(path).name}", keys, inputs, given)


def lookups(system, layout: Layout, header: list[str], places: Path | None, procurements: Path | None) -> dict[str, Keyed]:
    """The tables the batch file's id columns point to, by the entity they give inputs to."""
    for path, column, option in ((places, PLACE_ID, "--places"), (procurements, PROCUREMENT_ID, "--procurements")):
        if path is not None and column not in header:
            raise KrugerError("bad_batch_file", f"{option} is given, but the batch file has no '{column}' column to use it", f"$.{column}")
    found = {}
    if WARD_CODE in header:
        found[PLACE] = ward_table(system)
    elif places is not None:
        found[PLACE] = keyed_file(places, PLACE_ID, PLACE, layout)
    if procurements is not None:
        found[PROCUREMENT] = keyed_file(procurements, PROCUREMENT_ID, PROCUREMENT, layout)
    return found
