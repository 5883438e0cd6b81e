"""The reform workbench's reforms: a reform in a page's address, a change as a form gives it, and the parameter tree to edit.

A reform travels whole in the query string of a GET page, readable and stable:

    /workbench/reform?base=match_trade_cap_20k&p=match_trade.cap@2021-01-01=20000

``base`` names a named reform (without it, the reform starts from the rules as they are); each ``p`` is a change,
``parameter@date=value``, its date key the engine's (a day, from which the value holds, or ``day.day`` for a span,
after which the old value returns). The address is read into the engine's data form and checked by ``parse_reform``,
as every reform the API takes is, never by a check of its own; the canonical address is written from the checked
reform, its changes in order, so that one reform has one address.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import quote

from api.web.explorer import Explorer, explorer
from kruger_rules.errors import KrugerError
from kruger_rules.reforms import ReformSpec, describe_reform, named_reforms, parse_reform
from kruger_rules.system import shared_system

ROOT = "/workbench"
BASE, CHANGE = "base", "p"
AT, IS = "@", "="
SAFE = "@=.:-_"
"""Characters a change keeps as they are in an address: the query allows them, and they keep it readable."""
MAX_CHANGES = 200
"""Most changes one address may carry: far more than a reform an officer writes by hand."""


# A reform in an address


def value_of(text: str) -> object:
    """A change's value as written in an address or a form, as JSON would give it: a switch, a number, else the text itself
    (which the engine refuses, saying what the parameter takes)."""
    written = text.strip().replace(",", "")
    if written in ("true", "false"):
        return written == "true"
    for kind in (int, float):
        try:
            return kind(written)
        except ValueError:
            pass
    return text


def reform_data(pairs: Iterable[tuple[str, str]]) -> dict:
    """The reform an address's query describes, in the engine's data form; a ``KrugerError`` if a change is not
    ``parameter@date=value``. Other fields are left to the page that reads them."""
    name: str | None = None
    parameters: dict[str, dict[str, object]] = {}
    count = 0
    for key, text in pairs:
        if key == BASE and text:
            name = text
        elif key == CHANGE:
            count += 1
            path, at, rest = text.partition(AT)
            when, is_, value = rest.partition(IS)
            if not (path and at and when and is_):
                raise KrugerError("bad_reform", f"the change '{text[:80]}' is not written parameter@date=value", CHANGE)
            parameters.setdefault(path, {})[when] = value_of(value)
    if count > MAX_CHANGES:
        raise KrugerError("bad_reform", f"a reform's address carries at most {MAX_CHANGES} changes, not {count}", CHANGE)
    return {"name": name, "parameters": parameters}


def read_reform(pairs: Iterable[tuple[str, str]]) -> ReformSpec:
    """The reform of an address's query, checked whole by the engine; a ``KrugerError`` saying what is wrong."""
    return parse_reform(reform_data(pairs))


def value_text(value: bool | int | float) -> str:
    return json.dumps(value)


def query(spec: ReformSpec) -> str:
    """The reform's canonical query: its base, then its changes in order (by parameter, then date)."""
    parts = [f"{BASE}={quote(spec.name, safe=SAFE)}"] if spec.name else []
    parts += [f"{CHANGE}={quote(f'{change.path}{AT}{change.key}{IS}{value_text(change.value)}', safe=SAFE)}" for change in spec.changes]
    return "&".join(parts)


def address(spec: ReformSpec, page: str = "/reform") -> str:
    """The address of one of the reform's pages, carrying the reform."""
    asked = query(spec)
    return f"{ROOT}{page}?{asked}" if asked else f"{ROOT}{page}"


def with_change(spec: ReformSpec, path: str, key: str, value: object) -> ReformSpec:
    """The reform with ``path`` set to ``value`` from the date key ``key`` (replacing a change of the same date), checked by
    the engine: a ``KrugerError`` at the change's JSON path if the value or the date cannot be taken."""
    parameters = spec.parameters
    parameters.setdefault(path, {})[key] = value
    return parse_reform({"name": spec.name, "parameters": parameters})


def without_change(spec: ReformSpec, index: int) -> ReformSpec:
    return ReformSpec(spec.name, spec.changes[:index] + spec.changes[index + 1 :])


# The reform in words


@dataclass(frozen=True)
class Shown:
    """A change as a page shows it: the parameter, from when (until when), the value before and after."""

    path: str
    label: str | None
    unit: str | None
    start: str
    stop: str | None
    value: object
    before: object = None
    remove: str | None = None
    """For a change of the officer's own: the address of the reform without it."""


def rules() -> Explorer:
    return explorer(shared_system())


def named() -> list[dict]:
    """Every named reform in words (``describe_reform``), by name."""
    return [describe_reform(name) for name in sorted(named_reforms())]


def base_changes(spec: ReformSpec) -> list[Shown]:
    """The changes of the reform's named base, each with its value before."""
    if spec.name is None:
        return []
    return [
        Shown(item["parameter"], item["label"], item["unit"], item["from"], item["until"], item["after"], item["before"])
        for item in describe_reform(spec.name)["changes"]
    ]


def own_changes(spec: ReformSpec) -> list[Shown]:
    """The officer's own changes, each with the address of the reform without it."""
    shown = []
    for index, change in enumerate(spec.changes):
        facts = rules().parameter(change.path)
        stop = change.stop.isoformat() if change.stop else None
        shown.append(
            Shown(
                change.path,
                facts.label if facts else None,
                facts.unit if facts else None,
                change.start.isoformat(),
                stop,
                change.value,
                remove=address(without_change(spec, index)),
            )
        )
    return shown


def named_description(spec: ReformSpec) -> dict | None:
    """The named base in words (its description, and what it changes beyond parameters), if the reform has one."""
    return describe_reform(spec.name) if spec.name else None


def job_reform(data: dict) -> ReformSpec | None:
    """A job's reform, from the data form its record keeps; none if it can no longer be read (a named reform since removed)."""
    try:
        return parse_reform(data)
    except KrugerError:
        return None


def title(spec: ReformSpec) -> str:
    if spec.is_baseline:
        return "The rules as they are"
    if spec.name and spec.changes:
        return f"{spec.name}, changed"
    return spec.name or "Your reform"


# The parameter tree


@dataclass
class Folder:
    """A node of the parameter tree as the workbench lists it: its folders and its parameters, by name."""

    name: str
    label: str | None
    folders: list[Folder] = field(default_factory=list)
    parameters: list = field(default_factory=list)
    """The explorer's ``ParameterFacts`` of the leaves right under it."""

    @property
    def count(self) -> int:
        return len(self.parameters) + sum(folder.count for folder in self.folders)

    @property
    def key(self) -> str:
        return self.name.rsplit(".", 1)[-1]


def parameter_tree(search: str = "", under: str = "") -> list[Folder]:
    """The top folders of the parameter tree holding the parameters asked for: those the search finds (by name or label, as
    the rules explorer's search finds them), else those under the folder ``under``, else every one."""
    facts = rules().parameters
    if search:
        names = sorted({match.name for match in rules().search(search) if match.kind == "parameter"})
    else:
        names = sorted(name for name in facts if not under or name.startswith(under + "."))
    root = Folder("", None)
    by_name: dict[str, Folder] = {"": root}
    for name in names:
        parts = name.split(".")
        parent = root
        for depth in range(1, len(parts)):
            folder = ".".join(parts[:depth])
            if folder not in by_name:
                by_name[folder] = Folder(folder, rules().label_of(folder))
                parent.folders.append(by_name[folder])
            parent = by_name[folder]
        parent.parameters.append(facts[name])
    return root.folders
