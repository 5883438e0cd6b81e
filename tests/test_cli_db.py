"""``kruger-rules db``: where the server's database stands, brought up to date, taken back; on SQLite and on PostgreSQL."""

from __future__ import annotations

import pytest

from kruger_rules.cli import main
from kruger_rules.store.migrations import ADOPTED, head


@pytest.fixture
def server_database(database_url, monkeypatch):
    """The database the server's settings name, as the command reads them."""
    monkeypatch.setenv("KRUGER_DATABASE_URL", database_url)
    return database_url


def test_the_db_command_says_where_the_database_stands_and_moves_it(server_database, capsys):
    assert main(["db", "current"]) == 0
    assert capsys.readouterr().out == f"at no revision; the newest is {head()} (kruger-rules db upgrade)\n"
    assert main(["db", "upgrade"]) == 0
    assert capsys.readouterr().out == f"at {head()}, the newest revision\n"
    assert main(["db", "current"]) == 0
    assert capsys.readouterr().out == f"at {head()}, the newest revision\n"
    assert main(["db", "downgrade", ADOPTED]) == 0
    assert capsys.readouterr().out == f"at {ADOPTED}\n"
    assert main(["db", "downgrade", "base"]) == 0
    assert capsys.readouterr().out == "at no revision (base)\n"


def test_a_revision_the_database_cannot_go_to_is_a_one_line_error(server_database, capsys):
    assert main(["db", "downgrade", "0999_nothing"]) == 2
    error = capsys.readouterr().err
    assert error.startswith("kruger-rules: error: the database ") and "0999_nothing" in error and error.count("\n") == 1


def test_a_bad_database_setting_is_named(monkeypatch, capsys):
    monkeypatch.setenv("KRUGER_DATABASE_URL", "sqlite://")
    assert main(["db", "current"]) == 2
    assert "KRUGER_DATABASE_URL must be a database file" in capsys.readouterr().err
