"""``kruger-rules db upgrade|current|downgrade REV``: the database's schema by hand, on the database the server uses.

The server migrates its database at start-up, so ``upgrade`` is for those who would rather do it beforehand (a
deployment step, before servers start on a new version); ``current`` says where the database stands;
``downgrade`` takes it back to an older revision before an older version is run on it. The database is the
server's: ``KRUGER_DATABASE_URL``, else SQLite in ``KRUGER_DATA_DIR``, read as the server reads them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from kruger_rules.errors import KrugerError

if TYPE_CHECKING:
    from kruger_rules.store import Database


def add_db_command(subparsers) -> None:
    """Add ``db`` and its actions to the ``kruger-rules`` subparsers."""
    db = subparsers.add_parser(
        "db",
        help="the database's schema: bring it up to date, say where it stands, take it back",
        description="Manage the schema of the server's database (KRUGER_DATABASE_URL, else SQLite in KRUGER_DATA_DIR). "
        "The server brings it up to date at start-up by itself.",
    )
    actions = db.add_subparsers(title="actions", metavar="ACTION", required=True)
    actions.add_parser("upgrade", help="bring the schema to the newest revision").set_defaults(run=run_upgrade)
    actions.add_parser("current", help="print the revision the database is at, and the newest").set_defaults(run=run_current)
    back = actions.add_parser(
        "downgrade",
        help="take the schema back to an older revision",
        description="Take the schema back to REV; what later revisions' tables and columns held is lost.",
    )
    back.add_argument("revision", metavar="REV", help="a revision id (kruger-rules db current names them), or base: no table at all")
    back.set_defaults(run=run_downgrade)


def settings_database() -> Database:
    """The server's database, as its settings name it (not opened yet)."""
    from api.settings import SettingError, Settings
    from kruger_rules.store import Database

    try:
        url = Settings.from_env().database
    except SettingError as error:
        raise KrugerError("bad_setting", str(error)) from None
    return Database(url)


def on_database(action: Callable[[Database], str]) -> int:
    """Run ``action`` on the server's database and print what it says; a database error as a one-line message."""
    from alembic.util import CommandError
    from sqlalchemy.exc import SQLAlchemyError

    from kruger_rules.store import shown_url

    database = settings_database()
    try:
        print(action(database))
    except (SQLAlchemyError, CommandError, ValueError) as error:
        reason = getattr(error, "orig", None) or error
        raise KrugerError("database_error", f"the database {shown_url(database.url)}: {reason}") from None
    finally:
        database.dispose()
    return 0


def run_upgrade(arguments) -> int:
    from kruger_rules.store.migrations import head

    def up(database: Database) -> str:
        database.migrate()
        return f"at {head()}, the newest revision"

    return on_database(up)


def run_current(arguments) -> int:
    from kruger_rules.store.migrations import current, head

    def where(database: Database) -> str:
        found = current(database.engine)
        newest = head()
        if found == newest:
            return f"at {found}, the newest revision"
        return f"at {found or 'no revision'}; the newest is {newest} (kruger-rules db upgrade)"

    return on_database(where)


def run_downgrade(arguments) -> int:
    from kruger_rules.store.migrations import current, downgrade

    def back(database: Database) -> str:
        downgrade(database.engine, arguments.revision)
        return f"at {current(database.engine) or 'no revision (base)'}"

    return on_database(back)
