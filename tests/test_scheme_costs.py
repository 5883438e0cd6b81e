"""What a scheme costs and what it is set against, declared in its explanation file and checked when read."""

import re

import pytest

from kruger_rules.schemes import SchemeFileError, schemes

MATCH_TRADE = "label: MatchTrade\neligibility: match_trade_eligible\n"


def write(directory, text: str, name: str = "match_trade.yaml"):
    path = directory / name
    path.write_text(text)
    return path


def test_the_schemes_that_pay_declare_their_cost_and_budget(system):
    declared = {scheme.key: scheme for kind in schemes(system).values() for scheme in kind}
    paying = {key: (scheme.cost, scheme.budget) for key, scheme in declared.items() if scheme.cost}
    assert paying == {
        "match_trade": ("match_trade_grant", "match_trade.yearly_budget"),
        "community_recovery_fund": ("crf_grant", "community_recovery_fund.fund_size"),
        "luc_fund": ("luc_fund_place_yearly_award", "luc_fund_money_available_a_year"),
    }


def test_a_cost_that_is_no_variable_is_refused(system, tmp_path):
    path = write(tmp_path, MATCH_TRADE + "cost: match_trade_grnt\n")
    message = f"{path}: cost names unknown variable 'match_trade_grnt' (did you mean 'match_trade_grant'?)"
    with pytest.raises(SchemeFileError, match=re.escape(message)):
        schemes(system, tmp_path)


def test_a_cost_of_another_entity_is_refused(system, tmp_path):
    path = write(tmp_path, MATCH_TRADE + "cost: luc_fund_place_award\n")
    message = f"{path}: cost 'luc_fund_place_award' is a variable of places; the scheme decides for organisations"
    with pytest.raises(SchemeFileError, match=re.escape(message)):
        schemes(system, tmp_path)


def test_a_cost_that_is_no_amount_is_refused(system, tmp_path):
    path = write(tmp_path, MATCH_TRADE + "cost: match_trade_in_force\n")
    with pytest.raises(SchemeFileError, match=re.escape(f"{path}: cost 'match_trade_in_force' is not an amount")):
        schemes(system, tmp_path)


def test_a_budget_that_is_neither_a_parameter_nor_a_variable_is_refused(system, tmp_path):
    path = write(tmp_path, MATCH_TRADE + "cost: match_trade_grant\nbudget: match_trade.yearly_budgett\n")
    close = "(did you mean 'match_trade.yearly_budget'?)"
    message = f"{path}: budget names neither a parameter nor a variable: 'match_trade.yearly_budgett' {close}"
    with pytest.raises(SchemeFileError, match=re.escape(message)):
        schemes(system, tmp_path)


def test_a_budget_without_a_cost_is_refused(system, tmp_path):
    path = write(tmp_path, MATCH_TRADE + "budget: match_trade.yearly_budget\n")
    with pytest.raises(SchemeFileError, match=re.escape(f"{path}: budget 'match_trade.yearly_budget' is set against no cost")):
        schemes(system, tmp_path)


def test_a_budget_may_be_a_variable(system, tmp_path):
    write(tmp_path, MATCH_TRADE + "cost: match_trade_grant\nbudget: luc_fund_money_available_a_year\n")
    [scheme] = schemes(system, tmp_path)["organisation"]
    assert scheme.budget == "luc_fund_money_available_a_year"
