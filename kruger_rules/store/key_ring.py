"""The keys in the database: the one place that reads and writes the ``api_keys`` table.

A key is found from its text by its prefix (an index), then proved by its hash, compared in constant time;
a revoked key is still found, so that it is refused as revoked rather than as unknown. Every lookup reads
the database, so that a key revoked by the command line is refused by every server at its next request.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from kruger_rules.access import Scope, hash_matches, key_prefix, new_key, sorted_scopes
from kruger_rules.errors import KrugerError, shortened
from kruger_rules.store.api_keys import NAME_LENGTH, ApiKey
from kruger_rules.store.base import utc_now
from kruger_rules.store.database import Database


class KeyRing:
    def __init__(self, database: Database) -> None:
        self.database = database

    def create(self, name: str, scopes: Iterable[Scope], rate_limit: int) -> tuple[ApiKey, str]:
        """A new key, and its text: the only time the text exists outside its holder's hands."""
        name = checked_name(name)
        if rate_limit < 1:
            raise KrugerError("bad_rate_limit", f"a key's rate limit is at least 1 request a minute, not {rate_limit}")
        made = new_key()
        key = ApiKey(name=name, prefix=made.prefix, secret_hash=made.secret_hash, scopes=list(sorted_scopes(scopes)), rate_limit=rate_limit)
        try:
            with self.database.transaction() as session:
                session.add(key)
        except IntegrityError:
            raise KrugerError("key_name_taken", f"a key is already named '{name}' (revoked keys keep their names)") from None
        return key, made.text

    def find(self, text: str) -> ApiKey | None:
        """The key whose text this is, revoked or not; None if there is none (or the text is not a key's)."""
        prefix = key_prefix(text)
        if prefix is None:
            return None
        with self.database.sessions() as session:
            candidates = session.scalars(select(ApiKey).where(ApiKey.prefix == prefix)).all()
        return next((key for key in candidates if hash_matches(text, key.secret_hash)), None)

    def get(self, key_id: int) -> ApiKey | None:
        """The key of an id a record keeps (a job's ``key_id``), revoked or not."""
        with self.database.sessions() as session:
            return session.get(ApiKey, key_id)

    def all(self) -> list[ApiKey]:
        """Every key, revoked ones too, oldest first."""
        with self.database.sessions() as session:
            return list(session.scalars(select(ApiKey).order_by(ApiKey.created_at, ApiKey.id)))

    def revoke(self, name: str) -> ApiKey:
        """Revoke the key named ``name`` from now on (a key revoked before keeps the moment it was revoked)."""
        with self.database.transaction() as session:
            session.execute(update(ApiKey).where(ApiKey.name == name, ApiKey.revoked_at.is_(None)).values(revoked_at=utc_now()))
            key = session.scalar(select(ApiKey).where(ApiKey.name == name))
        if key is None:
            raise KrugerError("no_such_key", f"no key is named '{shortened(name)}'")
        return key


def checked_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > NAME_LENGTH or not name.isprintable():
        raise KrugerError("bad_key_name", f"a key's name is 1 to {NAME_LENGTH} printable characters, not '{shortened(name)}'")
    return name
