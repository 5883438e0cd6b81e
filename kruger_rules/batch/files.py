"""Batch files in and out, streamed: CSV, Parquet or JSON lines, by the file's suffix.

A file is read a block at a time and handed on in chunks of rows, so that memory stays flat in the file's
size. A CSV file is read as text, every column (``cells.py`` converts each cell and names a bad one); its
values may hold quoted line breaks, and its encoding is UTF-8 unless said otherwise (a spreadsheet saved as
"CSV" on Windows is often ``cp1252``). A Parquet file keeps its types. A JSON lines file has one object per
line, its values read as text as a CSV file's are.

Results are written to ``OUT.part`` beside ``OUT`` and renamed to ``OUT`` once complete, so that a run that
stops leaves no half-written file under the name asked for. A text cell written to CSV that a spreadsheet
would run as a formula (one starting ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) is written
behind an apostrophe, as OWASP advises against CSV injection (a plain negative number is left as it is).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import orjson
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from kruger_rules.errors import KrugerError

FORMATS = {".csv": "csv", ".parquet": "parquet", ".jsonl": "jsonl", ".ndjson": "jsonl"}
BLOCK_BYTES = 4 << 20
"""CSV bytes read at a time."""
FORMULA_START = r"^[=+\-@\t\r]"
PLAIN_NUMBER = r"^-[0-9]+(\.[0-9]+)?$"
"""A negative number runs as nothing but itself: it is written as it is."""


def file_format(path: Path, option: str = "$.file") -> str:
    """``csv``, ``parquet`` or ``jsonl``, by the file's suffix."""
    found = FORMATS.get(Path(path).suffix.lower())
    if found is None:
        raise KrugerError("bad_batch_file", f"{path}: a batch file is .csv, .parquet or .jsonl (JSON lines)", option)
    return found


def not_readable(path: Path, error: Exception, encoding: str) -> KrugerError:
    text = str(error).splitlines()[0]
    if "UTF8" in text or "UTF-8" in text or isinstance(error, UnicodeDecodeError):
        return KrugerError(
            "bad_batch_file",
            f"{path} is not {encoding} text ({text}): save it as 'CSV UTF-8', or give its encoding with --encoding (e.g. cp1252)",
        )
    return KrugerError("bad_batch_file", f"{path} cannot be read as a batch file: {text}")


def read_header(path: Path, encoding: str = "utf-8") -> list[str]:
    """The file's column names (for JSON lines, those of its first line), or a whole-file error."""
    kind = file_format(path)
    if not Path(path).is_file():
        raise KrugerError("unreadable_file", f"cannot read {path}: no such file")
    try:
        if kind == "parquet":
            schema = pq.ParquetFile(path).schema_arrow
            for field in schema:
                if not one_value(field.type):
                    raise KrugerError(
                        "bad_batch_file",
                        f"{path}: the column '{field.name}' holds {field.type}, where a cell is text, a number, true/false or a date",
                        f"$.{field.name}",
                    )
            return list(schema.names)
        if kind == "csv":
            with pa_csv.open_csv(path, read_options=read_options(encoding), parse_options=PARSE) as reader:
                return list(reader.schema.names)
        with open(path, encoding=encoding) as lines:
            first = next((line for line in lines if line.strip()), None)
        if first is None:
            raise KrugerError("bad_batch_file", f"{path} has no row")
        return list(json_object(first, path, 1))
    except (pa.ArrowInvalid, OSError, UnicodeDecodeError) as error:
        raise not_readable(path, error, encoding) from None


def one_value(kind: pa.DataType) -> bool:
    """Whether a Parquet column's cells are single values a batch file may hold (not lists, records or bytes)."""
    if pa.types.is_dictionary(kind):
        return one_value(kind.value_type)
    checks = (pa.types.is_string, pa.types.is_large_string, pa.types.is_boolean, pa.types.is_integer, pa.types.is_floating)
    return any(check(kind) for check in (*checks, pa.types.is_decimal, pa.types.is_date, pa.types.is_timestamp, pa.types.is_null))


PARSE = pa_csv.ParseOptions(newlines_in_values=True)


def read_options(encoding: str) -> pa_csv.ReadOptions:
    return pa_csv.ReadOptions(block_size=BLOCK_BYTES, encoding=encoding)


def read_chunks(path: Path, columns: list[str], chunk_rows: int, encoding: str = "utf-8") -> Iterator[pa.Table]:
    """The file's rows in tables of ``chunk_rows`` (the last one smaller), in order."""
    kind = file_format(path)
    try:
        if kind == "parquet":
            batches: Iterator[pa.RecordBatch] = pq.ParquetFile(path).iter_batches(batch_size=chunk_rows)
        elif kind == "csv":
            text = pa_csv.ConvertOptions(column_types={name: pa.string() for name in columns}, strings_can_be_null=False)
            batches = pa_csv.open_csv(path, read_options=read_options(encoding), parse_options=PARSE, convert_options=text)
        else:
            batches = json_lines(path, columns, chunk_rows, encoding)
        yield from rechunked(batches, chunk_rows)
    except (pa.ArrowInvalid, OSError, UnicodeDecodeError) as error:
        raise not_readable(path, error, encoding) from None


def rechunked(batches, chunk_rows: int) -> Iterator[pa.Table]:
    """Record batches of any size as tables of ``chunk_rows`` rows."""
    pending: list[pa.RecordBatch] = []
    count = 0
    for batch in batches:
        pending.append(batch)
        count += batch.num_rows
        while count >= chunk_rows:
            table = pa.Table.from_batches(pending)
            yield table.slice(0, chunk_rows)
            rest = table.slice(chunk_rows)
            pending, count = rest.to_batches(), rest.num_rows
    if count:
        yield pa.Table.from_batches(pending)


def json_object(line: str, path: Path, number: int) -> dict:
    try:
        found = json.loads(line)
    except json.JSONDecodeError as error:
        raise KrugerError("bad_batch_file", f"{path}: line {number} is not JSON ({error.msg})") from None
    if not isinstance(found, dict):
        raise KrugerError("bad_batch_file", f"{path}: line {number} is not a JSON object")
    return found


def json_text(value) -> str:
    """A JSON value as a CSV cell would hold it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    return json.dumps(value)


def json_lines(path: Path, columns: list[str], chunk_rows: int, encoding: str) -> Iterator[pa.RecordBatch]:
    """A JSON lines file as record batches of text columns; a key not among ``columns`` is a whole-file error."""
    known = set(columns)
    rows: list[dict] = []
    with open(path, encoding=encoding) as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            row = json_object(line, path, number)
            unknown = set(row) - known
            if unknown:
                raise KrugerError("bad_batch_file", f"{path}: line {number} has '{sorted(unknown)[0]}', a key the first line does not have")
            rows.append(row)
            if len(rows) == chunk_rows:
                yield text_batch(rows, columns)
                rows = []
    if rows:
        yield text_batch(rows, columns)


def text_batch(rows: list[dict], columns: list[str]) -> pa.RecordBatch:
    return pa.RecordBatch.from_pydict({name: pa.array([json_text(row.get(name)) for row in rows], pa.string()) for name in columns})


def formula_safe(table: pa.Table) -> pa.Table:
    """Text cells a spreadsheet would run as a formula, behind an apostrophe."""
    for position, field in enumerate(table.schema):
        if pa.types.is_string(field.type):
            column = table.column(position)
            risky = pc.and_(
                pc.fill_null(pc.match_substring_regex(column, FORMULA_START), False),
                pc.invert(pc.fill_null(pc.match_substring_regex(column, PLAIN_NUMBER), False)),
            )
            table = table.set_column(position, field, pc.if_else(risky, pc.binary_join_element_wise("'", column, ""), column))
    return table


class ResultWriter:
    """Tables written one after another to one file of ``schema``, renamed into place when closed after success."""

    def __init__(self, path: Path, schema: pa.Schema) -> None:
        self.path = Path(path)
        self.kind = file_format(self.path, "$.out")
        self.schema = schema
        self.partial = self.path.with_name(self.path.name + ".part")
        self.rows = 0
        try:
            if self.kind == "csv":
                self.sink = pa_csv.CSVWriter(str(self.partial), schema)
            elif self.kind == "parquet":
                self.sink = pq.ParquetWriter(str(self.partial), schema)
            else:
                self.sink = open(self.partial, "wb")
        except OSError as error:
            raise KrugerError("unwritable_file", f"cannot write {self.path}: {error.strerror}", "$.out") from None

    def write(self, table: pa.Table) -> None:
        table = table.select(self.schema.names).cast(self.schema)
        if self.kind == "csv":
            self.sink.write_table(formula_safe(table))
        elif self.kind == "parquet":
            self.sink.write_table(table)
        else:
            self.sink.write(b"".join(orjson.dumps(row) + b"\n" for row in table.to_pylist()))
        self.rows += table.num_rows

    def close(self, complete: bool = True) -> None:
        self.sink.close()
        if complete:
            os.replace(self.partial, self.path)
        else:
            self.partial.unlink(missing_ok=True)

    def __enter__(self) -> ResultWriter:
        return self

    def __exit__(self, kind, error, trace) -> None:
        self.close(complete=error is None)
