"""Who is calling: the request's API key, checked as a FastAPI dependency before anything else of the request is read.

A key is sent as ``Authorization: Bearer kr_<prefix>_<secret>`` (kruger_rules.access) and refused with a 401
when missing (``no_key``), not a key or not one the database holds (``wrong_key``) or revoked (``revoked_key``:
the database is read at every request, so that a revocation holds at once), with a 403 when it lacks the scope
the route needs (``wrong_scope``), and with a 429 and ``Retry-After`` when it is over its rate
(``too_many_requests``: a token bucket per key, in this process). Once checked, the key is the dependency's
value and ``request.state.api_key``; nothing here writes a key, or its header, to a log.

* ``require(scope)``: a route that always needs a key with ``scope`` (impact jobs need ``impact``);
* ``CalculationKey``: a calculation's key, none where calculations are open (``KRUGER_CALCULATION_ACCESS``), any valid
  key, whatever its scopes, where they are keyed; ``install_calculation_security`` then says so in the OpenAPI document;
* ``checked_key``: the check itself, for a route whose need depends on what it is asked (a recorded decision).

A job is read only by the key that submitted it (``reads``): to another, it does not exist (404).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Query, Request, Security
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from api.deps import AppSettings
from api.errors import Refused
from api.schemas import ErrorBody
from kruger_rules.access import Scope, key_prefix
from kruger_rules.jobs.service import ImpactJobs
from kruger_rules.store import ApiKey, ImpactJob, KeyRing

BEARER = HTTPBearer(
    scheme_name="Bearer",
    bearerFormat="kr_<prefix>_<secret>",
    description="An API key, made with `kruger-rules keys create`, sent as `Authorization: Bearer kr_...`.",
    auto_error=False,
)

CHALLENGE = {"WWW-Authenticate": "Bearer"}
INVALID = {"WWW-Authenticate": 'Bearer error="invalid_token"'}

KEY_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "No API key, or not a valid one: unknown or revoked (no_key, wrong_key, revoked_key)"},
    403: {"model": ErrorBody, "description": "The API key lacks the scope this endpoint needs (wrong_scope)"},
    429: {
        "model": ErrorBody,
        "description": "The API key is over its rate limit (too_many_requests); Retry-After says when to try again",
        "headers": {"Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer", "minimum": 1}}},
    },
}
"""The refusals of a keyed route, for its ``responses``."""

CALCULATION_KEY_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {**response, "description": f"Where calculations are keyed (KRUGER_CALCULATION_ACCESS=keyed): {response['description']}"}
    for status, response in KEY_RESPONSES.items()
    if status != 403
}
"""The refusals of a calculation, which needs a key only where calculations are keyed, and then no scope."""


async def checked_key(request: Request, credentials: HTTPAuthorizationCredentials | None, scope: Scope | None) -> ApiKey:
    """The request's key, refused unless known, not revoked, with ``scope`` (if any) and within its rate."""
    if credentials is None:
        if "authorization" in request.headers:
            raise Refused("wrong_key", "the Authorization header must be 'Bearer <API key>'", INVALID)
        raise Refused("no_key", "this endpoint needs an API key, sent as the header 'Authorization: Bearer <API key>'", CHALLENGE)
    if key_prefix(credentials.credentials) is None:
        raise Refused("wrong_key", "the bearer token is not an API key: a key is kr_<prefix>_<secret>, as keys create printed it", INVALID)
    key = await run_in_threadpool(stored_key, request.app.state.impact_jobs, credentials.credentials)
    if key is None:
        raise Refused("wrong_key", "no such API key: it may be mistyped, or made for another server", INVALID)
    if key.revoked_at is not None:
        raise Refused("revoked_key", f"the API key '{key.name}' was revoked at {key.revoked_at:%Y-%m-%d %H:%M} UTC", INVALID)
    if scope is not None and scope not in key.scopes:
        granted = ", ".join(key.scopes) or "none"
        raise Refused(
            "wrong_scope",
            f"the API key '{key.name}' has no scope '{scope}' (its scopes: {granted})",
            {"WWW-Authenticate": f'Bearer error="insufficient_scope", scope="{scope}"'},
        )
    wait = request.app.state.rate_limiter.wait(key.id, key.rate_limit)
    if wait:
        seconds = max(1, math.ceil(wait))
        raise Refused(
            "too_many_requests",
            f"the API key '{key.name}' is over its rate limit of {key.rate_limit} requests a minute: try again in {seconds} s",
            {"Retry-After": str(seconds)},
        )
    request.state.api_key = key
    return key


def stored_key(jobs: ImpactJobs, text: str) -> ApiKey | None:
    """The key of ``text`` in the server's database (the jobs' own), revoked or not."""
    return KeyRing(jobs.opened()).find(text)


Credentials = Annotated[HTTPAuthorizationCredentials | None, Security(BEARER)]
"""The bearer token of a request, if any; as a dependency, it declares the bearer scheme on the route's OpenAPI operation."""


@functools.cache
def require(scope: Scope) -> Callable[[Request, HTTPAuthorizationCredentials | None], Awaitable[ApiKey]]:
    """The dependency of a route that needs a key with ``scope`` (one per scope, so that a request checks its key once)."""

    async def key_with_scope(request: Request, credentials: Credentials) -> ApiKey:
        return await checked_key(request, credentials, scope)

    return key_with_scope


ImpactKey = Annotated[ApiKey, Depends(require(Scope.IMPACT))]


async def calculation_key(request: Request, settings: AppSettings) -> ApiKey | None:
    """No key where calculations are open (whatever the request sends); any valid key where they are keyed (the one
    already checked for the request, if any, so that a request is counted once against its key's rate)."""
    if settings.calculation_access == "open":
        return None
    return getattr(request.state, "api_key", None) or await checked_key(request, await BEARER(request), None)


async def recording_key(
    request: Request,
    record: Annotated[
        bool, Query(description="Store each organisation's decision as a decision record (needs an API key with the scope record).")
    ] = False,
) -> ApiKey | None:
    """With ``?record=true``, a key with the scope ``record``; without, none."""
    if not record:
        return None
    return await checked_key(request, await BEARER(request), Scope.RECORD)


RecordingKey = Annotated[ApiKey | None, Depends(recording_key)]
"""Declared before ``CalculationKey`` on a route, so that a recorded calculation checks its key once."""


CalculationKey = Annotated[ApiKey | None, Depends(calculation_key)]


def reads(key: ApiKey | None, job: ImpactJob) -> bool:
    """Whether ``key`` may read ``job``: only the key that submitted it may; a job submitted without a key, only without one."""
    return job.key_id == (key.id if key is not None else None)


def install_calculation_security(app: FastAPI) -> None:
    """Where calculations are keyed, declare the bearer scheme on their operations in the OpenAPI document, once first asked for.

    Their dependency reads the key only where calculations are keyed, so FastAPI cannot declare it on its own.
    """
    if app.state.settings.calculation_access == "open":
        return
    generate = app.openapi

    def openapi() -> dict:
        if app.openapi_schema is None:
            document = generate()
            schemes = document.setdefault("components", {}).setdefault("securitySchemes", {})
            schemes.setdefault(BEARER.scheme_name, BEARER.model.model_dump(by_alias=True, exclude_none=True))
            for route in iter_route_contexts(app.routes):  # each route as the app serves it (an included router's, with its prefix)
                if isinstance(route.original_route, APIRoute) and depends_on(route.original_route.dependant, calculation_key):
                    for method in route.methods or ():
                        document["paths"][route.path_format][method.lower()]["security"] = [{BEARER.scheme_name: []}]
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's own way to extend its document


def depends_on(dependant: Dependant, call: Callable) -> bool:
    """Whether ``call`` is among the dependencies of ``dependant``, at any depth."""
    return any(inner.call is call or depends_on(inner, call) for inner in dependant.dependencies)
