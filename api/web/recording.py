"""A checker's result recorded as a decision record, by a funder's officer with their API key.

The key is typed into a password field and posted with the answers; it is checked as the API checks a bearer
token (``api.auth.checked_key``: known, not revoked, with the scope ``record``, within its rate) and the decision is
stored by the records service ``POST /api/v1/eligibility?record=true`` uses (``kruger_rules.records.service``), so
a record made here is the record the API would make for the same situation. The key is read from the form only: it
is never put in an address, a hidden field, a page or a log.

Once recorded, the result is shown at its own address with the record ids added (POST, then redirect, then GET), so
that reloading it records nothing. An address can be written by anyone: a record id in it is shown as the page's
record only once the store has it, intact, as the decision of exactly the page's answers, year and rules.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from api.web.checker import API_KEY, State
from api.web.form_keys import key_in_form
from kruger_rules.access import Scope
from kruger_rules.errors import KrugerError
from kruger_rules.records.service import Caller, read_record, record_answer
from kruger_rules.store import ApiKey, DecisionBook
from kruger_rules.system import rules_version

READ_RECORD = "/redoc#tag/Decisions/operation/get_record_api_v1_decisions__id__get"
"""What ``GET /api/v1/decisions/{id}`` answers, in the API's reference."""

ANY_KEY = Caller(command_line=True)
"""Who reads a record the result's address names: any key's record, as the command line reads them. The page shows
only an id its address already holds, and only when the record is the decision of the page's own answers."""


MAX_RECORD_IDS = 10
"""Record ids an address may have looked up: a result is recorded once a press of the button, so more is no page of
ours, and each id costs the store a read. Those beyond are said to be no record of these answers, unread."""


async def recording_key(request: Request, written: str) -> ApiKey:
    """The key written in the form, checked as the API checks a bearer token for ``?record=true``; KeyRefused otherwise."""
    return await key_in_form(request, written, Scope.RECORD, API_KEY)


async def record(request: Request, state: State, key: ApiKey) -> dict[str, str]:
    """The answers explained and recorded, as ``POST /api/v1/eligibility?record=true`` records them: the record ids by organisation."""
    explained = await run_in_threadpool(state.explained)
    book = await decision_book(request)
    return await run_in_threadpool(record_answer, book, None, state.situation(), explained, Caller(key.id, key.name))


async def decision_book(request: Request) -> DecisionBook:
    return DecisionBook(await run_in_threadpool(request.app.state.impact_jobs.opened))


async def recorded(request: Request, state: State, explained: dict, named: list[str]) -> tuple[list[str], list[str]]:
    """Of the record ids an address names, each once in its order: those that are decisions of these answers, and those that are not."""
    if not named:
        return [], []  # a result not yet recorded: the store is not asked
    book = await decision_book(request)
    situation = state.situation()
    records: list[str] = []
    refused: list[str] = []
    distinct = list(dict.fromkeys(named))
    for record_id in distinct[:MAX_RECORD_IDS]:
        found = await run_in_threadpool(of_these_answers, book, record_id, situation, explained["period"])
        (records if found else refused).append(record_id)
    return records, refused + distinct[MAX_RECORD_IDS:]


def of_these_answers(book: DecisionBook, record_id: str, situation: dict, period: str) -> bool:
    """Whether the store has ``record_id``, intact, as a decision of exactly ``situation`` in ``period`` under these rules (no
    reform, this rules version); one answer whatever the reason it is not, so that a page says no more of someone's record."""
    try:
        record, _ = read_record(book, record_id, ANY_KEY)
    except KrugerError:  # none such, or one that fails its integrity check
        return False
    content = record.content
    return (content["situation"], content["period"], content["reform"], content["rules_version"]) == (
        situation,
        period,
        None,
        rules_version(),
    )
