"""API keys over the API, on both databases (the fixture ``database_url``): each refusal (no key, not a key, a wrong key, a
revoked key, the wrong scope, another key's job, too many requests), calculations open or keyed, the bearer scheme in the
OpenAPI document, and no key in any log, ours, the database's or uvicorn's."""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
import time
from pathlib import Path

import httpx
import pytest
import uvicorn
from api_support import BASE_URL, api_key, bearer, generated_situation
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from kruger_rules.access import KEY_TEXT, new_key
from kruger_rules.cli import main

IMPACT = "/api/v1/impact"
BATCH = "/api/v1/batch"
SAMPLE_JOB = {"reform": "current_law", "period": "2024"}
CALCULATIONS = ["/calculate", "/trace", "/api/v1/eligibility", "/api/v1/compare", BATCH]
DECISIONS = "/api/v1/decisions"
KEYED_OPERATIONS = {("post", IMPACT), ("get", IMPACT + "/{job_id}"), ("get", IMPACT + "/{job_id}/files/{name}")} | {
    ("get", DECISIONS),
    ("get", DECISIONS + "/{id}"),
    ("post", DECISIONS + "/{id}/replay"),
}
KEYED_CALCULATIONS = {("post", path) for path in CALCULATIONS} | {("get", BATCH + "/{job_id}"), ("get", BATCH + "/{job_id}/files/{name}")}


def settings(data_dir: Path, database_url: str, **more) -> Settings:
    return Settings(data_dir=data_dir, database_url=database_url, max_impact_jobs=0, **more)


@contextlib.contextmanager
def server(data_dir: Path, database_url: str, **more):
    """A running app on the database, queuing jobs and running none."""
    with TestClient(create_app(settings(data_dir, database_url, **more)), base_url=BASE_URL) as client:
        yield client


@pytest.fixture
def client(tmp_path, database_url):
    with server(tmp_path, database_url) as running:
        yield running


def refusal(response: httpx.Response) -> tuple[int, str]:
    assert set(response.json()) == {"code", "message", "path"}, response.text
    return response.status_code, response.json()["code"]


def submitted(client: httpx.Client, key: str) -> str:
    answer = client.post(IMPACT, json=SAMPLE_JOB, headers=bearer(key))
    assert answer.status_code == 202, answer.text
    return answer.json()["id"]


# --- Each refusal ---


def test_no_key_is_a_401_that_says_how_to_send_one(client):
    for answer in (client.post(IMPACT, json=SAMPLE_JOB), client.get(f"{IMPACT}/{'0' * 32}")):
        assert refusal(answer) == (401, "no_key")
        assert answer.headers["WWW-Authenticate"] == "Bearer"
        assert "Authorization: Bearer" in answer.json()["message"]


@pytest.mark.parametrize(
    "header",
    ["Basic dXNlcjpwYXNz", "Bearer", "Bearer ", "kr_0123456789ab_" + "a" * 43, "Bearer not-a-key", "Bearer kr_0123456789ab_short"],
)
def test_a_malformed_key_is_a_401(client, header):
    answer = client.post(IMPACT, json=SAMPLE_JOB, headers={"Authorization": header})
    assert refusal(answer) == (401, "wrong_key")
    assert answer.headers["WWW-Authenticate"] == 'Bearer error="invalid_token"'


def test_a_wrong_key_is_a_401(client, database_url):
    key = api_key(database_url, "portal", "impact")
    same_prefix = key[:-2] + ("AA" if not key.endswith("AA") else "BB")
    for wrong in (new_key().text, same_prefix):
        answer = client.post(IMPACT, json=SAMPLE_JOB, headers=bearer(wrong))
        assert refusal(answer) == (401, "wrong_key")
        assert answer.headers["WWW-Authenticate"] == 'Bearer error="invalid_token"'
    assert client.post(IMPACT, json=SAMPLE_JOB, headers=bearer(key)).status_code == 202


def test_a_key_revoked_on_the_command_line_is_refused_at_its_next_request(client, database_url, monkeypatch, capsys):
    monkeypatch.setenv("KRUGER_DATABASE_URL", database_url)
    key = api_key(database_url, "portal", "impact")
    job_id = submitted(client, key)
    assert main(["keys", "revoke", "portal"]) == 0
    assert "key 'portal'" in capsys.readouterr().out
    for answer in (client.get(f"{IMPACT}/{job_id}", headers=bearer(key)), client.post(IMPACT, json=SAMPLE_JOB, headers=bearer(key))):
        assert refusal(answer) == (401, "revoked_key")
        assert answer.headers["WWW-Authenticate"] == 'Bearer error="invalid_token"'
        assert "'portal' was revoked at " in answer.json()["message"]


def test_a_key_without_the_scope_is_a_403(client, database_url):
    key = api_key(database_url, "recorder", "record,read")
    answer = client.post(IMPACT, json=SAMPLE_JOB, headers=bearer(key))
    assert refusal(answer) == (403, "wrong_scope")
    assert answer.json()["message"] == "the API key 'recorder' has no scope 'impact' (its scopes: record, read)"
    assert answer.headers["WWW-Authenticate"] == 'Bearer error="insufficient_scope", scope="impact"'


def test_another_keys_job_does_not_exist_for_it(client, database_url):
    mine, theirs = api_key(database_url, "mine", "impact"), api_key(database_url, "theirs", "impact")
    job_id = submitted(client, mine)
    assert client.get(f"{IMPACT}/{job_id}", headers=bearer(mine)).json()["status"] == "queued"
    unknown = client.get(f"{IMPACT}/{'0' * 32}", headers=bearer(theirs))
    for path in (f"{IMPACT}/{job_id}", f"{IMPACT}/{job_id}/files/report.html"):
        answer = client.get(path, headers=bearer(theirs))
        assert refusal(answer) == (404, "not_found")
    assert client.get(f"{IMPACT}/{job_id}", headers=bearer(theirs)).json()["message"] == unknown.json()["message"].replace(
        "0" * 32, job_id
    )  # as if it did not exist


def test_too_many_requests_is_a_429_with_retry_after_in_whole_seconds(client, database_url):
    slow, other = api_key(database_url, "slow", "impact", rate_limit=2), api_key(database_url, "other", "impact", rate_limit=2)
    job = f"{IMPACT}/{'0' * 32}"
    assert [client.get(job, headers=bearer(slow)).status_code for _ in range(2)] == [404, 404]
    answer = client.get(job, headers=bearer(slow))
    assert refusal(answer) == (429, "too_many_requests")
    assert 1 <= int(answer.headers["Retry-After"]) <= 30  # 2 a minute: a token every 30 s
    assert "over its rate limit of 2 requests a minute" in answer.json()["message"]
    assert client.get(job, headers=bearer(other)).status_code == 404  # each key has its own rate


def test_refusals_come_before_the_body_is_read(client, database_url):
    wrong_scope = api_key(database_url, "reader", "read")
    for headers, expected in [({}, (401, "no_key")), (bearer(wrong_scope), (403, "wrong_scope"))]:
        answer = client.post(IMPACT, content=b"{not json", headers={"content-type": "application/json", **headers})
        assert refusal(answer) == expected


# --- Calculations: open or keyed ---


def test_calculations_are_open_by_default_whatever_the_request_sends(client):
    situation = generated_situation(1, organisations=2, outputs_per_entity=2)
    assert client.post("/calculate", json=situation).status_code == 200
    assert client.post("/calculate", json=situation, headers=bearer("not a key")).status_code == 200


def test_keyed_calculations_need_any_valid_key_and_no_scope(tmp_path, database_url):
    key, revoked = api_key(database_url, "calculator"), api_key(database_url, "gone")
    with server(tmp_path, database_url, calculation_access="keyed", batch_sync_rows=1) as client:
        main_env_revoke(database_url, "gone")
        for path in CALCULATIONS:
            assert refusal(client.post(path, json={})) == (401, "no_key"), path
            assert refusal(client.post(path, json={}, headers=bearer(new_key().text))) == (401, "wrong_key"), path
            assert refusal(client.post(path, json={}, headers=bearer(revoked))) == (401, "revoked_key"), path
            assert client.post(path, json={}, headers=bearer(key)).status_code in {400, 415}, path  # past the key, to the body
        situation = generated_situation(2, organisations=2, outputs_per_entity=2)
        assert client.post("/calculate", json=situation, headers=bearer(key)).status_code == 200
        for path in ("/entities", "/variables", "/api/v1/reforms", "/api/v1/health", "/api/v1/batch/template", "/openapi.json"):
            assert client.get(path).status_code == 200, path  # what the API describes stays open


def main_env_revoke(database_url: str, name: str) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("KRUGER_DATABASE_URL", database_url)
        assert main(["keys", "revoke", name]) == 0


def test_keyed_batch_jobs_are_read_only_with_the_key_that_submitted_them(tmp_path, database_url):
    mine, theirs = api_key(database_url, "mine"), api_key(database_url, "theirs")
    with server(tmp_path, database_url, calculation_access="keyed", batch_sync_rows=1) as client:
        files = {"file": ("a.csv", b"organisation_id\na\nb\n", "text/csv")}
        answer = client.post(BATCH, data={"period": "2024"}, files=files, headers=bearer(mine))
        assert answer.status_code == 202, answer.text
        job = f"{BATCH}/{answer.json()['id']}"
        assert client.get(job, headers=bearer(mine)).status_code == 200
        assert refusal(client.get(job, headers=bearer(theirs))) == (404, "not_found")
        assert refusal(client.get(job)) == (401, "no_key")


# --- The document ---


def keyed_operations(document: dict) -> set[tuple[str, str]]:
    return {
        (method, path)
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        if operation.get("security") == [{"Bearer": []}]
    }


def test_the_document_declares_the_bearer_scheme_on_the_keyed_operations_only(tmp_path, database_url):
    with server(tmp_path, database_url) as client:
        document = client.get("/openapi.json").json()
    assert document["components"]["securitySchemes"]["Bearer"] == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "kr_<prefix>_<secret>",
        "description": "An API key, made with `kruger-rules keys create`, sent as `Authorization: Bearer kr_...`.",
    }
    assert keyed_operations(document) == KEYED_OPERATIONS
    submit = document["paths"][IMPACT]["post"]["responses"]
    assert {"401", "403", "429"} <= set(submit) and "Retry-After" in submit["429"]["headers"]
    with server(tmp_path, database_url, calculation_access="keyed") as client:
        assert keyed_operations(client.get("/openapi.json").json()) == KEYED_OPERATIONS | KEYED_CALCULATIONS


# --- No key in a log ---


def secrets_of(key: str) -> list[str]:
    return [key, KEY_TEXT.match(key)["secret"]]


def requests_of_every_kind(client: httpx.Client, key: str, database_url: str) -> None:
    """Accepted and refused requests with ``key``: its job read, its scope lacking, its rate spent, then revoked."""
    job_id = submitted(client, key)
    assert client.get(f"{IMPACT}/{job_id}", headers=bearer(key)).status_code == 200
    assert client.post("/api/v1/eligibility", json={}, headers=bearer(key)).status_code == 400
    assert client.get(f"{IMPACT}/{job_id}", headers=bearer(key[:-1] + "x")).status_code == 401
    assert client.get(f"{IMPACT}/{job_id}", headers={"Authorization": key}).status_code == 401
    while client.get(f"{IMPACT}/{job_id}", headers=bearer(key)).status_code != 429:
        pass
    main_env_revoke(database_url, "logged")
    assert client.get(f"{IMPACT}/{job_id}", headers=bearer(key)).status_code == 401


def test_no_key_appears_in_any_log_of_the_app_or_the_database(tmp_path, database_url, caplog):
    caplog.set_level(logging.DEBUG)  # before the app and its engine are made: every logger at its most talkative,
    caplog.set_level(logging.DEBUG, logger="sqlalchemy")  # SQL with its parameters and rows included (SQLAlchemy's own default is WARN)
    key = api_key(database_url, "logged", "impact", rate_limit=10)
    with server(tmp_path, database_url) as client:
        requests_of_every_kind(client, key, database_url)
    assert caplog.records, "nothing was logged: the test would prove nothing"
    assert any(record.name.startswith("sqlalchemy.engine") for record in caplog.records)
    for secret in secrets_of(key):
        assert secret not in caplog.text
        assert not any(secret in record.getMessage() for record in caplog.records)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_no_key_appears_in_uvicorns_access_or_debug_log(tmp_path, database_url, caplog):
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "uvicorn.asgi"):
        caplog.set_level(logging.DEBUG, logger=name)  # restored after the test, whatever uvicorn sets
    key = api_key(database_url, "logged", "impact", rate_limit=10)
    port = free_port()
    config = uvicorn.Config(
        create_app(settings(tmp_path, database_url)), host="127.0.0.1", port=port, log_config=None, log_level="debug", access_log=True
    )
    served = uvicorn.Server(config)
    thread = threading.Thread(target=served.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 60
        while not served.started and thread.is_alive() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert served.started, "uvicorn did not start"
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
            requests_of_every_kind(client, key, database_url)
    finally:
        served.should_exit = True
        thread.join(30)
    access = [record.getMessage() for record in caplog.records if record.name == "uvicorn.access"]
    assert any(f"GET {IMPACT}/" in line and " 429" in line for line in access), access  # the access log was on
    for secret in secrets_of(key):
        assert secret not in caplog.text
