"""What a population run measures, row by row: each declared scheme's eligibility and, where it pays, the amount.

The schemes are those of the explanation files (``kruger_rules.schemes``), so that the engine names none: a
scheme is measured for the entity its eligibility decides for, and its amount is the ``cost`` its file
declares (none for a scheme that pays nothing). For each entity with a scheme that pays, one more measure,
``any_paying_scheme``: eligible for at least one scheme that pays, and the sum of their amounts.

A row's change between the baseline and the reform falls in one of four transitions of eligibility (never
eligible, newly eligible, no longer eligible, eligible under both) and one of five buckets of its amount:

- ``lose_over_5pct``, ``lose_up_to_5pct``, ``no_change``, ``gain_up_to_5pct``, ``gain_over_5pct``, by the
  change relative to the baseline amount, 5 % itself in the smaller bucket;
- an amount that stays the same, 0 included, is ``no_change`` (exactly the same: a reform equal to the
  baseline computes the same float32 values);
- from 0 to a positive amount is ``gain_over_5pct`` (an infinite relative gain), and from a positive amount
  to 0 ``lose_over_5pct`` (-100 %).

A scheme that pays nothing has no amount: its rows are all ``no_change``, and its tables leave the buckets empty.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from openfisca_core.periods import Period
from openfisca_core.simulations import Simulation

from kruger_rules.schemes import schemes

OVERALL = "any_paying_scheme"
OVERALL_LABEL = "Any scheme that pays"
SYSTEMS = ("baseline", "reform")
TRANSITIONS = ("never_eligible", "newly_eligible", "no_longer_eligible", "eligible_in_both")
"""Indexed by 2 × eligible under the baseline + eligible under the reform."""
BUCKETS = ("lose_over_5pct", "lose_up_to_5pct", "no_change", "gain_up_to_5pct", "gain_over_5pct")
SMALL_CHANGE = 0.05


@dataclass(frozen=True)
class Measure:
    """A scheme as a population run measures it, or the measure of every scheme that pays (``parts``)."""

    key: str
    label: str
    entity: str
    eligibility: str | None = None
    amount: str | None = None
    budget: str | None = None
    parts: tuple[str, ...] = ()

    @property
    def pays(self) -> bool:
        return self.amount is not None or bool(self.parts)


@dataclass(frozen=True)
class Values:
    """A measure's values for one system, row by row: eligible or not, and the amount (None if it pays nothing)."""

    eligible: np.ndarray
    amount: np.ndarray | None


def measures(system) -> dict[str, tuple[Measure, ...]]:
    """The measures of each entity that a scheme decides for, in the explanation files' order, then the overall one."""
    found: dict[str, tuple[Measure, ...]] = {}
    for entity, declared in schemes(system).items():
        measured = [Measure(scheme.key, scheme.label, entity, scheme.eligibility, scheme.cost, scheme.budget) for scheme in declared]
        paying = tuple(measure.key for measure in measured if measure.pays)
        if paying:
            measured.append(Measure(OVERALL, OVERALL_LABEL, entity, parts=paying))
        if measured:
            found[entity] = tuple(measured)
    return found


def values(simulation: Simulation | None, period: Period, measured: tuple[Measure, ...], count: int) -> dict[str, Values]:
    """Each measure's values in ``simulation`` (None when the entity has no row: empty arrays)."""
    found: dict[str, Values] = {}
    for measure in measured:
        if measure.parts:
            parts = [found[key] for key in measure.parts]
            eligible = np.logical_or.reduce([part.eligible for part in parts])
            amount = np.sum([part.amount.astype(np.float64) for part in parts if part.amount is not None], axis=0)
            found[measure.key] = Values(eligible, amount)
        elif simulation is None:
            found[measure.key] = Values(np.zeros(count, bool), np.zeros(count, np.float32) if measure.amount else None)
        else:
            assert measure.eligibility is not None
            amount = simulation.calculate(measure.amount, period) if measure.amount else None
            found[measure.key] = Values(np.asarray(simulation.calculate(measure.eligibility, period), dtype=bool), amount)
    return found


def transitions(before: np.ndarray, after: np.ndarray) -> np.ndarray:
    """Each row's transition of eligibility, an index of ``TRANSITIONS``."""
    return before.astype(np.int8) * 2 + after.astype(np.int8)


def buckets(before: np.ndarray | None, after: np.ndarray | None) -> np.ndarray | None:
    """Each row's bucket of the change in its amount, an index of ``BUCKETS`` (see the module's docstring); None: no amount."""
    if before is None or after is None:
        return None
    before, after = before.astype(np.float64), after.astype(np.float64)
    change = after - before
    base = np.abs(before)
    small = np.abs(change) <= SMALL_CHANGE * base
    bucket = np.where(change > 0, np.where(small, 3, 4), np.where(small, 1, 0))
    return np.where(change == 0, 2, bucket).astype(np.int8)
