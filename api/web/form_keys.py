"""An officer's API key typed into a page's password field, checked as the API checks a bearer token.

``api.auth.checked_key`` checks it: known, not revoked, with the scope the page's action needs, within its rate. A
refusal is the key field's error, in GOV.UK's words, with the status and headers the API would answer it with.
"""

from __future__ import annotations

from fastapi.security import HTTPAuthorizationCredentials
from starlette.requests import Request

from api.auth import checked_key
from api.errors import Refused, status_of
from api.web.checker import AnswerError
from kruger_rules.access import Scope
from kruger_rules.store import ApiKey

SCOPE_WORDS = {Scope.RECORD: "record decisions", Scope.IMPACT: "run impacts"}
"""What a page asks a key's scope for, as a wrong scope's message says it."""


class KeyRefused(AnswerError):
    """A key that cannot be taken: the message on its field, the HTTP status and headers the API would answer it with."""

    def __init__(self, refused: Refused, field: str, scope: Scope) -> None:
        super().__init__(refusal_message(refused, scope), field)
        self.status_code = status_of(refused.code)
        self.headers = refused.headers


def refusal_message(refused: Refused, scope: Scope) -> str:
    """The GOV.UK error message for a refused key: what is wrong and what to do, never the key itself."""
    if refused.code == "too_many_requests":
        return f"This API key has made too many requests: try again in {refused.headers['Retry-After']} seconds"
    return {
        "no_key": "Enter your API key",
        "wrong_key": "Enter an API key this service made, as it was given to you: this one is not recognised",
        "revoked_key": "This API key has been revoked: enter a key in use",
        "wrong_scope": f"This API key cannot {SCOPE_WORDS[scope]}: enter a key with the scope {scope}",
    }[refused.code]


async def key_in_form(request: Request, written: str, scope: Scope, field: str) -> ApiKey:
    """The key written in the form's ``field``, checked as the API checks a bearer token with ``scope``; KeyRefused otherwise."""
    text = written.strip()
    credentials = HTTPAuthorizationCredentials(scheme="Bearer", credentials=text) if text else None
    try:
        return await checked_key(request, credentials, scope)
    except Refused as refused:
        raise KeyRefused(refused, field, scope) from None
