"""Each scheme as its explanation file declares it, one YAML file each in ``variables/explanations``.

A file names what an explanation shows for one scheme: its label, the variable that decides
eligibility, the amounts, dates and other outcomes to show with it, and, where the eligibility
formula is no plain AND, the criteria (a variable's name, or ``{variable, expected}`` for one
that must be false). The file's name is the scheme's key.

A scheme that pays money also says what it costs, for population runs: ``cost`` names the amount
variable whose values, summed over the scheme's entities, are its cost (a variable of the entity its
eligibility decides for), and ``budget`` what that cost is set against: a parameter's dotted name, or
a variable that is the same for every instance (read once, never summed). The engine reads costs and
budgets from these files, so that it never names a scheme.

A file is checked whole when read: a key it may not have (a misspelling), a missing one, or a
variable the rule system does not have is an error naming the file, the key and the variable.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator
from pydantic_core import ErrorDetails

from kruger_rules.errors import KrugerError, did_you_mean
from kruger_rules.parameter_tree import find_leaf, leaf_names
from kruger_rules.system import VARIABLES_DIR

EXPLANATIONS_DIR = VARIABLES_DIR / "explanations"


class SchemeFileError(Exception):
    """An explanation file that does not declare a scheme: a fault in the rules, not in a request."""


class Criterion(NamedTuple):
    """A criterion a file lists: a variable and the value it must have for the scheme to pass."""

    variable: str
    expected: bool = True


class Declaration(BaseModel):
    """What an explanation file may say, and nothing else."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    label: str
    eligibility: str
    amounts: tuple[str, ...] = ()
    dates: tuple[str, ...] = ()
    outcomes: tuple[str, ...] = ()
    criteria: tuple[Criterion, ...] | None = None
    cost: str | None = None
    budget: str | None = None

    @field_validator("criteria", mode="before")
    @classmethod
    def criteria_from_names(cls, value):
        """A name alone is a criterion that must be true."""
        if isinstance(value, list):
            return [{"variable": item} if isinstance(item, str) else item for item in value]
        return value

    def named_variables(self) -> Iterator[tuple[str, str]]:
        """Each variable the file names, with the key that names it."""
        yield "eligibility", self.eligibility
        for key in ("amounts", "dates", "outcomes"):
            yield from ((key, name) for name in getattr(self, key))
        yield from (("criteria", criterion.variable) for criterion in self.criteria or ())
        if self.cost is not None:
            yield "cost", self.cost

    @property
    def variables(self) -> tuple[str, ...]:
        return tuple(name for _, name in self.named_variables())


class Scheme(Declaration):
    """A scheme as its explanation file declares it, keyed by the file's name."""

    key: str


def schemes(system, directory: Path = EXPLANATIONS_DIR) -> dict[str, list[Scheme]]:
    """The declared schemes by the entity they decide for, each variable they name checked against the system."""
    by_entity: dict[str, list[Scheme]] = {entity.key: [] for entity in system.entities}
    for scheme in scheme_files(directory):
        for key, name in scheme.named_variables():
            if name not in system.variables:
                path = directory / f"{scheme.key}.yaml"
                raise SchemeFileError(f"{path}: {key} names unknown variable '{name}'{did_you_mean(name, system.variables)}")
        _check_cost(system, scheme, directory / f"{scheme.key}.yaml")
        by_entity[system.variables[scheme.eligibility].entity.key].append(scheme)
    return by_entity


def _check_cost(system, scheme: Scheme, path: Path) -> None:
    """A cost is an amount of the entity the scheme decides for; a budget, a parameter or a variable, needs a cost."""
    if scheme.cost is not None:
        cost, entity = system.variables[scheme.cost], system.variables[scheme.eligibility].entity
        if cost.entity.key != entity.key:
            decides = f"the scheme decides for {entity.plural}"
            raise SchemeFileError(f"{path}: cost '{scheme.cost}' is a variable of {cost.entity.plural}; {decides}")
        if cost.value_type not in (int, float):
            raise SchemeFileError(f"{path}: cost '{scheme.cost}' is not an amount (its values are {cost.value_type.__name__})")
    if scheme.budget is None:
        return
    if scheme.cost is None:
        raise SchemeFileError(f"{path}: budget '{scheme.budget}' is set against no cost: name the scheme's cost too")
    if scheme.budget not in system.variables:
        try:
            find_leaf(system.parameters, scheme.budget)
        except KrugerError:
            close = did_you_mean(scheme.budget, [*system.variables, *leaf_names(system.parameters)])
            raise SchemeFileError(f"{path}: budget names neither a parameter nor a variable: '{scheme.budget}'{close}") from None


@functools.cache
def scheme_files(directory: Path = EXPLANATIONS_DIR) -> tuple[Scheme, ...]:
    """Every scheme declared in a folder, in the order of the files' names."""
    return tuple(_read(path) for path in sorted(directory.glob("*.yaml")))


def _read(path: Path) -> Scheme:
    with path.open() as file:
        data = yaml.safe_load(file)
    try:
        declaration = Declaration.model_validate(data if data is not None else {})
    except ValidationError as error:
        raise SchemeFileError(f"{path}: " + "; ".join(_problem(detail) for detail in error.errors())) from None
    return Scheme(key=path.stem, **dict(declaration))


def _problem(detail: ErrorDetails) -> str:
    """One validation error in a file's words: the key at fault and what is wrong with it."""
    location = detail["loc"]
    where = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in location).lstrip(".")
    if detail["type"] == "extra_forbidden":
        known = Criterion._fields if len(location) > 1 else Declaration.model_fields
        return f"unknown key '{where}'{did_you_mean(str(location[-1]), known)}"
    if detail["type"] == "missing":
        return f"missing key '{where}'"
    return f"'{where}': {detail['msg']}" if where else detail["msg"]
