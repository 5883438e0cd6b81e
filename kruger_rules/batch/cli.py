"""``kruger-rules batch``: a file of organisations screened row by row, with a progress bar, or its template written.

The command reads its options and reports; the work is ``run.run_batch`` (and ``dictionary.write_template``),
imported when the command runs so that the rest of the command line starts quickly. The exit code is 0 when
every row was screened, 1 when some rows have a bad cell (each named in the errors file), 2 when the run
could not start or stopped (a whole-file fault, named on the terminal).
"""

from __future__ import annotations

import datetime
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from kruger_rules.errors import KrugerError
from kruger_rules.scaleout import add_scaleout_options

SOME_ROWS_FAILED = 1


def add_batch_command(subparsers) -> None:
    """Add ``batch`` to the ``kruger-rules`` subparsers."""
    batch = subparsers.add_parser(
        "batch",
        help="screen a file of organisations (CSV, Parquet or JSON lines): every scheme's outcome for each row",
        description="Screen every row of IN, one organisation each, and write to OUT each row's eligibility, amounts, dates "
        "and outcomes for every scheme (with --explain, the failed criteria and what would pass each). A row with a bad "
        "cell is reported in the errors file (row, column, value, reason) and the other rows still run. Formats go by "
        "suffix: .csv, .parquet, .jsonl. Start from the template: kruger-rules batch --template applications.csv.",
        epilog="Exit codes: 0 every row screened; 1 some rows have bad cells (see the errors file); 2 the file could not be read.",
    )
    batch.add_argument("source", nargs="?", type=Path, metavar="IN", help="the organisations (.csv, .parquet or .jsonl)")
    batch.add_argument("out", nargs="?", type=Path, metavar="OUT", help="where to write the results (.csv, .parquet or .jsonl)")
    batch.add_argument(
        "--template", type=Path, metavar="FILE.csv", help="write an empty file with every input column, and its data dictionary beside it"
    )
    batch.add_argument("--period", help=f"the year to screen for (default: this year, {datetime.date.today().year})")
    batch.add_argument(
        "--reform", metavar="NAME|FILE.json", help="screen under a named reform or a reform file (default: the rules in force)"
    )
    batch.add_argument("--explain", action="store_true", help="add each scheme's failed criteria and what would pass each")
    batch.add_argument(
        "--record",
        action="store_true",
        help="store each screened row's decision as a decision record in the server's database (KRUGER_DATABASE_URL, else "
        "SQLite in KRUGER_DATA_DIR), with its explanation; the results give each row's record_id",
    )
    batch.add_argument("--errors", type=Path, metavar="FILE", help="where to write the bad cells (default: OUT's name with .errors.csv)")
    batch.add_argument("--places", type=Path, metavar="FILE", help="places by place_id, with their inputs (for a place_id column)")
    batch.add_argument(
        "--procurements", type=Path, metavar="FILE", help="procurements by procurement_id, with their inputs (for a procurement_id column)"
    )
    batch.add_argument("--encoding", default="utf-8", help="the text encoding of a CSV or JSON lines file (default: utf-8; e.g. cp1252)")
    batch.add_argument("--chunk-rows", type=int, metavar="N", help="rows screened at once (default: 100,000)")
    add_scaleout_options(batch)
    batch.set_defaults(run=run_batch_command)


def run_batch_command(arguments) -> int:
    if arguments.template is not None:
        if arguments.source is not None or arguments.out is not None:
            raise KrugerError("bad_option", "--template writes a template: give it alone, without IN and OUT")
        return write_template_command(arguments.template)
    if arguments.source is None or arguments.out is None:
        raise KrugerError("bad_option", "give IN and OUT (or --template FILE.csv); see kruger-rules batch --help")
    from kruger_rules.batch.run import DEFAULT_CHUNK_ROWS, run_batch
    from kruger_rules.cli import load_reform
    from kruger_rules.scaleout import dask_client

    reform = load_reform(arguments.reform) if arguments.reform else None
    console = Console(stderr=True)
    columns = (TextColumn("screening"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), TimeRemainingColumn())
    book = decision_book() if arguments.record else None
    with dask_client(arguments.scheduler, arguments.dask) as client, Progress(*columns, console=console) as progress:
        task = progress.add_task("screening", total=None)
        summary = run_batch(
            arguments.source,
            arguments.out,
            period=arguments.period or datetime.date.today().year,
            reform=reform,
            explain=arguments.explain,
            errors=arguments.errors,
            places=arguments.places,
            procurements=arguments.procurements,
            chunk_rows=arguments.chunk_rows or DEFAULT_CHUNK_ROWS,
            encoding=arguments.encoding,
            client=client,
            progress=lambda done, total: progress.update(task, completed=done, total=total),
            record=book,
        )
    under = f" under {summary.reform}" if summary.reform else ""
    console.print(
        f"{summary.rows:,} rows screened for {summary.period}{under} in {summary.seconds:.2f} s (rules {summary.rules_version}): "
        f"{summary.ok:,} ok, {summary.failed:,} with errors",
        soft_wrap=True,
    )
    console.print(f"results: {summary.out}\nerrors:  {summary.errors}", soft_wrap=True)
    return SOME_ROWS_FAILED if summary.failed else 0


def decision_book():
    """The server's database, brought up to date, as the book of decision records."""
    from kruger_rules.db_cli import settings_database
    from kruger_rules.store import DecisionBook

    database = settings_database()
    database.migrate()
    return DecisionBook(database)


def write_template_command(path: Path) -> int:
    from kruger_rules.batch.dictionary import write_template
    from kruger_rules.batch.layout import layout_of
    from kruger_rules.system import shared_system

    template, dictionary = write_template(path, layout_of(shared_system()))
    print(f"template: {template}\ndictionary: {dictionary}")
    return 0
