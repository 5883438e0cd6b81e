"""What the API and the command line ask of decision records: record an answer, show a record, replay one.

The key that asks is passed as its id and name (none on the command line, which reads every record); a key
reads only the records it made, and another key's record does not exist for it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from kruger_rules.errors import KrugerError
from kruger_rules.records.content import content_hash
from kruger_rules.records.decisions import COMMAND_LINE, decision_contents
from kruger_rules.records.replay import replay, system_of
from kruger_rules.records.rules_read import all_formula_hashes
from kruger_rules.reforms import ReformSpec, parse_reform
from kruger_rules.store.base import utc_now
from kruger_rules.store.decision_book import DecisionBook, Stored

BASELINE = "baseline"


@dataclass(frozen=True)
class Caller:
    """Who asks: a key (its id and name), or the command line (``key_id`` None, every record)."""

    key_id: int | None = None
    key_name: str | None = None
    command_line: bool = False


def system_name(reform: dict | None) -> str:
    """``baseline``, or the hash of the reform's canonical form: whose formulas' hashes a record is compared with."""
    return BASELINE if reform is None else content_hash(parse_reform(reform).canonical)


def reform_data(spec: ReformSpec | None) -> dict | None:
    return None if spec is None or spec.is_baseline else spec.data


def record_answer(book: DecisionBook, spec: ReformSpec | None, situation: dict, answer: dict, caller: Caller) -> dict[str, str]:
    """Each organisation's decision in an explained answer stored; the record ids by organisation."""
    reform = reform_data(spec)
    system = system_of(reform)
    made_by = COMMAND_LINE if caller.command_line else f"key {caller.key_name}"
    records = decision_contents(system, reform, situation, answer, made_by, utc_now())
    ids = book.record(records, caller.key_id, system_name(reform), all_formula_hashes(system))
    return {record["organisation"]: record_id for record, record_id in zip(records, ids, strict=True)}


def read_record(book: DecisionBook, record_id: str, caller: Caller) -> tuple[Stored, str]:
    """A record the caller may read, checked; a ``KrugerError``: none such (404), or one that fails its check (409)."""
    found = book.get(record_id, caller.key_id, any_key=caller.command_line)
    if found is None:
        raise KrugerError("not_found", f"no decision record '{record_id}'", "$.id")
    record, system = found
    if not record.intact:
        raise KrugerError(
            "record_corrupted",
            f"decision record '{record_id}' fails its integrity check: its content no longer matches the hash it was sealed "
            "with, so it is not shown as a record",
            "$.id",
        )
    return record, system


def show(book: DecisionBook, record_id: str, caller: Caller) -> dict:
    """A record as shown: its id, content, hash, and its replays so far."""
    record, _ = read_record(book, record_id, caller)
    return {
        "id": record.id,
        **record.content,
        "content_hash": record.content_hash,
        "replays": [{"id": replayed.id, **replayed.content, "intact": replayed.intact} for replayed in book.replays(record.id)],
    }


def replay_record(book: DecisionBook, record_id: str, caller: Caller, period: str | None = None) -> dict:
    """A record computed again today (for its own period, or ``period``), the replay stored beside it."""
    record, system = read_record(book, record_id, caller)
    outcome = replay(record.content, book.formula_hashes(record.content["rules_version"], system), period)
    stored = book.add_replay(record.id, caller.key_id, outcome)
    return {"id": stored.id, **stored.content}


def page_of(
    book: DecisionBook,
    caller: Caller,
    organisation: str | None,
    since: datetime.datetime | None,
    until: datetime.datetime | None,
    after: str | None,
    size: int,
) -> tuple[list[dict], str | None]:
    """A page of the caller's records, newest first, each summed up; and the id to ask the next page after."""
    found, following = book.page(caller.key_id, organisation, since, until, after, size, any_key=caller.command_line)
    return [summary(record) for record in found], following


def summary(record: Stored) -> dict:
    """A record in a list: who, when, under what, and each scheme's eligibility; or that it fails its check."""
    content = record.content
    if not record.intact:
        return {"id": record.id, "intact": False}
    return {
        "id": record.id,
        "intact": True,
        "organisation": content["organisation"],
        "period": content["period"],
        "reform": content["reform"],
        "made_at": content["made_at"],
        "rules_version": content["rules_version"],
        "eligible": {scheme: outputs["eligible"] for scheme, outputs in content["outputs"].items()},
    }
