"""The checker's result recorded by a funder's officer: their API key typed into the result's form, checked as the API checks
it, the decision stored by the records service the API uses, and the result's address with its record id to follow (303),
which shows the id once the store has it as a decision of these answers, and reloads without recording again; an id that
is not such a record is said to be none; every refused key answered on its field with the API's status, nothing stored,
the answers kept and the key never written back."""

from __future__ import annotations

import html
import logging
import re
from urllib.parse import parse_qs, parse_qsl, urlencode, urlsplit

import pytest
from api_support import BASE_URL, api_key, bearer
from fastapi.testclient import TestClient
from sqlalchemy import text
from test_web_checker import ANSWERS, FORM, SUMMARY_LINK, YEAR, hidden, walk

from api.app import create_app
from api.settings import Settings
from api.web import recording
from api.web.checker import State
from kruger_rules.store import Database, KeyRing, default_url
from kruger_rules.system import rules_version

RECORD_ID = re.compile(r'<code class="kr-record-id"[^>]*>([0-9a-f]{32})</code>')
SCHEME_SECTIONS = re.compile(r'<section class="kr-scheme.*?</section>', re.S)


@pytest.fixture
def database_url(tmp_path) -> str:
    """The records are stored by the same service on both databases (tests/test_api_decisions.py): SQLite is enough here."""
    return default_url(tmp_path)


@pytest.fixture
def client(tmp_path, database_url):
    settings = Settings(data_dir=tmp_path, database_url=database_url, max_impact_jobs=0)
    with TestClient(create_app(settings), base_url=BASE_URL) as running:
        yield running


@pytest.fixture(scope="module")
def result_address() -> str:
    """The result's address for a MatchTrade check answered in full."""
    _, address = walk(["match_trade"], ANSWERS)
    return address.replace("/check/answers", "/check/result")


def state_pairs(address: str) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(address).query)


def record(client: TestClient, address: str, key: str):
    pairs = [*state_pairs(address), ("api_key", key)]
    return client.post("/check/result", content=urlencode(pairs), headers=FORM, follow_redirects=False)


def recorded(client: TestClient, address: str, key: str) -> tuple[str, str]:
    """The result recorded with ``key``: the address the record is redirected to, and the page there."""
    response = record(client, address, key)
    assert response.status_code == 303
    location = response.headers["location"]
    return location, client.get(location).text


def not_a_record(record_id: str) -> str:
    return f'Record <code style="overflow-wrap: anywhere;">{record_id}</code> is not a record of these answers'


def stored_records(database_url: str) -> int:
    with Database(database_url).engine.connect() as connection:
        return connection.execute(text("SELECT count(*) FROM decision_records")).scalar_one()


def test_the_result_offers_a_form_to_record_it_with_a_password_field(client, result_address):
    page = client.get(result_address).text
    form = re.search(r'<form method="post" action="/check/result" novalidate>.*?</form>', page, re.S)[0]
    assert '<input class="govuk-input govuk-input--width-30" id="api_key" name="api_key" type="password" autocomplete="off"' in form
    assert hidden(form) == state_pairs(result_address)  # the answers travel with the key, in hidden fields
    assert "Record this decision</button>" in form and "No: a funder's officer can record it below" in page


def test_a_key_with_the_scope_record_records_the_result_and_the_page_shows_its_id(client, result_address, database_url, caplog):
    key = api_key(database_url, "officer", "record,read")
    with caplog.at_level(logging.DEBUG):
        location, page = recorded(client, result_address, key)
    [record_id] = RECORD_ID.findall(page)
    assert urlsplit(location).path == "/check/result" and state_pairs(location) == [*state_pairs(result_address), ("record", record_id)]
    assert key not in location
    assert "Decision recorded" in page and f"GET /api/v1/decisions/{record_id}" in page
    assert 'href="/redoc#tag/Decisions/operation/get_record_api_v1_decisions__id__get"' in page
    assert 'name="api_key"' not in page and "Record this decision</button>" not in page  # recorded once: no form again
    assert key not in page and key not in caplog.text and key.split("_", 2)[2] not in page
    # the printable decision: the record id beside the rules version, in the list the print stylesheet keeps
    decision = re.search(r"<h2 class=\"govuk-heading-m\">This decision</h2>\s*<dl.*?</dl>", page, re.S)[0]
    assert rules_version() in decision and record_id in decision and "kr-no-print" not in decision

    stored = client.get(f"/api/v1/decisions/{record_id}", headers=bearer(key)).json()
    assert stored["organisation"] == "your_organisation" and stored["made_by"] == "key officer"
    assert stored["situation"] == State.read(state_pairs(result_address)).situation() and stored["period"] == YEAR
    assert stored["rules_version"] == rules_version() and stored_records(database_url) == 1


def test_recording_changes_neither_the_answers_nor_the_result(client, result_address, database_url):
    shown = client.get(result_address).text
    _, page = recorded(client, result_address, api_key(database_url, "officer", "record,read"))
    assert SCHEME_SECTIONS.findall(page) == SCHEME_SECTIONS.findall(shown)
    change = re.search(r'<a class="govuk-link" href="(/check/answers\?[^"]+)">Change your answers</a>', page)[1]
    assert state_pairs(change.replace("&amp;", "&")) == state_pairs(result_address)
    [record_id] = RECORD_ID.findall(page)
    key = api_key(database_url, "reader", "read")
    assert client.get(f"/api/v1/decisions/{record_id}", headers=bearer(key)).status_code == 404  # another key's record


def test_reloading_the_recorded_result_records_nothing_again(client, result_address, database_url):
    location, page = recorded(client, result_address, api_key(database_url, "officer", "record"))
    [record_id] = RECORD_ID.findall(page)
    for _ in range(3):
        again = client.get(location)
        assert again.status_code == 200 and RECORD_ID.findall(again.text) == [record_id] and "Decision recorded" in again.text
    assert stored_records(database_url) == 1


def test_an_id_that_is_no_record_of_these_answers_is_not_shown_as_recorded(client, result_address, database_url):
    key = api_key(database_url, "officer", "record")
    other_answers = result_address.replace("total_income=82000", "total_income=90000")
    _, other_page = recorded(client, other_answers, key)
    [of_other_answers] = RECORD_ID.findall(other_page)
    _, page = recorded(client, result_address, key)
    [of_these] = RECORD_ID.findall(page)
    with Database(database_url).engine.begin() as connection:  # a record changed after it was sealed fails its check
        connection.execute(text("UPDATE decision_records SET content_hash = :spoilt WHERE id = :id"), {"spoilt": "0" * 64, "id": of_these})
    unknown = "0123456789abcdef" * 2
    for named in (unknown, of_other_answers, of_these, "<b>forged</b>"):
        response = client.get(f"{result_address}&record={named}")
        assert response.status_code == 200  # the result itself is sound: only the id is refused
        shown = response.text
        assert not RECORD_ID.findall(shown) and "Decision recorded" not in shown and "Record this decision</button>" in shown
        assert not_a_record(html.escape(named)) in shown and "<b>forged</b>" not in shown
        assert "No: a funder's officer can record it below" in shown
    assert stored_records(database_url) == 2


def test_a_record_of_these_answers_under_other_rules_is_not_shown_as_recorded(client, result_address, database_url, monkeypatch):
    location, _ = recorded(client, result_address, api_key(database_url, "officer", "record"))
    monkeypatch.setattr(recording, "rules_version", lambda: "a later version")
    [record_id] = parse_qs(urlsplit(location).query)["record"]
    page = client.get(location).text
    assert not RECORD_ID.findall(page) and not_a_record(record_id) in page


def test_good_ids_beside_a_forged_one_are_shown_and_the_forged_one_refused(client, result_address, database_url):
    key = api_key(database_url, "officer", "record")
    first, second = (parse_qs(urlsplit(recorded(client, result_address, key)[0]).query)["record"][0] for _ in range(2))
    page = client.get(f"{result_address}&record={first}&record=forged&record={second}&record={first}").text
    assert RECORD_ID.findall(page) == [first, second]  # two records of the same answers, each shown once
    assert not_a_record("forged") in page and page.count("is not a record of") == 1


def test_an_address_has_at_most_its_first_ids_looked_up(client, result_address, database_url, monkeypatch):
    key = api_key(database_url, "officer", "record")
    good = parse_qs(urlsplit(recorded(client, result_address, key)[0]).query)["record"][0]
    looked_up = []
    real = recording.of_these_answers
    monkeypatch.setattr(
        recording, "of_these_answers", lambda book, record_id, *rest: looked_up.append(record_id) or real(book, record_id, *rest)
    )
    forged = [f"forged-{number}" for number in range(recording.MAX_RECORD_IDS + 5)]
    page = client.get(result_address + "".join(f"&record={record_id}" for record_id in [*forged, good])).text
    assert looked_up == forged[: recording.MAX_RECORD_IDS]
    assert RECORD_ID.findall(page) == [] and page.count("is not a record of") == len(forged) + 1


@pytest.mark.parametrize(
    ("scopes", "revoked", "written", "status", "message"),
    [
        ("record", False, "", 401, "Enter your API key"),
        ("record", False, "kr_not_a_key", 401, "Enter an API key this service made, as it was given to you: this one is not recognised"),
        ("read,impact", False, None, 403, "This API key cannot record decisions: enter a key with the scope record"),
        ("record", True, None, 401, "This API key has been revoked: enter a key in use"),
    ],
)
def test_a_key_that_cannot_record_is_an_error_on_its_field_and_nothing_is_stored(
    client, result_address, database_url, scopes, revoked, written, status, message
):
    key = api_key(database_url, "officer", scopes)
    if revoked:
        KeyRing(Database(database_url)).revoke("officer")
    response = record(client, result_address, key if written is None else written)
    assert response.status_code == status and "WWW-Authenticate" in response.headers
    page = response.text
    assert SUMMARY_LINK.findall(page) == [("#api_key", message)] and "<title>Error: Your result" in page
    assert f'<p id="api_key-error" class="govuk-error-message"><span class="govuk-visually-hidden">Error:</span> {message}</p>' in page
    assert 'class="govuk-input govuk-input--width-30 govuk-input--error" id="api_key" name="api_key" type="password"' in page
    assert 'aria-describedby="api_key-hint api_key-error"' in page
    assert key not in page and (not written or written not in page)  # never written back, not even a wrong one
    assert hidden(re.search(r'<form method="post".*?</form>', page, re.S)[0]) == state_pairs(result_address)
    assert stored_records(database_url) == 0 and not RECORD_ID.findall(page)


def test_a_key_over_its_rate_is_told_when_to_try_again(client, result_address, database_url):
    key = api_key(database_url, "officer", "record", rate_limit=1)
    assert record(client, result_address, key).status_code == 303
    again = record(client, result_address, key)
    assert again.status_code == 429 and int(again.headers["Retry-After"]) >= 1
    wait = again.headers["Retry-After"]
    assert SUMMARY_LINK.findall(again.text) == [("#api_key", f"This API key has made too many requests: try again in {wait} seconds")]
    assert stored_records(database_url) == 1


def test_answers_spoilt_in_the_form_are_asked_again_before_any_key_is_read(client, result_address, database_url):
    key = api_key(database_url, "officer", "record")
    spoilt = result_address.replace("total_income=82000", "total_income=lots")
    response = record(client, spoilt, key)
    assert response.status_code == 303 and urlsplit(response.headers["location"]).path == "/check/question/total_income"
    assert key not in response.headers["location"] and stored_records(database_url) == 0
