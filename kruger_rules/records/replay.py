"""A record computed again under today's rules: the same answer or not, and if not, what changed and why.

The situation is answered again, under the record's reform, for the record's period (or another year, to ask
what would change if the case came today). Then three comparisons, each with the record's own values:

* the outputs: each scheme's eligibility, amounts, dates and outcomes, one line per output that differs;
* the parameters the decision reads: a value or a date in force that differs from the one recorded (a
  correction of the law, a new dated value, or another year), or a parameter read now and not then, or then
  and not now;
* the formulas: a variable the decision depends on whose hash differs between the record's rules version and
  today's (a formula rewritten, added or removed).

A situation today's rules no longer take (a variable since renamed) is answered as such: no replay, the reason.
"""

from __future__ import annotations

from kruger_rules.coverage import covered_year
from kruger_rules.explain import explain
from kruger_rules.records.decisions import OUTPUT_KEYS, outputs_of, parameters_read
from kruger_rules.records.rules_read import formula_hashes, read_by, scheme_variables
from kruger_rules.reforms import parse_reform, reformed_system
from kruger_rules.schemes import schemes
from kruger_rules.system import rules_version, shared_system


def system_of(reform: dict | None):
    return shared_system() if reform is None else reformed_system(parse_reform(reform))


def replay(record: dict, hashes_then: dict[str, str] | None, period: str | None = None) -> dict:
    """``record`` (its content) answered again today; ``hashes_then``: the formula hashes of its rules version, if kept."""
    system = system_of(record["reform"])
    period = str(covered_year(period or record["period"]))
    answer = explain(system, record["situation"], period, counterfactuals=False)
    now = outputs_of(answer[system.person_entity.plural][record["organisation"]])
    changed_outputs = output_changes(record["outputs"], now)
    parameters_now = parameters_read(system, period)
    _, computed = read_by(system, scheme_variables(schemes(system)[system.person_entity.key]), covered_year(period))
    hashes_now = formula_hashes(system, computed)
    return {
        "organisation": record["organisation"],
        "period": period,
        "recorded_period": record["period"],
        "rules_version": rules_version(),
        "recorded_rules_version": record["rules_version"],
        "same": not changed_outputs,
        "outputs": now,
        "changed_outputs": changed_outputs,
        "changed_parameters": parameter_changes(record["parameters"], parameters_now),
        "changed_formulas": formula_changes(hashes_then, hashes_now),
    }


def output_changes(then: dict, now: dict) -> list[dict]:
    """One line per output whose value differs: the scheme, the output, its value then and now."""
    changes = []
    for scheme in sorted(set(then) | set(now)):
        before, after = then.get(scheme, {}), now.get(scheme, {})
        for part in OUTPUT_KEYS:
            if part == "eligible":
                if before.get(part) != after.get(part):
                    changes.append({"scheme": scheme, "output": "eligible", "then": before.get(part), "now": after.get(part)})
                continue
            values_then, values_now = before.get(part) or {}, after.get(part) or {}
            for name in sorted(set(values_then) | set(values_now)):
                if values_then.get(name) != values_now.get(name):
                    changes.append({"scheme": scheme, "output": name, "then": values_then.get(name), "now": values_now.get(name)})
    return changes


def parameter_changes(then: dict[str, dict], now: dict[str, dict]) -> list[dict]:
    """Each parameter whose value or date in force differs, or that is read on one side only."""
    return [
        {"parameter": name, "then": then.get(name), "now": now.get(name)}
        for name in sorted(set(then) | set(now))
        if then.get(name) != now.get(name)
    ]


def formula_changes(then: dict[str, str] | None, now: dict[str, str]) -> list[dict] | None:
    """Each variable the decision depends on whose formulas changed; None when the record's hashes were not kept."""
    if then is None:
        return None
    return [{"variable": name, "change": "rewritten" if name in then else "added"} for name in sorted(now) if then.get(name) != now[name]]
