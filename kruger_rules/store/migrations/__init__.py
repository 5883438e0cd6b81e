"""The schema's history as Alembic revisions, and the one way to run them: on a connection that holds the schema's lock.

Each revision is a file in ``versions/`` named by its fixed id (``0001_jobs``, then the next's, each naming the
one before as ``down_revision``), written from the models in :mod:`kruger_rules.store`; a test checks that the
newest revision's schema is the models' exactly. The environment (``env.py``) runs them on the connection given
here, so there is no ``alembic.ini`` and no URL on disk: the scripts are found beside this file, in the source
tree and in an installed wheel alike.

Servers that start together migrate one after the other: each first takes a lock that lasts as long as its
migration's transaction (on PostgreSQL an advisory lock, on SQLite the database's write lock, ``BEGIN IMMEDIATE``,
waited for up to the busy timeout), and the later ones then find nothing left to do. On both, a migration that
fails leaves the schema as it was. A database made before migrations (its jobs table there, no
``alembic_version``) is stamped with the revision that made that table, then brought up to date.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, func, inspect, select

from kruger_rules.store.base import Base

FOLDER = Path(__file__).resolve().parent

ADOPTED = "0001_jobs"
"""The revision whose schema a database made before migrations has: the jobs table alone."""

MIGRATION_LOCK = 0x6B72_6D69
"""The PostgreSQL advisory lock that one migration holds at a time."""


def alembic_config(connection: Connection) -> Config:
    """Alembic's configuration, made here instead of read from a file: the scripts beside this module, and the connection to run on."""
    config = Config()
    config.set_main_option("script_location", str(FOLDER))
    config.attributes["connection"] = connection
    return config


def head() -> str:
    """The newest revision's id."""
    return ScriptDirectory(str(FOLDER)).get_current_head() or ""


def current(engine: Engine) -> str | None:
    """The revision the database is at; None before any (a new database, or one made before migrations)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision`` (the newest by default); a ``ValueError`` if a table still lacks a model's column then."""
    with locked(engine) as connection:
        config = alembic_config(connection)
        if made_before_migrations(connection):
            command.stamp(config, ADOPTED)
        command.upgrade(config, revision)
        if revision == "head":
            check_columns(connection)


def downgrade(engine: Engine, revision: str) -> None:
    """Take the schema back to ``revision`` (``base``: no table at all); what a later revision's tables held is lost."""
    with locked(engine) as connection:
        command.downgrade(alembic_config(connection), revision)


@contextmanager
def locked(engine: Engine) -> Iterator[Connection]:
    """A connection in a transaction that holds the schema's lock, committed at the end of the block (rolled back if it raises).

    SQLite checks no foreign key while the transaction lasts, as its own advice for rebuilding tables says (a
    batch migration copies a table, drops it and renames the copy, and dropping a table that others refer to
    would fail or cascade), and checks them all before the commit instead.
    """
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")  # outside a transaction, or SQLite ignores it
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        elif connection.dialect.name == "postgresql":
            connection.execute(select(func.pg_advisory_xact_lock(MIGRATION_LOCK)))
        try:
            yield connection
            if sqlite and (broken := connection.exec_driver_sql("PRAGMA foreign_key_check").first()) is not None:
                raise ValueError(f"the migration left a row of {broken[0]} whose foreign key refers to no row of {broken[2]}")
            connection.commit()
        finally:
            connection.rollback()
            if sqlite:
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")


def made_before_migrations(connection: Connection) -> bool:
    inspector = inspect(connection)
    return inspector.has_table("impact_jobs") and not inspector.has_table("alembic_version")


def check_columns(connection: Connection) -> None:
    """A ``ValueError`` naming a table that lacks a model's column: one made by a version older than any revision, stamped as
    if it were complete. Refused at start-up, not at each request."""
    inspector = inspect(connection)
    for table in Base.metadata.sorted_tables:
        found = {column["name"] for column in inspector.get_columns(table.name)}
        missing = [column.name for column in table.columns if column.name not in found]
        if missing:
            raise ValueError(
                f"its table {table.name} has no column {', '.join(missing)}: it was made by a version of kruger-rules older "
                "than its migrations; move it aside (its jobs are then forgotten) or give another database"
            )
