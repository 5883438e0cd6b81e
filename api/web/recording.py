"""A checker's result recorded as a decision record, by a funder's officer with their API key.

The key is typed into a password field and posted with the answers; it is checked as the API checks a bearer
token (``api.auth.checked_key``: known, not revoked, with the scope ``record``, within its rate) and the decision is
stored by the records service ``POST /api/v1/eligibility?record=true`` uses (``kruger_rules.records.service``), so
a record made here is the record the API would make for the same situation. The key is read from the form only: it
is never put in an address, a hidden field, a page or a log.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from api.web.checker import API_KEY, State
from api.web.form_keys import key_in_form
from kruger_rules.access import Scope
from kruger_rules.records.service import Caller, record_answer
from kruger_rules.store import ApiKey, DecisionBook

READ_RECORD = "/redoc#tag/Decisions/operation/get_record_api_v1_decisions__id__get"
"""What ``GET /api/v1/decisions/{id}`` answers, in the API's reference."""


async def recording_key(request: Request, written: str) -> ApiKey:
    """The key written in the form, checked as the API checks a bearer token for ``?record=true``; KeyRefused otherwise."""
    return await key_in_form(request, written, Scope.RECORD, API_KEY)


async def record(request: Request, state: State, key: ApiKey) -> tuple[dict, dict[str, str]]:
    """The answers explained and recorded, as ``POST /api/v1/eligibility?record=true`` records them: the answer, its record ids."""
    explained = await run_in_threadpool(state.explained)
    book = DecisionBook(await run_in_threadpool(request.app.state.impact_jobs.opened))
    records = await run_in_threadpool(record_answer, book, None, state.situation(), explained, Caller(key.id, key.name))
    return explained, records
