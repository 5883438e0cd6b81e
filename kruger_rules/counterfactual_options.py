"""What the search for counterfactuals tries and what it finds, as plain data.

A ``Target`` is one variable of one instance to try at other values. An ``Option`` is what the
search found for it: a change to that variable alone that makes a failed criterion pass, stated
as a need (a boolean's other value, the categories accepted, the bounds of a number or a date).
``kruger_rules.counterfactual_text`` words an option; ``kruger_rules.counterfactuals`` writes
it in the answer.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Literal

from openfisca_core.variables import Variable

Operator = Literal[">=", ">", "<=", "<"]


@dataclass(frozen=True)
class Target:
    """One variable of one entity instance to try: a declared id, or the hidden group of a member."""

    entity: str
    id: str | None
    member: str | None
    variable: str


@dataclass(frozen=True)
class BooleanNeed:
    """The boolean must take this value."""

    needed: bool


@dataclass(frozen=True)
class CategoryNeed:
    """The category must be one of these (by name, in the variable's order)."""

    accepted: tuple[str, ...]


@dataclass(frozen=True)
class Condition:
    """One bound of a number or a date: ``value >= 1000``, ``value < 2024-03-14``."""

    operator: Operator
    value: int | float | datetime.date


@dataclass(frozen=True)
class NumberNeed:
    """The number must meet every condition: a lower bound first, then an upper one."""

    conditions: tuple[Condition, ...]


@dataclass(frozen=True)
class DateNeed:
    """The date must meet every condition (a lower bound first; none: any date does), or none but "no date" passes
    (``conditions`` is None); ``no_date`` when leaving it with no date passes too."""

    conditions: tuple[Condition, ...] | None
    no_date: bool


Need = BooleanNeed | CategoryNeed | NumberNeed | DateNeed


@dataclass(frozen=True)
class Option:
    """A change to one variable that makes a failed criterion pass on its own."""

    variable: Variable
    target: Target
    yours: object
    need: Need
