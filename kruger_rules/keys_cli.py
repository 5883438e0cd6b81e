"""``kruger-rules keys create|list|revoke``: the API keys of the server's database, managed from its command line.

``create`` prints the new key's text once, on standard output alone (``KEY=$(kruger-rules keys create ...)``),
with a warning on standard error that it is shown only now: the database keeps a hash of it, from which no one
can get it back. ``list`` shows each key's name, prefix, scopes, rate, and when it was made and revoked, never
its hash. ``revoke`` refuses a key from the next request on, on every server of the database. The database is
the server's (``KRUGER_DATABASE_URL``, else SQLite in ``KRUGER_DATA_DIR``), brought up to date first.
"""

from __future__ import annotations

import datetime
import sys
from typing import TYPE_CHECKING

from kruger_rules.access import Scope, parse_scopes
from kruger_rules.db_cli import on_database
from kruger_rules.errors import KrugerError

if TYPE_CHECKING:
    from kruger_rules.store import Database


def add_keys_command(subparsers) -> None:
    """Add ``keys`` and its actions to the ``kruger-rules`` subparsers."""
    keys = subparsers.add_parser(
        "keys",
        help="the API keys: create one, list them, revoke one",
        description="Manage the API keys of the server's database (KRUGER_DATABASE_URL, else SQLite in KRUGER_DATA_DIR). "
        "Only a hash of each key is stored: a key's text is printed once, when it is made.",
    )
    actions = keys.add_subparsers(title="actions", metavar="ACTION", required=True)
    create = actions.add_parser(
        "create",
        help="make a key and print it, once",
        description="Make a key and print it on standard output, once: it cannot be shown again. Any valid key may ask for "
        "calculations where they are keyed; its scopes let it do more.",
    )
    create.add_argument("--name", required=True, help="who or what holds the key, e.g. funder-portal (unique)")
    create.add_argument(
        "--scopes",
        default="",
        help=f"comma-separated, of {', '.join(Scope)}: record decisions, read its records, run impact jobs (default: none)",
    )
    create.add_argument(
        "--rate-limit", type=int, metavar="N", help="requests a minute (default: KRUGER_KEY_RATE_LIMIT, else 600), at least 1"
    )
    create.set_defaults(run=run_create)
    actions.add_parser("list", help="list the keys: name, prefix, scopes, rate, made, revoked").set_defaults(run=run_list)
    revoke = actions.add_parser("revoke", help="refuse a key from now on", description="Refuse the key from its next request on.")
    revoke.add_argument("name", metavar="NAME", help="the key's name")
    revoke.set_defaults(run=run_revoke)


def run_create(arguments) -> int:
    from api.settings import SettingError, Settings
    from kruger_rules.store import KeyRing

    scopes = parse_scopes(arguments.scopes)
    rate_limit = arguments.rate_limit
    if rate_limit is None:
        try:
            rate_limit = Settings.from_env().key_rate_limit
        except SettingError as error:
            raise KrugerError("bad_setting", str(error)) from None

    def create(database: Database) -> str:
        database.migrate()
        key, text = KeyRing(database).create(arguments.name, scopes, rate_limit)
        shown = ", ".join(key.scopes) or "none"
        print(
            f"kruger-rules: key '{key.name}' made (scopes: {shown}; {key.rate_limit} requests a minute). "
            "Keep it now: it is shown only this once, and only a hash of it is stored.",
            file=sys.stderr,
        )
        return text

    return on_database(create)


def run_list(arguments) -> int:
    from kruger_rules.store import KeyRing

    def listed(database: Database) -> str:
        database.migrate()
        rows = [
            [key.name, key.prefix, ",".join(key.scopes) or "-", str(key.rate_limit), moment(key.created_at), moment(key.revoked_at)]
            for key in KeyRing(database).all()
        ]
        return columns(["name", "prefix", "scopes", "rate/min", "created", "revoked"], rows) if rows else "no keys"

    return on_database(listed)


def run_revoke(arguments) -> int:
    from kruger_rules.store import KeyRing

    def revoked(database: Database) -> str:
        database.migrate()
        key = KeyRing(database).revoke(arguments.name)
        return f"key '{key.name}' ({key.prefix}) revoked at {moment(key.revoked_at)}: it is refused from its next request on"

    return on_database(revoked)


def moment(value: datetime.datetime | None) -> str:
    return f"{value:%Y-%m-%d %H:%M:%S} UTC" if value is not None else "-"


def columns(headers: list[str], rows: list[list[str]]) -> str:
    """A plain table, one line per row, each column as wide as its widest cell: for a terminal and for grep alike."""
    widths = [max(len(cell) for cell in column) for column in zip(headers, *rows, strict=True)]
    return "\n".join("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip() for line in [headers, *rows])
