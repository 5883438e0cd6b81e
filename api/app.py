"""The web API: ``create_app()`` assembles it, ``app`` is the instance uvicorn serves (``api.app:app``).

Routers are listed in ROUTERS; adding a group of endpoints is one line there. Every response
carries the rules version (header X-Rules-Version, and OpenFisca's Country-Package headers);
every error is ``{"code", "message", "path"}`` with its status set in api/errors.py.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Callable

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool
from starlette.middleware.cors import CORSMiddleware

from api.auth import install_calculation_security
from api.batch_answers import FAILED_HEADER, ROWS_HEADER
from api.batching import Batcher
from api.docs import install_docs
from api.errors import install_error_handlers
from api.jsonio import JSONResponse
from api.middleware import AnswerHeaders
from api.reform_schemas import reform_components
from api.routers import assumptions, batch, decisions, eligibility, impact, inputs, openfisca, reforms, service
from api.settings import Settings
from api.situation_schemas import situation_components
from api.web import explorer_pages, pages, workbench_pages
from api.web.rendering import install_assets
from kruger_rules.access import RateLimiter
from kruger_rules.jobs.service import ImpactJobs
from kruger_rules.reforms import configure_cache
from kruger_rules.schemes import schemes
from kruger_rules.system import package_version, rules_version, shared_system

ROUTERS = [
    service.router,
    openfisca.router,
    eligibility.router,
    inputs.router,
    reforms.router,
    impact.router,
    decisions.router,
    batch.router,
    assumptions.router,
    pages.router,
    explorer_pages.router,
    workbench_pages.router,
]
"""Routers included in the app, in order."""

DESCRIPTION = """\
Eligibility, amounts and deadlines of the *Levelling Up Our Communities* proposals, computed by
the kruger-rules engine on OpenFisca.

* **OpenFisca Web API**: `/entities`, `/variables`, `/variable/{id}`, `/parameters`,
  `/parameter/{id}`, `/spec`, `POST /calculate`, `POST /trace` answer as `openfisca serve` does:
  a client written for it works by changing its base URL.
* **Service**: `/api/v1/health`, `/api/v1/version`.
* **Assumptions**: `/assumptions`, the model's assumptions, one section each: a reference to an
  assumed figure points at its section (`/assumptions#anchor`).
* **Reforms**: `GET /api/v1/reforms` lists the named reforms, `POST /api/v1/compare` answers a
  situation under the baseline and each reform; `/calculate`, `/trace` and
  `/api/v1/eligibility` answer under `?reform=NAME` and/or a top-level `"reform"` in the body.
* **Impact**: `POST /api/v1/impact` queues a reform's impact on a population (the shipped sample, or an
  uploaded Parquet or CSV file) and answers 202 with the job's address; `GET /api/v1/impact/{id}` answers
  its status and progress and, once done, its tables and links to its charts, files and report.
* **Batch**: `POST /api/v1/batch` screens a file of organisations (CSV, Parquet or JSON lines) and answers
  every scheme's outcome for each row as CSV, Parquet or JSON lines (as `Accept` asks), a bad row with its
  reasons; a large file runs as a job (202, then `GET /api/v1/batch/{id}`). `GET /api/v1/batch/template`
  and `GET /api/v1/batch/dictionary` say what a file may hold.
* **Pages**: `/check`, the eligibility checker for people, `/rules`, the rules explorer, and `/workbench`, the reform
  workbench for policy officers (HTML, in the GOV.UK Design System's patterns; not described here).

Impact jobs need an API key with the scope `impact`, sent as `Authorization: Bearer kr_...`, and a job is read only
with the key that submitted it; calculations need any valid key where `KRUGER_CALCULATION_ACCESS=keyed`. A key
over its rate limit is answered 429 with `Retry-After`.

Every response has the header `X-Rules-Version`. Errors are `{"code", "message", "path"}`, where
`path` is the JSONPath of the part of the request at fault.
"""


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings.from_env()
    system = shared_system()
    configure_cache(settings.reform_cache_size)
    jobs = ImpactJobs(settings.data_dir, settings.database_url or None, settings.max_impact_jobs)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI):
        schemes(system)  # a faulty scheme file stops the server here, not a request later
        openfisca.described(system)
        await run_in_threadpool(jobs.start)  # the database opened, jobs left by a stopped server re-queued, the runner started
        gc.collect()
        gc.freeze()
        try:
            yield
        finally:
            await run_in_threadpool(jobs.stop)

    app = FastAPI(
        title="kruger-rules",
        version=package_version(),
        description=DESCRIPTION,
        docs_url=None,
        redoc_url=None,
        default_response_class=JSONResponse,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.batcher = Batcher()
    app.state.impact_jobs = jobs
    app.state.rate_limiter = RateLimiter()
    install_error_handlers(app)
    for router in ROUTERS:
        app.include_router(router)
    install_docs(app)
    install_assets(app)
    install_openapi_components(app, lambda: {**situation_components(system, settings.max_organisations), **reform_components(system)})
    install_calculation_security(app)
    app.add_middleware(
        AnswerHeaders,
        headers={
            "X-Rules-Version": rules_version(),
            "Country-Package": system.get_package_metadata()["name"],
            "Country-Package-Version": package_version(),
        },
    )
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.allowed_origins,
        allow_methods=["GET", "POST"],
        allow_headers=["*"],
        expose_headers=["X-Rules-Version", "Country-Package", "Country-Package-Version", ROWS_HEADER, FAILED_HEADER, "Location"],
    )
    return app


def install_openapi_components(app: FastAPI, components: Callable[[], dict[str, dict]]) -> None:
    """Add the schemas built from the rule system (situations, reforms) to the app's OpenAPI document, once it is first asked for."""
    generate = app.openapi

    def openapi() -> dict:
        if app.openapi_schema is None:
            document = generate()
            schemas = document.setdefault("components", {}).setdefault("schemas", {})
            for name, schema in components().items():
                if schemas.setdefault(name, schema) is not schema:
                    raise RuntimeError(f"two OpenAPI schemas are named {name}: rename one")
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's own way to extend its document


app = create_app()
