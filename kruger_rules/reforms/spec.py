"""The data form of a reform, and the checking of its parameter changes against a parameter tree.

A change sets one leaf parameter from a date on (``"2024-01-01"``) or for a span, both days
included, after which the old value returns (``"2024-01-01.2026-12-31"``). Values are checked
against the parameter's unit before anything is built, and every fault is a
:class:`KrugerError` naming its JSON path.
"""

from __future__ import annotations

import datetime
import json
import math
import re
from dataclasses import dataclass

from openfisca_core.parameters import Parameter, ParameterNode

from kruger_rules import units
from kruger_rules.coverage import LAST_YEAR
from kruger_rules.errors import KrugerError, json_path, shortened
from kruger_rules.parameter_tree import inherited, leaf_lineage

FIRST_DATE_YEAR = 1900
"""The first year a change may start in: earlier than any law the rules hold, so a typo, not a policy."""

DATE_KEY = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:\.(\d{4}-\d{2}-\d{2}))?$")

WHOLE_NUMBER_LIMIT = 2**31 - 1
"""Largest whole number a change may set: OpenFisca's integer variables are 32-bit."""

NUMBER_LIMIT = 1e15
"""Largest number a change may set: far above any sum of public money; a product of two stays finite in 32-bit floats."""

Path_ = tuple[str | int, ...]


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
            return str(self.name)
        changed = ", ".join(f"{path}" for path in paths[:3]) + (f" (+{len(paths) - 3})" if len(paths) > 3 else "")
        return f"{self.name} + {changed}" if self.name else changed


BASELINE = ReformSpec()


def parse_parameters(data, tree: ParameterNode, at: Path_) -> tuple[Change, ...]:
    """Every change of ``{"parameter.path": {date_key: value}}``, checked against ``tree``."""
    if not isinstance(data, dict):
        raise KrugerError("bad_reform", 'parameters are an object of {"parameter.path": {"YYYY-MM-DD": value}}', json_path(*at))
    changes = []
    for path, by_date in data.items():
        leaf, ancestors = leaf_lineage(tree, path, json_path(*at, path))
        unit = inherited(leaf, ancestors, "unit")
        if not isinstance(by_date, dict) or not by_date:
            raise KrugerError(
                "bad_reform_date",
                f'\'{path}\' takes an object of dates and values, e.g. {{"2024-01-01": value}} or {{"2024-01-01.2026-12-31": value}}',
                json_path(*at, path),
            )
        for key, value in by_date.items():
            where = json_path(*at, path, key)
            start, stop = parse_date_key(key, where)
            changes.append(Change(path, start, stop, check_value(leaf, unit, value, where)))
    return tuple(sorted(changes))


def parse_date_key(key, where: str) -> tuple[datetime.date, datetime.date | None]:
    match = DATE_KEY.match(key) if isinstance(key, str) else None
    if not match:
        raise KrugerError(
            "bad_reform_date",
            f"'{key}' is not a date key: give YYYY-MM-DD (from that date on) or YYYY-MM-DD.YYYY-MM-DD (for that span)",
            where,
        )
    start_text, stop_text = match.groups()
    start = calendar_date(start_text, where)
    stop = calendar_date(stop_text, where) if stop_text is not None else None
    if stop is not None and stop < start:
        raise KrugerError("bad_reform_date", f"the span '{key}' ends before it starts", where)
    return start, stop


def calendar_date(text: str, where: str) -> datetime.date:
    try:
        day = datetime.date.fromisoformat(text)
    except ValueError:
        raise KrugerError("bad_reform_date", f"'{text}' is not a date of the calendar", where) from None
    if not FIRST_DATE_YEAR <= day.year <= LAST_YEAR:
        raise KrugerError("bad_reform_date", f"'{text}' is outside the years {FIRST_DATE_YEAR}-{LAST_YEAR}", where)
    return day


def check_value(leaf: Parameter, unit: str | None, value, where: str) -> bool | int | float:
    """``value`` normalised to the parameter's kind, or a ``bad_reform_value`` error."""
    kinds = {type(item.value) for item in leaf.values_list if item.value is not None}
    name = leaf.name
    if unit == units.BOOLEAN or kinds == {bool}:
        if isinstance(value, bool):
            return value
        raise KrugerError("bad_reform_value", f"'{name}' is a switch: true or false, not {shown(value)}", where)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise KrugerError("bad_reform_value", f"'{name}' is a number, not {shown(value)}", where)
    if not math.isfinite(value) or abs(value) > NUMBER_LIMIT:
        raise KrugerError("bad_reform_value", f"'{name}' must be a finite number of at most {NUMBER_LIMIT:.0e}, not {value}", where)
    if unit == units.RATIO:
        if not 0 <= value <= 1:
            raise KrugerError("bad_reform_value", f"'{name}' is a ratio between 0 and 1, not {value}", where)
        return float(value)
    if unit == units.CURRENCY:
        if value < 0:
            raise KrugerError("bad_reform_value", f"'{name}' is an amount of money, at least 0, not {value}", where)
        return int(value) if float(value).is_integer() and abs(value) <= WHOLE_NUMBER_LIMIT else float(value)
    if unit in units.CALENDAR:
        least, most = units.CALENDAR[unit]
        if not float(value).is_integer() or not least <= value <= most or value == 0:
            allowed = ", ".join(str(n) for n in range(least, most + 1) if n)
            raise KrugerError("bad_reform_value", f"'{name}' is a whole number, one of {allowed}, not {shown(value)}", where)
        return int(value)
    if unit in units.COUNTS or kinds == {int}:
        if not float(value).is_integer():
            raise KrugerError("bad_reform_value", f"'{name}' is a whole number{f' of {unit}s' if unit else ''}, not {value}", where)
        if unit in units.COUNTS and value < 0:
            raise KrugerError("bad_reform_value", f"'{name}' is a number of {unit}s, at least 0, not {value}", where)
        if abs(value) > WHOLE_NUMBER_LIMIT:
            raise KrugerError("bad_reform_value", f"'{name}' must lie within ±{WHOLE_NUMBER_LIMIT}", where)
        return int(value)
    return float(value)


def shown(value) -> str:
    return shortened(json.dumps(value) if isinstance(value, str | bool) or value is None else repr(value))
