"""A batch file screened whole: read in chunks, each chunk screened here or on Dask, results and errors written in order.

The run checks everything that concerns the whole file before any row (the period, the reform, the formats,
the header, the places and procurements files): a fault there is a ``KrugerError`` and nothing is written. Then
it streams: this process reads a chunk, marks the ids an earlier row already has (the one check that needs the
whole file, so it stays here), hands the chunk to ``screen.screen`` (in this process, or on a Dask worker
through ``scaleout.ordered_map``) and writes what comes back, in the file's order. A fault found later in the
file (bytes that are not text in its encoding) stops the run and removes what it had written.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from kruger_rules.batch.files import ResultWriter, file_format, read_chunks, read_header
from kruger_rules.batch.layout import ORGANISATION_ID, layout_of
from kruger_rules.batch.lookups import lookups
from kruger_rules.batch.screen import ERROR_COLUMNS, Job, Screened, screen
from kruger_rules.coverage import covered_year
from kruger_rules.errors import KrugerError
from kruger_rules.reforms import parse_reform, reformed_system
from kruger_rules.scaleout import ordered_map
from kruger_rules.system import rules_version, shared_system

DEFAULT_CHUNK_ROWS = 100_000
"""Rows screened at once: the rule system's cost per simulation is small beside its cost per row at this size,
and a chunk's columns stay well within a few hundred megabytes."""

Progress = Callable[[int, int], None]
"""Told the rows screened so far and the rows the file holds (for a text file, an estimate from its lines), after each chunk."""


@dataclass(frozen=True)
class BatchSummary:
    """What a run read and wrote."""

    rows: int
    ok: int
    failed: int
    out: Path
    errors: Path
    seconds: float
    period: str
    reform: str | None
    rules_version: str


def errors_path(out: Path) -> Path:
    """``OUT.errors.csv`` beside ``OUT``."""
    out = Path(out)
    return out.with_name(f"{out.name.removesuffix(out.suffix)}.errors.csv")


def run_batch(
    source: Path,
    out: Path,
    *,
    period: str | int,
    reform=None,
    explain: bool = False,
    errors: Path | None = None,
    places: Path | None = None,
    procurements: Path | None = None,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    encoding: str = "utf-8",
    client=None,
    progress: Progress | None = None,
) -> BatchSummary:
    """Screen every row of ``source`` for ``period`` under the rules in force or ``reform`` (a name, a data form or a
    ``ReformSpec``), writing each row's results to ``out`` and each bad cell to ``errors`` (default ``OUT.errors.csv``).

    ``client`` is a Dask client to screen the chunks on (``scaleout.dask_client``); None screens them here.
    """
    started = time.perf_counter()
    source, out = Path(source), Path(out)
    errors = Path(errors) if errors is not None else errors_path(out)
    year = str(covered_year(str(period)))
    if chunk_rows < 1:
        raise KrugerError("bad_option", "a chunk holds at least one row", "$.chunk_rows")
    spec = parse_reform(reform) if reform is not None else None
    system = shared_system() if spec is None else reformed_system(spec)
    file_format(source)
    file_format(out, "$.out")
    file_format(errors, "$.errors")
    if source.resolve() in (out.resolve(), errors.resolve()):
        raise KrugerError("bad_option", f"{source} would be overwritten by the results: write them to another file", "$.out")
    layout = layout_of(system)
    header = read_header(source, encoding)
    layout.check_header(header, str(source), places is not None, procurements is not None)
    job = Job(year, spec.data if spec is not None else None, explain, lookups(system, layout, header, places, procurements))
    total = row_estimate(source)
    counts = {"rows": 0, "failed": 0}
    with ResultWriter(out, layout.result_schema(explain)) as results, ResultWriter(errors, ERROR_COLUMNS) as faults:
        parts = numbered(read_chunks(source, header, chunk_rows, encoding))
        for screened in ordered_map(client, screen_part, parts, job):
            results.write(screened.results)
            faults.write(screened.errors)
            counts["rows"] += screened.results.num_rows
            counts["failed"] += int(pc.sum(pc.equal(screened.results.column("status"), "error")).as_py() or 0)
            if progress is not None:
                total = max(total, counts["rows"])
                progress(counts["rows"], total)
    if progress is not None:
        progress(counts["rows"], counts["rows"])
    return BatchSummary(
        counts["rows"],
        counts["rows"] - counts["failed"],
        counts["failed"],
        out,
        errors,
        round(time.perf_counter() - started, 3),
        year,
        spec.label if spec is not None else None,
        rules_version(),
    )


def row_estimate(source: Path) -> int:
    """The rows of a file: a Parquet file's own count; a text file's lines (a quoted line break counts one too many)."""
    if file_format(source) == "parquet":
        return pq.ParquetFile(source).metadata.num_rows
    lines = 0
    with open(source, "rb") as text:
        while block := text.read(1 << 24):
            lines += block.count(b"\n")
    return max(lines - (file_format(source) == "csv"), 1)


def screen_part(part: tuple[pa.Table, int, dict[int, int]], job: Job) -> Screened:
    """``screen`` on one numbered chunk (a module-level function, so that it pickles)."""
    table, first_row, duplicates = part
    return screen(table, first_row, duplicates, job)


def numbered(chunks: Iterator[pa.Table]) -> Iterator[tuple[pa.Table, int, dict[int, int]]]:
    """Each chunk with the number of rows before it, and its rows whose id an earlier row has (with that row's number).

    The ids seen so far are a dict of id to first row: built and compared by dict and set operations, so that a
    file without a repeated id (the usual case) is checked without a Python loop over its rows.
    """
    seen: dict[str, int] = {}
    first_row = 0
    for table in chunks:
        ids = pc.utf8_trim_whitespace(table.column(ORGANISATION_ID).cast(pa.string())).to_pylist()
        rows = range(first_row + 1, first_row + len(ids) + 1)
        first_here = dict(zip(reversed(ids), reversed(rows), strict=True))
        blank = first_here.pop("", None) is not None
        again = first_here.keys() & seen.keys()
        duplicates: dict[int, int] = {}
        if again or len(first_here) + blank < len(ids):
            for position, (identifier, row) in enumerate(zip(ids, rows, strict=True)):
                earlier = seen.get(identifier) or first_here.get(identifier) or row
                if identifier and earlier != row:
                    duplicates[position] = earlier
        for identifier in again:
            del first_here[identifier]
        seen.update(first_here)
        yield table, first_row, duplicates
        first_row += table.num_rows
