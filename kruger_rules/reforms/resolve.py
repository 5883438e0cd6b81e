"""From a reform in any form a caller gives to its validated spec, and from the spec to its system.

Reading a reform and building its system call on each other: parameters given on top of a named
reform are checked against the named reform's own tree, which is its system's, from the cache.
"""

from __future__ import annotations

from kruger_rules.errors import KrugerError, json_path
from kruger_rules.reforms.cache import system_cache
from kruger_rules.reforms.named import check_name, named_reforms
from kruger_rules.reforms.spec import BASELINE, Path_, ReformSpec, parse_parameters
from kruger_rules.reforms.systems import ParametricReform
from kruger_rules.system import shared_system


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
            'a reform is a named reform\'s name, {"name": ..., "parameters": {...}} or {"parameter.path": {"YYYY-MM-DD": value}}',
            json_path(*at),
        )
    wrapper = {"name", "parameters"} & set(data)
    if wrapper and set(data) - wrapper:
        raise KrugerError(
            "bad_reform",
            'a reform is either {"name": ..., "parameters": {...}} or parameters alone, not both: move the parameters into "parameters"',
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


def build_system(spec: ReformSpec, baseline):
    """The system ``spec`` describes, built from ``baseline`` without caching."""
    system = baseline
    if spec.name is not None:
        system = named_reforms()[spec.name](system)
    if spec.changes:
        system = ParametricReform(system, spec.changes)
    return system


def reformed_system(reform=None, at: Path_ = ("reform",)):
    """The shared baseline reformed by ``reform`` (any form ``parse_reform`` takes), from the cache."""
    spec = parse_reform(reform, at)
    if spec.is_baseline:
        return shared_system()
    cache = system_cache()
    if spec.name is not None and spec.changes:
        named = reformed_system(ReformSpec(spec.name))
        return cache.get(spec.canonical, lambda: ParametricReform(named, spec.changes))
    return cache.get(spec.canonical, lambda: build_system(spec, shared_system()))
