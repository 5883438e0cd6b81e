"""The columns of a batch file, taken from the rule system: what a file may hold, what each means, and what comes out.

A batch file has one row per organisation. Its columns are the organisation's inputs, its place's and its
procurement's, under the variables' own names, plus four keys (``KEYS``): the organisation's id, and the
place (an English ward, or a row of a places file) and the procurement (a row of a procurements file) given
by id rather than inline. Nothing here is a hand-kept list of inputs: a variable added to the rules is a
column of the next template and dictionary.

Each row's results are each scheme's eligibility, amounts, dates and outcomes as the explanation files declare
them (``kruger_rules.schemes``); a place's or a procurement's scheme is answered for the row's own place and
procurement.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
from openfisca_core.indexed_enums import Enum

from kruger_rules.dependencies import is_input
from kruger_rules.errors import KrugerError, did_you_mean
from kruger_rules.schemes import schemes
from kruger_rules.units import is_ratio

ORGANISATION_ID, WARD_CODE, PLACE_ID, PROCUREMENT_ID = "organisation_id", "ward_code", "place_id", "procurement_id"
PLACE, PROCUREMENT = "place", "procurement"
KEYS = {
    ORGANISATION_ID: "The organisation's id, unique in the file (any text, such as an application number). Required.",
    WARD_CODE: "The organisation's ward: an England ward code of 2019 (E05...). Its deprivation, community need, "
    "population and region are then looked up; a place input given on the row as well takes the row's value.",
    PLACE_ID: "The organisation's place, by its id in the places file given with --places (place_id, then place inputs). "
    "A place input given on the row as well takes the row's value.",
    PROCUREMENT_ID: "A contract the organisation commissions, by its id in the procurements file given with --procurements "
    "(procurement_id, then procurement inputs). Without it, procurement inputs on the row describe the contract.",
}
ROW, STATUS, ERRORS, RECORD_ID = "row", "status", "errors", "record_id"
FAILED, TO_PASS = "failed_criteria", "to_pass"


@dataclass(frozen=True)
class Output:
    """A result column: a variable, for the entity of the scheme that shows it."""

    scheme: str
    variable: Any
    entity: str
    kind: str
    """``eligibility``, ``amounts``, ``dates`` or ``outcomes``."""

    @property
    def name(self) -> str:
        return self.variable.name


@dataclass(frozen=True)
class Layout:
    """The inputs a batch file may give, by entity, and the results a run writes."""

    person: str
    inputs: dict[str, dict[str, object]]
    """Each entity's input variables by name: organisation, place, procurement."""
    outputs: tuple[Output, ...]
    schemes: tuple[tuple[str, str], ...]
    """Each scheme's key and entity, in the explanation files' order."""

    def entity_of(self, column: str) -> str | None:
        return next((entity for entity, variables in self.inputs.items() if column in variables), None)

    def variable(self, column: str):
        return next(variables[column] for variables in self.inputs.values() if column in variables)

    @property
    def input_columns(self) -> list[str]:
        return [name for variables in self.inputs.values() for name in variables]

    def check_header(self, columns: list[str], source: str, with_places: bool, with_procurements: bool) -> None:
        """A file's columns, or a whole-file error: an unknown or repeated column, a missing id, keys that clash."""
        known = [*KEYS, *self.input_columns]
        seen: set[str] = set()
        for column in columns:
            if column in seen:
                raise KrugerError("bad_batch_file", f"{source}: the column '{column}' is given twice", f"$.{column}")
            seen.add(column)
            if column not in known:
                hint = did_you_mean(column, known) or "; see the data dictionary (kruger-rules batch --template FILE.csv)"
                raise KrugerError("bad_batch_file", f"{source}: '{column}' is not a column of a batch file{hint}", f"$.{column}")
        if ORGANISATION_ID not in seen:
            raise KrugerError("bad_batch_file", f"{source}: the column '{ORGANISATION_ID}' is required", f"$.{ORGANISATION_ID}")
        if WARD_CODE in seen and PLACE_ID in seen:
            raise KrugerError("bad_batch_file", f"{source}: give the place by '{WARD_CODE}' or by '{PLACE_ID}', not both", f"$.{PLACE_ID}")
        if PLACE_ID in seen and not with_places:
            raise KrugerError("bad_batch_file", f"{source}: '{PLACE_ID}' needs the places file (--places FILE)", f"$.{PLACE_ID}")
        if PROCUREMENT_ID in seen and not with_procurements:
            raise KrugerError(
                "bad_batch_file", f"{source}: '{PROCUREMENT_ID}' needs the procurements file (--procurements FILE)", f"$.{PROCUREMENT_ID}"
            )

    def result_schema(self, explain: bool, record: bool = False) -> pa.Schema:
        """The results' columns and types, the same for every chunk: row, id, status, errors (and the decision record's id),
        then each output."""
        fields = [pa.field(ROW, pa.int64()), pa.field(ORGANISATION_ID, pa.string()), pa.field(STATUS, pa.string())]
        fields.append(pa.field(ERRORS, pa.string()))
        if record:
            fields.append(pa.field(RECORD_ID, pa.string()))
        seen = set()
        for output in self.outputs:
            if output.name not in seen:
                seen.add(output.name)
                fields.append(pa.field(output.name, arrow_type(output.variable)))
        if explain:
            for scheme, _ in self.schemes:
                fields += [pa.field(f"{scheme}_{FAILED}", pa.string()), pa.field(f"{scheme}_{TO_PASS}", pa.string())]
        return pa.schema(fields)


def layout_of(system) -> Layout:
    """The batch columns of ``system``: every input of the three entities, and every scheme's declared outputs."""
    person = system.person_entity.key
    inputs: dict[str, dict[str, object]] = {person: {}, PLACE: {}, PROCUREMENT: {}}
    for variable in system.variables.values():
        if variable.entity.key in inputs and is_input(variable):
            inputs[variable.entity.key][variable.name] = variable
    outputs, declared = [], []
    for entity, entity_schemes in schemes(system).items():
        for scheme in entity_schemes:
            declared.append((scheme.key, entity))
            outputs.append(Output(scheme.key, system.variables[scheme.eligibility], entity, "eligibility"))
            for kind in ("amounts", "dates", "outcomes"):
                outputs += [Output(scheme.key, system.variables[name], entity, kind) for name in getattr(scheme, kind)]
    return Layout(person, {key: dict(sorted(found.items())) for key, found in inputs.items()}, tuple(outputs), tuple(declared))


def arrow_type(variable) -> pa.DataType:
    kind = variable.value_type
    if kind is bool:
        return pa.bool_()
    if kind is int:
        return pa.int64()
    if kind is float:
        return pa.float64()
    if kind is datetime.date:
        return pa.date32()
    return pa.string()


def type_text(variable) -> str:
    """A variable's kind of value, as the data dictionary writes it."""
    kind = variable.value_type
    if kind is float and is_ratio(variable):
        return "share"
    return {bool: "true/false", int: "whole number", float: "number", datetime.date: "date", Enum: "category"}.get(kind, "text")


def allowed_text(variable) -> str:
    kind = variable.value_type
    if kind is Enum:
        return " | ".join(item.name for item in variable.possible_values)
    if kind is bool:
        return "true, false (also yes/no, 1/0)"
    if kind is datetime.date:
        return "YYYY-MM-DD"
    if kind is float and is_ratio(variable):
        return "0 to 1"
    if kind is int:
        return "whole numbers"
    return "numbers (digits, a point for decimals)" if kind is float else ""


def default_text(variable) -> str:
    default = variable.default_value
    if variable.value_type is Enum:
        return default.name
    if variable.value_type is datetime.date:
        return "no date"
    if variable.value_type is bool:
        return "true" if default else "false"
    return str(default)
