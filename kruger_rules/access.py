"""API keys as text, and how fast each may be used: what a key is, what it may do, and when it must wait.

A key is ``kr_<prefix>_<secret>``: the prefix (12 hexadecimal digits) is stored as it is, so that a key is
found by an index without reading every row; the secret (43 characters of ``secrets.token_urlsafe``, 256
bits) is never stored. The database keeps only the SHA-256 of the whole text: one who reads the database
cannot call the API with what they read. A plain hash suffices where a password would need a slow one,
since no one can guess 256 random bits, and the stored hash is compared in constant time, so that the
time of an answer says nothing of how much of a guess was right.

Each key has a rate, in requests per minute: :class:`RateLimiter` keeps a bucket of that many tokens per
key, a request takes one, and they come back evenly over the minute, so that a key may burst to its rate
and then goes at its rate.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import re
import secrets
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from kruger_rules.errors import KrugerError

KEY_MARK = "kr"
"""How every key starts: a key pasted where it should not be is recognised (and a secret scanner can look for it)."""

PREFIX_BYTES = 6
"""12 hexadecimal digits: enough that two keys' prefixes almost never meet (each key is still checked by its hash)."""

SECRET_BYTES = 32
"""256 random bits, 43 characters of URL-safe base64."""

KEY_TEXT = re.compile(rf"^{KEY_MARK}_(?P<prefix>[0-9a-f]{{{2 * PREFIX_BYTES}}})_(?P<secret>[A-Za-z0-9_-]{{43}})$")
"""A key's text, as :func:`new_key` makes it."""

SECONDS_PER_MINUTE = 60


class Scope(enum.StrEnum):
    """What a key may do, beyond the calculations any valid key may ask for."""

    RECORD = "record"
    """Record decisions."""
    READ = "read"
    """Read and replay its own records."""
    IMPACT = "impact"
    """Submit impact jobs and read its own."""


@dataclass(frozen=True)
class NewKey:
    """A key just made: its text, shown once and never again, and what is stored of it."""

    text: str
    prefix: str
    secret_hash: str


def new_key() -> NewKey:
    prefix = secrets.token_hex(PREFIX_BYTES)
    text = f"{KEY_MARK}_{prefix}_{secrets.token_urlsafe(SECRET_BYTES)}"
    return NewKey(text, prefix, key_hash(text))


def key_hash(text: str) -> str:
    """The SHA-256 of a key's text, in hexadecimal: all the database keeps of it."""
    return hashlib.sha256(text.encode()).hexdigest()


def key_prefix(text: str) -> str | None:
    """The prefix of a key's text; None if the text is not a key's (so that nothing is looked up for it)."""
    found = KEY_TEXT.match(text)
    return found["prefix"] if found else None


def hash_matches(text: str, secret_hash: str) -> bool:
    """Whether ``text`` is the key whose hash is stored, compared in constant time."""
    return hmac.compare_digest(key_hash(text), secret_hash)


def parse_scopes(text: str) -> list[Scope]:
    """The scopes of a comma-separated list (``record,read,impact``), each once, in the enumeration's order."""
    names = {name.strip() for name in text.split(",") if name.strip()}
    unknown = sorted(names - set(Scope))
    if unknown:
        raise KrugerError("unknown_scope", f"unknown scope '{unknown[0]}': the scopes are {', '.join(Scope)}")
    return sorted_scopes(names)


def sorted_scopes(names: Iterable[str]) -> list[Scope]:
    given = set(names)
    return [scope for scope in Scope if scope in given]


@dataclass
class Bucket:
    tokens: float
    at: float


class RateLimiter:
    """A token bucket per key, in this process: a key may make ``per_minute`` requests at once, then one per 60/``per_minute`` s."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.lock = threading.Lock()
        self.buckets: dict[int, Bucket] = {}

    def wait(self, key_id: int, per_minute: int) -> float:
        """0 if key ``key_id`` may make a request now (a token is taken), else the seconds until it may."""
        with self.lock:
            now = self.clock()
            bucket = self.buckets.setdefault(key_id, Bucket(per_minute, now))
            bucket.tokens = min(per_minute, bucket.tokens + (now - bucket.at) * per_minute / SECONDS_PER_MINUTE)
            bucket.at = now
            if bucket.tokens >= 1:
                bucket.tokens -= 1
                return 0.0
            return (1 - bucket.tokens) * SECONDS_PER_MINUTE / per_minute
