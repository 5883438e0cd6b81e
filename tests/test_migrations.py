"""The schema's migrations, each test on SQLite and on PostgreSQL: every revision up, then down to nothing and up again;
the newest revision's schema is the models' exactly (so a revision that forgets a column, an index or a constraint
fails here); a database made before migrations is stamped and brought up to date with its rows; and servers that
start together on a new database migrate it once, all of them without error."""

from __future__ import annotations

import datetime
import subprocess
import sys

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import CheckConstraint, MetaData, Table, inspect, text

from kruger_rules.store import Base, Database, JobQueue, JobStatus
from kruger_rules.store.migrations import ADOPTED, FOLDER, current, downgrade, head, upgrade

SERVERS = 3
"""Processes migrating one new database at once."""


@pytest.fixture
def database(database_url):
    opened = Database(database_url)
    yield opened
    opened.dispose()


def revisions() -> list[str]:
    """Every revision's id, oldest first."""
    return [script.revision for script in reversed(list(ScriptDirectory(str(FOLDER)).walk_revisions()))]


def tables(database: Database) -> set[str]:
    return set(inspect(database.engine).get_table_names())


def schema_differences(database: Database) -> list:
    """What Alembic finds between the database and the models (tables, columns and their types, nullability, indexes,
    unique and foreign keys), and the check constraints, which it does not compare, by name."""
    with database.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}), Base.metadata)
        inspector = inspect(connection)
        for table in Base.metadata.sorted_tables:
            modelled = {str(constraint.name) for constraint in table.constraints if isinstance(constraint, CheckConstraint)}
            found = {check["name"] for check in inspector.get_check_constraints(table.name)}
            if modelled != found:
                differences.append(("check constraints", table.name, sorted(modelled), sorted(found)))
    return differences


def test_the_revisions_go_up_one_by_one_down_to_nothing_and_up_again(database):
    assert revisions()[0] == ADOPTED and revisions()[-1] == head()
    for revision in revisions():
        upgrade(database.engine, revision)
        assert current(database.engine) == revision
    assert tables(database) == set(Base.metadata.tables) | {"alembic_version"}
    for revision in reversed(revisions()[:-1]):
        downgrade(database.engine, revision)
        assert current(database.engine) == revision
    downgrade(database.engine, "base")
    assert current(database.engine) is None and tables(database) == {"alembic_version"}
    database.migrate()
    assert current(database.engine) == head() and schema_differences(database) == []


def test_the_newest_revision_makes_the_schema_of_the_models(database):
    database.migrate()
    assert schema_differences(database) == []
    database.migrate()  # a second time: nothing left to do
    assert current(database.engine) == head()


def test_a_database_made_before_migrations_is_stamped_and_brought_up_to_date_with_its_rows(database):
    upgrade(database.engine, ADOPTED)  # the jobs table as the server made it before it had migrations ...
    submitted = datetime.datetime(2024, 3, 1, 12, 0, tzinfo=datetime.UTC)
    with database.engine.begin() as connection:
        connection.execute(text("DROP TABLE alembic_version"))  # ... with no trace of Alembic
        jobs = Table("impact_jobs", MetaData(), autoload_with=connection)
        connection.execute(
            jobs.insert(),
            [
                {
                    "id": f"{number:032x}",
                    "kind": "impact",
                    "status": "done",
                    "submitted_at": submitted,
                    "period": "2024",
                    "reform": {"name": "current_law", "parameters": {}},
                    "reform_label": "current_law",
                    "population": {"source": "sample", "organisation_rows": 10},
                    "rows_total": 10,
                    "rows_done": 10,
                    "attempts": 1,
                    "manifest": {"files": []},
                }
                for number in (1, 2)
            ],
        )
    assert current(database.engine) is None

    database.migrate()
    assert current(database.engine) == head() and schema_differences(database) == []
    kept = JobQueue(database).get(f"{2:032x}")
    assert (kept.status, kept.submitted_at, kept.reform, kept.manifest) == (
        JobStatus.DONE,
        submitted,
        {"name": "current_law", "parameters": {}},
        {"files": []},
    )
    assert JobQueue(database).count(JobStatus.DONE) == 2


MIGRATE = """
import sys
from kruger_rules.store import Database
database = Database(sys.argv[1])
print("ready", flush=True)
sys.stdin.readline()
database.migrate()
database.dispose()
"""


def test_servers_starting_together_on_a_new_database_migrate_it_once_without_error(database, database_url):
    servers = [
        subprocess.Popen([sys.executable, "-c", MIGRATE, database_url], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        for _ in range(SERVERS)
    ]
    for server in servers:  # every one imported and ready: then all are let go at once
        assert server.stdout.readline() == "ready\n"
    for server in servers:
        server.stdin.write("go\n")
        server.stdin.flush()
    for server in servers:
        server.communicate(timeout=120)
    assert [server.returncode for server in servers] == [0] * SERVERS
    assert current(database.engine) == head() and schema_differences(database) == []
