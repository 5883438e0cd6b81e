"""The rule system: entities, parameters and variables assembled into one TaxBenefitSystem."""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import importlib.resources
from pathlib import Path

from openfisca_core.taxbenefitsystems import TaxBenefitSystem

from kruger_rules.entities import entities

RULE_FOLDERS = ("parameters", "variables", "reforms", "docs", "data")


def find_rules_root(packaged: Path, source_tree: Path) -> Path:
    """The folder holding the rule folders: the package's copy when installed from a wheel, else the source tree.

    The copy is tried first because an editable install has none, while the folder above an installed
    package is site-packages, where a stranger's ``parameters/`` could lie.
    """
    for root in (packaged, source_tree):
        if all((root / folder).is_dir() for folder in RULE_FOLDERS):
            return root
    raise RuntimeError(
        f"the rule folders ({', '.join(RULE_FOLDERS)}) are neither in the installed package ({packaged}) "
        f"nor in the source tree ({source_tree}): install kruger-rules from its wheel or its source tree (pip install -e .)"
    )


ROOT = find_rules_root(
    packaged=Path(str(importlib.resources.files("kruger_rules") / "_rules")),
    source_tree=Path(__file__).resolve().parent.parent,
)
PARAMETERS_DIR = ROOT / "parameters"
VARIABLES_DIR = ROOT / "variables"
REFORMS_DIR = ROOT / "reforms"
DOCS_DIR = ROOT / "docs"
DATA_DIR = ROOT / "data"
RULE_DIRS = (PARAMETERS_DIR, VARIABLES_DIR)


class KrugerRules(TaxBenefitSystem):
    """The proposals of *Levelling Up Our Communities* as if enacted, on real UK law."""

    def __init__(self) -> None:
        super().__init__(entities)
        self.load_parameters(str(PARAMETERS_DIR))
        self.add_variables_from_directory(str(VARIABLES_DIR))


CountryTaxBenefitSystem = KrugerRules


@functools.cache
def package_version() -> str:
    """The installed package's version, read once: every /api/v1 answer carries it."""
    return importlib.metadata.version("kruger-rules")


@functools.cache
def rules_hash() -> str:
    """A short digest of every rule file's path and content, stable across machines."""
    digest = hashlib.sha256()
    for directory in RULE_DIRS:
        for path in sorted(p for p in directory.rglob("*") if p.is_file() and p.suffix in {".py", ".yaml", ".yml"}):
            digest.update(path.relative_to(ROOT).as_posix().encode())
            digest.update(b"\0")
            digest.update(path.read_bytes())
            digest.update(b"\0")
    return digest.hexdigest()[:10]


def rules_version() -> str:
    """The package version and the rules' content hash, e.g. ``0.1.0+3f9c2a1b0d``."""
    return f"{package_version()}+{rules_hash()}"


@functools.cache
def shared_system() -> KrugerRules:
    """The baseline system, built once per process and never mutated."""
    return KrugerRules()
