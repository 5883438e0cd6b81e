"""Headers every response carries (the rules version, as `openfisca serve` names its package), and the last resort.

The last resort turns an exception no handler took into a logged 500 with the usual error
body; the tests show that no request reaches it.
"""

from __future__ import annotations

import logging

from api.errors import internal_error_body

log = logging.getLogger("kruger_rules.api")


class AnswerHeaders:
    """ASGI middleware adding fixed headers to every HTTP response, errors included."""

    def __init__(self, app, headers: dict[str, str]) -> None:
        self.app = app
        self.headers = [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers.items()]

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_with_headers(message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message["headers"] = [*message.get("headers", ()), *self.headers]
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            log.exception("unhandled error answering %s %s", scope.get("method"), scope.get("path"))
            if started:
                raise
            body = internal_error_body()
            await send_with_headers(
                {
                    "type": "http.response.start",
                    "status": 500,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
                }
            )
            await send({"type": "http.response.body", "body": body})
