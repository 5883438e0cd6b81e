"""One chunk of a batch file screened: its cells checked, its good rows computed at once, its results as a table.

``screen`` is the unit of work, in this process or on a Dask worker: a table of rows and a ``Job`` (the
period, the reform's data form, whether to explain, the id lookups: all plain data) in, the results and the
row errors out. A worker builds the rule system once, from the package and the reform's data
(``reforms.reformed_system`` caches it); systems themselves never travel.

Every row is its own organisation in its own place, with its own procurement when it gives one: a batch row
is an application, and two applications in one ward are assessed apart (no rule of a place reads its members).
The good rows of a chunk are computed in two vectorised simulations (``population.columns``): one for the
organisations and their places, one for the rows that give a procurement, each commissioned by its row's
organisation. A row with a bad cell is not computed: its results are empty and its status says why.
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from openfisca_core.indexed_enums import Enum, EnumArray

from kruger_rules.batch.explained import explained_columns, explained_rows
from kruger_rules.batch.layout import ERRORS, KEYS, ORGANISATION_ID, PLACE, PROCUREMENT, RECORD_ID, ROW, STATUS, Layout, Output, layout_of
from kruger_rules.batch.lookups import Keyed
from kruger_rules.coverage import covered_year
from kruger_rules.dates import NO_DATE
from kruger_rules.dependencies import dependencies
from kruger_rules.json_values import shortest_floats
from kruger_rules.population.columns import set_inputs, simulation
from kruger_rules.records.decisions import COMMAND_LINE, decision_contents
from kruger_rules.reforms import reformed_system
from kruger_rules.store.base import utc_now
from kruger_rules.system import shared_system
from kruger_rules.table_cells import default_of, dtype_of, read_cells

ERROR_COLUMNS = pa.schema(
    [("row", pa.int64()), ("organisation_id", pa.string()), ("column", pa.string()), ("value", pa.string()), ("reason", pa.string())]
)
NO_DAY = np.datetime64(NO_DATE, "D")


@dataclass(frozen=True)
class Job:
    """What every chunk of one run needs besides its rows."""

    period: str
    reform: dict | None
    """The reform's data form; None for the rules in force."""
    explain: bool = False
    lookups: dict[str, Keyed] = field(default_factory=dict)
    record: bool = False
    """Whether each good row's decision is made into a record's content (``records.decisions``) for the caller to store."""


@dataclass
class Screened:
    results: pa.Table
    errors: pa.Table
    records: list[dict] = field(default_factory=list)
    """With ``Job.record``: each good row's record content, in the rows' order."""


@dataclass
class Inputs:
    """A chunk's converted inputs for one entity: each given column's values, and which cells were given."""

    values: dict[str, np.ndarray] = field(default_factory=dict)
    given: dict[str, np.ndarray] = field(default_factory=dict)

    def take(self, rows: np.ndarray) -> dict[str, np.ndarray]:
        return {name: values[rows] for name, values in self.values.items()}


@functools.lru_cache(maxsize=8)
def layout_for(system) -> Layout:
    return layout_of(system)


def system_for(reform: dict | None):
    return shared_system() if reform is None else reformed_system(reform)


def screen(table: pa.Table, first_row: int, duplicates: dict[int, int], job: Job) -> Screened:
    """The chunk ``table`` (its first row is row ``first_row + 1`` of the file) screened under ``job``.

    ``duplicates`` gives each row (by position) whose id an earlier row already has, and that row's number.
    """
    system = system_for(job.reform)
    layout = layout_for(system)
    count = table.num_rows
    rows = np.arange(first_row + 1, first_row + count + 1, dtype=np.int64)
    ids = pc.fill_null(pc.utf8_trim_whitespace(table.column(ORGANISATION_ID).cast(pa.string())), "").to_numpy(zero_copy_only=False)
    faults: list[tuple[int, str, str]] = []
    faults += [(int(position), ORGANISATION_ID, f"'{ORGANISATION_ID}' is required") for position in np.flatnonzero(ids == "")]
    for position, earlier in duplicates.items():
        faults.append((position, ORGANISATION_ID, f"'{ORGANISATION_ID}' {ids[position]!r} is already given on row {earlier}"))
    inputs = {entity: Inputs() for entity in layout.inputs}
    for name in table.column_names:
        if name in KEYS:
            continue
        entity = layout.entity_of(name)
        assert entity is not None, name
        cells = read_cells(table.column(name), layout.variable(name))
        faults += [(position, name, reason) for position, reason in cells.problems.items()]
        inputs[entity].values[name], inputs[entity].given[name] = cells.values, cells.given
    has_procurement = np.zeros(count, bool)
    for entity, keyed in job.lookups.items():
        found = looked_up(table, keyed, layout, inputs[entity], faults)
        if entity == PROCUREMENT:
            has_procurement |= found
    for given in inputs[PROCUREMENT].given.values():
        has_procurement |= given
    bad = np.zeros(count, bool)
    bad[[position for position, _, _ in faults]] = True
    results = result_columns(system, layout, job, inputs, ~bad, has_procurement)
    records = []
    if job.explain or job.record:
        good = np.flatnonzero(~bad)
        explained = explained_rows(system, layout, job.period, inputs, good, has_procurement, ids)
        if job.explain:
            results.update(explained_columns(system, layout, explained, good))
        if job.record:
            made_at = utc_now()
            records = [decision_contents(system, job.reform, asked, answer, COMMAND_LINE, made_at)[0] for asked, answer in explained]
    return Screened(result_table(layout, job, rows, ids, faults, bad, results, count), error_table(table, rows, ids, faults), records)


def looked_up(table: pa.Table, keyed: Keyed, layout: Layout, inputs: Inputs, faults: list) -> np.ndarray:
    """The inputs of each row's looked-up place or procurement, under the row's own where it gives them; where one was found."""
    text = pc.utf8_trim_whitespace(table.column(keyed.column).cast(pa.string())).to_numpy(zero_copy_only=False)
    rows, unknown = keyed.find(text, text == "")
    faults += [(int(position), keyed.column, keyed.unknown_reason(text[position])) for position in np.flatnonzero(unknown)]
    found = rows >= 0
    for name, values in keyed.inputs.items():
        variable = layout.variable(name)
        looked = np.where(found, values[rows], default_of(variable)).astype(dtype_of(variable))
        given = found & keyed.given[name][rows]
        if name in inputs.values:
            own = inputs.given[name]
            looked = np.where(own, inputs.values[name], looked)
            given = given | own
        inputs.values[name], inputs.given[name] = looked, given
    return found


def result_columns(system, layout: Layout, job: Job, inputs: dict[str, Inputs], good: np.ndarray, has_procurement: np.ndarray):
    """Each output's values for the good rows (and, for a procurement's, where the row gives one), by name."""
    period = covered_year(job.period)
    person = layout.person
    rows = np.flatnonzero(good)
    count = len(rows)
    organisations = simulation(system, {person: count, PLACE: count}, {PLACE: np.arange(count)}, np.arange(count))
    set_inputs(organisations, period, inputs[person].take(rows))
    set_inputs(organisations, period, inputs[PLACE].take(rows))
    bought = np.flatnonzero(has_procurement[rows])
    procurements = None
    if len(bought):
        taken = rows[bought]
        built = len(bought)
        procurements = simulation(
            system, {person: built, PLACE: built, PROCUREMENT: built}, {PLACE: np.arange(built), PROCUREMENT: np.arange(built)}, taken
        )
        for entity in (person, PLACE, PROCUREMENT):
            set_inputs(procurements, period, inputs[entity].take(taken))
    found: dict[str, tuple[np.ndarray, Any]] = {}
    for output in layout.outputs:
        if output.name in found:
            continue
        if output.entity == PROCUREMENT:
            at = rows[bought]
            values = value_array(system, procurements, output, period) if procurements is not None else None
        else:
            at = rows
            values = value_array(system, organisations, output, period)
        found[output.name] = (at, values)
    return found


def value_array(system, simulated, output: Output, period) -> np.ndarray | pa.Array:
    """An output's values as a results column takes them: enumerations by name, floats as written, "no date" empty."""
    values = simulated.calculate(output.name, period)
    variable = output.variable
    if isinstance(values, EnumArray) or variable.value_type is Enum:
        return values.decode_to_str()
    if variable.value_type is datetime.date:
        days = values.astype("datetime64[D]")
        empty = days == NO_DAY
        sources = [name for name in dependencies(system, output.name, period).inputs if system.variables[name].value_type is datetime.date]
        if sources:
            empty |= np.logical_and.reduce([simulated.calculate(name, period).astype("datetime64[D]") == NO_DAY for name in sources])
        return pa.array(days, pa.date32(), mask=empty)
    if values.dtype == np.float32:
        return shortest_floats(values)
    return values


def spread(count: int, at: np.ndarray, values, kind: pa.DataType) -> pa.Array:
    """Values for the rows ``at`` as a column of ``count`` rows, empty elsewhere."""
    if values is None or not len(at):
        return pa.nulls(count, kind)
    indices = np.full(count, -1, np.int64)
    indices[at] = np.arange(len(at))
    taken = pa.array(values, type=kind) if not isinstance(values, pa.Array) else values.cast(kind)
    return taken.take(pa.array(indices, mask=indices < 0))


def result_table(layout: Layout, job: Job, rows, ids, faults, bad, results, count) -> pa.Table:
    schema = layout.result_schema(job.explain, job.record)
    reasons: dict[int, list[str]] = {}
    for position, column, reason in faults:
        reasons.setdefault(position, []).append(f"{column}: {reason}")
    errors = [("; ".join(reasons[position]) if position in reasons else None) for position in range(count)]
    columns = {
        ROW: pa.array(rows),
        ORGANISATION_ID: pa.array(ids, pa.string()),
        STATUS: pa.array(np.where(bad, "error", "ok"), pa.string()),
        ERRORS: pa.array(errors, pa.string()),
    }
    if job.record:
        columns[RECORD_ID] = pa.nulls(count, pa.string())
    for field_ in schema:
        if field_.name not in columns:
            at, values = results[field_.name]
            columns[field_.name] = spread(count, at, values, field_.type)
    return pa.table(columns, schema=schema)


def error_table(table: pa.Table, rows, ids, faults) -> pa.Table:
    """One line per bad cell: its row, the row's id, the column, the value written and the reason."""
    faults = sorted(faults, key=lambda fault: (fault[0], table.column_names.index(fault[1])))
    values = [cell_text(table, column, position) for position, column, _ in faults]
    return pa.table(
        {
            "row": pa.array([int(rows[position]) for position, _, _ in faults], pa.int64()),
            "organisation_id": pa.array([str(ids[position]) for position, _, _ in faults], pa.string()),
            "column": pa.array([column for _, column, _ in faults], pa.string()),
            "value": pa.array(values, pa.string()),
            "reason": pa.array([reason for _, _, reason in faults], pa.string()),
        },
        schema=ERROR_COLUMNS,
    )


def cell_text(table: pa.Table, column: str, position: int) -> str:
    value = table.column(column)[position].as_py()
    return "" if value is None else str(value)
