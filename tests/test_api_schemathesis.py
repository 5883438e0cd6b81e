"""Requests generated from the app's own OpenAPI document (in-process): no server error, no answer off its schema.

Bounded: 40 examples per operation, valid and invalid (the examples and fuzzing phases), about half a
minute on 2 cores. The coverage phase, thousands of boundary cases of bodies with a hundred
variables, is left out: tests/test_api_bad_input.py pins the boundaries one by one.
"""

import orjson
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance, status_code_conformance

from api.app import create_app
from api.settings import Settings

schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(Settings(max_body_bytes=200_000, max_organisations=50)))
schema.config.generation.update(modes=[schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE])
schema.config.phases.update(phases=["examples", "fuzzing"])

CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
    content_type_conformance,
    schemathesis.checks.positive_data_acceptance,
]


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_generated_requests_get_no_server_error_and_answers_match_the_schema(case):
    response = case.call_and_validate(checks=CHECKS)
    if response.headers.get("content-type", [""])[0].startswith("application/json"):
        orjson.loads(response.content)  # strict JSON: a NaN or Infinity would not parse
