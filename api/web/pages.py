"""The HTML routes: the eligibility checker at /check. None is in the OpenAPI document, which describes the API only."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import HTMLResponse

from api.web.rendering import page
from kruger_rules.schemes import schemes
from kruger_rules.system import shared_system

router = APIRouter(include_in_schema=False)


def organisation_schemes():
    """The schemes that decide for an organisation (the person entity), as their files declare them."""
    system = shared_system()
    return schemes(system)[system.person_entity.key]


@router.get("/check", response_class=HTMLResponse)
def start() -> HTMLResponse:
    return page("check/start.html", schemes=organisation_schemes(), start="/check/schemes")
