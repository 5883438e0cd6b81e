"""Explanation files: each declares a scheme, and a file that says anything else is refused by name."""

import re

import pytest

from kruger_rules.schemes import EXPLANATIONS_DIR, Criterion, SchemeFileError, scheme_files, schemes

MATCH_TRADE = "label: MatchTrade\neligibility: match_trade_eligible\n"


def write(directory, text: str, name: str = "match_trade.yaml"):
    path = directory / name
    path.write_text(text)
    return path


def test_every_explanation_file_loads(system):
    declared = schemes(system)
    keys = {scheme.key for kind in declared.values() for scheme in kind}
    assert keys == {path.stem for path in EXPLANATIONS_DIR.glob("*.yaml")}


def test_a_misspelt_key_is_refused_naming_the_file_and_the_key(tmp_path):
    path = write(tmp_path, MATCH_TRADE + "amount: [match_trade_grant]\n")
    with pytest.raises(SchemeFileError, match=re.escape(f"{path}: unknown key 'amount' (did you mean 'amounts'?)")):
        scheme_files(tmp_path)


def test_a_misspelt_key_of_a_criterion_is_refused(tmp_path):
    path = write(tmp_path, MATCH_TRADE + "criteria:\n  - variable: match_trade_in_force\n    expectd: false\n")
    with pytest.raises(SchemeFileError, match=re.escape(f"{path}: unknown key 'criteria[0].expectd' (did you mean 'expected'?)")):
        scheme_files(tmp_path)


def test_a_missing_key_is_refused(tmp_path):
    path = write(tmp_path, "eligibility: match_trade_eligible\n")
    with pytest.raises(SchemeFileError, match=re.escape(f"{path}: missing key 'label'")):
        scheme_files(tmp_path)


def test_an_unknown_variable_is_refused_naming_the_file_the_key_and_the_variable(system, tmp_path):
    path = write(tmp_path, MATCH_TRADE + "amounts: [match_trade_grnt]\n")
    message = f"{path}: amounts names unknown variable 'match_trade_grnt' (did you mean 'match_trade_grant'?)"
    with pytest.raises(SchemeFileError, match=re.escape(message)):
        schemes(system, tmp_path)


def test_a_criterion_named_alone_must_be_true(tmp_path):
    write(tmp_path, MATCH_TRADE + "criteria:\n  - match_trade_in_force\n  - {variable: is_social_enterprise, expected: false}\n")
    [scheme] = scheme_files(tmp_path)
    assert scheme.key == "match_trade"
    assert scheme.criteria == (Criterion("match_trade_in_force", True), Criterion("is_social_enterprise", False))
