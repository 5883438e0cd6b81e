"""Reforms: the named policy alternatives of ../reforms, and any parameter change given as data.

A reform is identified by its data form, never by code:

    {"name": "a_named_reform", "parameters": {"scheme.parameter": {"2024-01-01": 20000}}}

``name`` picks a named reform (a module in ../reforms); ``parameters`` changes leaf parameters,
each from a date on (``"2024-01-01"``) or for a span, both days included, after which the old
value returns (``"2024-01-01.2026-12-31"``). A bare ``{"parameter.path": {...}}`` is a reform of
parameters alone. The whole reform is validated against the parameter tree before anything is
built, and every fault is a :class:`KrugerError` naming its JSON path.

Reformed systems are built from the shared baseline, which they clone and never change, and are
kept in a bounded LRU keyed by the reform's canonical JSON. That JSON is all a worker in another
process needs to rebuild the same system.
"""

from __future__ import annotations

import datetime
import functools
import importlib.util
import json
import math
import os
import re
import sys
import threading
from collections import OrderedDict
from concurrent.futures import Future
from dataclasses import dataclass

from openfisca_core import periods
from openfisca_core.commons import empty_clone
from openfisca_core.parameters import Parameter, ParameterNode
from openfisca_core.reforms import Reform

from kruger_rules.coverage import LAST_YEAR
from kruger_rules.errors import KrugerError, did_you_mean, json_path
from kruger_rules.system import REFORMS_DIR, shared_system

DEFAULT_CACHE_SIZE = 64
CACHE_SIZE_VARIABLE = "KRUGER_REFORM_CACHE_SIZE"
FIRST_DATE_YEAR = 1900
DATE_KEY = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:\.(\d{4}-\d{2}-\d{2}))?$")
WHOLE_NUMBER_LIMIT = 2**31 - 1
NUMBER_LIMIT = 1e15
COUNT_UNITS = {"day", "month", "year", "person", "decile", "vote"}
"""Units of whole, non-negative quantities."""

Path_ = tuple[str | int, ...]


# The data form of a reform


@dataclass(frozen=True, order=True)
class Change:
    """One parameter set to ``value`` from ``start`` on, or from ``start`` to ``stop`` (both included)."""

    path: str
    start: datetime.date
    stop: datetime.date | None
    value: bool | int | float

    @property
    def key(self) -> str:
        return self.start.isoformat() if self.stop is None else f"{self.start.isoformat()}.{self.stop.isoformat()}"

    def order(self) -> tuple:
        """Application order: by start; for one start, from-on first, then longer spans before shorter.

        Where changes to one parameter overlap, the one applied later holds, so the later start wins.
        """
        return (self.start, self.stop is not None, -(self.stop.toordinal() if self.stop else 0))


@dataclass(frozen=True)
class ReformSpec:
    """A validated reform: an optional named reform and parameter changes applied on top of it."""

    name: str | None = None
    changes: tuple[Change, ...] = ()

    @property
    def is_baseline(self) -> bool:
        return self.name is None and not self.changes

    @property
    def parameters(self) -> dict:
        data: dict[str, dict] = {}
        for change in self.changes:
            data.setdefault(change.path, {})[change.key] = change.value
        return data

    @property
    def data(self) -> dict:
        """The reform's data form, normalised: what a request would send to get this reform."""
        data: dict = {}
        if self.name is not None:
            data["name"] = self.name
        data["parameters"] = self.parameters
        return data

    @property
    def canonical(self) -> str:
        """The reform's identity: its data form as sorted, compact JSON."""
        return json.dumps(self.data, sort_keys=True, separators=(",", ":"))

    @property
    def label(self) -> str:
        if self.is_baseline:
            return "baseline"
        paths = sorted({change.path for change in self.changes})
        if not paths:
            return self.name
        changed = ", ".join(f"{path}" for path in paths[:3]) + (f" (+{len(paths) - 3})" if len(paths) > 3 else "")
        return f"{self.name} + {changed}" if self.name else changed


BASELINE = ReformSpec()


def parse_reform(data, at: Path_ = ("reform",), baseline=None) -> ReformSpec:
    """The reform that ``data`` describes, validated whole, or a ``KrugerError`` at its JSON path.

    ``data`` is None (the baseline), a named reform's name, ``{"name": ..., "parameters": ...}``
    or a bare ``{"parameter.path": {date: value}}``. Parameters are checked against the tree of the
    system they change: the named reform's when a name is given, else the baseline's.
    """
    if data is None or isinstance(data, ReformSpec):
        return data or BASELINE
    if isinstance(data, str):
        return ReformSpec(check_name(data, json_path(*at)))
    if not isinstance(data, dict):
        raise KrugerError(
            "bad_reform",
            "a reform is a named reform's name, {\"name\": ..., \"parameters\": {...}} or {\"parameter.path\": {\"YYYY-MM-DD\": value}}",
            json_path(*at),
        )
    wrapper = {"name", "parameters"} & set(data)
    if wrapper and set(data) - wrapper:
        raise KrugerError(
            "bad_reform",
            "a reform is either {\"name\": ..., \"parameters\": {...}} or parameters alone, not both: move the parameters into \"parameters\"",
            json_path(*at, sorted(set(data) - wrapper)[0]),
        )
    if wrapper:
        name = data.get("name")
        if name is not None:
            if not isinstance(name, str):
                raise KrugerError("unknown_reform", "a reform's name is a string", json_path(*at, "name"))
            name = check_name(name, json_path(*at, "name"))
        parameters, where = data.get("parameters") or {}, (*at, "parameters")
    else:
        name, parameters, where = None, data, at
    if name is not None and parameters:
        tree = reformed_system(ReformSpec(name)).parameters if baseline is None else named_reforms()[name](baseline).parameters
    else:
        tree = (baseline or shared_system()).parameters
    return ReformSpec(name, parse_parameters(parameters, tree, where))


def check_name(name: str, path: str) -> str:
    named = named_reforms()
    if name not in named:
        raise KrugerError(
            "unknown_reform",
            f"unknown reform '{name}'{did_you_mean(name, named)}; named reforms are {', '.join(sorted(named))}",
            path,
        )
    return name


def parse_parameters(data, tree: ParameterNode, at: Path_) -> tuple[Change, ...]:
    """Every change of ``{"parameter.path": {date_key: value}}``, checked against ``tree``."""
    if not isinstance(data, dict):
        raise KrugerError("bad_reform", "parameters are an object of {\"parameter.path\": {\"YYYY-MM-DD\": value}}", json_path(*at))
    changes = []
    for path, by_date in data.items():
        leaf, unit = find_leaf(tree, path, json_path(*at, path))
        if not isinstance(by_date, dict) or not by_date:
            raise KrugerError(
                "bad_reform_date",
                f"'{path}' takes an object of dates and values, e.g. {{\"2024-01-01\": value}} or {{\"2024-01-01.2026-12-31\": value}}",
                json_path(*at, path),
            )
        for key, value in by_date.items():
            where = json_path(*at, path, key)
            start, stop = parse_date_key(key, where)
            changes.append(Change(path, start, stop, check_value(leaf, unit, value, where)))
    return tuple(sorted(changes))


def find_leaf(tree: ParameterNode, path, where: str) -> tuple[Parameter, str | None]:
    """The leaf parameter at ``path`` and its unit (its own, or that of the node that groups it)."""
    node, unit = tree, tree.metadata.get("unit")
    for node in walk(tree, path):
        unit = node.metadata.get("unit") or unit
    if isinstance(node, Parameter) and node.name == path:
        return node, unit
    leaves = leaf_names(tree)
    if isinstance(node, ParameterNode) and node is not tree and node.name == path:
        under = [name for name in leaves if name.startswith(f"{path}.")]
        raise KrugerError(
            "unknown_parameter",
            f"'{path}' is a group of parameters, not one; give one of its leaves, e.g. '{under[0]}'",
            where,
        )
    raise KrugerError("unknown_parameter", f"unknown parameter '{path}'; the nearest is '{nearest(str(path), leaves)}'", where)


def walk(tree: ParameterNode, path):
    """Each node on the way down ``path``, as far as the path exists."""
    node = tree
    for part in path.split(".") if isinstance(path, str) else ():
        node = node.children.get(part) if isinstance(node, ParameterNode) else None
        if node is None:
            return
        yield node


def label_of(tree: ParameterNode, path: str) -> str | None:
    """A parameter's label, or that of the node grouping it followed by the keys below (``Label: key``)."""
    found, below = None, []
    for node in walk(tree, path):
        label = node.metadata.get("label")
        if label:
            found, below = label, []
        else:
            below.append(node.name.rsplit(".", 1)[-1])
    return f"{found}: {'.'.join(below)}" if found and below else found


def leaf_names(tree: ParameterNode) -> list[str]:
    return sorted(child.name for child in tree.get_descendants() if isinstance(child, Parameter))


def nearest(word: str, choices: list[str]) -> str:
    """The closest choice by spelling; failing any, the one sharing the longest leading part."""
    close = did_you_mean(word, choices)
    if close:
        return close.split("'")[1]
    return max(choices, key=lambda choice: (len(os.path.commonprefix([word, choice])), -len(choice)))


def parse_date_key(key, where: str) -> tuple[datetime.date, datetime.date | None]:
    match = DATE_KEY.match(key) if isinstance(key, str) else None
    if not match:
        raise KrugerError(
            "bad_reform_date",
            f"'{key}' is not a date key: give YYYY-MM-DD (from that date on) or YYYY-MM-DD.YYYY-MM-DD (for that span)",
            where,
        )
    dates = []
    for text in match.groups():
        if text is None:
            dates.append(None)
            continue
        try:
            day = datetime.date.fromisoformat(text)
        except ValueError:
            raise KrugerError("bad_reform_date", f"'{text}' is not a date of the calendar", where) from None
        if not FIRST_DATE_YEAR <= day.year <= LAST_YEAR:
            raise KrugerError("bad_reform_date", f"'{text}' is outside the years {FIRST_DATE_YEAR}-{LAST_YEAR}", where)
        dates.append(day)
    start, stop = dates
    if stop is not None and stop < start:
        raise KrugerError("bad_reform_date", f"the span '{key}' ends before it starts", where)
    return start, stop


def check_value(leaf: Parameter, unit: str | None, value, where: str):
    """``value`` normalised to the parameter's kind, or a ``bad_reform_value`` error."""
    kinds = {type(item.value) for item in leaf.values_list if item.value is not None}
    name = leaf.name
    if unit == "bool" or kinds == {bool}:
        if isinstance(value, bool):
            return value
        raise KrugerError("bad_reform_value", f"'{name}' is a switch: true or false, not {shown(value)}", where)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise KrugerError("bad_reform_value", f"'{name}' is a number, not {shown(value)}", where)
    if not math.isfinite(value) or abs(value) > NUMBER_LIMIT:
        raise KrugerError("bad_reform_value", f"'{name}' must be a finite number of at most {NUMBER_LIMIT:.0e}, not {value}", where)
    if unit == "/1":
        if not 0 <= value <= 1:
            raise KrugerError("bad_reform_value", f"'{name}' is a ratio between 0 and 1, not {value}", where)
        return float(value)
    if unit == "currency-GBP":
        if value < 0:
            raise KrugerError("bad_reform_value", f"'{name}' is an amount of money, at least 0, not {value}", where)
        return int(value) if float(value).is_integer() and abs(value) <= WHOLE_NUMBER_LIMIT else float(value)
    if unit in COUNT_UNITS or kinds == {int}:
        if not float(value).is_integer():
            raise KrugerError("bad_reform_value", f"'{name}' is a whole number{f' of {unit}s' if unit else ''}, not {value}", where)
        if unit in COUNT_UNITS and value < 0:
            raise KrugerError("bad_reform_value", f"'{name}' is a number of {unit}s, at least 0, not {value}", where)
        if abs(value) > WHOLE_NUMBER_LIMIT:
            raise KrugerError("bad_reform_value", f"'{name}' must lie within ±{WHOLE_NUMBER_LIMIT}", where)
        return int(value)
    return float(value)


def shown(value) -> str:
    text = json.dumps(value) if isinstance(value, str | bool) or value is None else repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


# Building reformed systems


def apply_changes(parameters: ParameterNode, changes) -> ParameterNode:
    """``parameters`` with each change applied in place, in application order."""
    for change in sorted(changes, key=Change.order):
        leaf = functools.reduce(lambda node, part: node.children[part], change.path.split("."), parameters)
        stop = periods.instant(change.stop.isoformat()) if change.stop else None
        leaf.update(start=periods.instant(change.start.isoformat()), stop=stop, value=change.value)
    return parameters


def copy_paths(tree: ParameterNode, paths) -> ParameterNode:
    """A new tree in which the leaves at ``paths``, and the nodes above them, are copies.

    Every other node is shared with ``tree``. Nothing ever changes a tree in place once a system
    holds it, so sharing is safe, and a reform costs a few copied nodes instead of a copy of the
    whole tree (``Reform.modify_parameters`` deep-copies it: several milliseconds and the tree's
    memory again for each reform).
    """
    copied = {}

    def own(node, parent=None, key=None):
        if id(node) in copied:
            return copied[id(node)]
        if isinstance(node, Parameter):
            copy = node.clone()
        else:
            copy = empty_clone(node)
            copy.__dict__ = node.__dict__.copy()
            copy.children = dict(node.children)
        copied[id(node)] = copied[id(copy)] = copy
        if parent is not None:
            parent.children[key] = copy
            setattr(parent, key, copy)
        return copy

    root = own(tree)
    for path in paths:
        node = root
        for part in path.split("."):
            node = own(node.children[part], node, part)
    return root


def changed_parameters(tree: ParameterNode, changes) -> ParameterNode:
    """A copy of ``tree`` with ``changes`` applied; ``tree`` itself is left as it was."""
    return apply_changes(copy_paths(tree, {change.path for change in changes}), changes)


class ParametricReform(Reform):
    """A system whose parameters differ from its baseline's by a list of changes."""

    def __init__(self, baseline, changes) -> None:
        self.changes = tuple(changes)
        super().__init__(baseline)

    def apply(self) -> None:
        self.parameters = changed_parameters(self.baseline.parameters, self.changes)
        self._parameters_at_instant_cache = {}


class NamedReform(Reform):
    """A named policy alternative, one per module of ../reforms.

    Declare ``name`` (the module's file name), ``description``, and ``changes`` in the data
    form ``{"parameter.path": {"YYYY-MM-DD": value}}``. A structural reform also sets
    ``structure`` (what it changes in the rules, in words) and overrides ``restructure()`` to add,
    update or neutralise variables.
    """

    name: str = ""
    description: str = ""
    changes: dict = {}
    structure: str | None = None

    def restructure(self) -> None:
        """Structural changes to the rules; none by default."""

    def apply(self) -> None:
        self.restructure()
        changes = parse_parameters(self.changes, self.parameters, ("reforms", self.name, "changes"))
        if changes:
            self.parameters = changed_parameters(self.parameters, changes)
            self._parameters_at_instant_cache = {}


_loading = threading.Lock()


def named_reforms() -> dict[str, type[NamedReform]]:
    """Every named reform of ../reforms by name, each module loaded once, by its path."""
    with _loading:
        return _load_named_reforms()


@functools.cache
def _load_named_reforms() -> dict[str, type[NamedReform]]:
    found = {}
    for path in sorted(REFORMS_DIR.glob("*.py")):
        if path.name.startswith("_"):
            continue
        module_name = f"_kruger_rules_reforms.{path.stem}"
        spec = importlib.util.spec_from_file_location(module_name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module
        spec.loader.exec_module(module)
        classes = [
            value for value in vars(module).values()
            if isinstance(value, type) and issubclass(value, NamedReform) and value is not NamedReform and value.__module__ == module_name
        ]
        if len(classes) != 1 or classes[0].name != path.stem:
            raise RuntimeError(f"{path} must define exactly one NamedReform whose name is '{path.stem}'")
        if not classes[0].description:
            raise RuntimeError(f"the reform '{path.stem}' has no description")
        found[path.stem] = classes[0]
    return found


def __getattr__(name: str):
    """Each named reform as a module attribute (``kruger_rules.reforms.<name>``), the dotted path YAML tests give."""
    if not name.startswith("_"):
        named = named_reforms()
        if name in named:
            return named[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def build_system(spec: ReformSpec, baseline):
    """The system ``spec`` describes, built from ``baseline`` without caching."""
    system = baseline
    if spec.name is not None:
        system = named_reforms()[spec.name](system)
    if spec.changes:
        system = ParametricReform(system, spec.changes)
    return system


class SystemCache:
    """A bounded LRU of reformed systems by canonical reform; each built once, outside the lock."""

    def __init__(self, size: int) -> None:
        if size < 1:
            raise ValueError("the reform cache holds at least one system")
        self.size = size
        self._systems: OrderedDict[str, object] = OrderedDict()
        self._building: dict[str, Future] = {}
        self._lock = threading.Lock()
        self.builds = 0

    def __len__(self) -> int:
        return len(self._systems)

    def keys(self) -> list[str]:
        with self._lock:
            return list(self._systems)

    def clear(self) -> None:
        with self._lock:
            self._systems.clear()

    def get(self, key: str, build):
        with self._lock:
            if key in self._systems:
                self._systems.move_to_end(key)
                return self._systems[key]
            pending = self._building.get(key)
            owner = pending is None
            if owner:
                pending = self._building[key] = Future()
        if not owner:
            return pending.result()
        try:
            system = build()
        except BaseException as error:
            with self._lock:
                del self._building[key]
            pending.set_exception(error)
            raise
        with self._lock:
            self._systems[key] = system
            while len(self._systems) > self.size:
                self._systems.popitem(last=False)
            del self._building[key]
            self.builds += 1
        pending.set_result(system)
        return system


def cache_size_from_environment() -> int:
    text = os.environ.get(CACHE_SIZE_VARIABLE, "")
    try:
        return max(1, int(text)) if text else DEFAULT_CACHE_SIZE
    except ValueError:
        return DEFAULT_CACHE_SIZE


_cache = SystemCache(cache_size_from_environment())


def system_cache() -> SystemCache:
    return _cache


def configure_cache(size: int) -> SystemCache:
    """Replace the reform cache by an empty one of ``size`` systems."""
    global _cache
    _cache = SystemCache(size)
    return _cache


def reformed_system(reform=None, at: Path_ = ("reform",)):
    """The shared baseline reformed by ``reform`` (any form ``parse_reform`` takes), from the cache."""
    spec = parse_reform(reform, at)
    if spec.is_baseline:
        return shared_system()
    cache = _cache
    if spec.name is not None and spec.changes:
        named = reformed_system(ReformSpec(spec.name))
        return cache.get(spec.canonical, lambda: ParametricReform(named, spec.changes))
    return cache.get(spec.canonical, lambda: build_system(spec, shared_system()))


# Describing named reforms


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
    leaf, unit = find_leaf(tree, change.path, json_path(change.path))
    before = leaf.get_at_instant(periods.instant(change.start.isoformat()))
    return {
        "parameter": change.path,
        "label": label_of(tree, change.path) or leaf.description,
        "unit": unit,
        "from": change.start.isoformat(),
        "until": change.stop.isoformat() if change.stop else None,
        "before": before,
        "after": change.value,
    }


def describe_reforms(baseline=None) -> list[dict]:
    return [describe_reform(name, baseline) for name in sorted(named_reforms())]
