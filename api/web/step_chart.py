"""A parameter's dated values as a step chart, drawn on the server: the geometry an SVG template draws.

The chart is a picture of the values table beside it, never the only place a value is written:
it carries a title and a description (its text alternative), and its axes say when and how much.
Time runs left to right from the first value's start to a little after the last one's; each value
holds as a flat step until the next takes effect. A yes-or-no switch is drawn between "No" and
"Yes"; a value of None (the parameter's end) leaves a gap. Values that are not numbers or switches
get no chart.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from api.web.explorer import DatedValue
from api.web.formatting import long_date

WIDTH, HEIGHT = 640, 280
TOP, BOTTOM, RIGHT = 16, 40, 24
FONT_SIZE = 16
CHARACTER_WIDTH = 9.5
"""Roughly the width of a character of the axis labels at FONT_SIZE, to leave room for the longest."""
MIN_TAIL = datetime.timedelta(days=365)
MAX_TICKS = 6


@dataclass(frozen=True)
class Tick:
    at: float
    text: str


@dataclass(frozen=True)
class Point:
    x: float
    y: float


@dataclass(frozen=True)
class StepChart:
    width: int
    height: int
    left: float
    top: float
    right: float
    bottom: float
    path: str
    """The steps, as an SVG path's ``d``: a move starts each run of values after a gap."""
    points: tuple[Point, ...]
    """Where each value takes effect."""
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]
    title: str
    description: str


def step_chart(values: Sequence[DatedValue], shown: Callable[[Any], str], title: str) -> StepChart | None:
    """The chart of two or more dated values (oldest first), each value written by ``shown``; None if there is nothing to draw."""
    numbers = [_number(dated.value) for dated in values]
    if len(values) < 2 or any(number is _NOT_A_NUMBER for number in numbers):
        return None
    drawn = [number for number in numbers if number is not None]
    if not drawn:
        return None
    switch = all(isinstance(dated.value, bool) for dated in values if dated.value is not None)
    starts = [datetime.date.fromisoformat(dated.start) for dated in values]
    first, last = starts[0], starts[-1]
    finish = last + max(MIN_TAIL, (last - first) * 0.15)
    y_ticks = _switch_ticks() if switch else _number_ticks(min(drawn), max(drawn), shown)
    low, high = y_ticks[0].at, y_ticks[-1].at
    left = 12 + CHARACTER_WIDTH * max(len(tick.text) for tick in y_ticks)
    right, top, bottom = WIDTH - RIGHT, TOP, HEIGHT - BOTTOM

    def x(day: datetime.date) -> float:
        return round(left + (right - left) * (day - first).days / (finish - first).days, 1)

    def y(value: float) -> float:
        return round(bottom - (bottom - top) * (value - low) / (high - low), 1)

    path: list[str] = []
    points: list[Point] = []
    drawing = False
    for start, end, number in zip(starts, [*starts[1:], finish], numbers, strict=True):
        if number is None:
            drawing = False
            continue
        point = Point(x(start), y(number))
        path.append(f"V{point.y}" if drawing else f"M{point.x},{point.y}")
        path.append(f"H{x(end)}")
        points.append(point)
        drawing = True
    return StepChart(
        width=WIDTH,
        height=HEIGHT,
        left=left,
        top=top,
        right=right,
        bottom=bottom,
        path=" ".join(path),
        points=tuple(points),
        x_ticks=tuple(Tick(x(datetime.date(year, 1, 1)), str(year)) for year in _years(first, finish)),
        y_ticks=tuple(Tick(y(tick.at), tick.text) for tick in y_ticks),
        title=title,
        description=_description(values, shown),
    )


_NOT_A_NUMBER = object()


def _number(value: Any) -> Any:
    """A value as a number to draw: a switch as 0 or 1, None as None, anything else not a number."""
    if value is None:
        return None
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, int | float) and math.isfinite(value):
        return float(value)
    return _NOT_A_NUMBER


def _switch_ticks() -> list[Tick]:
    return [Tick(0.0, "No"), Tick(1.0, "Yes")]


def _number_ticks(least: float, most: float, shown: Callable[[Any], str]) -> list[Tick]:
    """Round values from zero (or the least, if below it) to at least the most, at most five steps."""
    low, high = min(0.0, least), max(0.0, most)
    if high == low:
        high = low + 1
    step = _round_step((high - low) / 4)
    start, stop = math.floor(low / step), math.ceil(high / step)
    return [Tick(at, shown(_plain(at))) for at in (index * step for index in range(start, stop + 1))]


def _round_step(raw: float) -> float:
    magnitude = 10 ** math.floor(math.log10(raw))
    return next(multiple * magnitude for multiple in (1, 2, 2.5, 5, 10) if multiple * magnitude >= raw)


def _plain(number: float) -> int | float:
    """A tick's value as the parameter would hold it: a whole number as an int."""
    return int(number) if float(number).is_integer() else round(number, 10)


def _years(first: datetime.date, finish: datetime.date) -> list[int]:
    """The years whose first day falls on the axis, at most MAX_TICKS of them, evenly spaced."""
    years = list(range(first.year + (first > datetime.date(first.year, 1, 1)), finish.year + 1))
    step = max(1, math.ceil(len(years) / MAX_TICKS))
    return years[::step]


def _description(values: Sequence[DatedValue], shown: Callable[[Any], str]) -> str:
    """The chart in words: each value and the day it took effect."""
    steps = "; ".join(f"{shown(dated.value)} from {long_date(dated.start)}" for dated in values)
    return f"{len(values)} values: {steps}."
