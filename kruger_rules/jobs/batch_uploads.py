"""A batch's files as they were sent: what each is, where it is kept, its whole-file faults, and the engine's words in the sender's.

A batch over the API is a form: the organisations (``file``) and, optionally, ``places`` and ``procurements``,
each CSV, Parquet or JSON lines as its name's suffix says, else its media type, else Parquet's mark in its
first bytes. Each is kept in the batch's folder under its field's name and its format's suffix (``file.csv``),
never under a name the sender chose.

The engine names a file by its path and an option as the command line spells it (``--places FILE``); the
sender knows the file by the name it sent and the option as a field of the form. :func:`as_sent` rewords a
fault so, and puts its JSON path under the field that carried the file (``$.file.total_income``): every
fault of a batch over the API, whether found at once or in a job, goes through it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from kruger_rules.batch.files import FORMATS, read_chunks, read_header
from kruger_rules.batch.layout import layout_of
from kruger_rules.batch.lookups import lookups
from kruger_rules.batch.run import DEFAULT_CHUNK_ROWS, row_estimate
from kruger_rules.errors import KrugerError, json_path
from kruger_rules.jobs.populations import CSV_TYPES, PARQUET_MAGIC, PARQUET_TYPES

FILE, PLACES, PROCUREMENTS = "file", "places", "procurements"
FILE_FIELDS = (FILE, PLACES, PROCUREMENTS)
JSON_LINES_TYPES = {"application/x-ndjson", "application/ndjson", "application/jsonl", "application/x-jsonlines"}
FORMAT_OF_TYPE = {**dict.fromkeys(CSV_TYPES, "csv"), **dict.fromkeys(PARQUET_TYPES, "parquet"), **dict.fromkeys(JSON_LINES_TYPES, "jsonl")}
"""A sent file's format by its media type, when its name has no known suffix."""

FILE_CODES = {"bad_batch_file", "unreadable_file"}
"""Codes of a fault in a file: its path goes under the field of the file (the organisations' when no file is named)."""

COMMAND_LINE_WORDS = {
    "(--places FILE)": "(the form's file 'places')",
    "(--procurements FILE)": "(the form's file 'procurements')",
    "--places is given": "the file 'places' is given",
    "--procurements is given": "the file 'procurements' is given",
    ", or give its encoding with --encoding (e.g. cp1252)": "",
    "(kruger-rules batch --template FILE.csv)": "(/api/v1/batch/dictionary)",
}
"""The engine's hints that name the command line, as a form's sender reads them."""


@dataclass(frozen=True)
class Sent:
    """A file of the form: its field, the name it was sent under (as messages show it), and where it is kept."""

    field: str
    name: str
    path: Path


def sent_format(name: str, content_type: str | None, head: bytes) -> str | None:
    """``csv``, ``parquet`` or ``jsonl``: by the name's suffix, else the media type, else Parquet's mark; None if none says."""
    suffix = PurePosixPath(name).suffix.lower()
    if suffix in FORMATS:
        return FORMATS[suffix]
    media = (content_type or "").split(";", 1)[0].strip().lower()
    if media in FORMAT_OF_TYPE:
        return FORMAT_OF_TYPE[media]
    return "parquet" if head.startswith(PARQUET_MAGIC) else None


def kept_path(folder: Path, field: str, kind: str) -> Path:
    """Where the batch's folder keeps the file of ``field``, of format ``kind``."""
    return folder / f"{field}.{kind}"


def by_field(sent: Iterable[Sent]) -> dict[str, Path]:
    return {upload.field: upload.path for upload in sent}


def estimated_rows(sent: list[Sent]) -> int:
    """The batch file's rows, counted cheaply (``run.row_estimate``) once its header is read: a file without one is refused here."""
    path = by_field(sent)[FILE]
    try:
        read_header(path)
    except KrugerError as error:
        raise as_sent(error, sent) from None
    return row_estimate(path)


def check_files(sent: list[Sent], system) -> None:
    """The faults of the whole batch, found before a job is queued: its header, its places and procurements files, and
    every line of it read as the run will read it (text not in UTF-8, a line that is not JSON), so that no such fault
    is left to fail the job later. Bad cells are not faults of the file: their rows are reported by the run."""
    paths = by_field(sent)
    try:
        layout = layout_of(system)
        header = read_header(paths[FILE])
        layout.check_header(header, str(paths[FILE]), PLACES in paths, PROCUREMENTS in paths)
        lookups(system, layout, header, paths.get(PLACES), paths.get(PROCUREMENTS))
        for _ in read_chunks(paths[FILE], header, DEFAULT_CHUNK_ROWS):
            pass
    except KrugerError as error:
        raise as_sent(error, sent) from None


def as_sent(error: KrugerError, sent: Iterable[Sent]) -> KrugerError:
    """``error`` in the sender's words: files by the names sent, options as the form's fields, its path under the file's field."""
    message, field = error.message, None
    for upload in sent:
        if str(upload.path) in message:
            message = message.replace(str(upload.path), f"'{upload.name}'")
            field = field or upload.field
    for words, said in COMMAND_LINE_WORDS.items():
        message = message.replace(words, said)
    if field is None and error.code in FILE_CODES:
        field = FILE
    where = json_path(field) + error.path[1:] if field is not None else error.path
    return KrugerError(error.code, message, where)
