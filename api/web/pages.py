"""The HTML routes: the eligibility checker at /check. None is in the OpenAPI document, which describes the API only.

Each step is a page (GET, its answers so far in the address) and a form posted to the same address
(POST, the answers so far in hidden fields): a good answer is redirected (303) to the next page, a
wrong one is the same page again with the GOV.UK error summary and error message (422). The result's form
records it (POST, with the officer's API key: api.web.recording): redirected (303) to the result's address with its
record ids, which shows them once checked in the store, so that reloading it records nothing; or the result with the
key's error, answered with the status the API gives that key (401, 403 or 429).
"""

from __future__ import annotations

import datetime
from urllib.parse import parse_qsl, urlencode

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import HTMLResponse, RedirectResponse, Response

from api.web import checker, recording
from api.web.checker import API_KEY, NO_WARD, RECORD, ROOT, SCHEMES, WARD, YEAR, AnswerError, State
from api.web.form_keys import KeyRefused
from api.web.formatting import variable_value
from api.web.rendering import page
from kruger_rules.errors import KrugerError
from kruger_rules.system import rules_version

router = APIRouter(include_in_schema=False)

MAX_FORM_BYTES = 64 * 1024
"""A step's form holds the answers so far: a few hundred bytes."""


def query_state(request: Request) -> State:
    return State.read(request.query_params.multi_items())


async def form_fields(request: Request) -> list[tuple[str, str]]:
    """A posted form's fields, in order, read within a bound."""
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            raise KrugerError("body_too_large", f"the form is larger than the limit of {MAX_FORM_BYTES:,} bytes")
    return parse_qsl(body.decode("utf-8", errors="replace"), keep_blank_values=True)


def redirect(url: str) -> Response:
    return RedirectResponse(url, status_code=303)


def to_unanswered(state: State) -> Response | None:
    """The way to the first step the answers still lack; None once every step is answered."""
    missing = state.first_unanswered()
    return None if missing is None else redirect(state.step_url(missing))


def step_page(template: str, state: State, step: str, error: AnswerError | None = None, **context) -> HTMLResponse:
    """A step's page: its form posts to itself with the other answers in hidden fields."""
    errors = [{"text": error.message, "href": f"#{error.field}"}] if error else None
    return page(
        template,
        status_code=422 if error else 200,
        state=state,
        back=state.back_url(step),
        action=checker.step_path(step),
        hidden=state.pairs(leave_out=step),
        errors=errors,
        error=error,
        year=state.year or checker.default_year(),
        **context,
    )


def not_found() -> HTMLResponse:
    return page("not_found.html", status_code=404)


@router.get("/check", response_class=HTMLResponse)
def start() -> HTMLResponse:
    return page("check/start.html", schemes=checker.organisation_schemes(), start=f"{ROOT}/schemes")


# Which schemes


def schemes_page(state: State, chosen: tuple[str, ...], error: AnswerError | None = None) -> HTMLResponse:
    options = [(scheme.key, scheme.label) for scheme in checker.organisation_schemes()]
    return step_page("check/schemes.html", state, SCHEMES, error, options=options, chosen=chosen)


@router.get(f"{ROOT}/schemes", response_class=HTMLResponse)
def schemes_question(request: Request) -> HTMLResponse:
    state = query_state(request)
    return schemes_page(state, state.schemes)


@router.post(f"{ROOT}/schemes", response_class=HTMLResponse)
async def schemes_answer(request: Request) -> Response:
    fields = await form_fields(request)
    state = State.read((key, value) for key, value in fields if key != SCHEMES)
    known = checker.scheme_by_key()
    chosen = tuple(key for key in known if key in {value for key, value in fields if key == SCHEMES})
    if not chosen:
        return schemes_page(state, (), AnswerError("Select at least one scheme to check", SCHEMES))
    state = state.with_answer(SCHEMES, chosen)
    return redirect(state.next_url(SCHEMES))


# Which year


@router.get(f"{ROOT}/year", response_class=HTMLResponse)
def year_question(request: Request) -> HTMLResponse:
    state = query_state(request)
    return step_page("check/year.html", state, YEAR, value=state.year or checker.default_year())


@router.post(f"{ROOT}/year", response_class=HTMLResponse)
async def year_answer(request: Request) -> Response:
    fields = await form_fields(request)
    state = State.read((key, value) for key, value in fields if key != YEAR)
    written = dict(fields).get(YEAR, "")
    try:
        year = checker.year_text(written)
    except AnswerError as error:
        return step_page("check/year.html", state, YEAR, error, value=written)
    state = state.with_answer(YEAR, year)
    return redirect(state.next_url(YEAR))


# Which ward


def ward_page(state: State, value: str, error: AnswerError | None = None) -> HTMLResponse:
    skip = state.with_answer(WARD, NO_WARD)
    return step_page("check/ward.html", state, WARD, error, value=value, skip=skip.next_url(WARD))


@router.get(f"{ROOT}/ward", response_class=HTMLResponse)
def ward_question(request: Request) -> HTMLResponse:
    state = query_state(request)
    if not state.needs().ward:
        return not_found()
    return ward_page(state, state.ward if state.ward is not None and state.ward != NO_WARD else "")


@router.post(f"{ROOT}/ward", response_class=HTMLResponse)
async def ward_answer(request: Request) -> Response:
    fields = await form_fields(request)
    state = State.read((key, value) for key, value in fields if key != WARD)
    if not state.needs().ward:
        return not_found()
    written = dict(fields).get(WARD, "")
    try:
        code = checker.ward_code(written)
    except AnswerError as error:
        return ward_page(state, written, error)
    state = state.with_answer(WARD, code)
    return redirect(state.next_url(WARD))


# The organisation's questions


def question_page(state: State, question: checker.Question, values: dict[str, str], error: AnswerError | None = None) -> HTMLResponse:
    return step_page("check/question.html", state, question.name, error, question=question, values=values)


def kept_values(question: checker.Question, state: State) -> dict[str, str]:
    """What the question's fields show: the kept answer, a date split into its parts."""
    kept = state.answers.get(question.name)
    if question.kind == "date":
        return {f"{question.name}-{part}": value for part, value in checker.date_fields(kept).items()}
    return {question.name: kept} if kept is not None else {}


@router.get(ROOT + "/question/{name}", response_class=HTMLResponse)
def question(request: Request, name: str) -> HTMLResponse:
    state = query_state(request)
    asked = state.question(name)
    if asked is None:
        return not_found()
    return question_page(state, asked, kept_values(asked, state))


@router.post(ROOT + "/question/{name}", response_class=HTMLResponse)
async def answer(request: Request, name: str) -> Response:
    fields = await form_fields(request)
    mine = {name, *(f"{name}-{part}" for part in checker.DATE_PARTS)}
    state = State.read((key, value) for key, value in fields if key not in mine)
    asked = state.question(name)
    if asked is None:
        return not_found()
    written = {key: value for key, value in fields if key in mine}
    try:
        text = checker.read_answer(asked, written)
    except AnswerError as error:
        return question_page(state, asked, written, error)
    state = state.with_answer(name, text)
    return redirect(state.next_url(name))


# Check your answers, and the result


def answer_rows(state: State, change: bool) -> list[dict]:
    """The summary list of the answers: each with its value in words and, on the answers page, its Change link."""
    labels = checker.scheme_by_key()
    rows: list[dict] = [
        {"key": "Schemes to check", "lines": [labels[key].label for key in state.schemes], "step": SCHEMES, "what": "the schemes"},
        {"key": "Year", "lines": [state.year], "step": YEAR, "what": "the year"},
    ]
    if state.needs().ward:
        where = checker.ward_name(state.ward) if state.ward is not None and state.ward != NO_WARD else "Not given: checked without a place"
        rows.append({"key": "Ward", "lines": [where], "step": WARD, "what": "the ward"})
    for asked in state.questions():
        value = checker.situation_value(asked, state.answers[asked.name])
        rows.append({"key": asked.label, "lines": [variable_value(value, asked.name)], "step": asked.name, "what": asked.label.lower()})
    for row in rows:
        row["change"] = state.change_url(row["step"]) if change else None
    return rows


@router.get(f"{ROOT}/answers", response_class=HTMLResponse)
def check_answers(request: Request) -> Response:
    state = query_state(request)
    if (unanswered := to_unanswered(state)) is not None:
        return unanswered
    last = state.steps()[-1]
    return page(
        "check/answers.html",
        back=state.step_url(last),
        rows=answer_rows(state, change=True),
        action=f"{ROOT}/result",
        hidden=state.pairs(),
    )


def result_page(
    state: State,
    explained: dict,
    records: list[str] | None = None,
    not_records: list[str] | None = None,
    error: KeyRefused | None = None,
) -> HTMLResponse:
    """The result: each chosen scheme explained, the decision's facts (with its record ids once recorded), the form to record it.

    ``records`` are the ids the address names that are records of these answers; ``not_records`` those that are not: the
    page says so of each, and still answers 200, since the result itself is sound.
    """
    labels = checker.scheme_by_key()
    chosen = state.result(explained)
    return page(
        "check/result.html",
        status_code=error.status_code if error else 200,
        headers=error.headers if error else None,
        back=state.answers_url(),
        results=[(labels[key], chosen[key]) for key in state.schemes],
        ward_results=state.ward_result(explained),
        ward=state.ward,
        rows=answer_rows(state, change=False),
        year=state.year,
        checked_on=datetime.date.today().isoformat(),
        version=rules_version(),
        answers_url=state.answers_url(),
        restart=ROOT,
        action=f"{ROOT}/result",
        hidden=state.pairs(),
        records=records,
        not_records=not_records,
        read_record=recording.READ_RECORD,
        errors=[{"text": error.message, "href": f"#{error.field}"}] if error else None,
        error=error,
        key_field=API_KEY,
    )


@router.get(f"{ROOT}/result", response_class=HTMLResponse)
async def result(request: Request) -> Response:
    """The result; with the records the address names shown as its own once each is checked to be a decision of these answers."""
    state = query_state(request)
    if (unanswered := to_unanswered(state)) is not None:
        return unanswered
    explained = await run_in_threadpool(state.explained)
    records, not_records = await recording.recorded(request, state, explained, request.query_params.getlist(RECORD))
    return result_page(state, explained, records, not_records)


def recorded_url(state: State, records: dict[str, str]) -> str:
    """The result's address with the records just made of it: the page a record ends on, reloaded without recording again."""
    return f"{state.result_url()}&{urlencode([(RECORD, record_id) for record_id in records.values()])}"


@router.post(f"{ROOT}/result", response_class=HTMLResponse)
async def record_result(request: Request) -> Response:
    """The result recorded with the officer's key: redirected to its address with its record ids, or the key's error on its field."""
    fields = await form_fields(request)
    state = State.read((key, value) for key, value in fields if key != API_KEY)
    if (unanswered := to_unanswered(state)) is not None:
        return unanswered
    try:
        key = await recording.recording_key(request, dict(fields).get(API_KEY, ""))
    except KeyRefused as refused:
        return result_page(state, await run_in_threadpool(state.explained), error=refused)
    records = await recording.record(request, state, key)
    return redirect(recorded_url(state, records))
