"""What a decision read: the parameters, with the value and the date in force for its period, and the formulas.

A scheme's outputs (its eligibility, amounts, dates and outcomes) depend on parameters and on variables, down
to the inputs (``kruger_rules.dependencies``). Every parameter leaf beneath them is read with its value for
the period and the date that value took effect, as an explanation shows them; a replay compares them with
today's. Every computed variable beneath them is hashed by its formulas' source (each with the date it starts)
and what it is (entity, type, period): a replay tells which formulas changed since the record by comparing the
hashes kept for the record's rules version with today's.
"""

from __future__ import annotations

import functools
import hashlib
import inspect

from kruger_rules.dependencies import dependencies, is_input
from kruger_rules.json_values import json_scalar
from kruger_rules.parameter_tree import find, leaves_under


def scheme_variables(schemes) -> list[str]:
    """The variables a set of schemes shows: each one's eligibility, amounts, dates and outcomes."""
    names: list[str] = []
    for scheme in schemes:
        names += [scheme.eligibility, *scheme.amounts, *scheme.dates, *scheme.outcomes]
    return list(dict.fromkeys(names))


def read_by(system, names: list[str], period) -> tuple[list[str], list[str]]:
    """The parameter leaves and the computed variables that the variables ``names`` depend on (themselves included)."""
    parameters: set[str] = set()
    computed: set[str] = set()
    for name in names:
        found = dependencies(system, name, period)
        computed |= set(found.computed)
        if not is_input(system.variables[name]):
            computed.add(name)
        for node in found.parameters:
            parameters |= {leaf.name for leaf in leaves_under(find(system.parameters, node))}
    return sorted(parameters), sorted(computed)


def parameter_values(system, names: list[str], period) -> dict[str, dict]:
    """Each parameter's value for the period and the date it took effect (none before its first date)."""
    instant = str(period.start)
    values = {}
    for name in names:
        leaf = find(system.parameters, name)
        since, value = next(((at.instant_str, at.value) for at in leaf.values_list if at.instant_str <= instant), (None, None))
        values[name] = {"value": json_scalar(value), "since": since}
    return values


def formula_hashes(system, names: list[str]) -> dict[str, str]:
    """A hash per variable of its formulas' source and its kind: equal hashes, equal rules."""
    return {name: variable_hash(system.variables[name]) for name in names}


@functools.lru_cache(maxsize=32)
def all_formula_hashes(system) -> dict[str, str]:
    """Every computed variable's hash: what a rules version stores once for its records."""
    return {name: variable_hash(variable) for name, variable in sorted(system.variables.items()) if not is_input(variable)}


@functools.cache
def variable_hash(variable) -> str:
    parts = [variable.name, variable.entity.key, variable.value_type.__name__, str(variable.definition_period)]
    for start, formula in variable.formulas.items():
        parts += [start, inspect.getsource(formula)]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]
