"""A batch job's work: its file screened row by row (``batch.run.run_batch``), the results and the errors file kept.

The job's record says everything the run needs: the files in the job's folder and the names they were sent
under (``population``), whether to explain and the results' format (``options``). The results are
``results.<format>`` and ``errors.csv`` in the run's folder; a fault is reported in the sender's words
(``batch_uploads.as_sent``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kruger_rules.batch.run import BatchSummary, Progress, run_batch
from kruger_rules.errors import KrugerError
from kruger_rules.jobs.batch_uploads import FILE, PLACES, PROCUREMENTS, Sent, as_sent, by_field
from kruger_rules.jobs.folders import listed
from kruger_rules.jobs.reporting import Finished, Reporter
from kruger_rules.store import ImpactJob

RESULTS, ERRORS = "results", "errors.csv"


def sent_files(job: ImpactJob, folder: Path) -> list[Sent]:
    """The job's files as sent, kept in ``folder``."""
    return [Sent(field, entry["name"], folder / entry["file"]) for field, entry in job.population["files"].items()]


def batch_work(job: ImpactJob, results: Path, reporter: Reporter) -> Finished:
    options = job.options or {}
    results.mkdir(parents=True, exist_ok=True)
    out = results / f"{RESULTS}.{options['format']}"
    summary = screened(
        sent_files(job, results.parent),
        out,
        results / ERRORS,
        period=job.period,
        reform=job.reform,
        explain=bool(options.get("explain")),
        progress=reporter.progress,
    )
    manifest = {"files": listed(results), "results": out.name, "errors": ERRORS, "about": about(summary, options)}
    return Finished(manifest, summary.rules_version, summary.rows)


def screened(
    sent: list[Sent], out: Path, errors: Path, *, period: str, reform: Any, explain: bool, progress: Progress | None = None
) -> BatchSummary:
    """``run_batch`` on the files of a form, a fault said in the sender's words: what a batch job and an answer at once share."""
    paths = by_field(sent)
    try:
        return run_batch(
            paths[FILE],
            out,
            period=period,
            reform=reform,
            explain=explain,
            errors=errors,
            places=paths.get(PLACES),
            procurements=paths.get(PROCUREMENTS),
            progress=progress,
        )
    except KrugerError as error:
        raise as_sent(error, sent) from None


def about(summary: BatchSummary, options: dict[str, Any]) -> dict[str, Any]:
    """What a run did, as its answer says it: rows screened, ok and failed, the period, the reform, and how long it took."""
    return {
        "rows": summary.rows,
        "ok": summary.ok,
        "failed": summary.failed,
        "period": summary.period,
        "reform": summary.reform,
        "explain": bool(options.get("explain")),
        "format": options["format"],
        "rules_version": summary.rules_version,
        "seconds": summary.seconds,
    }
