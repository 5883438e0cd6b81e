"""Batch screening: formats, bad rows, hostile files, the template, and agreement with the one-case path."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
import pytest

from kruger_rules.batch.dictionary import dictionary, write_template
from kruger_rules.batch.layout import layout_of
from kruger_rules.batch.run import errors_path, run_batch
from kruger_rules.cli import main
from kruger_rules.dependencies import is_input
from kruger_rules.errors import KrugerError
from kruger_rules.explain import explain
from kruger_rules.system import ROOT, shared_system

EXAMPLE = ROOT / "examples" / "batch" / "applications.csv"
HEADER = "organisation_id,ward_code,organisation_type,has_social_purpose,is_independent,months_trading,total_income,trading_income"


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def read(path: Path) -> pd.DataFrame:
    if path.suffix == ".parquet":
        return pq.read_table(path).to_pandas()
    if path.suffix == ".jsonl":
        return pd.DataFrame([json.loads(line) for line in path.read_text().splitlines()])
    return pa_csv.read_csv(path, convert_options=pa_csv.ConvertOptions(strings_can_be_null=True)).to_pandas()


@pytest.fixture(scope="module")
def example_results(tmp_path_factory) -> pd.DataFrame:
    out = tmp_path_factory.mktemp("example") / "results.parquet"
    run_batch(EXAMPLE, out, period=2024)
    return pq.read_table(out).to_pandas()


def test_the_shipped_example_names_each_bad_row_and_screens_the_others(tmp_path):
    summary = run_batch(EXAMPLE, tmp_path / "results.csv", period=2024)
    assert (summary.rows, summary.ok, summary.failed) == (300, 293, 7)
    errors = read(summary.errors)
    assert errors[["row", "organisation_id", "column", "value"]].values.tolist() == [
        [12, "APP-0012", "organisation_type", "charity"],
        [40, "APP-0040", "total_income", "82,000"],
        [77, "APP-0077", "profit_share_to_purpose", "1.5"],
        [123, "APP-0123", "ward_code", "E05999999"],
        [150, "APP-0003", "organisation_id", "APP-0003"],
        [201, "APP-0201", "months_trading", "about 3 years"],
        [260, "APP-0260", "has_bank_account", "maybe"],
    ]
    assert errors["reason"].tolist() == [
        "'organisation_type' has no value 'charity'; its values are "
        + ", ".join(item.name for item in shared_system().variables["organisation_type"].possible_values),
        "'total_income' is a number, not '82,000'",
        "'profit_share_to_purpose' is a share between 0 and 1, not 1.5",
        "'ward_code' 'E05999999' is not an England ward code of 2019",
        "'organisation_id' 'APP-0003' is already given on row 3",
        "'months_trading' is a whole number, not 'about 3 years'",
        "'has_bank_account' is true or false (or yes/no, 1/0), not 'maybe'",
    ]
    results = read(summary.out)
    assert len(results) == 300 and results["row"].tolist() == list(range(1, 301))
    bad = results[results["status"] == "error"]
    assert bad["row"].tolist() == [12, 40, 77, 123, 150, 201, 260]
    assert bad["match_trade_eligible"].isna().all() and bad["errors"].str.contains(": ").all()
    assert results.loc[results["status"] == "ok", "match_trade_eligible"].notna().all()


def test_a_row_gets_what_the_one_case_explanation_gives(example_results):
    """Batch rows are computed together from arrays; each must equal the same case sent alone."""
    system = shared_system()
    layout = layout_of(system)
    applications = pd.read_csv(EXAMPLE, dtype=str, keep_default_na=False)
    ok = example_results[example_results["status"] == "ok"]
    for row in ok.sample(12, random_state=1).itertuples():
        cells = applications.iloc[row.row - 1]
        organisation = {name: {"2024": typed(system, name, cells[name])} for name in applications.columns[2:] if cells[name] != ""}
        wards = pd.read_csv(ROOT / "data" / "wards_england_2019.csv", dtype={"ward_code": str}).set_index("ward_code")
        answer = explain(system, situation_in_ward(system, organisation, cells["ward_code"]), "2024", counterfactuals=False)
        assert wards.index.isin([cells["ward_code"]]).any()
        schemes = answer["organisations"]["a"]["schemes"] | answer["places"]["p"]["schemes"]
        for output in layout.outputs:
            if output.entity == "procurement":
                continue
            scheme = schemes[output.scheme]
            expected = scheme["eligible"] if output.kind == "eligibility" else scheme[output.kind][output.name]
            found = getattr(row, output.name)
            found = None if pd.isna(found) else found.isoformat() if hasattr(found, "isoformat") else found
            assert found == pytest.approx(expected), (row.organisation_id, output.name)


def typed(system, name: str, text: str):
    kind = system.variables[name].value_type
    if kind is bool:
        return text == "true"
    if kind is int:
        return int(text)
    if kind is float:
        return float(text)
    return text


def situation_in_ward(system, organisation: dict, ward_code: str) -> dict:
    from kruger_rules.population.wards import load_wards

    ward = load_wards().set_index("ward_code").loc[ward_code]
    place = {
        name: {"2024": ward[name].item() if hasattr(ward[name], "item") else ward[name]}
        for name in ("imd_decile", "cni_decile", "population", "region")
    }
    return {"organisations": {"a": organisation}, "places": {"p": {"members": ["a"], **place}}}


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".jsonl"])
def test_every_format_in_and_out_gives_the_same_results(tmp_path, example_results, suffix):
    source = tmp_path / f"applications{suffix}"
    table = pa_csv.read_csv(EXAMPLE, convert_options=pa_csv.ConvertOptions(column_types=dict.fromkeys(HEADER.split(","), pa.string())))
    if suffix == ".parquet":
        pq.write_table(table, source)
    elif suffix == ".jsonl":
        source.write_text("".join(json.dumps(row) + "\n" for row in table.to_pylist()))
    else:
        source.write_bytes(EXAMPLE.read_bytes())
    out = tmp_path / f"results{suffix}"
    run_batch(source, out, period=2024)
    found = read(out)
    expected = example_results
    assert list(found.columns) == list(expected.columns)
    for column in ("row", "organisation_id", "status", "match_trade_eligible", "match_trade_grant", "crf_grant", "trading_income_share"):
        assert found[column].astype(str).tolist() == expected[column].astype(str).tolist(), column


def test_a_typed_parquet_file_reads_as_its_text_does(tmp_path, example_results):
    typed_table = pa_csv.read_csv(EXAMPLE).filter(
        pa.compute.equal(pa.compute.field("organisation_id"), pa.compute.field("organisation_id"))
    )
    clean = typed_table.to_pandas()
    clean = clean[~clean["organisation_id"].isin(["APP-0012", "APP-0040", "APP-0077", "APP-0123", "APP-0201", "APP-0260"])]
    clean = clean.drop_duplicates("organisation_id")
    source = tmp_path / "typed.parquet"
    clean.to_parquet(source, index=False)
    run_batch(source, tmp_path / "typed.out.parquet", period=2024)
    found = read(tmp_path / "typed.out.parquet").set_index("organisation_id")
    expected = example_results[example_results["status"] == "ok"].set_index("organisation_id")
    assert found["status"].eq("ok").all()
    for column in ("match_trade_grant", "crf_grant", "is_social_enterprise", "luc_fund_place_eligible"):
        assert found.loc[expected.index, column].tolist() == expected[column].tolist(), column


def test_bad_cells_of_every_kind_are_reported_exactly(tmp_path):
    source = write(
        tmp_path / "in.csv",
        "organisation_id,organisation_type,months_trading,total_income,profit_share_to_purpose,has_bank_account,claim_submission_date\n"
        "a,cooperative,12,1000,0.5,yes,2024-01-31\n"
        "b,cooperativ,12.5,1e40,-0.1,maybe,2024-02-30\n"
        " ,,,,,,\n"
        "a,,,,,,\n"
        "c,,,inf,,,31/01/2024\n",
    )
    summary = run_batch(source, tmp_path / "out.csv", period=2024)
    assert (summary.ok, summary.failed) == (1, 4)
    errors = read(summary.errors)
    assert errors[["row", "column", "value"]].values.tolist() == [
        [2, "organisation_type", "cooperativ"],
        [2, "months_trading", "12.5"],
        [2, "total_income", "1e40"],
        [2, "profit_share_to_purpose", "-0.1"],
        [2, "has_bank_account", "maybe"],
        [2, "claim_submission_date", "2024-02-30"],
        [3, "organisation_id", " "],
        [4, "organisation_id", "a"],
        [5, "total_income", "inf"],
        [5, "claim_submission_date", "31/01/2024"],
    ]
    assert errors["reason"][0].startswith("'organisation_type' has no value 'cooperativ' (did you mean 'cooperative'?)")
    assert errors["reason"][1:].tolist() == [
        "'months_trading' is a whole number, not 12.5",
        "'total_income' is too large: 1e40",
        "'profit_share_to_purpose' is a share between 0 and 1, not -0.1",
        "'has_bank_account' is true or false (or yes/no, 1/0), not 'maybe'",
        "'claim_submission_date' is a date written YYYY-MM-DD, not '2024-02-30'",
        "'organisation_id' is required",
        "'organisation_id' 'a' is already given on row 1",
        "'total_income' must be a finite number, not inf",
        "'claim_submission_date' is a date written YYYY-MM-DD, not '31/01/2024'",
    ]


def test_a_blank_cell_is_the_variables_default(tmp_path):
    source = write(tmp_path / "in.csv", "organisation_id,total_income,trading_income\nblank,,\nzero,0,0\n")
    results = read(run_batch(source, tmp_path / "out.csv", period=2024).out)
    same = [column for column in results.columns if column not in ("row", "organisation_id")]
    assert results.loc[0, same].astype(str).tolist() == results.loc[1, same].astype(str).tolist()


def test_formula_injection_is_escaped_in_csv_and_kept_in_parquet(tmp_path):
    source = write(
        tmp_path / "in.csv", "organisation_id,total_income\n\"=cmd|' /C calc'!A0\",1000\n+1,5\n@SUM(A1),6\n-2+3,7\n-2,7\nplain,8\n"
    )
    csv_out = read(run_batch(source, tmp_path / "out.csv", period=2024).out)
    assert csv_out["organisation_id"].tolist() == ["'=cmd|' /C calc'!A0", "'+1", "'@SUM(A1)", "'-2+3", "-2", "plain"]
    parquet_out = read(run_batch(source, tmp_path / "out.parquet", period=2024).out)
    assert parquet_out["organisation_id"].tolist() == ["=cmd|' /C calc'!A0", "+1", "@SUM(A1)", "-2+3", "-2", "plain"]


def test_a_quoted_line_break_stays_in_its_cell(tmp_path):
    source = write(tmp_path / "in.csv", 'organisation_id,total_income\n"first\nline",1000\nsecond,2000\n')
    results = read(run_batch(source, tmp_path / "out.parquet", period=2024).out)
    assert results["organisation_id"].tolist() == ["first\nline", "second"]
    assert results["row"].tolist() == [1, 2]


def test_a_file_in_another_encoding_is_refused_clearly_then_read_when_named(tmp_path):
    source = write(tmp_path / "in.csv", "organisation_id,total_income\nCafé £,1000\n", encoding="cp1252")
    with pytest.raises(KrugerError, match=r"is not utf-8 text .*--encoding"):
        run_batch(source, tmp_path / "out.csv", period=2024)
    assert not (tmp_path / "out.csv").exists() and not (tmp_path / "out.csv.part").exists()
    results = read(run_batch(source, tmp_path / "out.csv", period=2024, encoding="cp1252").out)
    assert results["organisation_id"].tolist() == ["Café £"]


def test_a_byte_order_mark_is_not_part_of_the_first_column(tmp_path):
    source = write(tmp_path / "in.csv", "\ufefforganisation_id,total_income\nx,1\n")
    assert run_batch(source, tmp_path / "out.csv", period=2024).ok == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("organisation_id,total_incme\nx,1\n", "'total_incme' is not a column of a batch file (did you mean 'total_income'?)"),
        ("total_income\n1\n", "the column 'organisation_id' is required"),
        ("organisation_id,total_income,total_income\nx,1,1\n", "is given twice"),
        ("organisation_id,ward_code,place_id\nx,E05000026,p\n", "give the place by 'ward_code' or by 'place_id', not both"),
        ("organisation_id,place_id\nx,p\n", "'place_id' needs the places file (--places FILE)"),
        ("", "cannot be read as a batch file"),
    ],
)
def test_a_whole_file_fault_stops_the_run_before_any_row(tmp_path, text, message):
    source = write(tmp_path / "in.csv", text)
    with pytest.raises(KrugerError, match=re.escape(message)):
        run_batch(source, tmp_path / "out.csv", period=2024)
    assert not (tmp_path / "out.csv").exists()


def test_formats_and_options_are_checked(tmp_path):
    source = write(tmp_path / "in.txt", "organisation_id\nx\n")
    with pytest.raises(KrugerError, match=r"\.csv, \.parquet or \.jsonl"):
        run_batch(source, tmp_path / "out.csv", period=2024)
    source = write(tmp_path / "in.csv", "organisation_id\nx\n")
    with pytest.raises(KrugerError, match="outside the covered years"):
        run_batch(source, tmp_path / "out.csv", period=1999)
    with pytest.raises(KrugerError, match="would be overwritten"):
        run_batch(source, source, period=2024)
    with pytest.raises(KrugerError, match="line 2 is not JSON"):
        run_batch(write(tmp_path / "in.jsonl", '{"organisation_id": "x"}\n{oops\n'), tmp_path / "out.csv", period=2024)


def test_places_and_procurements_by_id_from_their_own_files(tmp_path):
    places = write(
        tmp_path / "places.csv", "place_id,imd_decile,cni_decile,population,region\nleft,1,1,9000,north_east\nwell,9,9,9000,south_east\n"
    )
    procurements = write(
        tmp_path / "procurements.csv",
        "procurement_id,contract_value,contract_type,social_value_weighting\nbig,5000000,services,0.05\nsmall,1000,goods,0\n",
    )
    source = write(
        tmp_path / "in.csv",
        "organisation_id,place_id,procurement_id,organisation_type,imd_decile\n"
        "a,left,,community_interest_company,\n"
        "b,well,big,central_government_department,\n"
        "c,well,,registered_charity,1\n"
        "d,nowhere,small,local_authority,\n",
    )
    summary = run_batch(source, tmp_path / "out.csv", period=2024, places=places, procurements=procurements)
    results = read(summary.out).set_index("organisation_id")
    assert results.loc["a", "place_is_left_behind"] and not results.loc["b", "place_is_left_behind"]
    assert not results.loc["c", "place_is_left_behind"], "an inline imd_decile overrides the place's, but cni_decile 9 still fails"
    assert results.loc["b", "social_value_compliant"] == False  # noqa: E712 - 5 % is under the model's minimum for a department
    assert pd.isna(results.loc["a", "social_value_compliant"]), "no procurement, no procurement result"
    assert read(summary.errors)[["row", "column", "value"]].values.tolist() == [[4, "place_id", "nowhere"]]


def test_inline_procurement_facts_make_a_procurement_for_the_row(tmp_path):
    source = write(
        tmp_path / "in.csv",
        "organisation_id,organisation_type,contract_value,contract_type\nnhs,nhs_body,150000,light_touch_services\nnone,nhs_body,,\n",
    )
    results = read(run_batch(source, tmp_path / "out.csv", period=2024).out).set_index("organisation_id")
    assert results.loc["nhs", "procurement_threshold"] > 0
    assert pd.isna(results.loc["none", "procurement_threshold"])


def test_explain_gives_the_failed_criteria_and_what_would_pass(tmp_path):
    source = write(
        tmp_path / "in.csv",
        "organisation_id,organisation_type,is_independent,months_trading,total_income,trading_income,profit_share_to_purpose,has_bank_account\n"
        "x,community_interest_company,true,36,82000,61000,0.8,false\n",
    )
    results = read(run_batch(source, tmp_path / "out.csv", period=2024, explain=True).out)
    row = results.iloc[0]
    assert "Has a bank account in its own name" in row["community_recovery_fund_failed_criteria"]
    assert "Has a bank account in its own name: must be true; yours is false" in row["community_recovery_fund_to_pass"]
    assert pd.isna(row["social_enterprise_failed_criteria"]) and pd.isna(row["social_enterprise_to_pass"])


def test_the_template_and_dictionary_cover_every_input_and_result(tmp_path):
    system = shared_system()
    template, described = write_template(tmp_path / "applications.csv", layout_of(system))
    headers = template.read_text().strip().replace('"', "").split(",")
    inputs = {name for name, variable in system.variables.items() if is_input(variable)}
    assert set(headers) == inputs | {"organisation_id", "ward_code"}
    lines = read(described).set_index("column")
    assert inputs | {"organisation_id", "ward_code", "place_id", "procurement_id"} <= set(lines.index)
    assert lines.loc["organisation_type", "allowed_values"].split(" | ") == [
        item.name for item in system.variables["organisation_type"].possible_values
    ]
    assert lines.loc["profit_share_to_purpose", ["type", "allowed_values"]].tolist() == ["share", "0 to 1"]
    assert lines.loc["total_income", "default"] == "0" and lines.loc["claim_submission_date", "default"] == "no date"
    results = set(layout_of(system).result_schema(explain=True).names)
    assert results <= set(lines.index)
    assert len(dictionary(layout_of(system))) == len(lines)


def test_the_template_filled_in_runs(tmp_path):
    template, _ = write_template(tmp_path / "applications.csv", layout_of(shared_system()))
    headers = template.read_text().strip()
    write(template, headers + "\n" + "x," + "," * (headers.count(",") - 1) + "\n")
    assert run_batch(template, tmp_path / "out.csv", period=2024).ok == 1


def test_the_command_line_exit_codes(tmp_path, capsys):
    assert main(["batch", str(EXAMPLE), str(tmp_path / "out.csv"), "--period", "2024"]) == 1
    assert "293 ok, 7 with errors" in capsys.readouterr().err
    assert errors_path(tmp_path / "out.csv").exists()
    clean = write(tmp_path / "clean.csv", "organisation_id,total_income\nx,1\n")
    assert main(["batch", str(clean), str(tmp_path / "clean.out.csv"), "--period", "2024", "--reform", "current_law"]) == 0
    assert main(["batch", str(write(tmp_path / "bad.csv", "nope\n1\n")), str(tmp_path / "x.csv"), "--period", "2024"]) == 2
    assert "'nope' is not a column of a batch file" in capsys.readouterr().err
    assert main(["batch", "--template", str(tmp_path / "t.csv")]) == 0
    assert main(["batch", str(clean)]) == 2


def test_a_reform_changes_the_answer(tmp_path):
    base = read(run_batch(EXAMPLE, tmp_path / "base.csv", period=2024).out)
    reformed = read(run_batch(EXAMPLE, tmp_path / "reform.csv", period=2024, reform="current_law").out)
    assert (base["match_trade_eligible"] == True).sum() > 0  # noqa: E712 - the column holds empty cells too
    assert not (reformed["match_trade_eligible"] == True).any()  # noqa: E712


def test_an_empty_id_in_a_parquet_file_is_refused_as_in_csv(tmp_path):
    source = tmp_path / "in.parquet"
    pq.write_table(pa.table({"organisation_id": ["a", None], "total_income": [1.0, 2.0]}), source)
    summary = run_batch(source, tmp_path / "out.csv", period=2024)
    assert (summary.ok, summary.failed) == (1, 1)
    assert read(summary.errors)[["row", "column", "reason"]].values.tolist() == [[2, "organisation_id", "'organisation_id' is required"]]
