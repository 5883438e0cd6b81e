"""A table's column as a variable's input array, cell by cell: every bad cell found and named, never the first only.

Batch files and population files both read their columns here. A batch file is a spreadsheet, so a column
may hold text where a number belongs, a category the model does not know, a share of 1.5. Each such cell is
a fault of its row alone: the column is converted whole (a vectorised fast path for a clean column, a closer
look only when it fails), and each bad cell is reported with its reason, so that the rows around it still run.

A column may come as text (CSV, JSON lines) or typed (Parquet). A typed column that fits the variable is
taken as it is; any other is read as text, so that ``true`` in a number column gets the same reason in every
format. A blank cell (empty, or spaces only) is a value not given: the variable's default, as in a situation
(a population file, which must be complete, refuses it: ``population.inputs``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from openfisca_core.indexed_enums import Enum

from kruger_rules.dates import NO_DATE
from kruger_rules.errors import did_you_mean, shortened
from kruger_rules.units import is_ratio

INT32 = np.iinfo(np.int32)
FLOAT32_MAX = float(np.finfo(np.float32).max)
TRUE_WORDS = ("true", "yes", "y", "1")
FALSE_WORDS = ("false", "no", "n", "0")
ISO_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"


@dataclass
class Cells:
    """A column's values as the model takes them, which cells were given, and the reason each bad cell is bad."""

    values: np.ndarray
    """The variable's array: enumerations as indices, dates as ``datetime64[D]``; the default where not given or bad."""
    given: np.ndarray
    """Whether each cell holds a good value (not blank, not bad)."""
    problems: dict[int, str]
    """Each bad cell's position and reason."""


def default_of(variable):
    """The variable's default as an array element: an enumeration's index, a date as ``datetime64``."""
    default = variable.default_value
    if variable.value_type is Enum:
        return default.index
    if variable.value_type is datetime.date:
        return np.datetime64(default or NO_DATE, "D")
    return default


def dtype_of(variable) -> np.dtype:
    kind = variable.value_type
    if kind is Enum:
        return np.dtype(np.int16)
    if kind is datetime.date:
        return np.dtype("datetime64[D]")
    return np.dtype({bool: np.bool_, int: np.int32, float: np.float64}.get(kind, object))


def as_text(array: pa.Array) -> pa.Array:
    """Any column as text: booleans as ``true``/``false``, numbers and dates as they are written."""
    if pa.types.is_dictionary(array.type):
        array = array.cast(array.type.value_type)
    if pa.types.is_string(array.type) or pa.types.is_large_string(array.type):
        return array.cast(pa.string())
    if pa.types.is_boolean(array.type):
        return pc.if_else(array, "true", "false")
    return array.cast(pa.string())


def read_cells(array: pa.Array | pa.ChunkedArray, variable) -> Cells:
    """``array`` as ``variable``'s input, cell by cell."""
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    typed = typed_cells(array, variable)
    if typed is not None:
        return typed
    text = pc.utf8_trim_whitespace(as_text(array))
    blank = pc.fill_null(pc.equal(text, ""), True).to_numpy(zero_copy_only=False)
    reader = TEXT_READERS.get(variable.value_type)
    if reader is None:
        raise TypeError(f"'{variable.name}' cannot be read from a table column")
    values, bad, reason = reader(text, blank, variable)
    values = np.where(blank | bad, default_of(variable), values).astype(dtype_of(variable))
    positions = np.flatnonzero(bad)
    problems = {int(position): reason(position) for position in positions} if len(positions) else {}
    return Cells(values, ~blank & ~bad, problems)


def typed_cells(array: pa.Array, variable) -> Cells | None:
    """A typed column that fits the variable taken as it is (checked for range); None: read it as text."""
    kind, type_ = variable.value_type, array.type
    numeric = pa.types.is_integer(type_) or pa.types.is_floating(type_)
    fits = (
        (kind is bool and pa.types.is_boolean(type_))
        or (kind in (int, float) and numeric)
        or (kind is datetime.date and (pa.types.is_date(type_) or pa.types.is_timestamp(type_)))
    )
    if not fits:
        return None
    given = array.is_valid().to_numpy(zero_copy_only=False)
    if kind is datetime.date:
        values = array.cast(pa.date32()).to_numpy(zero_copy_only=False).astype("datetime64[D]")
        bad = np.zeros(len(array), bool)
        reason = None
    elif kind is bool:
        return Cells(np.where(given, pc.fill_null(array, False).to_numpy(zero_copy_only=False), default_of(variable)), given, {})
    else:
        values = pc.fill_null(array.cast(pa.float64()), 0).to_numpy(zero_copy_only=False)
        bad, reason = number_problems(values, given, variable, values)
    values = np.where(given & ~bad, values, default_of(variable)).astype(dtype_of(variable))
    problems = {int(position): reason(position) for position in np.flatnonzero(bad)} if reason is not None else {}
    return Cells(values, given & ~bad, problems)


def number_problems(values: np.ndarray, given: np.ndarray, variable, written):
    """Which numbers are out of the variable's range (whole, finite, within bounds, a share in [0, 1]), and why."""
    whole = variable.value_type is int
    finite = np.isfinite(values)
    bad = given & ~finite
    if whole:
        bad |= given & finite & ((values != np.round(values)) | (values < INT32.min) | (values > INT32.max))
    else:
        bad |= given & finite & (np.abs(values) > FLOAT32_MAX)
        if is_ratio(variable):
            bad |= given & finite & ((values < 0) | (values > 1))

    def reason(position: int) -> str:
        value = values[position]
        shown = shortened(str(written[position]))
        if not np.isfinite(value):
            return f"'{variable.name}' must be a finite number, not {shown}"
        if whole and value != np.round(value):
            return f"'{variable.name}' is a whole number, not {shown}"
        if whole:
            return f"'{variable.name}' must lie within ±{INT32.max}, not {shown}"
        if is_ratio(variable):
            return f"'{variable.name}' is a share between 0 and 1, not {shown}"
        return f"'{variable.name}' is too large: {shown}"

    return bad, reason


def read_numbers(text: pa.Array, blank: np.ndarray, variable):
    """Numbers written as text: a cell that is no number, or out of range, is bad."""
    try:
        values = pc.fill_null(pc.if_else(pc.equal(text, ""), "0", text), "0").cast(pa.float64()).to_numpy(zero_copy_only=False)
        not_number = np.zeros(len(text), bool)
    except pa.ArrowInvalid:
        parsed = pd.to_numeric(pd.Series(text.to_pandas(), dtype=object), errors="coerce").to_numpy(dtype=np.float64)
        not_number = (
            ~blank
            & np.isnan(parsed)
            & ~pc.fill_null(pc.is_in(pc.utf8_lower(text), pa.array(["nan"])), False).to_numpy(zero_copy_only=False)
        )
        values = np.where(blank | not_number, 0.0, parsed)
    written = TextCells(text)
    bad, out_of_range = number_problems(values, ~blank & ~not_number, variable, written)
    kind = "a whole number" if variable.value_type is int else "a number"

    def reason(position: int) -> str:
        if not_number[position]:
            return f"'{variable.name}' is {kind}, not {shortened(repr(written[position]))}"
        return out_of_range(position)

    return values, bad | not_number, reason


def read_booleans(text: pa.Array, blank: np.ndarray, variable):
    lower = pc.utf8_lower(text)
    true = pc.fill_null(pc.is_in(lower, pa.array(TRUE_WORDS)), False).to_numpy(zero_copy_only=False)
    false = pc.fill_null(pc.is_in(lower, pa.array(FALSE_WORDS)), False).to_numpy(zero_copy_only=False)
    bad = ~blank & ~true & ~false
    written = TextCells(text)

    def reason(position: int) -> str:
        return f"'{variable.name}' is true or false (or yes/no, 1/0), not {shortened(repr(written[position]))}"

    return true, bad, reason


def read_dates(text: pa.Array, blank: np.ndarray, variable):
    """Dates written YYYY-MM-DD; any other form, or a day that does not exist, is bad."""
    shaped = pc.fill_null(pc.match_substring_regex(text, ISO_DATE), False).to_numpy(zero_copy_only=False)
    parsed = pd.to_datetime(pd.Series(text.to_pandas(), dtype=object).where(shaped), format="%Y-%m-%d", errors="coerce")
    values = parsed.to_numpy(dtype="datetime64[D]")
    bad = ~blank & np.isnat(values)
    written = TextCells(text)

    def reason(position: int) -> str:
        return f"'{variable.name}' is a date written YYYY-MM-DD, not {shortened(repr(written[position]))}"

    return np.where(np.isnat(values), np.datetime64(NO_DATE, "D"), values), bad, reason


def read_categories(text: pa.Array, blank: np.ndarray, variable):
    """Category names, matched exactly: an unknown name is bad, with the nearest known one."""
    encoded = pc.dictionary_encode(pc.fill_null(text, ""))
    names = [str(name) for name in encoded.dictionary.to_pylist()]
    known = {item.name: item.index for item in variable.possible_values}
    lookup = np.array([known.get(name, -1) for name in names] or [0], dtype=np.int32)
    codes = lookup[encoded.indices.to_numpy(zero_copy_only=False)] if len(names) else np.zeros(len(text), np.int32)
    bad = ~blank & (codes < 0)
    written = TextCells(text)

    def reason(position: int) -> str:
        name = written[position]
        return f"'{variable.name}' has no value {shortened(repr(name))}{did_you_mean(name, known)}; its values are {', '.join(known)}"

    return codes, bad, reason


class TextCells:
    """A text column's cells, turned into Python strings only when a reason needs one."""

    def __init__(self, text: pa.Array) -> None:
        self.text = text

    def __getitem__(self, position: int) -> str:
        return str(self.text[int(position)].as_py())


TEXT_READERS = {bool: read_booleans, int: read_numbers, float: read_numbers, datetime.date: read_dates, Enum: read_categories}
