"""The eligibility checker in a real browser: the whole flow for one scheme with a wrong answer, going back and changing an
answer; one page done with the keyboard alone; the flow with JavaScript off. Every page visited is screenshot, checked by
axe-core and read at 320 px wide (browser_support.Visits)."""

from __future__ import annotations

from urllib.parse import urlsplit

from browser_support import ARTIFACTS, DESKTOP, Visits, heading
from test_web_checker import ANSWERS, WARD, YEAR

from kruger_rules.system import rules_version

TAB_LIMIT = 40


def step(page) -> str:
    return urlsplit(page.url).path.rsplit("/", 1)[-1]


def answer(page, name: str, value: str) -> None:
    """Fill a question's field as a person would: pick the radio, or type the text."""
    radio = page.locator(f"input[name='{name}'][value='{value}']")
    if radio.count():
        radio.check()
    else:
        page.fill(f"#{name}", value.replace("£", "").replace(",", ""))


def continue_(page) -> None:
    with page.expect_navigation():  # the next page, never the one still shown
        page.get_by_role("button", name="Continue").click()


def focused_id(page) -> str:
    return page.evaluate("() => document.activeElement.id")


def error_summary(page) -> list[str]:
    return [text.strip() for text in page.locator(".govuk-error-summary__list a").all_inner_texts()]


def test_the_whole_flow_for_one_scheme(page, server):
    visits = Visits(page, "checker")
    page.goto(f"{server}/check")
    assert heading(page) == "Check if your organisation can get community funding"
    visits.seen("start")

    with page.expect_navigation():
        page.get_by_role("button", name="Start now").click()
    visits.seen("schemes")
    continue_(page)  # nothing chosen
    assert error_summary(page) == ["Select at least one scheme to check"] and page.title().startswith("Error: ")
    visits.seen("schemes-error")
    page.locator(".govuk-error-summary__list a").click()
    assert focused_id(page) == "scheme"  # the summary's link takes the focus to the first checkbox
    page.get_by_label("MatchTrade").check()
    continue_(page)

    assert step(page) == "year"
    visits.seen("year")
    page.fill("#year", YEAR)
    continue_(page)
    assert step(page) == "ward"
    visits.seen("ward")
    page.fill("#ward", WARD.lower())
    continue_(page)

    asked, wrong_answer_seen, went_back = [], False, False
    while "/check/question/" in page.url:
        name = step(page)
        if name not in asked:
            asked.append(name)
            visits.seen(f"question-{name}")
        if name == "total_income" and not wrong_answer_seen:
            page.fill("#total_income", "lots")
            continue_(page)
            assert error_summary(page) == ["The amount must be a number of pounds, like 82000"]
            assert page.locator("#total_income-error").is_visible() and page.input_value("#total_income") == "lots"
            visits.seen("question-total_income-error")
            page.locator(".govuk-error-summary__list a").click()
            assert focused_id(page) == "total_income"
            wrong_answer_seen = True
        if name == "has_social_purpose" and not went_back:
            answer(page, name, "no")
            continue_(page)
            with page.expect_navigation():
                page.get_by_role("link", name="Back").click()  # back to it: the answer given is kept
            assert step(page) == name and page.locator("input[name='has_social_purpose'][value='no']").is_checked()
            went_back = True
        answer(page, name, ANSWERS[name])
        continue_(page)
    assert wrong_answer_seen and went_back and set(asked) == set(ANSWERS)

    assert step(page) == "answers" and heading(page) == "Check your answers"
    visits.seen("answers")
    with page.expect_navigation():
        page.locator("a[href*='/check/question/total_income']").click()
    assert page.input_value("#total_income") == "82000"
    page.fill("#total_income", "90000")
    continue_(page)
    assert step(page) == "answers" and "£90,000" in page.locator(".govuk-summary-list").inner_text()

    with page.expect_navigation():
        page.get_by_role("button", name="Get your result").click()
    assert step(page) == "result" and heading(page) == "Your result"
    visits.seen("result")
    scheme = page.locator("section#match_trade")
    assert "Not eligible" in scheme.locator(".govuk-tag").first.inner_text()  # Abbey is no left-behind place
    text = scheme.inner_text()
    assert "Meets MatchTrade's requirement on where it is based: No" in text and "What would meet it:" in text
    assert "in force since 24 September 2020" in text
    assert scheme.locator("a.kr-source[href^='/assumptions#']").count() and scheme.locator("a.kr-source[href^='https://']").count()
    assert rules_version() in page.locator("main").inner_text()

    page.emulate_media(media="print")
    assert page.locator(".govuk-back-link").is_hidden() and page.locator(".govuk-generic-header").is_hidden()
    assert page.locator("main").get_by_text(rules_version(), exact=True).is_visible()  # the printed decision carries the rules version
    page.screenshot(path=ARTIFACTS / "screenshots" / "checker-printed-result.png", full_page=True)
    page.pdf(path=ARTIFACTS / "decision.pdf")
    page.emulate_media(media="screen")


def tab_to(page, selector: str) -> None:
    """Press Tab until the element is focused, as a keyboard user moves through a page."""
    for _ in range(TAB_LIMIT):
        page.keyboard.press("Tab")
        if page.evaluate("selector => document.activeElement.matches(selector)", selector):
            return
    raise AssertionError(f"{selector} is not reached with Tab")


def test_pages_done_with_the_keyboard_alone(page, server):
    visits = Visits(page, "keyboard")
    page.goto(f"{server}/check/schemes")
    visits.seen("schemes")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.textContent.trim()") == "Skip to main content"
    page.keyboard.press("Enter")
    assert focused_id(page) == "main-content"
    social_enterprise = "input[name='scheme'][value='social_enterprise']"  # asks no ward: the year, then the kind of body
    tab_to(page, social_enterprise)
    page.keyboard.press("Space")
    assert page.is_checked(social_enterprise)
    tab_to(page, "button.govuk-button")
    page.keyboard.press("Enter")
    page.wait_for_url("**/check/year?**")

    visits.seen("year")
    tab_to(page, "#year")
    page.keyboard.press("Control+A")
    page.keyboard.type(YEAR)
    page.keyboard.press("Enter")  # a text field's form is sent with Enter
    page.wait_for_url("**/check/question/**")

    assert step(page) == "organisation_type"
    visits.seen("organisation_type")
    tab_to(page, "#organisation_type")
    page.keyboard.press("ArrowDown")  # the arrow keys move through radios, choosing as they go
    assert page.is_checked("input[name='organisation_type'][value='registered_charity']")
    tab_to(page, "button.govuk-button")
    page.keyboard.press("Space")
    page.wait_for_url(lambda url: "/check/question/" in url and "organisation_type=registered_charity" in url)
    assert step(page) != "organisation_type"


def test_the_checker_works_with_javascript_off(browser, server):
    context = browser.new_context(viewport=DESKTOP, java_script_enabled=False)
    try:
        page = context.new_page()
        visits = Visits(page, "no-javascript", axe=False)
        page.goto(f"{server}/check")
        assert page.evaluate("() => document.body.className") == "govuk-template__body"  # GOV.UK Frontend's script did not run
        visits.seen("start")
        with page.expect_navigation():
            page.get_by_role("button", name="Start now").click()
        page.get_by_label("Social enterprise test").check()
        continue_(page)
        page.fill("#year", YEAR)
        continue_(page)
        while "/check/question/" in page.url:
            name = step(page)
            if name == "months_since_established":
                continue_(page)  # not answered
                assert error_summary(page) == ["Enter a whole number of months, like 18"]
                visits.seen("question-error")
                page.locator(".govuk-error-summary__list a").click()
                assert urlsplit(page.url).fragment == name and page.locator(f"#{name}").is_visible()
            answer(page, name, ANSWERS[name])
            continue_(page)
        assert step(page) == "answers"
        visits.seen("answers")
        with page.expect_navigation():
            page.get_by_role("button", name="Get your result").click()
        assert step(page) == "result"
        visits.seen("result")
        assert "Eligible" in page.locator("section#social_enterprise .govuk-tag").first.inner_text()
    finally:
        context.close()
