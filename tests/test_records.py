"""Decision records: sealed, checked at every read, replayed with what changed and why; on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pyarrow.parquet as pq
import pytest
from sqlalchemy import text

from kruger_rules.batch.run import run_batch
from kruger_rules.cli import main
from kruger_rules.errors import KrugerError
from kruger_rules.explain import explain
from kruger_rules.records.content import content_hash
from kruger_rules.records.decisions import sealed_content
from kruger_rules.records.rules_read import all_formula_hashes
from kruger_rules.records.service import Caller, page_of, record_answer, replay_record, show
from kruger_rules.reforms import parse_reform, reformed_system
from kruger_rules.store import Database, DecisionBook, KeyRing
from kruger_rules.system import ROOT, rules_version, shared_system

EXAMPLE = json.loads((ROOT / "examples" / "match_trade.json").read_text())
ADMIN = Caller(command_line=True)


@pytest.fixture
def book(database_url):
    database = Database(database_url)
    database.migrate()
    yield DecisionBook(database)
    database.dispose()


def recorded(book: DecisionBook, caller: Caller = ADMIN, reform=None, situation=EXAMPLE) -> dict[str, str]:
    spec = parse_reform(reform) if reform is not None else None
    system = reformed_system(spec) if spec is not None else shared_system()
    return record_answer(book, spec, situation, explain(system, situation, "2024"), caller)


def test_each_organisation_gets_a_record_holding_what_made_its_decision(book):
    ids = recorded(book)
    assert set(ids) == {"riverside_cafe_cic", "new_start_bakery"}
    record = show(book, ids["riverside_cafe_cic"], ADMIN)
    assert record["situation"] == EXAMPLE and record["period"] == "2024" and record["reform"] is None
    assert record["outputs"]["match_trade"] == {
        "eligible": True,
        "amounts": {"match_trade_grant": 10000.0},
        "dates": {},
        "outcomes": {"match_trade_basis": 61000.0},
    }
    assert record["explanation"]["schemes"]["match_trade"]["eligible"] is True
    assert record["parameters"]["match_trade.cap"] == {"value": 10000, "since": "2020-09-24"}
    assert record["rules_version"] == rules_version() and record["made_by"] == "command line"
    content = {key: value for key, value in record.items() if key not in ("id", "content_hash", "replays")}
    assert record["content_hash"] == content_hash(content)
    assert book.formula_hashes(rules_version(), "baseline") == all_formula_hashes(shared_system())


def test_a_record_whose_content_was_altered_is_refused_never_served(book, database_url):
    ids = recorded(book)
    altered = ids["new_start_bakery"]
    with book.database.engine.begin() as connection:
        row = connection.execute(text("SELECT content FROM decision_records WHERE id = :id"), {"id": altered}).scalar_one()
        content = json.loads(row) if isinstance(row, str) else row
        content["outputs"]["match_trade"]["amounts"]["match_trade_grant"] = 99999.0
        connection.execute(
            text("UPDATE decision_records SET content = :content WHERE id = :id"), {"content": json.dumps(content), "id": altered}
        )
    with pytest.raises(KrugerError) as refused:
        show(book, altered, ADMIN)
    assert refused.value.code == "record_corrupted"
    with pytest.raises(KrugerError, match="fails its integrity check"):
        replay_record(book, altered, ADMIN)
    listed, _ = page_of(book, ADMIN, None, None, None, None, 10)
    assert {entry["id"]: entry["intact"] for entry in listed} == {altered: False, ids["riverside_cafe_cic"]: True}
    assert show(book, ids["riverside_cafe_cic"], ADMIN)["organisation"] == "riverside_cafe_cic"


def test_a_replay_under_the_same_rules_is_the_same_and_is_kept_beside_its_record(book):
    record_id = recorded(book)["riverside_cafe_cic"]
    replayed = replay_record(book, record_id, ADMIN)
    assert replayed["same"] is True
    assert (replayed["changed_outputs"], replayed["changed_parameters"], replayed["changed_formulas"]) == ([], [], [])
    shown = show(book, record_id, ADMIN)
    assert [entry["id"] for entry in shown["replays"]] == [replayed["id"]] and shown["replays"][0]["intact"]
    assert shown["outputs"]["match_trade"]["eligible"] is True, "the record itself is never changed"


def test_a_replay_says_which_outputs_parameters_and_formulas_changed_since_the_record(book):
    """A record made when the cap was £20,000 and one formula read otherwise: today's rules answer £10,000, and say why."""
    record_id = recorded(book)["riverside_cafe_cic"]
    old_version = "0.1.0+0000000000"
    with book.database.engine.begin() as connection:
        row = connection.execute(text("SELECT content FROM decision_records WHERE id = :id"), {"id": record_id}).scalar_one()
        content = json.loads(row) if isinstance(row, str) else row
        content["parameters"]["match_trade.cap"] = {"value": 20000, "since": "2020-09-24"}
        content["outputs"]["match_trade"]["amounts"]["match_trade_grant"] = 20000.0
        content["rules_version"] = old_version
        connection.execute(
            text("UPDATE decision_records SET content = :content, content_hash = :hash, rules_version = :version WHERE id = :id"),
            {"content": json.dumps(content), "hash": content_hash(content), "version": old_version, "id": record_id},
        )
    hashes = all_formula_hashes(shared_system())
    book.keep_formula_hashes(old_version, "baseline", {**hashes, "match_trade_grant": "an older formula"})
    replayed = replay_record(book, record_id, ADMIN)
    assert replayed["same"] is False
    assert replayed["changed_outputs"] == [{"scheme": "match_trade", "output": "match_trade_grant", "then": 20000.0, "now": 10000.0}]
    assert replayed["changed_parameters"] == [
        {"parameter": "match_trade.cap", "then": {"value": 20000, "since": "2020-09-24"}, "now": {"value": 10000, "since": "2020-09-24"}}
    ]
    assert replayed["changed_formulas"] == [{"variable": "match_trade_grant", "change": "rewritten"}]
    assert replayed["recorded_rules_version"] == old_version and replayed["rules_version"] == rules_version()


def test_a_replay_for_another_year_shows_the_rules_of_that_year(book):
    record_id = recorded(book)["riverside_cafe_cic"]
    replayed = replay_record(book, record_id, ADMIN, period="2019")
    assert replayed["period"] == "2019" and replayed["same"] is False
    assert {"scheme": "match_trade", "output": "eligible", "then": True, "now": False} in replayed["changed_outputs"]


def test_a_record_made_under_a_reform_replays_under_it(book):
    record_id = recorded(book, reform="current_law")["riverside_cafe_cic"]
    record = show(book, record_id, ADMIN)
    assert record["reform"] == {"name": "current_law", "parameters": {}} and record["outputs"]["match_trade"]["eligible"] is False
    replayed = replay_record(book, record_id, ADMIN)
    assert replayed["same"] is True and replayed["outputs"]["match_trade"]["eligible"] is False
    assert book.formula_hashes(rules_version(), "baseline") is None, "kept for the reform's system only"


def test_a_key_reads_only_its_own_records(book):
    ring = KeyRing(book.database)
    one, _ = ring.create("one", ["record", "read"], 60)
    other, _ = ring.create("other", ["record", "read"], 60)
    mine = recorded(book, Caller(one.id, one.name))["riverside_cafe_cic"]
    assert show(book, mine, Caller(one.id, one.name))["made_by"] == "key one"
    with pytest.raises(KrugerError) as refused:
        show(book, mine, Caller(other.id, other.name))
    assert refused.value.code == "not_found"
    assert page_of(book, Caller(other.id, other.name), None, None, None, None, 10) == ([], None)


def test_records_come_a_page_at_a_time_newest_first(book):
    made = [recorded(book)[name] for _ in range(3) for name in ("riverside_cafe_cic",)]
    first, following = page_of(book, ADMIN, "riverside_cafe_cic", None, None, None, 2)
    second, last = page_of(book, ADMIN, "riverside_cafe_cic", None, None, following, 2)
    assert [entry["id"] for entry in first + second] == list(reversed(made)) and last is None
    assert all(entry["eligible"]["match_trade"] for entry in first)


def test_the_command_line_lists_shows_and_replays(book, database_url, monkeypatch, capsys):
    monkeypatch.setenv("KRUGER_DATABASE_URL", database_url)
    record_id = recorded(book)["new_start_bakery"]
    assert main(["decisions", "list"]) == 0
    assert record_id in capsys.readouterr().out
    assert main(["decisions", "show", record_id]) == 0
    assert json.loads(capsys.readouterr().out)["organisation"] == "new_start_bakery"
    assert main(["decisions", "replay", record_id]) == 0
    assert "the same answer" in capsys.readouterr().out
    assert main(["decisions", "show", "f" * 32]) == 2
    assert "no decision record" in capsys.readouterr().err


def test_the_sealed_content_leaves_out_the_hash_only(book):
    record_id = recorded(book)["riverside_cafe_cic"]
    stored, _ = book.get(record_id, any_key=True)
    assert sealed_content({**stored.content, "content_hash": stored.content_hash}) == stored.content


def test_a_batch_records_each_screened_row_and_says_its_record(book, tmp_path):
    source = tmp_path / "in.csv"
    source.write_text(
        "organisation_id,organisation_type,is_independent,months_trading,total_income,trading_income,profit_share_to_purpose\n"
        "cafe,community_interest_company,true,36,82000,61000,0.8\nbad,charity,,,,,\n"
    )
    summary = run_batch(source, tmp_path / "out.parquet", period=2024, record=book)
    results = pq.read_table(summary.out).to_pylist()
    assert [row["status"] for row in results] == ["ok", "error"] and results[1]["record_id"] is None
    record = show(book, results[0]["record_id"], ADMIN)
    assert record["organisation"] == "cafe" and record["made_by"] == "command line"
    assert record["outputs"]["match_trade"]["amounts"]["match_trade_grant"] == results[0]["match_trade_grant"]
    assert replay_record(book, record["id"], ADMIN)["same"] is True
