"""What would make a failed criterion pass: found by trying other values, one variable at a time.

For a criterion that fails, each variable it reads (and each input beneath them) is tried at
other values in copies of the instance's part of the situation, each round of tries one vectorised
simulation: the other value of a boolean, every value of a category, and for a number the
values it is compared with (the parameters read, the other side's value, each ± one step),
then a bisection down to the threshold; a date likewise, in days, from the dates the criterion
reads, the period's ends and the days its parameters change. The answer names, for each variable
that can make the criterion pass on its own, what it would need: ``≥ 1,000``, ``one of …``,
``true``, ``before 2024-03-14``.

A computed variable (a share of two inputs, say) is tried as if it were given, so the need is
stated on it; the raw inputs beneath it are tried too, so that the need is also said in terms a
form can ask. Each try changes one variable: a criterion that needs two changes at once has no
option, and says so.

The work is shared out: ``situation_parts`` cuts the situation down to what an instance's
criteria read, ``simulation_copies`` runs a round of tries as one simulation, ``value_searches``
chooses the values of each round, and ``counterfactual_text`` words what they find. This module
runs the rounds and writes the answer.
"""

from __future__ import annotations

import datetime
import math

import numpy
from openfisca_core.errors import ParameterNotFoundError

from kruger_rules.counterfactual_options import BooleanNeed, CategoryNeed, Condition, DateNeed, NumberNeed, Option, Target
from kruger_rules.counterfactual_text import sentence
from kruger_rules.dates import NO_DATE, day_number
from kruger_rules.dependencies import dependencies, direct_reads, is_input
from kruger_rules.json_values import json_scalar
from kruger_rules.parameter_tree import find, leaves_under
from kruger_rules.simulation_copies import Try, position_of, try_outcomes, value_at
from kruger_rules.situation_parts import Reads, SituationParts
from kruger_rules.value_searches import MAX_ROUNDS, Bases, Search, search_for

MAX_MEMBERS = 5
"""Members of a group tried for the group's own criterion. The formula does not say which member
it reads (a procurement reads its commissioner's), so each is tried, and each adds a search to
every round; the first five cover a commissioner and its first bidders."""

YOURS_DIGITS = 7
"""Significant digits of a float written as the value an instance has: a float32 holds about 7."""


class Prober:
    """Tries changes to one situation's variables and reports which make a criterion pass."""

    def __init__(self, system, situation: dict, case) -> None:
        self.system = system
        self.case = case
        self.period = case.period
        self.person = system.person_entity
        self.parts = SituationParts(system, situation, case.period)
        self._changes: dict[str, list[int]] = {}

    def targets(self, entity: str, iid: str, variable: str) -> list[Target]:
        """The instances of ``variable``'s entity that the criterion of ``entity`` ``iid`` reads."""
        kind = self.system.variables[variable].entity.key
        memberships = self.parts.memberships
        if kind == entity:
            return [Target(kind, iid, None, variable)]
        if entity == self.person.key:
            gid = memberships[kind].get(iid)
            if gid is not None:
                return [Target(kind, gid, None, variable)]
            return [Target(kind, None, iid, variable)]
        if kind == self.person.key:
            members = [member for member, gid in memberships[entity].items() if gid == iid]
            return [Target(kind, member, None, variable) for member in members[:MAX_MEMBERS]]
        return []

    def current(self, target: Target):
        """The target's value in the situation as given."""
        array = self.case.simulation.calculate(target.variable, self.period)
        return value_at(array, position_of(self.case, self.person.key, target))

    def options(self, entity: str, iid: str, criteria: list[tuple[str, bool]]) -> dict[tuple[str, bool], list[dict]]:
        """For each failed criterion of one instance, every single-variable change that passes it.

        The criteria are searched together, so that each round of tries is one simulation.
        """
        searches = {key: self._searches(entity, iid, *key) for key in dict.fromkeys(criteria)}
        reads = self.parts.reads(list(searches))
        pending = [(key, search, value) for key, found in searches.items() for search in found for value in search.first_values()]
        for _ in range(MAX_ROUNDS):
            if not pending:
                break
            outcomes = self._run(entity, iid, pending, reads)
            for (_, search, value), passed in zip(pending, outcomes, strict=True):
                search.record(value, passed)
            pending = [(key, search, value) for key, found in searches.items() for search in found for value in search.next_values()]
        return {key: [_answer(search.option()) for search in found if search.found()] for key, found in searches.items()}

    def _searches(self, entity: str, iid: str, criterion: str, expected: bool) -> list[Search]:
        """A search for each variable the criterion reads and each input beneath, nearest first."""
        direct, _ = direct_reads(self.system, criterion, self.period)
        if is_input(self.system.variables[criterion]):
            direct = [criterion]
        found = dependencies(self.system, criterion, self.period)
        names = direct + [name for name in found.inputs if name not in direct]
        bases = self._bases(entity, iid, names, direct, found.parameters)
        searches = []
        for name in names:
            variable = self.system.variables[name]
            for target in self.targets(entity, iid, name):
                search = search_for(variable, target, self.current(target), bases)
                if search is not None:
                    searches.append(search)
        return searches

    def _run(self, entity: str, iid: str, pending: list[tuple[tuple[str, bool], Search, object]], reads: Reads) -> list[bool]:
        """The outcome of each pending try, with computed variables tried one variable per simulation."""
        groups: dict[str | None, list[int]] = {}
        for position, (_, search, _) in enumerate(pending):
            key = None if is_input(self.system.variables[search.target.variable]) else search.target.variable
            groups.setdefault(key, []).append(position)
        part = self.parts.part(entity, iid, reads)
        outcomes: list[bool] = [False] * len(pending)
        for positions in groups.values():
            tries = [Try(*pending[p][0], pending[p][1].target, pending[p][2]) for p in positions]
            for position, passed in zip(positions, try_outcomes(self.system, part, entity, iid, tries), strict=True):
                outcomes[position] = passed
        return outcomes

    def _bases(self, entity: str, iid: str, names: list[str], direct: list[str], parameters) -> Bases:
        """What a criterion compares with: the parameters it reads and its variables' values (the numbers it reads
        directly; every date it reads, with the period's ends and the days its parameters change, when it reads one)."""
        instant = self.period.start
        numbers: list[float] = [0.0]
        for name in parameters:
            for leaf in leaves_under(find(self.system.parameters, name)):
                try:
                    value = leaf(instant)
                except ParameterNotFoundError:
                    continue
                if isinstance(value, int | float | numpy.number) and not isinstance(value, bool | numpy.bool_):
                    numbers.append(float(value))
        for name in direct:
            if self.system.variables[name].value_type in (int, float):
                numbers += [float(self.current(target)) for target in self.targets(entity, iid, name)]
        numbers = [base for base in numbers if math.isfinite(base)]
        dated = [name for name in names if self.system.variables[name].value_type is datetime.date]
        if not dated:
            return Bases(numbers, [], [], 0)
        dates = {day_number(self.current(target)) for name in dated for target in self.targets(entity, iid, name)}
        period = [day_number(self.period.start.date), day_number(self.period.stop.date)]
        changes = {day for name in parameters for day in self._change_days(name)}
        return Bases(numbers, sorted(dates - {day_number(NO_DATE)}), sorted({*period, *changes}), period[0])

    def _change_days(self, name: str) -> list[int]:
        """The days a parameter (each leaf under it) takes a value, as day numbers."""
        if name not in self._changes:
            leaves = leaves_under(find(self.system.parameters, name))
            self._changes[name] = [day_number(datetime.date.fromisoformat(at.instant_str)) for leaf in leaves for at in leaf.values_list]
        return self._changes[name]


def _answer(option: Option) -> dict:
    """An option as answers write it: the variable and instance, what it needs, and the sentence."""
    variable, target = option.variable, option.target
    answer = {
        "variable": variable.name,
        "label": variable.label,
        "entity": target.entity,
        "computed": not is_input(variable),
        "yours": _json(option.yours),
    }
    if target.id is not None:
        answer["id"] = target.id
    match option.need:
        case BooleanNeed(needed=needed):
            answer.update(kind="boolean", needed=needed)
        case CategoryNeed(accepted=accepted):
            answer.update(kind="category", accepted=list(accepted))
        case NumberNeed(conditions=conditions):
            answer.update(kind="number", conditions=_bounds(conditions))
        case DateNeed(conditions=conditions, no_date=no_date):
            answer.update(kind="date", conditions=None if conditions is None else _bounds(conditions), no_date=no_date)
    answer["text"] = sentence(option)
    return answer


def _bounds(conditions: tuple[Condition, ...]) -> list[dict]:
    return [{"operator": condition.operator, "value": json_scalar(condition.value)} for condition in conditions]


def _json(value):
    value = json_scalar(value)
    return float(f"{value:.{YOURS_DIGITS}g}") if isinstance(value, float) else value
