"""The API's plumbing (api.deps): one body reader with the limits, one reform resolver, one translator of pydantic's errors."""

import pytest
from api_support import ours
from fastapi.testclient import TestClient

from api.app import create_app
from api.deps import refusal
from api.requests import CompareRequest, EligibilityRequest
from api.settings import Settings

SITUATION_NEEDED = "'situation' is a JSON object of entities: organisations, places, procurements"
IN_ONE = "4 organisations in one request; the limit is 3"
IN_SITUATION = "$.situation.organisations"
TO_EXPLAIN = "3 organisations to explain in one request; the limit is 2"


def error_of(response):
    body = response.json()
    return response.status_code, body["code"], body["path"], body["message"]


@pytest.mark.parametrize(
    ("body", "path", "message"),
    [
        ([1], "$", "the body is a JSON object with a situation, a period and reforms"),
        (
            {"situation": [], "extra": 1},
            "$.extra",
            "'extra' is not a field of the body, which has situation, period, reforms, variables, changed_only",
        ),
        ({"situation": []}, "$.reforms", "'reforms' is required"),
        ({"reforms": "x"}, "$.situation", "'situation' is required"),
        ({"situation": [], "reforms": "x"}, "$.situation", SITUATION_NEEDED),
        ({"situation": {}, "reforms": "x"}, "$.reforms", "'reforms' is a list of 1 to 8 reforms"),
        ({"situation": {}, "reforms": ["current_law"], "changed_only": None}, "$.changed_only", "'changed_only' is true or false"),
    ],
)
def test_compare_reports_an_unknown_field_then_a_missing_one_then_a_wrong_one(body, path, message):
    assert error_of(ours().post("/api/v1/compare", json=body)) == (400, "bad_request", path, message)


@pytest.mark.parametrize(
    ("body", "path", "message"),
    [
        ("2024", "$", "the body must be a JSON object with a situation and a period"),
        ({"situation": [], "period": "2024", "extra": 1}, "$.situation", SITUATION_NEEDED),
        ({"situation": {}, "extra": 1}, "$.period", "'period' is required"),
        (
            {"situation": {}, "period": "2024", "extra": 1},
            "$.extra",
            "'extra' is not a field of the body, which has 'situation', 'period' and 'reform'",
        ),
        ({"situation": {}, "period": 2024.0}, "$.period", "'period' is the year assessed, such as '2024'"),
    ],
)
def test_eligibility_reports_the_first_fault_in_field_order(body, path, message):
    assert error_of(ours().post("/api/v1/eligibility", json=body)) == (400, "bad_request", path, message)


def test_parameters_and_bodies_are_translated_by_one_function():
    parameter = refusal([{"loc": ("query", "period"), "msg": "Input should be a valid string", "type": "string_type"}])
    assert (parameter.code, parameter.path) == ("bad_request", "$")
    assert parameter.message == "query parameter period: Input should be a valid string"
    body = refusal([{"loc": ("situation",), "msg": "x", "type": "dict_type"}], EligibilityRequest)
    assert (body.message, body.path) == (EligibilityRequest.needs["situation"], "$.situation")
    assert refusal([{"loc": (), "msg": "x", "type": "model_type"}], CompareRequest).message == CompareRequest.shape


@pytest.fixture(scope="module")
def limited():
    return TestClient(create_app(Settings(max_organisations=3, max_explained_organisations=2)))


def organisations(count: int) -> dict:
    return {f"o{index}": {} for index in range(count)}


@pytest.mark.parametrize(
    ("path", "body", "at", "doing"),
    [
        ("/calculate", {"organisations": organisations(4)}, "$.organisations", IN_ONE),
        ("/trace", {"organisations": organisations(4)}, "$.organisations", IN_ONE),
        ("/api/v1/compare", {"situation": {"organisations": organisations(4)}, "reforms": ["current_law"]}, IN_SITUATION, IN_ONE),
        ("/api/v1/eligibility", {"situation": {"organisations": organisations(3)}, "period": "2024"}, IN_SITUATION, TO_EXPLAIN),
    ],
)
def test_every_route_counts_organisations_against_its_limit_alike(limited, path, body, at, doing):
    status, code, where, message = error_of(limited.post(path, json=body))
    assert (status, code, where) == (413, "too_many_organisations", at)
    assert message == f"{doing}: split the request"


def test_a_bad_reform_is_reported_before_the_count_of_organisations_as_it_was(limited):
    calculate = limited.post("/calculate", json={"organisations": organisations(4), "reform": "nope"})
    assert error_of(calculate)[:2] == (413, "too_many_organisations")
    body = {"situation": {"organisations": organisations(3)}, "period": "2024", "reform": "nope"}
    eligibility = limited.post("/api/v1/eligibility", json=body)
    assert error_of(eligibility)[:3] == (400, "unknown_reform", "$.reform")


def test_the_body_s_reform_is_resolved_on_top_of_the_query_s_and_left_out_of_the_situation():
    body = {"organisations": {"o": {"match_trade_in_force": {"2024": None}}}, "reform": {"match_trade.in_force": {"2024-01-01": True}}}
    answer = ours().post("/calculate?reform=current_law", json=body).json()
    assert answer == {"organisations": {"o": {"match_trade_in_force": {"2024": True}}}}
