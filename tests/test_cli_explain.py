"""``kruger-rules explain``: the eligibility answer of POST /api/v1/eligibility, drawn on the terminal or printed as its JSON."""

import json
from pathlib import Path

import pytest
from api_support import ours

from kruger_rules.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.json"))
MATCH_TRADE = ROOT / "examples" / "match_trade.json"


def explained(capsys, *arguments: str) -> str:
    assert main(["explain", *arguments]) == 0
    return capsys.readouterr().out


def failed_leaves(criteria: list[dict]):
    """Every failed criterion that is not itself an AND of criteria, at any depth."""
    for criterion in criteria:
        if criterion.get("criteria"):
            yield from failed_leaves(criterion["criteria"])
        elif not criterion["passed"]:
            yield criterion


def test_the_tree_shows_schemes_criteria_rules_and_what_would_pass(capsys):
    out = explained(capsys, str(MATCH_TRADE), "--period", "2024")
    lines = [line.strip("│├└─ ") for line in out.splitlines()]
    assert lines[1] == "organisation riverside_cafe_cic  member of place becontree"
    assert "✓ MatchTrade: eligible" in lines and "match_trade_grant = 10,000.00" in lines
    assert "✗ Community Recovery Fund: not eligible" in lines
    board = lines.index("✗ Has enough unconnected board members for the Community Recovery Fund: no")
    assert lines[board + 1 : board + 6] == [
        "read: unconnected_board_members = 0",
        "rule: community_recovery_fund.min_unconnected_board_members = 2 person, since 2020-09-24",
        "Assumption based on National Lottery Awards for All (England), two unconnected people on the board or committee",
        "National Lottery Awards for All (England)",
        "to pass: Board or committee members not related to each other: ≥ 2; yours is 0",
    ]
    assert any(line.startswith("place becontree  members: riverside_cafe_cic, new_start_bakery") for line in lines)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda path: path.stem)
def test_every_failed_criterion_is_shown_with_what_would_pass_it(capsys, example):
    answer = json.loads(explained(capsys, str(example), "--period", "2024", "--output", "json"))
    out = explained(capsys, str(example), "--period", "2024")
    failed = [
        criterion
        for plural in ("organisations", "places", "procurements")
        for entry in answer[plural].values()
        for scheme in entry["schemes"].values()
        for criterion in failed_leaves(scheme["criteria"])
    ]
    assert failed
    for criterion in failed:
        assert f"✗ {criterion['label']}: " in out
        assert f"to pass: {criterion['to_pass']['text']}" in out


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda path: path.stem)
def test_json_is_the_apis_answer_for_the_same_body(capsys, example):
    printed = json.loads(explained(capsys, str(example), "--period", "2024", "--output", "json"))
    response = ours().post("/api/v1/eligibility", json={"situation": json.loads(example.read_text()), "period": "2024"})
    assert response.status_code == 200, response.text
    assert printed == response.json()
    assert printed["reform"] is None and printed["period"] == "2024"


def test_a_named_reform_changes_the_answer_as_the_api_does(capsys):
    baseline = explained(capsys, str(MATCH_TRADE), "--period", "2024")
    reformed = explained(capsys, str(MATCH_TRADE), "--period", "2024", "--reform", "current_law")
    assert baseline.splitlines()[0].endswith("period 2024, baseline")
    assert reformed.splitlines()[0].endswith("period 2024, reform current_law")
    assert "✓ MatchTrade: eligible" in baseline and "✓ MatchTrade: eligible" not in reformed
    assert "✗ MatchTrade: not eligible" in reformed and "✗ MatchTrade is in force: no" in reformed
    printed = json.loads(explained(capsys, str(MATCH_TRADE), "--period", "2024", "--reform", "current_law", "--output", "json"))
    body = {"situation": json.loads(MATCH_TRADE.read_text()), "period": "2024", "reform": "current_law"}
    assert printed == ours().post("/api/v1/eligibility", json=body).json()
    assert printed["reform"] == {"name": "current_law", "parameters": {}}


def test_a_reform_file_is_read_and_applied(tmp_path, capsys):
    reform = tmp_path / "cap.yaml"
    reform.write_text("parameters:\n  match_trade.cap:\n    '2024-01-01': 20000\n")
    out = explained(capsys, str(MATCH_TRADE), "--period", "2024", "--reform", str(reform))
    assert out.splitlines()[0].endswith("reform match_trade.cap")
    assert "match_trade_grant = 20,000.00" in out and "match_trade_grant = 10,000.00" not in out


@pytest.mark.parametrize(
    ("content", "arguments", "expected"),
    [
        ("{}", [], "an explanation is for one year: give --period, e.g. --period 2024"),
        ('{"organisations": ', ["--period", "2024"], "is not valid JSON"),
        ('{"organisations": {"o1": {"total_incme": 1}}}', ["--period", "2024"], "$.organisations.o1.total_incme: unknown variable"),
        ('{"organisations": {"o1": {}}}', ["--period", "1999"], "outside the covered years"),
        ('{"organisations": {"o1": {}}}', ["--period", "2024", "--reform", "no_such_reform"], "unknown reform 'no_such_reform'"),
        ('{"organisations": {"o1": {}}}', ["--period", "2024", "--reform", "no/such/reform.json"], "cannot read no/such/reform.json"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(tmp_path, capsys, content, arguments, expected):
    situation = tmp_path / "case.json"
    situation.write_text(content)
    assert main(["explain", str(situation), *arguments]) == 2
    captured = capsys.readouterr()
    assert expected in captured.err and captured.err.startswith("kruger-rules: error: ")
    assert captured.err.count("\n") == 1 and captured.out == ""


def test_a_missing_file_is_a_clear_error(capsys):
    assert main(["explain", "no/such/file.json", "--period", "2024"]) == 2
    assert "cannot read no/such/file.json" in capsys.readouterr().err
