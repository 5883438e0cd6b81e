"""Simulation arrays as JSON values: enum names, ISO dates, and floats written as OpenFisca writes them.

OpenFisca's float variables are 32-bit. Its web API writes each as the shortest decimal that
reads back as the same 32-bit number (0.8, not 0.800000011920929); so does this module, for a
whole array at once rather than one ``str`` per value.
"""

from __future__ import annotations

import datetime
import math

import numpy
from openfisca_core.indexed_enums import EnumArray

EXACT_POWER_OF_TEN = 12
"""A float32 times 10**k is exact in float64 for k up to here (24 + 2.33k bits fit in 53)."""

EXACT_INTEGERS = 2.0**24
"""Whole float32s below this are written as themselves."""

EXACT_QUOTIENTS = 1e15
"""A whole float32 below this divided by a power of ten rounds to the right side of every tie."""

FEW = 32
"""Below this many values, writing each by ``str`` is quicker than the vectorised way."""

MAX_DIGITS = 9
"""Every float32 reads back exactly from 9 significant digits."""


def to_json_values(array) -> list:
    """The array's values as JSON values, in order."""
    if isinstance(array, EnumArray):
        return array.decode_to_str().tolist()
    if numpy.issubdtype(array.dtype, numpy.datetime64):
        return array.astype("datetime64[D]").astype(str).tolist()
    if array.dtype == numpy.float32:
        if len(array) <= FEW:
            return [float(str(value)) for value in array]
        return shortest_floats(array).tolist()
    return array.tolist()


def non_finite_positions(array) -> numpy.ndarray:
    """Positions of NaN or infinite values (none for arrays that are not floats)."""
    if isinstance(array, EnumArray) or not numpy.issubdtype(array.dtype, numpy.floating):
        return numpy.empty(0, dtype=numpy.int64)
    return numpy.flatnonzero(~numpy.isfinite(array))


def shortest_floats(array: numpy.ndarray) -> numpy.ndarray:
    """Float64s equal to ``float(str(x))`` for each float32 ``x``: the shortest decimal that reads back as ``x``.

    Whole numbers below 2**24 are exact already. For the others, each precision from 1 to 9
    digits rounds ``x`` to its nearest decimal of that many digits and keeps the first that
    reads back as ``x``: that is the shortest, and the nearest of its length. The rounding is
    exact where the scaling by a power of ten is; powers of two (uneven rounding interval) and
    values outside that range are written by ``str``, one at a time.
    """
    wide = array.astype(numpy.float64)
    result = wide.copy()
    magnitude = numpy.abs(wide)
    inexact = numpy.isfinite(wide) & ~((wide == numpy.floor(wide)) & (magnitude < EXACT_INTEGERS))
    power_of_two = inexact & (numpy.abs(numpy.frexp(array)[0]) == numpy.float32(0.5))
    pending = inexact & ~power_of_two
    exponent = numpy.zeros(len(wide), dtype=numpy.int64)
    exponent[pending] = numpy.floor(numpy.log10(magnitude[pending])).astype(numpy.int64)
    for digits in range(1, MAX_DIGITS + 1):
        if not pending.any():
            break
        power = digits - 1 - exponent
        up = pending & (power >= 0) & (power <= EXACT_POWER_OF_TEN)
        down = pending & (power < 0) & (magnitude < EXACT_QUOTIENTS)
        candidate = numpy.zeros(len(wide))
        scale = 10.0 ** power[up]
        candidate[up] = numpy.round(wide[up] * scale) / scale
        scale = 10.0 ** -power[down]
        candidate[down] = numpy.round(wide[down] / scale) * scale
        usable = up | down
        settled = usable & (candidate.astype(numpy.float32) == array)
        result[settled] = candidate[settled]
        pending &= ~settled
    for position in numpy.flatnonzero(pending | power_of_two):
        result[position] = float(str(array[position]))
    return result


def json_scalar(value):
    """One value as JSON writes it: a numpy scalar as a Python one, a date as ISO text, a non-finite float as null."""
    if isinstance(value, numpy.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value
