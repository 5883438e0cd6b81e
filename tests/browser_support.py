"""The browser tests' fixtures and checks, a plugin of the test suite (tests/conftest.py names it in pytest_plugins).

The fixtures: a real server (``kruger-rules serve`` on a free port) and Debian's chromium driven by
Playwright. The browser is Debian's ``/usr/bin/chromium`` (``scripts/setup.sh`` installs it), never one
Playwright downloads. Without it the tests are skipped, saying why, except under CI (``CI`` set), where a
missing browser is a failure.

Every page a test visits goes through ``Visits.seen``: a screenshot saved to ``artifacts/screenshots/``,
axe-core (from ``node_modules``) run on it with no serious or critical violation allowed (every violation
written to ``artifacts/axe/``), the page at 320 px wide with nothing wider than the window, and no font file
asked for since the test began (GOV.UK's typeface is for GOV.UK services only: the pages use the system's font).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks.pages import served

REPOSITORY = Path(__file__).resolve().parents[1]
CHROMIUM = Path(os.environ.get("KRUGER_TEST_CHROMIUM", "/usr/bin/chromium"))
"""Debian's chromium; the tests of the skip use another path."""
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE = REPOSITORY / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = REPOSITORY / "artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
AXE_RESULTS = ARTIFACTS / "axe"
DESKTOP = {"width": 1024, "height": 768}
NARROW = 320
FAILING_IMPACTS = {"serious", "critical"}
FONT_FILE = re.compile(r"\.(woff2?|ttf|otf|eot)(\?|#|$)", re.IGNORECASE)


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() not in ("", "0", "false")


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    if not CHROMIUM.exists():
        message = f"the browser tests need Debian's chromium at {CHROMIUM}: run 'bash scripts/setup.sh' (as root it installs it)"
        if in_ci():
            pytest.fail(f"{message}; under CI a missing browser is a failure")
        pytest.skip(message)
    return CHROMIUM


@pytest.fixture(scope="session")
def server() -> Iterator[str]:
    """The app served by ``kruger-rules serve`` on a free port, its data in a folder of its own; its base address."""
    with served() as port:
        yield f"http://127.0.0.1:{port}"


@pytest.fixture(scope="module")
def browser(chromium_path):
    """Playwright and the browser for one module's tests: its sync API runs an event loop while it is open, which a
    test of another module calling asyncio.run() on the same worker must not find."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(chromium_path), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport=DESKTOP)
    yield context
    context.close()


@pytest.fixture
def page(context):
    return context.new_page()


class Visits:
    """Each page a test sees, screenshot, checked by axe-core, and at 320 px wide; named in order under the test's name."""

    def __init__(self, page, flow: str, axe: bool = True) -> None:
        self.page = page
        self.flow = flow
        self.axe = axe
        self.count = 0
        self.fonts: list[str] = []
        page.on("request", self.note_font)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        AXE_RESULTS.mkdir(parents=True, exist_ok=True)

    def seen(self, name: str) -> None:
        self.count += 1
        label = f"{self.flow}-{self.count:02d}-{name}"
        self.page.wait_for_load_state("load")
        self.page.screenshot(path=SCREENSHOTS / f"{label}.png", full_page=True)
        if self.axe:
            self.check_axe(label)
        self.check_narrow(label)
        assert not self.fonts, f"{label}: font files asked for: {self.fonts}"

    def note_font(self, request) -> None:
        if request.resource_type == "font" or FONT_FILE.search(request.url):
            self.fonts.append(request.url)

    def check_axe(self, label: str) -> None:
        self.page.add_script_tag(path=str(AXE))
        violations = self.page.evaluate(
            """async () => (await axe.run(document)).violations.map(
                 v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' '))}))"""
        )
        (AXE_RESULTS / f"{label}.json").write_text(json.dumps({"page": self.page.url, "violations": violations}, indent=1))
        failing = [violation for violation in violations if violation["impact"] in FAILING_IMPACTS]
        assert not failing, f"{label}: axe-core finds {json.dumps(failing, indent=1)}"

    def check_narrow(self, label: str) -> None:
        """At 320 px wide the page scrolls down only: nothing is wider than the window."""
        size = self.page.viewport_size or DESKTOP
        self.page.set_viewport_size({"width": NARROW, "height": size["height"]})
        widths = self.page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        self.page.set_viewport_size(size)
        assert widths[0] <= widths[1] == NARROW, f"{label}: {widths[0]} px wide at {NARROW} px"


def heading(page) -> str:
    return re.sub(r"\s+", " ", page.locator("h1").first.inner_text()).strip()
