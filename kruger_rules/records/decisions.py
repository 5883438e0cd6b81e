"""The records of one answer: one per organisation, each holding all it takes to show and replay the decision.

A record holds the situation as sent, the period and the reform (its data form), the organisation's outputs
(each scheme's eligibility, amounts, dates and outcomes) and its explanation, the parameters the decision read
with their values and dates, the rules version, the time, who made it, and the hash that seals all of these.
The formulas' hashes are kept once per rules version and system (``rules_read.all_formula_hashes``), not in
each record.
"""

from __future__ import annotations

import datetime
import functools

from kruger_rules.coverage import covered_year
from kruger_rules.records.content import content_hash
from kruger_rules.records.rules_read import parameter_values, read_by, scheme_variables
from kruger_rules.schemes import schemes
from kruger_rules.system import rules_version

OUTPUT_KEYS = ("eligible", "amounts", "dates", "outcomes")
COMMAND_LINE = "command line"
"""Who made a record made without a key."""


def outputs_of(entry: dict) -> dict:
    """An explained organisation's outputs: each scheme's eligibility, amounts, dates and outcomes."""
    return {key: {part: scheme[part] for part in OUTPUT_KEYS} for key, scheme in entry["schemes"].items()}


@functools.lru_cache(maxsize=32)
def parameters_read(system, period: str) -> dict[str, dict]:
    """The parameters an organisation's decision reads, with their values and dates for ``period``."""
    year = covered_year(period)
    names, _ = read_by(system, scheme_variables(schemes(system)[system.person_entity.key]), year)
    return parameter_values(system, names, year)


def decision_contents(system, reform: dict | None, situation: dict, answer: dict, made_by: str, made_at: datetime.datetime) -> list[dict]:
    """The content of each organisation's record for an explained answer (``kruger_rules.explain``), hash included."""
    period = answer["period"]
    parameters = {name: dict(read) for name, read in parameters_read(system, period).items()}  # a copy: each value is flat
    contents = []
    for organisation, entry in answer[system.person_entity.plural].items():
        content = {
            "organisation": organisation,
            "situation": situation,
            "period": period,
            "reform": reform,
            "outputs": outputs_of(entry),
            "explanation": entry,
            "parameters": parameters,
            "rules_version": rules_version(),
            "made_at": made_at.isoformat(),
            "made_by": made_by,
        }
        contents.append({**content, "content_hash": content_hash(content)})
    return contents


def sealed_content(record: dict) -> dict:
    """A record's content without its hash: what the hash seals."""
    return {key: value for key, value in record.items() if key != "content_hash"}
