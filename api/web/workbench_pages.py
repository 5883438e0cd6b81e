"""The reform workbench's pages at /workbench: choose a reform, change its parameters, share it, run its impact, compare two.

Every page works with JavaScript off. A reform lives in the address (``api.web.workbench``); a form posts the
reform back in a hidden field, and a good answer is redirected (303) to the next page, a wrong one is the same
page again with GOV.UK's error summary and the field's error message (a 4xx). Impact runs, their key and their
jobs are ``api.web.workbench_runs``. An address that cannot be read is a 4xx page saying why, never a 500.

A running job's page says where the job stands and offers "Check progress", the same page again. With JavaScript on,
our own script (``scripts/workbench_progress.js``, served at /workbench/progress.js) asks each job's progress
(its JSON at ``/jobs/{id}/progress``) every few seconds, shows it in a live region, and opens the page again once no
job runs: the results, the failure or the comparison. No page refreshes itself (a timed refresh fails WCAG 2.2.1).
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import parse_qsl, urlsplit

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, Response

from api.deps import app_settings, impact_jobs
from api.errors import status_of
from api.impact_requests import checked_reform_and_period
from api.routers.impact import FILE_HEADERS, INLINE
from api.uploads import read_form
from api.web import workbench as bench
from api.web import workbench_runs as runs
from api.web.checker import DATE_PARTS, AnswerError, default_year
from api.web.explorer_pages import unit_words, value_words
from api.web.form_keys import KeyRefused
from api.web.formatting import money
from api.web.pages import form_fields, redirect
from api.web.rendering import WEB_DIR, page
from api.web.workbench import ROOT
from kruger_rules import units
from kruger_rules.errors import KrugerError
from kruger_rules.jobs.folders import media_type
from kruger_rules.reforms import ReformSpec
from kruger_rules.store import ApiKey, ImpactJob, JobStatus

router = APIRouter(prefix=ROOT, include_in_schema=False)

POLL_SECONDS = 3
"""How often a running job's page asks again, with JavaScript on."""
PROGRESS_SCRIPT = WEB_DIR / "scripts" / "workbench_progress.js"
RUN_FIELDS = ("reform", "period", "source", runs.KEY_FIELD)
COMPARE_FIELDS = ("a", "a-address", "b", "b-address", "period", "source", runs.KEY_FIELD)
FIELD_ORDER = ["a", "a-address", "b", "b-address", "period", "source", *runs.FILE_FIELDS, runs.KEY_FIELD]
"""The fields of a run's or a comparison's form in the page's order: the order of the error summary."""
BASELINE, ADDRESS = "baseline", "address"
"""A side of a comparison: the rules as they are, or a reform by its workbench address."""


def pounds(value) -> str:
    return "" if value is None else ("-" + money(round(-value)) if value < 0 else money(round(value)))


def whole(value) -> str:
    return "" if value is None else f"{round(value):,}"


def bench_page(template: str, status_code: int = 200, **context) -> HTMLResponse:
    context.setdefault("poll", None)
    context.setdefault("back", None)
    return page(
        f"workbench/{template}",
        status_code=status_code,
        root=ROOT,
        value_words=value_words,
        unit_words=unit_words,
        pounds=pounds,
        whole=whole,
        **context,
    )


def problem(status: int, heading: str, message: str, back: str = ROOT) -> HTMLResponse:
    return bench_page("problem.html", status_code=status, heading=heading, message=message, back_to=back)


def bad_address(error: KrugerError) -> HTMLResponse:
    return problem(400, "This reform’s address cannot be read", upper_first(error.message))


def not_found() -> HTMLResponse:
    return page("not_found.html", status_code=404)


def upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def summary(errors: list[AnswerError]) -> list[dict[str, str]] | None:
    return [{"text": error.message, "href": f"#{error.field}"} for error in errors] or None


def reform_of(request: Request) -> ReformSpec:
    return bench.read_reform(request.query_params.multi_items())


def reform_in_form(text: str) -> ReformSpec:
    """The reform a form carries in its hidden field: its canonical query."""
    return bench.read_reform(parse_qsl(text, keep_blank_values=True))


# Choosing a reform


@router.get("", response_class=HTMLResponse)
def start() -> HTMLResponse:
    return bench_page("start.html", reforms=bench.named(), address=bench.address)


@router.get("/reform", response_class=HTMLResponse)
def reform(request: Request) -> HTMLResponse:
    try:
        spec = reform_of(request)
    except KrugerError as error:
        return bad_address(error)
    shared = str(request.base_url).rstrip("/") + bench.address(spec)
    return bench_page(
        "reform.html",
        spec=spec,
        title=bench.title(spec),
        described=bench.named_description(spec),
        base_changes=bench.base_changes(spec),
        own_changes=bench.own_changes(spec),
        back=ROOT,
        shared=shared,
        address=bench.address,
        query=bench.query(spec),
    )


@router.get("/parameters", response_class=HTMLResponse)
def parameters(request: Request, q: str = "", folder: str = "") -> HTMLResponse:
    """Every top folder of the parameter tree; a folder's parameters, or those a search finds, each with its values and sources."""
    try:
        spec = reform_of(request)
    except KrugerError as error:
        return bad_address(error)
    search = " ".join(q[:200].split())
    folders = bench.parameter_tree(search, "" if search else folder)
    if folder and not search and not folders:
        return not_found()
    changed = {change.path for change in (*bench.base_changes(spec), *bench.own_changes(spec))}
    return bench_page(
        "parameters.html",
        spec=spec,
        title=bench.title(spec),
        search=search,
        folders=folders,
        found=sum(found.count for found in folders),
        folder=folder if not search else "",
        changed=changed,
        query=bench.query(spec),
        back=bench.address(spec),
        pairs=parse_qsl(bench.query(spec)),
    )


# Changing a parameter


def edit_page(spec: ReformSpec, name: str, values: dict[str, str], errors: Sequence[AnswerError] = ()) -> HTMLResponse:
    facts = bench.rules().parameter(name)
    if facts is None:
        return not_found()
    changes = [change for change in (*bench.base_changes(spec), *bench.own_changes(spec)) if change.path == name]
    return bench_page(
        "parameter.html",
        status_code=422 if errors else 200,
        spec=spec,
        parameter=facts,
        changes=changes,
        switch=facts.unit == units.BOOLEAN or isinstance(facts.latest.value, bool),
        prefix="£" if facts.unit == units.CURRENCY else None,
        hint=value_hint(facts.unit),
        values=values,
        errors=summary(list(errors)),
        error={error.field: error for error in errors},
        back=bench.address(spec, "/parameters"),
        action=f"{ROOT}/parameters/{name}",
        query=bench.query(spec),
    )


def value_hint(unit: str | None) -> str:
    if unit == units.CURRENCY:
        return "In pounds, like 20000."
    if unit == units.RATIO:
        return "A share between 0 and 1, like 0.25 for a quarter."
    if unit in units.COUNTS:
        return f"A whole number of {unit}s, like 30."
    return "A number, like 12.5."


@router.get("/parameters/{name}", response_class=HTMLResponse)
def parameter(request: Request, name: str) -> HTMLResponse:
    try:
        spec = reform_of(request)
    except KrugerError as error:
        return bad_address(error)
    return edit_page(spec, name, {})


def date_key(values: dict[str, str]) -> str:
    """The date key a form's day, month and year make, for the engine to check; an ``AnswerError`` if they are not numbers."""
    parts = [values.get(f"start-{part}", "").strip() for part in DATE_PARTS]
    if not any(parts):
        raise AnswerError("Enter the date the new value takes effect", "start-day", DATE_PARTS)
    if not all(part.isdigit() for part in parts):
        raise AnswerError("The date must be a real date written in numbers, like 1 4 2025", "start-day", DATE_PARTS)
    day, month, year = (int(part) for part in parts)
    return f"{year:04d}-{month:02d}-{day:02d}"


@router.post("/parameters/{name}", response_class=HTMLResponse)
async def change_parameter(request: Request, name: str) -> Response:
    fields = dict(await form_fields(request))
    try:
        spec = reform_in_form(fields.get("reform", ""))
    except KrugerError as error:
        return bad_address(error)
    if bench.rules().parameter(name) is None:
        return not_found()
    errors: list[AnswerError] = []
    written = fields.get("value", "").strip()
    if not written:
        errors.append(AnswerError("Enter the new value", "value"))
    try:
        key = date_key(fields)
    except AnswerError as error:
        errors.append(error)
    if errors:
        return edit_page(spec, name, fields, errors)
    try:
        changed = bench.with_change(spec, name, key, bench.value_of(written))
    except KrugerError as error:
        on_date = error.code == "bad_reform_date"
        wrong = AnswerError(upper_first(error.message), "start-day" if on_date else "value", DATE_PARTS if on_date else ())
        return edit_page(spec, name, fields, [wrong])
    return redirect(bench.address(changed))


# Running an impact


def run_page(spec: ReformSpec, values: dict[str, str], errors: Sequence[AnswerError] = (), status: int = 422) -> HTMLResponse:
    return bench_page(
        "run.html",
        status_code=status if errors else 200,
        spec=spec,
        title=bench.title(spec),
        query=bench.query(spec),
        values={"period": default_year(), "source": runs.SAMPLE, **values},
        errors=summary(list(errors)),
        error={error.field: error for error in errors},
        back=bench.address(spec),
        sample=runs.sample_population(),
    )


@router.get("/run", response_class=HTMLResponse)
def run_form(request: Request) -> HTMLResponse:
    try:
        spec = reform_of(request)
    except KrugerError as error:
        return bad_address(error)
    return run_page(spec, {})


def checked_period(text: str) -> str:
    try:
        return checked_reform_and_period(None, text.strip())[1]
    except KrugerError as error:
        raise AnswerError(upper_first(error.message) if text.strip() else "Enter the year to compute", "period") from None


def checked_source(text: str) -> str:
    if text not in (runs.SAMPLE, runs.UPLOAD):
        raise AnswerError("Select the population to run on", "source")
    return text


async def checked_fields(request: Request, fields: dict[str, str]) -> tuple[ApiKey | None, str | None, str | None, list[AnswerError]]:
    """The key, the year and the population's source of a run's form, each checked; every error found, the key's first."""
    errors: list[AnswerError] = []
    key = period = source = None
    try:
        key = await runs.key_of(request, fields.get(runs.KEY_FIELD, ""))
    except AnswerError as error:
        errors.append(error)
    for check, name in ((checked_period, "period"), (checked_source, "source")):
        try:
            value = check(fields.get(name, ""))
        except AnswerError as error:
            errors.append(error)
            continue
        period, source = (value, source) if name == "period" else (period, value)
    return key, period, source, sorted(errors, key=lambda error: FIELD_ORDER.index(error.field))


def status_for(errors: list[AnswerError]) -> int:
    """The status of a form's errors: the key's refusal as the API answers it, else 422."""
    refused = [error.status_code for error in errors if isinstance(error, KeyRefused)]
    return refused[0] if refused else 422


@router.post("/run", response_class=HTMLResponse)
async def run(request: Request) -> Response:
    settings, jobs = await app_settings(request), await impact_jobs(request)
    try:
        async with read_form(request, settings.max_upload_bytes, RUN_FIELDS, runs.FILE_FIELDS) as form:
            try:
                spec = reform_in_form(form.fields.get("reform", ""))
            except KrugerError as error:
                return bad_address(error)
            fields = {name: value for name, value in form.fields.items() if name != runs.KEY_FIELD}
            key, period, source, errors = await checked_fields(request, form.fields)
            if errors or key is None or period is None or source is None:
                return run_page(spec, fields, errors, status_for(errors))
            job_id = jobs.new_id()
            try:
                population = await runs.population_of(jobs, job_id, source, form.files)
            except AnswerError as error:
                return run_page(spec, fields, [error])
    except KrugerError as error:
        return problem(status_of(error.code), "The form cannot be sent", upper_first(error.message))
    token, options = runs.new_read_token()
    await run_in_threadpool(jobs.submit, job_id, spec, period, population, options=options, key_id=key.id)
    response = redirect(f"{ROOT}/jobs/{job_id}")
    runs.remember(response, request, job_id, token)
    return response


# A job's pages


async def read_jobs(request: Request, *job_ids: str) -> list[ImpactJob] | Response:
    """The jobs, if this browser holds each one's read token; else Page not found, or the refusal of a revoked key."""
    jobs = await impact_jobs(request)
    found: list[ImpactJob] = []
    for job_id in job_ids:
        try:
            job = await runs.readable_job(jobs, request, job_id)
        except runs.RevokedKey as revoked:
            message = f"The API key that ran it, {revoked.key.name}, has been revoked: run it again with a key in use."
            response = problem(status_of("revoked_key"), "This impact job can no longer be read", message)
            runs.forget(response, job_id)
            return response
        if job is None:
            return not_found()
        found.append(job)
    return found


def files_root(job: ImpactJob) -> str:
    return f"{ROOT}/jobs/{job.id}/files"


@router.get("/progress.js")
def progress_script() -> FileResponse:
    return FileResponse(PROGRESS_SCRIPT, media_type="text/javascript")


@router.get("/jobs/{job_id}", response_class=HTMLResponse)
async def job_page(request: Request, job_id: str) -> Response:
    found = await read_jobs(request, job_id)
    if not isinstance(found, list):
        return found
    view = await run_in_threadpool(runs.job_view, await impact_jobs(request), found[0], files_root(found[0]))
    if view.done:
        return redirect(f"{ROOT}/jobs/{job_id}/results")
    here = f"{ROOT}/jobs/{job_id}"
    return bench_page("job.html", view=view, poll=POLL_SECONDS if view.running else None, here=here)


@router.get("/jobs/{job_id}/progress")
async def job_progress(request: Request, job_id: str) -> Response:
    """Where the job stands, for its page's script: its status in words and colour, its progress, whether it still runs."""
    found = await read_jobs(request, job_id)
    if not isinstance(found, list):
        return found
    job = found[0]
    return JSONResponse(
        {
            "status": runs.STATUS_WORDS[job.status],
            "colour": runs.STATUS_COLOURS[job.status],
            "progress": runs.progress_text(job),
            "running": job.status in (JobStatus.QUEUED, JobStatus.RUNNING),
        },
        headers={"Cache-Control": "no-store"},
    )


@router.get("/jobs/{job_id}/results", response_class=HTMLResponse)
async def results(request: Request, job_id: str) -> Response:
    found = await read_jobs(request, job_id)
    if not isinstance(found, list):
        return found
    job = found[0]
    if job.status != JobStatus.DONE:
        return redirect(f"{ROOT}/jobs/{job_id}")
    view = await run_in_threadpool(runs.job_view, await impact_jobs(request), job, files_root(job))
    spec = bench.job_reform(job.reform)
    return bench_page(
        "results.html",
        view=view,
        title=bench.title(spec) if spec else job.reform_label,
        reform_address=bench.address(spec) if spec else None,
    )


@router.get("/jobs/{job_id}/files/{name}")
async def job_file(request: Request, job_id: str, name: str) -> Response:
    found = await read_jobs(request, job_id)
    if not isinstance(found, list):
        return found
    path = (await impact_jobs(request)).result_file(found[0], name)
    if path is None:
        return not_found()
    disposition = "inline" if path.suffix in INLINE else "attachment"
    return FileResponse(path, media_type=media_type(name), headers=FILE_HEADERS, filename=name, content_disposition_type=disposition)


# Comparing two reforms


def side_of(fields: dict[str, str], side: str) -> ReformSpec:
    """One side of a comparison: a named reform, the rules as they are, or a reform by its workbench address."""
    chosen = fields.get(side, "")
    if chosen == BASELINE:
        return ReformSpec()
    if chosen == ADDRESS:
        text = fields.get(f"{side}-address", "").strip()
        if not text:
            raise AnswerError(f"Enter the address of reform {side.upper()}, as its page shows it", f"{side}-address")
        pairs = parse_qsl(urlsplit(text).query if "?" in text else text, keep_blank_values=True)
        if not pairs and "=" not in text:
            pairs = [(bench.BASE, text)]
        try:
            return bench.read_reform(pairs)
        except KrugerError as error:
            raise AnswerError(f"Reform {side.upper()}’s address cannot be read: {error.message}", f"{side}-address") from None
    if chosen in {reform["name"] for reform in bench.named()}:
        return ReformSpec(chosen)
    raise AnswerError(f"Select reform {side.upper()}", side)


def prefilled(text: str) -> tuple[str, str]:
    """A side's radio and address from a reform's query in the compare page's address (``?a=base=...&p=...``)."""
    if not text:
        return "", ""
    try:
        spec = reform_in_form(text)
    except KrugerError:
        return ADDRESS, text
    if spec.is_baseline:
        return BASELINE, ""
    if not spec.changes:
        return str(spec.name), ""
    return ADDRESS, bench.address(spec)


def compare_page(values: dict[str, str], errors: Sequence[AnswerError] = (), status: int = 422) -> HTMLResponse:
    options = [(reform["name"], reform["name"], reform["description"]) for reform in bench.named()]
    options += [(BASELINE, "The rules as they are", "No reform: the baseline itself."), (ADDRESS, "A reform by its address", None)]
    return bench_page(
        "compare.html",
        status_code=status if errors else 200,
        options=options,
        values={"period": default_year(), "source": runs.SAMPLE, **values},
        errors=summary(list(errors)),
        error={error.field: error for error in errors},
        back=ROOT,
        sample=runs.sample_population(),
    )


@router.get("/compare", response_class=HTMLResponse)
def compare_form(a: str = "", b: str = "") -> HTMLResponse:
    values: dict[str, str] = {}
    for side, text in (("a", a), ("b", b)):
        values[side], values[f"{side}-address"] = prefilled(text)
    return compare_page(values)


@router.post("/compare", response_class=HTMLResponse)
async def compare(request: Request) -> Response:
    settings, jobs = await app_settings(request), await impact_jobs(request)
    try:
        async with read_form(request, settings.max_upload_bytes, COMPARE_FIELDS, runs.FILE_FIELDS) as form:
            fields = {name: value for name, value in form.fields.items() if name != runs.KEY_FIELD}
            key, period, source, errors = await checked_fields(request, form.fields)
            sides: list[ReformSpec] = []
            for side in ("a", "b"):
                try:
                    sides.append(side_of(fields, side))
                except AnswerError as error:
                    errors.append(error)
            errors.sort(key=lambda error: FIELD_ORDER.index(error.field))
            if errors or key is None or period is None or source is None:
                return compare_page(fields, errors, status_for(errors))
            first, second = jobs.new_id(), jobs.new_id()
            try:
                population = await runs.population_of(jobs, first, source, form.files)
            except AnswerError as error:
                return compare_page(fields, [error])
            await run_in_threadpool(runs.copied_population, jobs, first, second, population)
    except KrugerError as error:
        return problem(status_of(error.code), "The form cannot be sent", upper_first(error.message), f"{ROOT}/compare")
    response = redirect(f"{ROOT}/comparisons/{first}/{second}")
    for job_id, spec in ((first, sides[0]), (second, sides[1])):
        token, options = runs.new_read_token()
        await run_in_threadpool(jobs.submit, job_id, spec, period, population, options=options, key_id=key.id)
        runs.remember(response, request, job_id, token)
    return response


@router.get("/comparisons/{first}/{second}", response_class=HTMLResponse)
async def comparison(request: Request, first: str, second: str) -> Response:
    found = await read_jobs(request, first, second)
    if not isinstance(found, list):
        return found
    jobs = await impact_jobs(request)
    views = [await run_in_threadpool(runs.job_view, jobs, job, files_root(job)) for job in found]
    running = any(view.running for view in views)
    specs = [bench.job_reform(view.job.reform) for view in views]
    return bench_page(
        "comparison.html",
        views=views,
        names=[bench.title(spec) if spec else view.job.reform_label for spec, view in zip(specs, views, strict=True)],
        addresses=[bench.address(spec) if spec else None for spec in specs],
        poll=POLL_SECONDS if running else None,
        here=f"{ROOT}/comparisons/{first}/{second}",
        differences=bench_differences(views) if not running and all(view.done for view in views) else None,
    )


def bench_differences(views: list[runs.JobView]) -> dict[str, list[dict]]:
    """Each scheme's cost and reach under the two reforms, side by side: the figures of both jobs' tables, by scheme."""
    first, second = views
    cost = [
        {"label": row["label"], "a": row["reform_cost"], "b": other["reform_cost"], "difference": other["reform_cost"] - row["reform_cost"]}
        for row in first.tables.get("cost", [])
        for other in second.tables.get("cost", [])
        if other["scheme"] == row["scheme"]
    ]
    reach = [
        {
            "label": row["label"],
            "a": row["eligible_reform"],
            "b": other["eligible_reform"],
            "difference": other["eligible_reform"] - row["eligible_reform"],
        }
        for row in first.tables.get("reach", [])
        for other in second.tables.get("reach", [])
        if (other["scheme"], other["entity"]) == (row["scheme"], row["entity"])
    ]
    return {"cost": cost, "reach": reach}


@router.get("/{anything:path}", response_class=HTMLResponse)
def elsewhere(anything: str) -> HTMLResponse:
    """Any other address under /workbench: the page is not found."""
    return not_found()
