"""Impact jobs over the API: submitted (202), queued within the limit, run to done, served, kept across restarts; bad ones refused.

Jobs run on 500 rows of the shipped sample (uploaded), or on the sample itself where the JSON body is the
point, so that each run takes a few seconds, most of them drawing the charts.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import io
import subprocess
import sys
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
import pytest
from api_support import BASE_URL, api_key, bearer
from fastapi.testclient import TestClient

from api.app import create_app
from api.impact_answers import ImpactJobAnswer
from api.settings import Settings
from kruger_rules.jobs.owners import owner
from kruger_rules.population.charts import TITLES
from kruger_rules.population.generate import SAMPLE_PATH
from kruger_rules.store import Database, JobQueue, JobStatus, default_url

ROWS = 500
TIMEOUT_SECONDS = 120
IMPACT = "/api/v1/impact"


@functools.cache
def sample_slice(rows: int = ROWS) -> pa.Table:
    return pq.read_table(SAMPLE_PATH).slice(0, rows)


def parquet_bytes(table: pa.Table) -> bytes:
    out = io.BytesIO()
    pq.write_table(table, out)
    return out.getvalue()


def csv_bytes(table: pa.Table) -> bytes:
    table = table.cast(pa.schema([field.with_type(pa.string()) if pa.types.is_dictionary(field.type) else field for field in table.schema]))
    out = io.BytesIO()
    pa_csv.write_csv(table, out)
    return out.getvalue()


@functools.cache
def impact_key(data_dir: Path) -> str:
    """The key (scope impact) the servers on ``data_dir`` are called with: one per folder, so that a job is read after a restart."""
    return api_key(default_url(data_dir), "impact-tests", "impact")


@contextlib.contextmanager
def server(data_dir: Path, **settings):
    """A running app (its lifespan started: the runner runs jobs unless max_impact_jobs is 0) on ``data_dir``, called with its key."""
    app = create_app(Settings(data_dir=data_dir, **settings))
    with TestClient(app, base_url=BASE_URL, headers=bearer(impact_key(data_dir))) as client:
        yield client


def upload(client: TestClient, content: bytes | None = None, name: str = "slice.parquet", reform="current_law", period="2024", **extra):
    files = {"population": (name, parquet_bytes(sample_slice()) if content is None else content, "application/octet-stream")}
    return client.post(IMPACT, data={"reform": reform, "period": period, **extra}, files=files)


def wait_for(client: TestClient, job_id: str, statuses: set[str]) -> dict:
    deadline = time.monotonic() + TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        answer = client.get(f"{IMPACT}/{job_id}").json()
        if answer["status"] in statuses:
            return answer
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} still {answer['status']} after {TIMEOUT_SECONDS} s")


def queue_of(data_dir: Path) -> JobQueue:
    return JobQueue(Database(default_url(data_dir)))


def job_folders(data_dir: Path) -> list[Path]:
    return sorted((data_dir / "impact").iterdir()) if (data_dir / "impact").is_dir() else []


# --- A job from 202 to done ---


def test_a_job_goes_from_202_to_done_and_serves_its_tables_and_files(tmp_path):
    with server(tmp_path) as client:
        submitted = upload(client)
        assert submitted.status_code == 202, submitted.text
        job = submitted.json()
        assert submitted.headers["Location"] == job["href"] == f"{BASE_URL}{IMPACT}/{job['id']}"
        assert job["status"] in {"queued", "running"} and job["result"] is None
        assert job["population"] == {
            "source": "upload",
            "name": "slice.parquet",
            "procurements_name": None,
            "bytes": len(parquet_bytes(sample_slice())),
            "organisation_rows": ROWS,
            "procurement_rows": 0,
        }
        assert job["reform"] == {"label": "current_law", "data": {"name": "current_law", "parameters": {}}}
        done = wait_for(client, job["id"], {"done", "failed"})
        assert done["status"] == "done", done["error"]
        ImpactJobAnswer.model_validate(job)  # the answers are those the document describes
        ImpactJobAnswer.model_validate(done)
        assert done["progress"] == {"stage": None, "done": ROWS, "total": ROWS}
        assert done["submitted_at"] <= done["started_at"] <= done["finished_at"]
        result = done["result"]
        assert {"cost", "reach", "reach_by_region", "reach_by_imd_decile", "reach_by_local_authority"} <= set(result["tables"])
        assert {row["scheme"] for row in result["tables"]["cost"]} >= {"total"}
        assert result["about"]["organisation_rows"] == ROWS and result["about"]["period"] == "2024"
        assert "population" not in result["about"] and "assumptions_file" not in result["about"]  # no server path
        assert [chart["name"] for chart in result["charts"]] == list(TITLES)
        files = {entry["name"]: entry for entry in result["files"]}
        assert {"report.html", "about.json", "cost.csv", "cost.parquet", "cost_against_budget.png", "cost_against_budget.svg"} <= set(files)
        assert result["report"] == files["report.html"]["href"]

        report = client.get(result["report"])
        assert report.status_code == 200 and report.headers["content-type"] == "text/html; charset=utf-8"
        assert "<h1>Impact of current_law" in report.text and "slice.parquet" not in report.text
        assert "default-src 'none'" in report.headers["content-security-policy"]
        csv = client.get(files["cost.csv"]["href"])
        assert csv.headers["content-type"] == "text/csv; charset=utf-8" and csv.text.startswith("scheme,")
        assert pq.read_table(io.BytesIO(client.get(files["cost.parquet"]["href"]).content)).num_rows == len(result["tables"]["cost"])
        png, svg = client.get(result["charts"][0]["png"]), client.get(result["charts"][0]["svg"])
        assert png.content.startswith(b"\x89PNG") and png.headers["content-type"] == "image/png"
        assert svg.headers["content-type"] == "image/svg+xml" and TITLES["cost_against_budget"] in svg.text
        assert len(csv.content) == files["cost.csv"]["bytes"]

        # only the job's own results are served: not its upload, not the database, not another job's
        for name in [
            "population.parquet",
            "kruger-rules.sqlite3",
            "%2E%2E%2Fpopulation.parquet",
            "..%2F..%2Fkruger-rules.sqlite3",
            "report.htm",
        ]:
            refused = client.get(f"{IMPACT}/{job['id']}/files/{name}")
            assert refused.status_code == 404 and refused.json()["code"] == "not_found", name


def test_the_document_describes_both_bodies_and_the_answers():
    document = TestClient(create_app()).get("/openapi.json").json()
    submit = document["paths"][IMPACT]["post"]
    assert set(submit["requestBody"]["content"]) == {"application/json", "multipart/form-data"}
    assert submit["requestBody"]["content"]["multipart/form-data"]["schema"]["properties"]["population"]["format"] == "binary"
    assert {"202", "400", "413", "415"} <= set(submit["responses"])
    assert set(document["paths"][IMPACT + "/{job_id}"]["get"]["responses"]) >= {"200", "404"}
    assert "image/png" in document["paths"][IMPACT + "/{job_id}/files/{name}"]["get"]["responses"]["200"]["content"]


# --- Restarts ---


def test_a_job_on_the_shipped_sample_survives_a_restart_while_running_and_once_done(tmp_path):
    with server(tmp_path) as client:
        submitted = client.post(IMPACT, json={"reform": "current_law", "period": 2024})
        assert submitted.status_code == 202, submitted.text
        job_id = submitted.json()["id"]
        assert submitted.json()["population"]["source"] == "sample"
        assert wait_for(client, job_id, {"running", "done", "failed"})["status"] == "running"
    # the server stopped: its job's process was ended and the job put back in the queue, the attempt not counted
    stopped = queue_of(tmp_path).get(job_id)
    assert (stopped.status, stopped.attempts, stopped.run_token, stopped.started_at) == (JobStatus.QUEUED, 0, None, None)

    with server(tmp_path) as client:
        done = wait_for(client, job_id, {"done", "failed"})
        assert done["status"] == "done", done["error"]
        assert done["result"]["about"]["organisation_rows"] == done["population"]["organisation_rows"] == 20_000

    with server(tmp_path, max_impact_jobs=0) as client:
        again = client.get(f"{IMPACT}/{job_id}").json()
        assert again == done
        assert client.get(again["result"]["report"]).status_code == 200
    assert [folder.name for folder in (tmp_path / "impact" / job_id).iterdir()] == [done_run(tmp_path, job_id)]


def done_run(data_dir: Path, job_id: str) -> str:
    return queue_of(data_dir).get(job_id).results


def dead_pid() -> int:
    finished = subprocess.Popen([sys.executable, "-c", "pass"])
    finished.wait()
    return finished.pid


def test_a_job_left_running_by_a_server_that_died_is_requeued_and_run(tmp_path):
    with server(tmp_path, max_impact_jobs=0) as client:  # this server queues jobs and runs none
        job_id = upload(client).json()["id"]
    queue = queue_of(tmp_path)
    host = owner().rpartition(":")[0]
    claim = queue.claim(f"{host}:{dead_pid()}", 1, datetime.timedelta(minutes=10))  # a server claimed it, then died with its job
    assert claim is not None and claim.job_id == job_id
    assert queue.get(job_id).status == JobStatus.RUNNING
    with server(tmp_path) as client:
        done = wait_for(client, job_id, {"done", "failed"})
    assert done["status"] == "done", done["error"]
    assert queue.get(job_id).attempts == 2
    assert not queue.held(claim, datetime.timedelta(minutes=1))  # the dead server's claim writes nothing now


# --- The limit ---


def test_at_most_the_limit_run_at_once_and_the_rest_wait_in_order(tmp_path):
    with server(tmp_path, max_impact_jobs=1) as client:
        ids = [upload(client).json()["id"] for _ in range(3)]
        seen: set[tuple[str, ...]] = set()
        deadline = time.monotonic() + TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            statuses = tuple(client.get(f"{IMPACT}/{job_id}").json()["status"] for job_id in ids)
            seen.add(statuses)
            if all(status in {"done", "failed"} for status in statuses):
                break
            time.sleep(0.05)
        finished = [client.get(f"{IMPACT}/{job_id}").json() for job_id in ids]
    assert [job["status"] for job in finished] == ["done"] * 3
    assert all(statuses.count("running") <= 1 for statuses in seen), seen
    assert ("running", "queued", "queued") in seen or ("done", "running", "queued") in seen, seen
    for earlier, later in zip(finished, finished[1:], strict=False):  # one after the other, in the order sent
        assert earlier["finished_at"] <= later["started_at"]


# --- Refusals ---

JSON_REFUSALS = [
    ({"reform": "no_such_reform", "period": "2024"}, 400, "$.reform"),
    ({"reform": {"match_trade.cap": {"2024-01-01": -5}}, "period": "2024"}, 400, '$.reform["match_trade.cap"]["2024-01-01"]'),
    ({"reform": {"name": "current_law", "parameters": {"match_trade.capp": {"2024-01-01": 5}}}, "period": "2024"}, 400, None),
    ({"reform": "current_law", "period": "2500"}, 400, "$.period"),
    ({"reform": "current_law", "period": "2024-03"}, 400, "$.period"),
    ({"reform": "current_law"}, 400, "$.period"),
    ({"period": "2024"}, 400, "$.reform"),
    ({"reform": None, "period": "2024"}, 400, "$.reform"),
    ({"reform": "current_law", "period": "2024", "population": "england"}, 400, "$.population"),
    ({"reform": "current_law", "period": "2024", "rows": 10}, 400, "$.rows"),
    ([], 400, "$"),
]


@pytest.mark.parametrize(("body", "status", "path"), JSON_REFUSALS)
def test_a_bad_json_submission_is_refused_with_its_path(tmp_path, body, status, path):
    with server(tmp_path, max_impact_jobs=0) as client:
        refused = client.post(IMPACT, json=body)
        assert refused.status_code == status, refused.text
        assert set(refused.json()) == {"code", "message", "path"}
        if path is not None:
            assert refused.json()["path"] == path
        else:
            assert refused.json()["path"].startswith("$.reform.parameters")
        assert queue_of(tmp_path).count(JobStatus.QUEUED) == 0


def without(table: pa.Table, column: str) -> pa.Table:
    return table.drop_columns([column])


def with_text(table: pa.Table, column: str) -> pa.Table:
    """The column as text, its first value no number."""
    text = pc.cast(table[column], pa.string()).to_pylist()
    return table.set_column(table.schema.get_field_index(column), column, pa.array(["lots", *text[1:]], pa.string()))


UPLOAD_REFUSALS = {
    "not parquet or csv": (lambda: {"content": b"just some notes", "name": "notes.txt"}, 415, "unsupported_file_type", "$.population"),
    "unreadable parquet": (lambda: {"content": b"PAR1 and then nothing", "name": "x.parquet"}, 400, "bad_population", "$.population"),
    "missing column": (lambda: {"content": parquet_bytes(without(sample_slice(), "weight"))}, 400, "bad_population", "$.population"),
    "column of the wrong kind": (
        lambda: {"content": parquet_bytes(with_text(sample_slice(), "total_income"))},
        400,
        "bad_population",
        "$.population.total_income",
    ),
    "unknown column": (
        lambda: {"content": parquet_bytes(sample_slice().append_column("total_incme", sample_slice()["total_income"]))},
        400,
        "bad_population",
        "$.population.total_incme",
    ),
    "bad reform": (lambda: {"reform": "no_such_reform"}, 400, "unknown_reform", "$.reform"),
    "reform of bad JSON": (lambda: {"reform": '{"name": "current_law",'}, 400, "bad_json", "$.reform"),
    "bad period": (lambda: {"period": "twenty twenty-four"}, 400, "bad_period", "$.period"),
    "unknown field": (lambda: {"chunk_size": "10"}, 400, "bad_request", "$.chunk_size"),
}


@pytest.mark.parametrize("case", UPLOAD_REFUSALS, ids=list(UPLOAD_REFUSALS))
def test_a_bad_upload_is_refused_at_submission_with_its_path_and_nothing_is_kept(tmp_path, case):
    asked, status, code, path = UPLOAD_REFUSALS[case]
    with server(tmp_path, max_impact_jobs=0) as client:
        refused = upload(client, **asked())
        assert (refused.status_code, refused.json()["code"], refused.json()["path"]) == (status, code, path), refused.text
        assert str(tmp_path) not in refused.json()["message"]  # the file is named as sent, never by a server path
    assert job_folders(tmp_path) == []
    assert queue_of(tmp_path).count(JobStatus.QUEUED) == 0


def test_a_missing_column_is_named_with_the_file_as_sent(tmp_path):
    with server(tmp_path, max_impact_jobs=0) as client:
        refused = upload(client, parquet_bytes(without(sample_slice(), "ward_code")), name="../../my population.parquet")
    assert refused.json()["message"] == "'my population.parquet' has no column 'ward_code'"


def test_a_file_over_the_upload_limit_is_refused_with_413(tmp_path):
    content = parquet_bytes(sample_slice())
    with server(tmp_path, max_impact_jobs=0, max_upload_bytes=len(content) - 1) as client:
        refused = upload(client, content)
        assert (refused.status_code, refused.json()["code"], refused.json()["path"]) == (413, "upload_too_large", "$.population")
        assert upload(client, content[: len(content) // 2]).status_code == 400  # under the limit: read, and refused as unreadable
    with server(tmp_path, max_impact_jobs=0, max_upload_bytes=1000) as client:  # far over: refused before it is read
        assert upload(client, content).status_code == 413
    assert job_folders(tmp_path) == []


def test_an_upload_of_undeclared_length_is_refused_once_past_the_limit(tmp_path):
    boundary = "kruger-rules-boundary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="reform"\r\n\r\ncurrent_law\r\n'.encode(),
        f'--{boundary}\r\nContent-Disposition: form-data; name="period"\r\n\r\n2024\r\n'.encode(),
        f'--{boundary}\r\nContent-Disposition: form-data; name="population"; filename="big.csv"\r\n\r\n'.encode(),
        *[b"organisation_id,ward_code,weight\n" * 1000] * 100,  # 3.3 MB
        f"\r\n--{boundary}--\r\n".encode(),
    ]
    with server(tmp_path, max_impact_jobs=0, max_upload_bytes=1000) as client:
        refused = client.post(IMPACT, content=iter(parts), headers={"content-type": f"multipart/form-data; boundary={boundary}"})
        assert "content-length" not in refused.request.headers
        assert (refused.status_code, refused.json()["code"], refused.json()["path"]) == (413, "upload_too_large", "$.population")
    assert job_folders(tmp_path) == []


def test_a_form_without_its_file_or_a_body_of_another_kind_is_refused(tmp_path):
    with server(tmp_path, max_impact_jobs=0) as client:
        no_file = client.post(IMPACT, data={"reform": "current_law", "period": "2024"}, files={"other": ("x.csv", b"a\n1\n")})
        assert no_file.status_code == 400
        only_fields = client.post(IMPACT, data={"reform": "current_law", "period": "2024"})
        assert only_fields.status_code == 415  # a form with no file is sent urlencoded: neither JSON nor multipart
        missing = client.post(
            IMPACT, data={"reform": "current_law"}, files={"population": ("slice.parquet", parquet_bytes(sample_slice()))}
        )
        assert (missing.status_code, missing.json()["path"]) == (400, "$.period")
        text = client.post(IMPACT, content=b"reform=current_law", headers={"content-type": "text/plain"})
        assert (text.status_code, text.json()["code"]) == (415, "unsupported_media_type")
    assert job_folders(tmp_path) == []


def test_a_csv_population_with_its_procurements_is_accepted(tmp_path):
    procurements = pq.read_table(SAMPLE_PATH.with_name("population_sample.procurements.parquet")).slice(0, 40)
    everyone = pq.read_table(SAMPLE_PATH)
    chosen = pa.concat_arrays([pa.array(range(ROWS - 40), pa.int64()), procurements["commissioner_id"].combine_chunks().cast(pa.int64())])
    organisations = everyone.filter(pc.is_in(everyone["organisation_id"].cast(pa.int64()), chosen))
    files = {
        "population": ("orgs.csv", csv_bytes(organisations), "text/csv"),
        "procurements": ("orgs.procurements.csv", csv_bytes(procurements), "text/csv"),
    }
    with server(tmp_path, max_impact_jobs=0) as client:
        accepted = client.post(IMPACT, data={"reform": '{"name": "current_law"}', "period": "2024"}, files=files)
        assert accepted.status_code == 202, accepted.text
        population = accepted.json()["population"]
        assert (population["name"], population["procurements_name"]) == ("orgs.csv", "orgs.procurements.csv")
        assert (population["organisation_rows"], population["procurement_rows"]) == (organisations.num_rows, procurements.num_rows)
        mixed = {**files, "procurements": ("p.parquet", parquet_bytes(procurements), "application/octet-stream")}
        refused = client.post(IMPACT, data={"reform": "current_law", "period": "2024"}, files=mixed)
        assert (refused.status_code, refused.json()["path"]) == (400, "$.procurements")
    assert len(job_folders(tmp_path)) == 1


# --- Unknown ids ---


@pytest.mark.parametrize("job_id", ["0" * 32, "nope", "..", "3F2B9C0D4E5F46A7B8C9D0E1F2A3B4C5"])
def test_an_unknown_job_is_404(tmp_path, job_id):
    with server(tmp_path, max_impact_jobs=0) as client:
        for path in (f"{IMPACT}/{job_id}", f"{IMPACT}/{job_id}/files/report.html"):
            answer = client.get(path)
            assert answer.status_code == 404 and set(answer.json()) == {"code", "message", "path"}, path


def test_a_job_not_yet_done_serves_no_file(tmp_path):
    with server(tmp_path, max_impact_jobs=0) as client:
        job = upload(client).json()
        assert client.get(f"{IMPACT}/{job['id']}").json()["status"] == "queued"
        assert client.get(f"{IMPACT}/{job['id']}/files/report.html").status_code == 404
        assert client.get(f"{IMPACT}/{job['id']}/files/population.parquet").status_code == 404
