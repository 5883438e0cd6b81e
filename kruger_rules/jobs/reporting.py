"""What a job's work is handed to report its progress, and what it hands back once done: the one contract of every kind.

The work of a kind (``impact_work``, ``batch_work``) runs in the job's process and knows nothing of the queue:
it tells a :class:`Reporter` how far it is (each call renews the job's claim, and stops the work if the claim
is lost), and answers :class:`Finished`, which ``work`` records.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Reporter:
    progress: Callable[[int, int], None]
    """Told the rows done so far and the rows to do."""
    step: Callable[[str], None]
    """Told the stage the work has reached (``tables``, ``charts``, ``report``...)."""


@dataclass(frozen=True)
class Finished:
    manifest: dict[str, Any]
    """What the run left: its ``files`` (name, bytes) and ``about`` (what was run), and what its kind adds."""
    rules_version: str
    rows: int | None = None
    """The rows the run found, for a job whose rows were only estimated at submission."""
