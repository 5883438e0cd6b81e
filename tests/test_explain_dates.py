"""What would pass a criterion on dates, on the shipped examples with one date moved: the exact days proposed,
as the answer writes them (ISO dates) and says them, and that following one passes while the day beyond does not."""

from __future__ import annotations

import copy
import datetime
import json
from pathlib import Path

import pytest
from test_explain import criteria_by_variable, option_for

from kruger_rules.explain import explain

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def example(name: str, year: str, **dates) -> tuple[dict, str]:
    """A shipped example whose inputs are given for ``year``, and its first organisation's id, with the dates given
    changed on it (None: no date)."""
    situation = json.loads((EXAMPLES / f"{name}.json").read_text())
    for facts in situation["organisations"].values():
        for variable, by_year in facts.items():
            [value] = by_year.values()
            facts[variable] = {year: value}
    iid = next(iter(situation["organisations"]))
    for variable, value in dates.items():
        if value is None:
            del situation["organisations"][iid][variable]
        else:
            situation["organisations"][iid][variable] = {year: value}
    return situation, iid


def criterion(system, situation, year: str, iid: str, scheme: str, name: str) -> dict:
    answer = explain(system, situation, year)
    return criteria_by_variable(answer["organisations"][iid]["schemes"][scheme]["criteria"])[name]


def passes_with(system, situation, year, iid, scheme, name, variable, value) -> bool:
    changed = copy.deepcopy(situation)
    changed["organisations"][iid][variable] = {year: value}
    answer = explain(system, changed, year, counterfactuals=False)
    return criteria_by_variable(answer["organisations"][iid]["schemes"][scheme]["criteria"])[name]["passed"]


def day(text: str, days: int) -> str:
    return (datetime.date.fromisoformat(text) + datetime.timedelta(days=days)).isoformat()


# Kickstart: a start in the year, on a day Kickstart took new starts


@pytest.mark.parametrize(
    ("year", "first", "last"),
    [("2021", "2021-01-01", "2021-12-31"), ("2022", "2022-01-01", "2022-03-31"), ("2020", "2020-09-02", "2020-12-31")],
)
def test_a_kickstart_start_is_moved_into_the_year_and_the_days_kickstart_took_starts(system, year, first, last):
    situation, iid = example("kickstart", year, kickstart_start_date="2022-05-01")
    allowed = criterion(system, situation, year, iid, "kickstart_placement", "kickstart_start_date_allowed")
    option = option_for(allowed, "kickstart_start_date")
    assert (option["kind"], option["yours"], option["no_date"]) == ("date", "2022-05-01", False)
    assert option["conditions"] == [{"operator": ">=", "value": first}, {"operator": "<=", "value": last}]
    assert option["text"] == f"Date the Kickstart job starts: between {first} and {last}; yours is 2022-05-01"
    for inside in (first, last):
        assert passes_with(
            system, situation, year, iid, "kickstart_placement", "kickstart_start_date_allowed", "kickstart_start_date", inside
        )
    for outside in (day(first, -1), day(last, 1)):
        assert not passes_with(
            system, situation, year, iid, "kickstart_placement", "kickstart_start_date_allowed", "kickstart_start_date", outside
        )


def test_a_kickstart_job_with_no_start_date_is_given_the_year(system):
    situation, iid = example("kickstart", "2021", kickstart_start_date=None)
    option = option_for(
        criterion(system, situation, "2021", iid, "kickstart_placement", "kickstart_start_date_allowed"), "kickstart_start_date"
    )
    assert option["yours"] is None
    assert option["text"] == "Date the Kickstart job starts: between 2021-01-01 and 2021-12-31; yours is no date"


def test_no_start_date_is_proposed_in_a_year_kickstart_took_none(system):
    situation, iid = example("kickstart", "2024", kickstart_start_date="2024-03-01")
    allowed = criterion(system, situation, "2024", iid, "kickstart_placement", "kickstart_start_date_allowed")
    assert allowed["to_pass"]["options"] == []
    assert allowed["to_pass"]["text"] == "No change to a single input makes this pass: several must change together"


# Assets of community value: the bid request within the interim moratorium, the notice while listed


def test_a_bid_request_after_the_interim_moratorium(system):
    situation, iid = example("acv", "2024", acv_bid_request_date="2024-03-20")
    triggered = criterion(system, situation, "2024", iid, "acv_first_refusal", "acv_full_moratorium_triggered")
    assert triggered["computed"]["acv_interim_moratorium_end"] == "2024-03-14"
    request = option_for(triggered, "acv_bid_request_date")
    assert request["conditions"] == [{"operator": ">=", "value": "2024-02-01"}, {"operator": "<", "value": "2024-03-14"}]
    assert request["text"] == (
        "Date a community interest group asked in writing to be treated as a potential bidder: "
        "on or after 2024-02-01 and before 2024-03-14; yours is 2024-03-20"
    )
    notice = option_for(triggered, "acv_disposal_notice_date")
    assert notice["conditions"] == [{"operator": ">=", "value": "2024-02-08"}, {"operator": "<=", "value": "2024-03-20"}]
    end = option_for(triggered, "acv_interim_moratorium_end")
    assert (end["computed"], end["conditions"]) == (True, [{"operator": ">", "value": "2024-03-20"}])
    check = ("acv_first_refusal", "acv_full_moratorium_triggered")
    assert passes_with(system, situation, "2024", iid, *check, "acv_bid_request_date", "2024-03-13")
    assert not passes_with(system, situation, "2024", iid, *check, "acv_bid_request_date", "2024-03-14")
    assert passes_with(system, situation, "2024", iid, *check, "acv_disposal_notice_date", "2024-02-08")
    assert not passes_with(system, situation, "2024", iid, *check, "acv_disposal_notice_date", "2024-02-07")


def test_a_notice_after_the_listing_ended(system):
    situation, iid = example("acv", "2026", acv_disposal_notice_date="2026-04-01", acv_bid_request_date="2026-04-10")
    listed = criterion(system, situation, "2026", iid, "acv_moratorium", "acv_notice_while_listed")
    notice = option_for(listed, "acv_disposal_notice_date")
    assert notice["conditions"] == [{"operator": ">=", "value": "2021-03-15"}, {"operator": "<", "value": "2026-03-15"}]
    assert option_for(listed, "acv_listing_date")["text"] == (
        "Date the asset was entered on the list of assets of community value: between 2021-04-02 and 2026-04-01; yours is 2021-03-15"
    )


# DBS checks: the role starts while the check in the Volunteer Passport is current


def test_a_role_starting_after_the_checks_third_anniversary(system):
    situation, iid = example("dbs_checks", "2024", dbs_role_start_date="2025-06-01")
    current = criterion(system, situation, "2024", iid, "dbs_checks", "volunteer_passport_check_current")
    start = option_for(current, "dbs_role_start_date")
    assert start["text"] == "Date the role starts: between 2022-05-10 and 2025-05-09; yours is 2025-06-01"
    issued = option_for(current, "dbs_held_issue_date")
    assert issued["conditions"] == [{"operator": ">=", "value": "2022-06-02"}, {"operator": "<=", "value": "2025-06-01"}]
    check = ("dbs_checks", "volunteer_passport_check_current")
    assert passes_with(system, situation, "2024", iid, *check, "dbs_role_start_date", "2025-05-09")
    assert not passes_with(system, situation, "2024", iid, *check, "dbs_role_start_date", "2025-05-10")


def test_a_role_with_no_start_date_is_given_the_checks_three_years(system):
    situation, iid = example("dbs_checks", "2024", dbs_role_start_date=None)
    current = criterion(system, situation, "2024", iid, "dbs_checks", "volunteer_passport_check_current")
    start = option_for(current, "dbs_role_start_date")
    assert (start["yours"], start["no_date"]) == (None, False)
    assert start["text"] == "Date the role starts: between 2022-05-10 and 2025-05-09; yours is no date"


# Community Right to Serve: its dates are deadlines, read by no criterion


def test_a_right_to_serve_claim_has_no_date_to_change_and_two_missing_dates_are_not_one_change(system):
    situation, iid = example("right_to_serve", "2024")
    answer = explain(system, situation, "2024")
    schemes = answer["organisations"][iid]["schemes"]
    assert schemes["right_to_serve"]["eligible"] and schemes["right_to_serve"]["dates"]["right_to_serve_decision_due"] == "2024-08-31"
    current = criteria_by_variable(schemes["dbs_checks"]["criteria"])["volunteer_passport_check_current"]
    assert current["inputs"] == {"dbs_held_issue_date": None, "dbs_role_start_date": None}
    assert current["to_pass"] == {"options": [], "text": "No change to a single input makes this pass: several must change together"}
    situation["organisations"][iid]["dbs_held_issue_date"] = {"2024": "2024-06-02"}
    current = criterion(system, situation, "2024", iid, "dbs_checks", "volunteer_passport_check_current")
    assert option_for(current, "dbs_role_start_date")["text"] == "Date the role starts: between 2024-06-02 and 2027-06-01; yours is no date"
