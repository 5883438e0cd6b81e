"""The eligibility checker, page by page: the questions the chosen schemes need, GOV.UK inputs and errors, going back and
changing an answer, and a result that is the eligibility API's answer in words."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from api_support import ours

from kruger_rules.system import rules_version

FORM = {"content-type": "application/x-www-form-urlencoded"}
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')
SUMMARY_LINK = re.compile(r'<li><a href="([^"]+)">([^<]+)</a></li>')
WARD = "E05000026"  # Abbey, Barking and Dagenham: IMD decile 2, CNI decile 7
YEAR = "2024"

# A community interest company that meets MatchTrade but for its place; its trading income is a quarter of its income.
ANSWERS = {
    "organisation_type": "community_interest_company",
    "has_asset_lock": "yes",
    "has_social_purpose": "yes",
    "is_independent": "yes",
    "is_not_for_profit": "yes",
    "months_since_established": "40",
    "months_trading": "36",
    "profit_share_to_purpose": "80",
    "total_income": "£82,000",
    "trading_income": "61000",
}


def post(path: str, pairs) -> object:
    return ours().post(path, content=urlencode(list(pairs)), headers=FORM, follow_redirects=False)


def hidden(page: str) -> list[tuple[str, str]]:
    return [(name, html.unescape(value)) for name, value in HIDDEN.findall(page)]


def step_of(address: str) -> str:
    return urlsplit(address).path.rsplit("/", 1)[-1]


def walk(schemes: list[str], answers: dict[str, str | dict[str, str]], ward: str | None = WARD) -> tuple[list[str], str]:
    """The checker answered from the schemes page on: the steps it asked, in order, and the address of the answers page."""
    response = post("/check/schemes", [("scheme", key) for key in schemes])
    asked = []
    address = response.headers["location"]
    while "/check/answers" not in address:
        page = ours().get(address)
        assert page.status_code == 200, (address, page.text[:300])
        step = step_of(address)
        path = urlsplit(address).path
        if step == "year":
            fields = [("year", YEAR)]
        elif step == "ward":
            if ward is None:
                address = re.search(r'<a class="govuk-link" href="([^"]+)">I do not know the ward code', page.text)[1]
                address = html.unescape(address)
                continue
            fields = [("ward", ward)]
        elif isinstance(answers[step], dict):  # a date, by its day, month and year
            fields = [(f"{step}-{part}", value) for part, value in answers[step].items()]
        else:
            fields = [(step, answers[step])]
        asked.append(step)
        response = post(path, hidden(page.text) + fields)
        assert response.status_code == 303, (step, SUMMARY_LINK.findall(response.text))
        address = response.headers["location"]
    return asked, address


def organisation_inputs(*variables: str) -> set[str]:
    """The organisation's inputs that can change the variables, as GET /api/v1/inputs answers them."""
    found = set()
    for variable in variables:
        body = ours().get(f"/api/v1/inputs/{variable}", params={"period": YEAR}).json()
        found |= {item["name"] for item in body["inputs"] if item["entity"] == "organisation"}
    return found


def test_the_start_page_leads_to_the_schemes():
    page = ours().get("/check").text
    assert "Start now" in page and 'href="/check/schemes"' in page


def test_choosing_no_scheme_is_an_error_linked_to_the_first_checkbox():
    response = post("/check/schemes", [])
    assert response.status_code == 422
    assert SUMMARY_LINK.findall(response.text) == [("#scheme", "Select at least one scheme to check")]
    assert '<input class="govuk-checkboxes__input" id="scheme" name="scheme" type="checkbox"' in response.text
    assert 'id="scheme-error" class="govuk-error-message"' in response.text and "<title>Error: " in response.text


def test_the_checker_asks_only_the_inputs_that_matter_then_the_answers_page():
    asked, address = walk(["match_trade"], ANSWERS)
    assert asked[:3] == ["year", "ward", "organisation_type"]
    assert set(asked[2:]) == organisation_inputs("match_trade_eligible", "match_trade_grant", "match_trade_basis")
    page = ours().get(address)
    assert page.status_code == 200 and "Check your answers" in page.text
    assert "Abbey, Barking and Dagenham (E05000026)" in page.text
    assert "£82,000" in page.text and "80%" in page.text and "Community interest company (CIC)" in page.text
    assert page.text.count(">Change<span") == 2 + 1 + len(ANSWERS)


def test_a_scheme_that_reads_no_place_asks_for_no_ward():
    response = post("/check/schemes", [("scheme", "social_enterprise")])
    response = post("/check/year", [("scheme", "social_enterprise"), ("year", YEAR)])
    assert step_of(response.headers["location"]) == "organisation_type"
    assert ours().get("/check/ward?scheme=social_enterprise").status_code == 404


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("is_independent", ['type="radio" value="yes"', 'type="radio" value="no"', "govuk-radios--inline"]),
        ("organisation_type", ['value="community_interest_company"', "Community interest company (CIC)", 'class="govuk-radios"']),
        ("total_income", ['inputmode="decimal"', '<div class="govuk-input__prefix" aria-hidden="true">£</div>', "In pounds"]),
        ("months_trading", ['inputmode="numeric"', '<div class="govuk-input__suffix" aria-hidden="true">months</div>']),
        ("profit_share_to_purpose", ['<div class="govuk-input__suffix" aria-hidden="true">%</div>', "As a percentage"]),
    ],
)
def test_each_question_has_the_govuk_input_for_its_type(name, expected):
    page = ours().get(f"/check/question/{name}?scheme=match_trade&year={YEAR}&ward={WARD}").text
    assert all(part in page for part in expected), name
    assert f'id="{name}"' in page
    assert (f'aria-describedby="{name}-hint"' in page) == (f'<div id="{name}-hint" class="govuk-hint">' in page)


def test_a_date_is_asked_as_day_month_and_year():
    page = ours().get(f"/check/question/claim_submission_date?scheme=right_to_serve&year={YEAR}").text
    for part in ("day", "month", "year"):
        assert f'id="claim_submission_date-{part}" name="claim_submission_date-{part}" type="text" inputmode="numeric"' in page


@pytest.mark.parametrize(
    ("name", "fields", "link", "message"),
    [
        ("is_independent", {}, "#is_independent", "Select yes or no"),
        ("organisation_type", {"organisation_type": "plc"}, "#organisation_type", "Select legal form or kind of body"),
        ("total_income", {"total_income": ""}, "#total_income", "Enter an amount in pounds, like 82000"),
        ("total_income", {"total_income": "lots"}, "#total_income", "The amount must be a number of pounds, like 82000"),
        ("months_trading", {"months_trading": "3.5"}, "#months_trading", "The number of months must be a whole number, like 18"),
        ("profit_share_to_purpose", {"profit_share_to_purpose": "150"}, "#profit_share_to_purpose", "The percentage must be from 0 to 100"),
    ],
)
def test_a_wrong_answer_is_the_page_again_with_its_error_linked_from_the_summary(name, fields, link, message):
    state = [("scheme", "match_trade"), ("year", YEAR), ("ward", WARD)]
    response = post(f"/check/question/{name}", state + list(fields.items()))
    assert response.status_code == 422
    assert SUMMARY_LINK.findall(response.text) == [(link, message)]
    assert (
        f'<p id="{name}-error" class="govuk-error-message"><span class="govuk-visually-hidden">Error:</span> {message}</p>' in response.text
    )
    assert f"{name}-error" in re.search(r'aria-describedby="([^"]+)"', response.text)[1]
    assert hidden(response.text) == state  # the answers so far are kept
    for value in fields.values():
        if value and name != "organisation_type":
            assert f'value="{value}"' in response.text  # what was typed is shown again


@pytest.mark.parametrize(
    ("fields", "link", "message"),
    [
        ({}, "#claim_submission_date-day", "Enter date the Right to Serve claim was submitted"),
        ({"day": "3", "year": "2024"}, "#claim_submission_date-month", "Date the Right to Serve claim was submitted must include a month"),
        (
            {"day": "31", "month": "2", "year": "2024"},
            "#claim_submission_date-day",
            "Date the Right to Serve claim was submitted must be a real date",
        ),
        ({"day": "3", "month": "4", "year": "24"}, "#claim_submission_date-year", "Year must include 4 numbers"),
    ],
)
def test_a_wrong_date_names_the_part_at_fault(fields, link, message):
    pairs = [("scheme", "right_to_serve"), ("year", YEAR)] + [(f"claim_submission_date-{part}", value) for part, value in fields.items()]
    response = post("/check/question/claim_submission_date", pairs)
    assert response.status_code == 422 and SUMMARY_LINK.findall(response.text) == [(link, message)]
    assert response.text.count("govuk-input--error") == (1 if "must include" in message or "Year must" in message else 3)


def test_a_date_answer_is_kept_as_a_date():
    pairs = [("scheme", "right_to_serve"), ("year", YEAR)] + [("claim_submission_date-day", "3"), ("claim_submission_date-month", "4")]
    response = post("/check/question/claim_submission_date", [*pairs, ("claim_submission_date-year", "2024")])
    assert response.status_code == 303 and ("claim_submission_date", "2024-04-03") in parse_qsl(
        urlsplit(response.headers["location"]).query
    )


def test_back_links_lead_to_the_step_before_with_the_answers_so_far():
    page = ours().get(f"/check/question/organisation_type?scheme=match_trade&year={YEAR}&ward={WARD}").text
    assert f'<a href="/check/ward?scheme=match_trade&amp;year={YEAR}&amp;ward={WARD}" class="govuk-back-link">Back</a>' in page
    assert 'class="govuk-back-link"' in ours().get("/check/schemes").text
    ward_page = ours().get(f"/check/ward?scheme=match_trade&year={YEAR}&ward={WARD}").text
    assert f'value="{WARD}"' in ward_page  # the kept answer is shown again


def test_changing_an_answer_returns_to_the_answers_page():
    _, address = walk(["match_trade"], ANSWERS)
    page = ours().get(address).text
    change = html.unescape(
        re.search(r'<a class="govuk-link" href="([^"]+)">Change<span class="govuk-visually-hidden"> total income', page)[1]
    )
    assert "change=1" in change
    question = ours().get(change).text
    assert 'value="82000"' in question and '<a href="/check/answers?' in question  # its back link leads to the answers
    response = post("/check/question/total_income", hidden(question) + [("total_income", "90000")])
    address = response.headers["location"]
    assert urlsplit(address).path == "/check/answers" and "change" not in dict(parse_qsl(urlsplit(address).query))
    assert "£90,000" in ours().get(address).text


def test_changing_the_schemes_asks_the_new_questions_only():
    _, address = walk(["social_enterprise"], ANSWERS)
    query = [pair for pair in parse_qsl(urlsplit(address).query) if pair[0] != "scheme"]
    response = post("/check/schemes", [*query, ("change", "1"), ("scheme", "social_enterprise"), ("scheme", "match_trade")])
    assert step_of(response.headers["location"]) == "ward"  # MatchTrade reads the place; every other answer is kept


def test_an_answer_spoilt_in_the_address_is_asked_again():
    _, address = walk(["match_trade"], ANSWERS)
    spoilt = address.replace("total_income=82000", "total_income=lots")
    response = ours().get(spoilt, follow_redirects=False)
    assert response.status_code == 303 and step_of(response.headers["location"]) == "total_income"
    assert ours().get("/check/result?scheme=match_trade", follow_redirects=False).headers["location"].startswith("/check/year")


def test_a_question_no_chosen_scheme_asks_is_not_found():
    response = ours().get("/check/question/claim_service?scheme=match_trade")
    assert response.status_code == 404 and "Page not found" in response.text


def test_the_result_is_the_eligibility_answer_in_words():
    _, address = walk(["match_trade", "social_enterprise"], ANSWERS)
    page = ours().get(address.replace("/check/answers", "/check/result"))
    assert page.status_code == 200
    text = html.unescape(page.text)
    situation = {
        "organisations": {
            "o": {
                "organisation_type": "community_interest_company",
                "has_asset_lock": True,
                "has_social_purpose": True,
                "is_independent": True,
                "is_not_for_profit": True,
                "months_since_established": 40,
                "months_trading": 36,
                "profit_share_to_purpose": 0.8,
                "total_income": 82000,
                "trading_income": 61000,
            }
        },
        "places": {"p": {"members": ["o"], "imd_decile": 2, "cni_decile": 7, "population": 15770, "region": "london"}},
    }
    api = ours().post("/api/v1/eligibility", json={"situation": situation, "period": YEAR}).json()
    schemes = api["organisations"]["o"]["schemes"]
    assert schemes["social_enterprise"]["eligible"] and not schemes["match_trade"]["eligible"]
    assert re.search(
        r'href="#social_enterprise">Social enterprise test</a></dt>\s*<dd class="govuk-summary-list__value">\s*'
        r'<strong class="govuk-tag govuk-tag--green">Eligible</strong>',
        text,
    )
    assert re.search(
        r'href="#match_trade">MatchTrade</a></dt>\s*<dd class="govuk-summary-list__value">\s*'
        r'<strong class="govuk-tag govuk-tag--red">Not eligible</strong>',
        text,
    )
    # each criterion in words, with the rule it was held to, since when, and its source
    failed = next(c for c in schemes["match_trade"]["criteria"] if not c["passed"])
    assert f"{failed['label']}: No" in text and failed["to_pass"]["text"] in text
    rule = next(c for c in schemes["match_trade"]["criteria"] if c["parameters"])["parameters"][0]
    assert f"Rule: {rule['label']}:" in text and f'href="{rule["reference"][0]["href"]}"' in text
    assert "in force since 24 September 2020" in text
    # the printable decision
    assert rules_version() in text and '<style media="print">' in text and "Rules of</dt>" in text


def test_the_result_says_the_dates_that_would_pass_in_words():
    """A Volunteer Passport's check issued 10 May 2022 does not cover a role starting on 1 June 2025, after its third year."""
    role = {"dbs_held_level": "enhanced_barred_lists", "dbs_applicant_is_volunteer": "yes", "dbs_held_children_list": "yes"}
    role |= {"dbs_role_regulated_children": "yes", "volunteer_passport_holder": "yes", "dbs_update_service_subscribed": "no"}
    role |= {
        "dbs_held_issue_date": {"day": "10", "month": "5", "year": "2022"},
        "dbs_role_start_date": {"day": "1", "month": "6", "year": "2025"},
    }
    answers = {name: "no" for name in ("dbs_held_adults_list", "dbs_role_basic_requested", "dbs_role_enhanced_eligible")}
    answers |= {"dbs_role_regulated_adults": "no", "dbs_role_standard_eligible": "no", **role}
    _, address = walk(["dbs_checks"], answers)
    text = html.unescape(ours().get(address.replace("/check/answers", "/check/result")).text)
    assert "Date the role starts: between 10 May 2022 and 9 May 2025; yours is 1 June 2025" in text
    assert "Date the check held was issued: between 2 June 2022 and 1 June 2025; yours is 10 May 2022" in text


def test_the_result_tells_what_the_rules_say_of_the_ward_itself():
    _, address = walk(["match_trade"], ANSWERS)
    text = html.unescape(ours().get(address.replace("/check/answers", "/check/result")).text)
    ward = text[text.index('id="your-ward"') : text.index("Your answers</h2>")]
    place = {"imd_decile": 2, "cni_decile": 7, "population": 15770, "region": "london"}
    situation = {"organisations": {"o": {}}, "places": {"p": {"members": ["o"], **place}}}
    api = ours().post("/api/v1/eligibility", json={"situation": situation, "period": YEAR}).json()["places"]["p"]["schemes"]
    assert not api["left_behind"]["eligible"] and api["neighbour_day"]["dates"]["neighbour_day_date"] == "2024-06-03"
    assert re.search(r"Left-behind place</dt>\s*<dd[^>]*>\s*<strong class=\"govuk-tag govuk-tag--grey\">No</strong>", ward)
    assert re.search(r"Neighbour Day</dt>\s*<dd[^>]*>\s*<strong class=\"govuk-tag govuk-tag--green\">Yes</strong>", ward)
    assert "Date of Neighbour Day in the year: 3 June 2024" in ward
    # a ballot's votes are no fact of a ward: its scheme is not shown
    assert "Community Improvement District" not in ward


def test_no_ward_no_ward_section():
    _, address = walk(["match_trade"], ANSWERS, ward=None)
    assert 'id="your-ward"' not in ours().get(address.replace("/check/answers", "/check/result")).text


def test_the_ward_can_be_skipped():
    asked, address = walk(["match_trade"], ANSWERS, ward=None)
    assert "ward" not in asked and ("ward", "none") in parse_qsl(urlsplit(address).query)
    assert "Not given: checked without a place" in ours().get(address).text
    result = ours().get(address.replace("/check/answers", "/check/result")).text
    assert "Not eligible" in result


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("", "Enter a ward code, like E05000026, or check without a place"),
        ("W05000026", "Enter a ward code in the right format: E05 then 6 numbers, like E05000026"),
        ("E05999999", "No ward of England (2019) has the code E05999999: check the code, or check without a place"),
    ],
)
def test_a_wrong_ward_code_is_an_error(written, message):
    response = post("/check/ward", [("scheme", "match_trade"), ("year", YEAR), ("ward", written)])
    assert response.status_code == 422 and SUMMARY_LINK.findall(response.text) == [("#ward", message)]


@pytest.mark.parametrize(("written", "message"), [("", "Enter the year to check"), ("1999", "Enter a year from 2016 to 2100")])
def test_a_wrong_year_is_an_error(written, message):
    response = post("/check/year", [("scheme", "match_trade"), ("year", written)])
    assert response.status_code == 422 and SUMMARY_LINK.findall(response.text) == [("#year", message)]
