"""The population of a job, checked whole at submission so that a bad file is refused then, never a failed job.

An upload is read exactly as the run will read it (``population.inputs.read_population``: its columns, their
kinds and ranges, its wards, its procurements' commissioners). Its faults are reported as the caller sent the
file: under the name it gave, at the form field that carried it (``$.population`` for the organisations,
``$.procurements`` for their procurements), never with the server's paths.
"""

from __future__ import annotations

import functools
from pathlib import Path, PurePosixPath
from typing import Any

from kruger_rules.errors import KrugerError
from kruger_rules.population.generate import SAMPLE_PATH
from kruger_rules.population.inputs import SUFFIXES, procurements_file, read_population
from kruger_rules.system import shared_system

SAMPLE = "sample"
UPLOAD = "upload"
ORGANISATIONS_PATH, POPULATION_PATH = "$.organisations", "$.population"


def described(population, source: str, names: dict[str, str | None], files: dict[str, str | None]) -> dict[str, Any]:
    """What a job's population is, as its record keeps it: source, names as sent, bytes, rows, and its files in the job's folder."""
    return {
        "source": source,
        "name": names["population"],
        "procurements_name": names.get("procurements"),
        "bytes": population.file_bytes,
        "organisation_rows": len(population.organisations),
        "procurement_rows": len(population.procurements),
        "file": files["population"],
        "procurements_file": files.get("procurements"),
    }


@functools.cache
def sample_population() -> dict[str, Any]:
    """The shipped sample, read once."""
    read = read_population(SAMPLE_PATH, shared_system())
    beside = procurements_file(SAMPLE_PATH)
    return described(
        read, SAMPLE, {"population": SAMPLE_PATH.name, "procurements": beside.name if beside.is_file() else None}, {"population": None}
    )


def checked_upload(path: Path, name: str, procurements_name: str | None = None) -> dict[str, Any]:
    """The uploaded population at ``path`` (and its procurements beside it, if sent), checked whole; a ``KrugerError`` as sent if not."""
    beside = procurements_file(path)
    try:
        read = read_population(path, shared_system())
    except KrugerError as error:
        raise as_sent(error, {str(path): name, str(beside): procurements_name or beside.name}) from None
    files = {"population": path.name, "procurements": beside.name if procurements_name else None}
    return described(read, UPLOAD, {"population": name, "procurements": procurements_name}, files)


def as_sent(error: KrugerError, names: dict[str, str]) -> KrugerError:
    """``error`` with the server's paths replaced by the names the files were sent under, at the form field that carried each."""
    message = error.message
    for path, name in names.items():
        message = message.replace(path, f"'{name}'")
    where = error.path
    if where == ORGANISATIONS_PATH or where.startswith(ORGANISATIONS_PATH + ".") or where.startswith(ORGANISATIONS_PATH + "["):
        where = POPULATION_PATH + where[len(ORGANISATIONS_PATH) :]
    return KrugerError(error.code, message, where)


PARQUET_MAGIC = b"PAR1"
PARQUET_TYPES = {"application/vnd.apache.parquet", "application/x-parquet", "application/parquet"}
CSV_TYPES = {"text/csv", "application/csv"}
NAME_LENGTH = 120


def file_suffix(name: str, content_type: str | None, head: bytes) -> str | None:
    """``.parquet`` or ``.csv``: what a sent file is, by its first bytes (Parquet's mark), its name, or its media type; None if neither."""
    if head.startswith(PARQUET_MAGIC):
        return ".parquet"
    suffix = PurePosixPath(name).suffix.lower()
    if suffix in SUFFIXES:
        return suffix
    media = (content_type or "").split(";", 1)[0].strip().lower()
    if media in PARQUET_TYPES:
        return ".parquet"
    return ".csv" if media in CSV_TYPES else None


def sent_name(filename: str | None, default: str) -> str:
    """A sent file's name as messages and answers show it: its last part, printable, at most ``NAME_LENGTH`` characters."""
    name = PurePosixPath((filename or "").replace("\\", "/")).name
    name = "".join(character for character in name if character.isprintable())
    return shortened_name(name) or default


def shortened_name(name: str) -> str:
    return name if len(name) <= NAME_LENGTH else name[: NAME_LENGTH - 3] + "..."
