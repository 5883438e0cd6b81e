"""Requests generated from the app's own OpenAPI document (in-process): no server error, no answer off its schema.

Bounded: 40 examples per operation, valid and invalid (the examples and fuzzing phases), about half a
minute on 2 cores. The coverage phase, thousands of boundary cases of bodies with a hundred
variables, is left out: tests/test_api_bad_input.py pins the boundaries one by one.

Impact jobs are submitted (queued in a folder of the test run) but not run: the app runs none
(max_impact_jobs=0). A population uploaded as multipart/form-data is generated as random bytes, which
no schema can make a readable Parquet or CSV table, so those requests are checked for everything but
acceptance (tests/test_api_impact.py sends real files); JSON submissions are checked for acceptance too. Every request
carries an API key with the scope impact, so that the impact operations answer past the key (tests/test_api_keys.py
tests the refusals).
"""

import atexit
import shutil
import tempfile

import orjson
import schemathesis
from api_support import api_key, bearer
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance, status_code_conformance

from api.app import create_app
from api.settings import Settings
from kruger_rules.store import default_url

DATA_DIR = tempfile.mkdtemp(prefix="kruger-rules-schemathesis-")
atexit.register(shutil.rmtree, DATA_DIR, True)
APP_SETTINGS = Settings(max_body_bytes=200_000, max_organisations=50, data_dir=DATA_DIR, max_impact_jobs=0)
schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(APP_SETTINGS))
schema.config.generation.update(modes=[schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE])
schema.config.phases.update(phases=["examples", "fuzzing"])
KEY = api_key(default_url(DATA_DIR), "schemathesis", "impact", rate_limit=100_000)


@schema.auth()
class ImpactKey:
    def get(self, case, context):
        return KEY

    def set(self, case, key, context):
        case.headers = {**(case.headers or {}), **bearer(key)}


CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
    content_type_conformance,
    schemathesis.checks.positive_data_acceptance,
]
CHECKS_OF_UPLOADS = [check for check in CHECKS if check is not schemathesis.checks.positive_data_acceptance]


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_generated_requests_get_no_server_error_and_answers_match_the_schema(case):
    response = case.call_and_validate(checks=CHECKS_OF_UPLOADS if case.media_type == "multipart/form-data" else CHECKS)
    if response.headers.get("content-type", [""])[0].startswith("application/json"):
        orjson.loads(response.content)  # strict JSON: a NaN or Infinity would not parse
