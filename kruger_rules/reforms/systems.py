"""The reformed systems: a baseline's parameters changed by data, and the named reforms' base class.

A reformed system clones its baseline and never changes it: only the changed branches of the
parameter tree are copied (``kruger_rules.parameter_tree.copy_paths``).
"""

from __future__ import annotations

from collections.abc import Iterable

from openfisca_core import periods
from openfisca_core.parameters import ParameterNode
from openfisca_core.reforms import Reform

from kruger_rules.parameter_tree import copy_paths, find_leaf
from kruger_rules.reforms.spec import Change, parse_parameters


def apply_changes(parameters: ParameterNode, changes: Iterable[Change]) -> ParameterNode:
    """``parameters`` with each change applied in place, in application order."""
    for change in sorted(changes, key=Change.order):
        stop = periods.instant(change.stop.isoformat()) if change.stop else None
        find_leaf(parameters, change.path).update(start=periods.instant(change.start.isoformat()), stop=stop, value=change.value)
    return parameters


def changed_parameters(tree: ParameterNode, changes: tuple[Change, ...]) -> ParameterNode:
    """A copy of ``tree`` with ``changes`` applied; ``tree`` itself is left as it was."""
    return apply_changes(copy_paths(tree, {change.path for change in changes}), changes)


class ParametricReform(Reform):
    """A system whose parameters differ from its baseline's by a list of changes."""

    def __init__(self, baseline, changes: Iterable[Change]) -> None:
        self.changes = tuple(changes)
        super().__init__(baseline)

    def apply(self) -> None:
        self.parameters = changed_parameters(self.baseline.parameters, self.changes)
        self._parameters_at_instant_cache: dict = {}


class NamedReform(Reform):
    """A named policy alternative, one per module of the folder of named reforms (``reforms/``).

    Declare ``name`` (the module's file name), ``description``, and ``changes`` in the data
    form ``{"parameter.path": {"YYYY-MM-DD": value}}``. A structural reform also sets
    ``structure`` (what it changes in the rules, in words) and overrides ``restructure()`` to add,
    update or neutralise variables.
    """

    name: str = ""
    description: str = ""
    changes: dict = {}
    structure: str | None = None
    parameters: ParameterNode

    def restructure(self) -> None:
        """Structural changes to the rules; none by default."""

    def apply(self) -> None:
        self.restructure()
        changes = parse_parameters(self.changes, self.parameters, ("reforms", self.name, "changes"))
        if changes:
            self.parameters = changed_parameters(self.parameters, changes)
            self._parameters_at_instant_cache: dict = {}
