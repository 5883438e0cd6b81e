"""``kruger-rules decisions list|show|replay``: the decision records of the server's database, from its command line.

The command line reads every record, whoever made it: it is the database's own administrator, as ``keys`` is.
``show`` prints a record (JSON), its replays with it; ``replay`` answers it again under today's rules (its own
period, or ``--period``), stores the replay beside it and says whether the answer is the same, and if not what
changed and why. A record that fails its integrity check is refused, with that reason, never printed as good.
"""

from __future__ import annotations

import datetime
import json
from typing import TYPE_CHECKING

from kruger_rules.db_cli import on_database
from kruger_rules.errors import KrugerError

if TYPE_CHECKING:
    from kruger_rules.store import Database


def add_decisions_command(subparsers) -> None:
    """Add ``decisions`` and its actions to the ``kruger-rules`` subparsers."""
    decisions = subparsers.add_parser(
        "decisions",
        help="the decision records: list them, show one, replay one under today's rules",
        description="Read and replay the decision records of the server's database (KRUGER_DATABASE_URL, else SQLite in "
        "KRUGER_DATA_DIR). Records are made by POST /api/v1/eligibility?record=true and kruger-rules batch --record.",
    )
    actions = decisions.add_subparsers(title="actions", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="the records, newest first")
    listing.add_argument("--organisation", help="only this organisation's records")
    listing.add_argument("--since", type=moment, metavar="YYYY-MM-DD", help="only records made on or after this day")
    listing.add_argument("--limit", type=int, default=50, metavar="N", help="at most N records (default: 50)")
    listing.set_defaults(run=run_list)
    show = actions.add_parser("show", help="a record and its replays, as JSON")
    show.add_argument("id", metavar="ID")
    show.set_defaults(run=run_show)
    replay = actions.add_parser("replay", help="answer a record again under today's rules and say what changed")
    replay.add_argument("id", metavar="ID")
    replay.add_argument("--period", help="the year to answer for (default: the record's own)")
    replay.add_argument("--output", choices=("text", "json"), default="text", help="text (default) or json")
    replay.set_defaults(run=run_replay)


def moment(text: str) -> datetime.datetime:
    try:
        return datetime.datetime.combine(datetime.date.fromisoformat(text), datetime.time(), datetime.UTC)
    except ValueError:
        raise KrugerError("bad_option", f"--since is a day written YYYY-MM-DD, not {text!r}") from None


def book(database: Database):
    from kruger_rules.store import DecisionBook

    database.migrate()
    return DecisionBook(database)


def run_list(arguments) -> int:
    from kruger_rules.records.service import Caller, page_of

    if arguments.limit < 1:
        raise KrugerError("bad_option", "--limit is at least 1")

    def listed(database: Database) -> str:
        found, _ = page_of(book(database), Caller(command_line=True), arguments.organisation, arguments.since, None, None, arguments.limit)
        if not found:
            return "no decision record"
        lines = []
        for record in found:
            if not record["intact"]:
                lines.append(f"{record['id']}  FAILS ITS INTEGRITY CHECK")
                continue
            eligible = ", ".join(scheme for scheme, yes in record["eligible"].items() if yes) or "no scheme"
            lines.append(f"{record['id']}  {record['made_at'][:19]}  {record['organisation']}  {record['period']}  eligible: {eligible}")
        return "\n".join(lines)

    return on_database(listed)


def run_show(arguments) -> int:
    from kruger_rules.records.service import Caller, show

    return on_database(lambda database: json.dumps(show(book(database), arguments.id, Caller(command_line=True)), indent=2))


def run_replay(arguments) -> int:
    from kruger_rules.records.service import Caller, replay_record

    def replayed(database: Database) -> str:
        outcome = replay_record(book(database), arguments.id, Caller(command_line=True), arguments.period)
        return json.dumps(outcome, indent=2) if arguments.output == "json" else replay_text(outcome)

    return on_database(replayed)


def replay_text(outcome: dict) -> str:
    """A replay in words: the same answer or not, and each change with its why."""
    recorded = f"{outcome['organisation']}, {outcome['recorded_period']}, rules {outcome['recorded_rules_version']}"
    lines = [
        f"record {outcome['record_id']} ({recorded})",
        f"replayed for {outcome['period']} under rules {outcome['rules_version']}: "
        + ("the same answer" if outcome["same"] else "a different answer"),
    ]
    for change in outcome["changed_outputs"]:
        lines.append(f"  output {change['scheme']}.{change['output']}: {json.dumps(change['then'])} -> {json.dumps(change['now'])}")
    for change in outcome["changed_parameters"]:
        lines.append(f"  parameter {change['parameter']}: {shown(change['then'])} -> {shown(change['now'])}")
    formulas = outcome["changed_formulas"]
    if formulas is None:
        lines.append("  formulas: the record's rules version left no hashes to compare with")
    for change in formulas or ():
        lines.append(f"  formula of {change['variable']}: {change['change']}")
    return "\n".join(lines)


def shown(value: dict | None) -> str:
    return "not read" if value is None else f"{json.dumps(value['value'])} (since {value['since']})"
