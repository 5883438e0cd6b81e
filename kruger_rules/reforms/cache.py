"""The reformed systems built so far: a bounded LRU keyed by each reform's canonical JSON.

The cache starts with room for ``DEFAULT_CACHE_SIZE`` systems; the API sizes it from its
settings at start-up (``configure_cache``).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

DEFAULT_CACHE_SIZE = 64


class SystemCache:
    """A bounded LRU of reformed systems by canonical reform; each built once, outside the lock."""

    def __init__(self, size: int) -> None:
        if size < 1:
            raise ValueError("the reform cache holds at least one system")
        self.size = size
        self._systems: OrderedDict[str, Any] = OrderedDict()
        self._building: dict[str, Future] = {}
        self._lock = threading.Lock()
        self.builds = 0

    def __len__(self) -> int:
        return len(self._systems)

    def keys(self) -> list[str]:
        with self._lock:
            return list(self._systems)

    def clear(self) -> None:
        with self._lock:
            self._systems.clear()

    def get(self, key: str, build: Callable[[], Any]) -> Any:
        with self._lock:
            if key in self._systems:
                self._systems.move_to_end(key)
                return self._systems[key]
            pending = self._building.get(key)
            owner = pending is None
            if pending is None:
                pending = self._building[key] = Future()
        if not owner:
            return pending.result()
        try:
            system = build()
        except BaseException as error:
            with self._lock:
                del self._building[key]
            pending.set_exception(error)
            raise
        with self._lock:
            self._systems[key] = system
            while len(self._systems) > self.size:
                self._systems.popitem(last=False)
            del self._building[key]
            self.builds += 1
        pending.set_result(system)
        return system


_cache = SystemCache(DEFAULT_CACHE_SIZE)


def system_cache() -> SystemCache:
    return _cache


def configure_cache(size: int) -> SystemCache:
    """Replace the reform cache by an empty one of ``size`` systems."""
    global _cache
    _cache = SystemCache(size)
    return _cache


def use_cache(cache: SystemCache) -> None:
    """Put back a cache that ``system_cache()`` gave, as a test does after a smaller one."""
    global _cache
    _cache = cache
