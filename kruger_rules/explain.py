"""Why a decision is what it is: each scheme's criteria, what they read, and what would pass them.

The schemes are declared beside the rules, one YAML file each in ``variables/explanations``
(read and checked by ``kruger_rules.schemes``): a label, the variable that decides eligibility,
and the amounts, dates and other outcomes to show with it. A scheme's criteria are the
variables its eligibility formula ANDs together (``a & b & ~c``), found by reading the formula;
a criterion that is itself such an AND is explained by its own criteria, down to criteria that
compare numbers or look up categories.
A file may list its criteria where the formula is no plain AND.

For each criterion the explanation gives its value for the entity, the inputs beneath it and
their values, the values of the computed variables it reads, and every parameter it depends on
with its value for the period, the date that value took effect and its reference. For a failed
criterion it adds what would make it pass (see ``kruger_rules.counterfactuals``).

Only declared entities are explained: a group created for an organisation declared in none is
never reported, by id or otherwise.
"""

from __future__ import annotations

import datetime
import json
import math

import numpy
from openfisca_core.indexed_enums import Enum

from kruger_rules.counterfactuals import Prober
from kruger_rules.coverage import covered_year
from kruger_rules.dates import NO_DATE
from kruger_rules.dependencies import dependencies, direct_reads, formula_conjuncts, is_input
from kruger_rules.entities import role_name
from kruger_rules.errors import KrugerError
from kruger_rules.json_values import json_scalar, to_json_values
from kruger_rules.parameter_tree import find, find_leaf, leaves_under, metadata_of
from kruger_rules.schemes import Scheme, schemes
from kruger_rules.situations import build_case

MAX_DEPTH = 6


def explain(system, situation, period, *, counterfactuals: bool = True) -> dict:
    """Every declared entity's schemes, criteria and what would pass them, for one year."""
    if period is None:
        raise KrugerError("missing_period", "an explanation is for one year: give a period such as '2024'", "$.period")
    text = str(period) if isinstance(period, int) and not isinstance(period, bool) else period
    covered_year(text)
    case = build_case(system, situation, text)
    return _Explainer(system, situation, case, counterfactuals).explain()


class _Explainer:
    def __init__(self, system, situation, case, counterfactuals: bool) -> None:
        self.system = system
        self.case = case
        self.period = case.period
        self.simulation = case.simulation
        self.person = system.person_entity
        self.prober = Prober(system, situation, case) if counterfactuals else None
        self.schemes = schemes(system)
        self._nodes: dict[tuple, dict] = {}
        self._arrays: dict[str, object] = {}
        self._failed_leaves: list[tuple[dict, object]] = []
        self._failed_composites: list[dict] = []

    def explain(self) -> dict:
        answer: dict = {"period": str(self.period)}
        for entity in self.system.entities:
            answer[entity.plural] = {iid: self._entity(entity, index, iid) for index, iid in enumerate(self.case.ids[entity.key])}
        return answer

    def _entity(self, entity, index: int, iid: str) -> dict:
        entry: dict = {}
        if entity.is_person:
            entry["groups"] = self._groups_of(index)
        else:
            entry["members"] = self._members_of(entity, index)
        self._failed_leaves, self._failed_composites = [], []
        entry["schemes"] = {scheme.key: self._scheme(scheme, entity.key, index) for scheme in self.schemes[entity.key]}
        self._resolve_to_pass(entity.key, iid)
        return entry

    # Structure

    def _groups_of(self, person: int) -> dict:
        groups = {}
        for group in self.system.group_entities:
            population = self.simulation.populations[group.key]
            position = int(population.members_entity_id[person])
            declared = self.case.ids[group.key]
            groups[group.key] = (
                {"id": declared[position], "role": population.members_role[person].key} if position < len(declared) else None
            )
        return groups

    def _members_of(self, group, index: int) -> dict[str, list[str]]:
        population = self.simulation.populations[group.key]
        members: dict[str, list[str]] = {}
        for person, pid in enumerate(self.case.ids[self.person.key]):
            if population.members_entity_id[person] == index:
                members.setdefault(role_name(population.members_role[person]), []).append(pid)
        return members

    # Values

    def _array(self, name: str):
        if name not in self._arrays:
            self._arrays[name] = self.simulation.calculate(name, self.period)
        return self._arrays[name]

    def value(self, name: str, entity: str, index: int):
        """A variable's value as the instance sees it: its own, its group's, or its members' by id."""
        kind = self.system.variables[name].entity.key
        array = self._array(name)
        if kind == entity:
            return json_value(array, index)
        if entity == self.person.key:
            return json_value(array, int(self.simulation.populations[kind].members_entity_id[index]))
        members = self.simulation.populations[entity].members_entity_id
        persons = self.case.ids[self.person.key]
        if kind == self.person.key:
            return {pid: json_value(array, person) for person, pid in enumerate(persons) if members[person] == index}
        theirs = self.simulation.populations[kind].members_entity_id
        return {pid: json_value(array, int(theirs[person])) for person, pid in enumerate(persons) if members[person] == index}

    def _date(self, name: str, entity: str, index: int):
        """A computed date, or none when every date it is computed from is none."""
        value = self.value(name, entity, index)
        sources = [
            read for read in dependencies(self.system, name, self.period).inputs if self.system.variables[read].value_type is datetime.date
        ]
        if sources and all(self.value(read, entity, index) is None for read in sources):
            return None
        return value

    # Schemes and criteria

    def _scheme(self, scheme: Scheme, entity: str, index: int) -> dict:
        eligible = self.value(scheme.eligibility, entity, index)
        if scheme.criteria is not None:
            criteria = [self._criterion(entity, index, name, expected, 1) for name, expected in scheme.criteria]
        else:
            node = self._criterion(entity, index, scheme.eligibility, True, 0)
            criteria = node.get("criteria") or [node]
        return {
            "label": scheme.label,
            "eligibility": scheme.eligibility,
            "eligible": bool(eligible),
            "amounts": {name: self.value(name, entity, index) for name in scheme.amounts},
            "dates": {name: self._date(name, entity, index) for name in scheme.dates},
            "outcomes": {name: self.value(name, entity, index) for name in scheme.outcomes},
            "criteria": criteria,
        }

    def _criterion(self, entity: str, index: int, name: str, expected: bool, depth: int) -> dict:
        key = (entity, index, name, expected)
        if key not in self._nodes:
            self._nodes[key] = self._build_criterion(entity, index, name, expected, depth)
        return self._nodes[key]

    def _build_criterion(self, entity: str, index: int, name: str, expected: bool, depth: int) -> dict:
        """A criterion's node: its own criteria when it is an AND of them, else what it reads."""
        variable = self.system.variables[name]
        value = self.value(name, entity, index)
        passed = bool(value) == expected
        node = {"variable": name, "label": variable.label, "expected": expected, "value": value, "passed": passed}
        parts = self._conjuncts(variable) if depth < MAX_DEPTH else None
        if parts:
            _, parameters = direct_reads(self.system, name, self.period)
            node.update(inputs={}, computed={}, parameters=self._parameters(parameters, entity, index, []), to_pass=None)
            node["criteria"] = [self._criterion(entity, index, part, needed, depth + 1) for part, needed in parts]
            if not passed:
                self._failed_composites.append(node)
            return node
        found = dependencies(self.system, name, self.period)
        direct, _ = direct_reads(self.system, name, self.period)
        node["inputs"] = {} if is_input(variable) else {read: self.value(read, entity, index) for read in found.inputs}
        node["computed"] = {read: self.value(read, entity, index) for read in direct if not is_input(self.system.variables[read])}
        categories = [read for read in (*found.inputs, *found.computed) if self.system.variables[read].value_type is Enum]
        node["parameters"] = self._parameters(found.parameters, entity, index, categories)
        node["to_pass"] = None
        if not passed:
            self._failed_leaves.append((node, found))
        return node

    def _conjuncts(self, variable) -> list[tuple[str, bool]] | None:
        """The boolean variables the variable's formula for the period ANDs together (two or more), if it does."""
        formula = variable.get_formula(self.period)
        parts = formula_conjuncts(formula) if formula is not None else None
        if not parts or len(parts) < 2:
            return None
        if not all(part in self.system.variables and self.system.variables[part].value_type is bool for part, _ in parts):
            return None
        return list(parts)

    def _resolve_to_pass(self, entity: str, iid: str) -> None:
        """What would pass each failed criterion of one instance, all searched at once."""
        keys = [(node["variable"], node["expected"]) for node, _ in self._failed_leaves]
        options = self.prober.options(entity, iid, keys) if self.prober and keys else {}
        for node, found in self._failed_leaves:
            found_options = options.get((node["variable"], node["expected"]), [])
            node["to_pass"] = self._to_pass(node, self.system.variables[node["variable"]], found, found_options)
        for node in self._failed_composites:
            node["to_pass"] = _composite_to_pass(node["criteria"])

    def _to_pass(self, node: dict, variable, found, options: list[dict]) -> dict:
        if options:
            text = "; or ".join(option["text"] for option in options)
        elif variable.get_formula(self.period) is None and not is_input(variable):
            text = f"Not in force in {self.period}: no rule gives it a value"
        elif not found.inputs and not is_input(variable):
            rules = ", ".join(f"{p['name']} = {json.dumps(p['value'])}" for p in node["parameters"]) or "no parameter"
            text = f"Set by the rules in force in {self.period} ({rules}); no input changes it"
        elif self.prober is None:
            text = "Not computed: counterfactuals were not asked for"
        else:
            text = "No change to a single input makes this pass: several must change together"
        return {"options": options, "text": text}

    # Parameters

    def _parameters(self, names, entity: str, index: int, categories: list[str]) -> list[dict]:
        """Each parameter read, by the entry that applies to the instance when it is indexed by a category."""
        keys: set[str] = set()
        for name in categories:
            value = self.value(name, entity, index)
            keys |= set(value.values()) if isinstance(value, dict) else {value}
        entries = []
        for name in names:
            leaves = leaves_under(find(self.system.parameters, name), keys)
            entries += [parameter_entry(self.system, leaf.name, self.period) for leaf in leaves]
        return entries


def _composite_to_pass(children: list[dict]) -> dict:
    failed = [child for child in children if not child["passed"]]
    options = failed[0]["to_pass"]["options"] if len(failed) == 1 and failed[0]["to_pass"] else []
    return {"options": options, "text": "Needs: " + "; ".join(child["label"] or child["variable"] for child in failed)}


def parameter_entry(system, name: str, period) -> dict:
    """A parameter's value for the period, the date that value took effect, and its source."""
    parameter = find_leaf(system.parameters, name)
    instant = str(period.start)
    since, value = next(((at.instant_str, at.value) for at in parameter.values_list if at.instant_str <= instant), (None, None))
    metadata = metadata_of(system.parameters, name)
    return {
        "name": name,
        "label": metadata.label,
        "value": json_scalar(value),
        "unit": metadata.unit,
        "since": since,
        "reference": [reference.as_dict() for reference in metadata.references],
    }


def json_value(array, position: int):
    """One value of a variable's array as JSON, as answers write it; none for "no date" or a non-finite number."""
    value = to_json_values(array[position : position + 1])[0]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if numpy.issubdtype(array.dtype, numpy.datetime64) and value == NO_DATE.isoformat():
        return None
    return value
