"""Copies of a case side by side in one simulation, each with its own change: a round of tries at once.

Copy ``k`` of an entity's instance ``i`` sits at ``k * count + i``, with the inputs of the case
repeated copy after copy. Each try sets one target's value in its own copy; the criteria are
then computed once for every copy, so a round of tries costs one vectorised simulation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy
from openfisca_core.indexed_enums import EnumArray
from openfisca_core.simulations import SimulationBuilder

from kruger_rules.counterfactual_options import Target
from kruger_rules.dependencies import is_input
from kruger_rules.situation_parts import Part
from kruger_rules.situations import FLOAT32_MAX, Case


@dataclass(frozen=True)
class Try:
    """One copy's change, and the value its criterion should then have."""

    criterion: str
    expected: bool
    target: Target
    value: object


def try_outcomes(system, part: Part, entity: str, iid: str, tries: list[Try]) -> list[bool]:
    """Whether each try's criterion, for one instance, has its expected value after the try's change.

    The changes are either all to inputs, or all to one computed variable: a computed variable is
    first computed in every copy, then overwritten where it is changed, so the copies that do not
    change it keep its true value.
    """
    if not tries:
        return []
    simulation = _changed_copies(system, part, tries)
    period = part.case.period
    count = part.case.simulation.populations[entity].count
    start = part.case.ids[entity].index(iid)
    results = {}
    outcomes = []
    for copy, tried in enumerate(tries):
        if tried.criterion not in results:
            results[tried.criterion] = simulation.calculate(tried.criterion, period)
        outcomes.append(bool(results[tried.criterion][start + copy * count]) == tried.expected)
    return outcomes


def _changed_copies(system, part: Part, tries: list[Try]):
    """One copy of the part per try, each with the try's value set."""
    period = part.case.period
    simulation = _replicate(system, part.case.simulation, part.given, len(tries))
    counts = {key: population.count for key, population in part.case.simulation.populations.items()}
    by_variable: dict[str, list[tuple[int, Any]]] = {}
    for copy, tried in enumerate(tries):
        position = position_of(part.case, system.person_entity.key, tried.target) + copy * counts[tried.target.entity]
        by_variable.setdefault(tried.target.variable, []).append((position, tried.value))
    for name, positions in by_variable.items():
        variable = system.variables[name]
        if is_input(variable):
            array = simulation.get_array(name, period)
            if array is None:
                array = variable.default_array(simulation.populations[variable.entity.key].count)
        else:
            array = simulation.calculate(name, period)
            simulation.delete_arrays(name, period)
        simulation.set_input(name, period, _with_values(variable, array, positions))
    return simulation


def position_of(case: Case, person: str, target: Target) -> int:
    """Where a target sits in its population: a declared id's place, or its member's hidden group."""
    if target.id is not None:
        return case.ids[target.entity].index(target.id)
    assert target.member is not None, "a target names a declared instance or a member"
    index = case.ids[person].index(target.member)
    return int(case.simulation.populations[target.entity].members_entity_id[index])


def value_at(array, position: int):
    """One value of an array, as a plain Python value (an enum by its name)."""
    if isinstance(array, EnumArray):
        return array.decode_to_str()[position]
    value = array[position]
    if isinstance(value, numpy.floating):
        return float(str(value))
    return value.item() if isinstance(value, numpy.generic) else value


def _with_values(variable, array, positions: list[tuple[int, Any]]):
    """A copy of ``array`` with values set at positions, in the variable's own type."""
    if isinstance(array, EnumArray):
        codes = numpy.asarray(array).copy()
        for position, name in positions:
            codes[position] = variable.possible_values[name].index
        return EnumArray(codes, variable.possible_values)
    array = numpy.array(array, copy=True)
    for position, value in positions:
        if variable.value_type is float:
            value = min(max(float(value), -FLOAT32_MAX), FLOAT32_MAX)
        array[position] = value
    return array


def _replicate(system, simulation, given, copies: int):
    """A simulation holding ``copies`` copies of another's entities and inputs, copy after copy."""
    builder = SimulationBuilder()
    builder.create_entities(system)
    persons = simulation.persons
    builder.declare_person_entity(system.person_entity.key, [f"{copy}:{pid}" for copy in range(copies) for pid in persons.ids])
    for group in system.group_entities:
        population = simulation.populations[group.key]
        declared = builder.declare_entity(group.key, [f"{copy}:{gid}" for copy in range(copies) for gid in population.ids])
        declared.members_entity_id = numpy.concatenate([population.members_entity_id + copy * population.count for copy in range(copies)])
        declared.members_role = numpy.tile(population.members_role, copies)
    replicated = builder.build(system)
    for name, period, array in given:
        tiled = numpy.tile(numpy.asarray(array), copies)
        if isinstance(array, EnumArray):
            tiled = EnumArray(tiled, system.variables[name].possible_values)
        replicated.set_input(name, period, tiled)
    return replicated
