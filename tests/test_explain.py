"""Explanations: each criterion, what it read, the parameters behind it, and what would pass it."""

import copy
import json
import time

import pytest

from kruger_rules.coverage import covered_year
from kruger_rules.errors import KrugerError
from kruger_rules.explain import explain, parameter_entry, schemes
from kruger_rules.reforms import ReformSpec, named_reforms, reformed_system

SOCIAL_ENTERPRISE = {
    "organisation_type": "community_interest_company",
    "is_independent": True,
    "months_since_established": 30,
    "months_trading": 24,
    "profit_share_to_purpose": 0.6,
}


def match_trade_case(**facts):
    """A CIC in a left-behind place whose income (12,000) and trading share (0.32) fall short."""
    return {
        "organisations": {"o1": {**SOCIAL_ENTERPRISE, "total_income": 12000, "trading_income": 3840, **facts}},
        "places": {"p1": {"members": ["o1"], "imd_decile": 1, "cni_decile": 1, "population": 8000}},
    }


def criteria_by_variable(criteria):
    found = {}
    for criterion in criteria:
        found.setdefault(criterion["variable"], criterion)
        for name, child in criteria_by_variable(criterion.get("criteria") or []).items():
            found.setdefault(name, child)
    return found


def scheme_of(answer, plural, iid, scheme):
    return answer[plural][iid]["schemes"][scheme]


def option_for(criterion, variable):
    return next(option for option in criterion["to_pass"]["options"] if option["variable"] == variable)


@pytest.fixture(scope="module")
def failing_match_trade(system):
    return explain(system, match_trade_case(), "2024")


# Values, inputs and parameters


def test_the_scheme_answers_eligibility_and_amounts(failing_match_trade):
    scheme = scheme_of(failing_match_trade, "organisations", "o1", "match_trade")
    assert scheme["label"] == "MatchTrade"
    assert scheme["eligibility"] == "match_trade_eligible"
    assert scheme["eligible"] is False
    assert scheme["amounts"] == {"match_trade_grant": 0}
    assert [c["variable"] for c in scheme["criteria"]] == [
        "match_trade_in_force",
        "is_social_enterprise",
        "match_trade_trading_history_met",
        "match_trade_total_income_met",
        "match_trade_place_met",
    ]


def test_a_criterion_gives_its_value_inputs_and_parameter(failing_match_trade):
    criteria = criteria_by_variable(scheme_of(failing_match_trade, "organisations", "o1", "match_trade")["criteria"])
    income = criteria["match_trade_total_income_met"]
    assert (income["value"], income["passed"], income["expected"]) == (False, False, True)
    assert income["inputs"] == {"total_income": 12000}
    [parameter] = income["parameters"]
    assert parameter["name"] == "match_trade.min_total_income"
    assert parameter["value"] == 15000
    assert parameter["since"] == "2020-09-24"
    assert parameter["unit"] == "currency-GBP"
    assert "Lloyds" in parameter["reference"][0]["title"]


def test_a_passing_criterion_has_nothing_to_pass(failing_match_trade):
    criteria = criteria_by_variable(scheme_of(failing_match_trade, "organisations", "o1", "match_trade")["criteria"])
    history = criteria["match_trade_trading_history_met"]
    assert history["passed"] is True
    assert history["to_pass"] is None
    assert history["inputs"] == {"months_trading": 24}


def test_a_criterion_made_of_criteria_is_explained_by_them(failing_match_trade):
    criteria = scheme_of(failing_match_trade, "organisations", "o1", "match_trade")["criteria"]
    social = criteria[1]
    assert social["variable"] == "is_social_enterprise"
    assert [c["variable"] for c in social["criteria"]] == [
        "pursues_social_purpose",
        "is_independent_of_the_state",
        "meets_trading_income_test",
        "meets_profit_to_purpose_test",
        "is_asset_locked",
    ]
    assert social["to_pass"]["text"] == "Needs: Earns enough of its income from trading"


def test_a_criterion_that_must_be_false_says_so(failing_match_trade):
    criteria = criteria_by_variable(scheme_of(failing_match_trade, "organisations", "o1", "match_trade")["criteria"])
    public = criteria["is_public_body"]
    assert (public["expected"], public["value"], public["passed"]) == (False, False, True)
    assert public["parameters"][0]["name"] == "organisation.public_body.community_interest_company"
    assert public["parameters"][0]["value"] is False


def test_computed_values_read_by_a_criterion_are_shown(failing_match_trade):
    criteria = criteria_by_variable(scheme_of(failing_match_trade, "organisations", "o1", "match_trade")["criteria"])
    trading = criteria["meets_trading_income_test"]
    assert trading["computed"] == {"trading_income_share": 0.32, "required_trading_income_share": 0.5}
    assert trading["inputs"] == {"total_income": 12000, "trading_income": 3840, "months_since_established": 30}
    assert {p["name"] for p in trading["parameters"]} == {
        "social_enterprise.min_trading_income_share",
        "social_enterprise.start_up_min_trading_income_share",
        "social_enterprise.start_up_months",
    }


def test_a_parameter_gives_the_date_its_value_took_effect(system):
    assert parameter_entry(system, "procurement.thresholds.works", covered_year("2023"))["since"] == "2022-01-01"
    entry = parameter_entry(system, "procurement.thresholds.works", covered_year("2024"))
    assert (entry["value"], entry["since"]) == (5372609, "2024-01-01")


def test_a_group_input_read_by_an_organisation_is_its_place_value(failing_match_trade):
    criteria = criteria_by_variable(scheme_of(failing_match_trade, "organisations", "o1", "match_trade")["criteria"])
    place = criteria["match_trade_place_met"]
    assert place["inputs"] == {"imd_decile": 1, "cni_decile": 1}
    assert place["computed"] == {"organisation_in_left_behind_place": True}


# What would make a failed criterion pass


def test_a_number_needs_the_threshold(failing_match_trade):
    criteria = criteria_by_variable(scheme_of(failing_match_trade, "organisations", "o1", "match_trade")["criteria"])
    option = option_for(criteria["match_trade_total_income_met"], "total_income")
    assert option["kind"] == "number"
    assert option["conditions"] == [{"operator": ">=", "value": 15000}]
    assert option["yours"] == 12000
    assert option["computed"] is False
    assert option["text"].endswith("≥ £15,000; yours is £12,000")


def test_a_computed_number_is_stated_on_itself_and_on_the_inputs_beneath(failing_match_trade):
    criteria = criteria_by_variable(scheme_of(failing_match_trade, "organisations", "o1", "match_trade")["criteria"])
    trading = criteria["meets_trading_income_test"]
    share = option_for(trading, "trading_income_share")
    assert share["computed"] is True
    assert share["conditions"] == [{"operator": ">=", "value": 0.5}]
    assert share["text"] == "Share of total income earned from trading: ≥ 0.5; yours is 0.32"
    income = option_for(trading, "trading_income")
    assert income["conditions"] == [{"operator": ">=", "value": 6000}]


def test_a_category_lists_the_accepted_values(system, failing_match_trade):
    scheme = scheme_of(failing_match_trade, "organisations", "o1", "right_to_serve")
    service = criteria_by_variable(scheme["criteria"])["right_to_serve_service_in_scope"]
    option = option_for(service, "claim_service")
    assert option["kind"] == "category"
    assert option["yours"] == "not_specified"
    assert option["accepted"] == [
        "employment_support",
        "probation_and_rehabilitation",
        "early_years",
        "youth_services",
        "libraries",
        "adult_social_care",
        "parks_and_leisure",
        "housing_support",
        "public_health",
    ]


def test_a_boolean_says_which_value_passes(failing_match_trade):
    scheme = scheme_of(failing_match_trade, "organisations", "o1", "community_recovery_fund")
    bank = criteria_by_variable(scheme["criteria"])["has_bank_account"]
    option = option_for(bank, "has_bank_account")
    assert (option["kind"], option["needed"], option["yours"]) == ("boolean", True, False)
    assert option["text"] == "Has a bank account in its own name: must be true; yours is false"


def test_a_criterion_that_must_be_false_lists_the_values_that_make_it_false(system):
    answer = explain(system, {"organisations": {"o1": {"organisation_type": "local_authority", "is_independent": True}}}, "2024")
    public = criteria_by_variable(scheme_of(answer, "organisations", "o1", "social_enterprise")["criteria"])["is_public_body"]
    assert (public["value"], public["passed"]) == (True, False)
    accepted = option_for(public, "organisation_type")["accepted"]
    assert "community_interest_company" in accepted
    assert not {"local_authority", "nhs_body", "central_government_department", "fire_and_rescue_authority"} & set(accepted)


def test_a_band_gives_both_ends(system):
    answer = explain(
        system, {**match_trade_case(), "places": {"p1": {"members": ["o1"], "imd_decile": 1, "cni_decile": 1, "population": 3000}}}, "2024"
    )
    band = criteria_by_variable(scheme_of(answer, "places", "p1", "luc_fund")["criteria"])["luc_fund_population_in_range"]
    option = option_for(band, "population")
    assert option["conditions"] == [{"operator": ">=", "value": 5000}, {"operator": "<=", "value": 15000}]
    assert option["text"] == "Resident population: between 5,000 and 15,000; yours is 3,000"


def test_a_strict_comparison_with_another_input(system):
    votes = {"cid_votes_for": 30, "cid_votes_against": 40, "cid_weight_for": 10.5, "cid_weight_against": 40.25}
    answer = explain(system, {"organisations": {"o1": {}}, "places": {"p1": {"members": ["o1"], **votes}}}, "2024")
    criteria = criteria_by_variable(scheme_of(answer, "places", "p1", "improvement_districts")["criteria"])
    assert option_for(criteria["cid_majority_of_votes"], "cid_votes_for")["conditions"] == [{"operator": ">=", "value": 41}]
    assert option_for(criteria["cid_majority_of_votes"], "cid_votes_against")["conditions"] == [{"operator": "<=", "value": 29}]
    assert option_for(criteria["cid_majority_by_weight"], "cid_weight_for")["conditions"] == [{"operator": ">", "value": 40.25}]
    assert option_for(criteria["cid_majority_by_weight"], "cid_weight_against")["conditions"] == [{"operator": "<", "value": 10.5}]


def test_when_no_single_change_is_enough_it_says_so(system):
    answer = explain(system, {"organisations": {"o1": {}}, "places": {"p1": {"members": ["o1"], "imd_decile": 5, "cni_decile": 5}}}, "2024")
    [left_behind] = scheme_of(answer, "places", "p1", "left_behind")["criteria"]
    assert left_behind["passed"] is False
    assert left_behind["to_pass"]["options"] == []
    assert "single input" in left_behind["to_pass"]["text"]


def test_one_change_is_enough_when_the_other_decile_qualifies(system):
    answer = explain(system, {"organisations": {"o1": {}}, "places": {"p1": {"members": ["o1"], "imd_decile": 5, "cni_decile": 1}}}, "2024")
    [left_behind] = scheme_of(answer, "places", "p1", "left_behind")["criteria"]
    [option] = left_behind["to_pass"]["options"]
    assert (option["variable"], option["conditions"]) == ("imd_decile", [{"operator": "<=", "value": 1}])


def test_a_rule_not_in_force_says_no_input_changes_it(system):
    answer = explain(system, match_trade_case(), "2019")
    scheme = scheme_of(answer, "organisations", "o1", "match_trade")
    [criterion] = scheme["criteria"]
    assert criterion["variable"] == "match_trade_eligible"
    assert criterion["to_pass"] == {"options": [], "text": "Not in force in 2019: no rule gives it a value"}
    in_force = criteria_by_variable(
        explain(system, match_trade_case(), "2024", counterfactuals=False)["organisations"]["o1"]["schemes"]["match_trade"]["criteria"]
    )
    assert in_force["match_trade_in_force"]["passed"] is True


def test_following_each_suggestion_passes_the_criterion(system, failing_match_trade):
    """Every option on a declared organisation's input, applied alone, makes its criterion pass;
    a number just short of its bound does not."""
    checked = 0
    for scheme_key, scheme in failing_match_trade["organisations"]["o1"]["schemes"].items():
        for name, criterion in criteria_by_variable(scheme["criteria"]).items():
            for option in (criterion["to_pass"] or {}).get("options", []):
                if option["computed"] or option["entity"] != "organisation":
                    continue
                assert passes_with(system, scheme_key, name, option["variable"], suggested_value(option)), (name, option)
                if option["kind"] == "number":
                    assert not passes_with(system, scheme_key, name, option["variable"], short_of(option)), (name, option)
                checked += 1
    assert checked >= 8


def passes_with(system, scheme_key, criterion, variable, value):
    situation = copy.deepcopy(match_trade_case())
    situation["organisations"]["o1"][variable] = value
    after = explain(system, situation, "2024", counterfactuals=False)
    return criteria_by_variable(after["organisations"]["o1"]["schemes"][scheme_key]["criteria"])[criterion]["passed"]


def suggested_value(option):
    if option["kind"] == "boolean":
        return option["needed"]
    if option["kind"] == "category":
        return option["accepted"][0]
    operator, value = option["conditions"][0]["operator"], option["conditions"][0]["value"]
    return value + {">=": 0, "<=": 0, ">": 1, "<": -1}[operator] * step(value)


def short_of(option):
    operator, value = option["conditions"][0]["operator"], option["conditions"][0]["value"]
    return value + {">=": -1, "<=": 1, ">": 0, "<": 0}[operator] * step(value)


def step(value):
    return 1 if isinstance(value, int) else max(abs(value), 1) * 1e-3


def test_a_share_threshold_is_said_as_written_whatever_32_bit_floats_make_of_it(system):
    situation = {
        "organisations": {"council": {"organisation_type": "local_authority"}, "bidder": {}},
        "procurements": {
            "c1": {"commissioner": "council", "bidders": ["bidder"], "contract_type": "services", "social_value_weighting": 0.05}
        },
    }
    answer = explain(system, situation, "2024")
    [compliant] = scheme_of(answer, "procurements", "c1", "social_value")["criteria"]
    assert option_for(compliant, "social_value_weighting")["conditions"] == [{"operator": ">=", "value": 0.1}]
    minimum = option_for(compliant, "social_value_min_weighting")
    assert (minimum["computed"], minimum["conditions"]) == (True, [{"operator": "<=", "value": 0.05}])


def test_without_counterfactuals_nothing_is_probed(system):
    answer = explain(system, match_trade_case(), "2024", counterfactuals=False)
    criteria = criteria_by_variable(scheme_of(answer, "organisations", "o1", "match_trade")["criteria"])
    assert criteria["match_trade_total_income_met"]["to_pass"]["options"] == []


@pytest.mark.parametrize("name", sorted(named_reforms()))
def test_every_named_reform_is_explained(name):
    answer = explain(reformed_system(ReformSpec(name)), match_trade_case(), "2024")
    json.dumps(answer, allow_nan=False)
    assert set(answer["organisations"]["o1"]["schemes"]) >= {"match_trade", "right_to_serve"}


def test_a_structural_reform_is_explained_by_its_own_formulas():
    situation = {
        "organisations": {
            "o1": {"organisation_type": "mutual_aid_group", "claim_service": "libraries", "claim_authority_type": "local_authority"}
        }
    }
    answer = explain(reformed_system(ReformSpec("right_to_serve_mutual_aid_groups")), situation, "2024")
    scheme = scheme_of(answer, "organisations", "o1", "right_to_serve")
    assert scheme["eligible"] is True
    relevant = criteria_by_variable(scheme["criteria"])["right_to_serve_relevant_body"]
    assert relevant["computed"]["right_to_serve_relevant_as_mutual_aid_group"] is True


# Entities, dates, JSON


def test_groups_created_for_unassigned_organisations_are_never_reported(system):
    situation = {
        "organisations": {"o1": dict(SOCIAL_ENTERPRISE), "o2": {**SOCIAL_ENTERPRISE, "total_income": 100}},
        "places": {"p1": {"members": ["o1"], "imd_decile": 1, "cni_decile": 1}},
    }
    answer = explain(system, situation, "2024")
    assert list(answer["places"]) == ["p1"]
    assert answer["procurements"] == {}
    assert answer["organisations"]["o2"]["groups"] == {"place": None, "procurement": None}
    assert answer["organisations"]["o1"]["groups"]["place"] == {"id": "p1", "role": "member"}
    assert answer["places"]["p1"]["members"] == {"members": ["o1"]}
    assert "_unassigned_" not in json.dumps(answer)
    place = criteria_by_variable(scheme_of(answer, "organisations", "o2", "match_trade")["criteria"])["match_trade_place_met"]
    assert place["inputs"] == {"imd_decile": 10, "cni_decile": 10}
    applicant = criteria_by_variable(scheme_of(answer, "organisations", "o2", "luc_fund_applicant")["criteria"])
    [on_place] = [
        option for option in applicant["luc_fund_applicant_in_eligible_place"]["to_pass"]["options"] if option["entity"] == "place"
    ]
    assert (on_place["variable"], on_place["needed"]) == ("luc_fund_place_eligible", True)
    assert "id" not in on_place


def test_a_procurement_criterion_reads_its_commissioner(system):
    situation = {
        "organisations": {"council": {"organisation_type": "private_company"}, "bidder": {}},
        "procurements": {"c1": {"commissioner": "council", "bidders": ["bidder"], "contract_type": "services", "contract_value": 500000}},
    }
    answer = explain(system, situation, "2024")
    act = scheme_of(answer, "procurements", "c1", "social_value_act")
    assert act["eligible"] is False
    [criterion] = act["criteria"]
    option = option_for(criterion, "organisation_type")
    assert option["id"] == "council"
    assert "local_authority" in option["accepted"]
    assert answer["procurements"]["c1"]["members"] == {"commissioners": ["council"], "bidders": ["bidder"]}


def test_dates_without_a_date_to_start_from_are_null(system):
    answer = explain(system, match_trade_case(), "2024", counterfactuals=False)
    dates = scheme_of(answer, "organisations", "o1", "right_to_serve")["dates"]
    assert set(dates.values()) == {None}
    answer = explain(system, match_trade_case(claim_submission_date="2024-03-01"), "2024", counterfactuals=False)
    dates = scheme_of(answer, "organisations", "o1", "right_to_serve")["dates"]
    assert dates["right_to_serve_acknowledgement_due"] == "2024-03-31"


def test_the_answer_is_plain_json(failing_match_trade):
    text = json.dumps(failing_match_trade, allow_nan=False)
    assert json.loads(text) == failing_match_trade


def test_every_declared_scheme_names_variables_of_its_entity(system):
    declared = schemes(system)
    assert {scheme.key for kind in declared.values() for scheme in kind} >= {"match_trade", "social_enterprise", "left_behind"}
    for entity, kind in declared.items():
        for scheme in kind:
            assert system.variables[scheme.eligibility].value_type is bool
            for name in scheme.variables:
                assert system.variables[name].entity.key == entity, (scheme.key, name)
            for name in scheme.dates:
                assert system.variables[name].value_type.__name__ == "date", (scheme.key, name)
            for name in scheme.amounts:
                assert system.variables[name].value_type in (int, float), (scheme.key, name)


def test_explaining_one_organisation_takes_well_under_a_second(system):
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        explain(system, match_trade_case(), "2024")
        timings.append(time.perf_counter() - started)
    assert min(timings) < 0.5


# Errors


@pytest.mark.parametrize(
    ("situation", "period", "code", "path"),
    [
        ({"organisations": {"o1": {"total_incom": 1}}}, "2024", "unknown_variable", "$.organisations.o1.total_incom"),
        ({"organisations": {"o1": {}}}, None, "missing_period", "$.period"),
        ({"organisations": {"o1": {}}}, "2015", "period_out_of_range", "$.period"),
        ({"organisations": {"o1": {}}}, "2024-03", "bad_period", "$.period"),
        ([], "2024", "bad_situation", "$"),
    ],
)
def test_bad_input_is_a_kruger_error(system, situation, period, code, path):
    with pytest.raises(KrugerError) as raised:
        explain(system, situation, period)
    assert (raised.value.code, raised.value.path) == (code, path)
