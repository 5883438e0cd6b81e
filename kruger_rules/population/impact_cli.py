"""``kruger-rules impact``: a reform's cost and reach across a population, written as tables, charts and a report.

The command reads its options, shows progress and prints the headline; the work is ``impact.run_impact`` and
``report.write_report``, imported when the command runs so that the rest of the command line starts quickly.
"""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from kruger_rules.population.chunks import DEFAULT_CHUNK_SIZE
from kruger_rules.scaleout import add_scaleout_options, dask_client


def add_impact_command(subparsers) -> None:
    """Add ``impact`` to the ``kruger-rules`` subparsers."""
    impact = subparsers.add_parser(
        "impact",
        help="a reform's cost and reach across a population: tables, charts and an HTML report",
        description="Run the baseline and a reform on every row of a population, in chunks, and write what the reform "
        "costs against each budget and who it reaches (newly or no longer eligible, gainers and losers), overall and by "
        "region, IMD decile, CNI decile, organisation type and local authority: CSV and Parquet tables, PNG and SVG charts, "
        "and report.html. The chunks run in this process, or on a Dask cluster with --dask or --scheduler.",
    )
    impact.add_argument("--reform", required=True, metavar="NAME|FILE.json", help="a named reform, or a reform file (JSON or YAML)")
    impact.add_argument("--population", type=Path, metavar="FILE", help="a population (.parquet or .csv; default: the shipped sample)")
    impact.add_argument("--period", default="2024", help="the year to compute (default: 2024)")
    impact.add_argument("--out", type=Path, metavar="DIR", help="where to write (default: ./impact-<reform>-<period>/)")
    impact.add_argument(
        "--chunk-size", type=int, default=DEFAULT_CHUNK_SIZE, metavar="N", help=f"organisations per chunk (default: {DEFAULT_CHUNK_SIZE:,})"
    )
    add_scaleout_options(impact)
    impact.set_defaults(run=run_impact_command)


def default_out(reform_text: str, period: str) -> Path:
    """``./impact-<reform>-<period>/``: a reform file is named by its file name without suffix."""
    path = Path(reform_text)
    name = path.stem if path.suffix in {".json", ".yaml", ".yml"} or path.exists() else reform_text
    return Path(f"impact-{name}-{period}")


def run_impact_command(arguments) -> int:
    from kruger_rules.cli import load_reform
    from kruger_rules.coverage import covered_year
    from kruger_rules.population.impact import run_impact
    from kruger_rules.population.report import write_report

    reform = load_reform(arguments.reform)
    period = str(covered_year(arguments.period, "$.period"))
    out = arguments.out or default_out(arguments.reform, period)
    console = Console(stderr=True)
    columns = (TextColumn("{task.description:<10}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with dask_client(arguments.scheduler, arguments.dask) as client, Progress(*columns, console=console, transient=False) as progress:
        task = progress.add_task("reading", total=None)

        def advance(done: int, total: int) -> None:
            progress.update(task, description="computing", completed=done, total=total)

        impact = run_impact(reform, arguments.population, period, arguments.chunk_size, progress=advance, client=client)
        report = write_report(impact, out, step=lambda name: progress.update(task, description=name))
        progress.update(task, description="done")
    print_headline(impact, report)
    return 0


def print_headline(impact, report: Path) -> None:
    """The cost of each scheme against its budget, and the report's path."""
    about, cost = impact.about, impact.tables["cost"]
    table = Table(title=f"{about['reform']['label']} against the baseline, {about['period']}: cost against budget (£)")
    for header in ("scheme", "baseline cost", "baseline budget", "reform cost", "reform budget", "change"):
        table.add_column(header, justify="left" if header == "scheme" else "right")
    for row in cost.itertuples():
        figures = (row.baseline_cost, row.baseline_budget, row.reform_cost, row.reform_budget, row.cost_change)
        table.add_row(row.label, *map(money, figures))
    console = Console(width=160)
    console.print(table)
    console.print(f"{about['organisation_rows']:,} organisations in {about['seconds']:.2f} s; report: {report}")


def money(value: float) -> str:
    return "" if value != value else f"{value:,.0f}"
