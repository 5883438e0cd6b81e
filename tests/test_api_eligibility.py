"""The eligibility and inputs endpoints: shapes, rules version, and bad input answered 4xx in JSON."""

import math

import pytest
from fastapi.testclient import TestClient
from test_inputs_that_matter import EXPECTED

from api.app import create_app
from kruger_rules.system import rules_version

MATCH_TRADE = {
    "period": "2024",
    "situation": {
        "organisations": {
            "o1": {
                "organisation_type": "community_interest_company",
                "is_independent": True,
                "months_since_established": 30,
                "months_trading": 24,
                "total_income": 12000,
                "trading_income": 3840,
                "profit_share_to_purpose": 0.6,
            },
            "o2": {"organisation_type": "registered_charity"},
        },
        "places": {"p1": {"members": ["o1"], "imd_decile": 1, "cni_decile": 1, "population": 8000}},
    },
}


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(), raise_server_exceptions=False) as client:
        yield client


def assert_error(response, status, code, path=None):
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) >= {"code", "message", "path"}
    assert body["code"] == code
    if path is not None:
        assert body["path"] == path


# POST /api/v1/eligibility


def test_eligibility_answers_every_scheme_with_the_rules_version(client):
    response = client.post("/api/v1/eligibility", json=MATCH_TRADE)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["rules_version"] == rules_version()
    assert response.headers["X-Rules-Version"] == rules_version()
    assert body["period"] == "2024"
    assert set(body["organisations"]) == {"o1", "o2"}
    assert set(body["places"]) == {"p1"}
    assert body["procurements"] == {}
    scheme = body["organisations"]["o1"]["schemes"]["match_trade"]
    assert scheme["eligible"] is False
    income = next(c for c in scheme["criteria"] if c["variable"] == "match_trade_total_income_met")
    assert income["parameters"][0]["name"] == "match_trade.min_total_income"
    assert income["to_pass"]["options"][0]["conditions"] == [{"operator": ">=", "value": 15000}]


def test_eligibility_never_reports_a_group_created_for_an_unassigned_organisation(client):
    body = client.post("/api/v1/eligibility", json=MATCH_TRADE).json()
    assert body["organisations"]["o2"]["groups"]["place"] is None
    assert "_unassigned_" not in str(body)


def test_eligibility_accepts_a_year_as_a_number(client):
    response = client.post("/api/v1/eligibility", json={**MATCH_TRADE, "period": 2024})
    assert response.status_code == 200
    assert response.json()["period"] == "2024"


def test_eligibility_is_documented_in_openapi(client):
    schema = client.get("/openapi.json").json()
    operation = schema["paths"]["/api/v1/eligibility"]["post"]
    assert "requestBody" in operation
    components = schema["components"]["schemas"]
    assert "Criterion" in components
    assert "PassOption" in components
    assert set(components["OrganisationEligibility"]["properties"]) == {"groups", "schemes", "record_id"}
    assert set(components["GroupEligibility"]["properties"]) == {"members", "schemes"}


def test_a_date_that_would_pass_is_answered_in_iso_dates_as_the_openapi_document_says(client):
    role = {"dbs_held_issue_date": "2022-05-10", "dbs_role_start_date": "2025-06-01"}
    body = client.post("/api/v1/eligibility", json={"period": "2024", "situation": {"organisations": {"o1": role}}}).json()
    current = next(
        c for c in body["organisations"]["o1"]["schemes"]["dbs_checks"]["criteria"] if c["variable"] == "volunteer_passport_check_current"
    )
    start = next(option for option in current["to_pass"]["options"] if option["variable"] == "dbs_role_start_date")
    assert (start["kind"], start["yours"], start["no_date"]) == ("date", "2025-06-01", False)
    assert start["conditions"] == [{"operator": ">=", "value": "2022-05-10"}, {"operator": "<=", "value": "2025-05-09"}]
    components = client.get("/openapi.json").json()["components"]["schemas"]
    assert "date" in components["PassOption"]["properties"]["kind"]["enum"]
    assert {"type": "string", "format": "date"} in components["PassCondition"]["properties"]["value"]["anyOf"]
    assert "ISO dates" in components["PassOption"]["properties"]["conditions"]["description"]
    assert "no date" in components["PassOption"]["properties"]["no_date"]["description"]


@pytest.mark.parametrize(
    ("body", "code", "path"),
    [
        ({**MATCH_TRADE, "situation": {"organisations": {"o1": {"total_incom": 1}}}}, "unknown_variable", "$.organisations.o1.total_incom"),
        (
            {**MATCH_TRADE, "situation": {"organisations": {"o1": {"total_income": "many"}}}},
            "wrong_type",
            "$.organisations.o1.total_income",
        ),
        ({**MATCH_TRADE, "situation": {"organisations": {"o1": {}}, "places": {"p1": {"members": ["o9"]}}}}, "unknown_id", None),
        ({**MATCH_TRADE, "period": "2015"}, "period_out_of_range", "$.period"),
        ({**MATCH_TRADE, "period": "2024-03"}, "bad_period", "$.period"),
        ({**MATCH_TRADE, "period": "soon"}, "bad_period", "$.period"),
        ({**MATCH_TRADE, "situation": {"people": {}}}, "unknown_entity", None),
    ],
)
def test_eligibility_rejects_a_bad_situation_with_its_path(client, body, code, path):
    response = client.post("/api/v1/eligibility", json=body)
    assert 400 <= response.status_code < 500, response.text
    assert_error(response, response.status_code, code, path)


@pytest.mark.parametrize(
    "body",
    [
        {"situation": MATCH_TRADE["situation"]},
        {"period": "2024"},
        {**MATCH_TRADE, "period": True},
        {**MATCH_TRADE, "situation": []},
        {**MATCH_TRADE, "extra": 1},
        [],
    ],
)
def test_eligibility_rejects_a_malformed_body_in_json(client, body):
    response = client.post("/api/v1/eligibility", json=body)
    assert 400 <= response.status_code < 500, response.text
    assert set(response.json()) >= {"code", "message", "path"}


def test_eligibility_rejects_text_that_is_not_json(client):
    response = client.post("/api/v1/eligibility", content=b"{not json", headers={"content-type": "application/json"})
    assert 400 <= response.status_code < 500
    assert set(response.json()) >= {"code", "message", "path"}


def test_eligibility_answers_no_nan_or_infinity(client):
    huge = {**MATCH_TRADE, "situation": {"organisations": {"o1": {"total_income": 3e38, "trading_income": 3e38}}}}
    response = client.post("/api/v1/eligibility", json=huge)
    assert response.status_code < 500
    text = response.text
    assert "NaN" not in text and "Infinity" not in text


# GET /api/v1/inputs/{variable}


def test_inputs_lists_each_input_with_its_entity_type_label_and_default(client):
    response = client.get("/api/v1/inputs/place_is_left_behind")
    assert response.status_code == 200
    body = response.json()
    assert body["rules_version"] == rules_version()
    assert response.headers["X-Rules-Version"] == rules_version()
    assert (body["variable"], body["entity"], body["period"]) == ("place_is_left_behind", "place", None)
    imd = next(item for item in body["inputs"] if item["name"] == "imd_decile")
    assert imd == {
        "name": "imd_decile",
        "entity": "place",
        "type": "int",
        "label": imd["label"],
        "unit": None,
        "default": 10,
        "possible_values": None,
    }
    assert [item["name"] for item in body["inputs"]] == ["cni_decile", "imd_decile"]
    assert body["parameters"] == ["left_behind.cni_max_decile", "left_behind.imd_max_decile"]


def test_inputs_give_every_value_of_an_enumeration(client):
    body = client.get("/api/v1/inputs/match_trade_grant").json()
    kind = next(item for item in body["inputs"] if item["name"] == "organisation_type")
    assert kind["type"] == "enum"
    assert kind["default"] == "unknown"
    assert {"name": "community_interest_company", "label": "Community interest company (CIC)"} in kind["possible_values"]
    assert len(body["inputs"]) == 12


def test_inputs_of_a_date_give_no_date_as_default(client):
    body = client.get("/api/v1/inputs/right_to_serve_decision_due").json()
    assert body["inputs"] == [
        {
            "name": "claim_submission_date",
            "entity": "organisation",
            "type": "date",
            "label": body["inputs"][0]["label"],
            "unit": None,
            "default": None,
            "possible_values": None,
        }
    ]


def test_inputs_for_a_year_read_that_year_s_formulas(client):
    assert client.get("/api/v1/inputs/match_trade_total_income_met", params={"period": "2019"}).json()["inputs"] == []
    names = [item["name"] for item in client.get("/api/v1/inputs/match_trade_total_income_met", params={"period": "2024"}).json()["inputs"]]
    assert names == ["total_income"]


@pytest.mark.parametrize("variable", sorted(EXPECTED))
def test_inputs_for_every_output_of_the_public_interface(client, variable):
    body = client.get(f"/api/v1/inputs/{variable}").json()
    assert {item["name"] for item in body["inputs"]} == EXPECTED[variable]


def test_inputs_of_an_unknown_variable_is_404_in_json(client):
    response = client.get("/api/v1/inputs/total_incom")
    assert_error(response, 404, "variable_not_found", "$.variable")
    assert "total_income" in response.json()["message"]


def test_inputs_with_a_bad_period_is_4xx_in_json(client):
    response = client.get("/api/v1/inputs/total_income", params={"period": "1999"})
    assert 400 <= response.status_code < 500
    assert response.json()["code"] == "period_out_of_range"


def test_numbers_in_answers_are_finite(client):
    body = client.post("/api/v1/eligibility", json=MATCH_TRADE).json()

    def walk(value):
        if isinstance(value, float):
            assert math.isfinite(value)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(body)


def test_eligibility_names_the_missing_field(client):
    response = client.post("/api/v1/eligibility", json={"situation": MATCH_TRADE["situation"]})
    assert_error(response, 400, "bad_request", "$.period")
    assert response.json()["message"] == "'period' is required"


def test_eligibility_refuses_a_body_that_is_not_declared_json(client):
    response = client.post("/api/v1/eligibility", content=b"{}", headers={"content-type": "text/plain"})
    assert_error(response, 415, "unsupported_media_type")


def test_eligibility_limits_the_organisations_explained_in_one_request(client):
    many = {"period": "2024", "situation": {"organisations": {f"o{i}": {} for i in range(201)}}}
    response = client.post("/api/v1/eligibility", json=many)
    assert_error(response, 413, "too_many_organisations", "$.situation.organisations")


def test_the_explained_organisations_limit_is_configurable():
    from api_support import client as client_with

    from api.settings import Settings

    limited = client_with(Settings.from_env({"KRUGER_MAX_EXPLAINED_ORGANISATIONS": "2"}))
    three = {"period": "2024", "situation": {"organisations": {"a": {}, "b": {}, "c": {}}}}
    assert_error(limited.post("/api/v1/eligibility", json=three), 413, "too_many_organisations", "$.situation.organisations")
    two = {"period": "2024", "situation": {"organisations": {"a": {}, "b": {}}}}
    assert limited.post("/api/v1/eligibility", json=two).status_code == 200
