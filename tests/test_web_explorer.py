"""The rules explorer's facts: every parameter, variable and scheme, what reads what, search, and the step chart."""

from __future__ import annotations

import pytest

from api.web.explorer import DatedValue, Explorer, explorer
from api.web.step_chart import step_chart
from kruger_rules.dependencies import direct_reads
from kruger_rules.parameter_tree import leaves, metadata
from kruger_rules.schemes import scheme_files


@pytest.fixture(scope="module")
def rules(system) -> Explorer:
    return explorer(system)


# Counts and parameters


def test_it_counts_every_parameter_variable_and_scheme(system, rules):
    counts = rules.counts()
    assert counts.parameters == len(list(leaves(system.parameters))) > 300
    assert counts.variables == len(system.variables) > 100
    assert counts.schemes == len(scheme_files()) >= 10


def test_the_explorer_is_built_once_per_system(system, rules):
    assert explorer(system) is rules


def test_every_parameter_sits_once_in_its_top_folder(system, rules):
    folders = rules.folders()
    assert list(folders) == sorted(folders)
    assert set(folders) <= set(system.parameters.children)
    names = [facts.name for group in folders.values() for facts in group]
    assert sorted(names) == sorted(rules.parameters) and len(names) == len(set(names))
    assert all(facts.name.startswith(f"{folder}.") for folder, group in folders.items() for facts in group)


def test_a_parameter_is_labelled_as_the_api_labels_it(system, rules):
    for parameter, ancestors in leaves(system.parameters):
        about, facts = metadata(parameter, ancestors), rules.parameter(parameter.name)
        assert (facts.label, facts.unit, facts.references) == (about.label, about.unit, about.references)


def test_dated_values_run_oldest_first_each_ending_the_day_before_the_next(rules):
    values = rules.parameter("community_recovery_fund.grant_max").values
    assert values == (DatedValue("2020-09-24", "2023-11-14", 10000), DatedValue("2023-11-15", None, 20000))
    works = rules.parameter("procurement.thresholds.works").values
    assert [value.start for value in works] == sorted(value.start for value in works) and len(works) > 2
    assert works[-1].end is None and all(
        value.end is not None and value.end < after.start for value, after in zip(works[:-1], works[1:], strict=True)
    )


def test_a_parameter_is_read_by_the_formulas_naming_it_or_its_table(rules):
    assert "crf_grant" in rules.parameter("community_recovery_fund.grant_max").read_by
    # right_to_serve.bound_authority is read whole, indexed by the commissioner's kind
    assert rules.parameter("right_to_serve.bound_authority.nhs_body").read_by == ("right_to_serve_authority_bound",)


def test_a_node_of_the_tree_lists_its_leaves_and_an_unknown_name_none(rules):
    group = rules.group("procurement.thresholds")
    assert group is not None and "procurement.thresholds.works" in [leaf.name for leaf in group.leaves]
    assert rules.group("procurement.thresholds.works") is None
    assert rules.group("procurement.no_such_thing") is None and rules.group("") is None
    assert rules.parameter("procurement.no_such_thing") is None


# Variables


def test_a_variable_shows_its_formulas_source_from_their_dates(rules):
    grant = rules.variable("match_trade_grant")
    assert grant.label == "MatchTrade grant" and grant.entity == "organisation" and grant.unit == "currency-GBP"
    assert grant.definition_period == "year" and grant.type_in_words == "Number" and not grant.is_input
    [formula] = grant.formulas
    assert formula.start == "2020-09-24" and formula.source.startswith("def formula_2020_09_24(organisation, period, parameters):")
    assert grant.references and all(reference.title for reference in grant.references)


def test_an_input_has_no_formula_and_an_enum_its_values(rules):
    kind = rules.variable("organisation_type")
    assert kind.is_input and kind.formulas == () and kind.value_type == "Enum" and kind.default == "unknown"
    assert rules.variable("cid_start_date").default is None and rules.variable("match_trade_grant").default == 0
    assert ("registered_charity", "Registered charity") in kind.possible_values


def test_a_formula_without_a_date_is_in_force_from_the_beginning(rules):
    undated = [facts for facts in rules.variables.values() if facts.formulas and facts.formulas[0].start is None]
    assert undated and all(formula.source.startswith("def formula(") for facts in undated for formula in facts.formulas[:1])


def test_what_a_variable_reads_is_what_direct_reads_finds(system, rules):
    for name, facts in rules.variables.items():
        assert (list(facts.reads_variables), list(facts.reads_parameters)) == direct_reads(system, name)


def test_what_reads_a_variable_is_direct_reads_inverted(rules):
    for name, facts in rules.variables.items():
        for read in facts.reads_variables:
            assert name in rules.variable(read).read_by
        for reader in facts.read_by:
            assert name in rules.variable(reader).reads_variables


def test_an_unknown_variable_is_none(rules):
    assert rules.variable("no_such_variable") is None


# Schemes


def test_a_scheme_names_its_eligibility_criteria_amounts_cost_and_budget(rules):
    scheme = rules.scheme("match_trade")
    assert scheme.label == "MatchTrade" and scheme.entity == "organisation"
    assert scheme.eligibility.name == "match_trade_eligible" and not scheme.criteria_declared
    assert "is_social_enterprise" in [criterion.name for criterion, _ in scheme.criteria]
    assert [amount.name for amount in scheme.amounts] == ["match_trade_grant"]
    assert scheme.cost.name == "match_trade_grant" and scheme.budget_kind == "parameter"
    assert rules.parameter(scheme.budget.name) is not None and scheme.budget.label


def test_a_budget_may_be_a_variable_and_criteria_may_be_declared(rules):
    assert rules.scheme("luc_fund").budget_kind == "variable"
    declared = rules.scheme("improvement_districts")
    assert declared.criteria_declared and declared.criteria


def test_every_variable_a_scheme_names_exists_and_knows_the_scheme(rules):
    assert sorted(rules.schemes) == sorted(scheme.key for scheme in scheme_files())
    for key, scheme in rules.schemes.items():
        for named in scheme.variables():
            assert key in rules.variable(named.name).schemes
    assert rules.scheme("no_such_scheme") is None


# Search


def test_search_ignores_case_and_ranks_names_before_labels(rules):
    found = rules.search("MATCH_TRADE_GRANT")
    assert found[0].name == "match_trade_grant" and found[0].by_name
    by_name = [match.by_name for match in rules.search("grant")]
    assert by_name == sorted(by_name, reverse=True) and True in by_name
    spaced = rules.search("Match Trade")
    assert spaced[0].by_name and spaced[0].name.startswith("match_trade")


def test_search_ranks_an_exact_name_then_names_starting_with_the_query(rules):
    names = [match.name for match in rules.search("match_trade_eligible")]
    assert names[0] == "match_trade_eligible"
    starting = [match.name for match in rules.search("is_") if match.by_name]
    first_other = next((index for index, name in enumerate(starting) if not name.startswith("is_")), len(starting))
    assert all(name.startswith("is_") for name in starting[:first_other])


def test_search_finds_by_label_alone_and_nothing_for_nothing(rules):
    found = rules.search("largest grant")
    assert any(match.name == "community_recovery_fund.grant_max" and not match.by_name for match in found)
    assert rules.search("") == [] and rules.search("   ") == [] and rules.search("zzzz-nothing") == []


def test_search_finds_parameters_and_variables(rules):
    kinds = {match.kind for match in rules.search("match_trade")}
    assert kinds == {"parameter", "variable"}


# The step chart


def dated(*pairs) -> list[DatedValue]:
    return [DatedValue(start, None, value) for start, value in pairs]


def test_one_value_or_values_that_are_no_numbers_get_no_chart():
    assert step_chart(dated(("2020-01-01", 5)), str, "t") is None
    assert step_chart(dated(("2020-01-01", "a"), ("2021-01-01", "b")), str, "t") is None


def test_a_chart_steps_from_value_to_value_left_to_right():
    chart = step_chart(dated(("2016-01-01", 10000), ("2020-09-24", 20000), ("2023-11-15", 15000)), str, "Cap")
    assert chart is not None and chart.title == "Cap"
    xs, ys = [point.x for point in chart.points], [point.y for point in chart.points]
    assert xs == sorted(xs) and chart.left <= xs[0] < xs[-1] < chart.right
    assert ys[1] < ys[2] < ys[0]  # higher values are drawn higher up
    assert chart.path.startswith("M") and chart.path.count("M") == 1 and chart.path.count("V") == 2
    assert chart.y_ticks[0].text == "0" and float(chart.y_ticks[-1].text) >= 20000
    assert [tick.text for tick in chart.x_ticks][0] == "2016"
    assert chart.description == "3 values: 10000 from 1 January 2016; 20000 from 24 September 2020; 15000 from 15 November 2023."


def test_a_switch_is_drawn_between_no_and_yes_and_an_end_leaves_a_gap():
    chart = step_chart(dated(("2016-01-01", False), ("2020-09-24", True), ("2022-01-01", None), ("2023-01-01", True)), str, "t")
    assert [tick.text for tick in chart.y_ticks] == ["No", "Yes"]
    assert chart.path.count("M") == 2 and len(chart.points) == 3
