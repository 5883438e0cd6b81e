"""The web pages' shell: the GOV.UK layout, assets served by the app itself, 503 while they are not built, no page in the API document."""

from __future__ import annotations

import re

import pytest
from api_support import ours

from api.web import rendering
from kruger_rules.schemes import schemes
from kruger_rules.system import rules_version, shared_system

ASSET = re.compile(r'(?:src|href)="([^"]+)"')


def organisation_schemes():
    system = shared_system()
    return schemes(system)[system.person_entity.key]


def test_the_start_page_has_the_govuk_layout():
    response = ours().get("/check")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    page = response.text
    assert '<html lang="en" class="govuk-template">' in page
    assert '<a href="#main-content" class="govuk-skip-link"' in page and '<main class="govuk-main-wrapper" id="main-content">' in page
    assert "Check community funding rules</a>" in page and "govuk-phase-banner" in page and "govuk-footer" in page
    assert '<link rel="stylesheet" href="/assets/govuk-frontend.min.css">' in page and '<style media="print">' in page
    assert rules_version() in page
    assert all(scheme.label in page for scheme in organisation_schemes())
    assert 'href="/check/schemes"' in page


def test_no_page_needs_an_external_asset():
    page = ours().get("/check").text
    stylesheets_and_scripts = re.findall(r"<(?:link|script)[^>]*>", page)
    addresses = [address for tag in stylesheets_and_scripts for address in ASSET.findall(tag)]
    assert addresses and all(address.startswith("/assets/") for address in addresses)


def test_the_assets_and_what_the_stylesheet_asks_for_are_served():
    client = ours()
    stylesheet = client.get("/assets/govuk-frontend.min.css")
    assert stylesheet.status_code == 200 and stylesheet.headers["content-type"].startswith("text/css")
    assert client.get("/assets/govuk-frontend.min.js").status_code == 200
    wanted = set(re.findall(r"url\((/assets/[^)]+)\)", stylesheet.text))
    fonts = {address for address in wanted if address.startswith("/assets/fonts/")}
    assert fonts and wanted - fonts, "the stylesheet names its fonts and images"
    for address in wanted - fonts:
        assert client.get(address).status_code == 200, address
    for address in fonts:  # GDS Transport is licensed for GOV.UK services only: never served
        assert client.get(address).status_code == 404, address


def test_every_element_takes_the_system_font_not_gov_uk_s():
    page = ours().get("/check").text
    style = re.search(r"<style>(.*?)</style>", page, re.S)[1]
    assert (
        ".govuk-template, .govuk-template *:not(code, kbd, pre, samp)" in style
        and "font-family: arial, helvetica, sans-serif !important;" in style
    )
    assert "GDS Transport" not in page
    assert page.index("govuk-frontend.min.css") < page.index("font-family: arial,")  # after the stylesheet it overrides


def test_pages_and_assets_answer_503_while_the_assets_are_not_built(monkeypatch, tmp_path):
    monkeypatch.setattr(rendering, "STATIC_DIR", tmp_path / "not-built")
    client = ours()
    for address in ("/check", "/assets/govuk-frontend.min.css"):
        response = client.get(address)
        assert response.status_code == 503 and response.headers["content-type"].startswith("text/html"), address
        assert "bash scripts/setup.sh" in response.text and "api/web/static/govuk/" in response.text
        assert response.headers["X-Rules-Version"] == rules_version()
    monkeypatch.undo()
    assert client.get("/check").status_code == 200


def test_the_api_document_lists_no_page():
    paths = ours().get("/openapi.json").json()["paths"]
    assert not [path for path in paths if path.startswith(("/check", "/assets"))]


@pytest.mark.parametrize("address", ["/assets/nothing.css", "/assets/../pyproject.toml"])
def test_an_asset_that_is_not_there_is_404(address):
    assert ours().get(address).status_code == 404
