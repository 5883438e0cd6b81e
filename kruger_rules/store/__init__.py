"""The database: one SQLAlchemy metadata, one engine and session factory per database URL, and a repository per table.

SQLite by default (a file in the data folder, in WAL mode), or any SQLAlchemy URL (PostgreSQL through
``postgresql+psycopg://...``). Every table hangs off :class:`Base`, and one Alembic history (``migrations``, applied
by ``Database.migrate``) makes and alters them all; constraints are named by one convention, timestamps are
timezone-aware UTC, and documents (a reform, a population's description, a result's manifest) are JSON columns.

* ``base``: the declarative base, its naming convention and column types (UTC timestamps, JSON);
* ``database``: :class:`Database`, an engine and its sessions for a URL, with SQLite's settings;
* ``migrations``: the schema's Alembic revisions (``versions/``), run under a lock by ``Database.migrate``;
* ``impact_jobs``: the table of jobs (impact and batch, by ``kind``); ``job_queue``: :class:`JobQueue`, the only code that reads or
  writes it (submit, claim within a limit, progress, finish, fail, recover);
* ``api_keys``: the table of API keys (a hash of each, never its text); ``key_ring``: :class:`KeyRing`, the only code that reads or
  writes it (create, find by the key's text, list, revoke).

A new kind of record (decision records, API keys) is a model module beside ``impact_jobs``, a repository
beside ``job_queue``, on the same :class:`Database`, and a revision in ``migrations/versions`` that makes its table.
"""

from __future__ import annotations

from kruger_rules.store.api_keys import ApiKey
from kruger_rules.store.base import Base, utc_now
from kruger_rules.store.database import Database, default_url, shown_url
from kruger_rules.store.decision_book import DecisionBook
from kruger_rules.store.decision_records import DecisionRecord, DecisionReplay, RuleVersion
from kruger_rules.store.impact_jobs import ImpactJob, JobKind, JobStatus
from kruger_rules.store.job_queue import JobQueue
from kruger_rules.store.key_ring import KeyRing

__all__ = [
    "ApiKey",
    "Base",
    "Database",
    "DecisionBook",
    "DecisionRecord",
    "DecisionReplay",
    "ImpactJob",
    "JobKind",
    "JobQueue",
    "JobStatus",
    "KeyRing",
    "RuleVersion",
    "default_url",
    "shown_url",
    "utc_now",
]
