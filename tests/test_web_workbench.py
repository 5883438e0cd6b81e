"""The reform workbench's pages through the app without a browser: choosing and changing a reform, its address, its runs.

Impact runs go through the app's own runner (its lifespan started) on a data folder of the module's, on 500 rows of the
shipped sample sent as a file, so that each takes a few seconds.
"""

from __future__ import annotations

import csv
import html
import io
import re
import time
from urllib.parse import parse_qsl, urlsplit

import pytest
from api_support import BASE_URL, api_key
from fastapi.testclient import TestClient
from test_api_impact import csv_bytes, parquet_bytes, sample_slice

from api.app import create_app
from api.settings import Settings
from api.web import workbench
from api.web.workbench_runs import READ_TOKEN, TOKEN_COOKIE, token_digest
from kruger_rules.population.charts import TITLES
from kruger_rules.reforms import describe_reforms, parse_reform
from kruger_rules.store import Database, KeyRing, default_url

TIMEOUT_SECONDS = 120
SUMMARY = re.compile(r'<ul class="govuk-list govuk-error-summary__list">(.*?)</ul>', re.S)
SUMMARY_LINK = re.compile(r'<li><a href="#([^"]+)">(.*?)</a></li>')


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("workbench")


@pytest.fixture(scope="module")
def keys(data_dir) -> dict[str, str]:
    url = default_url(data_dir)
    return {
        "impact": api_key(url, "officer", "impact"),
        "other": api_key(url, "colleague", "impact"),
        "record": api_key(url, "clerk", "record"),
        "revoked": api_key(url, "leaver", "impact"),
    }


@pytest.fixture(scope="module")
def app(data_dir, keys):
    """The app, its lifespan started (its runner runs the jobs) for the module's tests."""
    app = create_app(Settings(data_dir=data_dir))
    with TestClient(app, base_url=BASE_URL):
        yield app


@pytest.fixture
def client(app):
    """A browser of its own (its own cookies) on the running app."""
    return TestClient(app, base_url=BASE_URL)


def text(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def summary(page: str) -> list[tuple[str, str]]:
    """The error summary's links: each field's id and its message."""
    found = SUMMARY.search(page)
    return [(field, html.unescape(message)) for field, message in SUMMARY_LINK.findall(found.group(1))] if found else []


def field_error(page: str, field: str) -> str:
    found = re.search(rf'<p id="{re.escape(field)}-error" class="govuk-error-message">(.*?)</p>', page, re.S)
    assert found, f"no error message on {field}"
    return text(found.group(1)).replace("Error:", "").strip()


def form(**fields: str) -> dict:
    """A multipart form's text fields, as a browser sends them."""
    return {name: (None, value) for name, value in fields.items()}


# Choosing a reform, and its address


def test_the_start_page_lists_every_named_reform_with_its_description(client):
    page = client.get("/workbench").text
    for reform in describe_reforms():
        assert f'href="/workbench/reform?base={reform["name"]}"' in page
        assert html.escape(reform["description"], quote=False) in html.unescape(page) or reform["description"] in text(page)
    assert 'href="/workbench/reform"' in page and 'href="/workbench/compare"' in page


ROUND_TRIPS = [
    {"name": "match_trade_cap_20k", "parameters": {"match_trade.cap": {"2021-01-01": 25000}}},
    {"name": None, "parameters": {"match_trade.rate": {"2022-04-01.2023-03-31": 0.75}, "match_trade.cap": {"2024-01-01": 15000.5}}},
    {"name": "current_law", "parameters": {"match_trade.in_force": {"2024-01-01": True}}},
    {"name": "right_to_serve_mutual_aid_groups", "parameters": {}},
    {"name": None, "parameters": {}},
]


@pytest.mark.parametrize("data", ROUND_TRIPS)
def test_a_reform_goes_round_its_address_unchanged(client, data):
    spec = parse_reform(data)
    address = workbench.address(spec)
    assert workbench.read_reform(parse_qsl(urlsplit(address).query)) == spec
    page = client.get(address).text
    shared = re.search(r'<a class="govuk-link" href="([^"]+)" id="shared">', page).group(1)
    assert html.unescape(shared) == BASE_URL + address
    for change in spec.changes:
        assert f'<code class="kr-name" style="overflow-wrap: anywhere; word-break: break-word;">{change.path}</code>' in page


def test_an_address_is_readable_and_stable_whatever_order_it_was_typed_in(client):
    typed = "/workbench/reform?p=match_trade.rate@2024-01-01=0.6&base=match_trade_cap_20k&p=match_trade.cap@2021-01-01=20000"
    page = client.get(typed).text
    canonical = "/workbench/reform?base=match_trade_cap_20k&p=match_trade.cap@2021-01-01=20000&p=match_trade.rate@2024-01-01=0.6"
    assert f'href="{BASE_URL}{canonical}" id="shared"' in html.unescape(page).replace("&amp;", "&")
    assert "60%" in text(page) and "£20,000" in text(page)


@pytest.mark.parametrize(
    ("address", "words"),
    [
        ("/workbench/reform?p=match_trade.cap", "is not written parameter@date=value"),
        ("/workbench/reform?p=match_trade.cap@2021-01-01=-5", "'match_trade.cap' is an amount of money, at least 0, not -5"),
        ("/workbench/reform?p=match_trade.rate@2021-01-01=1.5", "is a ratio between 0 and 1"),
        ("/workbench/reform?p=match_trade.cap@2021-02-30=5", "is not a date of the calendar"),
        ("/workbench/reform?p=match_trade.capp@2021-01-01=5", "unknown parameter 'match_trade.capp'"),
        ("/workbench/reform?base=no_such_reform", "unknown reform 'no_such_reform'"),
        ("/workbench/parameters?p=x", "is not written parameter@date=value"),
        ("/workbench/run?base=nothing", "unknown reform"),
    ],
)
def test_an_address_that_cannot_be_read_is_a_400_page_saying_why(client, address, words):
    response = client.get(address)
    assert response.status_code == 400 and "This reform’s address cannot be read" in response.text
    assert words.lower() in text(response.text).lower()


# The parameter tree, and a change


def test_the_tree_lists_the_top_folders_and_a_folder_every_parameter_under_it(client):
    top = {folder.name: folder for folder in workbench.parameter_tree()}
    page = client.get("/workbench/parameters?base=match_trade_cap_20k").text
    for name in top:
        assert f'href="/workbench/parameters?folder={name}&amp;base=match_trade_cap_20k"' in page
    inside = client.get("/workbench/parameters?folder=match_trade&base=match_trade_cap_20k").text
    cap = workbench.rules().parameter("match_trade.cap")
    assert f"{top['match_trade'].count} parameters in" in text(inside)
    assert 'href="/workbench/parameters/match_trade.cap?base=match_trade_cap_20k"' in inside
    assert "From 24 September 2020: £10,000" in text(inside) and cap.references[0].href in inside
    assert "Changed" in text(inside)  # the named reform changes the cap
    assert client.get("/workbench/parameters?folder=no_such_folder").status_code == 404


def test_search_finds_parameters_by_name_or_label(client):
    page = text(client.get("/workbench/parameters", params={"q": "cap"}).text)
    found = [match for match in workbench.rules().search("cap") if match.kind == "parameter"]
    assert found and f"{len(found)} parameter{'s' if len(found) != 1 else ''} for ‘cap’" in page
    assert "0 parameters for ‘zzzz’" in text(client.get("/workbench/parameters", params={"q": "zzzz"}).text)


def change(client, reform: str, name: str, value: str, day: str = "1", month: str = "4", year: str = "2025", **extra):
    fields = {"reform": reform, "value": value, "start-day": day, "start-month": month, "start-year": year, **extra}
    return client.post(f"/workbench/parameters/{name}", data=fields, follow_redirects=False)


def test_a_change_is_added_to_the_reform_and_its_address(client):
    response = change(client, "base=match_trade_cap_20k", "match_trade.cap", "25,000")
    assert response.status_code == 303
    assert response.headers["location"] == "/workbench/reform?base=match_trade_cap_20k&p=match_trade.cap@2025-04-01=25000"
    page = client.get(response.headers["location"]).text
    assert "£25,000" in text(page) and "1 April 2025" in text(page)
    remove = re.search(r'<a class="govuk-link" href="([^"]+)">Remove', page).group(1)
    assert html.unescape(remove) == "/workbench/reform?base=match_trade_cap_20k"


def test_a_switch_is_changed_with_yes_or_no(client):
    page = client.get("/workbench/parameters/match_trade.in_force?base=current_law").text
    assert 'type="radio" value="true"' in page and 'type="radio" value="false"' in page
    response = change(client, "base=current_law", "match_trade.in_force", "true", "1", "1", "2024")
    assert response.headers["location"] == "/workbench/reform?base=current_law&p=match_trade.in_force@2024-01-01=true"


@pytest.mark.parametrize(
    ("value", "day", "errors"),
    [
        ("-5", "1", [("value", "'match_trade.cap' is an amount of money, at least 0, not -5")]),
        ("lots", "1", [("value", "'match_trade.cap' is a number, not \"lots\"")]),
        ("5", "31", [("start-day", "'2025-04-31' is not a date of the calendar")]),
        ("5", "first", [("start-day", "The date must be a real date written in numbers, like 1 4 2025")]),
        ("", "", [("value", "Enter the new value"), ("start-day", "Enter the date the new value takes effect")]),
    ],
)
def test_a_wrong_change_is_the_page_again_with_the_engines_message_linked_to_its_field(client, value, day, errors):
    response = change(client, "base=match_trade_cap_20k", "match_trade.cap", value, day, "4" if day else "", "2025" if day else "")
    assert response.status_code == 422
    assert summary(response.text) == errors
    for field, message in errors:
        assert field_error(response.text, "start" if field == "start-day" else field) == message
        assert f'id="{field}"' in response.text
    assert response.text.count('name="reform" value="base=match_trade_cap_20k"') == 1


def test_an_unknown_parameter_is_page_not_found(client):
    assert client.get("/workbench/parameters/match_trade.nothing").status_code == 404
    assert change(client, "", "match_trade.nothing", "5").status_code == 404
    assert client.get("/workbench/anything/else").status_code == 404


# Running an impact: the key, the population, the job


def run(client, key: str, source: str = "sample", period: str = "2024", reform: str = "base=match_trade_cap_20k", files=None):
    fields = form(reform=reform, period=period, source=source, key=key)
    return client.post("/workbench/run", files={**fields, **(files or {})}, follow_redirects=False)


def small_file(content: bytes | None = None, name: str = "slice.parquet"):
    return {"population": (name, parquet_bytes(sample_slice()) if content is None else content, "application/octet-stream")}


@pytest.mark.parametrize(
    ("key", "status", "message"),
    [
        ("", 401, "Enter your API key"),
        ("kr_000000000000_nope", 401, "Enter an API key this service made, as it was given to you: this one is not recognised"),
        ("record", 403, "This API key cannot run impacts: enter a key with the scope impact"),
    ],
)
def test_a_run_without_a_key_with_the_scope_impact_is_refused_on_the_key_field(client, keys, key, status, message):
    response = run(client, keys.get(key, key))
    assert response.status_code == status
    assert summary(response.text) == [("key", message)] and field_error(response.text, "key") == message
    assert 'type="password"' in response.text and "set-cookie" not in response.headers
    if key in keys:
        assert keys[key] not in response.text


def test_a_wrong_year_and_a_missing_file_are_shown_in_the_pages_order(client, keys):
    response = run(client, keys["impact"], source="", period="1999")
    assert response.status_code == 422
    assert summary(response.text) == [
        ("period", "'1999' is outside the covered years 2016-2100"),
        ("source", "Select the population to run on"),
    ]
    missing = run(client, keys["impact"], source="upload")
    assert missing.status_code == 422 and summary(missing.text) == [("population", "Choose the population's file, a Parquet or CSV file")]
    assert keys["impact"] not in missing.text


def test_a_bad_upload_is_refused_with_the_apis_message(client, keys):
    response = run(client, keys["impact"], source="upload", files=small_file(b"not,a\npopulation,file\n", "mine.csv"))
    assert response.status_code == 422
    [(field, message)] = summary(response.text)
    assert field == "population" and "'mine.csv'" in message


def read_csv(client, address: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(client.get(address).text)))


def wait_until_done(client, address: str) -> str:
    deadline = time.monotonic() + TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        response = client.get(address, follow_redirects=False)
        if response.status_code == 303:
            return response.headers["location"]
        assert response.status_code == 200 and "Failed" not in response.text, text(response.text)
        time.sleep(0.2)
    raise AssertionError(f"{address} not done after {TIMEOUT_SECONDS} s")


def test_a_run_on_an_uploaded_population_from_the_form_to_its_results(client, keys):
    response = run(client, keys["impact"], source="upload", files=small_file(csv_bytes(sample_slice()), "slice.csv"))
    assert response.status_code == 303, summary(response.text)
    job = response.headers["location"]
    assert re.fullmatch(r"/workbench/jobs/[0-9a-f]{32}", job) and keys["impact"] not in job
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{TOKEN_COOKIE}{job.rsplit('/', 1)[1]}=") and keys["impact"] not in cookie
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/workbench" in cookie and "Secure" not in cookie

    first = client.get(job, follow_redirects=False)
    if first.status_code == 200:  # still running: the page asks for its progress, with a button or with the script
        assert "http-equiv" not in first.text and "organisation rows" in text(first.text)
        assert f'<a href="{job}" role="button"' in first.text and "Check progress" in text(first.text)
        assert '<script src="/workbench/progress.js" defer></script>' in first.text and f'data-kr-job="{job}/progress"' in first.text
    results = wait_until_done(client, job)
    assert results == f"{job}/results"
    page = client.get(results).text
    words = text(page)
    for caption in ("Cost against budget, a year", "Who is eligible", "Gainers and losers", "Where: organisations paid by any scheme"):
        assert caption in words
    assert "slice.csv" in words and "MatchTrade" in words
    where = re.search(r'aria-label="Where: organisations paid by any scheme, by region"(.*?)</table>', page, re.S).group(1)
    assert where.count('<th scope="row"') == len({row["region"] for row in read_csv(client, f"{job}/files/reach_by_region.csv")})
    images = re.findall(r'<img src="([^"]+)" alt="([^"]+)"', page)
    assert [src for src, _ in images] == [f"{job}/files/{name}.png" for name in TITLES]
    assert all(alt.startswith(TITLES[src.rsplit("/", 1)[1][:-4]]) for src, alt in images)
    chart = client.get(images[0][0])
    assert chart.status_code == 200 and chart.headers["content-type"] == "image/png" and chart.content.startswith(b"\x89PNG")
    downloads = re.findall(r'<li><a class="govuk-link" href="([^"]+)"', page)
    assert f"{job}/files/cost.csv" in downloads and f"{job}/files/report.html" in downloads
    assert all(link.endswith((".csv", ".png", ".html")) for link in downloads)
    assert client.get(f"{job}/files/cost.csv").text.startswith("scheme,label")
    assert client.get(f"{job}/files/../../secret").status_code == 404


def test_a_running_jobs_progress_is_json_for_its_pages_script(client, keys):
    job = run(client, keys["impact"], source="upload", files=small_file()).headers["location"]
    state = client.get(f"{job}/progress")
    assert state.status_code == 200 and state.headers["cache-control"] == "no-store"
    assert set(state.json()) == {"status", "colour", "progress", "running"}
    assert state.json()["status"] in ("Queued", "Running", "Done") and "organisation rows" in state.json()["progress"]
    wait_until_done(client, job)
    assert client.get(f"{job}/progress").json() == {
        "status": "Done",
        "colour": "green",
        "progress": "Done: 500 of 500 organisation rows computed",
        "running": False,
    }
    script = client.get("/workbench/progress.js")
    assert script.status_code == 200 and script.headers["content-type"].startswith("text/javascript")
    assert "data-kr-job" in script.text and "aria-live" not in script.text  # the live region is the page's own


def test_a_jobs_pages_are_read_only_with_its_token_in_the_browser_that_ran_it(app, client, keys):
    response = run(client, keys["impact"], source="upload", files=small_file())
    job = response.headers["location"]
    job_id = job.rsplit("/", 1)[1]
    token = client.cookies[f"{TOKEN_COOKIE}{job_id}"]
    assert keys["impact"] not in response.headers["set-cookie"] and keys["impact"] not in response.text
    kept = app.state.impact_jobs.get(job_id)
    assert kept is not None and kept.options == {READ_TOKEN: token_digest(token)}  # its SHA-256, never the token
    for cookies in ({}, {f"{TOKEN_COOKIE}{job_id}": token[:-1] + ("A" if token[-1] != "A" else "B")}, {TOKEN_COOKIE + "0" * 32: token}):
        stranger = TestClient(app, base_url=BASE_URL, cookies=cookies)
        for page in (job, f"{job}/results", f"{job}/progress", f"{job}/files/cost.csv"):
            assert stranger.get(page, follow_redirects=False).status_code == 404, (cookies, page)
    results = wait_until_done(client, job)
    page = client.get(results)
    assert page.status_code == 200 and keys["impact"] not in page.text
    assert all(keys["impact"] not in value for value in page.headers.get_list("set-cookie"))


def test_a_revoked_keys_jobs_are_refused(client, keys, data_dir):
    job = run(client, keys["revoked"], source="upload", files=small_file()).headers["location"]
    cookie = f"{TOKEN_COOKIE}{job.rsplit('/', 1)[1]}"
    token = client.cookies[cookie]
    assert client.get(f"{job}/progress").status_code == 200
    database = Database(default_url(data_dir))
    try:
        KeyRing(database).revoke("leaver")
    finally:
        database.dispose()
    for page in (job, f"{job}/results", f"{job}/progress", f"{job}/files/cost.csv"):
        client.cookies.set(cookie, token, path="/workbench")  # each refusal makes the browser forget the token
        refused = client.get(page, follow_redirects=False)
        assert refused.status_code == 401 and "This impact job can no longer be read" in text(refused.text)
        assert "The API key that ran it, leaver, has been revoked" in text(refused.text)
        assert f'{cookie}=""' in refused.headers["set-cookie"] and "Max-Age=0" in refused.headers["set-cookie"]
    assert run(client, keys["revoked"]).status_code == 401  # nor does it run anything new


# Comparing two reforms


def test_a_comparison_asks_for_both_reforms_and_reads_an_address(client, keys):
    response = client.post(
        "/workbench/compare",
        files=form(b="address", **{"b-address": "/workbench/reform?p=nothing"}, period="2024", source="sample", key=keys["impact"]),
        follow_redirects=False,
    )
    assert response.status_code == 422
    fields = [field for field, _ in summary(response.text)]
    assert fields == ["a", "b-address"]
    assert "Reform B’s address cannot be read" in summary(response.text)[1][1]
    prefilled = client.get(
        "/workbench/compare", params={"a": "base=match_trade_cap_20k&p=match_trade.cap@2021-01-01=20000", "b": "base=current_law"}
    ).text
    assert 'value="/workbench/reform?base=match_trade_cap_20k&amp;p=match_trade.cap@2021-01-01=20000"' in prefilled
    assert re.search(r'value="current_law" checked', prefilled)


def test_two_reforms_run_side_by_side_with_their_differences(client, keys):
    address = "http://localhost/workbench/reform?base=match_trade_cap_20k&p=match_trade.cap@2021-01-01=30000"
    fields = form(a="match_trade_cap_20k", b="address", **{"b-address": address}, period="2024", source="sample", key=keys["impact"])
    response = client.post("/workbench/compare", files=fields, follow_redirects=False)
    assert response.status_code == 303, summary(response.text)
    comparison = response.headers["location"]
    assert re.fullmatch(r"/workbench/comparisons/[0-9a-f]{32}/[0-9a-f]{32}", comparison)
    cookies = response.headers.get_list("set-cookie")
    assert [cookie.split("=", 1)[0] for cookie in cookies] == [f"{TOKEN_COOKIE}{job_id}" for job_id in comparison.split("/")[-2:]]
    assert all(keys["impact"] not in cookie for cookie in cookies)
    deadline = time.monotonic() + TIMEOUT_SECONDS
    while "B minus A" not in (page := client.get(comparison).text):
        assert time.monotonic() < deadline and "Failed" not in page
        time.sleep(0.2)
    words = text(page)
    assert "Reform A: match_trade_cap_20k" in words and "Reform B: match_trade_cap_20k, changed" in words
    assert "Cost a year, under each reform" in words and "Eligible under each reform" in words
    row = re.search(r"<th scope=\"row\" class=\"govuk-table__header\">MatchTrade</th>(.*?)</tr>", page, re.S).group(1)
    a, b, difference = (text(cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row))
    pounds = [int(value.replace("£", "").replace(",", "").replace("-", "")) for value in (a, b, difference)]
    assert pounds[1] - pounds[0] == pounds[2] and pounds[1] > pounds[0]  # a higher cap costs more
    assert page.count("<img ") == 2 * len(TITLES) and "http-equiv" not in page
