"""The kruger-rules command, and OpenFisca's own commands on this country package."""

import json
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from kruger_rules.cli import main

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
EXAMPLE = ROOT / "examples" / "match_trade.json"


def test_calculate_prints_a_table_of_the_requested_outputs(capsys):
    assert main(["calculate", str(EXAMPLE)]) == 0
    out = capsys.readouterr().out
    assert "riverside_cafe_cic" in out and "match_trade_grant" in out and "10,000.00" in out


def test_calculate_json_answers_every_null_output(capsys):
    assert main(["calculate", str(EXAMPLE), "--output", "json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["organisations"]["riverside_cafe_cic"]["match_trade_grant"] == {"2024": 10000.0}
    assert answer["organisations"]["new_start_bakery"]["match_trade_grant"] == {"2024": 9000.0}
    assert answer["places"]["becontree"]["place_is_left_behind"] == {"2024": True}


def test_calculate_named_variables_for_a_period(capsys):
    assert main(["calculate", str(EXAMPLE), "--period", "2024", "--variables", "is_start_up", "--output", "json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer == {
        "organisations": {"riverside_cafe_cic": {"is_start_up": {"2024": False}}, "new_start_bakery": {"is_start_up": {"2024": True}}}
    }


def test_calculate_reads_yaml(tmp_path, capsys):
    situation = tmp_path / "case.yaml"
    situation.write_text("organisations:\n  o1:\n    total_income: 100\n    trading_income: 25\n    trading_income_share: null\n")
    assert main(["calculate", str(situation), "--period", "2024", "--output", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["organisations"]["o1"]["trading_income_share"] == {"2024": 0.25}


@pytest.mark.parametrize(
    ("content", "arguments", "expected"),
    [
        ('{"organisations": {"o1": {"total_incme": {"2024": 1}}}}', [], "$.organisations.o1.total_incme: unknown variable"),
        ('{"organisations": {"o1": {"total_income": {"2024": 1}}}}', [], "nothing to calculate"),
        ('{"organisations": ', [], "is not valid JSON"),
        ('{"organisations": {"o1": {"total_income": NaN}}}', ["--period", "2024"], "NaN is not a number JSON allows"),
        ('{"organisations": {"o1": {}}}', ["--period", "1999", "--variables", "match_trade_grant"], "outside the covered years"),
        ('{"organisations": {"o1": {}}}', ["--variables", "match_trade_grant"], "--variables needs --period"),
    ],
)
def test_bad_input_is_one_line_and_a_non_zero_exit(tmp_path, capsys, content, arguments, expected):
    situation = tmp_path / "case.json"
    situation.write_text(content)
    assert main(["calculate", str(situation), *arguments]) == 2
    error = capsys.readouterr().err
    assert expected in error
    assert error.count("\n") == 1


def test_a_missing_file_is_a_clear_error(capsys):
    assert main(["calculate", "no/such/file.json"]) == 2
    assert "cannot read no/such/file.json" in capsys.readouterr().err


def test_version_prints_rules_and_openfisca_versions(capsys):
    from kruger_rules import rules_version

    assert main(["version"]) == 0
    out = capsys.readouterr().out
    assert rules_version() in out and "openfisca-core 46." in out


@pytest.mark.parametrize("command", [[], ["calculate"], ["version"]])
def test_every_command_has_help(command):
    result = subprocess.run([BIN / "kruger-rules", *command, "--help"], capture_output=True, text=True)
    assert result.returncode == 0
    assert "usage: kruger-rules" in result.stdout


def test_rules_version_is_package_version_and_rule_hash():
    from kruger_rules.system import package_version, rules_hash, rules_version

    assert rules_version() == f"{package_version()}+{rules_hash()}"
    assert len(rules_hash()) == 10


def test_openfisca_test_runs_on_this_country_package():
    result = subprocess.run(
        [BIN / "openfisca", "test", "--country-package", "kruger_rules", str(ROOT / "tests" / "yaml")],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout[-2000:]
    assert " passed" in result.stdout


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_openfisca_serve_runs_on_this_country_package():
    port = free_port()
    server = subprocess.Popen(
        [BIN / "openfisca", "serve", "--country-package", "kruger_rules", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/entities", timeout=2) as response:
                    entities = json.load(response)
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.5)
        assert set(entities) == {"organisation", "place", "procurement"}
    finally:
        server.terminate()
        server.wait(timeout=30)
