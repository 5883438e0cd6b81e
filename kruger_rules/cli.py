"""The ``kruger-rules`` command: calculate a situation file, print the rules version."""

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

    version = commands.add_parser("version", help="print the rules version", description="Print the rules version and the OpenFisca version.")
    version.set_defaults(run=run_version)
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
        raise KrugerError("bad_file", f"{path} is not valid {'YAML' if path.suffix in {'.yaml', '.yml'} else 'JSON'}: {str(error).splitlines()[0]}") from None


def reject_constant(name: str):
    raise KrugerError("not_finite", f"{name} is not a number JSON allows")


def run_calculate(arguments) -> int:
    from kruger_rules.situations import build_case
    from kruger_rules.system import shared_system

    case = build_case(shared_system(), load_situation(arguments.file), arguments.period)
    if arguments.variables:
        if case.period is None:
            raise KrugerError("missing_period", "--variables needs --period")
        requests = case.requests_for([name.strip() for name in arguments.variables.split(",") if name.strip()])
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


def print_table(answer: dict) -> None:
    table = Table(show_lines=False)
    for column in ("entity", "id", "variable", "period", "value"):
        table.add_column(column, justify="right" if column == "value" else "left")
    for plural, instances in answer.items():
        for iid, variables in instances.items():
            for name, by_period in variables.items():
                for period, value in by_period.items():
                    table.add_row(plural, iid, name, period, format_value(value))
    Console(width=120).print(table)


def format_value(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:,.2f}" if abs(value) >= 1 or value == 0 else f"{value:.4g}"
    return str(value)


def run_version(arguments) -> int:
    import importlib.metadata

    from kruger_rules.system import rules_version

    print(f"kruger-rules {rules_version()} (openfisca-core {importlib.metadata.version('openfisca-core')})")
    return 0
