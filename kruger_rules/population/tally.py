"""A chunk's per-row results summed into partial aggregates that add up, chunk by chunk, to the population's.

For each entity, one array ``(group, measure, column)``: the groups are those of every dimension one after
the other (``Layout``), the columns the weighted count of rows in each of the 20 states (a transition of
eligibility × a bucket of the change in the amount, ``measures.py``) and the weighted sums of the amount
under the baseline and under the reform.

Sums are taken in fixed point, as 64-bit integers: each row's weighted value is rounded to a whole number of
units (1 / 2**24 of an organisation, procurement or place; 1 / 2**16 of a pound), and sums of integers are
exact whatever their order. So chunked and unchunked runs agree to the bit, and partial aggregates combine by
plain addition, on any number of workers. A row's rounding is at most half a unit; a group holds up to
2**63 units (half a trillion organisations; £140 trillion), and a row's amount beyond that is an error.

Rows are first summed by place and by organisation type (one pass per measure over the rows), then places
are rolled up to regions, deciles and local authorities: a dimension costs a pass over the places, not over
the rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from kruger_rules.errors import KrugerError
from kruger_rules.population.chunks import Places
from kruger_rules.population.measures import BUCKETS, TRANSITIONS, Values, buckets, transitions

COUNT_SCALE = 2.0**24
AMOUNT_SCALE = 2.0**16
LIMIT = 2.0**62
STATES = len(TRANSITIONS) * len(BUCKETS)
AMOUNT_BASELINE, AMOUNT_REFORM = STATES, STATES + 1
WIDTH = STATES + 2
DECILES = 10
DIMENSIONS = ("england", "region", "imd_decile", "cni_decile", "organisation_type", "local_authority")
"""The groups totals are given for. A place has no organisation type; a procurement is placed by its commissioner."""


@dataclass(frozen=True)
class Layout:
    """How many groups each dimension has, and where its groups start in a totals array."""

    regions: int
    organisation_types: int
    local_authorities: int

    @cached_property
    def sizes(self) -> dict[str, int]:
        counts = (1, self.regions, DECILES, DECILES, self.organisation_types, self.local_authorities)
        return dict(zip(DIMENSIONS, counts, strict=True))

    @cached_property
    def offsets(self) -> dict[str, int]:
        starts = np.cumsum([0, *self.sizes.values()])
        return {name: int(start) for name, start in zip(DIMENSIONS, starts[:-1], strict=True)}

    @cached_property
    def groups(self) -> int:
        return sum(self.sizes.values())

    def span(self, dimension: str) -> slice:
        return slice(self.offsets[dimension], self.offsets[dimension] + self.sizes[dimension])


@dataclass
class Totals:
    """Partial aggregates by entity, as integers in fixed point: they combine by addition."""

    arrays: dict[str, np.ndarray] = field(default_factory=dict)

    def __add__(self, other: Totals) -> Totals:
        added = dict(self.arrays)
        for key, array in other.arrays.items():
            added[key] = added[key] + array if key in added else array
        return Totals(added)


def fixed(values: np.ndarray, scale: float) -> np.ndarray:
    """Values as whole numbers of units of ``1 / scale``, or an error if one is too large to add up exactly."""
    scaled = np.rint(values * scale)
    if len(scaled) and not (np.abs(scaled) < LIMIT).all():
        raise KrugerError("result_too_large", "an amount or a weight is too large to total: check the weights and the reform's values")
    return scaled.astype(np.int64)


def tally(
    weight: np.ndarray, place: np.ndarray, kind: np.ndarray | None, found: list[tuple[Values, Values]], places: Places, layout: Layout
) -> np.ndarray:
    """One entity's partial aggregates: rows of ``weight``, each in ``place`` (a row of ``places``) and of ``kind``.

    ``found`` holds, per measure, its baseline and reform values; ``kind`` is None for an entity without an
    organisation type (its groups of that dimension stay 0).
    """
    units = fixed(weight, COUNT_SCALE)
    amounts = [tuple(None if value.amount is None else fixed(weight * value.amount, AMOUNT_SCALE) for value in pair) for pair in found]
    by_place = sums(units, amounts, place, len(places), found)
    totals = np.zeros((layout.groups, len(found), WIDTH), dtype=np.int64)
    totals[layout.span("england")] = by_place.sum(axis=0)
    rolled = {
        "region": places.inputs["region"],
        "imd_decile": places.inputs["imd_decile"] - 1,
        "cni_decile": places.inputs["cni_decile"] - 1,
        "local_authority": places.local_authority,
    }
    for dimension, group in rolled.items():
        totals[layout.span(dimension)] = roll_up(by_place, group, layout.sizes[dimension])
    if kind is not None:
        totals[layout.span("organisation_type")] = sums(units, amounts, kind, layout.organisation_types, found)
    return totals


def sums(units: np.ndarray, amounts: list, group: np.ndarray, groups: int, found: list[tuple[Values, Values]]) -> np.ndarray:
    """Per group of rows, per measure: the weighted count of rows in each state and the weighted amounts."""
    out = np.zeros((groups, len(found), WIDTH), dtype=np.int64)
    group = group.astype(np.int64)
    for index, (before, after) in enumerate(found):
        bucket = buckets(before.amount, after.amount)
        state = transitions(before.eligible, after.eligible) * len(BUCKETS) + (2 if bucket is None else bucket)
        out[:, index, :STATES] = added(group * STATES + state, units, groups * STATES).reshape(groups, STATES)
        for column, amount in zip((AMOUNT_BASELINE, AMOUNT_REFORM), amounts[index], strict=True):
            if amount is not None:
                out[:, index, column] = added(group, amount, groups)
    return out


def added(key: np.ndarray, values: np.ndarray, length: int) -> np.ndarray:
    """``values`` added up by ``key`` into ``length`` integers (exact, unlike ``bincount``'s float64)."""
    out = np.zeros(length, dtype=np.int64)
    np.add.at(out, key, values)
    return out


def roll_up(by_place: np.ndarray, group: np.ndarray, groups: int) -> np.ndarray:
    """Places' sums added up by ``group`` (one value per place), in one pass."""
    places, width = by_place.shape[0], by_place.shape[1] * by_place.shape[2]
    key = group.astype(np.int64)[:, None] * width + np.arange(width)
    return added(key.ravel(), by_place.reshape(places, width).ravel(), groups * width).reshape(groups, *by_place.shape[1:])
