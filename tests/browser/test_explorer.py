"""The rules explorer in a real browser: from the index to a scheme, a variable and a parameter with several values, search
with the keyboard alone, a page that is not found, and the same pages with JavaScript off. Every page visited is screenshot,
checked by axe-core and read at 320 px wide (browser_support.Visits)."""

from __future__ import annotations

from browser_support import DESKTOP, Visits, heading

from api.web.explorer import explorer
from kruger_rules.system import shared_system

TAB_LIMIT = 30
SEVERAL_VALUES = "procurement.thresholds.works"


def follow(page, name: str) -> None:
    with page.expect_navigation():  # the next page, never the one still shown
        page.get_by_role("link", name=name, exact=True).first.click()


def test_from_the_index_to_a_scheme_a_variable_and_a_parameter(page, server):
    rules = explorer(shared_system())
    visits = Visits(page, "explorer")
    page.goto(f"{server}/rules")
    assert heading(page) == "Rules explorer"
    assert page.locator("main a[href^='/rules/schemes/']").count() == len(rules.schemes)
    visits.seen("index")

    follow(page, "MatchTrade")
    assert heading(page) == "MatchTrade"
    visits.seen("scheme")

    follow(page, "MatchTrade grant")
    assert heading(page) == "MatchTrade grant"
    assert "def formula_2020_09_24" in page.locator("pre code").first.inner_text()
    visits.seen("variable")

    follow(page, "MatchTrade cap")
    assert heading(page) == "MatchTrade cap"
    assert page.locator("svg[role='img']").count() == 0  # one value: its table alone
    visits.seen("parameter-one-value")

    facts = rules.parameter(SEVERAL_VALUES)
    page.goto(f"{server}/rules/parameters/{SEVERAL_VALUES}")
    chart = page.locator("main svg[role='img']")
    assert chart.count() == 1 and chart.bounding_box()["width"] > 300
    assert page.locator("main svg desc").text_content().startswith(f"{len(facts.values)} values: ")
    assert page.locator("main tbody tr").count() == len(facts.values)
    visits.seen("parameter-several-values")

    follow(page, "Procurement threshold for the contract")
    assert heading(page) == "Procurement threshold for the contract"
    visits.seen("a-reader-of-the-parameter")


def test_search_with_the_keyboard_alone(page, server):
    visits = Visits(page, "explorer-search")
    page.goto(f"{server}/rules")
    for _ in range(TAB_LIMIT):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.id") == "q":
            break
    else:
        raise AssertionError(f"the search box is not reached in {TAB_LIMIT} presses of Tab")
    page.keyboard.type("works threshold")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "1 result for ‘works threshold’" == page.locator("#results").inner_text()
    visits.seen("results")

    page.get_by_role("link", name="Works threshold").first.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert heading(page) == "Works threshold"

    page.goto(f"{server}/rules/search?q=zzzz")
    assert "0 results" in page.locator("#results").inner_text()
    visits.seen("no-results")


def test_a_name_that_is_no_rule_is_page_not_found(page, server):
    visits = Visits(page, "explorer-not-found")
    response = page.goto(f"{server}/rules/variables/no_such_rule")
    assert response.status == 404 and heading(page) == "Page not found"
    visits.seen("not-found")


def test_the_explorer_works_with_javascript_off(browser, server):
    context = browser.new_context(viewport=DESKTOP, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{server}/rules")
        page.fill("#q", "social enterprise")
        with page.expect_navigation():
            page.get_by_role("button", name="Search").click()
        assert "results for ‘social enterprise’" in page.locator("#results").inner_text()
        follow(page, "Is a social enterprise")
        assert heading(page) == "Is a social enterprise"
        page.goto(f"{server}/rules/parameters/{SEVERAL_VALUES}")
        assert page.locator("main svg[role='img']").is_visible()
    finally:
        context.close()
