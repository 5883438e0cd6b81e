"""Pages rendered from the Jinja2 templates, and GOV.UK Frontend's built assets served at ``/assets``.

The assets are built at set-up (``scripts/setup.sh`` copies them from ``node_modules``), never
committed: where they are missing (a wheel installed elsewhere, a set-up without npm) every page and
every asset answers 503 with a page that says how to build them, rather than a page without styles.
"""

from __future__ import annotations

from pathlib import Path

import jinja2
from starlette.responses import HTMLResponse
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send

from api.web import formatting
from kruger_rules.html_page import html_page
from kruger_rules.system import rules_version

WEB_DIR = Path(__file__).resolve().parent
TEMPLATES_DIR = WEB_DIR / "templates"
STATIC_DIR = WEB_DIR / "static" / "govuk"
"""Where ``scripts/setup.sh`` copies GOV.UK Frontend's dist: its CSS, JavaScript and images, not its fonts (GOV.UK's only)."""
ASSETS_ROUTE = "/assets"
"""Where the assets are served: the address GOV.UK Frontend's CSS gives its images."""
STYLESHEET = "govuk-frontend.min.css"
SERVICE_NAME = "Check community funding rules"

NOT_BUILT = (
    "The web pages' assets (GOV.UK Frontend's CSS, JavaScript and images) are not built, so the pages are "
    "not served. From the source tree, run <code>bash scripts/setup.sh</code>: it installs them from the npm "
    "registry (<code>npm ci</code>) and copies them into <code>api/web/static/govuk/</code>. An installed wheel "
    "carries no assets: serve the pages from the source tree. The API answers as usual."
)

environment = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
    undefined=jinja2.StrictUndefined,
)
environment.globals.update(service_name=SERVICE_NAME, assets=ASSETS_ROUTE, rules_version=rules_version, errors=None, back=None)
environment.filters.update(formatting.FILTERS)


def assets_built() -> bool:
    """Whether set-up has copied GOV.UK Frontend's assets into ``STATIC_DIR``."""
    return (STATIC_DIR / STYLESHEET).is_file()


def unavailable() -> HTMLResponse:
    """The 503 page: self-contained, since it cannot use the assets it says are missing."""
    body = f"<h1>The pages are not available</h1>\n<p>{NOT_BUILT}</p>"
    return HTMLResponse(html_page("The pages are not available", body, "body { font-family: Arial, sans-serif; margin: 2rem; }"), 503)


def page(template: str, status_code: int = 200, headers: dict[str, str] | None = None, **context) -> HTMLResponse:
    """A template rendered as a page (with the headers its status calls for), or the 503 page when the assets are not built."""
    if not assets_built():
        return unavailable()
    return HTMLResponse(environment.get_template(template).render(**context), status_code=status_code, headers=headers)


class Assets:
    """The built assets as static files, or 503 (plain text) while they are not built."""

    def __init__(self) -> None:
        self.directory: Path | None = None
        self.files: StaticFiles | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not assets_built():
            await unavailable()(scope, receive, send)
            return
        if self.files is None or self.directory != STATIC_DIR:  # the folder is read when asked for, as assets_built() reads it
            self.directory, self.files = STATIC_DIR, StaticFiles(directory=STATIC_DIR)
        await self.files(scope, receive, send)


def install_assets(app) -> None:
    """Serve the built assets at ``/assets`` (a mount: never in the OpenAPI document)."""
    app.mount(ASSETS_ROUTE, Assets(), name="web-assets")
