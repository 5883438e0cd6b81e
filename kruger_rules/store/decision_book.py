"""The decision records in the database: the one place that reads and writes them, their replays and the rules' hashes.

Records are written in one transaction, committed before the caller answers, and never updated: this module
has no way to change one. Each read checks the record: its content against its hash, and the columns beside
the content (organisation, period, time, rules version) against the content. A record that fails is returned
marked as failed, never as good, and the caller says so.
"""

from __future__ import annotations

import datetime
import secrets
import weakref
from dataclasses import dataclass

from sqlalchemy import and_, or_, select
from sqlalchemy.exc import IntegrityError

from kruger_rules.records.content import content_hash
from kruger_rules.records.decisions import sealed_content
from kruger_rules.store.base import utc_now
from kruger_rules.store.database import Database
from kruger_rules.store.decision_records import DecisionRecord, DecisionReplay, RuleVersion

MAX_PAGE = 200

KEPT: weakref.WeakKeyDictionary[Database, set[tuple[str, str]]] = weakref.WeakKeyDictionary()
"""By open database: the rules versions and systems whose formulas' hashes it is known to keep."""


@dataclass(frozen=True)
class Stored:
    """A record or replay as read: its id, content, hash, the key that made it, and whether it is intact."""

    id: str
    content: dict
    content_hash: str
    key_id: int | None
    intact: bool


def new_id() -> str:
    return secrets.token_hex(16)


def checked(row: DecisionRecord) -> Stored:
    content = row.content
    intact = content_hash(content) == row.content_hash and (
        content.get("organisation"),
        content.get("period"),
        content.get("rules_version"),
        content.get("made_at"),
    ) == (row.organisation, row.period, row.rules_version, row.made_at.isoformat())
    return Stored(row.id, content, row.content_hash, row.key_id, intact)


class DecisionBook:
    def __init__(self, database: Database) -> None:
        self.database = database

    def record(self, records: list[dict], key_id: int | None, system: str, formula_hashes: dict[str, str]) -> list[str]:
        """Store each record (content and hash, as ``records.decisions`` makes them) and the rules' hashes if new; their ids.

        One transaction: every record is committed, or none is.
        """
        ids = [new_id() for _ in records]
        with self.database.transaction() as session:
            for record_id, record in zip(ids, records, strict=True):
                content = sealed_content(record)
                session.add(
                    DecisionRecord(
                        id=record_id,
                        organisation=content["organisation"],
                        period=content["period"],
                        made_at=datetime.datetime.fromisoformat(content["made_at"]),
                        key_id=key_id,
                        rules_version=content["rules_version"],
                        system=system,
                        content=content,
                        content_hash=record["content_hash"],
                    )
                )
        if records:
            self.keep_formula_hashes(records[0]["rules_version"], system, formula_hashes)
        return ids

    def keep_formula_hashes(self, rules_version: str, system: str, hashes: dict[str, str]) -> None:
        """The formulas' hashes of a rules version and system, kept once (another process may keep them first).

        The database is asked once a process (``KEPT``), not at every record: the row is never deleted.
        """
        kept = KEPT.setdefault(self.database, set())
        if (rules_version, system) in kept:
            return
        with self.database.transaction() as session:
            found = session.get(RuleVersion, (rules_version, system)) is not None
        if not found:
            try:
                with self.database.transaction() as session:
                    session.add(RuleVersion(rules_version=rules_version, system=system, formula_hashes=hashes))
            except IntegrityError:
                pass
        kept.add((rules_version, system))

    def formula_hashes(self, rules_version: str, system: str) -> dict[str, str] | None:
        with self.database.transaction() as session:
            found = session.get(RuleVersion, (rules_version, system))
            return dict(found.formula_hashes) if found is not None else None

    def get(self, record_id: str, key_id: int | None = None, any_key: bool = False) -> tuple[Stored, str] | None:
        """A record, checked, and its system; None if there is none, or if it was made by another key than ``key_id``."""
        with self.database.transaction() as session:
            row = session.get(DecisionRecord, record_id)
            if row is None or (not any_key and row.key_id != key_id):
                return None
            return checked(row), row.system

    def page(
        self,
        key_id: int | None,
        organisation: str | None = None,
        since: datetime.datetime | None = None,
        until: datetime.datetime | None = None,
        after: str | None = None,
        size: int = 50,
        any_key: bool = False,
    ) -> tuple[list[Stored], str | None]:
        """Records, newest first, ``size`` at most, older than the record ``after``; and the id to ask the next page after."""
        query = select(DecisionRecord)
        if not any_key:
            query = query.where(DecisionRecord.key_id.is_(None) if key_id is None else DecisionRecord.key_id == key_id)
        if organisation is not None:
            query = query.where(DecisionRecord.organisation == organisation)
        if since is not None:
            query = query.where(DecisionRecord.made_at >= since)
        if until is not None:
            query = query.where(DecisionRecord.made_at < until)
        with self.database.transaction() as session:
            if after is not None:
                last = session.get(DecisionRecord, after)
                if last is not None:
                    query = query.where(
                        or_(
                            DecisionRecord.made_at < last.made_at,
                            and_(DecisionRecord.made_at == last.made_at, DecisionRecord.id < last.id),
                        )
                    )
            rows = session.scalars(query.order_by(DecisionRecord.made_at.desc(), DecisionRecord.id.desc()).limit(size + 1)).all()
            found = [checked(row) for row in rows[:size]]
        return found, (found[-1].id if len(rows) > size else None)

    def add_replay(self, record_id: str, key_id: int | None, outcome: dict) -> Stored:
        """A replay stored beside its record, sealed as a record is."""
        content = {**outcome, "record_id": record_id, "made_at": utc_now().isoformat()}
        replay = DecisionReplay(
            id=new_id(),
            record_id=record_id,
            made_at=datetime.datetime.fromisoformat(content["made_at"]),
            key_id=key_id,
            rules_version=outcome["rules_version"],
            same=outcome["same"],
            content=content,
            content_hash=content_hash(content),
        )
        with self.database.transaction() as session:
            session.add(replay)
        return Stored(replay.id, content, replay.content_hash, key_id, True)

    def replays(self, record_id: str) -> list[Stored]:
        with self.database.transaction() as session:
            rows = session.scalars(
                select(DecisionReplay).where(DecisionReplay.record_id == record_id).order_by(DecisionReplay.made_at)
            ).all()
            return [
                Stored(row.id, row.content, row.content_hash, row.key_id, content_hash(row.content) == row.content_hash) for row in rows
            ]
