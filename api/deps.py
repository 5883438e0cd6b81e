"""What every route needs, read once as FastAPI dependencies: a route then reads as the one thing it does.

* ``JsonBody``: the body, read within the app's limits (api.jsonio: type, size, depth, strict JSON);
* ``Baseline``: the rule system as it stands, which OpenFisca's descriptions describe;
* ``Situation``: the body of /calculate and /trace as a situation, within the organisation limit;
* ``Reformed``: the reform the request is answered under (``?reform=NAME`` and/or a top-level
  ``"reform"`` in the body) and its rule system;
* ``Explained``, ``Compared``: the bodies of /api/v1/eligibility and /api/v1/compare, checked
  by their models (api.requests), within the organisation limits;
* ``Jobs``: the server's jobs (kruger_rules.jobs), whose submissions api.impact_requests and api.batch_requests read.

A fault is a :class:`KrugerError`, answered by api.errors; :func:`refusal` is the one translation
of pydantic's validation errors (of a body model, or of a query or path parameter) into it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Query, Request
from pydantic import ValidationError, WithJsonSchema

from api.jsonio import parse_json, read_body
from api.requests import CompareRequest, EligibilityRequest, RequestBody
from api.schemas import component
from api.settings import Settings
from kruger_rules.errors import KrugerError, json_path
from kruger_rules.jobs.service import ImpactJobs
from kruger_rules.reforms import ReformSpec, parse_reform, reformed_system
from kruger_rules.system import shared_system

Body = TypeVar("Body", bound=RequestBody)


async def app_settings(request: Request) -> Settings:
    return request.app.state.settings


AppSettings = Annotated[Settings, Depends(app_settings)]


async def impact_jobs(request: Request) -> ImpactJobs:
    return request.app.state.impact_jobs


Jobs = Annotated[ImpactJobs, Depends(impact_jobs)]


async def read_json(request: Request, settings: AppSettings) -> Any:
    """The body's JSON value: declared JSON (415), within the size (413) and depth (400) limits, strict JSON (400)."""
    return parse_json(await read_body(request, settings.max_body_bytes), settings.max_json_depth)


JsonBody = Annotated[Any, Depends(read_json)]


async def baseline_system() -> Any:
    """The rules as they stand: what the descriptions of OpenFisca's web API describe."""
    return shared_system()


Baseline = Annotated[Any, Depends(baseline_system)]


# --- Organisations: one count, one limit ---


def organisations_within(situation: Any, limit: int, at: tuple[str, ...] = (), doing: str = "in one request") -> int:
    """How many organisations ``situation`` declares, refused with a 413 above ``limit``."""
    persons = shared_system().person_entity.plural
    instances = situation.get(persons) if isinstance(situation, dict) else None
    count = len(instances) if isinstance(instances, dict) else 0
    if count > limit:
        raise KrugerError(
            "too_many_organisations",
            f"{count:,} {persons} {doing}; the limit is {limit:,}: split the request",
            json_path(*at, persons),
        )
    return count


@dataclass(frozen=True)
class CheckedSituation:
    """A situation as sent (less its ``"reform"``), within the organisation limit; nothing else is checked yet."""

    facts: Any
    organisations: int


async def read_situation(body: JsonBody, settings: AppSettings) -> CheckedSituation:
    facts = {key: value for key, value in body.items() if key != "reform"} if isinstance(body, dict) and "reform" in body else body
    return CheckedSituation(facts, organisations_within(facts, settings.max_organisations))


Situation = Annotated[CheckedSituation, Depends(read_situation)]


# --- The reform of a request ---


ReformQuery = Annotated[
    str | None,
    Query(
        description="A named reform to answer under (listed at /api/v1/reforms); "
        'a top-level "reform" in the body may add parameter changes.',
        examples=["current_law"],
    ),
    WithJsonSchema(component("ReformName")),
]


@dataclass(frozen=True)
class ReformedSystem:
    """The reform a request is answered under, and the rule system it gives."""

    spec: ReformSpec
    system: Any

    @property
    def data(self) -> dict | None:
        """The reform's normalised data form, as an answer reports it; None for the baseline."""
        return None if self.spec.is_baseline else self.spec.data


def requested_reform(query_name: str | None, body_reform: Any) -> ReformSpec:
    """The reform named by ``?reform=`` and/or given as the body's ``"reform"``, validated whole."""
    if query_name is None:
        return parse_reform(body_reform, ("reform",))
    named = parse_reform(query_name, ())
    if body_reform is None:
        return named
    body = parse_reform(body_reform, ("reform",))
    if body.name not in (None, named.name):
        raise KrugerError(
            "reform_conflict",
            f"?reform={named.name} and the body's reform '{body.name}' differ; name the reform once",
            json_path("reform", "name") if isinstance(body_reform, dict) else json_path("reform"),
        )
    return parse_reform({"name": named.name, "parameters": body.parameters}, ("reform",))


async def resolve_reform(body: JsonBody, reform: ReformQuery = None) -> ReformedSystem:
    spec = requested_reform(reform, body.get("reform") if isinstance(body, dict) else None)
    return ReformedSystem(spec, reformed_system(spec))


Reformed = Annotated[ReformedSystem, Depends(resolve_reform)]


# --- Bodies read by a model ---


def refusal(faults: Sequence[Mapping[str, Any]], body: type[RequestBody] | None = None) -> KrugerError:
    """The first fault pydantic found, as a 400: in a body read as ``body`` (at its field), else in a query, path or header parameter."""
    if body is None:  # a parameter has no JSON path: the message names it
        place, *name = faults[0]["loc"]
        return KrugerError("bad_request", f"{place} parameter {'.'.join(map(str, name))}: {faults[0]['msg']}", "$")
    order = {kind: rank for rank, kind in enumerate(body.reported_first)}
    first = min(faults, key=lambda fault: order.get(fault["type"], len(order)))
    if not first["loc"]:
        return KrugerError("bad_request", body.shape, "$")
    field = str(first["loc"][0])
    if first["type"] == "missing":
        message = f"'{field}' is required"
    elif first["type"] == "extra_forbidden":
        message = f"'{field}' is not a field of the body, which has {body.field_list}"
    else:
        message = body.needs.get(field, first["msg"])
    return KrugerError("bad_request", message, json_path(field))


def body_as(model: type[Body]) -> Callable[[Any], Awaitable[Body]]:
    """A dependency reading the JSON body as ``model``."""

    async def read(body: JsonBody) -> Body:
        try:
            return model.model_validate(body)
        except ValidationError as error:
            raise refusal(error.errors(), model) from None

    return read


async def explained_request(
    asked: Annotated[EligibilityRequest, Depends(body_as(EligibilityRequest))], reformed: Reformed, settings: AppSettings
) -> EligibilityRequest:
    # counted once the reform is known, so that a bad reform is reported before the count, as it always was
    organisations_within(asked.situation, settings.max_explained, ("situation",), "to explain in one request")
    return asked


async def compared_request(asked: Annotated[CompareRequest, Depends(body_as(CompareRequest))], settings: AppSettings) -> CompareRequest:
    organisations_within(asked.situation, settings.max_organisations, ("situation",))
    return asked


Explained = Annotated[EligibilityRequest, Depends(explained_request)]
Compared = Annotated[CompareRequest, Depends(compared_request)]
