"""Reforms over the web API: /api/v1/reforms, /api/v1/compare, and reforms on /calculate, /trace and /api/v1/eligibility."""

import copy
import functools
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from kruger_rules.reforms import named_reforms
from kruger_rules.system import rules_version

TRADER = {
    "organisations": {
        "cic": {
            "organisation_type": {"2024": "community_interest_company"},
            "is_independent": {"2024": True},
            "months_since_established": {"2024": 40},
            "months_trading": {"2024": 36},
            "total_income": {"2024": 40000},
            "trading_income": {"2024": 30000},
            "profit_share_to_purpose": {"2024": 0.6},
            "match_trade_grant": {"2024": None},
        },
    },
    "places": {"p": {"members": ["cic"], "imd_decile": {"2024": 1}, "cni_decile": {"2024": 1}}},
}


@functools.cache
def app_client() -> TestClient:
    return TestClient(create_app(Settings()))


@pytest.fixture
def client():
    return app_client()


def calculate(client, body, query=""):
    response = client.post(f"/calculate{query}", json=body)
    return response.status_code, response.json()


def grant_of(answer):
    return answer["organisations"]["cic"]["match_trade_grant"]["2024"]


# --- GET /api/v1/reforms ---


def test_the_named_reforms_are_listed_with_their_changes(client):
    response = client.get("/api/v1/reforms")
    assert response.status_code == 200
    assert response.headers["X-Rules-Version"] == rules_version()
    body = response.json()
    assert body["rules_version"] == rules_version()
    listed = {reform["name"]: reform for reform in body["reforms"]}
    assert set(listed) == set(named_reforms())
    assert all(reform["description"] for reform in listed.values())
    assert listed["match_trade_cap_20k"]["changes"] == [
        {
            "parameter": "match_trade.cap",
            "label": "MatchTrade cap",
            "unit": "currency-GBP",
            "from": "2020-09-24",
            "until": None,
            "before": 10000,
            "after": 20000,
        }
    ]
    assert {change["parameter"] for change in listed["current_law"]["changes"]} >= {"match_trade.in_force", "luc_fund.in_force"}
    assert listed["right_to_serve_mutual_aid_groups"]["structural"]


# --- Reforms on /calculate and /trace ---


def test_calculate_answers_under_a_named_reform_in_the_query(client):
    assert grant_of(calculate(client, TRADER)[1]) == 10000
    assert grant_of(calculate(client, TRADER, "?reform=match_trade_cap_20k")[1]) == 20000
    assert grant_of(calculate(client, TRADER, "?reform=current_law")[1]) == 0


def test_calculate_answers_under_a_reform_in_the_body_which_is_not_echoed(client):
    status, answer = calculate(client, {**TRADER, "reform": {"match_trade.cap": {"2024-01-01": 4000}}})
    assert status == 200 and grant_of(answer) == 4000
    assert "reform" not in answer
    status, answer = calculate(
        client, {**TRADER, "reform": {"name": "match_trade_cap_20k", "parameters": {"match_trade.rate": {"2024-01-01": 0.5}}}}
    )
    assert grant_of(answer) == 15000
    assert grant_of(calculate(client, {**TRADER, "reform": "current_law"})[1]) == 0


def test_body_parameters_apply_on_top_of_the_query_s_named_reform(client):
    body = {**TRADER, "reform": {"match_trade.in_force": {"2024-01-01": True}}}
    assert grant_of(calculate(client, body, "?reform=current_law")[1]) == 10000
    same_name = {**TRADER, "reform": {"name": "current_law", "parameters": {"match_trade.in_force": {"2024-01-01": True}}}}
    assert grant_of(calculate(client, same_name, "?reform=current_law")[1]) == 10000


@pytest.mark.parametrize(
    ("query", "reform", "code", "path"),
    [
        ("?reform=curent_law", None, "unknown_reform", "$"),
        ("", "curent_law", "unknown_reform", "$.reform"),
        ("", {"name": "nope"}, "unknown_reform", "$.reform.name"),
        ("?reform=current_law", {"name": "match_trade_growth", "parameters": {}}, "reform_conflict", "$.reform.name"),
        ("?reform=current_law", "match_trade_growth", "reform_conflict", "$.reform"),
        ("", {"match_trade.capp": {"2024-01-01": 1}}, "unknown_parameter", '$.reform["match_trade.capp"]'),
        (
            "",
            {"parameters": {"match_trade.rate": {"2024-01-01": 1.5}}},
            "bad_reform_value",
            '$.reform.parameters["match_trade.rate"]["2024-01-01"]',
        ),
        ("", {"match_trade.in_force": {"2024-01-01": "yes"}}, "bad_reform_value", '$.reform["match_trade.in_force"]["2024-01-01"]'),
        ("", {"match_trade.cap": {"2024-01-01": -5}}, "bad_reform_value", '$.reform["match_trade.cap"]["2024-01-01"]'),
        ("", {"match_trade.cap": {"2024/01/01": 5}}, "bad_reform_date", '$.reform["match_trade.cap"]["2024/01/01"]'),
        ("", [1, 2], "bad_reform", "$.reform"),
    ],
)
def test_a_bad_reform_is_a_400_naming_its_path(client, query, reform, code, path):
    body = copy.deepcopy(TRADER) if reform is None else {**TRADER, "reform": reform}
    status, answer = calculate(client, body, query)
    assert status == 400
    assert (answer["code"], answer["path"]) == (code, path)


def test_trace_answers_under_a_reform(client):
    response = client.post("/trace?reform=match_trade_cap_20k", json=TRADER)
    assert response.status_code == 200
    assert response.json()["trace"]["match_trade_grant<2024>"]["value"] == [20000]
    response = client.post("/trace", json={**TRADER, "reform": {"match_trade.cap": {"2024-01-01": 700}}})
    assert response.json()["trace"]["match_trade_grant<2024>"]["value"] == [700]


# --- Reforms on /api/v1/eligibility ---


def eligibility(client, body, query=""):
    response = client.post(f"/api/v1/eligibility{query}", json=body)
    return response.status_code, response.json()


def test_eligibility_answers_under_a_reform_and_says_which(client):
    situation = {
        "organisations": {
            "cic": {key: by_year["2024"] for key, by_year in TRADER["organisations"]["cic"].items() if key != "match_trade_grant"}
        },
        "places": {"p": {"members": ["cic"], "imd_decile": 1, "cni_decile": 1}},
    }
    status, baseline = eligibility(client, {"situation": situation, "period": "2024"})
    assert status == 200 and baseline["reform"] is None
    status, reformed = eligibility(client, {"situation": situation, "period": "2024"}, "?reform=current_law")
    assert status == 200 and reformed["reform"] == {"name": "current_law", "parameters": {}}
    status, body_reform = eligibility(
        client, {"situation": situation, "period": "2024", "reform": {"match_trade.cap": {"2024-01-01": 20000}}}
    )
    assert body_reform["reform"] == {"parameters": {"match_trade.cap": {"2024-01-01": 20000}}}

    def match_trade(answer):
        schemes = answer["organisations"]["cic"]["schemes"]
        return next(scheme for name, scheme in schemes.items() if scheme["eligibility"] == "match_trade_eligible")

    assert match_trade(baseline)["eligible"] is True
    assert match_trade(reformed)["eligible"] is False
    assert 20000 in match_trade(body_reform)["amounts"].values()


def test_eligibility_refuses_a_bad_reform_with_its_path(client):
    body = {"situation": {"organisations": {"o": {}}}, "period": "2024", "reform": {"match_trade.cap": {"2024-01-01": True}}}
    status, answer = eligibility(client, body)
    assert status == 400 and answer["path"] == '$.reform["match_trade.cap"]["2024-01-01"]'


# --- POST /api/v1/compare ---


def test_compare_answers_each_reform_beside_the_baseline(client):
    body = {
        "situation": TRADER,
        "reforms": ["current_law", {"name": "match_trade_growth", "parameters": {"match_trade.cap": {"2024-01-01": 500}}}],
    }
    response = client.post("/api/v1/compare", json=body)
    assert response.status_code == 200
    answer = response.json()
    assert answer["rules_version"] == rules_version()
    assert [reform["label"] for reform in answer["reforms"]] == ["current_law", "match_trade_growth + match_trade.cap"]
    [grant] = answer["outputs"]
    assert (grant["entity"], grant["id"], grant["variable"], grant["period"], grant["baseline"]) == (
        "organisations",
        "cic",
        "match_trade_grant",
        "2024",
        10000,
    )
    assert grant["reforms"] == [{"value": 0, "changed": True, "difference": -10000}, {"value": 500, "changed": True, "difference": -9500}]


def test_compare_every_output_or_those_asked_for(client):
    situation = {
        "organisations": {"o": {"organisation_type": "registered_charity", "claim_submission_date": "2024-03-01"}},
        "places": {"p": {"members": ["o"]}},
    }
    answer = client.post(
        "/api/v1/compare", json={"situation": situation, "period": 2024, "reforms": ["right_to_serve_60_days"], "changed_only": True}
    ).json()
    assert {row["variable"] for row in answer["outputs"]} == {
        "right_to_serve_decision_due",
        "right_to_serve_procurement_earliest_start",
        "right_to_serve_procurement_latest_start",
    }
    asked = client.post(
        "/api/v1/compare",
        json={"situation": situation, "period": "2024", "reforms": ["current_law"], "variables": ["right_to_serve_decision_due"]},
    ).json()
    assert [row["reforms"][0]["value"] for row in asked["outputs"]] == ["2024-05-30"]


@pytest.mark.parametrize(
    ("body", "code", "path"),
    [
        (
            {"situation": {"organisations": {"o": {"total_incme": 3}}}, "period": 2024, "reforms": ["current_law"]},
            "unknown_variable",
            "$.situation.organisations.o.total_incme",
        ),
        (
            {"situation": {}, "period": 2024, "reforms": ["current_law", {"match_trade.rate": {"2024-01-01": 2}}]},
            "bad_reform_value",
            '$.reforms[1]["match_trade.rate"]["2024-01-01"]',
        ),
        ({"situation": {}, "period": "2015", "reforms": ["current_law"]}, "period_out_of_range", "$.period"),
        (
            {"situation": {"organisations": {"o": {}}}, "period": 2024, "reforms": ["current_law"], "variables": ["nope_grant"]},
            "unknown_variable",
            "$.variables[0]",
        ),
        ({"situation": {}, "period": 2024, "reforms": []}, "bad_request", "$.reforms"),
        ({"situation": {}, "period": 2024, "reforms": ["current_law"] * 9}, "bad_request", "$.reforms"),
        ({"situation": {}, "period": 2024}, "bad_request", "$.reforms"),
        ({"period": 2024, "reforms": ["current_law"]}, "bad_request", "$.situation"),
        ({"situation": [], "period": 2024, "reforms": ["current_law"]}, "bad_request", "$.situation"),
        ({"situation": {}, "period": 2024, "reforms": ["current_law"], "extra": 1}, "bad_request", "$.extra"),
        ({"situation": {}, "period": 2024, "reforms": ["current_law"], "changed_only": "yes"}, "bad_request", "$.changed_only"),
        ([1], "bad_request", "$"),
    ],
)
def test_compare_refuses_a_bad_body_with_its_path(client, body, code, path):
    response = client.post("/api/v1/compare", json=body)
    assert response.status_code == 400
    assert (response.json()["code"], response.json()["path"]) == (code, path)


def test_compare_keeps_the_app_s_limits():
    limited = TestClient(create_app(Settings(max_organisations=2)))
    situation = {"organisations": {f"o{index}": {} for index in range(3)}}
    response = limited.post("/api/v1/compare", json={"situation": situation, "period": 2024, "reforms": ["current_law"]})
    assert response.status_code == 413 and response.json()["path"] == "$.situation.organisations"
    response = limited.post("/api/v1/compare", content=b"{}", headers={"content-type": "text/plain"})
    assert response.status_code == 415


def test_baseline_answers_do_not_change_under_concurrent_reformed_requests(client):
    expected = calculate(client, TRADER)[1]

    def ask(index):
        if index % 2:
            status, answer = calculate(client, {**TRADER, "reform": {"match_trade.cap": {"2024-01-01": 1000 + index}}})
            assert grant_of(answer) == 1000 + index
            return None
        return calculate(client, copy.deepcopy(TRADER))[1]

    with ThreadPoolExecutor(8) as pool:
        answers = [answer for answer in pool.map(ask, range(80)) if answer is not None]
    assert answers and all(answer == expected for answer in answers)
