"""Comparing a situation under the baseline and reforms: the engine's function and `kruger-rules compare`."""

import json
from pathlib import Path

import pytest

from kruger_rules.cli import main
from kruger_rules.compare import compare, difference
from kruger_rules.errors import KrugerError

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "match_trade.json"

CLAIM = {
    "organisations": {
        "charity": {
            "organisation_type": "registered_charity",
            "claim_authority_type": "local_authority",
            "claim_service": "libraries",
            "claim_submission_date": "2024-03-01",
        },
        "mutual_aid": {"organisation_type": "mutual_aid_group", "claim_authority_type": "local_authority", "claim_service": "libraries"},
    },
    "places": {"p": {"members": ["charity", "mutual_aid"]}},
}


def row(comparison, entity_id, variable):
    return next(r for r in comparison["outputs"] if r["id"] == entity_id and r["variable"] == variable)


def test_the_situation_s_nulls_are_compared_under_each_reform():
    comparison = compare(json.loads(EXAMPLE.read_text()), None, ["current_law", "match_trade_cap_20k"])
    assert [reform["label"] for reform in comparison["reforms"]] == ["current_law", "match_trade_cap_20k"]
    assert comparison["reforms"][0]["reform"] == {"name": "current_law", "parameters": {}}
    grant = row(comparison, "riverside_cafe_cic", "match_trade_grant")
    assert grant["entity"] == "organisations" and grant["period"] == "2024"
    assert grant["baseline"] == 10000
    assert grant["reforms"] == [
        {"value": 0, "changed": True, "difference": -10000},
        {"value": 20000, "changed": True, "difference": 10000},
    ]
    eligible = row(comparison, "riverside_cafe_cic", "match_trade_eligible")
    assert eligible["reforms"][0] == {"value": False, "changed": True, "difference": None}
    assert comparison["rules_version"]


def test_every_computed_variable_is_compared_when_none_is_asked_for():
    comparison = compare(CLAIM, "2024", ["right_to_serve_60_days"])
    variables = {r["variable"] for r in comparison["outputs"]}
    assert {"right_to_serve_decision_due", "is_social_enterprise", "place_is_left_behind", "match_trade_grant"} <= variables
    assert "organisation_type" not in variables
    due = row(comparison, "charity", "right_to_serve_decision_due")
    assert (due["baseline"], due["reforms"][0]["value"], due["reforms"][0]["difference"]) == ("2024-05-30", "2024-04-30", -30)


def test_only_changed_outputs_and_named_variables():
    changed = compare(CLAIM, "2024", ["right_to_serve_60_days"], changed_only=True)
    assert {r["variable"] for r in changed["outputs"]} == {
        "right_to_serve_decision_due",
        "right_to_serve_procurement_earliest_start",
        "right_to_serve_procurement_latest_start",
    }
    named = compare(CLAIM, "2024", ["current_law"], ["right_to_serve_relevant_body", "place_is_left_behind"])
    assert [(r["id"], r["variable"]) for r in named["outputs"]] == [
        ("charity", "right_to_serve_relevant_body"),
        ("mutual_aid", "right_to_serve_relevant_body"),
        ("p", "place_is_left_behind"),
    ]


def test_a_variable_of_a_structural_reform_has_no_baseline_value():
    comparison = compare(
        CLAIM, "2024", ["right_to_serve_mutual_aid_groups"], ["right_to_serve_relevant_as_mutual_aid_group", "right_to_serve_relevant_body"]
    )
    added = row(comparison, "mutual_aid", "right_to_serve_relevant_as_mutual_aid_group")
    assert added["baseline"] is None and added["reforms"][0]["value"] is True
    relevant = row(comparison, "mutual_aid", "right_to_serve_relevant_body")
    assert (relevant["baseline"], relevant["reforms"][0]["value"]) == (False, True)


def test_reforms_are_validated_with_their_position():
    with pytest.raises(KrugerError) as caught:
        compare(CLAIM, "2024", ["current_law", {"name": "current_law", "parameters": {"match_trade.cap": {"2024-01-01": -5}}}])
    assert caught.value.code == "bad_reform_value"
    assert caught.value.path == '$.reforms[1].parameters["match_trade.cap"]["2024-01-01"]'
    for reforms in ([], "current_law", None):
        with pytest.raises(KrugerError) as caught:
            compare(CLAIM, "2024", reforms)
        assert caught.value.code == "bad_reform"


def test_unknown_variables_and_a_missing_period_are_errors():
    with pytest.raises(KrugerError) as caught:
        compare(CLAIM, "2024", ["current_law"], ["right_to_serve_eligible", "match_trade_grnt"])
    assert (caught.value.code, caught.value.path) == ("unknown_variable", "$.variables[1]")
    assert "match_trade_grant" in caught.value.message
    with pytest.raises(KrugerError) as caught:
        compare(CLAIM, None, ["current_law"])
    assert caught.value.code == "missing_period"


def test_differences():
    assert difference(10000.0, 0.0) == -10000
    assert difference(0.1, 0.2) == 0.1
    assert difference(3, 5) == 2
    assert difference("2024-05-30", "2024-04-30") == -30
    assert difference(True, False) is None
    assert difference("none", "non_compliant") is None
    assert difference(None, True) is None


# --- kruger-rules compare ---


def test_compare_prints_a_side_by_side_table(capsys):
    assert main(["compare", str(EXAMPLE), "--reform", "match_trade_cap_20k"]) == 0
    out = capsys.readouterr().out
    header = next(line for line in out.splitlines() if "baseline" in line)
    assert header.index("baseline") < header.index("match_trade_cap_20k") < header.index("difference")
    grant = next(line for line in out.splitlines() if "riverside_cafe_cic" in line and "match_trade_grant" in line)
    assert "10,000.00" in grant and "20,000.00" in grant and "+10,000.00" in grant


def test_compare_defaults_to_current_law_and_answers_json(capsys):
    assert main(["compare", str(EXAMPLE), "--output", "json"]) == 0
    comparison = json.loads(capsys.readouterr().out)
    assert [reform["label"] for reform in comparison["reforms"]] == ["current_law"]
    assert row(comparison, "new_start_bakery", "match_trade_grant")["reforms"][0]["value"] == 0


def test_compare_reads_a_reform_file_and_several_reforms(tmp_path, capsys):
    reform = tmp_path / "cap.json"
    reform.write_text(json.dumps({"name": "match_trade_growth", "parameters": {"match_trade.cap": {"2024-01-01.2024-12-31": 500}}}))
    assert main(["compare", str(EXAMPLE), "--reform", str(reform), "--reform", "current_law", "--changed", "--output", "json"]) == 0
    comparison = json.loads(capsys.readouterr().out)
    assert comparison["reforms"][0]["label"] == "match_trade_growth + match_trade.cap"
    assert row(comparison, "riverside_cafe_cic", "match_trade_grant")["reforms"][0]["value"] == 500
    assert all(any(cell["changed"] for cell in r["reforms"]) for r in comparison["outputs"])


def test_compare_reads_a_yaml_reform_file(tmp_path, capsys):
    reform = tmp_path / "rate.yaml"
    reform.write_text("match_trade.rate:\n  '2024-01-01': 0.5\n")
    assert (
        main(["compare", str(EXAMPLE), "--reform", str(reform), "--variables", "match_trade_grant", "--period", "2024", "--output", "json"])
        == 0
    )
    comparison = json.loads(capsys.readouterr().out)
    assert [r["reforms"][0]["value"] for r in comparison["outputs"]] == [10000, 4500]


def test_compare_reports_a_bad_reform_on_one_line(tmp_path, capsys):
    reform = tmp_path / "bad.json"
    reform.write_text(json.dumps({"match_trade.rate": {"2024-01-01": 2}}))
    assert main(["compare", str(EXAMPLE), "--reform", str(reform)]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and '$["match_trade.rate"]["2024-01-01"]' in error and "between 0 and 1" in error
    assert main(["compare", str(EXAMPLE), "--reform", "curent_law"]) == 2
    assert "did you mean 'current_law'" in capsys.readouterr().err
    assert main(["compare", str(EXAMPLE), "--reform", str(tmp_path / "missing.json")]) == 2
    assert "cannot read" in capsys.readouterr().err
