"""What every scheme must have: an explanation, YAML cases, an example, and a switch that current_law turns off."""

import datetime
import functools
import importlib.metadata
import json
import re
from pathlib import Path

import pytest
import yaml
from openfisca_core.parameters import Parameter

from kruger_rules import units
from kruger_rules.reforms import reformed_system
from kruger_rules.system import ROOT, VARIABLES_DIR

EXPLANATIONS = sorted((VARIABLES_DIR / "explanations").glob("*.yaml"))
YAML_CASES = sorted((ROOT / "tests" / "yaml").glob("*.yaml"))
EXAMPLES = sorted((ROOT / "examples").glob("*.json"))
PROPOSAL_DATE = datetime.date(2020, 9, 24)


def declared(path: Path) -> dict:
    return yaml.safe_load(path.read_text())


def requested_in(example: Path) -> set[str]:
    """The variables an example asks for (null values)."""
    asked: set[str] = set()
    for instances in json.loads(example.read_text()).values():
        for facts in instances.values():
            asked |= {name for name, values in facts.items() if isinstance(values, dict) and None in values.values()}
    return asked


def test_every_eligible_output_has_an_explanation_entry(system):
    explained = {declared(path)["eligibility"] for path in EXPLANATIONS}
    eligible = {name for name, variable in system.variables.items() if name.endswith("_eligible") and variable.formulas}
    assert eligible and not eligible - explained


@pytest.mark.parametrize("path", EXPLANATIONS, ids=lambda path: path.stem)
def test_every_scheme_has_yaml_cases(path):
    eligibility = declared(path)["eligibility"]
    assert any(eligibility in case.read_text() for case in YAML_CASES), f"no YAML case pins {eligibility}"


@pytest.mark.parametrize("path", EXPLANATIONS, ids=lambda path: path.stem)
def test_every_scheme_has_an_example(path):
    eligibility = declared(path)["eligibility"]
    assert any(eligibility in requested_in(example) for example in EXAMPLES), f"no example asks for {eligibility}"


def proposal_switches(system) -> list[Parameter]:
    """Every `in_force` that turns true on or after the report's publication: a proposal, not law."""
    switches = [p for p in system.parameters.get_descendants() if isinstance(p, Parameter) and p.name.endswith(".in_force")]
    return [p for p in switches if any(at.value and datetime.date.fromisoformat(at.instant_str) >= PROPOSAL_DATE for at in p.values_list)]


def switches_left_on(system, law) -> dict[str, list[str]]:
    """For each proposal switch, the dates from publication on at which ``law`` still has it on."""
    left_on = {}
    for switch in proposal_switches(system):
        dates = {at.instant_str for at in switch.values_list} | {f"{year}-01-01" for year in range(2016, 2101)}
        reformed = functools.reduce(getattr, switch.name.split("."), law.parameters)
        on = [date for date in sorted(dates) if date >= PROPOSAL_DATE.isoformat() and reformed(date)]
        if on:
            left_on[switch.name] = on
    return left_on


def test_current_law_switches_off_every_proposal_whatever_its_date(system):
    assert len(proposal_switches(system)) >= 4
    assert switches_left_on(system, reformed_system("current_law")) == {}


def test_the_switch_check_sees_a_proposal_turned_on_again_later(system):
    later = reformed_system({"name": "current_law", "parameters": {"match_trade.in_force": {"2030-01-01": True}}})
    assert list(switches_left_on(system, later)) == ["match_trade.in_force"]


def test_every_declared_unit_is_a_named_unit(system):
    declared_units = {getattr(variable, "unit", None) for variable in system.variables.values()} - {None}
    declared_units |= {p.metadata.get("unit") for p in system.parameters.get_descendants() if p.metadata.get("unit")}
    assert declared_units <= units.ALL, declared_units - units.ALL


def test_no_module_compares_a_unit_spelt_as_a_string():
    spelt = [f'"{unit}"' for unit in (units.CURRENCY, units.RATIO)]
    sources = [*(ROOT / "kruger_rules").rglob("*.py"), *(ROOT / "api").rglob("*.py")]
    found = [path.name for path in sources if path.name != "units.py" and any(unit in path.read_text() for unit in spelt)]
    assert not found


def scheme_keys(system) -> set[str]:
    """The names a scheme goes by: its explanation file and its parameter folder (entities aside)."""
    entities = {entity.key for entity in system.entities}
    folders = {path.name for path in (ROOT / "parameters").iterdir() if path.is_dir()}
    return ({path.stem for path in EXPLANATIONS} | folders) - entities


def test_the_engine_names_no_scheme(system):
    """Adding a scheme touches the rules, tests and examples, never the engine."""
    keys = scheme_keys(system)
    assert {"match_trade", "right_to_serve"} <= keys
    named = {
        (path.name, key) for path in (ROOT / "kruger_rules").rglob("*.py") for key in keys if re.search(rf"\b{key}\b", path.read_text())
    }
    assert not named


def test_the_package_version_has_a_changelog_entry():
    version = importlib.metadata.version("kruger-rules")
    assert f"\n## {version}\n" in (ROOT / "CHANGELOG.md").read_text()
