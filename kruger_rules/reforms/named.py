"""The named reforms: one module each in the folder of named reforms, loaded once by its path."""

from __future__ import annotations

import functools
import importlib.util
import sys
import threading
from pathlib import Path

from kruger_rules.errors import KrugerError, did_you_mean
from kruger_rules.reforms.systems import NamedReform
from kruger_rules.system import REFORMS_DIR

_loading = threading.Lock()


def named_reforms() -> dict[str, type[NamedReform]]:
    """Every named reform by name, each module loaded once, by its path."""
    with _loading:
        return _load_named_reforms()


@functools.cache
def _load_named_reforms() -> dict[str, type[NamedReform]]:
    return {path.stem: _load(path) for path in sorted(REFORMS_DIR.glob("*.py")) if not path.name.startswith("_")}


def _load(path: Path) -> type[NamedReform]:
    """The one named reform that the module at ``path`` defines, named as its file."""
    module_name = f"_kruger_rules_reforms.{path.stem}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise RuntimeError(f"{path} cannot be loaded as a module")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    classes = [
        value
        for value in vars(module).values()
        if isinstance(value, type) and issubclass(value, NamedReform) and value is not NamedReform and value.__module__ == module_name
    ]
    if len(classes) != 1 or classes[0].name != path.stem:
        raise RuntimeError(f"{path} must define exactly one NamedReform whose name is '{path.stem}'")
    if not classes[0].description:
        raise RuntimeError(f"the reform '{path.stem}' has no description")
    return classes[0]


def check_name(name: str, path: str) -> str:
    """``name`` if it names a named reform, else an ``unknown_reform`` error at ``path``."""
    named = named_reforms()
    if name not in named:
        raise KrugerError(
            "unknown_reform",
            f"unknown reform '{name}'{did_you_mean(name, named)}; named reforms are {', '.join(sorted(named))}",
            path,
        )
    return name
