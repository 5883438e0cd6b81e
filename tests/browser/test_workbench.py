"""The reform workbench in a real browser: a named reform changed (a wrong value first, with the keyboard alone for the
search), shared by its link and opened again, going back; its impact run with the officer's key (none first) on the
shipped sample, the job's page while it runs and the results; two reforms compared; and a run on an uploaded population
with JavaScript off. Every page visited is screenshot, checked by axe-core and read at 320 px wide (browser_support.Visits).

The server has a data folder of its own, in whose database the officer's key is made first. A running job's page is
checked as it is served, its script running; meanwhile its progress requests are held back (answered late, never
changed), so that the page cannot move on to the results in the middle of the check. Every action that opens a page
waits for that navigation, never for the load of the page still shown.
"""

from __future__ import annotations

import time

import pytest
from api_support import api_key
from browser_support import DESKTOP, Visits, heading
from test_api_impact import parquet_bytes, sample_slice

from benchmarks.pages import served
from kruger_rules.population.charts import TITLES
from kruger_rules.store import default_url

TAB_LIMIT = 40
TIMEOUT_MS = 120_000


@pytest.fixture(scope="module")
def bench(chromium_path, tmp_path_factory):
    """The app served on a data folder of its own, and an API key with the scope impact in its database."""
    data = tmp_path_factory.mktemp("workbench-browser")
    key = api_key(default_url(data), "officer", "impact")
    with served(str(data)) as port:
        yield f"http://127.0.0.1:{port}", key


def follow(page, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("link", name=name, exact=True).first.click()


def press(page, button: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=button).click()


def summary(page) -> list[str]:
    return [text.strip() for text in page.locator(".govuk-error-summary__list a").all_inner_texts()]


def focused_id(page) -> str:
    return page.evaluate("() => document.activeElement.id")


def tab_to(page, element_id: str) -> None:
    for _ in range(TAB_LIMIT):
        page.keyboard.press("Tab")
        if focused_id(page) == element_id:
            return
    raise AssertionError(f"#{element_id} is not reached in {TAB_LIMIT} presses of Tab")


class HeldProgress:
    """A job page's progress requests, held back while its running page is checked, then answered as the server answers
    them: the page as served, its script running, which cannot move on in the middle of the check."""

    def __init__(self, page) -> None:
        self.held: list = []
        self.holding = True
        page.route("**/jobs/*/progress", self.asked)

    def asked(self, route) -> None:
        if self.holding:
            self.held.append(route)
        else:
            route.continue_()

    def release(self) -> None:
        self.holding = False
        for route in self.held:
            route.continue_()
        self.held.clear()


DONE = ".kr-downloads, table:has-text('B minus A'), h1:has-text('The impact run failed')"
"""What a job's page shows once no job runs: the results' downloads, the comparison's table, or the failure."""


def watch_the_job(page, visits: Visits, name: str, held: HeldProgress | None) -> None:
    """The job's page while it runs, checked as served; then its results. With JavaScript, the page moves there itself
    (``held`` its progress requests until then); without, by its "Check progress" button."""
    if page.get_by_role("button", name="Check progress").count():
        assert page.locator('meta[http-equiv="refresh"]').count() == 0
        assert "organisation rows" in page.locator("[aria-live='polite'] [data-kr-progress]").first.inner_text()
        if held is not None:  # the script ran: it says what it does in place of the button's sentence
            assert page.locator("[data-kr-note]").inner_text().startswith("This page shows the progress every 3 seconds")
        visits.seen(f"{name}-running")
    if held is not None:
        held.release()
        page.locator(DONE).first.wait_for(timeout=TIMEOUT_MS)
        page.wait_for_load_state("load")
    else:
        deadline = time.monotonic() + TIMEOUT_MS / 1000
        while page.get_by_role("button", name="Check progress").count():
            assert time.monotonic() < deadline, page.locator("main").inner_text()
            time.sleep(1)
            with page.expect_navigation():
                page.get_by_role("button", name="Check progress").click()
    assert page.locator("h1:has-text('The impact run failed')").count() == 0, page.locator("main").inner_text()


def images_shown(page) -> int:
    return page.evaluate("() => [...document.querySelectorAll('main img')].filter(image => image.naturalWidth > 0).length")


def test_a_reform_changed_shared_and_opened_again(page, bench):
    server, _ = bench
    visits = Visits(page, "workbench")
    page.goto(f"{server}/workbench")
    assert heading(page) == "Reform workbench"
    visits.seen("start")

    follow(page, "match_trade_cap_20k")
    assert heading(page) == "match_trade_cap_20k"
    visits.seen("reform")

    press(page, "Change a parameter")
    assert heading(page) == "Change a parameter"
    visits.seen("parameters")
    tab_to(page, "q")
    page.keyboard.type("trading income")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "for ‘trading income’" in page.locator("#found").inner_text()
    visits.seen("parameters-search")
    page.go_back()
    follow(page, "match_trade")
    visits.seen("parameters-folder")
    with page.expect_navigation():
        page.get_by_role("link", name="Change MatchTrade cap").click()
    assert heading(page) == "MatchTrade cap"
    visits.seen("parameter")

    page.fill("#value", "-5")
    page.fill("#start-day", "1")
    page.fill("#start-month", "4")
    page.fill("#start-year", "2025")
    press(page, "Add this change")
    assert summary(page) == ["'match_trade.cap' is an amount of money, at least 0, not -5"] and page.title().startswith("Error: ")
    visits.seen("parameter-error")
    page.locator(".govuk-error-summary__list a").click()
    assert focused_id(page) == "value"
    page.keyboard.press("Control+A")
    page.keyboard.type("25000")
    press(page, "Add this change")
    assert heading(page) == "match_trade_cap_20k, changed"
    assert "£25,000" in page.locator("main").inner_text()
    visits.seen("reform-changed")

    shared = page.locator("#shared").get_attribute("href")
    assert shared.endswith("/workbench/reform?base=match_trade_cap_20k&p=match_trade.cap@2025-04-01=25000")
    other = page.context.new_page()
    other.goto(shared)
    assert heading(other) == "match_trade_cap_20k, changed" and other.locator("#shared").get_attribute("href") == shared
    other.close()

    page.go_back()  # going back and forth waits for the page's load itself
    assert heading(page) == "MatchTrade cap"
    page.go_forward()
    with page.expect_navigation():
        page.get_by_role("link", name="Remove the change to MatchTrade cap from 1 April 2025").click()
    assert heading(page) == "match_trade_cap_20k"
    follow(page, "Back")
    assert heading(page) == "Reform workbench"


def test_an_impact_run_from_a_reform_to_its_results(page, bench):
    server, key = bench
    visits = Visits(page, "workbench-run")
    held = HeldProgress(page)
    page.goto(f"{server}/workbench/reform?base=match_trade_cap_20k")
    press(page, "Run its impact")
    assert heading(page) == "Run its impact"
    visits.seen("run")

    press(page, "Run the impact")
    assert summary(page) == ["Enter your API key"]
    visits.seen("run-no-key")
    page.locator(".govuk-error-summary__list a").click()
    assert focused_id(page) == "key"
    page.keyboard.type(key)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert key not in page.url and key not in page.content()
    assert all(key not in cookie["value"] for cookie in page.context.cookies())
    watch_the_job(page, visits, "job", held)

    assert heading(page) == "match_trade_cap_20k"
    assert images_shown(page) == len(TITLES)
    assert page.get_by_role("link", name="report.html").count() == 1 and page.get_by_role("link", name="cost.csv").count() == 1
    visits.seen("results")


def test_two_reforms_compared(page, bench):
    server, key = bench
    visits = Visits(page, "workbench-compare")
    held = HeldProgress(page)
    page.goto(f"{server}/workbench/reform?base=match_trade_cap_20k&p=match_trade.cap@2021-01-01=30000")
    follow(page, "Compare it with another reform")
    assert heading(page) == "Compare two reforms"
    assert page.locator("#a-address").input_value().endswith("p=match_trade.cap@2021-01-01=30000")
    visits.seen("compare")

    page.fill("#key", key)
    press(page, "Run both")
    assert summary(page) == ["Select reform B"]
    visits.seen("compare-error")
    page.get_by_label("match_trade_cap_20k").last.check()
    page.fill("#key", key)
    press(page, "Run both")
    watch_the_job(page, visits, "comparison", held)
    assert heading(page) == "Two reforms side by side"
    assert images_shown(page) == 2 * len(TITLES)
    visits.seen("comparison")


def test_a_run_on_an_uploaded_population_with_javascript_off(browser, bench, tmp_path):
    server, key = bench
    population = tmp_path / "slice.parquet"
    population.write_bytes(parquet_bytes(sample_slice()))
    context = browser.new_context(viewport=DESKTOP, java_script_enabled=False)
    try:
        page = context.new_page()
        visits = Visits(page, "workbench-no-javascript", axe=False)  # axe-core is JavaScript: these pages are checked above
        page.goto(f"{server}/workbench/run?base=current_law")
        page.get_by_role("radio", name="A population of your own").check()
        page.set_input_files("#population", str(population))
        page.fill("#key", key)
        press(page, "Run the impact")
        watch_the_job(page, visits, "job", None)
        assert heading(page) == "current_law" and "slice.parquet" in page.locator("main").inner_text()
        visits.seen("results")
    finally:
        context.close()
