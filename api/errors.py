"""Every failure as one JSON shape, ``{"code", "message", "path"}``, and the one map from code to HTTP status.

The engine raises :class:`~kruger_rules.errors.KrugerError` with a stable code; the API adds
its own codes for the HTTP layer (body size, content type, routes). Any code not listed
below is a fault in the request's content: 400.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException

from api.deps import refusal
from api.jsonio import JSONResponse
from kruger_rules.errors import KrugerError

log = logging.getLogger("kruger_rules.api")

STATUS_BY_CODE = {
    "no_key": 401,
    "wrong_key": 401,
    "revoked_key": 401,
    "wrong_scope": 403,
    "too_many_requests": 429,
    "not_found": 404,
    "variable_not_found": 404,
    "parameter_not_found": 404,
    "method_not_allowed": 405,
    "not_acceptable": 406,
    "record_corrupted": 409,
    "body_too_large": 413,
    "too_many_organisations": 413,
    "upload_too_large": 413,
    "unsupported_media_type": 415,
    "unsupported_file_type": 415,
    "internal_error": 500,
}
"""HTTP status of each code that is not a plain 400."""

CODE_BY_STATUS = {404: "not_found", 405: "method_not_allowed", 413: "body_too_large", 415: "unsupported_media_type"}


class Refused(KrugerError):
    """A request refused for its API key or its rate (api.auth), with the headers its status calls for: a 401 says how to
    authenticate (``WWW-Authenticate``), a 429 when to try again (``Retry-After``)."""

    def __init__(self, code: str, message: str, headers: dict[str, str]) -> None:
        super().__init__(code, message)
        self.headers = headers


def status_of(code: str) -> int:
    return STATUS_BY_CODE.get(code, 400)


def error_response(error: KrugerError, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(error.as_dict(), status_code=status_of(error.code), headers=headers)


async def on_kruger_error(request: Request, error: KrugerError) -> JSONResponse:
    return error_response(error, error.headers if isinstance(error, Refused) else None)


async def on_validation_error(request: Request, error: RequestValidationError) -> JSONResponse:
    """A parameter FastAPI could not read (query, path or header), as one 400 error."""
    return error_response(refusal(error.errors()))


async def on_http_error(request: Request, error: HTTPException) -> JSONResponse:
    """Starlette's own errors (no such route, method not allowed) in the same shape as every other."""
    code = CODE_BY_STATUS.get(error.status_code, "bad_request" if error.status_code < 500 else "internal_error")
    message = {
        "not_found": f"no endpoint at {request.url.path}; the endpoints are listed at /docs",
        "method_not_allowed": f"{request.method} is not allowed on {request.url.path}",
    }.get(code, str(error.detail))
    response = JSONResponse(KrugerError(code, message).as_dict(), status_code=error.status_code, headers=getattr(error, "headers", None))
    return response


def internal_error_body() -> bytes:
    return JSONResponse.render_static(KrugerError("internal_error", "the server failed to answer; the fault is logged").as_dict())


def install_error_handlers(app: FastAPI) -> None:
    # Starlette types a handler as taking any Exception; each of these is registered for its own class.
    app.add_exception_handler(KrugerError, on_kruger_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, on_validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(HTTPException, on_http_error)  # type: ignore[arg-type]
