"""Batch screening over the API: answered at once in each format, bad rows named, bad files refused, large files run as jobs.

Every answer is compared with ``run_batch`` on the same file, so that the API adds nothing and loses nothing.
The shipped example (300 applications, seven with a bad cell) is screened in a fraction of a second; the job
tests lower ``batch_sync_rows`` so that it runs as a job.
"""

from __future__ import annotations

import contextlib
import io
import json
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
import pytest
from api_support import BASE_URL, api_key, bearer
from fastapi.testclient import TestClient

from api.app import create_app
from api.batch_answers import BatchJobAnswer, DictionaryColumn
from api.negotiation import answer_format
from api.settings import Settings
from kruger_rules.batch.dictionary import COLUMNS, dictionary, template_columns
from kruger_rules.batch.layout import layout_of
from kruger_rules.batch.run import run_batch
from kruger_rules.errors import KrugerError
from kruger_rules.store import default_url
from kruger_rules.system import ROOT, rules_version, shared_system

BATCH = "/api/v1/batch"
EXAMPLE = ROOT / "examples" / "batch" / "applications.csv"
TIMEOUT_SECONDS = 120
ANSWERS = {
    "text/csv": ".csv",
    "application/vnd.apache.parquet": ".parquet",
    "application/x-parquet": ".parquet",
    "application/x-ndjson": ".jsonl",
    "application/jsonl": ".jsonl",
}
CONTENT_TYPES = {".csv": "text/csv; charset=utf-8", ".parquet": "application/vnd.apache.parquet", ".jsonl": "application/x-ndjson"}


@contextlib.contextmanager
def server(data_dir: Path, **settings):
    """A running app on ``data_dir``; it runs jobs unless ``max_impact_jobs`` is 0."""
    with TestClient(create_app(Settings(data_dir=data_dir, **settings)), base_url=BASE_URL) as client:
        yield client


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("batch-api")


@pytest.fixture(scope="module")
def client(data_dir):
    """A server that answers batches at once and runs no job."""
    with server(data_dir, max_impact_jobs=0) as running:
        yield running


def kept_folders(data_dir: Path) -> list[Path]:
    folder = data_dir / "batch"
    return sorted(folder.iterdir()) if folder.is_dir() else []


def post(client: TestClient, content: bytes, name: str = "applications.csv", media: str = "text/csv", accept=None, **fields):
    files = {"file": (name, content, media)}
    for field in ("places", "procurements"):
        if field in fields:
            files[field] = fields.pop(field)
    headers = {"accept": accept} if accept is not None else {}
    return client.post(BATCH, data={"period": "2024", **fields}, files=files, headers=headers)


def table_of(content: bytes, suffix: str) -> pa.Table:
    """A results file read back as the same table, whatever its format."""
    if suffix == ".parquet":
        return pq.read_table(io.BytesIO(content))
    if suffix == ".jsonl":
        return pa.Table.from_pylist([json.loads(line) for line in content.decode().splitlines()])
    return pa_csv.read_csv(io.BytesIO(content), convert_options=pa_csv.ConvertOptions(strings_can_be_null=True))


def expected(tmp_path: Path, source: Path, suffix: str, **options) -> tuple[pa.Table, bytes]:
    """What ``run_batch`` writes for ``source``: the results as a table, and the errors file."""
    summary = run_batch(source, tmp_path / f"expected{suffix}", period=2024, **options)
    return table_of(summary.out.read_bytes(), suffix), summary.errors.read_bytes()


def text_table(path: Path) -> pa.Table:
    return pa_csv.read_csv(path, convert_options=pa_csv.ConvertOptions(column_types={name: pa.string() for name in header_of(path)}))


def header_of(path: Path) -> list[str]:
    return path.read_text().splitlines()[0].split(",")


# --- Answered at once ---


@pytest.mark.parametrize("accept", ANSWERS)
def test_each_answer_format_is_what_run_batch_writes_for_the_same_file(client, data_dir, tmp_path, accept):
    suffix = ANSWERS[accept]
    answer = post(client, EXAMPLE.read_bytes(), accept=accept)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == CONTENT_TYPES[suffix]
    assert (answer.headers["X-Batch-Rows"], answer.headers["X-Batch-Failed"]) == ("300", "7")
    assert answer.headers["X-Rules-Version"] == rules_version()
    assert answer.headers["content-disposition"] == f'attachment; filename="results{suffix}"'
    assert table_of(answer.content, suffix).equals(expected(tmp_path, EXAMPLE, suffix)[0])
    assert kept_folders(data_dir) == []  # the batch's files are removed once answered


@pytest.mark.parametrize(
    ("name", "media", "suffix"),
    [
        ("applications.parquet", "application/octet-stream", ".parquet"),
        ("applications.jsonl", "application/octet-stream", ".jsonl"),
        ("applications", "application/vnd.apache.parquet", ".parquet"),
        ("applications", "application/x-ndjson", ".jsonl"),
        ("export.txt", "text/csv", ".csv"),
        ("applications", "application/octet-stream", ".parquet"),  # Parquet's own mark says it
    ],
)
def test_a_file_is_read_as_its_name_or_media_type_says(client, tmp_path, name, media, suffix):
    source = tmp_path / f"applications{suffix}"
    table = text_table(EXAMPLE)
    if suffix == ".parquet":
        pq.write_table(table, source)
    elif suffix == ".jsonl":
        source.write_text("".join(json.dumps(row) + "\n" for row in table.to_pylist()))
    else:
        source.write_bytes(EXAMPLE.read_bytes())
    answer = post(client, source.read_bytes(), name=name, media=media, accept="application/vnd.apache.parquet")
    assert answer.status_code == 200, answer.text
    assert table_of(answer.content, ".parquet").equals(expected(tmp_path, source, ".parquet")[0])


def test_bad_rows_are_in_the_answer_with_their_exact_reasons(client):
    answer = post(client, EXAMPLE.read_bytes(), accept="application/x-ndjson")
    rows = [json.loads(line) for line in answer.text.splitlines()]
    assert [row["row"] for row in rows] == list(range(1, 301))
    bad = [row for row in rows if row["status"] == "error"]
    values = ", ".join(item.name for item in shared_system().variables["organisation_type"].possible_values)
    assert [(row["row"], row["organisation_id"], row["errors"]) for row in bad] == [
        (12, "APP-0012", f"organisation_type: 'organisation_type' has no value 'charity'; its values are {values}"),
        (40, "APP-0040", "total_income: 'total_income' is a number, not '82,000'"),
        (77, "APP-0077", "profit_share_to_purpose: 'profit_share_to_purpose' is a share between 0 and 1, not 1.5"),
        (123, "APP-0123", "ward_code: 'ward_code' 'E05999999' is not an England ward code of 2019"),
        (150, "APP-0003", "organisation_id: 'organisation_id' 'APP-0003' is already given on row 3"),
        (201, "APP-0201", "months_trading: 'months_trading' is a whole number, not 'about 3 years'"),
        (260, "APP-0260", "has_bank_account: 'has_bank_account' is true or false (or yes/no, 1/0), not 'maybe'"),
    ]
    assert all(row["match_trade_eligible"] is None for row in bad)
    assert all(row["errors"] is None and row["match_trade_eligible"] is not None for row in rows if row["status"] == "ok")


def test_a_reform_and_explanations_are_screened_as_run_batch_screens_them(client, tmp_path):
    source = tmp_path / "few.csv"
    source.write_text("\n".join(EXAMPLE.read_text().splitlines()[:9]) + "\n")  # 8 rows: explanations take a while each
    reform = {"name": "current_law", "parameters": {"match_trade.in_force": {"2024-01-01": True}}}
    answer = post(client, source.read_bytes(), name="few.csv", reform=json.dumps(reform), explain="true")
    assert answer.status_code == 200, answer.text
    found = table_of(answer.content, ".csv")
    assert found.equals(expected(tmp_path, source, ".csv", reform=reform, explain=True)[0])
    assert "match_trade_failed_criteria" in found.column_names


def test_places_and_procurements_files_are_read_by_id(client, tmp_path):
    places = tmp_path / "places.csv"
    places.write_text("place_id,imd_decile,cni_decile,population,region\nleft,1,1,9000,north_east\nwell,9,9,9000,south_east\n")
    procurements = tmp_path / "procurements.csv"
    procurements.write_text("procurement_id,contract_value,contract_type,social_value_weighting\nbig,5000000,services,0.05\n")
    source = tmp_path / "in.csv"
    source.write_text(
        "organisation_id,place_id,procurement_id,organisation_type\na,left,,registered_charity\nb,well,big,cooperative\nc,nowhere,,\n"
    )
    answer = post(
        client,
        source.read_bytes(),
        name="in.csv",
        places=("my places.csv", places.read_bytes(), "text/csv"),
        procurements=("contracts.csv", procurements.read_bytes(), "text/csv"),
    )
    assert answer.status_code == 200, answer.text
    assert answer.headers["X-Batch-Failed"] == "1"
    assert table_of(answer.content, ".csv").equals(expected(tmp_path, source, ".csv", places=places, procurements=procurements)[0])


# --- Hostile files ---


def test_a_formula_in_a_cell_comes_back_escaped_in_csv_and_as_sent_in_parquet(client):
    source = b'organisation_id,total_income\n"=cmd|\' /C calc\'!A0",1000\n"with a\nline break",5\n@SUM(A1),6\n'
    as_csv = post(client, source)
    assert as_csv.status_code == 200, as_csv.text
    assert "\"'=cmd|' /C calc'!A0\"" in as_csv.text
    assert table_of(as_csv.content, ".csv")["organisation_id"].to_pylist() == ["'=cmd|' /C calc'!A0", "with a\nline break", "'@SUM(A1)"]
    as_parquet = post(client, source, accept="application/vnd.apache.parquet")
    assert table_of(as_parquet.content, ".parquet")["organisation_id"].to_pylist() == [
        "=cmd|' /C calc'!A0",
        "with a\nline break",
        "@SUM(A1)",
    ]


# --- Refused ---


def parquet_bytes(table: pa.Table) -> bytes:
    sink = io.BytesIO()
    pq.write_table(table, sink)
    return sink.getvalue()


PLACES = ("places.csv", b"place_id,imd_decile\np,1\n", "text/csv")
REFUSALS = {
    "unknown column": (
        {"content": EXAMPLE.read_bytes().replace(b"total_income", b"total_incme", 1)},
        (400, "bad_batch_file", "$.file.total_incme"),
        "'applications.csv': 'total_incme' is not a column of a batch file (did you mean 'total_income'?)",
    ),
    "no organisation_id": (
        {"content": b"ward_code,total_income\nE05000026,1000\n"},
        (400, "bad_batch_file", "$.file.organisation_id"),
        "'applications.csv': the column 'organisation_id' is required",
    ),
    "not UTF-8": (
        {"content": "organisation_id,total_income\nCafé £,1000\n".encode("cp1252")},
        (400, "bad_batch_file", "$.file"),
        None,
    ),
    "not JSON lines": (
        {"content": b'{"organisation_id": "a"}\nnot json\n', "name": "rows.jsonl"},
        (400, "bad_batch_file", "$.file"),
        "'rows.jsonl': line 2 is not JSON (Expecting value)",
    ),
    "a Parquet column of lists": (
        {"content": parquet_bytes(pa.table({"organisation_id": ["a"], "total_income": [[1, 2]]})), "name": "x.parquet"},
        (400, "bad_batch_file", "$.file.total_income"),
        "'x.parquet': the column 'total_income' holds list<element: int64>, where a cell is text, a number, true/false or a date",
    ),
    "unreadable Parquet": ({"content": b"PAR1 and nothing else", "name": "x.parquet"}, (400, "bad_batch_file", "$.file"), None),
    "neither CSV, Parquet nor JSON lines": (
        {"content": b"some notes", "name": "notes.txt", "media": "text/plain"},
        (415, "unsupported_file_type", "$.file"),
        "'notes.txt' is not a CSV (.csv), Parquet (.parquet) or JSON lines (.jsonl) file, by its name or its media type",
    ),
    "place_id without places": (
        {"content": b"organisation_id,place_id\na,p\n"},
        (400, "bad_batch_file", "$.file.place_id"),
        "'applications.csv': 'place_id' needs the places file (the form's file 'places')",
    ),
    "places without place_id": (
        {"content": b"organisation_id\na\n", "places": PLACES},
        (400, "bad_batch_file", "$.file.place_id"),
        "the file 'places' is given, but the batch file has no 'place_id' column to use it",
    ),
    "a bad places file": (
        {"content": b"organisation_id,place_id\na,p\n", "places": ("my places.csv", b"place_id,imd_decile\np,eleven\n", "text/csv")},
        (400, "bad_batch_file", "$.places.imd_decile"),
        None,
    ),
    "bad period": ({"content": b"organisation_id\na\n", "period": "2500"}, (400, "period_out_of_range", "$.period"), None),
    "unknown reform": ({"content": b"organisation_id\na\n", "reform": "no_such_reform"}, (400, "unknown_reform", "$.reform"), None),
    "bad explain": ({"content": b"organisation_id\na\n", "explain": "maybe"}, (400, "bad_request", "$.explain"), None),
    "unknown field": ({"content": b"organisation_id\na\n", "chunk_rows": "5"}, (400, "bad_request", "$.chunk_rows"), None),
    "not acceptable": ({"content": b"organisation_id\na\n", "accept": "application/json"}, (406, "not_acceptable", "$"), None),
}


@pytest.mark.parametrize("case", REFUSALS, ids=list(REFUSALS))
@pytest.mark.parametrize("sync_rows", [20_000, 1], ids=["at once", "as a job"])
def test_a_bad_batch_is_a_4xx_naming_the_field_and_nothing_is_kept(tmp_path, case, sync_rows):
    asked, (status, code, path), message = REFUSALS[case]
    with server(tmp_path, max_impact_jobs=0, batch_sync_rows=sync_rows) as client:
        refused = post(client, **asked)
        assert (refused.status_code, refused.json()["code"], refused.json()["path"]) == (status, code, path), refused.text
        if message is not None:
            assert refused.json()["message"] == message
        assert str(tmp_path) not in refused.json()["message"] and "--" not in refused.json()["message"]
    assert kept_folders(tmp_path) == []


def test_a_file_not_in_utf_8_is_named_with_the_way_to_mend_it(client):
    refused = post(client, "organisation_id,total_income\nCafé £,1000\n".encode("cp1252"), name="export.csv")
    assert refused.json()["message"].startswith("'export.csv' is not utf-8 text (")
    assert refused.json()["message"].endswith("): save it as 'CSV UTF-8'")


def test_a_body_that_is_not_a_form_or_has_no_file_is_refused(client):
    text = client.post(BATCH, content=b"organisation_id\na\n", headers={"content-type": "text/csv"})
    assert (text.status_code, text.json()["code"]) == (415, "unsupported_media_type")
    no_file = client.post(BATCH, data={"period": "2024"}, files={"places": PLACES})
    assert (no_file.status_code, no_file.json()["path"]) == (400, "$.file")
    no_period = client.post(BATCH, files={"file": ("a.csv", b"organisation_id\na\n", "text/csv")})
    assert (no_period.status_code, no_period.json()["path"]) == (400, "$.period")


def test_files_over_the_upload_limit_are_refused_with_413(tmp_path):
    content = EXAMPLE.read_bytes()
    with server(tmp_path, max_impact_jobs=0, max_upload_bytes=len(content) - 1) as client:
        refused = post(client, content)
        assert (refused.status_code, refused.json()["code"], refused.json()["path"]) == (413, "upload_too_large", "$.file")
        assert post(client, content[:1000].rsplit(b"\n", 1)[0] + b"\n").status_code == 200  # under it: screened
    assert kept_folders(tmp_path) == []


@pytest.mark.parametrize(
    ("accept", "kind"),
    [
        (None, "csv"),
        ("", "csv"),
        ("*/*", "csv"),
        ("text/*", "csv"),
        ("application/*", "parquet"),
        ("application/json, application/x-ndjson;q=0.5", "jsonl"),
        ("text/csv;q=0.2, application/jsonl;q=0.9", "jsonl"),
        ("text/csv;q=0, */*", "parquet"),
        ("application/x-parquet;q=1, text/csv;q=1", "csv"),  # a tie: the first the API writes
        ("application/json, */*;q=0.1", "csv"),
        ("text/csv;q=oops", "csv"),  # a weight that is not one: the range as if unweighted
    ],
)
def test_the_answer_format_is_the_heaviest_the_api_writes(accept, kind):
    assert answer_format(accept) == kind


@pytest.mark.parametrize("accept", ["application/json", "text/html, image/*", "text/csv;q=0", "*/*;q=0"])
def test_an_accept_with_no_format_the_api_writes_is_406(accept):
    with pytest.raises(KrugerError) as refused:
        answer_format(accept)
    assert refused.value.code == "not_acceptable" and "text/csv" in refused.value.message


# --- Large files run as jobs ---


def wait_for(client: TestClient, job_id: str) -> dict:
    deadline = time.monotonic() + TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        answer = client.get(f"{BATCH}/{job_id}").json()
        if answer["status"] in {"done", "failed"}:
            return answer
        time.sleep(0.05)
    raise AssertionError(f"batch job {job_id} still {answer['status']} after {TIMEOUT_SECONDS} s")


@pytest.mark.parametrize("accept", ["text/csv", "application/vnd.apache.parquet", "application/x-ndjson"])
def test_a_large_file_runs_as_a_job_whose_files_are_the_answer_at_once(client, tmp_path, accept):
    suffix = ANSWERS[accept]
    at_once = post(client, EXAMPLE.read_bytes(), accept=accept)
    with server(tmp_path, batch_sync_rows=100) as jobs:
        submitted = post(jobs, EXAMPLE.read_bytes(), accept=accept)
        assert submitted.status_code == 202, submitted.text
        job = submitted.json()
        BatchJobAnswer.model_validate(job)
        assert submitted.headers["Location"] == job["href"] == f"{BASE_URL}{BATCH}/{job['id']}"
        assert (job["status"], job["result"], job["format"], job["explain"]) in {
            (status, None, suffix[1:], False) for status in ("queued", "running")
        }
        assert job["upload"] == {
            "name": "applications.csv",
            "places_name": None,
            "procurements_name": None,
            "bytes": EXAMPLE.stat().st_size,
        }
        assert job["progress"]["total"] == 300
        done = wait_for(jobs, job["id"])
        assert done["status"] == "done", done["error"]
        BatchJobAnswer.model_validate(done)
        about = done["result"]["about"]
        assert (about["rows"], about["ok"], about["failed"], about["period"]) == (300, 293, 7, "2024")
        assert done["progress"] == {"stage": None, "done": 300, "total": 300}
        results = jobs.get(done["result"]["results"])
        assert results.status_code == 200 and results.headers["content-type"] == CONTENT_TYPES[suffix]
        assert table_of(results.content, suffix).equals(table_of(at_once.content, suffix))
        errors = jobs.get(done["result"]["errors"])
        assert errors.content == expected(tmp_path, EXAMPLE, suffix)[1]
        assert {entry["name"] for entry in done["result"]["files"]} == {f"results{suffix}", "errors.csv"}

        # only the job's own results are served, and only as a batch job's
        for name in ["file.csv", "kruger-rules.sqlite3", "..%2Ffile.csv", "results.csvx"]:
            assert jobs.get(f"{BATCH}/{job['id']}/files/{name}").status_code == 404, name
        impact_key = api_key(default_url(tmp_path), "impact", "impact")
        assert jobs.get(f"/api/v1/impact/{job['id']}", headers=bearer(impact_key)).status_code == 404


def test_explanations_run_at_once_only_up_to_the_explanation_limit(tmp_path):
    source = "\n".join(EXAMPLE.read_text().splitlines()[:11]) + "\n"  # 10 rows
    with server(tmp_path, max_impact_jobs=0, max_explained_organisations=5) as client:
        assert post(client, source.encode()).status_code == 200
        queued = post(client, source.encode(), explain="true")
        assert queued.status_code == 202, queued.text
        assert (queued.json()["explain"], queued.json()["status"]) == (True, "queued")
        assert client.get(f"{BATCH}/{queued.json()['id']}/files/results.csv").status_code == 404  # not done: no file
    assert [folder.name for folder in kept_folders(tmp_path)] == [queued.json()["id"]]


@pytest.mark.parametrize("job_id", ["0" * 32, "nope", "..", "dictionary0"])
def test_an_unknown_batch_job_is_404(client, job_id):
    for path in (f"{BATCH}/{job_id}", f"{BATCH}/{job_id}/files/results.csv"):
        answer = client.get(path)
        assert answer.status_code == 404 and set(answer.json()) == {"code", "message", "path"}, path


# --- What a file may hold ---


def test_the_template_is_an_empty_csv_of_every_input_column(client):
    template = client.get(f"{BATCH}/template")
    assert template.status_code == 200 and template.headers["content-type"] == "text/csv; charset=utf-8"
    assert template.headers["content-disposition"] == 'attachment; filename="batch-template.csv"'
    assert pa_csv.read_csv(io.BytesIO(template.content)).column_names == template_columns(layout_of(shared_system()))
    assert template.text.count("\n") == 1


def test_the_dictionary_is_the_data_dictionary_as_json(client):
    answer = client.get(f"{BATCH}/dictionary")
    assert answer.status_code == 200
    assert answer.json() == {"columns": dictionary(layout_of(shared_system())).to_pylist()}
    assert tuple(DictionaryColumn.model_fields) == COLUMNS


def test_the_document_describes_the_batch_routes(client):
    document = client.get("/openapi.json").json()
    submit = document["paths"][BATCH]["post"]
    form = submit["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert form["required"] == ["file", "period"] and form["properties"]["file"]["format"] == "binary"
    assert set(form["properties"]) == {"file", "places", "procurements", "period", "reform", "explain"}
    assert set(submit["responses"]["200"]["content"]) == set(ANSWERS)
    assert set(submit["responses"]["200"]["headers"]) == {"X-Batch-Rows", "X-Batch-Failed"}
    assert {"200", "202", "400", "406", "413", "415"} <= set(submit["responses"])
    assert set(document["paths"][f"{BATCH}/{{job_id}}"]["get"]["responses"]) >= {"200", "404"}
    assert "text/csv" in document["paths"][f"{BATCH}/template"]["get"]["responses"]["200"]["content"]
