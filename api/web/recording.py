"""A checker's result recorded as a decision record, by a funder's officer with their API key.

The key is typed into a password field and posted with the answers; it is checked as the API checks a bearer
token (``api.auth.checked_key``: known, not revoked, with the scope ``record``, within its rate) and the decision is
stored by the records service ``POST /api/v1/eligibility?record=true`` uses (``kruger_rules.records.service``), so
a record made here is the record the API would make for the same situation. The key is read from the form only: it
is never put in an address, a hidden field, a page or a log.
"""

from __future__ import annotations

from fastapi.security import HTTPAuthorizationCredentials
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from api.auth import checked_key
from api.errors import Refused, status_of
from api.web.checker import API_KEY, AnswerError, State
from kruger_rules.access import Scope
from kruger_rules.records.service import Caller, record_answer
from kruger_rules.store import ApiKey, DecisionBook

READ_RECORD = "/redoc#tag/Decisions/operation/get_record_api_v1_decisions__id__get"
"""What ``GET /api/v1/decisions/{id}`` answers, in the API's reference."""


class KeyRefused(AnswerError):
    """A key that cannot record: the message for its field, the HTTP status and headers the API would answer it with."""

    def __init__(self, refused: Refused) -> None:
        super().__init__(refusal_message(refused), API_KEY)
        self.status_code = status_of(refused.code)
        self.headers = refused.headers


def refusal_message(refused: Refused) -> str:
    """The GOV.UK error message for a refused key: what is wrong and what to do, never the key itself."""
    if refused.code == "too_many_requests":
        return f"This API key has made too many requests: try again in {refused.headers['Retry-After']} seconds"
    return {
        "no_key": "Enter your API key",
        "wrong_key": "Enter an API key this service made, as it was given to you: this one is not recognised",
        "revoked_key": "This API key has been revoked: enter a key in use",
        "wrong_scope": "This API key cannot record decisions: enter a key with the scope record",
    }[refused.code]


async def recording_key(request: Request, written: str) -> ApiKey:
    """The key written in the form, checked as the API checks a bearer token for ``?record=true``; KeyRefused otherwise."""
    text = written.strip()
    credentials = HTTPAuthorizationCredentials(scheme="Bearer", credentials=text) if text else None
    try:
        return await checked_key(request, credentials, Scope.RECORD)
    except Refused as refused:
        raise KeyRefused(refused) from None


async def record(request: Request, state: State, key: ApiKey) -> tuple[dict, dict[str, str]]:
    """The answers explained and recorded, as ``POST /api/v1/eligibility?record=true`` records them: the answer, its record ids."""
    explained = await run_in_threadpool(state.explained)
    book = DecisionBook(await run_in_threadpool(request.app.state.impact_jobs.opened))
    records = await run_in_threadpool(record_answer, book, None, state.situation(), explained, Caller(key.id, key.name))
    return explained, records
