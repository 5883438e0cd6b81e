"""The tables of decision records, their replays, and the formulas' hashes of each rules version.

A record is written once and never changed: a replay is a row of its own beside it. Each row keeps its
content (``kruger_rules.records``) as one JSON document and the hash that seals it; the columns beside the
document (organisation, period, key, time) are copies of what it holds, for finding records, and are sealed
with it. ``rule_versions`` keeps, once per rules version and system (the rules in force, or a reform's
canonical form), every variable's formula hash, so that a replay can tell which formulas changed since.
"""

from __future__ import annotations

import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from kruger_rules.store.base import Base, utc_now

ID_LENGTH = 32
RULES_VERSION_LENGTH = 64
HASH_LENGTH = 71
"""``sha256:`` and 64 hexadecimal digits."""


class DecisionRecord(Base):
    __tablename__ = "decision_records"
    __table_args__ = (Index(None, "key_id", "organisation", "made_at"), Index(None, "key_id", "made_at"))

    id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    """32 hexadecimal digits, random."""
    organisation: Mapped[str] = mapped_column(String(255))
    period: Mapped[str] = mapped_column(String(4))
    made_at: Mapped[datetime.datetime] = mapped_column(default=utc_now)
    key_id: Mapped[int | None] = mapped_column(ForeignKey("api_keys.id"))
    """The key that made the record; none for one made on the command line."""
    rules_version: Mapped[str] = mapped_column(String(RULES_VERSION_LENGTH))
    system: Mapped[str] = mapped_column(String(HASH_LENGTH))
    """``baseline``, or the hash of the reform's canonical form: which formulas' hashes a replay compares with."""
    content: Mapped[dict[str, Any]]
    content_hash: Mapped[str] = mapped_column(String(HASH_LENGTH))


class DecisionReplay(Base):
    __tablename__ = "decision_replays"
    __table_args__ = (Index(None, "record_id", "made_at"),)

    id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    record_id: Mapped[str] = mapped_column(ForeignKey("decision_records.id"))
    made_at: Mapped[datetime.datetime] = mapped_column(default=utc_now)
    key_id: Mapped[int | None] = mapped_column(ForeignKey("api_keys.id"))
    rules_version: Mapped[str] = mapped_column(String(RULES_VERSION_LENGTH))
    same: Mapped[bool]
    content: Mapped[dict[str, Any]]
    content_hash: Mapped[str] = mapped_column(String(HASH_LENGTH))


class RuleVersion(Base):
    __tablename__ = "rule_versions"

    rules_version: Mapped[str] = mapped_column(String(RULES_VERSION_LENGTH), primary_key=True)
    system: Mapped[str] = mapped_column(String(HASH_LENGTH), primary_key=True)
    formula_hashes: Mapped[dict[str, Any]]
    first_seen: Mapped[datetime.datetime] = mapped_column(default=utc_now)
