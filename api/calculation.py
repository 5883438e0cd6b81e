"""Answers of /calculate and /trace in OpenFisca's shapes, computed by the engine.

``calculated`` answers one situation; ``calculated_together`` answers several in one vectorised
simulation (their ids kept apart by a prefix), which costs little more than one: the engine's
cost is per simulation and per variable far more than per organisation.
"""

from __future__ import annotations

import orjson

from kruger_rules.coverage import parse_period
from kruger_rules.entities import roles_by_key
from kruger_rules.errors import KrugerError, json_path
from kruger_rules.situations import build_case, check_situation, period_key


def calculated(system, situation: dict) -> bytes:
    """The situation with each null replaced by its computed value, as JSON."""
    refuse_axes(situation)
    case = build_case(system, situation)
    fill(case, system, lambda request: (situation, request.id))
    return orjson.dumps(situation)


def calculated_together(system, situations: list[dict]) -> list[bytes | KrugerError | None]:
    """The answer (or the error) of each situation, computed in one simulation when they are all valid."""
    if len(situations) == 1:
        return [answer_or_error(calculated, system, situations[0])]
    results: list[bytes | KrugerError | None] = [None] * len(situations)
    valid = []
    for index, situation in enumerate(situations):
        try:
            refuse_axes(situation)
            check_situation(system, situation)
            valid.append(index)
        except KrugerError as error:
            results[index] = error
    try:
        case = build_case(system, merged(system, [situations[index] for index in valid]))

        def locate(request):
            batch_index, _, iid = request.id.partition(":")
            return situations[valid[int(batch_index)]], iid

        fill(case, system, locate)
        for index in valid:
            results[index] = orjson.dumps(situations[index])
    except KrugerError:
        for index in valid:
            results[index] = answer_or_error(calculated, system, situations[index])
    return results


def answer_or_error(function, *arguments):
    try:
        return function(*arguments)
    except KrugerError as error:
        return error


def merged(system, situations: list[dict]) -> dict:
    """One situation holding several, each id prefixed by its situation's position ('3:o1')."""
    roles = {entity.plural: set(roles_by_key(entity)) for entity in system.group_entities}
    together: dict[str, dict] = {}
    for position, situation in enumerate(situations):
        prefix = f"{position}:"
        for plural, instances in situation.items():
            target = together.setdefault(plural, {})
            role_names = roles.get(plural, ())
            for iid, facts in instances.items():
                if role_names:
                    facts = {key: prefixed(value, prefix) if key in role_names else value for key, value in facts.items()}
                target[prefix + iid] = facts
    return together


def prefixed(members, prefix: str):
    if isinstance(members, str):
        return prefix + members
    return [prefix + member for member in members]


def fill(case, system, locate) -> None:
    """Write each requested value into the situation it was asked in, in place of its null.

    Every value is computed before any is written, so an error leaves the situations as sent.
    """
    plurals = {entity.key: entity.plural for entity in system.entities}
    positions = {key: {iid: index for index, iid in enumerate(ids)} for key, ids in case.ids.items()}
    columns: dict[tuple[str, str], list] = {}
    for request in case.requested:
        if (request.variable, request.period) not in columns:
            columns[(request.variable, request.period)] = case.values(request.variable, request.period)
    for request in case.requested:
        value = columns[(request.variable, request.period)][positions[request.entity][request.id]]
        situation, iid = locate(request)
        by_period = situation[plurals[request.entity]][iid][request.variable]
        if by_period.get(request.period, False) is None:
            by_period[request.period] = value
        else:
            fill_same_period(by_period, request.period, value)


def fill_same_period(by_period: dict, period: str, value) -> None:
    """Fill the first null whose period, written another way (e.g. 'year:2024'), is ``period``."""
    for text, given in by_period.items():
        if given is None and period_key(parse_period(text, "$")) == period:
            by_period[text] = value
            return


def traced(system, situation: dict) -> bytes:
    """Every step of the calculation of the outputs given as null, in OpenFisca's trace shape."""
    refuse_axes(situation)
    case = build_case(system, situation)
    case.simulation.trace = True
    requested = []
    for instances in situation.values():
        for facts in instances.values():
            for name, given in facts.items():
                if isinstance(given, dict):
                    requested += [(name, text) for text, value in given.items() if value is None]
    for name, text in requested:
        case.values(name, text)
    declared = {key: len(ids) for key, ids in case.ids.items()}
    steps = case.simulation.tracer.get_serialized_flat_trace()
    for key, step in steps.items():
        entity = system.variables[key.split("<", 1)[0]].entity.key
        if isinstance(step.get("value"), list):
            step["value"] = step["value"][: declared[entity]]
    return orjson.dumps(
        {
            "trace": steps,
            "entitiesDescription": {entity.plural: case.ids[entity.key] for entity in system.entities},
            "requestedCalculations": [f"{name}<{text}>" for name, text in requested],
        },
        option=orjson.OPT_SERIALIZE_NUMPY,
    )


def refuse_axes(situation: dict) -> None:
    if isinstance(situation, dict) and "axes" in situation:
        raise KrugerError(
            "axes_not_supported",
            "axes are not supported: list each variation as its own organisation (one request computes thousands at once)",
            json_path("axes"),
        )
