"""``kruger-rules explain``: one situation's eligibility on the terminal, as ``POST /api/v1/eligibility`` answers it.

The answer is the API's own: ``kruger_rules.explain.explain`` on the system that
``reforms.reformed_system`` gives for the reform, with the rules version and the reform's data form
beside it. This module only draws it, so that a reader at a terminal sees what a client of the API
would: a tree per declared organisation, place and procurement, of its schemes and their criteria,
each marked passed or failed with its value, what it read, the parameters it was held to (value,
date in force, source) and, for a failed one, what would pass it. ``--output json`` prints the
API's body itself, for a script.
"""

from __future__ import annotations

import json
from pathlib import Path

from rich.console import Console
from rich.text import Text
from rich.tree import Tree

from kruger_rules import units
from kruger_rules.cli import format_value, load_reform, load_situation
from kruger_rules.errors import KrugerError

PIPED_WIDTH = 10_000
"""Width when the output is not a terminal: every node on one line, for grep and diff."""


def add_explain_command(subparsers) -> None:
    """Add ``explain`` to the ``kruger-rules`` subparsers."""
    explain = subparsers.add_parser(
        "explain",
        help="why each scheme is or is not open to a situation, and what would change it",
        description="Explain a situation file (JSON or YAML, in the OpenFisca web-API shape) as POST /api/v1/eligibility "
        "does: for each organisation, place and procurement, each scheme with its amounts, dates and outcomes, and each "
        "criterion with its value, the rule it was held to and, when it failed, what would pass it.",
    )
    explain.add_argument("file", type=Path, help="situation file (.json, .yaml or .yml)")
    explain.add_argument("--period", help="the year to assess, e.g. 2024 (required: an explanation is for one year)")
    explain.add_argument("--reform", metavar="NAME|FILE", help="a named reform or a reform file (JSON or YAML; default: the baseline)")
    explain.add_argument("--output", choices=("tree", "json"), default="tree", help="tree (default) or json, the API's body")
    explain.set_defaults(run=run_explain)


def run_explain(arguments) -> int:
    from kruger_rules.explain import explain
    from kruger_rules.reforms import parse_reform, reformed_system
    from kruger_rules.system import rules_version

    if arguments.period is None:
        raise KrugerError("missing_period", "an explanation is for one year: give --period, e.g. --period 2024")
    situation = load_situation(arguments.file)
    spec = load_reform(arguments.reform) if arguments.reform else parse_reform(None)
    system = reformed_system(spec)
    answer = {"rules_version": rules_version(), "reform": None if spec.is_baseline else spec.data}
    answer |= explain(system, situation, arguments.period)
    if arguments.output == "json":
        print(json.dumps(answer, indent=2))
    else:
        print_explanation(system, answer, spec.label if spec.is_baseline else f"reform {spec.label}")
    return 0


def print_explanation(system, answer: dict, under: str) -> None:
    """One tree per declared instance, entity by entity, under a line naming the rules, the year and the reform."""
    console = Console()
    if not console.is_terminal:
        console = Console(width=PIPED_WIDTH)
    console.print(Text(f"rules {answer['rules_version']}, period {answer['period']}, {under}", style="bold"))
    for entity in system.entities:
        for iid, entry in answer[entity.plural].items():
            console.print(instance_tree(entity.key, iid, entry))


def instance_tree(entity: str, iid: str, entry: dict) -> Tree:
    root = Text.assemble((f"{entity} {iid}", "bold"), ("  " + belonging(entry), "dim"))
    tree = Tree(root)
    for scheme in entry["schemes"].values():
        add_scheme(tree, scheme)
    return tree


def belonging(entry: dict) -> str:
    """The declared groups an organisation is in, or the members of a group, by role."""
    if "groups" in entry:
        groups = [f"{role['role']} of {group} {role['id']}" for group, role in entry["groups"].items() if role]
        return "; ".join(groups) or "in no declared group"
    return "; ".join(f"{role}: {', '.join(ids)}" for role, ids in entry["members"].items()) or "no declared members"


def add_scheme(tree: Tree, scheme: dict) -> None:
    eligible = scheme["eligible"]
    node = tree.add(Text.assemble(mark(eligible), (scheme["label"], "bold"), f": {'eligible' if eligible else 'not eligible'}"))
    for kind in ("amounts", "dates", "outcomes"):
        for name, value in scheme[kind].items():
            node.add(Text(f"{name} = {shown(value)}", style="cyan"))
    for criterion in scheme["criteria"]:
        add_criterion(node, criterion)


def add_criterion(tree: Tree, criterion: dict) -> None:
    needed = "" if criterion["expected"] else ", must not hold"
    node = tree.add(
        Text.assemble(mark(criterion["passed"]), criterion["label"] or criterion["variable"], f": {shown(criterion['value'])}{needed}")
    )
    read = {**criterion["inputs"], **criterion["computed"]}
    if read:
        node.add(Text("read: " + ", ".join(f"{name} = {shown(value)}" for name, value in read.items()), style="dim"))
    for parameter in criterion["parameters"]:
        add_parameter(node, parameter)
    if criterion["to_pass"] is not None:
        node.add(Text(f"to pass: {criterion['to_pass']['text']}", style="yellow"))
    for part in criterion.get("criteria") or ():
        add_criterion(node, part)


def add_parameter(tree: Tree, parameter: dict) -> None:
    unit = f" {parameter['unit']}" if parameter["unit"] not in (None, units.BOOLEAN, units.RATIO) else ""
    since = f", since {parameter['since']}" if parameter["since"] else ", no value yet"
    node = tree.add(Text(f"rule: {parameter['name']} = {shown(parameter['value'])}{unit}{since}"))
    for reference in parameter["reference"]:
        node.add(Text(reference["title"], style="dim italic"))


def mark(passed: bool) -> tuple[str, str]:
    return ("✓ ", "green") if passed else ("✗ ", "red")


def shown(value) -> str:
    """A value as a person reads it: numbers with separators, yes/no, none; a group's members' values by id."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}: {shown(item)}" for key, item in value.items()) + "}"
    return "none" if value is None else format_value(value)
