"""One situation answered under the baseline and under reforms, side by side, with the differences.

The outputs compared are the variables asked for, else the situation's null values, else every
computed variable (one with a formula) of every declared instance. Each row holds the baseline's
value and, for each reform, its value, whether it changed and, for numbers and dates, the
difference (reform minus baseline; days for dates).
"""

from __future__ import annotations

import datetime

from openfisca_core.variables import Variable

from kruger_rules.coverage import covered_year
from kruger_rules.errors import KrugerError, json_path, unknown_variable
from kruger_rules.reforms import ReformSpec, parse_reform, reformed_system
from kruger_rules.situations import Request, build_case
from kruger_rules.system import rules_version, shared_system

SIGNIFICANT_DIGITS = 9
"""Differences of 32-bit values are written to the precision of the values themselves."""


def compare(situation, period, reforms, variables=None, changed_only=False, situation_at=()) -> dict:
    """The comparison of ``situation`` for ``period`` under the baseline and each of ``reforms``.

    ``situation_at`` is where the situation sits in the caller's input (e.g. ``("situation",)``
    in a request body), so that an error in it names its full JSON path.
    """
    if not isinstance(reforms, list | tuple) or not reforms:
        raise KrugerError("bad_reform", "give at least one reform to compare with the baseline", json_path("reforms"))
    if period is not None:
        period = str(covered_year(period))
    specs = [parse_reform(reform, ("reforms", index)) for index, reform in enumerate(reforms)]
    systems = [shared_system()] + [reformed_system(spec) for spec in specs]
    cases = [case_at(system, situation, period, situation_at) for system in systems]
    requests = outputs(cases, variables)
    columns = [case.values_by_request(requests) for case in cases]
    rows = []
    for request in requests:
        baseline, *reformed = (column[request] for column in columns)
        cells = [cell(baseline, value) for value in reformed]
        if changed_only and not any(c["changed"] for c in cells):
            continue
        rows.append(
            {
                "entity": plural(systems[0], request.entity),
                "id": request.id,
                "variable": request.variable,
                "period": request.period,
                "baseline": baseline,
                "reforms": cells,
            }
        )
    return {
        "period": None if cases[0].period is None else str(cases[0].period),
        "rules_version": rules_version(),
        "reforms": [describe(spec) for spec in specs],
        "outputs": rows,
    }


def case_at(system, situation, period, situation_at):
    try:
        return build_case(system, situation, period)
    except KrugerError as error:
        if situation_at:
            raise KrugerError(error.code, error.message, json_path(*situation_at) + error.path[1:]) from None
        raise


def describe(spec: ReformSpec) -> dict:
    return {"label": spec.label, "reform": spec.data}


def outputs(cases, variables) -> list[Request]:
    """The requests to answer: the variables named, the situation's nulls, or every computed variable."""
    baseline = cases[0]
    if variables is None and baseline.requested:
        return list(dict.fromkeys(baseline.requested))
    if baseline.period is None:
        raise KrugerError(
            "missing_period", "give a period to compare every output, or ask for outputs with null values", json_path("period")
        )
    known: dict[str, Variable] = {}
    for case in cases:
        for name, variable in case.simulation.tax_benefit_system.variables.items():
            known.setdefault(name, variable)
    if variables is None:
        order = {entity.key: position for position, entity in enumerate(baseline.simulation.tax_benefit_system.entities)}
        computed = (name for name, variable in known.items() if variable.formulas)
        names = sorted(computed, key=lambda name: (order[known[name].entity.key], name))
    else:
        if not isinstance(variables, list | tuple) or not all(isinstance(name, str) for name in variables):
            raise KrugerError("bad_variables", "variables are a list of variable names", json_path("variables"))
        for index, name in enumerate(variables):
            if name not in known:
                raise unknown_variable(name, known, json_path("variables", index))
        names = list(dict.fromkeys(variables))
    period = str(baseline.period)
    return [Request(known[name].entity.key, iid, name, period) for name in names for iid in baseline.ids[known[name].entity.key]]


def cell(baseline, value) -> dict:
    return {"value": value, "changed": value != baseline, "difference": difference(baseline, value)}


def difference(baseline, value):
    """Reform minus baseline for numbers, in days for dates; None for anything else."""
    if is_number(baseline) and is_number(value):
        if isinstance(baseline, int) and isinstance(value, int):
            return value - baseline
        return float(f"{value - baseline:.{SIGNIFICANT_DIGITS}g}")
    if isinstance(baseline, str) and isinstance(value, str):
        try:
            return (datetime.date.fromisoformat(value) - datetime.date.fromisoformat(baseline)).days
        except ValueError:
            return None
    return None


def is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def plural(system, key: str) -> str:
    return next(entity.plural for entity in system.entities if entity.key == key)
