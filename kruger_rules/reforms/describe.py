"""The named reforms in words: each one's description and its parameter changes, before and after."""

from __future__ import annotations

from openfisca_core import periods
from openfisca_core.parameters import ParameterNode

from kruger_rules.errors import json_path
from kruger_rules.parameter_tree import find_leaf, metadata_of
from kruger_rules.reforms.named import check_name, named_reforms
from kruger_rules.reforms.spec import Change, parse_parameters
from kruger_rules.system import shared_system


def describe_reform(name: str, baseline=None) -> dict:
    """A named reform's description and each parameter change with its baseline value before."""
    reform = named_reforms()[check_name(name, json_path("name"))]
    tree = (baseline or shared_system()).parameters
    changes = parse_parameters(reform.changes, tree, ("reforms", name, "changes"))
    return {
        "name": reform.name,
        "description": " ".join(reform.description.split()),
        "structural": " ".join(reform.structure.split()) if reform.structure else None,
        "changes": [describe_change(change, tree) for change in sorted(changes, key=Change.order)],
    }


def describe_change(change: Change, tree: ParameterNode) -> dict:
    leaf = find_leaf(tree, change.path, json_path(change.path))
    metadata = metadata_of(tree, change.path)
    return {
        "parameter": change.path,
        "label": metadata.label,
        "unit": metadata.unit,
        "from": change.start.isoformat(),
        "until": change.stop.isoformat() if change.stop else None,
        "before": leaf.get_at_instant(periods.instant(change.start.isoformat())),
        "after": change.value,
    }


def describe_reforms(baseline=None) -> list[dict]:
    return [describe_reform(name, baseline) for name in sorted(named_reforms())]
