"""What would make a failed criterion pass: found by trying other values, one variable at a time.

For a criterion that fails, each variable it reads (and each input beneath them) is tried at
other values in copies of the instance's part of the situation, each round of tries one vectorised
simulation: the other value of a boolean, every value of a category, and for a number the
values it is compared with (the parameters read, the other side's value, each ± one step),
then a bisection down to the threshold. The answer names, for each variable that can make the
criterion pass on its own, what it would need: ``≥ 1,000``, ``one of …``, ``true``.

A computed variable (a share of two inputs, say) is tried as if it were given, so the need is
stated on it; the raw inputs beneath it are tried too, so that the need is also said in terms a
form can ask. Each try changes one variable: a criterion that needs two changes at once has no
option, and says so.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass

import numpy
from openfisca_core.errors import ParameterNotFoundError
from openfisca_core.indexed_enums import Enum, EnumArray
from openfisca_core.simulations import SimulationBuilder

from kruger_rules.dependencies import dependencies, direct_reads, is_input, leaf_parameters, parameter_at
from kruger_rules.entities import REQUIRED_ROLES
from kruger_rules.situations import FLOAT32_MAX, INT32, build_case

BISECTION_POINTS = 31
MAX_ROUNDS = 8
MAX_MEMBERS = 5
RELATIVE_STEP = 1e-6
FLOAT_CEILING = 1e12
GRID_FACTORS = (0, 0.1, 0.25, 0.5, 0.9, 1.1, 1.5, 2, 4, 10, 100)
RATIO_GRID = tuple(step / 20 for step in range(21))
POWERS_OF_TEN = tuple(10.0**power for power in range(10))


@dataclass(frozen=True)
class Target:
    """One variable of one entity instance to try: a declared id, or the hidden group of a member."""

    entity: str
    id: str | None
    member: str | None
    variable: str


class Prober:
    """Tries changes to one situation's variables and reports which make a criterion pass."""

    def __init__(self, system, situation: dict, case) -> None:
        self.system = system
        self.case = case
        self.period = case.period
        self.situation = situation
        self.entities = {entity.key: entity for entity in system.entities}
        self.person = system.person_entity
        self.role_keys = {group.key: {key for role in group.roles for key in (role.key, role.plural) if key} for group in system.group_entities}
        self.memberships = self._memberships()
        self._components: dict[tuple[str, str], tuple] = {}

    # The situation's structure

    def _memberships(self) -> dict[str, dict[str, str]]:
        """For each group entity, each declared member's group id."""
        found: dict[str, dict[str, str]] = {}
        for group in self.system.group_entities:
            joined = found.setdefault(group.key, {})
            for gid, facts in self.situation.get(group.plural, {}).items():
                for key, members in facts.items():
                    if key in self.role_keys[group.key]:
                        for member in [members] if isinstance(members, str) else members:
                            joined[member] = gid
        return found

    def _component(self, entity: str, iid: str, reads: tuple[frozenset[str], bool]):
        """The part of the situation the criteria of one instance can depend on, built as a case of its own.

        ``reads`` is the entities the criteria read and whether a group's value reads its
        members'. An organisation's criteria that read no members need the organisation and
        its groups alone; otherwise every instance connected to it through groups is kept.
        """
        key = (entity, iid, reads)
        if key not in self._components:
            entities, members_read = reads
            if entity == self.person.key and not members_read:
                chosen, roles = self._own_groups(iid, entities)
            else:
                chosen, roles = self._connected(entity, iid), None
            situation = {}
            for kind, ids in chosen.items():
                plural = self.entities[kind].plural
                given = self.situation.get(plural, {})
                role_keys = self.role_keys.get(kind, set())
                situation[plural] = {cid: _without_requests(given[cid], role_keys, (roles or {}).get(kind)) for cid in given if cid in ids}
            case = build_case(self.system, situation, str(self.period))
            given = [
                (name, period, case.simulation.get_array(name, period))
                for name in self.system.variables
                for period in case.simulation.get_known_periods(name)
            ]
            self._components[key] = (case, given)
        return self._components[key]

    def _connected(self, entity: str, iid: str) -> dict[str, set[str]]:
        """Every instance connected to one instance through groups, by entity."""
        persons: set[str] = set()
        groups: dict[str, set[str]] = {group.key: set() for group in self.system.group_entities}
        pending = [(entity, iid)]
        while pending:
            kind, current = pending.pop()
            if kind == self.person.key:
                if current in persons:
                    continue
                persons.add(current)
                pending += [(group, joined[current]) for group, joined in self.memberships.items() if current in joined]
            elif current not in groups[kind]:
                groups[kind].add(current)
                pending += [(self.person.key, member) for member, gid in self.memberships[kind].items() if gid == current]
        return {self.person.key: persons, **groups}

    def _own_groups(self, pid: str, entities: frozenset[str]) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
        """An organisation and the groups it is in that the criteria read, with it as their only member.

        A group that must have a member in a role the organisation does not hold keeps its
        members (their own other groups are left out).
        """
        persons = {pid}
        chosen: dict[str, set[str]] = {self.person.key: persons}
        roles: dict[str, set[str]] = {}
        for group in self.system.group_entities:
            gid = self.memberships[group.key].get(pid)
            chosen[group.key] = set()
            if gid is None or group.key not in entities:
                continue
            chosen[group.key].add(gid)
            members = {member for member, joined in self.memberships[group.key].items() if joined == gid}
            keeps_roles = all(self._holds(group, gid, pid, required) for required in REQUIRED_ROLES.get(group.key, ()))
            if keeps_roles:
                roles[group.key] = {pid}
            else:
                persons |= members
        return chosen, roles

    def _holds(self, group, gid: str, pid: str, role_key: str) -> bool:
        role = next(role for role in group.roles if role.key == role_key)
        facts = self.situation[group.plural][gid]
        for key in (role.key, role.plural):
            members = facts.get(key) if key else None
            if members == pid or (isinstance(members, list) and pid in members):
                return True
        return False

    def _reads(self, criteria: list[tuple[str, bool]]) -> tuple[frozenset[str], bool]:
        """The entities some criteria read, and whether a group's value among them reads its members'."""
        entities: set[str] = set()
        members_read = False
        for criterion, _ in criteria:
            found = dependencies(self.system, criterion, self.period)
            names = (criterion, *found.computed, *found.inputs)
            entities |= {self.system.variables[name].entity.key for name in names}
            for name in (criterion, *found.computed):
                if not self.system.variables[name].entity.is_person:
                    read, _ = direct_reads(self.system, name, self.period)
                    members_read |= any(self.system.variables[other].entity.is_person for other in read)
        return frozenset(entities), members_read

    def targets(self, entity: str, iid: str, variable: str) -> list[Target]:
        """The instances of ``variable``'s entity that the criterion of ``entity`` ``iid`` reads."""
        kind = self.system.variables[variable].entity.key
        if kind == entity:
            return [Target(kind, iid, None, variable)]
        if entity == self.person.key:
            gid = self.memberships[kind].get(iid)
            if gid is not None:
                return [Target(kind, gid, None, variable)]
            return [Target(kind, None, iid, variable)]
        if kind == self.person.key:
            members = [member for member, gid in self.memberships[entity].items() if gid == iid]
            return [Target(kind, member, None, variable) for member in members[:MAX_MEMBERS]]
        return []

    def current(self, target: Target):
        """The target's value in the situation as given."""
        array = self.case.simulation.calculate(target.variable, self.period)
        return _item(array, _position(self.case, self.person.key, target))

    # Trying values

    def evaluate(self, entity: str, iid: str, tries: list[tuple[str, bool, Target, object]], reads=None) -> list[bool]:
        """Whether each try's criterion has its expected value after the try's change, each in its own copy.

        A try is (criterion, expected value, target, value). The changes are either all to
        inputs, or all to one computed variable: a computed variable is first computed in every
        copy, then overwritten where it is changed, so the copies that do not change it keep
        its true value.
        """
        if not tries:
            return []
        if reads is None:
            reads = self._reads(list(dict.fromkeys((criterion, expected) for criterion, expected, _, _ in tries)))
        component, given = self._component(entity, iid, reads)
        simulation = _replicate(self.system, component.simulation, given, len(tries))
        counts = {key: population.count for key, population in component.simulation.populations.items()}
        by_variable: dict[str, list[tuple[int, object]]] = {}
        for copy, (_, _, target, value) in enumerate(tries):
            position = _position(component, self.person.key, target) + copy * counts[target.entity]
            by_variable.setdefault(target.variable, []).append((position, value))
        for name, positions in by_variable.items():
            variable = self.system.variables[name]
            if is_input(variable):
                array = simulation.get_array(name, self.period)
                if array is None:
                    array = variable.default_array(simulation.populations[variable.entity.key].count)
            else:
                array = simulation.calculate(name, self.period)
                simulation.delete_arrays(name, self.period)
            simulation.set_input(name, self.period, _with_values(variable, array, positions))
        start = component.ids[entity].index(iid)
        results = {}
        outcomes = []
        for copy, (criterion, expected, _, _) in enumerate(tries):
            if criterion not in results:
                results[criterion] = simulation.calculate(criterion, self.period)
            outcomes.append(bool(results[criterion][start + copy * counts[entity]]) == expected)
        return outcomes

    # Options

    def options(self, entity: str, iid: str, criteria: list[tuple[str, bool]]) -> dict[tuple[str, bool], list[dict]]:
        """For each failed criterion of one instance, every single-variable change that passes it.

        The criteria are searched together, so that each round of tries is one simulation.
        """
        searches = {key: self._searches(entity, iid, *key) for key in dict.fromkeys(criteria)}
        reads = self._reads(list(searches))
        pending = [(key, search, value) for key, found in searches.items() for search in found for value in search.first_values()]
        for _ in range(MAX_ROUNDS + 2):
            if not pending:
                break
            outcomes = self._run(entity, iid, pending, reads)
            for (_, search, value), passed in zip(pending, outcomes, strict=True):
                search.record(value, passed)
            pending = [(key, search, value) for key, found in searches.items() for search in found for value in search.next_values()]
        return {key: [search.option() for search in found if search.found()] for key, found in searches.items()}

    def _searches(self, entity: str, iid: str, criterion: str, expected: bool) -> list:
        """A search for each variable the criterion reads and each input beneath, nearest first."""
        direct, _ = direct_reads(self.system, criterion, self.period)
        if is_input(self.system.variables[criterion]):
            direct = [criterion]
        found = dependencies(self.system, criterion, self.period)
        names = direct + [name for name in found.inputs if name not in direct]
        bases = self._bases(entity, iid, direct, found.parameters)
        searches = []
        for name in names:
            variable = self.system.variables[name]
            for target in self.targets(entity, iid, name):
                search = _search_for(variable, target, self.current(target), bases)
                if search is not None:
                    searches.append(search)
        return searches

    def _run(self, entity: str, iid: str, pending, reads) -> list[bool]:
        """The outcome of each pending try, with computed variables tried one variable per simulation."""
        groups: dict[str | None, list[int]] = {}
        for position, (_, search, _) in enumerate(pending):
            key = None if is_input(self.system.variables[search.target.variable]) else search.target.variable
            groups.setdefault(key, []).append(position)
        outcomes: list[bool] = [False] * len(pending)
        for positions in groups.values():
            tries = [(*pending[p][0], pending[p][1].target, pending[p][2]) for p in positions]
            for position, passed in zip(positions, self.evaluate(entity, iid, tries, reads), strict=True):
                outcomes[position] = passed
        return outcomes

    def _bases(self, entity, iid, direct, parameters) -> list[float]:
        """The numbers a criterion compares with: the parameters it reads and its variables' values."""
        instant = self.period.start
        bases: list[float] = [0.0]
        for name in parameters:
            for leaf in leaf_parameters(self.system, name):
                try:
                    value = parameter_at(self.system, leaf)(instant)
                except ParameterNotFoundError:
                    continue
                if isinstance(value, int | float | numpy.number) and not isinstance(value, bool | numpy.bool_):
                    bases.append(float(value))
        for name in direct:
            variable = self.system.variables[name]
            if variable.value_type in (int, float):
                bases += [float(self.current(target)) for target in self.targets(entity, iid, name)]
        return [base for base in bases if math.isfinite(base)]


def _search_for(variable, target: Target, current, bases: list[float]):
    if variable.value_type is bool:
        return _Choice(variable, target, current, [not current])
    if variable.value_type is Enum:
        return _Choice(variable, target, current, [item.name for item in variable.possible_values if item.name != current])
    if variable.value_type in (int, float):
        return _Threshold(variable, target, current, bases)
    return None


class _Choice:
    """A boolean or a category: every other value is tried once."""

    def __init__(self, variable, target, current, values) -> None:
        self.variable, self.target, self.yours, self.values = variable, target, current, values
        self.passing: list = []
        self.tried = False

    def first_values(self):
        self.tried = True
        return list(self.values)

    def next_values(self):
        return []

    def record(self, value, passed) -> None:
        if passed:
            self.passing.append(value)

    def found(self) -> bool:
        return bool(self.passing)

    def option(self) -> dict:
        option = _option_head(self.variable, self.target, self.yours)
        label = self.variable.label or self.variable.name
        if self.variable.value_type is bool:
            needed = self.passing[0]
            option.update(kind="boolean", needed=needed, text=f"{label}: must be {_word(needed)}; yours is {_word(self.yours)}")
        else:
            labels = {item.name: item.value for item in self.variable.possible_values}
            accepted = [name for name in self.values if name in self.passing]
            option.update(
                kind="category",
                accepted=accepted,
                text=f"{label}: one of {', '.join(labels[name] for name in accepted)}; yours is {labels.get(self.yours, self.yours)}",
            )
        return option


class _Threshold:
    """A number: the values it is compared with and a grid are tried, then each edge is bisected.

    The edge nearest the current value is searched in both directions; the passing run beyond
    it may end, which gives a second condition (``between 10 and 20``).
    """

    def __init__(self, variable, target, current, bases) -> None:
        self.variable, self.target, self.yours = variable, target, current
        self.integer = variable.value_type is int
        self.ratio = getattr(variable, "unit", None) == "/1"
        self.current = float(current)
        self.results: dict[float, bool] = {self.current: False}
        self.low, self.high = self._domain()
        self.bases = bases
        self.edges: list[list[float]] = []
        self.stage = "grid"
        self.conditions: list[tuple[str, float]] = []
        self.checks: dict[int, float] = {}
        self.rounds = 0

    def _domain(self) -> tuple[float, float]:
        ceiling = float(INT32.max) if self.integer else FLOAT_CEILING
        low = 0.0 if self.current >= 0 else max(-ceiling, self.current * 10)
        high = max(1.0, self.current) if self.ratio else ceiling
        return low, high

    def _fit(self, value: float) -> float:
        value = min(max(value, self.low), self.high)
        return float(round(value)) if self.integer else float(numpy.float32(value))

    def _step(self, value: float) -> float:
        return 1.0 if self.integer else max(1.0, abs(value)) * RELATIVE_STEP

    def first_values(self) -> list[float]:
        candidates = set()
        for base in [*self.bases, self.current]:
            for value in (base - self._step(base), base, base + self._step(base)):
                candidates.add(self._fit(value))
        grid = RATIO_GRID if self.ratio else POWERS_OF_TEN
        candidates |= {self._fit(value) for value in grid}
        candidates |= {self._fit(self.current * factor) for factor in GRID_FACTORS}
        return sorted(value for value in candidates if value not in self.results)

    def record(self, value, passed) -> None:
        self.results[float(value)] = passed

    def next_values(self) -> list[float]:
        if self.stage == "grid":
            self.stage = "bisect"
            self.edges = self._edges_from_grid()
        if self.stage == "bisect":
            for edge in self.edges:
                self._narrow(edge)
            wide = [edge for edge in self.edges if not self._narrow_enough(edge)]
            values = sorted({value for edge in wide for value in self._between(edge)} - set(self.results))
            if values and self.rounds < MAX_ROUNDS:
                self.rounds += 1
                return values
            self.stage = "check"
            self.checks = {index: self._roundest(edge) for index, edge in enumerate(self.edges)}
            values = sorted(set(self.checks.values()) - set(self.results))
            if values:
                return values
        self.finish()
        return []

    def finish(self) -> None:
        """The conditions, from the edges found so far (a bound unchecked counts as included)."""
        if self.stage == "done":
            return
        for edge in self.edges:
            self._narrow(edge)
        self.conditions = []
        for index, edge in enumerate(self.edges):
            value = self.checks.get(index)
            if value is None or value not in self.results:
                value = edge[0] if self.results[edge[0]] else edge[1]
            self.conditions.append(self._condition(edge, value))
        self.stage = "done"

    def _edges_from_grid(self) -> list[list[float]]:
        """The nearest change of outcome on the way to a passing value, and where that run ends."""
        values = sorted(self.results)
        here = values.index(self.current)
        best = None
        for direction in (1, -1):
            index = here + direction
            while 0 <= index < len(values) and not self.results[values[index]]:
                index += direction
            if 0 <= index < len(values) and (best is None or abs(values[index] - self.current) < abs(best[1] - self.current)):
                best = (direction, values[index], index)
        if best is None:
            return []
        direction, _, index = best
        edges = [[values[index - direction], values[index]]]
        far = index
        while 0 <= far + direction < len(values) and self.results[values[far + direction]]:
            far += direction
        if 0 <= far + direction < len(values):
            edges.append([values[far], values[far + direction]])
        return edges

    def _narrow(self, edge: list[float]) -> None:
        """Move an edge's ends to the closest tried values that still differ in outcome."""
        near, far = edge
        outcome = self.results[near]
        inside = sorted((v for v in self.results if min(near, far) < v < max(near, far)), reverse=far < near)
        for value in inside:
            if self.results[value] != outcome:
                edge[1] = value
                return
            edge[0] = value

    def _narrow_enough(self, edge: list[float]) -> bool:
        width = abs(edge[1] - edge[0])
        return width <= 1 if self.integer else width <= 2 * self._step(max(abs(edge[0]), abs(edge[1])))

    def _between(self, edge: list[float]) -> list[float]:
        low, high = sorted(edge)
        values = numpy.linspace(low, high, BISECTION_POINTS + 2)[1:-1]
        return [v for v in {self._fit(value) for value in values} if low < v < high]

    def _roundest(self, edge: list[float]) -> float:
        """The number with fewest significant digits between an edge's ends, ends included.

        It is kept as written (0.1, not its 32-bit neighbour): the simulation rounds it to 32
        bits as it rounds an input, so it is tried exactly as a form would give it.
        """
        low, high = sorted(edge)
        if self.integer:
            return edge[0] if self.results[edge[0]] else edge[1]
        candidates = {low, high}
        for value in (low, high, (low + high) / 2):
            candidates |= {float(f"{value:.{digits}g}") for digits in range(1, 16)}
        inside = [value for value in candidates if low <= self._fit(value) <= high]
        return min(inside, key=lambda value: (_significant_digits(value), abs(value)))

    def _condition(self, edge: list[float], value: float) -> tuple[str, float]:
        """The comparison an edge stands for: the passing side, bound included if the value passes."""
        passing_end = edge[0] if self.results[edge[0]] else edge[1]
        failing_end = edge[1] if passing_end == edge[0] else edge[0]
        upward = passing_end > failing_end
        included = self.results.get(value, False)
        if upward:
            return (">=" if included else ">", value)
        return ("<=" if included else "<", value)

    def found(self) -> bool:
        self.finish()
        return bool(self.conditions)

    def option(self) -> dict:
        option = _option_head(self.variable, self.target, self.yours)
        unit = getattr(self.variable, "unit", None)
        conditions = [{"operator": operator, "value": _number(value, self.integer)} for operator, value in sorted(self.conditions, key=lambda c: c[0][0] != ">")]
        label = self.variable.label or self.variable.name
        operators = tuple(condition["operator"] for condition in conditions)
        if operators == (">=", "<="):
            need = f"between {_show(conditions[0]['value'], unit)} and {_show(conditions[1]['value'], unit)}"
        else:
            need = " and ".join(f"{SYMBOLS[c['operator']]} {_show(c['value'], unit)}" for c in conditions)
        option.update(kind="number", conditions=conditions, text=f"{label}: {need}; yours is {_show(self.yours, unit)}")
        return option


SYMBOLS = {">=": "≥", ">": ">", "<=": "≤", "<": "<"}


def _significant_digits(value: float) -> int:
    mantissa = f"{abs(value):.15g}".split("e")[0].replace(".", "").strip("0")
    return len(mantissa)


def _option_head(variable, target: Target, yours) -> dict:
    head = {
        "variable": variable.name,
        "label": variable.label,
        "entity": target.entity,
        "computed": not is_input(variable),
        "yours": _json(yours),
    }
    if target.id is not None:
        head["id"] = target.id
    return head


def _word(value) -> str:
    return "true" if value else "false"


def _number(value: float, integer: bool):
    return int(value) if integer else value


def _show(value, unit) -> str:
    if isinstance(value, bool) or value is None:
        return str(value)
    number = float(value)
    text = f"{number:,.0f}" if number.is_integer() else f"{number:,.6g}"
    if unit == "currency-GBP":
        return f"£{text}"
    return text


def _json(value):
    if isinstance(value, numpy.generic):
        value = value.item()
    if isinstance(value, float):
        return float(f"{value:.7g}") if math.isfinite(value) else None
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _item(array, position: int):
    """One value of an array, as a plain Python value (an enum by its name)."""
    if isinstance(array, EnumArray):
        return array.decode_to_str()[position]
    value = array[position]
    if isinstance(value, numpy.floating):
        return float(str(value))
    return value.item() if isinstance(value, numpy.generic) else value


def _with_values(variable, array, positions: list[tuple[int, object]]):
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


def _without_requests(facts: dict, role_keys: set[str] = frozenset(), members: set[str] | None = None) -> dict:
    """An instance's facts without the values it asks for (null), its roles kept to ``members`` if given."""
    kept = {}
    for key, value in facts.items():
        if key in role_keys and members is not None:
            kept[key] = [member for member in ([value] if isinstance(value, str) else value) if member in members]
            continue
        if isinstance(value, dict):
            value = {period: given for period, given in value.items() if given is not None}
            if value:
                kept[key] = value
        elif value is not None:
            kept[key] = value
    return kept


def _position(case, person: str, target: Target) -> int:
    """Where a target sits in its population: a declared id's place, or its member's hidden group."""
    if target.id is not None:
        return case.ids[target.entity].index(target.id)
    index = case.ids[person].index(target.member)
    return int(case.simulation.populations[target.entity].members_entity_id[index])


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
        if isinstance(array, EnumArray):
            tiled = EnumArray(numpy.tile(numpy.asarray(array), copies), array.possible_values)
        else:
            tiled = numpy.tile(array, copies)
        replicated.set_input(name, period, tiled)
    return replicated
