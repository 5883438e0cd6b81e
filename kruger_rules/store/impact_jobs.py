"""The table of jobs, of every kind (impact, batch): what was asked, where the job stands, who runs it, and what it left on disk.

The table is named for its first kind; ``kind`` says what a job runs, so that one queue and one runner serve
them all. A job is queued at submission, claimed by a server (``running``: ``run_token`` names the claim, ``owner``
the process that holds it, ``lease_until`` when the claim lapses unless renewed), and ends ``done`` (its
results in the job's folder, listed by ``manifest``) or ``failed`` (``error``, in the API's error shape).
"""

from __future__ import annotations

import datetime
import enum
from typing import Any

from sqlalchemy import CheckConstraint, Enum, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from kruger_rules.store.base import Base, utc_now


class JobStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class JobKind(enum.StrEnum):
    """What a job runs; its files live in the data folder's folder of that name."""

    IMPACT = "impact"
    BATCH = "batch"


class ImpactJob(Base):
    __tablename__ = "impact_jobs"
    __table_args__ = (
        CheckConstraint("rows_done >= 0 AND rows_done <= rows_total", name="rows_done_within_total"),
        CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        Index(None, "status", "submitted_at"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    """32 hexadecimal digits, random: an id cannot be guessed from another."""
    kind: Mapped[JobKind] = mapped_column(
        Enum(JobKind, name="job_kind", native_enum=False, length=16, values_callable=lambda kind: list(kind)), default=JobKind.IMPACT
    )
    status: Mapped[JobStatus] = mapped_column(
        Enum(JobStatus, name="job_status", native_enum=False, create_constraint=True, length=16, values_callable=lambda kind: list(kind))
    )
    submitted_at: Mapped[datetime.datetime] = mapped_column(default=utc_now)
    started_at: Mapped[datetime.datetime | None]
    """When the last claim began (a job re-queued after a stop starts again)."""
    finished_at: Mapped[datetime.datetime | None]

    period: Mapped[str] = mapped_column(String(4))
    reform: Mapped[dict[str, Any]]
    """The reform's normalised data form (``ReformSpec.data``): all a worker needs to rebuild its system."""
    reform_label: Mapped[str] = mapped_column(String(500))
    population: Mapped[dict[str, Any]]
    """Where the rows come from: ``source`` (``sample`` or ``upload``), the name and size of the file as sent,
    its rows, and the file names in the job's folder."""
    options: Mapped[dict[str, Any] | None]
    """How a batch job screens and writes its rows: ``explain``, and the results' ``format``. An impact job run from the
    reform workbench: the SHA-256 of the token its pages are read with. The API answers with neither."""

    rows_total: Mapped[int]
    rows_done: Mapped[int] = mapped_column(default=0)
    stage: Mapped[str | None] = mapped_column(String(16))
    """What a running job is doing: ``starting``, ``computing``, then writing ``tables``, ``charts``, the ``report``."""

    attempts: Mapped[int] = mapped_column(default=0)
    """Claims so far; a job left running by stopped servers too many times fails instead of running again."""
    run_token: Mapped[str | None] = mapped_column(String(32))
    owner: Mapped[str | None] = mapped_column(String(255))
    """``host:pid`` of the process that holds the claim: the server that claimed it, then the job's own process."""
    lease_until: Mapped[datetime.datetime | None]

    results: Mapped[str | None] = mapped_column(String(64))
    """The folder of the results, inside the job's folder."""
    manifest: Mapped[dict[str, Any] | None]
    """A done job's ``files`` (name, bytes), ``tables`` and ``charts`` (name, title), and ``about`` (what was run)."""
    rules_version: Mapped[str | None] = mapped_column(String(64))
    error: Mapped[dict[str, Any] | None]
    """A failed job's ``{"code", "message", "path"}``."""
    key_id: Mapped[int | None] = mapped_column(ForeignKey("api_keys.id"))
    """The key that submitted the job, the only one that may read it; none for a job submitted without a key."""
