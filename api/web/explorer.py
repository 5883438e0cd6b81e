"""The rules explorer's facts: every parameter, variable and scheme as its pages show them.

Everything here is read from a rule system through the engine's own functions: the parameter
tree's walker and metadata (``kruger_rules.parameter_tree``), what a formula reads
(``kruger_rules.dependencies.direct_reads``) and the schemes' declarations
(``kruger_rules.schemes``). Nothing is computed that the engine computes already; what is added
is the other direction of a reading (what reads a variable or a parameter), worked out once per
system and kept.

A parameter's dated values are listed oldest first, each with the last day it was in force (the
day before the next value took effect); a value of ``None`` is a parameter's end.
"""

from __future__ import annotations

import datetime
import functools
import inspect
import textwrap
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Literal

from openfisca_core.indexed_enums import Enum
from openfisca_core.parameters import Parameter, ParameterNode

from kruger_rules.dates import NO_DATE
from kruger_rules.dependencies import direct_reads, formula_conjuncts, is_input
from kruger_rules.parameter_tree import Ancestors, descend, inherited, leaves, metadata
from kruger_rules.references import Reference, variable_references
from kruger_rules.schemes import Criterion, Scheme, schemes

ALWAYS = "0001-01-01"
"""The start OpenFisca gives a formula whose name carries no date: in force from the beginning."""

VALUE_TYPES = {"bool": "Yes or no", "float": "Number", "int": "Whole number", "date": "Date", "str": "Text", "Enum": "One of a list"}
"""A variable's type in words."""


# The facts


@dataclass(frozen=True)
class DatedValue:
    start: str
    """The day the value took effect (ISO date)."""
    end: str | None
    """The last day it was in force, the day before the next value; None while it still is."""
    value: Any
    """None from the day a parameter ends."""


@dataclass(frozen=True)
class ParameterFacts:
    name: str
    folder: str
    """The top folder of the tree it sits in (the first part of its name)."""
    label: str | None
    description: str | None
    unit: str | None
    references: tuple[Reference, ...]
    values: tuple[DatedValue, ...]
    """Oldest first."""
    read_by: tuple[str, ...]
    """The variables whose formulas read it, or a node above it (a table indexed by category)."""

    @property
    def latest(self) -> DatedValue:
        return self.values[-1]


@dataclass(frozen=True)
class ParameterGroup:
    """A node of the tree: the leaves under it."""

    name: str
    label: str | None
    description: str | None
    leaves: tuple[ParameterFacts, ...]
    read_by: tuple[str, ...]


@dataclass(frozen=True)
class Formula:
    start: str | None
    """The day the formula takes effect; None for one in force from the beginning."""
    source: str


@dataclass(frozen=True)
class VariableFacts:
    name: str
    label: str | None
    documentation: str | None
    entity: str
    value_type: str
    """The Python type's name: bool, float, int, date, str or Enum."""
    possible_values: tuple[tuple[str, str], ...]
    """An Enum's values, each by its name and its words; empty for any other type."""
    default: Any
    """Its value when nothing gives one: a category by its name, "no date" as None."""
    definition_period: str
    unit: str | None
    references: tuple[Reference, ...]
    formulas: tuple[Formula, ...]
    """Oldest first; none for an input."""
    reads_variables: tuple[str, ...]
    reads_parameters: tuple[str, ...]
    """Leaves or nodes of the parameter tree, by dotted name."""
    read_by: tuple[str, ...]
    schemes: tuple[str, ...]
    """The keys of the schemes whose declaration names the variable."""

    @property
    def is_input(self) -> bool:
        return not self.formulas

    @property
    def type_in_words(self) -> str:
        return VALUE_TYPES.get(self.value_type, self.value_type)


@dataclass(frozen=True)
class Named:
    """A variable or a parameter as a page links to it."""

    name: str
    label: str | None


@dataclass(frozen=True)
class SchemeFacts:
    key: str
    label: str
    entity: str
    eligibility: Named
    criteria: tuple[tuple[Named, bool], ...]
    """Each criterion's variable and the value it must have."""
    criteria_declared: bool
    """True when the scheme's file lists its criteria; else they are the ANDed terms of its eligibility formula."""
    amounts: tuple[Named, ...]
    dates: tuple[Named, ...]
    outcomes: tuple[Named, ...]
    cost: Named | None
    budget: Named | None
    budget_kind: Literal["parameter", "variable"] | None

    def variables(self) -> list[Named]:
        """Every variable the scheme names, eligibility first, each once."""
        named = [self.eligibility, *(criterion for criterion, _ in self.criteria), *self.amounts, *self.dates, *self.outcomes]
        named += [self.cost] if self.cost else []
        named += [self.budget] if self.budget and self.budget_kind == "variable" else []
        return list({item.name: item for item in named}.values())


@dataclass(frozen=True)
class Match:
    """A search result."""

    kind: Literal["parameter", "variable"]
    name: str
    label: str | None
    by_name: bool
    """The query is in the name (or in the name with spaces read as underscores); else only in the label."""


@dataclass(frozen=True)
class Counts:
    parameters: int
    variables: int
    schemes: int


# One index per rule system


class Explorer:
    """Every fact the explorer shows about one rule system, read once."""

    def __init__(self, system) -> None:
        self.system = system
        readers = _readers(system)
        self.parameters: dict[str, ParameterFacts] = {}
        for parameter, ancestors in leaves(system.parameters):
            self.parameters[parameter.name] = _parameter_facts(parameter, ancestors, _read_by_parameter(parameter.name, readers))
        self.schemes: dict[str, SchemeFacts] = {}
        naming: dict[str, set[str]] = defaultdict(set)
        for scheme in sorted((found for by_entity in schemes(system).values() for found in by_entity), key=lambda found: found.key):
            facts = self.schemes[scheme.key] = self._scheme_facts(scheme)
            for named in facts.variables():
                naming[named.name].add(scheme.key)
        self.variables: dict[str, VariableFacts] = {
            name: _variable_facts(system, name, tuple(sorted(readers["variables"].get(name, ()))), tuple(sorted(naming.get(name, ()))))
            for name in sorted(system.variables)
        }

    # Parameters

    def folders(self) -> dict[str, list[ParameterFacts]]:
        """Every parameter by the top folder of the tree it sits in, folders and parameters by name."""
        grouped: dict[str, list[ParameterFacts]] = defaultdict(list)
        for name in sorted(self.parameters):
            grouped[self.parameters[name].folder].append(self.parameters[name])
        return dict(sorted(grouped.items()))

    def parameter(self, name: str) -> ParameterFacts | None:
        return self.parameters.get(name)

    def group(self, name: str) -> ParameterGroup | None:
        """A node of the tree by its dotted name (the root is no group), or None."""
        path = descend(self.system.parameters, name.split("."))
        if not path or path[-1].name != name or not isinstance(path[-1], ParameterNode):
            return None
        node = path[-1]
        below = tuple(self.parameters[leaf.name] for leaf, _ in leaves(node))
        readers = sorted({reader for leaf in below for reader in leaf.read_by})
        label = node.metadata.get("label") if isinstance(node.metadata, dict) else None
        return ParameterGroup(name, label, node.description, below, tuple(readers))

    # Variables and schemes

    def variable(self, name: str) -> VariableFacts | None:
        return self.variables.get(name)

    def scheme(self, key: str) -> SchemeFacts | None:
        return self.schemes.get(key)

    def label_of(self, name: str) -> str | None:
        """A variable's or a parameter's label."""
        if name in self.variables:
            return self.variables[name].label
        if name in self.parameters:
            return self.parameters[name].label
        group = self.group(name)
        return group.label if group else None

    def named(self, name: str) -> Named:
        return Named(name, self.label_of(name))

    def counts(self) -> Counts:
        return Counts(len(self.parameters), len(self.variables), len(self.schemes))

    def _criteria(self, scheme: Scheme) -> tuple[tuple[Criterion, ...], bool]:
        """The scheme's criteria: those its file lists, else the terms its newest eligibility formula ANDs together."""
        if scheme.criteria is not None:
            return scheme.criteria, True
        variable = self.system.variables[scheme.eligibility]
        newest = list(variable.formulas.values())[-1] if variable.formulas else None
        terms = formula_conjuncts(newest) if newest is not None else None
        found = tuple(Criterion(name, expected) for name, expected in terms or () if name in self.system.variables)
        return found, False

    def _scheme_facts(self, scheme: Scheme) -> SchemeFacts:
        criteria, declared = self._criteria(scheme)
        budget_kind: Literal["parameter", "variable"] | None = None
        if scheme.budget is not None:
            budget_kind = "variable" if scheme.budget in self.system.variables else "parameter"
        return SchemeFacts(
            key=scheme.key,
            label=scheme.label,
            entity=self.system.variables[scheme.eligibility].entity.key,
            eligibility=self._variable_named(scheme.eligibility),
            criteria=tuple((self._variable_named(name), expected) for name, expected in criteria),
            criteria_declared=declared,
            amounts=tuple(self._variable_named(name) for name in scheme.amounts),
            dates=tuple(self._variable_named(name) for name in scheme.dates),
            outcomes=tuple(self._variable_named(name) for name in scheme.outcomes),
            cost=self._variable_named(scheme.cost) if scheme.cost else None,
            budget=Named(scheme.budget, self._budget_label(scheme.budget)) if scheme.budget else None,
            budget_kind=budget_kind,
        )

    def _variable_named(self, name: str) -> Named:
        return Named(name, self.system.variables[name].label)

    def _budget_label(self, name: str) -> str | None:
        if name in self.system.variables:
            return self.system.variables[name].label
        return self.parameters[name].label if name in self.parameters else None

    # Search

    def search(self, query: str) -> list[Match]:
        """Parameters and variables whose name or label holds the query (any case): matches by name first.

        Among matches by name, an exact name comes first, then names that start with the query,
        then the rest; each kind of match in order of name. An empty query finds nothing.
        """
        wanted = " ".join(query.split()).casefold()
        if not wanted:
            return []
        as_name = wanted.replace(" ", "_")
        found: list[tuple[tuple[int, str], Match]] = []
        candidates: list[tuple[Literal["parameter", "variable"], str, str | None]]
        candidates = [("variable", facts.name, facts.label) for facts in self.variables.values()]
        candidates += [("parameter", facts.name, facts.label) for facts in self.parameters.values()]
        for kind, name, label in candidates:
            lowered = name.casefold()
            in_name = wanted in lowered or as_name in lowered
            if not in_name and wanted not in (label or "").casefold():
                continue
            rank = 3
            if in_name:
                rank = 0 if lowered in (wanted, as_name) else 1 if lowered.startswith((wanted, as_name)) else 2
            found.append(((rank, name), Match(kind, name, label, in_name)))
        return [match for _, match in sorted(found, key=lambda item: item[0])]


@functools.cache
def explorer(system) -> Explorer:
    """The explorer of a rule system, built at its first use and kept (the system never changes)."""
    return Explorer(system)


# Reading the system


def _readers(system) -> dict[str, dict[str, set[str]]]:
    """What reads each variable and each parameter (leaf or node) the formulas name: direct_reads inverted."""
    readers: dict[str, dict[str, set[str]]] = {"variables": defaultdict(set), "parameters": defaultdict(set)}
    for name in system.variables:
        variables, parameters = direct_reads(system, name)
        for read in variables:
            readers["variables"][read].add(name)
        for read in parameters:
            readers["parameters"][read].add(name)
    return readers


def _read_by_parameter(name: str, readers: dict[str, dict[str, set[str]]]) -> tuple[str, ...]:
    """The variables reading a leaf, or a node above it."""
    parts = name.split(".")
    found: set[str] = set()
    for depth in range(1, len(parts) + 1):
        found |= readers["parameters"].get(".".join(parts[:depth]), set())
    return tuple(sorted(found))


def _parameter_facts(parameter: Parameter, ancestors: Ancestors, read_by: tuple[str, ...]) -> ParameterFacts:
    about = metadata(parameter, ancestors)
    return ParameterFacts(
        name=parameter.name,
        folder=parameter.name.split(".")[0],
        label=about.label,
        description=inherited(parameter, ancestors, "description"),
        unit=about.unit,
        references=about.references,
        values=dated_values(parameter),
        read_by=read_by,
    )


def dated_values(parameter: Parameter) -> tuple[DatedValue, ...]:
    """A leaf's values oldest first, each with the last day it was in force."""
    starts = sorted((at.instant_str, at.value) for at in parameter.values_list)
    values = []
    for position, (start, value) in enumerate(starts):
        following = starts[position + 1][0] if position + 1 < len(starts) else None
        end = (datetime.date.fromisoformat(following) - datetime.timedelta(days=1)).isoformat() if following else None
        values.append(DatedValue(start, end, value))
    return tuple(values)


def _variable_facts(system, name: str, read_by: tuple[str, ...], naming: tuple[str, ...]) -> VariableFacts:
    variable = system.variables[name]
    value_type = variable.value_type.__name__
    enum = getattr(variable, "possible_values", None) if value_type == "Enum" else None
    reads_variables, reads_parameters = direct_reads(system, name)
    formulas = (
        ()
        if is_input(variable)
        else tuple(Formula(None if start == ALWAYS else start, formula_source(formula)) for start, formula in variable.formulas.items())
    )
    return VariableFacts(
        name=name,
        label=variable.label,
        documentation=inspect.cleandoc(variable.documentation) if variable.documentation else None,
        entity=variable.entity.key,
        value_type=value_type,
        possible_values=tuple((item.name, str(item.value)) for item in enum) if enum is not None else (),
        default=_default(variable.default_value),
        definition_period=str(getattr(variable.definition_period, "value", variable.definition_period)),
        unit=getattr(variable, "unit", None),
        references=tuple(variable_references(variable.reference)),
        formulas=formulas,
        reads_variables=tuple(reads_variables),
        reads_parameters=tuple(reads_parameters),
        read_by=read_by,
        schemes=naming,
    )


def formula_source(formula) -> str:
    """A formula's source as written, its indentation in the class removed."""
    return textwrap.dedent(inspect.getsource(formula)).rstrip()


def _default(value: Any) -> Any:
    """A default as answers write it: a category by its name, OpenFisca's "no date" as None."""
    if isinstance(value, Enum):
        return value.name
    return None if value == NO_DATE else value
