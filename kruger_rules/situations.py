"""A situation (OpenFisca web-API JSON shape) validated and turned into a simulation.

Validation runs over the whole situation before anything is built, so every error names the
JSON path at fault. The simulation is built from arrays, not by OpenFisca's entity-by-entity
builder: an organisation declared in no group gets a group of its own, created here and never
reported, so that no declared group's facts can be broadcast to it.
"""

from __future__ import annotations

import datetime
import functools
import math
import re
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy
from openfisca_core import periods
from openfisca_core.indexed_enums import Enum, EnumArray
from openfisca_core.simulations import Simulation, SimulationBuilder
from openfisca_core.variables import Variable

from kruger_rules.coverage import FIRST_INPUT_YEAR, FIRST_YEAR, check_year_in_range, covered_year, parse_period
from kruger_rules.entities import REQUIRED_ROLES, roles_by_key
from kruger_rules.errors import KrugerError, did_you_mean, json_path, shortened, unknown_variable
from kruger_rules.json_values import non_finite_positions, to_json_values
from kruger_rules.units import is_ratio

UNASSIGNED_PREFIX = "_unassigned_"
DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
FIRST_DATE = numpy.datetime64("0001-01-01")
INT32 = numpy.iinfo(numpy.int32)
FLOAT32_MAX = float(numpy.finfo(numpy.float32).max)


class Request(NamedTuple):
    """An output asked for by a null value: which entity instance, variable and period."""

    entity: str
    id: str
    variable: str
    period: str


@dataclass
class Case:
    """A validated situation and its simulation; groups created for unassigned members are hidden."""

    simulation: Simulation
    period: periods.Period | None
    ids: dict[str, list[str]]
    requested: list[Request] = field(default_factory=list)

    def values(self, variable: str, period=None) -> list:
        """The variable's values for the declared instances of its entity, as JSON values.

        A value that is not finite (inputs at the edge of float32 can overflow a formula) is
        an error at the first instance that has one, since JSON has no such number.
        """
        entity = self.simulation.tax_benefit_system.variables[variable].entity
        period = self.period if period is None else period
        if isinstance(period, str):
            period = parse_period(period, "$.period")
        array = self.simulation.calculate(variable, period)[: len(self.ids[entity.key])]
        non_finite = non_finite_positions(array)
        if len(non_finite):
            iid = self.ids[entity.key][non_finite[0]]
            raise KrugerError(
                "result_not_finite",
                f"'{variable}' of {entity.key} '{iid}' is too large to compute for {period}; check the inputs' magnitudes",
                json_path(entity.plural, iid, variable, str(period)),
            )
        return to_json_values(array)

    def requests_for(self, variables, period=None) -> list[Request]:
        """A request for each variable, for every declared instance of its entity."""
        period = str(period or self.period)
        system = self.simulation.tax_benefit_system
        requests = []
        for name in variables:
            if name not in system.variables:
                raise unknown_variable(name, system.variables, "$.variables")
            entity = system.variables[name].entity
            requests += [Request(entity.key, iid, name, period) for iid in self.ids[entity.key]]
        return requests

    def answer(self, requests=None) -> dict:
        """The requested values in OpenFisca's response shape: {plural: {id: {variable: {period: value}}}}."""
        plurals = {entity.key: entity.plural for entity in self.simulation.tax_benefit_system.entities}
        result: dict = {}
        for request, value in self.values_by_request(self.requested if requests is None else requests).items():
            instance = result.setdefault(plurals[request.entity], {}).setdefault(request.id, {})
            instance.setdefault(request.variable, {})[request.period] = value
        return result

    def values_by_request(self, requests) -> dict[Request, object]:
        """Each request's value, each variable computed once for every instance; None where the system has no such variable."""
        known = self.simulation.tax_benefit_system.variables
        computed: dict[tuple[str, str], dict[str, object]] = {}
        found = {}
        for request in requests:
            key = (request.variable, request.period)
            if key not in computed:
                values = self.values(request.variable, request.period) if request.variable in known else []
                computed[key] = dict(zip(self.ids[request.entity], values, strict=False))
            found[request] = computed[key].get(request.id)
        return found


def build_case(system, situation, period=None) -> Case:
    """Validate ``situation`` against ``system`` and build its simulation for ``period``."""
    case_period = covered_year(period) if period is not None else None
    plan = _Plan(system, case_period)
    plan.read(situation)
    return plan.build()


def check_situation(system, situation, period=None) -> None:
    """Validate ``situation`` as ``build_case`` does, without building its simulation."""
    _Plan(system, covered_year(period) if period is not None else None).read(situation)


class _Plan:
    """What a situation declares: instances, memberships, inputs and requested outputs."""

    def __init__(self, system, period) -> None:
        self.system = system
        self.period = period
        self.person = system.person_entity
        self.groups = list(system.group_entities)
        self.by_plural = {entity.plural: entity for entity in system.entities}
        self.ids: dict[str, list[str]] = {entity.key: [] for entity in system.entities}
        self.membership: dict[str, dict[int, tuple[int, object]]] = {group.key: {} for group in self.groups}
        self.variables: dict[str, dict[str, Variable]] = {entity.key: {} for entity in system.entities}
        for name, variable in system.variables.items():
            self.variables[variable.entity.key][name] = variable
        self.columns: dict[tuple, _Column] = {}
        self.request_periods: dict[tuple, str] = {}
        self.requested: list[Request] = []

    def read(self, situation) -> None:
        if not isinstance(situation, dict):
            raise KrugerError("bad_situation", "a situation is a JSON object of entities", "$")
        for plural in situation:
            if plural not in self.by_plural:
                raise KrugerError(
                    "unknown_entity",
                    f"unknown entity '{plural}'; entities are {', '.join(self.by_plural)}{did_you_mean(plural, self.by_plural)}",
                    json_path(plural),
                )
        if all(situation.get(plural, {}) == {} for plural in self.by_plural):
            plurals = ", ".join(self.by_plural)
            raise KrugerError("empty_situation", f"the situation declares no entity ({plurals}): there is nothing to calculate", "$")
        persons = self._instances(situation, self.person)
        self.ids[self.person.key] = list(persons)
        self.person_index = {pid: index for index, pid in enumerate(persons)}
        for pid, data in persons.items():
            self._read_values(self.person, pid, self.person_index[pid], data)
        for group in self.groups:
            for index, (gid, data) in enumerate(self._instances(situation, group).items()):
                self.ids[group.key].append(gid)
                self._read_group(group, gid, index, data)

    def _instances(self, situation, entity) -> dict:
        instances = situation.get(entity.plural, {})
        if not isinstance(instances, dict):
            raise KrugerError("bad_situation", f"'{entity.plural}' must be an object of id: facts", json_path(entity.plural))
        for iid, data in instances.items():
            if not iid.strip():
                raise KrugerError("bad_id", "an id cannot be empty", json_path(entity.plural, iid))
            if iid.startswith(UNASSIGNED_PREFIX):
                raise KrugerError("bad_id", f"ids starting with '{UNASSIGNED_PREFIX}' are reserved", json_path(entity.plural, iid))
            if not isinstance(data, dict):
                raise KrugerError("bad_situation", f"{entity.key} '{iid}' must be an object of facts", json_path(entity.plural, iid))
        return instances

    def _read_group(self, group, gid, index, data) -> None:
        roles = roles_by_key(group)
        counts: dict[str, int] = {}
        for key, value in data.items():
            if key not in roles:
                continue
            role = roles[key]
            members = [value] if isinstance(value, str) else value
            path = json_path(group.plural, gid, key)
            if not isinstance(members, list) or not all(isinstance(m, str) for m in members):
                raise KrugerError("bad_role", f"'{key}' must list {self.person.plural} ids", path)
            for position, member in enumerate(members):
                self._join(group, gid, index, role, member, (group.plural, gid, key, position))
            counts[role.key] = counts.get(role.key, 0) + len(members)
            if role.max is not None and counts[role.key] > role.max:
                raise KrugerError(
                    "role_limit",
                    f"{group.key} '{gid}' has {counts[role.key]} {role.plural}; at most {role.max} allowed",
                    path,
                )
        for required in REQUIRED_ROLES.get(group.key, ()):
            if not counts.get(required):
                raise KrugerError(
                    "missing_role",
                    f"{group.key} '{gid}' has no {required}; a declared {group.key} needs exactly one",
                    json_path(group.plural, gid),
                )
        values = {key: value for key, value in data.items() if key not in roles}
        self._read_values(group, gid, index, values)

    def _join(self, group, gid, index, role, member, where) -> None:
        if member not in self.person_index:
            raise KrugerError(
                "unknown_id",
                f"'{member}' is not a declared {self.person.key}{did_you_mean(member, self.person_index)}",
                json_path(*where),
            )
        joined = self.membership[group.key]
        person = self.person_index[member]
        if person in joined:
            other = self.ids[group.key][joined[person][0]]
            raise KrugerError(
                "duplicate_membership",
                f"{self.person.key} '{member}' is already in {group.key} '{other}'; it can belong to one {group.key} only",
                json_path(*where),
            )
        joined[person] = (index, role)

    def _read_values(self, entity, iid, index, data) -> None:
        """Read an instance's values: checks that hold for a variable and period text are made once."""
        variables = self.variables[entity.key]
        for name, given in data.items():
            variable = variables.get(name) or self._refuse_variable(entity, name, (entity.plural, iid, name))
            if isinstance(given, dict):
                for period_text, value in given.items():
                    if value is None:
                        period = self.request_periods.get((name, period_text))
                        if period is None:
                            period = self._request_period(variable, period_text, (entity.plural, iid, name, period_text))
                        self.requested.append(Request(entity.key, iid, name, period))
                    else:
                        column = self.columns.get((name, period_text, True))
                        if column is None:
                            column = self._column(variable, period_text, True, (entity.plural, iid, name, period_text))
                        column.positions.append(index)
                        column.values.append(value)
            else:
                if self.period is None:
                    raise KrugerError(
                        "missing_period",
                        f"'{name}' has no period: give {{\"2024\": value}} or a period for the whole calculation",
                        json_path(entity.plural, iid, name),
                    )
                period_text = period_key(self.period)
                if given is None:
                    period = self.request_periods.get((name, period_text))
                    if period is None:
                        period = self._request_period(variable, period_text, (entity.plural, iid, name))
                    self.requested.append(Request(entity.key, iid, name, period))
                else:
                    column = self.columns.get((name, period_text, False))
                    if column is None:
                        column = self._column(variable, period_text, False, (entity.plural, iid, name))
                    column.positions.append(index)
                    column.values.append(given)

    def _refuse_variable(self, entity, name, where):
        """Raise the error for a name that is not a variable of ``entity``."""
        variable = self.system.variables.get(name)
        if variable is None:
            raise unknown_variable(name, self.system.variables, json_path(*where))
        raise KrugerError(
            "wrong_entity",
            f"'{name}' belongs to {variable.entity.plural}, not {entity.plural}",
            json_path(*where),
        )

    def _request_period(self, variable, period_text, where) -> str:
        period = checked_period(variable, period_text, FIRST_YEAR, json_path(*where))
        self.request_periods[(variable.name, period_text)] = period_key(period)
        return period_key(period)

    def _column(self, variable, period_text, dated, where) -> _Column:
        period = checked_period(variable, period_text, FIRST_INPUT_YEAR, json_path(*where))
        column = self.columns[(variable.name, period_text, dated)] = _Column(variable, period, period_text, dated)
        return column

    def build(self) -> Case:
        builder = SimulationBuilder()
        builder.create_entities(self.system)
        builder.declare_person_entity(self.person.key, self.ids[self.person.key])
        count = len(self.ids[self.person.key])
        for group in self.groups:
            self._declare_group(builder, group, count)
        simulation = builder.build(self.system)
        inputs: dict[tuple[str, periods.Period], list[_Column]] = {}
        for column in self.columns.values():
            inputs.setdefault((column.variable.name, column.period), []).append(column)
        for (name, period), columns in inputs.items():
            variable = self.system.variables[name]
            array = variable.default_array(len(simulation.populations[variable.entity.key].ids))
            for column in columns:
                array = column.fill(array, self.ids[variable.entity.key])
            simulation.set_input(name, period, array)
        return Case(simulation, self.period, self.ids, self.requested)

    def _declare_group(self, builder, group, person_count) -> None:
        declared = self.ids[group.key]
        joined = self.membership[group.key]
        lone_role = next(role for role in group.roles if role.key not in REQUIRED_ROLES.get(group.key, ()))
        group_ids = list(declared)
        members_group = numpy.empty(person_count, dtype=numpy.int32)
        members_role = numpy.empty(person_count, dtype=object)
        for person in range(person_count):
            if person in joined:
                members_group[person], members_role[person] = joined[person]
            else:
                members_group[person] = len(group_ids)
                members_role[person] = lone_role
                group_ids.append(f"{UNASSIGNED_PREFIX}{self.ids[self.person.key][person]}")
        population = builder.declare_entity(group.key, group_ids)
        population.members_entity_id = members_group
        population.members_role = members_role


class _Column:
    """The values given for one variable under one period text, converted together."""

    def __init__(self, variable, period: periods.Period, period_text, dated: bool) -> None:
        self.variable = variable
        self.period = period
        self.period_text = period_text
        self.dated = dated
        self.positions: list[int] = []
        self.values: list = []

    def fill(self, array, ids: list[str]):
        """``array`` with this column's values set at their positions (an EnumArray is replaced)."""
        converted = convert_all(self.variable, self.values)
        if converted is None:
            converted = [self._convert_one(value, ids[position]) for position, value in zip(self.positions, self.values, strict=False)]
            if self.variable.value_type is datetime.date:
                converted = numpy.array(converted, dtype="datetime64[D]")
        positions = numpy.array(self.positions, dtype=numpy.int64)
        if isinstance(array, EnumArray):
            codes = numpy.asarray(array).copy()
            codes[positions] = converted
            return EnumArray(codes, self.variable.possible_values)
        array[positions] = converted
        return array

    def _convert_one(self, value, iid):
        try:
            return convert(self.variable, value, "$")
        except KrugerError as error:
            entity = self.variable.entity
            where = (entity.plural, iid, self.variable.name) + ((self.period_text,) if self.dated else ())
            error.path = json_path(*where)
            raise


def checked_period(variable, period_text, first_year: int, path: str) -> periods.Period:
    """The period of a value of ``variable``: one of its periods, within the covered years."""
    period = parse_period(period_text, path)
    if variable.definition_period != periods.DateUnit.ETERNITY:
        if period.unit != variable.definition_period or period.size != 1:
            raise KrugerError(
                "bad_period",
                f"'{variable.name}' is defined per {variable.definition_period}; '{period_text}' is not one {variable.definition_period}",
                path,
            )
        check_year_in_range(period.start.year, first_year, path, period_text)
    return period


@functools.lru_cache(maxsize=4096)
def period_key(period: periods.Period) -> str:
    """A period's canonical text, e.g. '2024' (writing a period is slow, and periods repeat)."""
    return str(period)


def convert(variable, value, path):
    """A JSON value as the variable's type, or a ``wrong_type`` error naming what was expected."""
    kind = variable.value_type
    if kind is bool:
        if isinstance(value, bool):
            return value
        raise KrugerError("wrong_type", f"'{variable.name}' is true or false, not {json_repr(value)}", path)
    if kind is int:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, int) and not isinstance(value, bool):
            if not INT32.min <= value <= INT32.max:
                raise KrugerError("out_of_range", f"'{variable.name}' must lie within ±{INT32.max}", path)
            return value
        raise KrugerError("wrong_type", f"'{variable.name}' is a whole number, not {json_repr(value)}", path)
    if kind is float:
        if isinstance(value, int | float) and not isinstance(value, bool):
            if not math.isfinite(value):
                raise KrugerError("not_finite", f"'{variable.name}' must be a finite number, not {value}", path)
            if abs(value) > FLOAT32_MAX:
                raise KrugerError("out_of_range", f"'{variable.name}' is too large", path)
            if is_ratio(variable) and not 0 <= value <= 1:
                raise KrugerError("out_of_range", f"'{variable.name}' is a share between 0 and 1, not {value}", path)
            return float(value)
        raise KrugerError("wrong_type", f"'{variable.name}' is a number, not {json_repr(value)}", path)
    if kind is datetime.date:
        if isinstance(value, str) and DATE_PATTERN.match(value):
            try:
                return datetime.date.fromisoformat(value)
            except ValueError:
                pass
        raise KrugerError("wrong_type", f"'{variable.name}' is a date written YYYY-MM-DD, not {json_repr(value)}", path)
    if kind is Enum:
        names = [item.name for item in variable.possible_values]
        if isinstance(value, str) and value in names:
            return variable.possible_values[value].index
        raise KrugerError(
            "wrong_value",
            f"'{variable.name}' is one of {', '.join(names)}; not "
            f"{json_repr(value)}{did_you_mean(value, names) if isinstance(value, str) else ''}",
            path,
        )
    if isinstance(value, str):
        return value
    raise KrugerError("wrong_type", f"'{variable.name}' is a string, not {json_repr(value)}", path)


def convert_all(variable, values: list):
    """The values as one array of the variable's type, or None when one needs a closer look by ``convert``."""
    kind = variable.value_type
    types = set(map(type, values))
    try:
        if kind is bool:
            return numpy.array(values, dtype=bool) if types <= {bool} else None
        if kind is int:
            array = numpy.array(values, dtype=numpy.int64) if types <= {int} else None
            return array if array is not None and ((array >= INT32.min) & (array <= INT32.max)).all() else None
        if kind is float:
            array = numpy.array(values, dtype=numpy.float64) if types <= {int, float} else None
            if array is None or not (numpy.abs(array) <= FLOAT32_MAX).all():
                return None
            return array if not is_ratio(variable) or ((array >= 0) & (array <= 1)).all() else None
        if kind is datetime.date:
            if not types <= {str} or not all(map(ISO_DATE.fullmatch, values)):
                return None
            array = numpy.array(values, dtype="datetime64[D]")
            return array if (array >= FIRST_DATE).all() else None
        if kind is Enum:
            codes = enum_codes(variable)
            return numpy.array([codes[value] for value in values], dtype=numpy.int64)
        return numpy.array(values, dtype=object) if types <= {str} else None
    except (KeyError, TypeError, ValueError, OverflowError):
        return None


def enum_codes(variable) -> dict[str, int]:
    return {item.name: item.index for item in variable.possible_values}


def json_repr(value) -> str:
    return shortened(repr(value) if isinstance(value, str) else str(value).lower() if isinstance(value, bool) else str(value))
