"""API keys without the API: what a key's text is, that only its hash is stored and it is compared in constant time, the key
ring on both databases (the fixture ``database_url``), and the token bucket that holds each key to its rate."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import inspect, text

from kruger_rules import access
from kruger_rules.access import KEY_TEXT, RateLimiter, Scope, key_hash, key_prefix, new_key, parse_scopes
from kruger_rules.errors import KrugerError
from kruger_rules.store import ApiKey, KeyRing

# --- A key's text ---


def test_a_new_key_is_kr_prefix_secret_and_only_its_sha256_is_kept_of_it():
    made = new_key()
    found = KEY_TEXT.match(made.text)
    assert found is not None and found["prefix"] == made.prefix and made.text.startswith(f"kr_{made.prefix}_")
    assert made.secret_hash == hashlib.sha256(made.text.encode()).hexdigest() == key_hash(made.text)
    assert found["secret"] not in made.secret_hash


def test_keys_are_random_each_time():
    made = [new_key() for _ in range(50)]
    assert len({key.text for key in made}) == len({key.prefix for key in made}) == 50


@pytest.mark.parametrize(
    "text",
    ["", "kr_", "kr_abc_def", "nope", "Bearer kr_0123456789ab_" + "a" * 43, "kr_0123456789AB_" + "a" * 43, "kr_0123456789ab_" + "a" * 42],
)
def test_text_that_is_not_a_key_has_no_prefix(text):
    assert key_prefix(text) is None


def test_a_key_prefix_is_read_from_its_text():
    made = new_key()
    assert key_prefix(made.text) == made.prefix


def test_scopes_are_read_from_a_comma_separated_list_each_once_in_order():
    assert parse_scopes("impact, record,impact,") == [Scope.RECORD, Scope.IMPACT]
    assert parse_scopes("") == []
    with pytest.raises(KrugerError, match="unknown scope 'admin': the scopes are record, read, impact"):
        parse_scopes("read,admin")


# --- The key ring ---


def test_the_database_keeps_the_hash_and_the_prefix_never_the_key_or_its_secret(database):
    key, key_text = KeyRing(database).create("portal", [Scope.IMPACT, Scope.RECORD], 60)
    secret = KEY_TEXT.match(key_text)["secret"]
    with database.engine.connect() as connection:
        (row,) = connection.execute(text("SELECT * FROM api_keys")).mappings().all()
    stored = " ".join(str(value) for value in row.values())
    assert key_text not in stored and secret not in stored
    assert row["secret_hash"] == hashlib.sha256(key_text.encode()).hexdigest()
    assert (row["name"], row["prefix"], row["rate_limit"], key.scopes) == ("portal", key.prefix, 60, ["record", "impact"])


def test_a_key_is_found_by_its_text_and_by_nothing_else(database):
    ring = KeyRing(database)
    key, key_text = ring.create("portal", [Scope.READ], 10)
    other, other_text = ring.create("other", [], 10)
    assert ring.find(key_text).id == key.id and ring.find(other_text).id == other.id
    assert ring.find(key_text[:-1] + ("A" if key_text[-1] != "A" else "B")) is None  # its prefix, another secret
    assert ring.find(new_key().text) is None
    assert ring.find(key.secret_hash) is None and ring.find(key.prefix) is None


def test_the_stored_hash_is_compared_in_constant_time(database, monkeypatch):
    _, key_text = KeyRing(database).create("portal", [], 10)
    compared = []

    def compare_digest(a, b):
        compared.append((a, b))
        return a == b

    monkeypatch.setattr(access.hmac, "compare_digest", compare_digest)
    assert KeyRing(database).find(key_text) is not None
    assert compared == [(key_hash(key_text), key_hash(key_text))]


def test_keys_sharing_a_prefix_are_told_apart_by_their_hash(database):
    ring = KeyRing(database)
    first, first_text = ring.create("first", [], 10)
    twin_text = f"kr_{first.prefix}_{'b' * 43}"
    with database.transaction() as session:  # a prefix met twice: 1 chance in 2^48 a pair, but it must still work
        session.add(ApiKey(name="twin", prefix=first.prefix, secret_hash=key_hash(twin_text), scopes=[], rate_limit=10))
    assert ring.find(first_text).name == "first" and ring.find(twin_text).name == "twin"


def test_a_revoked_key_is_still_found_with_the_moment_it_was_revoked(database):
    ring = KeyRing(database)
    _, key_text = ring.create("portal", [Scope.IMPACT], 10)
    revoked = ring.revoke("portal")
    assert revoked.revoked_at is not None
    assert ring.find(key_text).revoked_at == revoked.revoked_at
    assert ring.revoke("portal").revoked_at == revoked.revoked_at  # revoked once: the first moment stays


def test_keys_are_listed_oldest_first_revoked_ones_too(database):
    ring = KeyRing(database)
    for name in ["a", "b", "c"]:
        ring.create(name, [], 10)
    ring.revoke("b")
    assert [(key.name, key.revoked_at is not None) for key in ring.all()] == [("a", False), ("b", True), ("c", False)]


@pytest.mark.parametrize(
    ("name", "rate", "code"),
    [("portal", 10, "key_name_taken"), ("", 10, "bad_key_name"), ("x" * 101, 10, "bad_key_name"), ("tab\there", 10, "bad_key_name")]
    + [("new", 0, "bad_rate_limit")],
)
def test_a_key_that_cannot_be_made_is_refused_with_the_reason(database, name, rate, code):
    KeyRing(database).create("portal", [], 10)
    with pytest.raises(KrugerError) as refused:
        KeyRing(database).create(name, [], rate)
    assert refused.value.code == code
    assert [key.name for key in KeyRing(database).all()] == ["portal"]


def test_revoking_an_unknown_key_says_so(database):
    with pytest.raises(KrugerError, match="no key is named 'nobody'"):
        KeyRing(database).revoke("nobody")


def test_a_job_names_the_key_that_submitted_it_by_a_named_foreign_key(database):
    (foreign_key,) = inspect(database.engine).get_foreign_keys("impact_jobs")
    assert (foreign_key["name"], foreign_key["constrained_columns"], foreign_key["referred_table"]) == (
        "fk_impact_jobs_key_id_api_keys",
        ["key_id"],
        "api_keys",
    )
    prefix_index = [index for index in inspect(database.engine).get_indexes("api_keys") if index["name"] == "ix_api_keys_prefix"]
    assert [index["column_names"] for index in prefix_index] == [["prefix"]]


# --- The rate ---


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_key_may_burst_to_its_rate_then_waits_for_a_token():
    clock = Clock()
    limiter = RateLimiter(clock)
    assert [limiter.wait(1, 60) for _ in range(60)] == [0.0] * 60
    assert limiter.wait(1, 60) == pytest.approx(1.0)
    clock.now += 0.25
    assert limiter.wait(1, 60) == pytest.approx(0.75)  # a refused request takes no token


def test_the_bucket_refills_at_the_rate_and_no_further_than_full():
    clock = Clock()
    limiter = RateLimiter(clock)
    for _ in range(2):
        limiter.wait(7, 2)
    assert limiter.wait(7, 2) == pytest.approx(30.0)  # 2 a minute: one token every 30 s
    clock.now += 30
    assert limiter.wait(7, 2) == 0.0 and limiter.wait(7, 2) == pytest.approx(30.0)
    clock.now += 3600  # an hour idle fills the bucket to 2, not 120
    assert [limiter.wait(7, 2) == 0.0 for _ in range(3)] == [True, True, False]


def test_each_key_has_its_own_bucket():
    limiter = RateLimiter(Clock())
    assert limiter.wait(1, 1) == 0.0 and limiter.wait(1, 1) > 0
    assert limiter.wait(2, 1) == 0.0
