"""Freed memory handed back to the system between chunks, so that a long run's footprint follows its chunk, not its file.

A chunk's columns and simulations are freed when the next chunk starts, but glibc's allocator keeps the freed
pages in its arenas, fragmented among the many sizes a chunk allocates: a batch of two million rows then peaked
116 MB above one of a million. ``malloc_trim`` returns them, as Dask's workers do (``distributed``'s memory
trimming); elsewhere than glibc it is not there and nothing is done.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools


@functools.cache
def _malloc_trim():
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name).malloc_trim if name else None
    except (OSError, AttributeError):
        return None


def release_freed_memory() -> None:
    """Hand the allocator's free pages back to the system (glibc only)."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
