"""An impact job's work: the impact run on its population, its report written, and the manifest of what it left."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kruger_rules.jobs.folders import listed
from kruger_rules.jobs.reporting import Finished, Reporter
from kruger_rules.population.charts import TITLES
from kruger_rules.population.impact import Impact, run_impact
from kruger_rules.population.report import REPORT, write_report
from kruger_rules.store import ImpactJob

SERVER_PATHS = ("population", "population_files", "assumptions_file")
"""Entries of a run's ``about`` that are paths on the server: the record keeps the rest."""


def impact_work(job: ImpactJob, results: Path, reporter: Reporter) -> Finished:
    impact = run_impact(job.reform, population=job.population.get("file"), period=job.period, progress=reporter.progress)
    write_report(impact, results, step=reporter.step)
    return Finished(manifest(impact, results), impact.about["rules_version"])


def manifest(impact: Impact, results: Path) -> dict[str, Any]:
    """What a done job left: its files (name, bytes), its report, its tables and charts by name, and what was run."""
    return {
        "report": REPORT,
        "files": listed(results),
        "tables": list(impact.tables),
        "charts": [{"name": name, "title": title} for name, title in TITLES.items() if (results / f"{name}.png").is_file()],
        "about": {key: value for key, value in impact.about.items() if key not in SERVER_PATHS},
    }
