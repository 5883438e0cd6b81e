"""The databases the store's tests run on: the fixture ``database_url``, once on SQLite and once on PostgreSQL.

SQLite is a file in the test's own folder. PostgreSQL is a database made for the test alone (``CREATE DATABASE``
with a name of its own, so that tests running side by side never meet) on the server that
``KRUGER_TEST_POSTGRES_URL`` names, and dropped after it, closing whatever connection the test left open.
``source scripts/postgres.sh start`` starts such a server and sets the variable; ``.ci/run`` does so for CI.
Without the variable the PostgreSQL cases are skipped, saying so; under CI (``CI=true``) they fail instead,
so that a CI that lost its server cannot pass on SQLite alone.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, make_url
from sqlalchemy.pool import NullPool

from kruger_rules.store import Database, default_url

POSTGRES_SERVER = "KRUGER_TEST_POSTGRES_URL"
"""The variable naming a PostgreSQL server's maintenance database (``postgresql+psycopg://postgres@127.0.0.1:PORT/postgres``)."""


def postgres_server() -> str:
    url = os.environ.get(POSTGRES_SERVER, "").strip()
    if not url:
        reason = f"{POSTGRES_SERVER} is unset: no PostgreSQL server to test on (source scripts/postgres.sh start)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{reason}; CI must test on PostgreSQL too (.ci/run starts a server)", pytrace=False)
        pytest.skip(reason)
    return url


def fresh_postgres_database(server_url: str) -> Iterator[str]:
    """The URL of a new, empty database on the server, dropped (its connections ended) when the generator closes."""
    name = f"kruger_test_{uuid.uuid4().hex[:16]}"
    server = create_engine(server_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        with server.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
        with server.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE "{name}" WITH (FORCE)')
    finally:
        server.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    """An empty database's URL: a SQLite file in the test's folder, or a PostgreSQL database of the test's own."""
    if request.param == "sqlite":
        yield default_url(tmp_path)
    else:
        yield from fresh_postgres_database(postgres_server())


@pytest.fixture
def database(database_url) -> Iterator[Database]:
    """The database at ``database_url``, migrated to the newest revision; disposed of after the test."""
    opened = Database(database_url)
    opened.migrate()
    yield opened
    opened.dispose()
