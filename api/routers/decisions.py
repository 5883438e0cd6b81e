"""Decision records: read one, list them, replay one under today's rules.

A record is made by ``POST /api/v1/eligibility?record=true`` (api.routers.eligibility). These routes need a key
with the scope ``read``, and a key reads only the records it made: to another key a record does not exist (404).
A record that fails its integrity check is answered 409 (``record_corrupted``), never as a record. A replay is
stored beside its record, never in its place (kruger_rules.records).
"""

from __future__ import annotations

import datetime
import re
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from api.auth import KEY_RESPONSES, require
from api.deps import Jobs
from api.jsonio import JSONResponse
from api.schemas import error_responses
from kruger_rules.access import Scope
from kruger_rules.errors import KrugerError
from kruger_rules.records.service import Caller, page_of, replay_record, show
from kruger_rules.store import ApiKey, DecisionBook
from kruger_rules.store.decision_book import MAX_PAGE

router = APIRouter(prefix="/api/v1", tags=["Decisions"])

ReadKey = Annotated[ApiKey, Depends(require(Scope.READ))]
RECORD_ID = r"^[0-9a-f]{32}$"


class DecisionRecord(BaseModel):
    id: str
    organisation: str = Field(description="The organisation's id in the situation.")
    situation: dict[str, Any] = Field(description="The situation as it was sent.")
    period: str
    reform: dict[str, Any] | None = Field(description="The reform's data form; null for the rules in force.")
    outputs: dict[str, Any] = Field(description="Each scheme's eligibility, amounts, dates and outcomes.")
    explanation: dict[str, Any] = Field(description="The organisation's explanation, as /api/v1/eligibility answered it.")
    parameters: dict[str, Any] = Field(description="Each parameter the decision read: its value and the date it took effect.")
    rules_version: str
    made_at: str
    made_by: str
    content_hash: str = Field(description="sha256 of the record's canonical JSON; checked at every read.")
    replays: list[dict[str, Any]]


class RecordSummary(BaseModel):
    id: str
    intact: bool = Field(description="False: the record fails its integrity check, and nothing else of it is shown.")
    organisation: str | None = None
    period: str | None = None
    reform: dict[str, Any] | None = None
    made_at: str | None = None
    rules_version: str | None = None
    eligible: dict[str, bool] | None = None


class RecordPage(BaseModel):
    records: list[RecordSummary]
    next: str | None = Field(description="The address of the next page (older records); null on the last.")


class ReplayRequest(BaseModel):
    period: str | None = Field(None, description="The year to answer for; the record's own by default.", examples=["2026"])


class Replay(BaseModel):
    id: str
    record_id: str
    organisation: str
    period: str
    recorded_period: str
    rules_version: str
    recorded_rules_version: str
    same: bool = Field(description="Whether every output is the same as recorded.")
    outputs: dict[str, Any]
    changed_outputs: list[dict[str, Any]] = Field(description="Each output that differs: scheme, output, then, now.")
    changed_parameters: list[dict[str, Any]] = Field(description="Each parameter read whose value or date in force differs: then, now.")
    changed_formulas: list[dict[str, Any]] | None = Field(
        description="Each variable the decision depends on whose formulas changed since the record's rules version; null if unknown."
    )
    made_at: str


def decision_book(jobs: Jobs) -> DecisionBook:
    return DecisionBook(jobs.opened())


Book = Annotated[DecisionBook, Depends(decision_book)]


def caller(key: ApiKey) -> Caller:
    return Caller(key.id, key.name)


def record_id(value: str) -> str:
    if not re.match(RECORD_ID, value):
        raise KrugerError("not_found", f"no decision record '{value[:40]}'", "$.id")
    return value


@router.get(
    "/decisions/{id}",
    response_model=DecisionRecord,
    summary="A decision record: what was asked, answered and read, sealed by its hash",
    responses={**KEY_RESPONSES, **error_responses(404, 409)},
)
async def get_record(id: str, key: ReadKey, book: Book):
    return JSONResponse(await run_in_threadpool(show, book, record_id(id), caller(key)))


@router.get(
    "/decisions",
    response_model=RecordPage,
    summary="The key's decision records, newest first, a page at a time",
    responses={**KEY_RESPONSES, **error_responses(400)},
)
async def list_records(
    request: Request,
    key: ReadKey,
    book: Book,
    organisation: Annotated[str | None, Query(max_length=255, description="Only this organisation's records.")] = None,
    since: Annotated[datetime.datetime | None, Query(alias="from", description="Only records made at or after this moment.")] = None,
    until: Annotated[datetime.datetime | None, Query(alias="to", description="Only records made before this moment.")] = None,
    after: Annotated[str | None, Query(pattern=RECORD_ID, description="The last record of the previous page.")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE, description="Records a page.")] = 50,
):
    found, following = await run_in_threadpool(page_of, book, caller(key), organisation, aware(since), aware(until), after, limit)
    next_page = str(request.url.include_query_params(after=following)) if following else None
    return JSONResponse({"records": found, "next": next_page})


def aware(moment: datetime.datetime | None) -> datetime.datetime | None:
    """A moment given without a zone is taken as UTC."""
    return moment.replace(tzinfo=datetime.UTC) if moment is not None and moment.tzinfo is None else moment


@router.post(
    "/decisions/{id}/replay",
    response_model=Replay,
    summary="A decision answered again under today's rules: the same or not, and what changed and why",
    responses={**KEY_RESPONSES, **error_responses(400, 404, 409)},
)
async def replay(id: str, key: ReadKey, book: Book, asked: ReplayRequest | None = None):
    period = asked.period if asked is not None else None
    return JSONResponse(await run_in_threadpool(replay_record, book, record_id(id), caller(key), period))
