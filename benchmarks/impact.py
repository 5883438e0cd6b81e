"""Speed and memory of a population impact run, against the OpenFisca way and a plain numpy bound.

Run from the project's root:
  .venv/bin/python -m benchmarks.impact  [--sizes 10000,100000,1000000] [--reform current_law]

Populations of each size are generated first (`population generate`'s code, a fixed seed, into a
temporary folder) and not timed. Every measure then runs in a child process of its own, pinned to
--cores CPUs (default 2), whose start-up (the interpreter, the imports, the rule system loaded and
the reform read) is reported apart from its work, and whose peak resident memory is read from the
kernel when it ends (os.wait4). It prints:

* the engine: `kruger-rules impact`'s work on each size (read the Parquet files, run the baseline
  and the reform in chunks, aggregate, write the tables as CSV and Parquet), median and best of
  --repeats runs, the sizes in turn; on the largest size also with the charts (PNG and SVG) and the
  HTML report. Goals at 1,000,000 organisations: at most 2 s and 1 GiB peak. Growth from size to
  size (linear: the ratio of the sizes, 10x), and the least-squares line through the sizes;
* the OpenFisca way, on each size below 1,000,000: the same files read into situation dicts (one
  entry per organisation and per place; each procurement with a copy of its commissioner, in a
  second simulation as the engine does), built by SimulationBuilder.build_from_entities, the same
  outputs computed under both systems, nothing aggregated or written. A size is cut off after
  --reference-timeout seconds. 1,000,000 is extrapolated linearly from the largest size completed
  (or from a larger size's cut-off, if that says more). Goal: the engine at least 20x faster at
  1,000,000. Its totals are checked against the engine's;
* a plain numpy lower bound on the largest size: the schemes that pay (MatchTrade's and the
  Community Recovery Fund's grants and eligibility for organisations, the LUC Fund's yearly award
  and eligibility for places) written by hand as vectorised numpy, against the engine computing the
  same outputs from the same arrays (best of 3x --repeats each, in turn). Goal: the engine within
  5x. Its totals are checked against the engine's reach table.

Every figure comes from this one run, about five and a half minutes on 2 CPUs, most of it waiting
for the OpenFisca way. Other processes weigh on the figures: each section says what share of the
CPUs they took meanwhile (Linux). The exit code is 1 if a check of totals fails.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import gc
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

YEAR = "2024"
SEED = 2024
MILLION = 1_000_000
GIB = 1024**3
TIME_GOAL_S = 2.0
MEMORY_GOAL_BYTES = GIB
REFERENCE_GOAL = 20.0
NUMPY_GOAL = 5.0
ARITHMETIC_REPEATS = 3
"""Runs of each in-memory measure for each engine run: they take a tenth of a second, and the best of many is steadier."""
COUNT_UNIT, AMOUNT_UNIT = 2.0**-24, 2.0**-16
"""The engine's totals are sums of rows rounded to these units (``tally.py``): a check allows half of one per row."""
NUMPY_SCHEMES = (
    ("organisations", "community_recovery_fund"),
    ("organisations", "match_trade"),
    ("organisations", "any_paying_scheme"),
    ("places", "luc_fund"),
    ("places", "any_paying_scheme"),
)
"""The totals the numpy bound computes: every scheme that pays, and their sum by entity."""
TOTAL_COLUMNS = ("units", "eligible_baseline", "eligible_reform", "amount_baseline", "amount_reform")
Totals = dict[str, dict[str, float | None]]
"""By ``entity/scheme``: weighted units, weighted eligible rows and amounts, under the baseline and the reform."""
Record = dict[str, Any]


# Children: each measure runs in a process of its own, started by the parent and reporting JSON lines on stdout.


def emit(event: str, **values: Any) -> None:
    print(json.dumps({"event": event, **values}), flush=True)


def pin(cores: int) -> list[int]:
    """Keep this process on ``cores`` CPUs (the first it may use); the CPUs it runs on."""
    if not hasattr(os, "sched_setaffinity"):
        return []
    allowed = sorted(os.sched_getaffinity(0))
    if len(allowed) > cores:
        os.sched_setaffinity(0, allowed[:cores])
    return sorted(os.sched_getaffinity(0))


def peak_rss_bytes(usage: resource.struct_rusage) -> int:
    """``ru_maxrss`` in bytes: Linux counts kibibytes, macOS bytes."""
    return int(usage.ru_maxrss) * (1 if sys.platform == "darwin" else 1024)


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def ready(**values: Any) -> None:
    """Tell the parent that start-up is over: the wall clock (to set against the launch) and the memory so far."""
    emit("ready", at=time.time(), rss=peak_rss_bytes(resource.getrusage(resource.RUSAGE_SELF)), **values)


def reach_totals(reach) -> Totals:
    """The engine's reach table as ``Totals``."""
    found: Totals = {}
    for row in reach.to_dict("records"):
        found[f"{row['entity']}/{row['scheme']}"] = {
            column: None if row[column] != row[column] else float(row[column]) for column in TOTAL_COLUMNS
        }
    return found


def child_generate(arguments: argparse.Namespace) -> None:
    """Write a population of each size, as ``kruger-rules population generate`` does."""
    cores = pin(arguments.cores)
    from kruger_rules.population.generate import generate, write
    from kruger_rules.system import rules_version

    ready(cores=cores, rules_version=rules_version())
    for size in sizes_of(arguments.sizes):
        started = time.perf_counter()
        path = population_path(Path(arguments.folder), size)
        written = write(generate(size, arguments.seed), path)
        emit("generated", size=size, seconds=time.perf_counter() - started, bytes=sum(file.stat().st_size for file in written))


def child_engine(arguments: argparse.Namespace) -> None:
    """``kruger-rules impact``'s work: read, compute both systems, aggregate, write the tables (and the charts and report)."""
    cores = pin(arguments.cores)
    from kruger_rules.cli import load_reform
    from kruger_rules.population.impact import run_impact
    from kruger_rules.population.report import ABOUT, write_report, write_tables
    from kruger_rules.system import shared_system

    shared_system()
    reform = load_reform(arguments.reform)
    ready(cores=cores)
    out = Path(arguments.out)
    cpu, started = cpu_seconds(), time.perf_counter()
    impact = run_impact(reform, arguments.population, YEAR)
    computed = time.perf_counter()
    if arguments.charts:
        write_report(impact, out)
    else:
        out.mkdir(parents=True, exist_ok=True)
        write_tables(impact.tables, out)
        (out / ABOUT).write_text(json.dumps(impact.about, indent=2) + "\n")
    done = time.perf_counter()
    emit(
        "done",
        work=done - started,
        compute=computed - started,
        write=done - computed,
        cpu=cpu_seconds() - cpu,
        rows=impact.about["organisation_rows"],
        totals=reach_totals(impact.tables["reach"]),
    )


def child_reference(arguments: argparse.Namespace) -> None:
    """The OpenFisca way: situation dicts built from the files, SimulationBuilder.build_from_entities, the same outputs."""
    cores = pin(arguments.cores)
    from openfisca_core.periods import period
    from openfisca_core.simulation_builder import SimulationBuilder

    from kruger_rules.cli import load_reform
    from kruger_rules.population.measures import measures, values
    from kruger_rules.reforms import reformed_system
    from kruger_rules.system import shared_system

    baseline = shared_system()
    systems = {"baseline": baseline, "reform": reformed_system(load_reform(arguments.reform))}
    measured = measures(baseline)
    ready(cores=cores)
    cpu, started = cpu_seconds(), time.perf_counter()
    situations = reference_situations(Path(arguments.population))
    emit("phase", name="read + situation dicts", seconds=time.perf_counter() - started)
    mark = time.perf_counter()
    simulations = {
        name: [SimulationBuilder().build_from_entities(system, situation) for situation in situations.dicts]
        for name, system in systems.items()
    }
    emit("phase", name="build_from_entities", seconds=time.perf_counter() - mark)
    mark = time.perf_counter()
    found: dict[str, dict[str, Any]] = {name: {} for name in systems}
    for name, (organisations, procurements) in simulations.items():
        for entity, measures_ in measured.items():
            simulation = procurements if entity == "procurement" else organisations
            found[name][entity] = values(simulation, period(YEAR), measures_, 0)
    emit("phase", name="calculate", seconds=time.perf_counter() - mark)
    work, cpu = time.perf_counter() - started, cpu_seconds() - cpu
    emit("done", work=work, cpu=cpu, totals=reference_totals(found, measured, situations.weights))


@dataclass
class Situations:
    """The two situations of the OpenFisca way, and each entity's weights in their order."""

    dicts: tuple[dict, dict]
    weights: dict[str, list[float]]


def reference_situations(path: Path) -> Situations:
    """Organisations in their places; then each procurement with a copy of its commissioner (in its place).

    Values are given as a situation gives them: enumerations by name, dates as ISO text, each for the year.
    """
    import pyarrow.parquet as pq

    from kruger_rules.population.inputs import ORGANISATION_KEYS, PROCUREMENT_KEYS, procurements_file
    from kruger_rules.population.places import PLACE_INPUTS
    from kruger_rules.population.wards import load_wards

    wards = load_wards()
    ward_row = {str(code): row for row, code in enumerate(wards["ward_code"])}
    facts = {name: wards[name].astype(str if name == "region" else int).tolist() for name in PLACE_INPUTS}

    def place(code: str) -> dict:
        row = ward_row[code]
        return {"members": [], **{name: {YEAR: facts[name][row]} for name in PLACE_INPUTS}}

    def given(row: dict, keys: tuple[str, ...]) -> dict:
        return {
            name: {YEAR: value.isoformat() if isinstance(value, datetime.date) else value}
            for name, value in row.items()
            if name not in keys
        }

    organisations: dict[str, dict] = {}
    places: dict[str, dict] = {}
    ward_of: dict[int, str] = {}
    weights: dict[str, list[float]] = {"organisation": [], "procurement": []}
    for row in pq.read_table(path).to_pylist():
        key, ward = f"o{row['organisation_id']}", row["ward_code"]
        organisations[key] = given(row, ORGANISATION_KEYS)
        places.setdefault(ward, place(ward))["members"].append(key)
        ward_of[row["organisation_id"]] = ward
        weights["organisation"].append(row["weight"])
    weights["place"] = [1.0] * len(places)
    commissioners: dict[str, dict] = {}
    their_places: dict[str, dict] = {}
    procurements: dict[str, dict] = {}
    beside = procurements_file(path)
    for row in pq.read_table(beside).to_pylist() if beside.is_file() else []:
        key, ward = f"c{row['procurement_id']}", ward_of[row["commissioner_id"]]
        commissioners[key] = organisations[f"o{row['commissioner_id']}"]
        their_places.setdefault(ward, place(ward))["members"].append(key)
        procurements[f"p{row['procurement_id']}"] = {"commissioners": [key], **given(row, PROCUREMENT_KEYS)}
        weights["procurement"].append(row["weight"])
    return Situations(
        (
            {"organisations": organisations, "places": places},
            {"organisations": commissioners, "places": their_places, "procurements": procurements},
        ),
        weights,
    )


def reference_totals(found: dict[str, dict[str, Any]], measured: Mapping[str, tuple], weights: dict[str, list[float]]) -> Totals:
    """The OpenFisca way's results summed as the engine's reach table sums them (weighted; a place counts once)."""
    import numpy as np

    from kruger_rules.system import shared_system

    plurals = {entity.key: entity.plural for entity in shared_system().entities}
    totals: Totals = {}
    for entity, measures_ in measured.items():
        weight = np.asarray(weights[entity], dtype=np.float64)
        for measure in measures_:
            before, after = found["baseline"][entity][measure.key], found["reform"][entity][measure.key]
            row: dict[str, float | None] = {
                "units": float(weight.sum()),
                "eligible_baseline": float(weight @ before.eligible),
                "eligible_reform": float(weight @ after.eligible),
                "amount_baseline": None,
                "amount_reform": None,
            }
            if before.amount is not None and after.amount is not None:
                row["amount_baseline"] = float(weight @ before.amount.astype(np.float64))
                row["amount_reform"] = float(weight @ after.amount.astype(np.float64))
            totals[f"{plurals[entity]}/{measure.key}"] = row
    return totals


def child_arithmetic(arguments: argparse.Namespace) -> None:
    """The paying schemes by hand in numpy, and by the engine, on the same arrays read once: best of ``repeats`` each."""
    cores = pin(arguments.cores)
    from kruger_rules.cli import load_reform
    from kruger_rules.population.chunks import ward_facts
    from kruger_rules.population.inputs import read_population
    from kruger_rules.reforms import reformed_system
    from kruger_rules.system import shared_system

    baseline = shared_system()
    systems = {"baseline": baseline, "reform": reformed_system(load_reform(arguments.reform))}
    population = read_population(Path(arguments.population), baseline)
    facts = ward_facts(population.wards, baseline)
    rules = {name: rule_parameters(system) for name, system in systems.items()}
    ready(cores=cores)
    actions = {
        "numpy": lambda: numpy_paying_schemes(population, facts, rules),
        "engine": lambda: engine_paying_schemes(population, facts, systems),
    }
    best, found = best_of(arguments.repeats, actions)
    emit("done", **best, numpy_totals=found["numpy"], engine_totals=found["engine"])


def best_of(repeats: int, actions: Mapping[str, Callable[[], Totals]]) -> tuple[dict[str, float], dict[str, Totals]]:
    """The shortest of ``repeats`` runs of each action, run in turn (the garbage collector paused, as timeit does), and its result."""
    best, found = dict.fromkeys(actions, float("inf")), {}
    for _ in range(repeats):
        for name, action in actions.items():
            gc.collect()
            gc.disable()
            try:
                started = time.perf_counter()
                found[name] = action()
                best[name] = min(best[name], time.perf_counter() - started)
            finally:
                gc.enable()
    return best, found


@dataclass(frozen=True)
class RuleParameters:
    """The parameters the paying schemes read, for the year, from one system's tree: read once, before timing."""

    values: dict[str, Any]
    by_kind: dict[str, Any]


def rule_parameters(system) -> RuleParameters:
    """Each scalar parameter the paying schemes read, and each parameter indexed by organisation type as a lookup table."""
    import numpy as np

    p = system.parameters(f"{YEAR}-01-01")
    kinds = list(system.variables["organisation_type"].possible_values)

    def table(node) -> Any:
        return np.array([node[kind.name] for kind in kinds])

    names = {
        "match_trade": (
            "in_force",
            "min_months_trading",
            "min_total_income",
            "requires_left_behind_place",
            "rate",
            "cap",
            "minimum_award",
        ),
        "community_recovery_fund": ("in_force", "min_unconnected_board_members", "accounts_excused_months", "grant_min", "grant_max"),
        "luc_fund": ("in_force", "population_min", "population_max", "award_per_resident", "award_min", "award_max", "award_horizon_years"),
        "left_behind": ("imd_max_decile", "cni_max_decile"),
        "social_enterprise": (
            "start_up_months",
            "start_up_min_trading_income_share",
            "min_trading_income_share",
            "min_profit_share_to_purpose",
        ),
    }
    values = {f"{node}.{name}": p[node][name] for node, leaves in names.items() for name in leaves}
    by_kind = {
        "public_body": table(p.organisation.public_body),
        "social_purpose_by_law": table(p.organisation.social_purpose_by_law),
        "asset_lock_by_law": table(p.organisation.asset_lock_by_law),
        "crf_allowed": table(p.community_recovery_fund.legal_form_allowed),
        "crf_allowed_if_not_for_profit": table(p.community_recovery_fund.legal_form_allowed_if_not_for_profit),
    }
    return RuleParameters(values, by_kind)


def numpy_paying_schemes(population, facts, rules: Mapping[str, RuleParameters]) -> Totals:
    """MatchTrade, the Community Recovery Fund and the LUC Fund as plain numpy on the whole population, summed.

    The same operations, in the same float32, as the rules' formulas (``variables/``): the social enterprise test,
    MatchTrade's eligibility and grant, the Community Recovery Fund's eligibility and grant, left-behind places and
    the LUC Fund's eligibility and yearly award. A MatchTrade basis of growth would subtract the previous year's
    trading income, which a population does not give (0), so the basis is the year's trading income either way.
    """
    import numpy as np

    organisations = population.organisations
    given = organisations.inputs
    weight, ward = organisations.weight, organisations.link
    present = np.bincount(ward, minlength=len(population.wards)) > 0
    kind = given["organisation_type"]
    total = given["total_income"].astype(np.float32)
    trading = given["trading_income"].astype(np.float32)
    request = given["crf_requested_amount"].astype(np.float32)
    profit_share = given["profit_share_to_purpose"].astype(np.float32)
    months = given["months_since_established"]
    imd, cni, residents = facts.inputs["imd_decile"], facts.inputs["cni_decile"], facts.inputs["population"]
    found: dict[str, dict[str, tuple[Any, Any]]] = {}
    for system, rule in rules.items():
        v, k = rule.values, rule.by_kind
        left_behind = (imd <= v["left_behind.imd_max_decile"]) & (cni <= v["left_behind.cni_max_decile"])
        place_eligible = v["luc_fund.in_force"] & left_behind
        place_eligible &= (residents >= v["luc_fund.population_min"]) & (residents <= v["luc_fund.population_max"])
        award = np.clip(residents.astype(float) * v["luc_fund.award_per_resident"], v["luc_fund.award_min"], v["luc_fund.award_max"])
        yearly = (np.where(place_eligible, award, 0).astype(np.float32) / v["luc_fund.award_horizon_years"]).astype(np.float32)

        share = np.clip(np.divide(trading, total, out=np.zeros_like(total), where=total > 0), 0, 1)
        start_up = months < v["social_enterprise.start_up_months"]
        required = start_up * np.float32(v["social_enterprise.start_up_min_trading_income_share"])
        required += ~start_up * np.float32(v["social_enterprise.min_trading_income_share"])
        social_enterprise = (given["has_social_purpose"] | k["social_purpose_by_law"][kind]) & given["is_independent"]
        social_enterprise &= ~k["public_body"][kind] & (share >= required)
        social_enterprise &= given["is_not_for_profit"] | (profit_share >= np.float32(v["social_enterprise.min_profit_share_to_purpose"]))
        social_enterprise &= given["has_asset_lock"] | k["asset_lock_by_law"][kind]

        match_trade = v["match_trade.in_force"] & social_enterprise & (given["months_trading"] >= v["match_trade.min_months_trading"])
        match_trade &= (total >= v["match_trade.min_total_income"]) & (
            (not v["match_trade.requires_left_behind_place"]) | left_behind[ward]
        )
        whole = np.floor(np.maximum(np.minimum(v["match_trade.rate"] * trading, v["match_trade.cap"]), 0))
        match_trade_grant = np.where(match_trade & (whole >= v["match_trade.minimum_award"]), whole, 0)

        crf = v["community_recovery_fund.in_force"] & (
            k["crf_allowed"][kind] | (k["crf_allowed_if_not_for_profit"][kind] & given["is_not_for_profit"])
        )
        crf &= (given["unconnected_board_members"] >= v["community_recovery_fund.min_unconnected_board_members"]) & given[
            "has_bank_account"
        ]
        crf &= given["has_annual_accounts"] | (months < v["community_recovery_fund.accounts_excused_months"])
        payable = crf & (request >= v["community_recovery_fund.grant_min"])
        crf_grant = np.where(payable, np.minimum(request, v["community_recovery_fund.grant_max"]), 0)

        found[system] = {
            "organisations/community_recovery_fund": (crf, crf_grant),
            "organisations/match_trade": (match_trade, match_trade_grant),
            "organisations/any_paying_scheme": (crf | match_trade, crf_grant.astype(np.float64) + match_trade_grant.astype(np.float64)),
            "places/luc_fund": (place_eligible[present], yearly[present]),
            "places/any_paying_scheme": (place_eligible[present], yearly[present]),
        }
    place_weight = np.ones(int(present.sum()))
    return {
        key: weighted(found, key, place_weight if key.startswith("places/") else weight) for key in (f"{e}/{s}" for e, s in NUMPY_SCHEMES)
    }


def weighted(found: Mapping[str, Mapping[str, tuple[Any, Any]]], key: str, weight) -> dict[str, float | None]:
    """A scheme's weighted units, eligible rows and amounts under each system."""
    import numpy as np

    row: dict[str, float | None] = {"units": float(weight.sum())}
    for system in ("baseline", "reform"):
        eligible, amount = found[system][key]
        row[f"eligible_{system}"] = float(weight @ eligible)
        row[f"amount_{system}"] = float(weight @ amount.astype(np.float64))
    return row


def engine_paying_schemes(population, facts, systems: Mapping[str, Any]) -> Totals:
    """The same outputs by the engine: its chunks, a simulation built from columns per chunk and system, the variables."""
    import numpy as np

    from kruger_rules.coverage import covered_year
    from kruger_rules.population.chunks import DEFAULT_CHUNK_SIZE, chunks
    from kruger_rules.population.columns import organisation_simulation

    year = covered_year(YEAR)
    variables = {
        "organisations/community_recovery_fund": ("crf_eligible", "crf_grant"),
        "organisations/match_trade": ("match_trade_eligible", "match_trade_grant"),
        "places/luc_fund": ("luc_fund_place_eligible", "luc_fund_place_yearly_award"),
    }
    sums: Totals = {key: dict.fromkeys(TOTAL_COLUMNS, 0.0) for key in (f"{e}/{s}" for e, s in NUMPY_SCHEMES)}
    for chunk in chunks(population, facts, DEFAULT_CHUNK_SIZE):
        weights = {"organisations": chunk.organisations.weight, "places": chunk.places.counted.astype(np.float64)}
        for system, rules in systems.items():
            simulation = organisation_simulation(rules, chunk, year)
            by_entity: dict[str, list[tuple[Any, Any]]] = {"organisations": [], "places": []}
            for key, (eligibility, amount) in variables.items():
                entity = key.split("/")[0]
                found = (simulation.calculate(eligibility, year), simulation.calculate(amount, year).astype(np.float64))
                by_entity[entity].append(found)
                add(sums[key], weights[entity], system, *found)
            for entity, parts in by_entity.items():
                eligible = np.logical_or.reduce([part[0] for part in parts])
                add(sums[f"{entity}/any_paying_scheme"], weights[entity], system, eligible, np.sum([part[1] for part in parts], axis=0))
    return sums


def add(row: dict[str, float | None], weight, system: str, eligible, amount) -> None:
    if system == "baseline":
        row["units"] = (row["units"] or 0.0) + float(weight.sum())
    row[f"eligible_{system}"] = (row[f"eligible_{system}"] or 0.0) + float(weight @ eligible)
    row[f"amount_{system}"] = (row[f"amount_{system}"] or 0.0) + float(weight @ amount)


CHILDREN: dict[str, Callable[[argparse.Namespace], None]] = {
    "generate": child_generate,
    "engine": child_engine,
    "reference": child_reference,
    "arithmetic": child_arithmetic,
}


# The parent: starts the children, one at a time, and reads what they report.


@dataclass
class ChildRun:
    """What a child reported, its wall time from launch to exit, its start-up and its peak memory (from the kernel)."""

    records: list[Record]
    seconds: float
    peak_bytes: int
    timed_out: bool
    startup: float | None = None

    def last(self, event: str) -> Record | None:
        found = [record for record in self.records if record.get("event") == event]
        return found[-1] if found else None

    @property
    def done(self) -> Record:
        record = self.last("done")
        assert record is not None
        return record


@dataclass(frozen=True)
class Busy:
    """The machine's busy CPU time so far (``/proc/stat``, Linux) and this process's and its children's: to tell what others used."""

    at: float
    machine: float | None
    ours: float

    @classmethod
    def now(cls) -> Busy:
        machine = None
        with contextlib.suppress(OSError, ValueError, IndexError):
            ticks = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
            machine = (sum(ticks[:8]) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")  # all but idle and iowait
        ours = sum(usage.ru_utime + usage.ru_stime for usage in map(resource.getrusage, (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)))
        return cls(time.perf_counter(), machine, ours)

    def others_since(self, start: Busy) -> str:
        """What other processes (and the hypervisor's steal) took of the machine's CPUs between ``start`` and this."""
        if self.machine is None or start.machine is None:
            return "other processes' share of the CPUs unknown"
        share = ((self.machine - start.machine) - (self.ours - start.ours)) / ((self.at - start.at) * (os.cpu_count() or 1))
        return f"other processes took {max(share, 0.0):.0%} of the CPUs meanwhile"


@dataclass
class Runner:
    """Starts each child as ``python -m MODULE --child KIND ...`` (or any command) in the project's root, its output in ``folder``."""

    folder: Path
    cores: int
    module: str = "benchmarks.impact"
    started: int = 0

    def run(self, kind: str, options: list[str], timeout: float | None = None) -> ChildRun:
        return self.run_command([sys.executable, "-m", self.module, "--child", kind, "--cores", str(self.cores), *options], timeout)

    def run_command(self, command: list[str], timeout: float | None = None) -> ChildRun:
        """``command`` to its end (killed past ``timeout`` seconds): its wall time, its peak memory, the JSON lines it printed."""
        self.started += 1
        stdout_path, stderr_path = self.folder / f"child-{self.started}.out", self.folder / f"child-{self.started}.err"
        with open(stdout_path, "wb") as stdout, open(stderr_path, "wb") as stderr:
            launched, began = time.time(), time.perf_counter()
            process = subprocess.Popen(command, cwd=ROOT, stdout=stdout, stderr=stderr)
        deadline = None if timeout is None else began + timeout
        timed_out = False
        try:
            while True:
                pid, status, usage = os.wait4(process.pid, os.WNOHANG)
                if pid:
                    break
                if deadline is not None and time.perf_counter() > deadline:
                    process.kill()
                    pid, status, usage = os.wait4(process.pid, 0)
                    timed_out = True
                    break
                time.sleep(0.01)
        except BaseException:  # interrupted: the child goes too
            process.kill()
            os.wait4(process.pid, 0)
            process.returncode = -9
            raise
        seconds = time.perf_counter() - began
        process.returncode = os.waitstatus_to_exitcode(status)
        records = [json.loads(line) for line in stdout_path.read_text().splitlines() if line.startswith("{")]
        if process.returncode != 0 and not timed_out:
            raise RuntimeError(f"{' '.join(command)} failed ({process.returncode}):\n{stderr_path.read_text()[-3000:]}")
        run = ChildRun(records, seconds, peak_rss_bytes(usage), timed_out)
        ready_record = run.last("ready")
        if ready_record is not None:
            run.startup = ready_record["at"] - launched
        return run


def sizes_of(text: str) -> list[int]:
    sizes = sorted({int(size.replace("_", "")) for size in text.split(",") if size.strip()})
    if not sizes or sizes[0] < 100:
        raise SystemExit("--sizes: organisations per population, at least 100 each")
    return sizes


def population_path(folder: Path, size: int) -> Path:
    return folder / f"population-{size}.parquet"


def mib(size: float) -> str:
    return f"{size / 1024**2:,.0f} MiB"


def verdict(met: bool) -> str:
    return "met" if met else "NOT MET"


def differences(found: Totals, expected: Totals, rows: int, keys: list[str]) -> Iterator[tuple[str, str, float, float]]:
    """Each total of ``keys`` that differs from the expected one by more than the engine's rounding allows."""
    for key in keys:
        for column in TOTAL_COLUMNS:
            value, wanted = found[key][column], expected[key][column]
            if value is None or wanted is None:
                if value != wanted:
                    yield key, column, float("nan"), float("nan")
                continue
            unit = AMOUNT_UNIT if column.startswith("amount") else COUNT_UNIT
            if abs(value - wanted) > rows * unit / 2 + 1e-9 * abs(wanted) + 1e-9:
                yield key, column, value, wanted


def check_line(what: str, found: Totals, expected: Totals, rows: int, keys: list[str]) -> tuple[str, bool]:
    wrong = list(differences(found, expected, rows, keys))
    if not wrong:
        largest = max(
            (abs((found[key][column] or 0.0) - (expected[key][column] or 0.0)) for key in keys for column in TOTAL_COLUMNS), default=0.0
        )
        compared = f"{len(keys)} schemes x {len(TOTAL_COLUMNS)} totals; largest difference {largest:.2g}"
        return f"  check: {what} equal the engine's ({compared}): yes", True
    shown = "; ".join(f"{key} {column}: {value:,.4f} against {wanted:,.4f}" for key, column, value, wanted in wrong[:4])
    return f"  check: {what} equal the engine's: NO ({len(wrong)} differ: {shown})", False


@dataclass
class EngineFigures:
    """The engine's runs of one size and mode: work (median), start-up (median), peak memory (largest), CPU."""

    runs: list[ChildRun]

    @property
    def work(self) -> float:
        return statistics.median(run.done["work"] for run in self.runs)

    @property
    def best(self) -> float:
        return min(run.done["work"] for run in self.runs)

    def median(self, name: str) -> float:
        return statistics.median(run.done[name] for run in self.runs)

    @property
    def startup(self) -> float:
        return statistics.median(run.startup or 0.0 for run in self.runs)

    @property
    def peak(self) -> int:
        return max(run.peak_bytes for run in self.runs)

    @property
    def startup_rss(self) -> int:
        return max(run.last("ready")["rss"] for run in self.runs)  # type: ignore[index]

    @property
    def totals(self) -> Totals:
        return self.runs[0].done["totals"]


def main(argv: list[str] | None = None) -> int:
    doc = __doc__ or ""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.impact", description=doc.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000", help="organisations in each population (default: 10000,100000,1000000)")
    parser.add_argument(
        "--reform", default="current_law", metavar="NAME|FILE.json", help="the reform run against the baseline (default: current_law)"
    )
    parser.add_argument(
        "--repeats", type=int, default=5, help=f"runs of each engine measure (default: 5), {ARITHMETIC_REPEATS}x as many in memory"
    )
    parser.add_argument("--cores", type=int, default=2, help="CPUs each measured process may use (default: 2)")
    parser.add_argument("--seed", type=int, default=SEED, help=f"the populations' seed (default: {SEED})")
    parser.add_argument(
        "--reference-timeout", type=float, default=150.0, help="longest wait for the OpenFisca way at one size (default: 150 s)"
    )
    parser.add_argument("--quick", action="store_true", help="one run of each measure and no charts: to check that the benchmark runs")
    parser.add_argument("--child", choices=sorted(CHILDREN), help=argparse.SUPPRESS)
    for name in ("--folder", "--population", "--out"):
        parser.add_argument(name, help=argparse.SUPPRESS)
    parser.add_argument("--charts", action="store_true", help=argparse.SUPPRESS)
    arguments = parser.parse_args(argv)
    if arguments.child:
        CHILDREN[arguments.child](arguments)
        sys.stdout.flush()
        os._exit(0)  # everything is reported: no need to wait for the interpreter's teardown
    if arguments.quick:
        arguments.repeats = 1
    with tempfile.TemporaryDirectory(prefix="kruger-rules-impact-benchmark-") as folder:
        return 0 if run(arguments, Runner(Path(folder), arguments.cores)) else 1


def run(arguments: argparse.Namespace, runner: Runner) -> bool:
    """Every measure, printed as it comes, then the summary; whether every check of totals passed."""
    sizes, folder, repeats = sizes_of(arguments.sizes), runner.folder, max(1, arguments.repeats)
    largest = sizes[-1]
    charts = not arguments.quick
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    generated = runner.run("generate", ["--sizes", arguments.sizes, "--folder", str(folder), "--seed", str(arguments.seed)])
    made = {record["size"]: record for record in generated.records if record["event"] == "generated"}
    about = generated.last("ready") or {}
    print(
        f"kruger-rules {about.get('rules_version', '?')}, population impact: baseline and reform {arguments.reform!r}, period {YEAR}; "
        f"each measure in a child process on {len(about.get('cores', [])) or '?'} of {os.cpu_count()} CPU(s); "
        f"Python {platform.python_version()}; {datetime.date.today().isoformat()}; load average {load:.2f} at the start",
        flush=True,
    )
    populations = (
        f"{size:,} organisations ({made[size]['bytes'] / 1e6:,.1f} MB of Parquet, {made[size]['seconds']:.1f} s)" for size in sizes
    )
    print(f"Populations generated first, not timed (seed {arguments.seed}): {', '.join(populations)}")

    modes = [(size, False) for size in sizes] + ([(largest, True)] if charts else [])
    print(
        f"\nThe engine: `kruger-rules impact`'s work (read Parquet, baseline + reform in chunks, aggregate, write), "
        f"median and best of {repeats} run(s) each, in turn; start-up (interpreter, imports, rule system) apart",
        flush=True,
    )
    engine: dict[tuple[int, bool], list[ChildRun]] = {mode: [] for mode in modes}
    busy = Busy.now()
    for repeat in range(repeats):  # round robin, so that a busy moment of the machine weighs on every measure alike
        for size, with_charts in modes:
            out = folder / f"impact-{size}-{with_charts}-{repeat}"
            options = ["--reform", arguments.reform, "--population", str(population_path(folder, size)), "--out", str(out)]
            engine[(size, with_charts)].append(runner.run("engine", options + (["--charts"] if with_charts else [])))
    figures = {mode: EngineFigures(runs) for mode, runs in engine.items()}
    print(f"{'organisations':>13}  {'writes':<23}{'start-up':>9}{'work':>8}{'best':>8}{'compute':>8}{'write':>7}", end="")
    print(f"{'CPU/wall':>9}{'peak RSS':>10}{'per 1M rows':>12}")
    for (size, with_charts), figure in figures.items():
        writes = "tables, charts, report" if with_charts else "tables (CSV, Parquet)"
        cpu = statistics.median(run.done["cpu"] / run.done["work"] for run in figure.runs)
        per_million = figure.work * MILLION / size
        print(f"{size:>13,}  {writes:<23}{figure.startup:>8.2f}s{figure.work:>7.2f}s{figure.best:>7.2f}s", end="")
        print(f"{figure.median('compute'):>7.2f}s{figure.median('write'):>6.2f}s{cpu:>9.2f}{mib(figure.peak):>10}{per_million:>11.2f}s")
    tables = {size: figures[(size, False)] for size in sizes}
    print(f"  peak RSS includes start-up ({mib(tables[largest].startup_rss)} when ready to work); CPU/wall: cores used by the work")
    print(f"  {Busy.now().others_since(busy)}")
    growth = [(small, large, tables[large].work / tables[small].work) for small, large in zip(sizes, sizes[1:], strict=False)]
    for small, large, ratio in growth:
        print(f"  growth from {small:,} to {large:,} organisations: {ratio:.1f}x (linear: {large / small:.0f}x)")
    fit = linear_fit({size: figure.work for size, figure in tables.items()})
    if fit is not None:
        fixed, per_million, off = fit
        print(
            f"  as a line: {fixed:.2f} s whatever the size + {per_million:.2f} s per 1,000,000 rows "
            f"(least squares; each size within {off:.1%} of it)"
        )
    for label, figure in [("tables", tables[largest])] + ([("with charts", figures[(largest, True)])] if charts else []):
        met = (
            f"work <= {TIME_GOAL_S:g} s: {verdict(figure.work <= TIME_GOAL_S)}; peak <= 1 GiB: {verdict(figure.peak <= MEMORY_GOAL_BYTES)}"
        )
        print(f"  goals at {largest:,}, {label}: {met}", flush=True)

    checks: list[bool] = []
    reference = run_reference(arguments, runner, sizes, tables, checks)
    arithmetic = run_arithmetic(arguments, runner, largest, tables[largest], checks)
    summary(arguments, sizes, figures, growth, fit, reference, arithmetic, charts)
    if hasattr(os, "getloadavg"):
        print(f"Load average {os.getloadavg()[0]:.2f} at the end (the measured processes count in it).")
    if not all(checks):
        print("\nA check of totals failed: the figures above compare different results.")
    return all(checks)


def linear_fit(times: dict[int, float]) -> tuple[float, float, float] | None:
    """The line through the times by size (least squares): seconds at no rows, seconds per million rows, largest relative gap."""
    if len(times) < 3:  # two points make a line whatever the growth
        return None
    sizes, seconds = list(times), list(times.values())
    mean_size, mean_seconds = statistics.fmean(sizes), statistics.fmean(seconds)
    slope = sum((n - mean_size) * (t - mean_seconds) for n, t in zip(sizes, seconds, strict=True))
    slope /= sum((n - mean_size) ** 2 for n in sizes)
    fixed = mean_seconds - slope * mean_size
    off = max(abs(t - (fixed + slope * n)) / t for n, t in zip(sizes, seconds, strict=True))
    return fixed, slope * MILLION, off


@dataclass
class Reference:
    """The OpenFisca way at each size tried (None: cut off), and its estimate at 1,000,000."""

    seconds: dict[int, float | None]
    cut_off: dict[int, float]
    peaks: dict[int, int]
    estimate: float
    estimated_from: str
    ratio: float


def run_reference(
    arguments: argparse.Namespace, runner: Runner, sizes: list[int], tables: dict[int, EngineFigures], checks: list[bool]
) -> Reference:
    tried = [size for size in sizes if size < MILLION] or sizes[:1]
    print(
        "\nThe OpenFisca way: situation dicts from the same files (an entry per organisation and per place; each procurement with a copy "
        "of its commissioner, in a second simulation), SimulationBuilder.build_from_entities, the same outputs for baseline and reform; "
        "no aggregation, no writing"
    )
    print(f"{'organisations':>13}  {'dicts':>9}{'build':>9}{'calculate':>10}{'work':>10}{'peak RSS':>11}{'engine':>9}{'ratio':>9}")
    seconds: dict[int, float | None] = {}
    cut_off: dict[int, float] = {}
    peaks: dict[int, int] = {}
    busy = Busy.now()
    for size in tried:
        options = ["--reform", arguments.reform, "--population", str(population_path(runner.folder, size))]
        child = runner.run("reference", options, timeout=arguments.reference_timeout)
        phases = {record["name"]: record["seconds"] for record in child.records if record["event"] == "phase"}
        shown = [
            f"{phases[name]:>8.2f}s" if name in phases else f"{'-':>9}"
            for name in ("read + situation dicts", "build_from_entities", "calculate")
        ]
        engine = tables[size].work
        peaks[size] = child.peak_bytes
        if child.timed_out:
            seconds[size] = None
            cut_off[size] = cut = arguments.reference_timeout - (child.startup or 0.0)
            print(
                f"{size:>13,}  {shown[0]}{shown[1]}{shown[2][1:]:>10} >{cut:>7.0f}s{mib(child.peak_bytes):>11}{engine:>8.2f}s"
                f" >={cut / engine:>6.0f}x  (cut off after {arguments.reference_timeout:.0f} s)",
                flush=True,
            )
            continue
        done = child.done
        seconds[size] = done["work"]
        print(f"{size:>13,}  {shown[0]}{shown[1]}{shown[2]:>10}{done['work']:>9.2f}s{mib(child.peak_bytes):>11}", end="")
        print(f"{engine:>8.2f}s{done['work'] / engine:>8.1f}x", flush=True)
        line, same = check_line(
            "its totals (units, eligible and amounts, both systems)", done["totals"], tables[size].totals, size, sorted(done["totals"])
        )
        print(line)
        checks.append(same)
    print(f"  {Busy.now().others_since(busy)}")
    completed = [size for size in tried if seconds[size] is not None]
    estimate, estimated_from = 0.0, ""
    if completed:
        base = completed[-1]
        estimate, estimated_from = seconds[base] * MILLION / base, f"linear from {base:,}"  # type: ignore[operator]
    for size in tried:
        if seconds[size] is None and cut_off[size] * MILLION / size > estimate:
            estimate = cut_off[size] * MILLION / size
            estimated_from = f"linear from more than {cut_off[size]:,.0f} s at {size:,}, cut off"
    if len(completed) >= 2:
        small, large = completed[0], completed[-1]
        print(f"  growth from {small:,} to {large:,}: {seconds[large] / seconds[small]:.1f}x (linear: {large / small:.0f}x)")  # type: ignore[operator]
    engine_million = tables[max(tables)].work * MILLION / max(tables)
    basis = "measured" if max(tables) == MILLION else f"linear from {max(tables):,}"
    ratio = estimate / engine_million
    print(
        f"  at {MILLION:,}: about {estimate:,.0f} s ({estimated_from}; a lower bound if it grows faster than linearly), "
        f"the engine {engine_million:.2f} s ({basis}): {ratio:,.0f}x (goal >= {REFERENCE_GOAL:g}x: {verdict(ratio >= REFERENCE_GOAL)})",
        flush=True,
    )
    return Reference(seconds, cut_off, peaks, estimate, estimated_from, ratio)


def run_arithmetic(
    arguments: argparse.Namespace, runner: Runner, size: int, engine: EngineFigures, checks: list[bool]
) -> tuple[float, float]:
    """The numpy bound's and the engine's seconds for the same outputs from the same arrays, printed with the checks."""
    repeats = 1 if arguments.quick else ARITHMETIC_REPEATS * max(1, arguments.repeats)
    print(
        f"\nA plain numpy lower bound on {size:,} organisations: MatchTrade, the Community Recovery Fund (grant and eligibility, "
        "organisations) and the LUC Fund (yearly award and eligibility, places), baseline and reform, from arrays already read; "
        f"best of {repeats}, in turn"
    )
    options = [
        "--reform",
        arguments.reform,
        "--population",
        str(population_path(runner.folder, size)),
        "--repeats",
        str(repeats),
    ]
    busy = Busy.now()
    done = runner.run("arithmetic", options).done
    others = Busy.now().others_since(busy)
    ratio = done["engine"] / done["numpy"]
    print(f"  plain numpy, whole arrays:                              {done['numpy']:>7.3f} s")
    goal = f"(goal <= {NUMPY_GOAL:g}x: {verdict(ratio <= NUMPY_GOAL)})"
    print(f"  the engine, the same outputs (its chunks, simulations): {done['engine']:>7.3f} s   {ratio:.1f}x numpy {goal}")
    whole = f"{engine.work:.3f} s, {engine.work / done['numpy']:.0f}x numpy"
    print(f"  the engine's whole work above (every scheme, read, aggregate, write): {whole}")
    print(f"  {others}")
    keys = [f"{entity}/{scheme}" for entity, scheme in NUMPY_SCHEMES]
    for what, found in (("numpy's totals", done["numpy_totals"]), ("the engine's totals from the same arrays", done["engine_totals"])):
        line, same = check_line(what, found, engine.totals, size, keys)
        print(line, flush=True)
        checks.append(same)
    return done["numpy"], done["engine"]


def summary(
    arguments: argparse.Namespace,
    sizes: list[int],
    figures: dict[tuple[int, bool], EngineFigures],
    growth: list[tuple[int, int, float]],
    fit: tuple[float, float, float] | None,
    reference: Reference,
    arithmetic: tuple[float, float],
    charts: bool,
) -> None:
    """The headline figures, each with its goal and whether it is met."""
    largest = sizes[-1]
    big = figures[(largest, False)]
    rows = [
        (
            f"baseline + reform, {largest:,} organisations, tables written",
            f"{big.work:.2f} s",
            f"<= {TIME_GOAL_S:g} s",
            verdict(big.work <= TIME_GOAL_S),
        ),
        ("  peak memory of its process (start-up included)", mib(big.peak), "<= 1,024 MiB", verdict(big.peak <= MEMORY_GOAL_BYTES)),
        ("  start-up of its process (not in the work)", f"{big.startup:.2f} s", "", ""),
    ]
    if charts:
        drawn = figures[(largest, True)]
        met = verdict(drawn.work <= TIME_GOAL_S and drawn.peak <= MEMORY_GOAL_BYTES)
        rows.append(("  with charts and the HTML report", f"{drawn.work:.2f} s, {mib(drawn.peak)}", "<= 2 s, 1 GiB", met))
    for size in sizes[:-1]:
        rows.append(
            (f"the same on {size:,} organisations", f"{figures[(size, False)].work:.2f} s, {mib(figures[(size, False)].peak)}", "", "")
        )
    for small, large, ratio in growth:
        rows.append((f"growth from {small:,} to {large:,}", f"{ratio:.1f}x", f"linear: {large / small:.0f}x", ""))
    if fit is not None:
        rows.append(("  as a line: fixed + per 1,000,000 rows", f"{fit[0]:.2f} s + {fit[1]:.2f} s", f"within {fit[2]:.1%}", ""))
    for size, seconds in reference.seconds.items():
        shown = f"> {reference.cut_off[size]:,.0f} s (cut off)" if seconds is None else f"{seconds:,.1f} s"
        rows.append((f"the OpenFisca way on {size:,} organisations", f"{shown}, {mib(reference.peaks[size])}", "", ""))
    numpy_seconds, engine_seconds = arithmetic
    ratio = engine_seconds / numpy_seconds
    rows += [
        (f"the OpenFisca way on {MILLION:,} ({reference.estimated_from})", f"~{reference.estimate:,.0f} s", "", ""),
        ("  the engine faster by", f"{reference.ratio:,.0f}x", f">= {REFERENCE_GOAL:g}x", verdict(reference.ratio >= REFERENCE_GOAL)),
        (f"plain numpy, the schemes that pay, {largest:,} organisations", f"{numpy_seconds:.3f} s", "", ""),
        (
            "  the engine, the same outputs from the same arrays",
            f"{engine_seconds:.3f} s, {ratio:.1f}x",
            f"<= {NUMPY_GOAL:g}x",
            verdict(ratio <= NUMPY_GOAL),
        ),
    ]
    width, figures_width = max(len(row[0]) for row in rows) + 2, max(len(row[1]) for row in rows)
    print(f"\nSummary ({arguments.reform!r} against the baseline, period {YEAR})")
    print(f"{'measure':<{width}}{'figure':>{figures_width}}  {'goal':<16}")
    for label, figure, goal, met in rows:
        print(f"{label:<{width}}{figure:>{figures_width}}  {goal:<16}{met}".rstrip())


if __name__ == "__main__":
    sys.exit(main())
