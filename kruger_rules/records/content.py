"""A record's content as canonical JSON, and the hash that seals it.

The hash is SHA-256 over the content's canonical JSON (keys sorted, no spaces, UTF-8): the same content gives
the same hash on every machine and database, and any change to a stored record, one character of its
situation or one digit of an output, gives another. It is computed before the record is stored and checked
each time it is read.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any


def canonical_json(content: Any) -> str:
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def content_hash(content: Any) -> str:
    """``sha256:`` and the hex digest of the content's canonical JSON."""
    return "sha256:" + hashlib.sha256(canonical_json(content).encode()).hexdigest()


def sealed(content: Any, stored_hash: str) -> bool:
    """Whether the content is still what the hash sealed."""
    return content_hash(content) == stored_hash
