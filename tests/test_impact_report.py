"""The impact command and its outputs: tables as CSV and Parquet, charts as PNG and SVG with their titles, and one
self-contained HTML report that states what was run; a bad reform is refused before any work."""

import json
import re
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pandas as pd
import pytest
from impact_support import PERIOD, write_small_population

from kruger_rules.cli import main
from kruger_rules.population.charts import TITLES, charts, render
from kruger_rules.population.impact import run_impact
from kruger_rules.population.impact_cli import default_out
from kruger_rules.system import rules_version

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SVG = "{http://www.w3.org/2000/svg}"
DIMENSIONS = ("region", "imd_decile", "cni_decile", "organisation_type", "local_authority")
TABLES = ("cost", "reach", *(f"reach_by_{dimension}" for dimension in DIMENSIONS))


@pytest.fixture(scope="module")
def population_file(tmp_path_factory):
    return write_small_population(tmp_path_factory.mktemp("population"))


@pytest.fixture(scope="module")
def written(population_file, tmp_path_factory):
    """The command run once on the small population; its folder and what it printed."""
    out = tmp_path_factory.mktemp("impact") / "out"
    arguments = ["impact", "--reform", "current_law", "--population", str(population_file), "--period", PERIOD, "--out", str(out)]
    assert main([*arguments, "--chunk-size", "1000"]) == 0
    return out


def svg_text(svg: str) -> str:
    return " ".join(element.text or "" for element in ElementTree.fromstring(svg).iter(f"{SVG}text"))


def test_every_chart_is_a_png_and_an_svg_with_its_title(population_file):
    tables = run_impact("current_law", population_file, PERIOD, chunk_size=1000).tables
    drawn = charts(tables)
    assert set(drawn) == set(TITLES)
    for name, chart in drawn.items():
        rendered = render(chart)
        assert rendered.png.startswith(PNG_SIGNATURE), name
        assert TITLES[name] in svg_text(rendered.svg), name


def test_the_command_writes_every_table_as_csv_and_parquet(written):
    for name in TABLES:
        csv, parquet = pd.read_csv(written / f"{name}.csv"), pd.read_parquet(written / f"{name}.parquet")
        assert list(csv.columns) == list(parquet.columns) and len(csv) == len(parquet) > 0, name
    for name in TITLES:
        assert (written / f"{name}.png").read_bytes().startswith(PNG_SIGNATURE)
        assert TITLES[name] in svg_text((written / f"{name}.svg").read_text())


def test_the_report_is_one_self_contained_file_that_states_what_was_run(written, population_file):
    report = (written / "report.html").read_text()
    about = json.loads((written / "about.json").read_text())
    assert about["rules_version"] == rules_version() in report
    assert str(population_file) in report and "3,000 rows" in report
    assert "current_law" in report and "&quot;name&quot;: &quot;current_law&quot;" in report
    assert f"against the baseline, {PERIOD}" in report
    assert 'href="/assumptions"' in report and "docs/assumptions.md" in report
    assert report.count("<svg") == len(TITLES) and all(title in report for title in TITLES.values())
    # Nothing fetched: no script, no stylesheet, no image or frame from elsewhere.
    assert not re.search(r"<(script|link|img|iframe)\b", report)
    assert not re.search(r"""(src|href)=["']https?:""", report)


def test_the_command_prints_the_cost_against_budget(population_file, tmp_path, capsys):
    out = tmp_path / "impact"
    assert main(["impact", "--reform", "current_law", "--population", str(population_file), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "cost against budget" in printed and "MatchTrade" in printed and str(out / "report.html") in printed


def test_a_reform_file_is_read_and_names_the_default_folder(population_file, tmp_path, monkeypatch):
    reform = tmp_path / "cheaper.json"
    reform.write_text(json.dumps({"name": "current_law", "parameters": {"match_trade.in_force": {"2024-01-01": True}}}))
    monkeypatch.chdir(tmp_path)
    assert main(["impact", "--reform", str(reform), "--population", str(population_file)]) == 0
    about = json.loads((tmp_path / "impact-cheaper-2024" / "about.json").read_text())
    assert about["reform"]["data"] == {"name": "current_law", "parameters": {"match_trade.in_force": {"2024-01-01": True}}}
    assert default_out("current_law", "2024") == Path("impact-current_law-2024")


@pytest.mark.parametrize(
    ("reform", "message"),
    [
        ("current_laww", "unknown reform 'current_laww'"),
        ('{"match_trade.cap": {"2024-01-01": -1}}', "an amount of money, at least 0"),
        ('{"match_trade.capp": {"2024-01-01": 1}}', "the nearest is 'match_trade.cap'"),
    ],
)
def test_a_bad_reform_is_refused_before_any_work(tmp_path, capsys, reform, message):
    if reform.startswith("{"):
        path = tmp_path / "reform.json"
        path.write_text(reform)
        reform = str(path)
    out = tmp_path / "out"
    missing = tmp_path / "no_population.parquet"
    assert main(["impact", "--reform", reform, "--population", str(missing), "--out", str(out)]) == 2
    error = capsys.readouterr().err
    assert error.startswith("kruger-rules: error:") and message in error and "no_population" not in error
    assert not out.exists()


def test_a_bad_population_is_refused_naming_the_file(tmp_path, capsys):
    missing = tmp_path / "no_population.parquet"
    assert main(["impact", "--reform", "current_law", "--population", str(missing), "--out", str(tmp_path / "out")]) == 2
    assert "no_population.parquet" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
