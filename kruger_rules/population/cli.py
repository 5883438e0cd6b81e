"""``kruger-rules population generate | check``: make a synthetic population, and hold it to its published targets.

The commands only read options and print: the work is in ``generate.py`` and ``check.py``, imported when a
command runs so that the rest of the command line starts without pandas.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from kruger_rules.errors import KrugerError


def add_population_commands(subparsers) -> None:
    """Add ``population`` and its two commands to the ``kruger-rules`` subparsers."""
    population = subparsers.add_parser(
        "population",
        help="generate a synthetic population of organisations on England's wards, or check one against its targets",
        description="Synthetic populations: organisations on England's real wards, calibrated to published aggregates.",
    )
    population.set_defaults(run=lambda arguments: print_help(population))
    commands = population.add_subparsers(title="commands", metavar="COMMAND")

    generate = commands.add_parser(
        "generate",
        help="generate a population from a seed",
        description="Write FILE.parquet (organisations, each with a weight) and FILE.procurements.parquet "
        "(procurements by the population's public bodies). The same seed and size give the same files.",
    )
    generate.add_argument("--organisations", type=int, required=True, metavar="N", help="rows of organisations to generate")
    generate.add_argument("--seed", type=int, required=True, metavar="S", help="random seed (a non-negative integer)")
    generate.add_argument("--out", type=Path, required=True, metavar="FILE.parquet", help="where to write the organisations")
    generate.set_defaults(run=run_generate)

    check = commands.add_parser(
        "check",
        help="compare a population with its targets (exit code 1 if one is outside its tolerance)",
        description="Print each published target beside the population's value; exit 1 if any is outside its tolerance.",
    )
    check.add_argument("file", type=Path, metavar="FILE.parquet", help="a population written by 'population generate'")
    check.set_defaults(run=run_check)


def print_help(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def run_generate(arguments) -> int:
    from kruger_rules.population.generate import STEPS, generate, write
    from kruger_rules.population.organisations import TYPES

    if arguments.organisations < len(TYPES):
        raise KrugerError("bad_option", f"--organisations must be at least {len(TYPES)}, one organisation of each type")
    if arguments.seed < 0:
        raise KrugerError("bad_option", "--seed must be a non-negative integer")
    if arguments.out.suffix != ".parquet":
        raise KrugerError("bad_option", "--out must name a .parquet file")
    console = Console(stderr=True)
    columns = (TextColumn("{task.description:<14}"), BarColumn(), TextColumn("{task.completed}/{task.total}"), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=False) as progress:
        task = progress.add_task("generating", total=len(STEPS) + 1)

        def step(name: str) -> None:
            progress.update(task, description=name, advance=1)

        population = generate(arguments.organisations, arguments.seed, progress=step)
        progress.update(task, description="writing")
        try:
            organisations, procurements = write(population, arguments.out)
        except OSError as error:
            raise KrugerError("unwritable_file", f"cannot write {arguments.out}: {error.strerror}") from None
        progress.update(task, description="done", advance=1)
    rows = f"{population.organisations.num_rows:,} organisations -> {organisations}"
    console.print(f"{rows}; {population.procurements.num_rows:,} procurements -> {procurements}")
    return 0


def run_check(arguments) -> int:
    import pyarrow.parquet as pq

    from kruger_rules.population.check import check
    from kruger_rules.population.targets import TOLERANCES_HOLD_FROM

    if not arguments.file.is_file():
        raise KrugerError("unreadable_file", f"cannot read {arguments.file}: no such file")
    try:
        rows = check(arguments.file)
        organisations = pq.read_metadata(arguments.file).num_rows
    except (OSError, ValueError, KeyError) as error:
        raise KrugerError("bad_file", f"{arguments.file} is not a population written by 'population generate': {error}") from None
    table = Table(title=f"{arguments.file}: generated against published targets")
    table.add_column("target", overflow="fold")
    for header in ("target value", "generated", "tolerance"):
        table.add_column(header, justify="right")
    table.add_column("within", justify="center")
    table.add_column("source", overflow="fold")
    for row in rows:
        table.add_row(
            row.target,
            number(row.value),
            number(row.generated),
            f"± {number(row.tolerance)}",
            "yes" if row.within else "[bold red]NO[/]",
            ("assumption: " if row.assumption else "") + row.source,
        )
    console = Console(width=200)
    console.print(table)
    missed = sum(not row.within for row in rows)
    console.print(f"{len(rows) - missed} of {len(rows)} targets within tolerance")
    if organisations < TOLERANCES_HOLD_FROM:
        console.print(f"note: {organisations:,} organisations; the tolerances are for {TOLERANCES_HOLD_FROM:,} or more")
    return 1 if missed else 0


def number(value: float) -> str:
    """Shares with four decimals, counts and pounds in whole units."""
    return f"{value:.4f}" if abs(value) < 10 else f"{value:,.0f}"
