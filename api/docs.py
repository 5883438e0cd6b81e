"""Interactive documentation served with no internet: Swagger UI at /docs and ReDoc at /redoc.

FastAPI's own pages load their scripts from a CDN; these load the copies shipped in the
``fastapi-offline`` package, served here under /static/docs.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from starlette.staticfiles import StaticFiles

ASSETS_URL = "/static/docs"
ASSETS = {
    "swagger_js": "swagger-ui-bundle.js",
    "swagger_css": "swagger-ui.css",
    "redoc_js": "redoc.standalone.js",
    "favicon": "favicon.png",
}


def assets_directory() -> Path:
    directory = Path(str(files("fastapi_offline") / "static"))
    missing = [name for name in ASSETS.values() if not (directory / name).is_file()]
    if missing:
        raise RuntimeError(f"documentation assets missing from {directory}: {', '.join(missing)}")
    return directory


def install_docs(app: FastAPI) -> None:
    """Mount the assets and add /docs and /redoc (the app must be created with docs_url=None, redoc_url=None)."""
    app.mount(ASSETS_URL, StaticFiles(directory=assets_directory()), name="docs-assets")

    def asset(request: Request, name: str) -> str:
        return f"{request.scope.get('root_path', '')}{ASSETS_URL}/{ASSETS[name]}"

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui(request: Request):
        return get_swagger_ui_html(
            openapi_url=f"{request.scope.get('root_path', '')}{app.openapi_url}",
            title=f"{app.title}: interactive documentation",
            swagger_js_url=asset(request, "swagger_js"),
            swagger_css_url=asset(request, "swagger_css"),
            swagger_favicon_url=asset(request, "favicon"),
            swagger_ui_parameters={"validatorUrl": None, "defaultModelsExpandDepth": 0},
        )

    @app.get("/redoc", include_in_schema=False)
    async def redoc(request: Request):
        return get_redoc_html(
            openapi_url=f"{request.scope.get('root_path', '')}{app.openapi_url}",
            title=f"{app.title}: reference",
            redoc_js_url=asset(request, "redoc_js"),
            redoc_favicon_url=asset(request, "favicon"),
            with_google_fonts=False,
        )
