"""The ``kruger-rules`` command: calculate a situation file, compare it under reforms, print the rules version."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import yaml
from rich.console import Console
from rich.table import Table

from kruger_rules.errors import KrugerError


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    arguments = parser.parse_args(argv)
    if not hasattr(arguments, "run"):
        parser.print_help()
        return 2
    try:
        return arguments.run(arguments) or 0
    except KrugerError as error:
        print(f"kruger-rules: error: {error}", file=sys.stderr)
        return 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kruger-rules",
        description="Rules as code for the Levelling Up Our Communities proposals: eligibility, amounts and reforms.",
    )
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    calculate = commands.add_parser(
        "calculate",
        help="compute the outputs of a situation file",
        description="Compute every variable given as null in a situation file (JSON or YAML, "
        "in the OpenFisca web-API shape), or the variables named with --variables.",
    )
    calculate.add_argument("file", type=Path, help="situation file (.json, .yaml or .yml)")
    calculate.add_argument("--period", help="year to compute, e.g. 2024; also the period of values given without one")
    calculate.add_argument("--variables", help="comma-separated variables to compute for every declared instance")
    calculate.add_argument("--output", choices=("table", "json"), default="table", help="table (default) or json")
    calculate.set_defaults(run=run_calculate)

    compare = commands.add_parser(
        "compare",
        help="compare a situation file under the baseline and reforms",
        description="Answer a situation file under the baseline and under each reform, side by side, "
        "with the differences. A reform is a named reform or a JSON/YAML file holding "
        '{"name": ..., "parameters": {"parameter.path": {"YYYY-MM-DD": value}}}.',
    )
    compare.add_argument("file", type=Path, help="situation file (.json, .yaml or .yml)")
    compare.add_argument(
        "--reform",
        action="append",
        metavar="NAME|FILE",
        help="a named reform or a reform file; repeat to compare several (default: current_law)",
    )
    compare.add_argument("--period", help="year to compute, e.g. 2024; also the period of values given without one")
    compare.add_argument(
        "--variables", help="comma-separated variables to compare (default: the file's nulls, else every computed variable)"
    )
    compare.add_argument("--changed", action="store_true", help="show only the outputs some reform changes")
    compare.add_argument("--output", choices=("table", "json"), default="table", help="table (default) or json")
    compare.set_defaults(run=run_compare)

    serve = commands.add_parser(
        "serve",
        help="serve the web API (OpenFisca-compatible, with interactive docs at /docs)",
        description="Serve the web API with uvicorn. Limits come from KRUGER_MAX_BODY_BYTES, "
        "KRUGER_MAX_ORGANISATIONS and KRUGER_MAX_JSON_DEPTH.",
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (default: 8000)")
    serve.add_argument("--workers", type=int, default=1, help="worker processes (default: 1)")
    serve.set_defaults(run=run_serve)

    version = commands.add_parser(
        "version", help="print the rules version", description="Print the rules version and the OpenFisca version."
    )
    version.set_defaults(run=run_version)

    from kruger_rules.population.cli import add_population_commands

    add_population_commands(commands)

    from kruger_rules.population.impact_cli import add_impact_command

    add_impact_command(commands)

    from kruger_rules.explain_cli import add_explain_command

    add_explain_command(commands)

    from kruger_rules.batch.cli import add_batch_command

    add_batch_command(commands)

    from kruger_rules.db_cli import add_db_command

    add_db_command(commands)

    from kruger_rules.keys_cli import add_keys_command

    add_keys_command(commands)

    from kruger_rules.decisions_cli import add_decisions_command

    add_decisions_command(commands)
    return parser


def load_situation(path: Path) -> dict:
    try:
        text = path.read_text()
    except OSError as error:
        raise KrugerError("unreadable_file", f"cannot read {path}: {error.strerror}") from None
    try:
        if path.suffix in {".yaml", ".yml"}:
            return yaml.safe_load(text)
        return json.loads(text, parse_constant=reject_constant)
    except (json.JSONDecodeError, yaml.YAMLError) as error:
        raise KrugerError(
            "bad_file", f"{path} is not valid {'YAML' if path.suffix in {'.yaml', '.yml'} else 'JSON'}: {str(error).splitlines()[0]}"
        ) from None


def reject_constant(name: str):
    raise KrugerError("not_finite", f"{name} is not a number JSON allows")


def run_calculate(arguments) -> int:
    from kruger_rules.situations import build_case
    from kruger_rules.system import shared_system

    case = build_case(shared_system(), load_situation(arguments.file), arguments.period)
    if arguments.variables:
        if case.period is None:
            raise KrugerError("missing_period", "--variables needs --period")
        requests = case.requests_for(variable_names(arguments.variables))
    else:
        requests = case.requested
    if not requests:
        raise KrugerError("nothing_to_calculate", "nothing to calculate: give outputs as null in the file, or --variables")
    answer = case.answer(requests)
    if arguments.output == "json":
        print(json.dumps(answer, indent=2))
    else:
        print_table(answer)
    return 0


def variable_names(text: str) -> list[str]:
    """The names of a comma-separated --variables option."""
    return [name.strip() for name in text.split(",") if name.strip()]


def print_table(answer: dict) -> None:
    rows = [
        [plural, iid, name, period, format_value(value)]
        for plural, instances in answer.items()
        for iid, variables in instances.items()
        for name, by_period in variables.items()
        for period, value in by_period.items()
    ]
    print_rows(["entity", "id", "variable", "period", "value"], rows)


def print_rows(headers: list[str], rows: list[list[str]]) -> Console:
    """A table of the rows, the four columns that name an output on the left, values on the right."""
    table = Table(show_lines=False)
    for position, header in enumerate(headers):
        table.add_column(header, justify="left" if position < 4 else "right")
    for cells in rows:
        table.add_row(*cells)
    widths = [max(len(text) for text in column) for column in zip(headers, *rows, strict=True)]
    console = Console(width=max(80, sum(widths) + 3 * len(widths) + 1))
    console.print(table)
    return console


def format_value(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:,.2f}" if abs(value) >= 1 or value == 0 else f"{value:.4g}"
    return str(value)


def load_reform(text: str):
    """A reform named on the command line, or read from the file it names."""
    from kruger_rules.reforms import parse_reform

    path = Path(text)
    if path.suffix in {".json", ".yaml", ".yml"} or path.exists():
        return parse_reform(load_situation(path), at=())
    return parse_reform(text, at=())


def run_compare(arguments) -> int:
    from kruger_rules.compare import compare

    reforms = [load_reform(text) for text in arguments.reform or ["current_law"]]
    variables = variable_names(arguments.variables) if arguments.variables else None
    comparison = compare(load_situation(arguments.file), arguments.period, reforms, variables, arguments.changed)
    if arguments.output == "json":
        print(json.dumps(comparison, indent=2))
    else:
        print_comparison(comparison)
    return 0


def print_comparison(comparison: dict) -> None:
    headers = ["entity", "id", "variable", "period", "baseline"]
    for reform in comparison["reforms"]:
        headers += [reform["label"], "difference"]
    rows = []
    for row in comparison["outputs"]:
        cells = [row["entity"], row["id"], row["variable"], row["period"], format_value(row["baseline"])]
        for reformed in row["reforms"]:
            cells += [format_value(reformed["value"]), format_difference(reformed)]
        rows.append(cells)
    print_rows(headers, rows).print(f"rules {comparison['rules_version']}; {len(comparison['outputs'])} outputs")


def format_difference(reformed: dict) -> str:
    if not reformed["changed"]:
        return ""
    difference = reformed["difference"]
    if difference is None:
        return "changed"
    return f"+{format_value(difference)}" if difference > 0 else format_value(difference)


def run_serve(arguments) -> int:
    from api.server import serve
    from api.settings import SettingError

    if arguments.workers < 1 or not 0 < arguments.port < 65536:
        raise KrugerError("bad_option", "--workers must be at least 1 and --port between 1 and 65535")
    try:
        return serve(arguments.host, arguments.port, arguments.workers)
    except SettingError as error:
        raise KrugerError("bad_setting", str(error)) from None


def run_version(arguments) -> int:
    import importlib.metadata

    from kruger_rules.system import rules_version

    print(f"kruger-rules {rules_version()} (openfisca-core {importlib.metadata.version('openfisca-core')})")
    return 0
