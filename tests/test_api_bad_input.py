"""Every malformed request gets a 4xx JSON error with a stable code, a message and the JSON path at fault."""

import json
import math

import pytest
from api_support import client, ours
from hypothesis import given, settings
from hypothesis import strategies as st

from api.jsonio import json_depth
from api.settings import Settings

ORGANISATION = {"total_income": {"2024": 30000}, "trading_income": {"2024": 9000}, "trading_income_share": {"2024": None}}


def post(body, content_type="application/json", app=None):
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return (app or ours()).post("/calculate", content=raw, headers={"content-type": content_type})


def assert_error(response, status, code, path="$"):
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert set(body) == {"code", "message", "path"}
    assert (body["code"], body["path"]) == (code, path), body
    assert body["message"]
    return body


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data", ""])
def test_a_body_not_declared_json_is_415(content_type):
    assert_error(post(ORGANISATION, content_type), 415, "unsupported_media_type")


@pytest.mark.parametrize("content_type", ["application/json; charset=utf-8", "application/vnd.api+json"])
def test_json_content_types_with_parameters_or_suffix_are_read(content_type):
    assert post({"organisations": {"o1": ORGANISATION}}, content_type).status_code == 200


def test_a_body_over_the_limit_is_413_from_its_declared_length():
    app = client(Settings(max_body_bytes=1_000))
    assert_error(post({"organisations": {f"o{i}": ORGANISATION for i in range(20)}}, app=app), 413, "body_too_large")


def test_a_body_over_the_limit_is_413_while_reading_a_stream_without_length():
    app = client(Settings(max_body_bytes=1_000))
    chunks = [b'{"organisations": {', b'"o1": {}, ' * 200, b'"o2": {}}}']
    response = app.post("/calculate", content=iter(chunks), headers={"content-type": "application/json"})
    assert "content-length" not in response.request.headers
    assert_error(response, 413, "body_too_large")


def test_the_default_body_limit_is_ten_megabytes():
    assert Settings().max_body_bytes == 10 * 1024 * 1024


def test_too_many_organisations_is_413_at_the_organisations():
    app = client(Settings(max_organisations=3))
    assert post({"organisations": {f"o{i}": {} for i in range(3)}}, app=app).status_code == 200
    assert_error(post({"organisations": {f"o{i}": {} for i in range(4)}}, app=app), 413, "too_many_organisations", "$.organisations")


def test_nesting_past_the_depth_limit_is_400():
    app = client(Settings(max_json_depth=6))
    deep = {"organisations": {"o1": {"total_income": {"2024": [[[1]]]}}}}
    assert_error(post(deep, app=app), 400, "too_deep")
    assert_error(post(b"[" * 100_000 + b"]" * 100_000), 400, "too_deep")


def test_brackets_inside_strings_do_not_count_as_nesting():
    situation = {"organisations": {"[[[[{{{{" * 10 + '\\"[': {"organisation_type": {"2024": "[" * 50}}}}
    assert_error(post(situation), 400, "wrong_value", path=f'$.organisations["{"[[[[{{{{" * 10}\\\\\\"["].organisation_type["2024"]')


@pytest.mark.parametrize("constant", [b"NaN", b"Infinity", b"-Infinity"])
def test_nan_and_infinity_are_400(constant):
    raw = b'{"organisations": {"o1": {"total_income": {"2024": ' + constant + b"}}}}"
    body = assert_error(post(raw), 400, "not_finite")
    assert constant.decode() in body["message"]


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (b"", "empty_body"),
        (b"   ", "empty_body"),
        (b'{"organisations": ', "bad_json"),
        (b"{'organisations': {}}", "bad_json"),
        (b'{"organisations": {}} trailing', "bad_json"),
        (b"\xff\xfe{}", "bad_json"),
        (b"[1, 2]", "bad_situation"),
        (b'"a string"', "bad_situation"),
        (b"null", "bad_situation"),
    ],
)
def test_malformed_json_is_400(raw, code):
    assert_error(post(raw), 400, code)


@pytest.mark.parametrize(
    ("situation", "code", "path"),
    [
        (
            {"organisations": {"o1": {"is_social_enterprise": {"2015": None}}}},
            "period_out_of_range",
            '$.organisations.o1.is_social_enterprise["2015"]',
        ),
        ({"organisations": {"o1": {"total_income": {"1990": 1}}}}, "period_out_of_range", '$.organisations.o1.total_income["1990"]'),
        (
            {"organisations": {"o1": {"is_social_enterprise": {"2101": None}}}},
            "period_out_of_range",
            '$.organisations.o1.is_social_enterprise["2101"]',
        ),
        (
            {"organisations": {"o1": {"is_social_enterprise": {"2024-01": None}}}},
            "bad_period",
            '$.organisations.o1.is_social_enterprise["2024-01"]',
        ),
        ({"organisations": {"o1": {"is_social_enterprise": {"soon": None}}}}, "bad_period", "$.organisations.o1.is_social_enterprise.soon"),
        ({"organisations": {"o1": {"total_incme": {"2024": 1}}}}, "unknown_variable", "$.organisations.o1.total_incme"),
        ({"organisations": {"o1": {"imd_decile": {"2024": 1}}}}, "wrong_entity", "$.organisations.o1.imd_decile"),
        ({"organisations": {"o1": {}}, "households": {}}, "unknown_entity", "$.households"),
        ({"organisations": {"o1": {"total_income": {"2024": "lots"}}}}, "wrong_type", '$.organisations.o1.total_income["2024"]'),
        ({"organisations": {"o1": {"total_income": {"2024": 1e39}}}}, "out_of_range", '$.organisations.o1.total_income["2024"]'),
        ({"organisations": {"o1": {"months_trading": {"2024": 2**40}}}}, "out_of_range", '$.organisations.o1.months_trading["2024"]'),
        ({"organisations": {"o1": {"months_trading": {"2024": 2**70}}}}, "out_of_range", '$.organisations.o1.months_trading["2024"]'),
        (
            {"organisations": {"o1": {"organisation_type": {"2024": "charity"}}}},
            "wrong_value",
            '$.organisations.o1.organisation_type["2024"]',
        ),
        (
            {"organisations": {"o1": {"claim_submission_date": {"2024": "2024-02-30"}}}},
            "wrong_type",
            '$.organisations.o1.claim_submission_date["2024"]',
        ),
        ({"organisations": {"o1": {"total_income": 1000}}}, "missing_period", "$.organisations.o1.total_income"),
        (
            {"organisations": {"o1": {}, "o2": {}}, "places": {"p": {"members": ["o1", "o1"]}}},
            "duplicate_membership",
            "$.places.p.members[1]",
        ),
        (
            {"organisations": {"o1": {}}, "places": {"p": {"members": ["o1"]}, "q": {"members": ["o1"]}}},
            "duplicate_membership",
            "$.places.q.members[0]",
        ),
        ({"organisations": {"o1": {}}, "places": {"p": {"members": ["o9"]}}}, "unknown_id", "$.places.p.members[0]"),
        ({"organisations": {"o1": {}}, "procurements": {"c": {"bidders": ["o1"]}}}, "missing_role", "$.procurements.c"),
        (
            {"organisations": {"o1": {}, "o2": {}}, "procurements": {"c": {"commissioners": ["o1", "o2"]}}},
            "role_limit",
            "$.procurements.c.commissioners",
        ),
        (
            {"organisations": {"o1": {}}, "axes": [[{"name": "total_income", "count": 2, "min": 0, "max": 1}]]},
            "axes_not_supported",
            "$.axes",
        ),
        (
            {"organisations": {"o1": {"contract_value_for_threshold": {"2024": None}}}},
            "wrong_entity",
            "$.organisations.o1.contract_value_for_threshold",
        ),
        ({}, "empty_situation", "$"),
        ({"organisations": {}, "places": {}, "procurements": {}}, "empty_situation", "$"),
    ],
)
def test_bad_situations_are_400_at_their_path(situation, code, path):
    assert_error(post(situation), 400, code, path)


@pytest.mark.parametrize("path", ["/calculate", "/trace"])
def test_an_empty_situation_is_400_on_both_calculation_routes(path):
    response = ours().post(path, json={})
    assert_error(response, 400, "empty_situation", "$")
    assert "nothing to calculate" in response.json()["message"]


def test_an_empty_situation_is_400_on_eligibility_and_compare():
    assert_error(ours().post("/api/v1/eligibility", json={"situation": {}, "period": "2024"}), 400, "empty_situation", "$")
    assert_error(ours().post("/api/v1/compare", json={"situation": {}, "reforms": ["current_law"]}), 400, "empty_situation", "$.situation")


@pytest.mark.parametrize("path", ["/calculate", "/trace"])
def test_both_calculation_routes_refuse_bad_input_the_same_way(path):
    response = ours().post(
        path, content=b'{"organisations": {"o1": {"total_income": {"1990": 1}}}}', headers={"content-type": "application/json"}
    )
    assert_error(response, 400, "period_out_of_range", '$.organisations.o1.total_income["1990"]')
    response = ours().post(path, content=b"x", headers={"content-type": "text/plain"})
    assert_error(response, 415, "unsupported_media_type")


def test_a_result_too_large_for_json_is_400_not_infinity():
    situation = {
        "organisations": {"o1": {}},
        "procurements": {
            "c": {"commissioners": ["o1"], "contract_value": {"2024": 3.4e38}, "contract_value_for_threshold": {"2024": None}}
        },
    }
    response = post(situation)
    assert_error(response, 400, "result_not_finite", '$.procurements.c.contract_value_for_threshold["2024"]')
    assert not any(word in response.text for word in ("Infinity", "NaN"))


def test_unknown_routes_and_methods_answer_the_error_shape():
    assert_error(ours().get("/nowhere"), 404, "not_found")
    assert_error(ours().put("/calculate"), 405, "method_not_allowed")
    assert_error(ours().get("/variable/total_incme"), 404, "variable_not_found", "$.variable_id")
    assert_error(ours().get("/parameter/match_trade.capp"), 404, "parameter_not_found", "$.parameter_id")


def test_settings_are_read_from_the_environment(monkeypatch):
    settings = Settings.from_env({"KRUGER_MAX_BODY_BYTES": "2_000", "KRUGER_MAX_ORGANISATIONS": "5", "KRUGER_MAX_JSON_DEPTH": "9"})
    assert (settings.max_body_bytes, settings.max_organisations, settings.max_json_depth) == (2000, 5, 9)
    monkeypatch.delenv("KRUGER_DATA_DIR", raising=False)  # set for the test run by conftest.py
    assert Settings.from_env({}) == Settings()
    with pytest.raises(ValueError, match="KRUGER_MAX_BODY_BYTES"):
        Settings.from_env({"KRUGER_MAX_BODY_BYTES": "ten"})
    with pytest.raises(ValueError, match="at least 1"):
        Settings.from_env({"KRUGER_MAX_ORGANISATIONS": "0"})


def nesting(value) -> int:
    if isinstance(value, dict):
        return 1 + max(map(nesting, value.values()), default=0)
    if isinstance(value, list):
        return 1 + max(map(nesting, value), default=0)
    return 0


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(alphabet='{}[]"\\ ab\n\u00e9', max_size=6),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(alphabet='{}[]"\\ ab', max_size=4), children, max_size=3),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(json_values, st.booleans())
def test_depth_is_counted_exactly_without_parsing(value, ascii_only):
    body = json.dumps(value, ensure_ascii=ascii_only).encode()
    assert json_depth(body, 0) == nesting(value)


def test_no_answer_holds_nan_or_infinity():
    situation = {
        "organisations": {
            "o1": {"total_income": {"2024": 3.4e38}, "trading_income": {"2024": 3.4e38}, "trading_income_share": {"2024": None}}
        }
    }
    response = post(situation)
    assert response.status_code in (200, 400)
    for word in ("NaN", "Infinity"):
        assert word not in response.text
    if response.status_code == 200:
        assert math.isfinite(response.json()["organisations"]["o1"]["trading_income_share"]["2024"])
