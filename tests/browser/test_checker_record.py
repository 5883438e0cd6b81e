"""A funder's officer records the checker's result in a real browser: a key that cannot record is an error on its field, a
key with the scope record stores the decision and the result's address it opens (printed too) carries its record id beside
the rules version, and reloads without recording again; with JavaScript off as well. An address naming an id that is no
record of its answers shows the result unrecorded, with a warning. The server is this module's own, on a database the
tests make keys in; every page is screenshot, checked by axe-core, read at 320 px wide and asks for no font file
(browser_support.Visits)."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from api_support import api_key, bearer
from browser_support import ARTIFACTS, DESKTOP, Visits
from test_browser_checker import error_summary, focused_id
from test_web_checker import ANSWERS, walk

from benchmarks.pages import served
from kruger_rules.store import default_url
from kruger_rules.system import rules_version

RECORD_ID = re.compile(r"[0-9a-f]{32}")
SYSTEM_FONT = "arial"


@pytest.fixture(scope="module")
def recording_server(tmp_path_factory) -> Iterator[tuple[str, str]]:
    """``kruger-rules serve`` on a database of this module's own: its base address, and the database's URL for making keys."""
    database_url = default_url(tmp_path_factory.mktemp("records"))
    with contextlib.ExitStack() as stack:
        with pytest.MonkeyPatch.context() as patch:  # the server's environment only, not the tests' that follow
            patch.setenv("KRUGER_DATABASE_URL", database_url)
            port = stack.enter_context(served())
        yield f"http://127.0.0.1:{port}", database_url


@pytest.fixture(scope="module")
def result_path() -> str:
    _, address = walk(["match_trade"], ANSWERS)
    return address.replace("/check/answers", "/check/result")


def record_with(page, key: str) -> None:
    page.fill("#api_key", key)
    with page.expect_navigation():  # the result again, never the one still shown
        page.get_by_role("button", name="Record this decision").click()


def records_of(page, server: str, key: str) -> list[str]:
    """The ids of the records ``key`` made, as the API lists them."""
    listed = page.request.get(f"{server}/api/v1/decisions", headers=bearer(key))
    assert listed.status == 200
    return [summary["id"] for summary in listed.json()["records"]]


def test_an_officer_records_the_result_and_the_printed_decision_carries_its_id(page, recording_server, result_path):
    server, database_url = recording_server
    officer, reader = api_key(database_url, "officer", "record,read"), api_key(database_url, "reader", "read")
    visits = Visits(page, "record")
    page.goto(server + result_path)
    visits.seen("result")
    assert page.evaluate("() => getComputedStyle(document.querySelector('h1')).fontFamily").startswith(SYSTEM_FONT)
    assert page.evaluate("() => getComputedStyle(document.querySelector('.govuk-button')).fontFamily").startswith(SYSTEM_FONT)

    record_with(page, reader)
    assert error_summary(page) == ["This API key cannot record decisions: enter a key with the scope record"]
    assert page.title().startswith("Error: ") and page.input_value("#api_key") == ""  # a key is never written back
    visits.seen("record-error")
    page.locator(".govuk-error-summary__list a").click()
    assert focused_id(page) == "api_key"

    record_with(page, officer)
    banner = page.locator(".govuk-notification-banner--success")
    record_id = page.locator("code.kr-record-id").inner_text()
    assert RECORD_ID.fullmatch(record_id) and "Decision recorded" in banner.inner_text() and record_id in banner.inner_text()
    assert urlsplit(page.url).path == "/check/result" and officer not in page.url and officer not in page.content()
    assert parse_qs(urlsplit(page.url).query)["record"] == [record_id]  # the result's own address, with its record
    assert page.locator("#api_key").count() == 0  # recorded once: the form is gone
    visits.seen("recorded")
    with page.expect_navigation():
        page.reload()
    assert page.locator("code.kr-record-id").inner_text() == record_id and records_of(page, server, officer) == [record_id]

    page.emulate_media(media="print")
    assert banner.is_hidden() and page.locator("code.kr-record-id").is_visible()
    assert page.locator("main").get_by_text(rules_version(), exact=True).is_visible()  # beside the rules version
    page.screenshot(path=ARTIFACTS / "screenshots" / "record-printed-result.png", full_page=True)
    page.pdf(path=ARTIFACTS / "recorded-decision.pdf")
    page.emulate_media(media="screen")

    stored = page.request.get(f"{server}/api/v1/decisions/{record_id}", headers=bearer(officer))
    assert stored.status == 200 and stored.json()["organisation"] == "your_organisation" and stored.json()["made_by"] == "key officer"


def test_the_result_is_recorded_with_javascript_off(browser, recording_server, result_path):
    server, database_url = recording_server
    officer = api_key(database_url, "officer-without-javascript", "record")
    context = browser.new_context(viewport=DESKTOP, java_script_enabled=False)
    try:
        page = context.new_page()
        visits = Visits(page, "record-no-javascript", axe=False)
        page.goto(server + result_path)
        record_with(page, officer)
        assert "Decision recorded" in page.locator(".govuk-notification-banner--success").inner_text()
        assert RECORD_ID.fullmatch(page.locator("code.kr-record-id").inner_text())
        visits.seen("recorded")
    finally:
        context.close()


def test_an_address_naming_no_record_of_its_answers_shows_the_result_unrecorded(page, recording_server, result_path):
    server, _ = recording_server
    forged = "0123456789abcdef" * 2
    visits = Visits(page, "record-forged")
    page.goto(f"{server}{result_path}&record={forged}")
    warning = page.locator(".govuk-warning-text")
    assert f"Record {forged} is not a record of these answers" in warning.inner_text()
    assert page.locator("code.kr-record-id").count() == 0 and page.locator(".govuk-notification-banner--success").count() == 0
    assert page.get_by_role("button", name="Record this decision").is_visible()
    visits.seen("not-a-record")
