"""Reforms: the named policy alternatives of the folder ``reforms/``, and any parameter change given as data.

A reform is identified by its data form, never by code:

    {"name": "a_named_reform", "parameters": {"scheme.parameter": {"2024-01-01": 20000}}}

``name`` picks a named reform (a module of ``reforms/``); ``parameters`` changes leaf parameters,
each from a date on (``"2024-01-01"``) or for a span, both days included, after which the old
value returns (``"2024-01-01.2026-12-31"``). A bare ``{"parameter.path": {...}}`` is a reform of
parameters alone. The whole reform is validated against the parameter tree before anything is
built, and every fault is a :class:`KrugerError` naming its JSON path.

Reformed systems are built from the shared baseline, which they clone and never change, and are
kept in a bounded LRU keyed by the reform's canonical JSON. That JSON is all a worker in another
process needs to rebuild the same system.

One module per job: ``spec`` (the data form and its checks), ``systems`` (the reformed systems
and the named reforms' base class), ``named`` (the loader of named reforms), ``cache`` (the LRU),
``resolve`` (a reform as given → its spec → its cached system), ``describe`` (reforms in words).
"""

from __future__ import annotations

from kruger_rules.reforms.cache import DEFAULT_CACHE_SIZE, SystemCache, configure_cache, system_cache, use_cache
from kruger_rules.reforms.describe import describe_reform, describe_reforms
from kruger_rules.reforms.named import named_reforms
from kruger_rules.reforms.resolve import build_system, parse_reform, reformed_system
from kruger_rules.reforms.spec import Change, ReformSpec
from kruger_rules.reforms.systems import NamedReform, apply_changes

__all__ = [
    "DEFAULT_CACHE_SIZE",
    "Change",
    "NamedReform",
    "ReformSpec",
    "SystemCache",
    "apply_changes",
    "build_system",
    "configure_cache",
    "describe_reform",
    "describe_reforms",
    "named_reforms",
    "parse_reform",
    "reformed_system",
    "system_cache",
    "use_cache",
]


def __getattr__(name: str) -> type[NamedReform]:
    """Each named reform as a module attribute (``kruger_rules.reforms.<name>``), the dotted path YAML tests give."""
    if not name.startswith("_"):
        named = named_reforms()
        if name in named:
            return named[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
