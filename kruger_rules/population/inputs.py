"""A population file read into the model's input arrays, checked whole before any work starts.

A population is two tables, as ``population generate`` writes them (``data/README.md``): the organisations
(``FILE.parquet`` or ``FILE.csv``: ``organisation_id``, ``ward_code``, ``weight``, then model inputs under
their own names) and, beside it, the procurements their public bodies commission (``FILE.procurements.parquet``
or ``.csv``: ``procurement_id``, ``commissioner_id``, ``weight``, then procurement inputs). A population run
works on columns, so each column is converted once, whole, to the array the rule system takes: enumerations
to their indices in the model's order (by name, whatever the file's order), dates to ``datetime64[D]``.

Every fault is a :class:`KrugerError` naming the file and the column, found before any simulation is built:
a column that is no input of the table's entity (a misspelling would otherwise be silently dropped and the
model would take its default), an empty value, a value of the wrong kind or out of its range, a ward the
ward table does not have, a commissioner that is not an organisation of the population.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from kruger_rules.errors import KrugerError, did_you_mean, json_path
from kruger_rules.population.wards import load_wards
from kruger_rules.table_cells import read_cells

SUFFIXES = (".parquet", ".csv")
ORGANISATION_KEYS = ("organisation_id", "ward_code", "weight")
PROCUREMENT_KEYS = ("procurement_id", "commissioner_id", "weight")
PROCUREMENT = "procurement"
INT32 = np.iinfo(np.int32)
Inputs = dict[str, np.ndarray]
FLOAT32_MAX = float(np.finfo(np.float32).max)


@dataclass(frozen=True)
class Rows:
    """One entity's rows: an id and a weight each, a link to a row of another table, and the model's inputs."""

    ids: np.ndarray
    weight: np.ndarray
    link: np.ndarray
    """Organisations: the row of their ward (in the ward table, or in a chunk's places); procurements: the row of
    their commissioner among the organisations."""
    inputs: dict[str, np.ndarray]

    def __len__(self) -> int:
        return len(self.ids)

    def take(self, rows: np.ndarray | slice, link: np.ndarray | None = None) -> Rows:
        """The rows at ``rows`` (a slice is a view, no copy), with ``link`` in place of theirs if given."""
        return Rows(
            self.ids[rows],
            self.weight[rows],
            self.link[rows] if link is None else link,
            {name: values[rows] for name, values in self.inputs.items()},
        )


@dataclass(frozen=True)
class Population:
    """A population's organisations and procurements as arrays, the ward table their places come from, and its files."""

    organisations: Rows
    procurements: Rows
    wards: pd.DataFrame
    files: tuple[Path, ...]

    @property
    def file_bytes(self) -> int:
        return sum(path.stat().st_size for path in self.files)


def procurements_file(path: Path) -> Path:
    """``FILE.procurements.parquet`` beside ``FILE.parquet`` (``.csv`` beside ``.csv``)."""
    return path.with_name(f"{path.name.removesuffix(path.suffix)}.procurements{path.suffix}")


def read_population(path: Path, system, wards: pd.DataFrame | None = None) -> Population:
    """The population of ``path`` (and its procurements file, if there is one), checked and converted whole.

    ``wards`` is the filled ward table (default: England's, ``wards.load_wards``). A population without a
    procurements file has no procurements.
    """
    path = Path(path)
    if path.suffix not in SUFFIXES:
        raise KrugerError("bad_population", f"{path}: a population is a .parquet or .csv file", "$.population")
    wards = load_wards() if wards is None else wards
    ids, weight, ward_code, inputs = read_rows(read_table(path), path, system, system.person_entity, ORGANISATION_KEYS)
    if not len(ids):
        raise KrugerError("bad_population", f"{path} has no organisation", json_path("organisations"))
    organisations = Rows(ids, weight, ward_rows(ward_code, wards, path), inputs)
    files = [path]
    beside = procurements_file(path)
    if beside.is_file():
        entity = next(entity for entity in system.group_entities if entity.key == PROCUREMENT)
        ids, weight, commissioner, inputs = read_rows(read_table(beside), beside, system, entity, PROCUREMENT_KEYS)
        commissioner_id = whole_numbers(commissioner, beside, json_path("procurements", "commissioner_id"))
        procurements = Rows(ids, weight, commissioner_rows(commissioner_id, organisations.ids, beside), inputs)
        files.append(beside)
    else:
        procurements = Rows(np.zeros(0, np.int64), np.zeros(0), np.zeros(0, np.int64), {})
    return Population(organisations, procurements, wards, tuple(files))


def read_table(path: Path) -> pa.Table:
    """A Parquet or CSV file as an Arrow table, or an ``unreadable_file``/``bad_population`` error naming it."""
    if not path.is_file():
        raise KrugerError("unreadable_file", f"cannot read {path}: no such file", "$.population")
    try:
        return pq.read_table(path) if path.suffix == ".parquet" else pa_csv.read_csv(path)
    except (OSError, pa.ArrowInvalid) as error:
        raise KrugerError("bad_population", f"{path} is not a readable {path.suffix[1:]} table: {error}", "$.population") from None


def read_rows(table: pa.Table, path: Path, system, entity, keys: tuple[str, str, str]) -> tuple[np.ndarray, np.ndarray, Any, Inputs]:
    """A table's ids and weights, its link column as read (``keys`` name the three), and its inputs as model arrays."""
    missing = [key for key in keys if key not in table.column_names]
    if missing:
        raise KrugerError("bad_population", f"{path} has no column {', '.join(map(repr, missing))}", json_path(entity.plural))
    inputs = {}
    for name in table.column_names:
        if name in keys:
            continue
        where = json_path(entity.plural, name)
        variable = system.variables.get(name)
        if variable is None or variable.entity.key != entity.key:
            owner = f": it is an input of {variable.entity.plural}" if variable is not None else ""
            names = [key for key, known in system.variables.items() if known.entity.key == entity.key]
            raise KrugerError(
                "bad_population", f"{path}: column '{name}' is not an input of {entity.plural}{owner}{did_you_mean(name, names)}", where
            )
        inputs[name] = model_array(table.column(name), variable, path, where)
    ids = whole_numbers(table.column(keys[0]), path, json_path(entity.plural, keys[0]))
    weight = numbers(table.column(keys[2]), path, json_path(entity.plural, keys[2]))
    if (weight < 0).any():
        raise KrugerError("bad_population", f"{path}: column 'weight' has a negative weight", json_path(entity.plural, "weight"))
    return ids, weight, table.column(keys[1]), inputs


def ward_rows(ward_code: pa.ChunkedArray, wards: pd.DataFrame, path: Path) -> np.ndarray:
    """Each row's ward as a row of the ward table: the codes are looked up once each, not once per row."""
    where = json_path("organisations", "ward_code")
    codes, names = dictionary_of(ward_code, path, where)
    found = pd.Index(wards["ward_code"].astype(str)).get_indexer(names)
    if (found < 0).any():
        unknown = names[int(np.flatnonzero(found < 0)[0])]
        raise KrugerError("bad_population", f"{path}: ward '{unknown}' is not a ward of England (2017 boundaries)", where)
    return found.astype(np.int32)[codes]


def commissioner_rows(commissioner_id: np.ndarray, organisation_id: np.ndarray, path: Path) -> np.ndarray:
    """Each procurement's commissioner as a row of the organisations, by a sorted search (ids must be unique)."""
    ascending = len(organisation_id) < 2 or bool((organisation_id[1:] > organisation_id[:-1]).all())
    order = np.arange(len(organisation_id)) if ascending else np.argsort(organisation_id, kind="stable")
    sorted_ids = organisation_id[order]
    if len(sorted_ids) > 1 and (np.diff(sorted_ids) == 0).any():
        duplicate = sorted_ids[int(np.flatnonzero(np.diff(sorted_ids) == 0)[0])]
        raise KrugerError("bad_population", f"organisation_id {duplicate} is given twice", json_path("organisations", "organisation_id"))
    position = np.searchsorted(sorted_ids, commissioner_id).clip(max=max(len(sorted_ids) - 1, 0))
    unknown = (sorted_ids[position] != commissioner_id) if len(sorted_ids) else np.ones(len(commissioner_id), bool)
    if unknown.any():
        missing = commissioner_id[int(np.flatnonzero(unknown)[0])]
        where = json_path("procurements", "commissioner_id")
        raise KrugerError("bad_population", f"{path}: commissioner_id {missing} is not an organisation of the population", where)
    return order[position]


def model_array(column: pa.ChunkedArray, variable, path: Path, where: str) -> np.ndarray:
    """A column as the array ``set_input`` takes for ``variable``, or an error naming its first bad value.

    A population is complete: an empty value is a fault here, where a batch file's blank cell is a value not given.
    """
    no_empty_values(column, path, where)
    try:
        cells = read_cells(column, variable)
    except TypeError:
        raise KrugerError("bad_population", f"{path}: '{variable.name}' cannot be read from a table column", where) from None
    if cells.problems:
        row, reason = next(iter(cells.problems.items()))
        raise KrugerError("bad_population", f"{path}: row {row}: {reason}", where)
    if not cells.given.all():
        first = int(np.flatnonzero(~cells.given)[0])
        raise KrugerError("bad_population", f"{path}: empty values, the first in row {first}", where)
    return cells.values


def no_empty_values(column: pa.ChunkedArray, path: Path, where: str) -> None:
    if column.null_count:
        first = int(np.flatnonzero(column.is_null().to_numpy(zero_copy_only=False))[0])
        raise KrugerError("bad_population", f"{path}: {column.null_count} empty values, the first in row {first}", where)


def whole_numbers(column: pa.ChunkedArray, path: Path, where: str, int32: bool = False) -> np.ndarray:
    """An integer column (or a float column of whole numbers), as int64, or int32 within its range."""
    no_empty_values(column, path, where)
    if not (pa.types.is_integer(column.type) or pa.types.is_floating(column.type)):
        raise KrugerError("bad_population", f"{path}: whole numbers expected, not {column.type}", where)
    values = column.to_numpy()
    if values.dtype.kind == "f":
        if not (np.isfinite(values) & (values == np.round(values))).all():
            raise KrugerError("bad_population", f"{path}: whole numbers expected", where)
    if int32:
        if len(values) and (values.min() < INT32.min or values.max() > INT32.max):
            raise KrugerError("bad_population", f"{path}: values must lie within ±{INT32.max}", where)
        return values.astype(np.int32)
    return values.astype(np.int64)


def numbers(column: pa.ChunkedArray, path: Path, where: str) -> np.ndarray:
    """A numeric column as float64, every value finite."""
    no_empty_values(column, path, where)
    if not (pa.types.is_integer(column.type) or pa.types.is_floating(column.type)):
        raise KrugerError("bad_population", f"{path}: numbers expected, not {column.type}", where)
    values = column.to_numpy().astype(np.float64)
    if not np.isfinite(values).all():
        raise KrugerError("bad_population", f"{path}: every value must be a finite number", where)
    return values


def dictionary_of(column: pa.ChunkedArray, path: Path, where: str) -> tuple[np.ndarray, list[str]]:
    """A text column as codes into its distinct values: a dictionary column as it is, a string column encoded."""
    if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
        column = pc.dictionary_encode(column)
    if not pa.types.is_dictionary(column.type):
        raise KrugerError("bad_population", f"{path}: names expected, not {column.type}", where)
    combined = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    return combined.indices.to_numpy(zero_copy_only=False), [str(name) for name in combined.dictionary.to_pylist()]
