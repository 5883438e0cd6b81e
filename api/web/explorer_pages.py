"""The rules explorer's pages at /rules: the schemes, every variable and parameter, and search.

Each page shows facts from ``api.web.explorer`` (built once for the shared rule system); an unknown
name answers the GOV.UK "Page not found" page (404). Nothing here needs JavaScript: search is a
form sent with GET, and a parameter's step chart is SVG drawn on the server beside its table.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.responses import HTMLResponse, RedirectResponse

from api.web.explorer import Explorer, explorer
from api.web.formatting import by_unit
from api.web.rendering import page
from api.web.step_chart import step_chart
from kruger_rules import units
from kruger_rules.system import shared_system

ROOT = "/rules"
MAX_QUERY = 200
"""Longer queries are cut to this many characters: no name or label is longer."""

UNIT_WORDS = {
    units.CURRENCY: "Pounds",
    units.RATIO: "A share, shown as a percentage",
    units.BOOLEAN: "Yes or no",
    "day": "Days",
    "month": "Months",
    "year": "Years",
    "person": "People",
    "decile": "A decile, from 1 (most deprived tenth) to 10",
    "vote": "Votes",
    "month-of-year": "A month of the year, from 1 (January) to 12 (December)",
    "iso-weekday": "A day of the week, from 1 (Monday) to 7 (Sunday)",
    "weekday-occurrence": "Which such weekday of the month: 1 the first, 2 the second, up to 4; -1 the last",
}
PERIODS = {"year": "A year", "month": "A month", "day": "A day", "eternity": "For all time"}

router = APIRouter(prefix=ROOT, include_in_schema=False)


def rules() -> Explorer:
    return explorer(shared_system())


def value_words(value: Any, unit: str | None) -> str:
    """A parameter's value in its unit; none is the parameter's end."""
    return "No value: the parameter ends" if value is None else by_unit(value, unit)


def unit_words(unit: str | None) -> str | None:
    return UNIT_WORDS.get(unit, unit) if unit else None


def explorer_page(template: str, status_code: int = 200, **context) -> HTMLResponse:
    return page(
        f"explorer/{template}",
        status_code=status_code,
        root=ROOT,
        counts=rules().counts(),
        value_words=value_words,
        unit_words=unit_words,
        periods=PERIODS,
        **context,
    )


def not_found() -> HTMLResponse:
    return explorer_page("not_found.html", status_code=404)


@router.get("", response_class=HTMLResponse)
def index() -> HTMLResponse:
    return explorer_page("index.html", schemes=list(rules().schemes.values()))


@router.get("/", response_class=RedirectResponse)
def index_with_slash() -> RedirectResponse:
    return RedirectResponse(ROOT, status_code=308)


@router.get("/search", response_class=HTMLResponse)
def search(q: str = "") -> HTMLResponse:
    query = " ".join(q[:MAX_QUERY].split())
    return explorer_page("search.html", query=query, matches=rules().search(query))


@router.get("/schemes/{key}", response_class=HTMLResponse)
def scheme(key: str) -> HTMLResponse:
    found = rules().scheme(key)
    return explorer_page("scheme.html", scheme=found) if found else not_found()


@router.get("/variables", response_class=HTMLResponse)
def variables() -> HTMLResponse:
    return explorer_page("variables.html", variables=list(rules().variables.values()))


@router.get("/variables/{name}", response_class=HTMLResponse)
def variable(name: str) -> HTMLResponse:
    found = rules().variable(name)
    if found is None:
        return not_found()
    return explorer_page("variable.html", variable=found, label_of=rules().label_of, schemes=rules().schemes)


@router.get("/parameters", response_class=HTMLResponse)
def parameters() -> HTMLResponse:
    return explorer_page("parameters.html", folders=rules().folders())


@router.get("/parameters/{name}", response_class=HTMLResponse)
def parameter(name: str) -> HTMLResponse:
    found = rules().parameter(name)
    if found is not None:
        chart = step_chart(found.values, lambda value: value_words(value, found.unit), found.label or found.name)
        return explorer_page("parameter.html", parameter=found, chart=chart, label_of=rules().label_of)
    group = rules().group(name)
    if group is not None:
        return explorer_page("group.html", group=group, label_of=rules().label_of)
    return not_found()


@router.get("/{anything:path}", response_class=HTMLResponse)
def elsewhere(anything: str) -> HTMLResponse:
    """Any other address under /rules: the page is not found."""
    return not_found()
