"""Recorded decisions over the API, on both databases: record → read → replay with a key, and each refusal."""

from __future__ import annotations

import json

import pytest
from api_support import BASE_URL, api_key, bearer
from fastapi.testclient import TestClient
from sqlalchemy import text

from api.app import create_app
from api.settings import Settings
from kruger_rules.store import Database, DecisionBook
from kruger_rules.system import ROOT, rules_version

EXAMPLE = json.loads((ROOT / "examples" / "match_trade.json").read_text())
ELIGIBILITY = "/api/v1/eligibility"


@pytest.fixture
def client(tmp_path, database_url):
    settings = Settings(data_dir=tmp_path, database_url=database_url, max_impact_jobs=0)
    with TestClient(create_app(settings), base_url=BASE_URL) as running:
        yield running


@pytest.fixture
def funder(database_url) -> str:
    return api_key(database_url, "funder", "record,read")


def recorded(client: TestClient, key: str, reform: str | None = None) -> dict:
    query = "?record=true" + (f"&reform={reform}" if reform else "")
    response = client.post(ELIGIBILITY + query, json={"situation": EXAMPLE, "period": "2024"}, headers=bearer(key))
    assert response.status_code == 200, response.text
    return response.json()


def test_a_recorded_answer_carries_its_records_and_each_reads_back_sealed(client, funder, database_url):
    answer = recorded(client, funder)
    records = answer["records"]
    assert set(records) == {"riverside_cafe_cic", "new_start_bakery"}
    assert answer["organisations"]["riverside_cafe_cic"]["record_id"] == records["riverside_cafe_cic"]
    book = DecisionBook(Database(database_url))
    assert all(book.get(record_id, any_key=True)[0].intact for record_id in records.values()), "committed before the answer"
    record = client.get(f"/api/v1/decisions/{records['riverside_cafe_cic']}", headers=bearer(funder)).json()
    assert record["organisation"] == "riverside_cafe_cic" and record["situation"] == EXAMPLE and record["made_by"] == "key funder"
    assert record["outputs"]["match_trade"]["eligible"] is True and record["rules_version"] == rules_version()
    assert record["explanation"]["schemes"] == answer["organisations"]["riverside_cafe_cic"]["schemes"]
    assert record["parameters"]["match_trade.cap"] == {"value": 10000, "since": "2020-09-24"}


def test_an_unrecorded_answer_stores_nothing_and_needs_no_key(client, database_url):
    response = client.post(ELIGIBILITY, json={"situation": EXAMPLE, "period": "2024"})
    assert response.status_code == 200 and "records" not in response.json()
    with Database(database_url).engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM decision_records")).scalar_one() == 0


def test_replay_reads_the_same_and_is_kept_beside_the_record(client, funder):
    record_id = recorded(client, funder)["records"]["new_start_bakery"]
    replay = client.post(f"/api/v1/decisions/{record_id}/replay", headers=bearer(funder))
    assert replay.status_code == 200, replay.text
    body = replay.json()
    assert body["same"] is True and body["changed_outputs"] == [] and body["changed_formulas"] == []
    later = client.post(f"/api/v1/decisions/{record_id}/replay", json={"period": "2019"}, headers=bearer(funder)).json()
    assert later["same"] is False and later["period"] == "2019"
    shown = client.get(f"/api/v1/decisions/{record_id}", headers=bearer(funder)).json()
    assert [entry["id"] for entry in shown["replays"]] == [body["id"], later["id"]]


def test_a_record_made_under_a_reform_replays_under_it(client, funder):
    record_id = recorded(client, funder, reform="current_law")["records"]["riverside_cafe_cic"]
    replay = client.post(f"/api/v1/decisions/{record_id}/replay", headers=bearer(funder)).json()
    assert replay["same"] is True and replay["outputs"]["match_trade"]["eligible"] is False


def test_records_are_listed_by_organisation_a_page_at_a_time(client, funder):
    made = [recorded(client, funder)["records"]["riverside_cafe_cic"] for _ in range(3)]
    first = client.get("/api/v1/decisions?organisation=riverside_cafe_cic&limit=2", headers=bearer(funder)).json()
    assert [entry["id"] for entry in first["records"]] == made[:0:-1] and first["next"]
    second = client.get(first["next"], headers=bearer(funder)).json()
    assert [entry["id"] for entry in second["records"]] == [made[0]] and second["next"] is None
    assert client.get("/api/v1/decisions?from=2100-01-01T00:00:00", headers=bearer(funder)).json()["records"] == []


def test_each_refusal(client, funder, database_url):
    reader = api_key(database_url, "reader", "read")
    other = api_key(database_url, "other", "record,read")
    body = {"situation": EXAMPLE, "period": "2024"}
    assert client.post(ELIGIBILITY + "?record=true", json=body).status_code == 401
    refused = client.post(ELIGIBILITY + "?record=true", json=body, headers=bearer(reader))
    assert (refused.status_code, refused.json()["code"]) == (403, "wrong_scope")
    record_id = recorded(client, funder)["records"]["riverside_cafe_cic"]
    assert client.get(f"/api/v1/decisions/{record_id}").status_code == 401
    hidden = client.get(f"/api/v1/decisions/{record_id}", headers=bearer(other))
    assert (hidden.status_code, hidden.json()["code"]) == (404, "not_found")
    assert client.post(f"/api/v1/decisions/{record_id}/replay", headers=bearer(other)).status_code == 404
    assert client.get("/api/v1/decisions", headers=bearer(other)).json()["records"] == []
    assert client.get("/api/v1/decisions/not-an-id", headers=bearer(funder)).status_code == 404
    assert client.get("/api/v1/decisions?limit=0", headers=bearer(funder)).status_code == 400


def test_a_record_altered_in_the_database_is_answered_409_never_as_a_record(client, funder, database_url):
    record_id = recorded(client, funder)["records"]["riverside_cafe_cic"]
    with Database(database_url).engine.begin() as connection:
        row = connection.execute(text("SELECT content FROM decision_records WHERE id = :id"), {"id": record_id}).scalar_one()
        content = json.loads(row) if isinstance(row, str) else row
        content["outputs"]["match_trade"]["amounts"]["match_trade_grant"] = 20000.0
        connection.execute(
            text("UPDATE decision_records SET content = :content WHERE id = :id"), {"content": json.dumps(content), "id": record_id}
        )
    refused = client.get(f"/api/v1/decisions/{record_id}", headers=bearer(funder))
    assert (refused.status_code, refused.json()["code"]) == (409, "record_corrupted")
    assert "20000" not in refused.text
    assert client.post(f"/api/v1/decisions/{record_id}/replay", headers=bearer(funder)).status_code == 409
    listed = client.get("/api/v1/decisions", headers=bearer(funder)).json()["records"]
    assert {"id": record_id, "intact": False} in [{"id": entry["id"], "intact": entry["intact"]} for entry in listed]
