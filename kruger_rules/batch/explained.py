"""With ``--explain``: each row's failed criteria, per scheme, and what would pass each, as two text columns.

The explanation is the one ``/api/v1/eligibility`` gives (``kruger_rules.explain``), so that a row of a batch
and the same case sent alone get the same reasons. It is asked for row by row, each row a situation of its
own organisation, place and procurement holding only the inputs the row gives (so that the "what would
pass" search changes what the applicant wrote, not what the model assumed).

A scheme's ``<scheme>_failed_criteria`` lists the failed criteria at the bottom of its tree (the ones an input
decides), in the tree's order, separated by ``; ``; ``<scheme>_to_pass`` gives what would pass each of them (each
text names the input it changes), in the same order, separated by `` | ``. Both are empty where the row is eligible.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
from openfisca_core.indexed_enums import Enum

from kruger_rules.batch.layout import FAILED, PLACE, PROCUREMENT, TO_PASS
from kruger_rules.explain import explain
from kruger_rules.json_values import json_scalar


def explained_rows(system, layout, period: str, inputs, rows: np.ndarray, has_procurement: np.ndarray, ids: np.ndarray) -> list:
    """Each of the rows ``rows`` (positions in the chunk) as a situation, with its explanation: (situation, answer).

    One situation per row: the search for what would pass a criterion copies the whole situation for each try,
    so a row alone is quicker than rows together (100 rows of the shipped example: 3.7 s one at a time, 4.7 s
    fifty at a time).
    """
    explained = []
    for position in rows:
        asked = situation(system, layout, period, inputs, position, has_procurement[position], str(ids[position]))
        explained.append((asked, explain(system, asked, period)))
    return explained


def explained_columns(system, layout, explained: list, rows: np.ndarray) -> dict:
    """The explanation columns of the explained rows ``rows``, by column name: (rows, values)."""
    texts: dict[str, list] = {f"{scheme}_{suffix}": [] for scheme, _ in layout.schemes for suffix in (FAILED, TO_PASS)}
    plurals = {entity.key: entity.plural for entity in system.entities}
    for _, answer in explained:
        for scheme, entity in layout.schemes:
            instances: dict = answer.get(plurals[entity], {})
            entry: dict = next(iter(instances.values()), {})
            failed, to_pass = reasons(entry.get("schemes", {}).get(scheme))
            texts[f"{scheme}_{FAILED}"].append(failed)
            texts[f"{scheme}_{TO_PASS}"].append(to_pass)
    return {name: (rows, pa.array(values, pa.string())) for name, values in texts.items()}


def situation(system, layout, period: str, inputs, position: int, has_procurement: bool, organisation: str) -> dict:
    """A row as a situation: its organisation (under its own id), its place and, where it gives one, its procurement."""
    plural = {entity.key: entity.plural for entity in system.entities}
    found: dict[str, dict] = {
        plural[layout.person]: {organisation: given_values(system, inputs[layout.person], position, period)},
        plural[PLACE]: {"place": {"members": [organisation], **given_values(system, inputs[PLACE], position, period)}},
    }
    if has_procurement:
        procurement = {"commissioners": [organisation], **given_values(system, inputs[PROCUREMENT], position, period)}
        found[plural[PROCUREMENT]] = {"procurement": procurement}
    return found


def given_values(system, entity_inputs, position: int, period: str) -> dict:
    """The inputs a row gives, as a situation writes them."""
    values = {}
    for name, given in entity_inputs.given.items():
        if given[position]:
            value = entity_inputs.values[name][position]
            variable = system.variables[name]
            if variable.value_type is Enum:
                value = next(item.name for item in variable.possible_values if item.index == int(value))
            values[name] = {period: json_scalar(value.astype(object) if isinstance(value, np.datetime64) else value)}
    return values


def reasons(scheme: dict | None) -> tuple[str | None, str | None]:
    """The failed criteria at the bottom of a scheme's tree, and what would pass each; none where it is met."""
    if scheme is None or scheme["eligible"]:
        return None, None
    leaves = list(failed_leaves(scheme["criteria"]))
    if not leaves:
        return None, None
    failed = "; ".join(node["label"] or node["variable"] for node in leaves)
    to_pass = " | ".join(node["to_pass"]["text"] for node in leaves if node.get("to_pass"))
    return failed, to_pass or None


def failed_leaves(criteria: list[dict]):
    for node in criteria:
        if node["passed"]:
            continue
        if node.get("criteria"):
            yield from failed_leaves(node["criteria"])
        else:
            yield node
