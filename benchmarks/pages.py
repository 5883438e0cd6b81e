"""How fast the eligibility checker's and the reform workbench's pages answer, step by step, under a real server.

Run from the project's root:  .venv/bin/python -m benchmarks.pages  [--rounds N] [--quick]

It starts ``kruger-rules serve`` (uvicorn, one worker) on a loopback port, its data in a temporary
folder, waits until it answers, then walks the checker as a browser would, one request at a time
on one kept-alive connection: the start page, the schemes, the year, the ward, every question (a
wrong answer first, then a good one), the answers page and the result, each page's GET and each
form's POST, for two choices of schemes (MatchTrade alone, and every scheme an organisation can
be checked for). Each round answers differently (the kinds of body, yes and no, amounts, wards
change from round to round). It prints, for each step, the number of requests and their p50 and
p95 in milliseconds against the goal (p95 at most 200 ms), then the slowest step's p95. One round
is run first and not counted (the server warms up: the ward table is read at its first ward).
The reform workbench is walked the same way, a round per named reform in turn: its start page, a reform, the
parameter tree's folders, a folder, a search, a parameter, a wrong change (422) and a good one (303), the changed
reform, the run and compare forms (an impact run itself is a job: the impact benchmark measures it). Then, each round,
the results page of a finished impact job and the page of a finished comparison: the job and the comparison are run
once on the shipped sample before the rounds, with an API key (scope impact) made in the benchmark's own database,
and read with the tokens their cookies hold, as the browser that ran them reads them. Its slowest p95, then the
results' and the comparison's p95, are printed apart from the checker's. The server is stopped and its data folder
removed at the end, whatever happens.
"""

from __future__ import annotations

import argparse
import contextlib
import html
import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from api.web import checker  # noqa: E402
from api.web.workbench import ROOT as WORKBENCH  # noqa: E402
from kruger_rules.access import Scope  # noqa: E402
from kruger_rules.store import Database, KeyRing, default_url  # noqa: E402
from kruger_rules.system import rules_version  # noqa: E402

CHECK = checker.ROOT

HOST = "127.0.0.1"
YEAR = "2024"
GOAL_MS = 200.0
START_SECONDS = 180
WARDS = ["E05000026", "E05001353", "E05003596", "E05005757", "E05008190", "E05009654", "E05010857"]
"""Wards of England (2019) to place the organisation in, in turn."""
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
JOB_SECONDS = 600
"""Longest a job of the shipped sample may take before the benchmark gives up (a few seconds on an idle machine)."""
KEY_RATE = 600


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def served(data: str | None = None):
    """``kruger-rules serve`` on a free port, its data in ``data`` (else a folder of its own, removed at the end), until the
    block ends; its port. A ``RuntimeError`` if it does not start, or its pages' assets are not built. The browser tests
    serve the pages so too."""
    port = free_port()
    own = data is None
    data = data or tempfile.mkdtemp(prefix="kruger-rules-pages-benchmark-")
    command = [str(Path(sys.executable).parent / "kruger-rules"), "serve", "--port", str(port)]
    process = subprocess.Popen(
        command, cwd=ROOT, env={**os.environ, "KRUGER_DATA_DIR": data}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + START_SECONDS
        while True:
            try:
                connection = http.client.HTTPConnection(HOST, port, timeout=5)
                connection.request("GET", CHECK)
                status = connection.getresponse().status
                connection.close()
                if status != 200:
                    raise RuntimeError(f"{CHECK} answers {status}: are the pages' assets built? Run 'bash scripts/setup.sh'")
                break
            except OSError:
                if process.poll() is not None:
                    raise RuntimeError(f"kruger-rules serve stopped: {process.stderr.read().decode()[-2000:]}") from None
                if time.monotonic() > deadline:
                    raise RuntimeError(f"kruger-rules serve did not answer within {START_SECONDS} s") from None
                time.sleep(0.25)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        if own:
            shutil.rmtree(data, ignore_errors=True)


class Browser:
    """One kept-alive connection, each request timed under the name of its step."""

    def __init__(self, port: int, times: dict[str, list[float]] | None, cookies: dict[str, str] | None = None) -> None:
        self.connection = http.client.HTTPConnection(HOST, port, timeout=60)
        self.times = times
        self.cookies = cookies if cookies is not None else {}
        """The cookies the server set (a job's read token), sent back with every request."""

    def request(self, step: str, method: str, address: str, body: str | None = None) -> tuple[int, str, str]:
        headers = dict(FORM) if body is not None else {}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        started = time.perf_counter()
        self.connection.request(method, address, body=body, headers=headers)
        response = self.connection.getresponse()
        text = response.read().decode()
        elapsed = (time.perf_counter() - started) * 1000
        if self.times is not None:
            self.times[f"{step} ({method})"].append(elapsed)
        for cookie in response.msg.get_all("Set-Cookie") or ():
            name, _, value = cookie.split(";", 1)[0].partition("=")
            self.cookies[name.strip()] = value
        return response.status, response.getheader("Location") or "", text

    def get(self, step: str, address: str) -> str:
        status, _, text = self.request(step, "GET", address)
        assert status == 200, f"GET {address}: {status}"
        return text

    def post(self, step: str, address: str, page: str, fields: list[tuple[str, str]], expected: int = 303) -> str:
        """A page's form sent with its hidden fields and ``fields``; where it leads (or the page again)."""
        hidden = [(name, html.unescape(value)) for name, value in HIDDEN.findall(page)]
        status, location, text = self.request(step, "POST", urlsplit(address).path, urlencode(hidden + fields))
        assert status == expected, f"POST {address} {fields}: {status}"
        return location if expected == 303 else text

    def close(self) -> None:
        self.connection.close()


def good_answer(question: checker.Question, round_: int) -> list[tuple[str, str]]:
    """A good answer to a question, different from round to round."""
    name = question.name
    if question.kind == "bool":
        return [(name, "yes" if round_ % 4 else "no")]
    if question.kind == "enum":
        return [(name, question.options[round_ % len(question.options)][0])]
    if question.kind == "date":
        return [(f"{name}-day", str(1 + round_ % 28)), (f"{name}-month", str(1 + round_ % 12)), (f"{name}-year", YEAR)]
    if question.unit == "/1":
        return [(name, str(10 * (round_ % 11)))]
    return [(name, str(1_000 + 7_919 * round_ % 90_000 if not question.whole else 1 + round_ % 60))]


def wrong_answer(question: checker.Question) -> list[tuple[str, str]]:
    if question.kind == "date":
        return [(f"{question.name}-day", "31"), (f"{question.name}-month", "2"), (f"{question.name}-year", YEAR)]
    return [(question.name, "" if question.kind in ("bool", "enum") else "lots")]


def walk(browser: Browser, schemes: list[str], round_: int) -> None:
    """The checker from its start page to a result, as a browser walks it."""
    page = browser.get("start", CHECK)
    address = f"{CHECK}/schemes"
    page = browser.get("schemes", address)
    address = browser.post("schemes", address, page, [("scheme", key) for key in schemes])
    page = browser.get("year", address)
    address = browser.post("year", address, page, [("year", YEAR)])
    asked = {
        question.name: question
        for question in checker.needs(tuple(key for key in organisation_schemes_keys() if key in schemes), YEAR).questions
    }
    while "/answers" not in address:
        page = browser.get("ward" if "/ward" in address else "question", address)
        if "/ward" in address:
            address = browser.post("ward", address, page, [("ward", WARDS[round_ % len(WARDS)])])
            continue
        question = asked[urlsplit(address).path.rsplit("/", 1)[-1]]
        browser.post("question, wrong answer", address, page, wrong_answer(question), expected=422)
        address = browser.post("question", address, page, good_answer(question, round_))
    page = browser.get("check your answers", address)
    browser.get("result", address.replace(f"{CHECK}/answers", f"{CHECK}/result"))


REFORMS = ["match_trade_cap_20k", "current_law", "social_value_20_percent", "luc_fund_wider_targeting"]
"""Named reforms the workbench starts from, in turn."""
FOLDERS = ["match_trade", "procurement", "luc_fund", "social_value"]
SEARCHES = ["cap", "threshold", "decile", "weighting"]


def walk_workbench(browser: Browser, round_: int) -> None:
    """The reform workbench from its start page to a changed reform's run and compare forms, as a browser walks it."""
    base = REFORMS[round_ % len(REFORMS)]
    browser.get("workbench start", WORKBENCH)
    browser.get("workbench reform", f"{WORKBENCH}/reform?base={base}")
    browser.get("workbench parameter folders", f"{WORKBENCH}/parameters?base={base}")
    browser.get("workbench parameter folder", f"{WORKBENCH}/parameters?folder={FOLDERS[round_ % len(FOLDERS)]}&base={base}")
    browser.get("workbench parameter search", f"{WORKBENCH}/parameters?q={SEARCHES[round_ % len(SEARCHES)]}&base={base}")
    address = f"{WORKBENCH}/parameters/match_trade.cap?base={base}"
    page = browser.get("workbench parameter", address)
    when = [("start-day", str(1 + round_ % 28)), ("start-month", str(1 + round_ % 12)), ("start-year", YEAR)]
    browser.post("workbench change, wrong value", address, page, [("value", "-5"), *when], expected=422)
    changed = browser.post("workbench change", address, page, [("value", str(10_000 + 500 * round_)), *when])
    browser.get("workbench changed reform", changed)
    query = urlsplit(changed).query
    browser.get("workbench run form", f"{WORKBENCH}/run?{query}")
    browser.get("workbench compare form", f"{WORKBENCH}/compare?{urlencode({'a': query})}")


def impact_key(data: str) -> str:
    """An API key with the scope impact in the benchmark's own database (brought up to date first): its text."""
    database = Database(default_url(Path(data)))
    try:
        database.migrate()
        return KeyRing(database).create("pages-benchmark", [Scope.IMPACT], KEY_RATE)[1]
    finally:
        database.dispose()


def finished_jobs(port: int, key: str) -> tuple[str, str, dict[str, str]]:
    """An impact job and a comparison of two reforms, run from the workbench's forms on the shipped sample until done: the
    results page's address, the comparison's, and the cookies (each job's read token) that read them."""
    browser = Browser(port, None)
    run = [("reform", f"base={REFORMS[0]}"), ("period", YEAR), ("source", "sample"), ("key", key)]
    status, job, _ = browser.request("run", "POST", f"{WORKBENCH}/run", urlencode(run))
    assert status == 303, f"POST {WORKBENCH}/run: {status}"
    compare = [("a", REFORMS[0]), ("b", "baseline"), ("period", YEAR), ("source", "sample"), ("key", key)]
    status, comparison, _ = browser.request("compare", "POST", f"{WORKBENCH}/compare", urlencode(compare))
    assert status == 303, f"POST {WORKBENCH}/compare: {status}"
    deadline = time.monotonic() + JOB_SECONDS
    for job_id in [job.rsplit("/", 1)[1], *comparison.split("/")[-2:]]:
        while (state := json.loads(browser.request("progress", "GET", f"{WORKBENCH}/jobs/{job_id}/progress")[2]))["running"]:
            assert time.monotonic() < deadline, f"job {job_id} not done after {JOB_SECONDS} s"
            time.sleep(0.5)
        assert state["status"] == "Done", f"job {job_id}: {state['progress']}"
    browser.close()
    return f"{job}/results", comparison, browser.cookies


def walk_finished(browser: Browser, results: str, comparison: str) -> None:
    browser.get("workbench results", results)
    browser.get("workbench comparison", comparison)


def organisation_schemes_keys() -> list[str]:
    return [scheme.key for scheme in checker.organisation_schemes()]


def workbench_flow(port: int, rounds: int, key: str) -> tuple[float, dict[str, list[float]]]:
    """The reform workbench's pages, a round per named reform in turn, then a finished job's results and a finished
    comparison, one warming round first; the slowest p95, and every step's times."""
    results, comparison, cookies = finished_jobs(port, key)
    warm = Browser(port, None, cookies)
    walk_workbench(warm, 0)
    walk_finished(warm, results, comparison)
    warm.close()
    times: dict[str, list[float]] = defaultdict(list)
    browser = Browser(port, times, cookies)
    for round_ in range(1, rounds + 1):
        walk_workbench(browser, round_)
        walk_finished(browser, results, comparison)
    browser.close()
    return report("Reform workbench (choose, change, share; the run and compare forms; results, a comparison)", times), times


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))]


def report(title: str, times: dict[str, list[float]]) -> float:
    """The table of one flow; the slowest p95."""
    print(f"\n{title}")
    print(f"  {'step':<38} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8}  p95 <= {GOAL_MS:.0f} ms")
    worst = 0.0
    for step, values in times.items():
        p50, p95 = percentile(values, 0.5), percentile(values, 0.95)
        worst = max(worst, p95)
        print(f"  {step:<38} {len(values):>8} {p50:>8.1f} {p95:>8.1f}  {'yes' if p95 <= GOAL_MS else 'NO'}")
    return worst


def checker_flows(port: int, rounds: int) -> float:
    """The checker's pages for each choice of schemes, one warming round first; the slowest p95."""
    flows = {"MatchTrade": ["match_trade"], "Every organisation scheme": organisation_schemes_keys()}
    worst = 0.0
    for title, schemes in flows.items():
        warm = Browser(port, None)
        walk(warm, schemes, 0)
        warm.close()
        times: dict[str, list[float]] = defaultdict(list)
        browser = Browser(port, times)
        for round_ in range(1, rounds + 1):
            walk(browser, schemes, round_)
        browser.close()
        worst = max(worst, report(f"{title} ({len(schemes)} scheme{'s' if len(schemes) > 1 else ''})", times))
    return worst


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.pages", description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30, help="walks of the checker per choice of schemes (default 30)")
    parser.add_argument("--quick", action="store_true", help="3 rounds: a smoke test, not a measure")
    options = parser.parse_args(argv)
    rounds = 3 if options.quick else options.rounds
    print(f"The checker's pages under kruger-rules serve (uvicorn, 1 worker), rules {rules_version()}, {rounds} rounds a flow")
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} cores; one request at a time on one kept-alive connection")
    data = tempfile.mkdtemp(prefix="kruger-rules-pages-benchmark-")
    try:
        key = impact_key(data)
        with served(data) as port:
            worst = checker_flows(port, rounds)
            bench, times = workbench_flow(port, rounds, key)
    finally:
        shutil.rmtree(data, ignore_errors=True)
    print(f"\nSlowest step's p95: {worst:.1f} ms (goal <= {GOAL_MS:.0f} ms: {'met' if worst <= GOAL_MS else 'NOT met'})")
    print(f"Reform workbench's slowest page's p95: {bench:.1f} ms (goal <= {GOAL_MS:.0f} ms: {'met' if bench <= GOAL_MS else 'NOT met'})")
    for step, name in (("workbench results (GET)", "a finished job's results"), ("workbench comparison (GET)", "a finished comparison")):
        print(f"Reform workbench, {name}: p95 {percentile(times[step], 0.95):.1f} ms")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except RuntimeError as error:  # the server did not start: say why in one line
        sys.exit(str(error))
