"""The data dictionary of a batch file, and an empty template to fill: both made from the rule system's variables.

Each line of the dictionary is a column: whether it is an input or a result, the entity it describes, its kind
of value, unit, allowed values and default (what a blank cell means), and the variable's label. The template
is a CSV file with the input columns' headers and no row; its place is given by ``ward_code``, the usual case
(``place_id`` and ``procurement_id`` are in the dictionary, for a places or procurements file).
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pa_csv

from kruger_rules.batch.layout import (
    ERRORS,
    FAILED,
    KEYS,
    ORGANISATION_ID,
    PROCUREMENT,
    PROCUREMENT_ID,
    ROW,
    STATUS,
    TO_PASS,
    WARD_CODE,
    Layout,
    allowed_text,
    default_text,
    type_text,
)
from kruger_rules.errors import KrugerError

COLUMNS = ("column", "direction", "entity", "type", "unit", "allowed_values", "default", "label")
RESULT_KEYS = {
    ROW: ("whole number", "The row's number in the batch file, counting its first row of data as 1."),
    ORGANISATION_ID: ("text", "The organisation's id, as given."),
    STATUS: ("category", "ok: the row was screened; error: a cell is bad (see errors), and the row has no results."),
    ERRORS: ("text", "Each bad cell of the row: its column and why it is bad."),
}


def dictionary(layout: Layout, explain: bool = True) -> pa.Table:
    """Every column a batch file may give and every column its results have, one line each."""
    lines = []
    for key, label in KEYS.items():
        entity = PROCUREMENT if key == PROCUREMENT_ID else layout.person if key == ORGANISATION_ID else "place"
        required = "required" if key == ORGANISATION_ID else "none"
        lines.append((key, "input", entity, "text", "", "", required, label))
    for entity, variables in layout.inputs.items():
        for name, variable in variables.items():
            lines.append(
                (
                    name,
                    "input",
                    entity,
                    type_text(variable),
                    unit_of(variable),
                    allowed_text(variable),
                    default_text(variable),
                    label_of(variable),
                )
            )
    for key, (kind, label) in RESULT_KEYS.items():
        lines.append((key, "result", layout.person, kind, "", "ok | error" if key == STATUS else "", "", label))
    seen = set()
    for output in layout.outputs:
        if output.name in seen:
            continue
        seen.add(output.name)
        variable = output.variable
        lines.append(
            (output.name, "result", output.entity, type_text(variable), unit_of(variable), allowed_text(variable), "", label_of(variable))
        )
    if explain:
        for scheme, entity in layout.schemes:
            lines.append(
                (f"{scheme}_{FAILED}", "result (--explain)", entity, "text", "", "", "", "The scheme's failed criteria, separated by '; '.")
            )
            lines.append(
                (
                    f"{scheme}_{TO_PASS}",
                    "result (--explain)",
                    entity,
                    "text",
                    "",
                    "",
                    "",
                    "What would pass each failed criterion, separated by ' | '.",
                )
            )
    return pa.table({name: [line[position] for line in lines] for position, name in enumerate(COLUMNS)})


def unit_of(variable) -> str:
    return getattr(variable, "unit", None) or ""


def label_of(variable) -> str:
    return variable.label or variable.name


def template_columns(layout: Layout) -> list[str]:
    """The template's headers: the id, the ward, then every input (organisation, place, procurement)."""
    return [ORGANISATION_ID, WARD_CODE, *layout.input_columns]


def dictionary_path(template: Path) -> Path:
    """``FILE.dictionary.csv`` beside ``FILE.csv``."""
    return template.with_name(f"{template.name.removesuffix(template.suffix)}.dictionary.csv")


def write_template(path: Path, layout: Layout) -> tuple[Path, Path]:
    """An empty template at ``path`` (a .csv file) and its data dictionary beside it; the two paths."""
    path = Path(path)
    if path.suffix.lower() != ".csv":
        raise KrugerError("bad_option", f"{path}: a template is a .csv file", "$.template")
    columns = template_columns(layout)
    try:
        pa_csv.write_csv(pa.table({name: pa.array([], pa.string()) for name in columns}), path)
        pa_csv.write_csv(dictionary(layout), dictionary_path(path))
    except OSError as error:
        raise KrugerError("unwritable_file", f"cannot write {path}: {error.strerror}", "$.template") from None
    return path, dictionary_path(path)
