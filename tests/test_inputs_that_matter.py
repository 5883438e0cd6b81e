"""The inputs that can change each public output, found by reading the formulas."""

import pytest

from kruger_rules.dependencies import dependencies, direct_reads, formula_conjuncts, formula_reads
from kruger_rules.errors import KrugerError
from kruger_rules.reforms import ReformSpec, reformed_system

SOCIAL_ENTERPRISE = {
    "organisation_type",
    "has_social_purpose",
    "is_independent",
    "has_asset_lock",
    "is_not_for_profit",
    "months_since_established",
    "total_income",
    "trading_income",
    "profit_share_to_purpose",
}
RIGHT_TO_SERVE = SOCIAL_ENTERPRISE | {"member_count", "claim_authority_type", "claim_service"}
GROUND_FACTS = {
    "claim_information_inadequate",
    "claimant_unsuitable",
    "service_decision_to_stop",
    "service_nhs_integration_critical",
    "service_in_procurement",
    "authority_in_negotiations",
    "employee_body_intention_published",
    "claim_frivolous_or_vexatious",
    "acceptance_would_breach_law",
}
MATCH_TRADE = SOCIAL_ENTERPRISE | {"months_trading", "imd_decile", "cni_decile"}
LUC_PLACE = {"imd_decile", "cni_decile", "population"}
CRF = {
    "organisation_type",
    "is_not_for_profit",
    "unconnected_board_members",
    "has_bank_account",
    "has_annual_accounts",
    "months_since_established",
}
CONTRACT = {"organisation_type", "contract_type", "contract_value", "contract_value_includes_vat"}
SOCIAL_VALUE = CONTRACT | {"local_social_value_plan_min_weighting", "social_value_weighting"}
ACV_REQUEST = {"acv_disposal_notice_date", "acv_bid_request_date"}
ACV_ASSET = ACV_REQUEST | {"acv_listing_date", "acv_disposal_kind"}

EXPECTED = {
    # organisation
    "trading_income_share": {"total_income", "trading_income"},
    "is_social_enterprise": SOCIAL_ENTERPRISE,
    "right_to_serve_relevant_body": SOCIAL_ENTERPRISE | {"member_count"},
    "right_to_serve_authority_bound": {"claim_authority_type"},
    "right_to_serve_service_in_scope": {"claim_service"},
    "right_to_serve_eligible": RIGHT_TO_SERVE,
    "right_to_serve_acknowledgement_due": {"claim_submission_date"},
    "right_to_serve_decision_due": {"claim_submission_date"},
    "right_to_serve_procurement_earliest_start": {"claim_submission_date"},
    "right_to_serve_procurement_latest_start": {"claim_submission_date"},
    "right_to_serve_rejection_ground": RIGHT_TO_SERVE | GROUND_FACTS,
    "right_to_serve_must_accept": RIGHT_TO_SERVE | GROUND_FACTS,
    "match_trade_eligible": MATCH_TRADE,
    "match_trade_grant": {
        "organisation_type",
        "has_social_purpose",
        "is_independent",
        "has_asset_lock",
        "is_not_for_profit",
        "months_since_established",
        "months_trading",
        "total_income",
        "trading_income",
        "profit_share_to_purpose",
        "imd_decile",
        "cni_decile",
    },
    "luc_fund_applicant_eligible": LUC_PLACE
    | {"governing_body_resident_share", "has_asset_lock", "organisation_type", "is_not_for_profit"},
    "crf_eligible": CRF,
    "crf_grant": CRF | {"crf_requested_amount"},
    "acv_nominator_eligible": {
        "organisation_type",
        "acv_local_connection",
        "is_not_for_profit",
        "acv_surplus_applied_locally",
        "acv_local_elector_members",
    },
    "acv_listing_end": {"acv_listing_date"},
    "acv_interim_moratorium_end": {"acv_disposal_notice_date"},
    "acv_protected_period_end": {"acv_disposal_notice_date"},
    "acv_full_moratorium_triggered": ACV_REQUEST,
    "acv_full_moratorium_end": ACV_REQUEST,
    "acv_moratorium_applies": {"acv_listing_date", "acv_disposal_notice_date", "acv_disposal_kind"},
    "acv_disposal_allowed_from": ACV_ASSET,
    "acv_first_refusal": ACV_ASSET,
    # place
    "place_is_left_behind": {"imd_decile", "cni_decile"},
    "luc_fund_place_eligible": LUC_PLACE,
    "luc_fund_place_award": LUC_PLACE,
    "cid_ballot_passes": {"cid_votes_for", "cid_votes_against", "cid_weight_for", "cid_weight_against"},
    "cid_term_end": {"cid_start_date"},
    "neighbour_day_date": set(),
    # procurement
    "procurement_threshold": {"organisation_type", "contract_type"},
    "contract_value_for_threshold": {"contract_value", "contract_value_includes_vat"},
    "social_value_act_applies": CONTRACT,
    "social_value_min_weighting": CONTRACT | {"local_social_value_plan_min_weighting"},
    "social_value_compliant": SOCIAL_VALUE,
    "social_value_shortfall": SOCIAL_VALUE,
}


@pytest.mark.parametrize("variable", sorted(EXPECTED))
def test_inputs_that_matter_for_every_output_of_the_public_interface(system, variable):
    assert set(dependencies(system, variable).inputs) == EXPECTED[variable]


@pytest.mark.parametrize("variable", sorted(EXPECTED))
def test_every_input_found_is_an_input_of_the_system(system, variable):
    for name in dependencies(system, variable).inputs:
        assert system.variables[name].is_input_variable()


def test_an_input_matters_to_itself_alone(system):
    found = dependencies(system, "total_income")
    assert found.inputs == ("total_income",)
    assert found.computed == ()
    assert found.parameters == ()


def test_the_parameters_read_are_named_in_full(system):
    found = dependencies(system, "match_trade_total_income_met")
    assert found.parameters == ("match_trade.min_total_income",)


def test_a_parameter_indexed_by_a_category_is_named_by_its_node(system):
    _, parameters = direct_reads(system, "is_public_body")
    assert parameters == ["organisation.public_body"]


def test_a_parameter_read_through_a_local_name_is_found(system):
    _, parameters = direct_reads(system, "match_trade_place_met", "2024")
    assert parameters == ["match_trade.requires_left_behind_place"]


def test_a_group_variable_read_by_a_member_is_found(system):
    variables, _ = direct_reads(system, "organisation_in_left_behind_place")
    assert variables == ["place_is_left_behind"]


def test_a_member_variable_read_by_a_group_is_found(system):
    variables, _ = direct_reads(system, "commissioner_kind")
    assert variables == ["organisation_type"]


def test_names_read_in_a_loop_over_a_module_constant_are_found(system):
    variables, _ = direct_reads(system, "right_to_serve_rejection_ground")
    assert GROUND_FACTS <= set(variables)
    assert "right_to_serve_eligible" in variables


def test_a_formula_before_its_date_reads_nothing(system):
    assert direct_reads(system, "match_trade_total_income_met", "2019") == ([], [])
    assert direct_reads(system, "match_trade_total_income_met", "2024") == (["total_income"], ["match_trade.min_total_income"])


def test_an_unknown_variable_is_a_clear_error(system):
    with pytest.raises(KrugerError) as raised:
        dependencies(system, "total_incom")
    assert raised.value.code == "unknown_variable"
    assert "total_income" in raised.value.message


def test_formula_reads_follow_local_names_and_literal_keys():
    def formula(organisation, period, parameters):
        p = parameters(period).scheme
        q = p.node
        name = "third"
        return organisation("first", period) * q["key"] + organisation.place("second", period) + organisation(name, period) * p.rate

    reads = formula_reads(formula)
    assert reads.variables == {"first", "second", "third"}
    assert reads.parameters == {("scheme", "node", "key"), ("scheme", "rate")}


def test_conjuncts_follow_negations_and_local_names():
    def formula(place, period, parameters):
        both = place("a", period) & ~place("b", period)
        return both & place("c", period)

    assert formula_conjuncts(formula) == (("a", True), ("b", False), ("c", True))


def test_an_or_is_no_conjunction():
    def formula(place, period, parameters):
        return place("a", period) | place("b", period)

    assert formula_conjuncts(formula) is None


def test_a_parameter_in_a_conjunction_makes_it_no_conjunction_of_variables():
    def formula(place, period, parameters):
        return parameters(period).switch & place("a", period)

    assert formula_conjuncts(formula) is None


def test_a_reform_formula_calling_the_one_it_replaces_reads_what_that_one_reads():
    reformed = reformed_system(ReformSpec("right_to_serve_mutual_aid_groups"))
    assert set(dependencies(reformed, "right_to_serve_relevant_body", "2024").inputs) == SOCIAL_ENTERPRISE | {"member_count"}
