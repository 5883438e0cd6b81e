"""The rules explorer's pages, through the app without a browser: each route's status and what it must show."""

from __future__ import annotations

import html
import re

import pytest
from api_support import ours

from api.web import rendering
from api.web.explorer import explorer
from kruger_rules.system import shared_system

LINK = re.compile(r'href="(/rules[^"#?]*)"')


@pytest.fixture(scope="module")
def client():
    return ours()


@pytest.fixture(scope="module")
def rules():
    return explorer(shared_system())


def text(page: str) -> str:
    """A page's words, without its markup."""
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def test_the_index_lists_every_scheme_the_counts_and_a_search_form(client, rules):
    response = client.get("/rules")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    page = response.text
    assert "<title>Rules explorer – " in page and '<h1 class="govuk-heading-l">Rules explorer</h1>' in page
    for key, scheme in rules.schemes.items():
        assert f'href="/rules/schemes/{key}">{html.escape(scheme.label)}</a>' in page
    counts = rules.counts()
    assert f"{counts.variables} variables" in page and f"{counts.parameters} parameters" in page
    assert '<form action="/rules/search" method="get" role="search"' in page and 'name="q"' in page


def test_the_index_with_a_slash_is_the_index(client):
    response = client.get("/rules/", follow_redirects=False)
    assert response.status_code == 308 and response.headers["location"] == "/rules"


def test_search_lists_matches_names_first_with_links(client, rules):
    page = client.get("/rules/search", params={"q": "grant"}).text
    matches = rules.search("grant")
    assert f"{len(matches)} results for ‘grant’" in page
    links = [link for link in LINK.findall(page) if link.startswith(("/rules/variables/", "/rules/parameters/"))]
    assert links == [f"/rules/{match.kind}s/{match.name}" for match in matches]
    assert 'value="grant"' in page


def test_search_says_when_nothing_matches_and_asks_when_nothing_is_asked(client):
    nothing = text(client.get("/rules/search", params={"q": "zzzz"}).text)
    assert "0 results for ‘zzzz’" in nothing and "No variable or parameter has ‘zzzz’ in its name or label" in nothing
    empty = client.get("/rules/search").text
    assert empty.count("<h1") == 1 and "results for" not in empty


def test_a_query_is_written_as_text_never_as_markup(client):
    page = client.get("/rules/search", params={"q": '<script>alert("x")</script>'}).text
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page


def test_a_scheme_links_to_each_variable_it_names(client, rules):
    page = client.get("/rules/schemes/match_trade").text
    scheme = rules.scheme("match_trade")
    assert '<h1 class="govuk-heading-l">MatchTrade</h1>' in page
    for named in scheme.variables():
        assert f'href="/rules/variables/{named.name}"' in page
    assert f'href="/rules/parameters/{scheme.budget.name}"' in page
    assert "Its eligibility formula needs all of these." in page


def test_a_scheme_without_listed_criteria_points_at_its_eligibility(client, rules):
    scheme = next(scheme for scheme in rules.schemes.values() if not scheme.criteria)
    words = text(client.get(f"/rules/schemes/{scheme.key}").text)
    assert "Its eligibility is one rule, not a list of criteria" in words


def test_a_variable_shows_its_formula_what_it_reads_and_what_reads_it(client, rules):
    page = client.get("/rules/variables/match_trade_eligible").text
    facts = rules.variable("match_trade_eligible")
    assert "<pre" in page and "<code>def formula" in page and html.escape(facts.formulas[-1].source, quote=False).split("\n")[1] in page
    for name in (*facts.reads_variables, *facts.read_by):
        assert f'href="/rules/variables/{name}"' in page
    for name in facts.reads_parameters:
        assert f'href="/rules/parameters/{name}"' in page
    for reference in facts.references:
        assert f'href="{html.escape(reference.href)}"' in page
    assert 'href="/rules/schemes/match_trade"' in page


def test_an_input_says_it_is_one_and_lists_its_categories(client):
    words = text(client.get("/rules/variables/organisation_type").text)
    assert "None: this is an input, given by the situation" in words and "Registered charity" in words


def test_a_parameter_with_several_values_has_a_chart_and_a_table(client, rules):
    facts = rules.parameter("procurement.thresholds.works")
    page = client.get("/rules/parameters/procurement.thresholds.works").text
    assert page.count("<svg") == 1 + page.count("govuk-button__start-icon")
    assert 'role="img" aria-labelledby="chart-title chart-description"' in page
    assert '<desc id="chart-description">7 values: £4,322,012 from 26 February 2015;' in page
    assert page.count('<tr class="govuk-table__row">') == len(facts.values) + 1
    assert "Still in force" in page and "31 December 2015" in page
    assert all(f'href="{html.escape(reference.href)}"' in page for reference in facts.references if reference.href)
    assert 'href="/rules/variables/procurement_threshold"' in page


def test_a_parameter_with_one_value_has_only_its_table(client):
    page = client.get("/rules/parameters/match_trade.cap").text
    assert "<svg" not in page and "£10,000" in page


def test_a_node_of_the_tree_lists_its_parameters(client, rules):
    page = client.get("/rules/parameters/procurement.thresholds").text
    for leaf in rules.group("procurement.thresholds").leaves:
        assert f'href="/rules/parameters/{leaf.name}"' in page


@pytest.mark.parametrize(
    "address",
    [
        "/rules/schemes/nothing",
        "/rules/variables/nothing",
        "/rules/parameters/nothing",
        "/rules/parameters/match_trade.nothing",
        "/rules/x/y",
    ],
)
def test_an_unknown_name_is_the_page_not_found(client, address):
    response = client.get(address)
    assert response.status_code == 404 and response.headers["content-type"].startswith("text/html")
    assert "<title>Page not found – " in response.text and '<h1 class="govuk-heading-l">Page not found</h1>' in response.text
    assert "If you typed the web address, check it is correct." in response.text


def test_every_rule_listed_has_its_page(client, rules):
    listed = {link for address in ("/rules", "/rules/variables", "/rules/parameters") for link in LINK.findall(client.get(address).text)}
    assert {f"/rules/variables/{name}" for name in rules.variables} <= listed
    assert {f"/rules/parameters/{name}" for name in rules.parameters} <= listed
    assert {f"/rules/schemes/{key}" for key in rules.schemes} <= listed
    for address in sorted(listed):
        assert client.get(address).status_code == 200, address


def test_every_link_from_a_rule_page_leads_to_a_page(client, rules):
    pages = [f"/rules/variables/{name}" for name in rules.variables] + [f"/rules/schemes/{key}" for key in rules.schemes]
    pages += ["/rules/parameters/procurement.thresholds.works", "/rules/parameters/right_to_serve.bound_authority"]
    linked = {link for address in pages for link in LINK.findall(client.get(address).text)}
    for address in sorted(linked):
        assert client.get(address).status_code == 200, address


def test_the_pages_answer_503_while_the_assets_are_not_built(client, monkeypatch, tmp_path):
    monkeypatch.setattr(rendering, "STATIC_DIR", tmp_path / "not-built")
    assert client.get("/rules").status_code == 503 and client.get("/rules/variables/nothing").status_code == 503


def test_no_page_of_the_explorer_is_in_the_api_document(client):
    assert not [path for path in client.get("/openapi.json").json()["paths"] if path.startswith("/rules")]
