"""The search of one variable's values for those that make a criterion pass, a round at a time.

A search proposes values and is told which passed, round after round (each round is one
vectorised simulation for every search together). A boolean or a category tries every other
value once. A number tries the values it is compared with (each ± one step) and a grid, then
bisects each edge between failing and passing values, then tries the roundest number at each
edge. A date is a number of days: it tries offsets from its own value and from the dates it is
compared with, then bisects each edge to the day; "no date" is tried apart, as the input left
empty. What a search finds is data, an ``Option``; ``kruger_rules.counterfactual_text`` words it.
"""

from __future__ import annotations

import datetime
import enum
from abc import ABC, abstractmethod
from dataclasses import dataclass

import numpy
from openfisca_core.indexed_enums import Enum

from kruger_rules import units
from kruger_rules.counterfactual_options import BooleanNeed, CategoryNeed, Condition, DateNeed, NumberNeed, Operator, Option, Target
from kruger_rules.dates import NO_DATE, day_date, day_number
from kruger_rules.dependencies import is_input
from kruger_rules.situations import FIRST_DATE, INT32

BISECTION_POINTS = 31
"""Values tried inside an edge in one round: they cut it in 32, five halvings for one simulation."""

MAX_BISECTION_ROUNDS = 8
"""Rounds of bisection an edge may take. The widest edge is an integer's whole range, under 2**31:
at 5 bits a round, 7 rounds narrow it to one. A float's edge, narrowed to a millionth of its
size, takes fewer. One round is spare."""

MAX_ROUNDS = 1 + MAX_BISECTION_ROUNDS + 1
"""Rounds a search may take: the grid, the bisections, the check of the roundest numbers."""

RELATIVE_STEP = 1e-6
"""One step from a number, relative to its size (or from 1 below it). Tried either side of a
compared value, it tells a strict bound from an inclusive one. It is about eight float32
spacings (2**-23 of the size), so the value a step away is another float32, and a millionth is
finer than any form asks."""

FLOAT_CEILING = 1e12
"""The largest float tried: far beyond any amount the rules compare with, and small enough that a
step (1e6 there) is still wider than the spacing of float32s (65,536 there)."""

GRID_FACTORS = (0, 0.1, 0.25, 0.5, 0.9, 1.1, 1.5, 2, 4, 10, 100)
"""Multiples of the current value tried first: close either side, so that a threshold near it is
bracketed tightly, and out to nothing and a hundredfold, so that a far one is reached."""

RATIO_GRID = tuple(step / 20 for step in range(21))
"""Shares tried first, every 0.05 from 0 to 1: the rules' shares are round (a half, a quarter),
so the grid meets them, and an edge it leaves is 0.05 wide at most."""

POWERS_OF_TEN = tuple(10.0**power for power in range(10))
"""Amounts and counts tried first, 1 to 10**9: a threshold of any scale is bracketed within a
factor of ten (an int32 holds up to 2.1e9)."""

FLOAT64_DIGITS = 15
"""Significant decimal digits a float64 holds exactly: the longest a roundest number is written."""

EXACT_OFFSETS = (0, 1)
"""Days tried either side of a day a rule may turn on: the day itself and the day beside it, which tell a
strict bound from an inclusive one."""

DAY_OFFSETS = (*EXACT_OFFSETS, 7, 30, 91, 365, 1096, 3653)
"""Days tried either side of the date searched and of each date it is compared with: beyond the day
beside it, a week, a month, a quarter, a year, three and ten years, so that a period of any of those
lengths is bracketed and left to bisection."""

NO_DAY = day_number(NO_DATE)
""""No date" as a count of days: the input's missing value, never a day on the line searched."""

FIRST_DAY, LAST_DAY = day_number(FIRST_DATE), day_number(datetime.date.max)
"""The days a situation can give, from year 1 to 9999-12-31: both are tried, so that a run of passing days
that ends beyond the grid is seen to end, and is bisected to the day."""


@dataclass(frozen=True)
class Bases:
    """What a criterion compares with, where each search's grid starts."""

    numbers: list[float]
    """The parameters' values and the numbers the criterion reads."""
    dates: list[int]
    """The dates the criterion reads and the date inputs beneath it, as day numbers (no date left out)."""
    days: list[int]
    """Other days a rule may turn on, each tried with the days beside it: the period's first and last, each day a
    parameter read takes a value."""
    anchor: int
    """The day a date with no date is searched from: the period's first."""


class Stage(enum.Enum):
    """Where a search is. Each stage but the last is one or more rounds of tries.

    GRID: the first round; a choice tries every other value, a number its compared values and a grid.
    BISECT: a number's edges between failing and passing values are narrowed.
    CHECK: the roundest number within each edge is tried, so that the bound is one a form would give.
    DONE: nothing more to try; the option is known.
    """

    GRID = enum.auto()
    BISECT = enum.auto()
    CHECK = enum.auto()
    DONE = enum.auto()


class Search(ABC):
    """A search of one target's values: it proposes values, round after round, and is told which passed."""

    def __init__(self, variable, target: Target, yours) -> None:
        self.variable, self.target, self.yours = variable, target, yours
        self.stage = Stage.GRID

    @abstractmethod
    def first_values(self) -> list:
        """The values of the first round (the grid stage)."""

    @abstractmethod
    def next_values(self) -> list:
        """The values of the next round, given the outcomes recorded so far; none when the search is done."""

    @abstractmethod
    def record(self, value, passed: bool) -> None:
        """Whether a value tried made the criterion pass."""

    @abstractmethod
    def found(self) -> bool:
        """Whether some value makes the criterion pass."""

    @abstractmethod
    def option(self) -> Option:
        """What the variable needs, when ``found()``."""


def search_for(variable, target: Target, current, bases: Bases) -> Search | None:
    """The search suited to a variable's type, or none for a type no value is tried for (text).

    A computed date with no date is not tried: it has none because the dates it is computed from have none,
    and those inputs, tried themselves, are what a form can ask.
    """
    if variable.value_type is bool:
        return ChoiceSearch(variable, target, current, [not current])
    if variable.value_type is Enum:
        return ChoiceSearch(variable, target, current, [item.name for item in variable.possible_values if item.name != current])
    if variable.value_type in (int, float):
        return ThresholdSearch(variable, target, current, bases.numbers)
    if variable.value_type is datetime.date and (is_input(variable) or day_number(current) != NO_DAY):
        return DateSearch(variable, target, current, bases)
    return None


class ChoiceSearch(Search):
    """A boolean or a category: every other value is tried once."""

    def __init__(self, variable, target: Target, current, values: list) -> None:
        super().__init__(variable, target, current)
        self.values = values
        self.passing: list = []

    def first_values(self) -> list:
        return list(self.values)

    def next_values(self) -> list:
        self.stage = Stage.DONE
        return []

    def record(self, value, passed: bool) -> None:
        if passed:
            self.passing.append(value)

    def found(self) -> bool:
        return bool(self.passing)

    def option(self) -> Option:
        if self.variable.value_type is bool:
            need: BooleanNeed | CategoryNeed = BooleanNeed(self.passing[0])
        else:
            need = CategoryNeed(tuple(name for name in self.values if name in self.passing))
        return Option(self.variable, self.target, self.yours, need)


class ThresholdSearch(Search):
    """A number: the values it is compared with and a grid are tried, then each edge is bisected.

    The edge nearest the current value is searched in both directions; the passing run beyond
    it may end, which gives a second condition (``between 10 and 20``). The search is anchored at
    the current value; an anchor that passes (a date searched from the period, having none) gives
    both ends of its passing run instead.
    """

    def __init__(self, variable, target: Target, current, bases: list[float]) -> None:
        super().__init__(variable, target, current)
        self.integer = variable.value_type is int
        self.ratio = units.is_ratio(variable)
        self.current = float(current)
        self.anchor = self.current
        self.results: dict[float, bool] = {self.current: False}
        self.low, self.high = self._domain()
        self.bases = bases
        self.edges: list[list[float]] = []
        self.conditions: list[tuple[Operator, float]] = []
        self.checks: dict[int, float] = {}
        self.rounds = 0

    def _domain(self) -> tuple[float, float]:
        ceiling = float(INT32.max) if self.integer else FLOAT_CEILING
        low = 0.0 if self.current >= 0 else max(-ceiling, self.current * 10)
        high = max(1.0, self.current) if self.ratio else ceiling
        return low, high

    def _fit(self, value: float) -> float:
        value = min(max(value, self.low), self.high)
        return float(round(value)) if self.integer else float(numpy.float32(value))

    def _step(self, value: float) -> float:
        return 1.0 if self.integer else max(1.0, abs(value)) * RELATIVE_STEP

    def first_values(self) -> list[float]:
        candidates = set()
        for base in [*self.bases, self.current]:
            for value in (base - self._step(base), base, base + self._step(base)):
                candidates.add(self._fit(value))
        grid = RATIO_GRID if self.ratio else POWERS_OF_TEN
        candidates |= {self._fit(value) for value in grid}
        candidates |= {self._fit(self.current * factor) for factor in GRID_FACTORS}
        return sorted(value for value in candidates if value not in self.results)

    def record(self, value, passed: bool) -> None:
        self.results[float(value)] = passed

    def next_values(self) -> list[float]:
        if self.stage is Stage.GRID:
            self.stage = Stage.BISECT
            self.edges = self._edges_from_grid()
        if self.stage is Stage.BISECT:
            values = self._bisection_values()
            if values:
                return values
            self.stage = Stage.CHECK
            self.checks = {index: self._roundest(edge) for index, edge in enumerate(self.edges)}
            values = sorted(set(self.checks.values()) - set(self.results))
            if values:
                return values
        self.finish()
        return []

    def _bisection_values(self) -> list[float]:
        """Values inside each edge still too wide, while rounds remain."""
        for edge in self.edges:
            self._narrow(edge)
        wide = [edge for edge in self.edges if not self._narrow_enough(edge)]
        values = sorted({value for edge in wide for value in self._between(edge)} - set(self.results))
        if values and self.rounds < MAX_BISECTION_ROUNDS:
            self.rounds += 1
            return values
        return []

    def finish(self) -> None:
        """The conditions, from the edges found so far (a bound unchecked counts as included)."""
        if self.stage is Stage.DONE:
            return
        for edge in self.edges:
            self._narrow(edge)
        self.conditions = []
        for index, edge in enumerate(self.edges):
            value = self.checks.get(index)
            if value is None or value not in self.results:
                value = edge[0] if self.results[edge[0]] else edge[1]
            self.conditions.append(self._condition(edge, value))
        self.stage = Stage.DONE

    def _edges_from_grid(self) -> list[list[float]]:
        """The nearest change of outcome on the way to a passing value, and where that run ends."""
        values = sorted(self.results)
        here = values.index(self.anchor)
        if self.results[self.anchor]:
            return [edge for direction in (-1, 1) if (edge := self._run_end(values, here, direction))]
        best = None
        for direction in (1, -1):
            index = here + direction
            while 0 <= index < len(values) and not self.results[values[index]]:
                index += direction
            if 0 <= index < len(values) and (best is None or abs(values[index] - self.current) < abs(best[1] - self.current)):
                best = (direction, values[index], index)
        if best is None:
            return []
        direction, _, index = best
        edges = [[values[index - direction], values[index]]]
        end = self._run_end(values, index, direction)
        return edges + [end] if end else edges

    def _run_end(self, values: list[float], index: int, direction: int) -> list[float] | None:
        """The edge where the passing run through ``values[index]`` ends, going one way, if it ends among the values."""
        while 0 <= index + direction < len(values) and self.results[values[index + direction]]:
            index += direction
        if 0 <= index + direction < len(values):
            return [values[index], values[index + direction]]
        return None

    def _narrow(self, edge: list[float]) -> None:
        """Move an edge's ends to the closest tried values that still differ in outcome."""
        near, far = edge
        outcome = self.results[near]
        inside = sorted((v for v in self.results if min(near, far) < v < max(near, far)), reverse=far < near)
        for value in inside:
            if self.results[value] != outcome:
                edge[1] = value
                return
            edge[0] = value

    def _narrow_enough(self, edge: list[float]) -> bool:
        width = abs(edge[1] - edge[0])
        return width <= 1 if self.integer else width <= 2 * self._step(max(abs(edge[0]), abs(edge[1])))

    def _between(self, edge: list[float]) -> list[float]:
        low, high = sorted(edge)
        values = numpy.linspace(low, high, BISECTION_POINTS + 2)[1:-1]
        return [v for v in {self._fit(value) for value in values} if low < v < high]

    def _roundest(self, edge: list[float]) -> float:
        """The number with fewest significant digits between an edge's ends, ends included.

        It is kept as written (0.1, not its 32-bit neighbour): the simulation rounds it to 32
        bits as it rounds an input, so it is tried exactly as a form would give it.
        """
        low, high = sorted(edge)
        if self.integer:
            return edge[0] if self.results[edge[0]] else edge[1]
        candidates = {low, high}
        for value in (low, high, (low + high) / 2):
            candidates |= {float(f"{value:.{digits}g}") for digits in range(1, FLOAT64_DIGITS + 1)}
        inside = [value for value in candidates if low <= self._fit(value) <= high]
        return min(inside, key=lambda value: (_significant_digits(value), abs(value)))

    def _condition(self, edge: list[float], value: float) -> tuple[Operator, float]:
        """The comparison an edge stands for: the passing side, bound included if the value passes."""
        passing_end = edge[0] if self.results[edge[0]] else edge[1]
        failing_end = edge[1] if passing_end == edge[0] else edge[0]
        upward = passing_end > failing_end
        included = self.results.get(value, False)
        if upward:
            return (">=" if included else ">", value)
        return ("<=" if included else "<", value)

    def found(self) -> bool:
        self.finish()
        return bool(self.conditions)

    def option(self) -> Option:
        conditions = tuple(Condition(operator, int(value) if self.integer else value) for operator, value in self._lower_first())
        return Option(self.variable, self.target, self.yours, NumberNeed(conditions))

    def _lower_first(self) -> list[tuple[Operator, float]]:
        return sorted(self.conditions, key=lambda condition: condition[0][0] != ">")


class DateSearch(ThresholdSearch):
    """A date, as its number of days: a number's search, with a grid of days and no roundest stage.

    The grid is offsets in days from the date (the period's first day when it has none) and from
    each date the criterion reads, and the days either side of the period's ends and of each day its
    parameters change, and the first and last days a situation can give; each edge is then bisected
    to the day, where it is exact, so no rounder day is looked for. "No date" is the input's
    missing value, off the line of days: it is tried on its own, and proposed only if it passes; a
    date with none is searched from the period's first day. A bound is the day that passes (``on
    or after``, ``on or before``), unless the day beside it that fails is a date the criterion
    reads and the passing one is not: then that date, as the rule has it (``before`` the listing's
    end).
    """

    def __init__(self, variable, target: Target, current, bases: Bases) -> None:
        day = day_number(current)
        super().__init__(variable, target, day, [])
        self.integer = True  # days are whole: an edge closes at one day, and a bound is a day tried
        self.given = day != NO_DAY
        self.yours = current if self.given else None
        self.compared = {float(date) for date in bases.dates} - {float(day)}
        self.starts: list[float] = [float(date) for date in bases.dates]
        self.days = bases.days
        self.no_date_passes = False
        if not self.given:
            self.results, self.anchor = {}, float(bases.anchor)
        self.starts.append(self.anchor)

    def _domain(self) -> tuple[float, float]:
        return float(FIRST_DAY), float(LAST_DAY)

    def first_values(self) -> list:
        grid = [(start, DAY_OFFSETS) for start in self.starts] + [(day, EXACT_OFFSETS) for day in self.days]
        days = {self._fit(start + sign * offset) for start, offsets in grid for offset in offsets for sign in (1, -1)}
        days |= set(self._domain())
        tried = sorted(days - {NO_DAY} - set(self.results))
        return [day_date(day) for day in tried] + ([NO_DATE] if self.given else [])

    def next_values(self) -> list:
        return [day_date(day) for day in super().next_values()]

    def record(self, value, passed: bool) -> None:
        day = day_number(value)
        if day == NO_DAY:
            self.no_date_passes = passed
        else:
            self.results[float(day)] = passed

    def _between(self, edge: list[float]) -> list[float]:
        return [day for day in super()._between(edge) if day != NO_DAY]

    def _condition(self, edge: list[float], value: float) -> tuple[Operator, float]:
        passing, failing = edge if self.results[edge[0]] else edge[::-1]
        upward = passing > failing
        if failing in self.compared and passing not in self.compared:
            return (">" if upward else "<", failing)
        return (">=" if upward else "<=", passing)

    def found(self) -> bool:
        self.finish()
        return bool(self.conditions) or self.no_date_passes or self._every_day_passes()

    def _every_day_passes(self) -> bool:
        return not self.edges and all(self.results.values())

    def option(self) -> Option:
        days = tuple(Condition(operator, day_date(value)) for operator, value in self._lower_first())
        passing = days if days or self._every_day_passes() else None
        return Option(self.variable, self.target, self.yours, DateNeed(passing, self.no_date_passes))


def _significant_digits(value: float) -> int:
    mantissa = f"{abs(value):.{FLOAT64_DIGITS}g}".split("e")[0].replace(".", "").strip("0")
    return len(mantissa)
