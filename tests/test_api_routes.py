"""Each route of the API answers, every answer carries the rules version, and the docs work offline."""

import re

import pytest
from api_support import generated_situation, ours
from fastapi.testclient import TestClient

import api.server
from api.app import ROUTERS, create_app
from api.settings import Settings
from kruger_rules import cli
from kruger_rules.system import package_version, rules_hash, rules_version

GET_ROUTES = [
    "/",
    "/entities",
    "/variables",
    "/variable/is_social_enterprise",
    "/parameters",
    "/parameter/match_trade.cap",
    "/parameter/match_trade/cap",
    "/parameter/match_trade",
    "/spec",
    "/api/v1/health",
    "/api/v1/version",
    "/api/v1/batch/template",
    "/api/v1/batch/dictionary",
    "/docs",
    "/redoc",
    "/openapi.json",
]


@pytest.mark.parametrize("path", GET_ROUTES)
def test_every_route_answers_with_the_rules_version(path):
    response = ours().get(path)
    assert response.status_code == 200, response.text[:200]
    assert response.headers["X-Rules-Version"] == rules_version()
    assert response.headers["Country-Package"] == "kruger-rules"


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", "/nowhere"), ("get", "/variable/nope"), ("put", "/calculate"), ("post", "/calculate")],
)
def test_errors_carry_the_rules_version_too(method, path):
    response = getattr(ours(), method)(path)
    assert response.status_code >= 400
    assert response.headers["X-Rules-Version"] == rules_version()


def test_health_and_version_carry_the_rules_version_in_their_body():
    assert ours().get("/api/v1/health").json() == {"status": "ok", "rules_version": rules_version()}
    version = ours().get("/api/v1/version").json()
    assert version["rules_version"] == rules_version() == f"{version['package_version']}+{version['rules_hash']}"
    assert (version["package_version"], version["rules_hash"], version["openfisca_core"]) == (package_version(), rules_hash(), "46.0.1")


def test_calculate_and_trace_answer_a_situation():
    situation = generated_situation(3, organisations=4, outputs_per_entity=3)
    calculated = ours().post("/calculate", json=situation)
    assert calculated.status_code == 200 and calculated.headers["X-Rules-Version"] == rules_version()
    assert set(calculated.json()) == set(situation)
    traced = ours().post("/trace", json=situation)
    assert traced.status_code == 200
    assert set(traced.json()) == {"trace", "entitiesDescription", "requestedCalculations"}


def test_a_parameter_node_lists_its_children():
    node = ours().get("/parameter/match_trade").json()
    assert "cap" in node["subparams"] and node["id"] == "match_trade"


def test_trailing_slashes_lead_to_the_route():
    response = ours().get("/variables/", follow_redirects=True)
    assert response.status_code == 200 and "total_income" in response.json()


def test_cross_origin_access_is_off_by_default():
    preflight = ours().options("/calculate", headers={"Origin": "http://example.org", "Access-Control-Request-Method": "POST"})
    assert preflight.status_code == 400 and "Access-Control-Allow-Origin" not in preflight.headers
    assert "Access-Control-Allow-Origin" not in ours().get("/entities", headers={"Origin": "http://example.org"}).headers


def test_cors_for_any_origin_allows_browsers_as_openfisca_serve_does():
    anyone = TestClient(create_app(Settings(cors_origins="*")))
    response = anyone.options(
        "/calculate",
        headers={
            "Origin": "http://example.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization",
        },
    )
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["Access-Control-Allow-Headers"] == "authorization"  # an API key may be sent from a browser
    exposed = anyone.get("/entities", headers={"Origin": "http://example.org"}).headers["Access-Control-Expose-Headers"]
    assert "X-Rules-Version" in exposed


def test_cors_origins_are_configurable():
    client = TestClient(create_app(Settings(cors_origins="https://rules.example.org")))
    allowed = client.get("/entities", headers={"Origin": "https://rules.example.org"})
    refused = client.get("/entities", headers={"Origin": "http://elsewhere.example"})
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://rules.example.org"
    assert "Access-Control-Allow-Origin" not in refused.headers


def test_docs_reference_only_local_assets_and_those_answer():
    for page in ("/docs", "/redoc"):
        html = ours().get(page).text
        assert not re.search(r"https?://", html), f"{page} loads something from the internet"
        assets = re.findall(r'(?:src|href)="([^"]+)"', html)
        assert assets and all(asset.startswith("/static/docs/") for asset in assets)
        for asset in assets:
            response = ours().get(asset)
            assert response.status_code == 200 and len(response.content) > 100, asset
    assert "url: '/openapi.json'" in ours().get("/docs").text


def test_the_swagger_bundle_reads_openapi_3_1():
    bundle = ours().get("/static/docs/swagger-ui-bundle.js").text
    version = re.search(r'"(5\.\d+\.\d+)"', bundle)
    assert version, "Swagger UI 5 reads the OpenAPI 3.1 documents FastAPI writes"
    assert ours().get("/openapi.json").json()["openapi"].startswith("3.1")


def test_the_openapi_document_describes_situations_from_the_rules():
    document = ours().get("/openapi.json").json()
    schemas = document["components"]["schemas"]
    assert {"Situation", "SituationAnswer", "SituationOrganisation", "SituationPlace", "SituationProcurement", "Trace", "ErrorBody"} <= set(
        schemas
    )
    assert schemas["SituationOrganisation"]["properties"]["total_income"]["additionalProperties"] == {"type": ["number", "null"]}
    body = document["paths"]["/calculate"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/Situation"}
    assert set(document["paths"]["/calculate"]["post"]["responses"]) >= {"200", "400", "413", "415"}
    assert {"/api/v1/health", "/api/v1/version", "/entities", "/spec", "/trace"} <= set(document["paths"])


def test_routers_are_listed_for_the_app_to_include():
    paths = {route.path for router in ROUTERS for route in router.routes}
    assert {"/calculate", "/api/v1/health"} <= paths


def test_the_app_starts_and_stops():
    with TestClient(create_app()) as client:
        assert client.get("/api/v1/health").status_code == 200


def test_serve_runs_uvicorn_and_says_what_to_open(monkeypatch, capsys):
    calls = []
    monkeypatch.setattr(api.server.uvicorn, "run", lambda app, **options: calls.append((app, options)))
    assert cli.main(["serve", "--host", "0.0.0.0", "--port", "8123", "--workers", "2"]) == 0
    assert calls == [("api.app:app", {"host": "0.0.0.0", "port": 8123, "workers": 2, "log_level": "info", "access_log": False})]
    assert "http://0.0.0.0:8123/docs" in capsys.readouterr().out


def test_serve_defaults_to_loopback_port_8000(monkeypatch, capsys):
    calls = []
    monkeypatch.setattr(api.server.uvicorn, "run", lambda app, **options: calls.append(options))
    cli.main(["serve"])
    assert (calls[0]["host"], calls[0]["port"], calls[0]["workers"]) == ("127.0.0.1", 8000, 1)
    assert "http://127.0.0.1:8000/docs" in capsys.readouterr().out


def test_serve_refuses_impossible_options(capsys):
    assert cli.main(["serve", "--workers", "0"]) == 2
    assert "--workers" in capsys.readouterr().err


def test_serve_has_help(capsys):
    with pytest.raises(SystemExit):
        cli.main(["serve", "--help"])
    help_text = capsys.readouterr().out
    assert all(option in help_text for option in ("--host", "--port", "--workers"))
