"""``kruger-rules keys create|list|revoke`` on the server's database (KRUGER_DATABASE_URL, on both databases through the fixture
``database_url``, or SQLite in KRUGER_DATA_DIR): the key printed once, a list that never shows a hash, revocation, the refusals."""

from __future__ import annotations

import pytest

from kruger_rules.access import KEY_TEXT, key_hash
from kruger_rules.cli import main
from kruger_rules.store import Database, KeyRing, default_url


@pytest.fixture
def database_url(database_url, monkeypatch):
    """The test's database, as the server's: KRUGER_DATABASE_URL."""
    monkeypatch.setenv("KRUGER_DATABASE_URL", database_url)
    monkeypatch.delenv("KRUGER_KEY_RATE_LIMIT", raising=False)
    return database_url


@pytest.fixture
def ring(database_url):
    database = Database(database_url)
    yield KeyRing(database)
    database.dispose()


def created(capsys, *arguments: str) -> tuple[str, str]:
    """The key ``keys create`` printed, and its warning."""
    assert main(["keys", "create", *arguments]) == 0
    printed = capsys.readouterr()
    return printed.out.strip(), printed.err


def test_create_prints_the_key_alone_once_with_a_warning_apart(database_url, ring, capsys):
    key, warning = created(capsys, "--name", "funder-portal", "--scopes", "record,read,impact", "--rate-limit", "120")
    assert KEY_TEXT.match(key), key
    assert "shown only this once" in warning and key not in warning
    assert warning.startswith("kruger-rules: key 'funder-portal' made (scopes: record, read, impact; 120 requests a minute)")
    found = ring.find(key)
    assert (found.name, found.scopes, found.rate_limit, found.secret_hash) == (
        "funder-portal",
        ["record", "read", "impact"],
        120,
        key_hash(key),
    )


def test_a_key_made_without_scopes_or_a_rate_has_none_and_the_settings_rate(database_url, ring, capsys, monkeypatch):
    key, _ = created(capsys, "--name", "calculator")
    assert (ring.find(key).scopes, ring.find(key).rate_limit) == ([], 600)
    monkeypatch.setenv("KRUGER_KEY_RATE_LIMIT", "30")
    assert ring.find(created(capsys, "--name", "slow")[0]).rate_limit == 30


def test_list_shows_each_key_and_never_a_hash_or_a_key(database_url, ring, capsys):
    assert main(["keys", "list"]) == 0
    assert capsys.readouterr().out == "no keys\n"
    portal, _ = created(capsys, "--name", "portal", "--scopes", "impact")
    other, _ = created(capsys, "--name", "other", "--rate-limit", "5")
    assert main(["keys", "revoke", "other"]) == 0
    capsys.readouterr()
    assert main(["keys", "list"]) == 0
    header, *lines = capsys.readouterr().out.splitlines()
    assert header.split() == ["name", "prefix", "scopes", "rate/min", "created", "revoked"]
    cells = [line.split() for line in lines]
    assert [row[:4] for row in cells] == [
        ["portal", ring.find(portal).prefix, "impact", "600"],
        ["other", ring.find(other).prefix, "-", "5"],
    ]
    assert cells[0][-1] == "-" and cells[1][-1] == "UTC"  # made, not revoked; revoked
    text = "\n".join(lines)
    for key in (portal, other):
        assert key not in text and key_hash(key) not in text and KEY_TEXT.match(key)["secret"] not in text


def test_revoke_refuses_the_key_from_then_on(database_url, ring, capsys):
    key, _ = created(capsys, "--name", "portal", "--scopes", "impact")
    assert ring.find(key).revoked_at is None
    assert main(["keys", "revoke", "portal"]) == 0
    said = capsys.readouterr().out
    assert said.startswith(f"key 'portal' ({ring.find(key).prefix}) revoked at ") and "refused from its next request on" in said
    assert ring.find(key).revoked_at is not None


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["create", "--name", "portal"], "a key is already named 'portal' (revoked keys keep their names)"),
        (["create", "--name", "new", "--scopes", "read,admin"], "unknown scope 'admin': the scopes are record, read, impact"),
        (["create", "--name", "new", "--rate-limit", "0"], "a key's rate limit is at least 1 request a minute, not 0"),
        (["create", "--name", " "], "a key's name is 1 to 100 printable characters, not ''"),
        (["revoke", "nobody"], "no key is named 'nobody'"),
    ],
)
def test_a_command_that_cannot_be_done_says_why_and_changes_nothing(database_url, ring, capsys, arguments, message):
    created(capsys, "--name", "portal")
    assert main(["keys", *arguments]) == 2
    printed = capsys.readouterr()
    assert (printed.out, printed.err) == ("", f"kruger-rules: error: {message}\n")
    assert [(key.name, key.revoked_at) for key in ring.all()] == [("portal", None)]


def test_a_bad_rate_setting_stops_create_with_its_variable(database_url, capsys, monkeypatch):
    monkeypatch.setenv("KRUGER_KEY_RATE_LIMIT", "many")
    assert main(["keys", "create", "--name", "portal"]) == 2
    assert capsys.readouterr().err == "kruger-rules: error: KRUGER_KEY_RATE_LIMIT must be a whole number, not 'many'\n"


def test_without_a_url_the_keys_are_in_the_data_folders_database(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("KRUGER_DATABASE_URL", raising=False)
    monkeypatch.setenv("KRUGER_DATA_DIR", str(tmp_path))
    key, _ = created(capsys, "--name", "portal")
    database = Database(default_url(tmp_path))
    assert KeyRing(database).find(key).name == "portal"
    database.dispose()
