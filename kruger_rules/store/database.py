"""A database URL opened once: its engine, its sessions, and its schema brought up to date.

SQLite is a file (``sqlite:///path``): its path is made absolute when opened, so that a worker process in
another folder opens the same file, and its folder is made if need be. Every SQLite connection is set to
WAL mode (readers never wait for the one writer, and a writer never blocks readers) and waits up to
``SQLITE_BUSY_SECONDS`` for a write lock instead of failing. An in-memory SQLite database is refused: it
would be lost at a restart, and no other process could see it.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import URL, Engine, create_engine, event, make_url
from sqlalchemy.orm import Session, sessionmaker

from kruger_rules.store.migrations import upgrade

SQLITE_FILE = "kruger-rules.sqlite3"
"""The database's file in the data folder when no URL is given."""

SQLITE_BUSY_SECONDS = 30
"""How long a SQLite connection waits for another's write to end."""

WAL_RETRY_SECONDS = 0.05
"""How often a new SQLite connection asks again for WAL mode while the database is locked."""


def default_url(data_dir: Path) -> str:
    """SQLite in the data folder."""
    return URL.create("sqlite", database=str(Path(data_dir).resolve() / SQLITE_FILE)).render_as_string()


def shown_url(url: str) -> str:
    """The URL as a message may show it: its password hidden."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # an unreadable URL may still hold a password (before an @): show none of it then
        return "(an unreadable URL)" if "@" in url else url


def checked_url(url: str) -> URL:
    """The URL parsed, its dialect and driver known and installed, an SQLite file's path absolute; a ``ValueError`` saying why not."""
    try:
        parsed = make_url(url)
    except Exception:
        raise ValueError("a database URL such as sqlite:////var/lib/kruger-rules/db.sqlite3 or postgresql+psycopg://user@host/db") from None
    try:
        parsed.get_dialect().import_dbapi()
    except Exception as error:
        raise ValueError(f"a database URL whose dialect and driver are installed ({error})") from None
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database in ("", ":memory:") or database.startswith("file::memory:") or parsed.query.get("mode") == "memory":
            raise ValueError("a database file: an in-memory SQLite database would lose every job at a restart")
        parsed = parsed.set(database=str(Path(database).expanduser().resolve()))
    return parsed


def sqlite_settings(connection: Any, record: Any) -> None:
    """WAL mode, and foreign keys enforced, on every new SQLite connection."""
    cursor = connection.cursor()
    wal_mode(cursor)
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def wal_mode(cursor: Any) -> None:
    """Set WAL mode, trying again for up to ``SQLITE_BUSY_SECONDS`` while the database is locked.

    A connection that asks for the mode while another process holds a write lock (one making a new database's
    tables, say) is refused at once: SQLite does not wait there, as waiting could deadlock.
    """
    deadline = time.monotonic() + SQLITE_BUSY_SECONDS
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(WAL_RETRY_SECONDS)


class Database:
    """One database: its engine and its session factory. Cheap to make; nothing is opened until first used."""

    def __init__(self, url: str) -> None:
        parsed = checked_url(url)
        self.url = parsed.render_as_string(hide_password=False)
        options: dict[str, Any] = {"pool_pre_ping": True}
        if parsed.get_backend_name() == "sqlite":
            Path(parsed.database or "").parent.mkdir(parents=True, exist_ok=True)
            options = {"connect_args": {"timeout": SQLITE_BUSY_SECONDS}}
        self.engine: Engine = create_engine(parsed, **options)
        if parsed.get_backend_name() == "sqlite":
            event.listen(self.engine, "connect", sqlite_settings)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose work is committed at the end of the block, or rolled back if it raises."""
        with self.sessions.begin() as session:
            yield session

    def migrate(self) -> None:
        """Bring the schema up to date (:mod:`kruger_rules.store.migrations`): every table made or altered as the newest
        revision says, one process at a time; a ``ValueError`` if a table made before migrations lacks a column."""
        upgrade(self.engine)

    def dispose(self) -> None:
        self.engine.dispose()
