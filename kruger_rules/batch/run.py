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

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from kruger_rules.batch.files import ResultWriter, file_format, read_chunks, read_header
from kruger_rules.batch.layout import ORGANISATION_ID, RECORD_ID, layout_of
from kruger_rules.batch.lookups import lookups
from kruger_rules.batch.screen import ERROR_COLUMNS, Job, Screened, screen
from kruger_rules.coverage import covered_year
from kruger_rules.errors import KrugerError
from kruger_rules.memory import release_freed_memory
from kruger_rules.records.rules_read import all_formula_hashes
from kruger_rules.records.service import system_name
from kruger_rules.reforms import parse_reform, reformed_system
from kruger_rules.scaleout import ordered_map
from kruger_rules.store.decision_book import DecisionBook
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
    record: DecisionBook | None = None,
) -> BatchSummary:
    """Screen every row of ``source`` for ``period`` under the rules in force or ``reform`` (a name, a data form or a
    ``ReformSpec``), writing each row's results to ``out`` and each bad cell to ``errors`` (default ``OUT.errors.csv``).

    ``client`` is a Dask client to screen the chunks on (``scaleout.dask_client``); None screens them here. With
    ``record``, each good row's decision is stored there (made on the command line) before its results are written,
    and the results say its record's id.
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
    reform_data = spec.data if spec is not None else None
    job = Job(year, reform_data, explain, lookups(system, layout, header, places, procurements), record is not None)
    total = row_estimate(source)
    counts = {"rows": 0, "failed": 0}
    with ResultWriter(out, layout.result_schema(explain, record is not None)) as results, ResultWriter(errors, ERROR_COLUMNS) as faults:
        parts = numbered(read_chunks(source, header, chunk_rows, encoding))
        for screened in ordered_map(client, screen_part, parts, job):
            if record is not None:
                stored = record.record(screened.records, None, system_name(reform_data), all_formula_hashes(system))
                screened.results = with_record_ids(screened.results, stored)
            results.write(screened.results)
            faults.write(screened.errors)
            counts["rows"] += screened.results.num_rows
            counts["failed"] += int(pc.sum(pc.equal(screened.results.column("status"), "error")).as_py() or 0)
            del screened
            release_freed_memory()
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


def with_record_ids(results: pa.Table, ids: list[str]) -> pa.Table:
    """The results with each good row's record id, in the rows' order."""
    good = np.flatnonzero(pc.equal(results.column("status"), "ok").to_numpy(zero_copy_only=False))
    column = np.full(results.num_rows, None, dtype=object)
    column[good] = ids
    return results.set_column(results.schema.get_field_index(RECORD_ID), RECORD_ID, pa.array(column, pa.string()))


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
    """Each chunk with the number of rows before it, and its rows whose id an earlier row has (with that row's number)."""
    seen = SeenIds()
    first_row = 0
    for table in chunks:
        ids = pc.fill_null(pc.utf8_trim_whitespace(table.column(ORGANISATION_ID).cast(pa.string())), "").to_numpy(zero_copy_only=False)
        yield table, first_row, seen.repeats(ids, first_row)
        first_row += table.num_rows


class SeenIds:
    """The ids of the rows read so far, as two 64-bit hashes each and the row that first had it: 24 bytes an id.

    Kept as sorted arrays and searched with numpy, so that a million ids take 24 MB, not the 300 MB of a dict of
    strings, and no Python loop runs over rows; a chunk's new ids are inserted in place, one array at a time, so
    that no copy of the whole set is made at once. Two ids are the same when both their hashes are: a false match
    would need a 128-bit collision (a 64-bit one could hide a repeat, once in about 10^19 pairs of ids).
    """

    KEYS = ("kruger-rules-id1", "kruger-rules-id2")
    """Two hash keys of 16 bytes each, as ``pandas.util.hash_array`` takes them."""

    def __init__(self) -> None:
        self.first = np.zeros(0, np.uint64)
        self.second = np.zeros(0, np.uint64)
        self.rows = np.zeros(0, np.int64)

    def repeats(self, ids: np.ndarray, first_row: int) -> dict[int, int]:
        """The positions in ``ids`` of ids seen before (in an earlier chunk or earlier here), with that earlier row."""
        first, second = (pd.util.hash_array(ids.astype(object), hash_key=key, categorize=False) for key in self.KEYS)
        rows = np.arange(first_row + 1, first_row + len(ids) + 1, dtype=np.int64)
        given = ids != ""
        at = np.searchsorted(self.first, first).clip(max=max(len(self.first) - 1, 0))
        before = np.zeros(len(ids), bool)
        if len(self.first):
            before = given & (self.first[at] == first) & (self.second[at] == second)
        earlier = np.where(before, self.rows[at] if len(self.rows) else 0, 0)
        keys = pd.MultiIndex.from_arrays([first, second])
        here = given & ~before & keys.duplicated(keep="first")
        if here.any():
            first_of = pd.Series(rows[given], index=keys[given]).groupby(level=[0, 1]).transform("min").to_numpy()
            earlier[np.flatnonzero(given)[here[given]]] = first_of[here[given]]
        new = given & ~before & ~here
        order = np.argsort(first[new], kind="stable")
        at = np.searchsorted(self.first, first[new][order])
        # one field at a time, each inserted in place of the old: no copy of all three at once
        self.first = np.insert(self.first, at, first[new][order])
        self.second = np.insert(self.second, at, second[new][order])
        self.rows = np.insert(self.rows, at, rows[new][order])
        repeated = np.flatnonzero(before | here)
        return dict(zip(repeated.tolist(), earlier[repeated].tolist(), strict=True))
