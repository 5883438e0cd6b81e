"""Reforms: validation with JSON paths, canonical caching in a bounded LRU, spans, named reforms,
and a baseline that no reform ever changes."""

import gc
import json
import threading
import tracemalloc
from concurrent.futures import ThreadPoolExecutor

import pytest
from openfisca_core import periods
from openfisca_core.parameters import Parameter
from openfisca_core.reforms import Reform

import kruger_rules.reforms as reforms
from kruger_rules.errors import KrugerError
from kruger_rules.reforms import (
    NamedReform,
    ReformSpec,
    SystemCache,
    apply_changes,
    configure_cache,
    describe_reform,
    describe_reforms,
    named_reforms,
    parse_reform,
    reformed_system,
    system_cache,
    use_cache,
)
from kruger_rules.situations import build_case
from kruger_rules.system import shared_system

NAMED = {
    "current_law",
    "match_trade_growth",
    "match_trade_cap_20k",
    "social_value_20_percent",
    "luc_fund_wider_targeting",
    "right_to_serve_60_days",
    "right_to_serve_mutual_aid_groups",
    "acv_moratorium_12_months",
    "charity_voluntary_registration",
}
PROPOSAL_DATE = "2020-09-24"

TRADER = {
    "organisations": {
        "cic": {
            "organisation_type": "community_interest_company",
            "is_independent": True,
            "months_since_established": 40,
            "months_trading": 36,
            "total_income": 40000,
            "trading_income": 30000,
            "profit_share_to_purpose": 0.6,
            "match_trade_grant": None,
        },
    },
    "places": {"p": {"members": ["cic"], "imd_decile": 1, "cni_decile": 1}},
}


def grant(system, year="2024") -> float:
    return build_case(system, TRADER, year).answer()["organisations"]["cic"]["match_trade_grant"][year]


def value_at(system, path: str, date: str):
    node = system.parameters
    for part in path.split("."):
        node = node.children[part]
    return node.get_at_instant(periods.instant(date))


def snapshot(system) -> dict:
    """Every leaf parameter's dated values, to compare before and after."""
    return {
        leaf.name: tuple((item.instant_str, item.value) for item in leaf.values_list)
        for leaf in system.parameters.get_descendants()
        if isinstance(leaf, Parameter)
    }


@pytest.fixture
def small_cache():
    previous = system_cache()
    cache = configure_cache(8)
    yield cache
    use_cache(previous)


# --- Validation: every fault a KrugerError with a stable code and the JSON path ---


def error_of(data, **options) -> KrugerError:
    with pytest.raises(KrugerError) as caught:
        parse_reform(data, **options)
    return caught.value


def test_an_unknown_parameter_names_the_nearest_real_path():
    error = error_of({"parameters": {"match_trade.capp": {"2024-01-01": 1}}})
    assert error.code == "unknown_parameter"
    assert error.path == '$.reform.parameters["match_trade.capp"]'
    assert "'match_trade.cap'" in error.message


def test_an_unknown_parameter_far_from_any_still_names_the_nearest():
    error = error_of({"match_trade.zzz_qqq_www": {"2024-01-01": 1}})
    assert error.code == "unknown_parameter"
    assert error.path == '$.reform["match_trade.zzz_qqq_www"]'
    assert "the nearest is 'match_trade." in error.message


def test_an_empty_path_is_an_unknown_parameter():
    error = error_of({"": {"2024-01-01": 1}})
    assert (error.code, error.path) == ("unknown_parameter", '$.reform[""]')


def test_a_name_beside_bare_parameters_is_refused():
    error = error_of({"name": "current_law", "match_trade.cap": {"2024-01-01": 1}})
    assert (error.code, error.path) == ("bad_reform", '$.reform["match_trade.cap"]')
    assert '"parameters"' in error.message


def test_a_group_of_parameters_is_not_a_parameter():
    error = error_of({"match_trade": {"2024-01-01": 1}})
    assert error.code == "unknown_parameter"
    assert "group of parameters" in error.message and "'match_trade." in error.message


@pytest.mark.parametrize(
    ("path", "value", "words"),
    [
        ("match_trade.cap", "20000", "a number"),
        ("match_trade.cap", True, "a number"),
        ("match_trade.cap", None, "a number"),
        ("match_trade.cap", [1], "a number"),
        ("match_trade.cap", -1, "at least 0"),
        ("match_trade.cap", float("inf"), "finite"),
        ("match_trade.cap", float("nan"), "finite"),
        ("match_trade.cap", 1e16, "finite"),
        ("match_trade.rate", 1.5, "between 0 and 1"),
        ("match_trade.rate", -0.1, "between 0 and 1"),
        ("match_trade.in_force", 1, "true or false"),
        ("match_trade.in_force", "true", "true or false"),
        ("right_to_serve.relevant_body.by_kind.mutual_aid_group", 0, "true or false"),
        ("right_to_serve.decision_days", 60.5, "whole number"),
        ("right_to_serve.decision_days", -1, "at least 0"),
        ("right_to_serve.decision_days", 2**40, "within"),
        ("left_behind.imd_max_decile", 1.5, "whole number"),
    ],
)
def test_a_wrong_value_is_refused_with_its_path(path, value, words):
    error = error_of({"name": "current_law", "parameters": {path: {"2024-01-01": value}}})
    assert error.code == "bad_reform_value"
    assert error.path == f'$.reform.parameters["{path}"]["2024-01-01"]'
    assert words in error.message


@pytest.mark.parametrize(
    "key",
    [
        "2024-13-01",
        "2024-02-30",
        "2024-1-1",
        "24-01-01",
        "from 2024",
        "",
        "2024-01-01.",
        "2024-01-01.2023-12-31",
        "2024-01-01..2025-01-01",
        "2024-01-01/2025-01-01",
        "1850-01-01",
        "2101-01-01",
        "2024-01-01.2101-01-01",
    ],
)
def test_a_malformed_date_is_refused_with_its_path(key):
    error = error_of({"match_trade.cap": {key: 1}})
    assert error.code == "bad_reform_date"
    assert error.path.startswith('$.reform["match_trade.cap"]')


def test_a_parameter_without_dates_is_refused():
    for by_date in ({}, 20000, [20000]):
        error = error_of({"match_trade.cap": by_date})
        assert (error.code, error.path) == ("bad_reform_date", '$.reform["match_trade.cap"]')


def test_an_unknown_named_reform_is_refused_with_a_suggestion():
    error = error_of({"name": "curent_law"})
    assert (error.code, error.path) == ("unknown_reform", "$.reform.name")
    assert "did you mean 'current_law'" in error.message
    assert error_of("nope", at=("reforms", 2)).path == "$.reforms[2]"
    assert error_of({"name": 3}).code == "unknown_reform"


def test_a_reform_that_is_not_an_object_is_refused():
    for data in (3, [1], True):
        assert error_of(data).code == "bad_reform"
    assert error_of({"name": "current_law", "parameters": [1]}).path == "$.reform.parameters"


def test_the_whole_reform_is_validated_before_anything_is_built(small_cache):
    before = snapshot(shared_system())
    with pytest.raises(KrugerError) as caught:
        reformed_system({"match_trade.cap": {"2024-01-01": 20000}, "match_trade.rate": {"2024-01-01": 2}})
    assert caught.value.path == '$.reform["match_trade.rate"]["2024-01-01"]'
    assert len(small_cache) == 0 and small_cache.builds == 0
    assert snapshot(shared_system()) == before


def test_a_switch_of_a_kind_takes_its_unit_from_the_node_that_groups_it():
    spec = parse_reform({"right_to_serve.relevant_body.by_kind.mutual_aid_group": {"2024-01-01": True}})
    assert spec.changes[0].value is True


def test_values_are_normalised_to_the_parameter_kind():
    spec = parse_reform({"right_to_serve.decision_days": {"2024-01-01": 60.0}, "match_trade.rate": {"2024-01-01": 1}})
    assert spec.parameters == {"match_trade.rate": {"2024-01-01": 1.0}, "right_to_serve.decision_days": {"2024-01-01": 60}}
    assert isinstance(spec.parameters["right_to_serve.decision_days"]["2024-01-01"], int)
    assert isinstance(spec.parameters["match_trade.rate"]["2024-01-01"], float)


# --- Canonical form and caching ---


def test_one_reform_written_in_different_ways_has_one_canonical_form_and_one_system(small_cache):
    forms = [
        {"match_trade.cap": {"2024-01-01": 20000}, "match_trade.rate": {"2024-01-01.2025-12-31": 0.5}},
        {"match_trade.rate": {"2024-01-01.2025-12-31": 0.5}, "match_trade.cap": {"2024-01-01": 20000.0}},
        {"parameters": {"match_trade.rate": {"2024-01-01.2025-12-31": 0.5}, "match_trade.cap": {"2024-01-01": 20000}}},
        {"name": None, "parameters": {"match_trade.cap": {"2024-01-01": 20000}, "match_trade.rate": {"2024-01-01.2025-12-31": 0.5}}},
    ]
    specs = [parse_reform(form) for form in forms]
    assert len({spec.canonical for spec in specs}) == 1
    systems = [reformed_system(form) for form in forms]
    assert all(system is systems[0] for system in systems)
    assert small_cache.builds == 1


def test_a_named_reform_by_name_or_by_object_is_the_same_system(small_cache):
    assert reformed_system("match_trade_cap_20k") is reformed_system({"name": "match_trade_cap_20k", "parameters": {}})
    assert parse_reform("current_law").canonical == '{"name":"current_law","parameters":{}}'


def test_the_data_form_reads_back_as_the_same_reform():
    spec = parse_reform({"name": "current_law", "parameters": {"match_trade.in_force": {"2024-01-01": True}}})
    assert parse_reform(json.loads(json.dumps(spec.data))) == spec
    assert parse_reform(json.loads(spec.canonical)) == spec


def test_no_reform_is_the_baseline_itself():
    for data in (None, {}, {"parameters": {}}):
        assert parse_reform(data).is_baseline
        assert reformed_system(data) is shared_system()


def test_the_cache_keeps_the_most_recently_used_systems_up_to_its_bound(small_cache):
    first = {"match_trade.cap": {"2024-01-01": 1}}
    reformed_system(first)
    for value in range(2, 40):
        reformed_system({"match_trade.cap": {"2024-01-01": value}})
        if value % 5 == 0:
            reformed_system(first)  # used recently: kept
        assert len(small_cache) <= small_cache.size
    assert parse_reform(first).canonical in small_cache.keys()
    assert parse_reform({"match_trade.cap": {"2024-01-01": 2}}).canonical not in small_cache.keys()


def test_memory_stays_bounded_under_a_stream_of_distinct_reforms(small_cache):
    def stream(start, count):
        for value in range(start, start + count):
            reformed_system({"match_trade.cap": {"2024-01-01": value}, "match_trade.minimum_award": {"2022-01-01": value % 300}})

    tracemalloc.start()
    try:
        stream(1000, 30)  # fill the cache
        gc.collect()
        filled, _ = tracemalloc.get_traced_memory()
        stream(2000, 120)
        gc.collect()
        after, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(small_cache) == small_cache.size
    assert after - filled < 1_000_000, f"memory grew by {after - filled} bytes over 120 more reforms"


def test_concurrent_requests_for_a_new_reform_build_it_once(small_cache):
    reform = {"match_trade.cap": {"2024-01-01": 12345}}
    start = threading.Barrier(16)

    def ask():
        start.wait()
        return reformed_system(reform)

    with ThreadPoolExecutor(16) as pool:
        systems = list(pool.map(lambda _: ask(), range(16)))
    assert all(system is systems[0] for system in systems)
    assert small_cache.builds == 1


def test_a_failed_build_is_not_cached_and_is_retried():
    cache = SystemCache(2)
    calls = []

    def failing():
        calls.append(1)
        raise RuntimeError("no")

    for _ in range(2):
        with pytest.raises(RuntimeError):
            cache.get("key", failing)
    assert len(calls) == 2 and len(cache) == 0
    assert cache.get("key", lambda: "system") == "system"


def test_the_cache_size_is_at_least_one():
    with pytest.raises(ValueError):
        SystemCache(0)


# --- Changes from a date on, and for a span ---


def test_a_change_from_a_date_holds_from_that_date_on():
    system = reformed_system({"match_trade.cap": {"2024-01-01": 500}})
    assert value_at(system, "match_trade.cap", "2023-12-31") == 10000
    assert value_at(system, "match_trade.cap", "2024-01-01") == 500
    assert value_at(system, "match_trade.cap", "2090-01-01") == 500
    assert [grant(system, year) for year in ("2023", "2024", "2030")] == [10000, 500, 500]


def test_a_span_restores_the_old_value_after_its_stop_date():
    system = reformed_system({"match_trade.cap": {"2024-01-01.2025-12-31": 500}})
    assert [value_at(system, "match_trade.cap", day) for day in ("2023-12-31", "2024-01-01", "2025-12-31", "2026-01-01")] == [
        10000,
        500,
        500,
        10000,
    ]
    assert [grant(system, year) for year in ("2023", "2024", "2025", "2026")] == [10000, 500, 500, 10000]


def test_a_span_across_a_later_baseline_change_restores_the_value_then_in_force():
    path = "procurement.thresholds.works"
    system = reformed_system({path: {"2023-01-01.2024-06-30": 1}})
    assert value_at(system, path, "2023-06-01") == 1
    assert value_at(system, path, "2024-07-01") == value_at(shared_system(), path, "2024-07-01") == 5372609
    assert value_at(system, path, "2026-01-01") == 5193000


def test_overlapping_changes_are_applied_by_start_date_so_the_later_start_wins():
    system = reformed_system({"match_trade.cap": {"2025-01-01.2025-12-31": 2000, "2024-01-01": 1000}})
    assert [value_at(system, "match_trade.cap", f"{year}-06-01") for year in (2023, 2024, 2025, 2026)] == [10000, 1000, 2000, 1000]


def test_a_named_reform_with_parameters_applies_them_on_top_of_it():
    system = reformed_system({"name": "current_law", "parameters": {"match_trade.in_force": {"2024-01-01": True}}})
    assert [grant(system, year) for year in ("2023", "2024")] == [0, 10000]
    assert grant(reformed_system("current_law"), "2024") == 0


# --- The baseline never changes ---


def test_modify_parameters_on_a_reform_leaves_the_baseline_parameters_alone():
    baseline = shared_system()
    before = snapshot(baseline)

    class Cap(Reform):
        def apply(self):
            self.modify_parameters(
                lambda parameters: apply_changes(parameters, parse_reform({"match_trade.cap": {"2021-01-01": 1}}).changes)
            )

    reformed = Cap(baseline)
    assert reformed.parameters is not baseline.parameters
    assert value_at(reformed, "match_trade.cap", "2024-01-01") == 1
    assert snapshot(baseline) == before
    assert grant(baseline) == 10000


def test_a_parametric_reform_copies_the_changed_paths_and_shares_the_rest():
    baseline = shared_system()
    before = snapshot(baseline)
    reformed = reformed_system({"right_to_serve.relevant_body.by_kind.mutual_aid_group": {"2024-01-01": True}})
    tree, original = reformed.parameters, baseline.parameters
    assert tree is not original
    assert tree.right_to_serve.relevant_body.by_kind is not original.right_to_serve.relevant_body.by_kind
    assert tree.right_to_serve.relevant_body.by_kind.mutual_aid_group("2024-01-01") is True
    assert tree.right_to_serve.relevant_body.by_kind.charitable_trust is original.right_to_serve.relevant_body.by_kind.charitable_trust
    assert tree.match_trade is original.match_trade
    assert snapshot(baseline) == before
    assert original.right_to_serve.relevant_body.by_kind.mutual_aid_group("2024-01-01") is False


def test_baseline_answers_are_identical_after_1000_different_reforms_from_concurrent_threads(small_cache):
    baseline = shared_system()
    expected = build_case(baseline, TRADER, "2024").answer()
    parameters_before = snapshot(baseline)
    reforms_made = [
        {"match_trade.cap": {"2024-01-01": 1000 + i}}
        if i % 3 == 0
        else {"match_trade.cap": {"2023-01-01.2025-12-31": 1000 + i}, "match_trade.rate": {"2024-01-01": (i % 100) / 100}}
        if i % 3 == 1
        else {
            "name": "current_law",
            "parameters": {"match_trade.in_force": {"2024-01-01": True}, "match_trade.cap": {"2024-01-01": 1000 + i}},
        }
        for i in range(1000)
    ]
    assert len({parse_reform(reform).canonical for reform in reforms_made}) == 1000

    def run(index):
        reformed = grant(reformed_system(reforms_made[index]))
        rate = (index % 100) / 100 if index % 3 == 1 else 1
        assert reformed == min(int(30000 * rate), 1000 + index) if index % 3 == 1 else reformed == 1000 + index
        return build_case(baseline, TRADER, "2024").answer()

    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(run, range(1000)))
    assert all(answer == expected for answer in answers)
    assert snapshot(baseline) == parameters_before
    assert build_case(baseline, TRADER, "2024").answer() == expected
    assert len(small_cache) <= small_cache.size


# --- Named reforms ---


def test_every_named_reform_is_registered_with_a_description():
    assert set(named_reforms()) == NAMED
    for name, reform in named_reforms().items():
        assert issubclass(reform, NamedReform) and reform.name == name
        assert len(reform.description.split()) > 10


def test_named_reforms_are_importable_by_dotted_path_for_yaml_tests():
    assert reforms.current_law is named_reforms()["current_law"]
    assert (
        shared_system().apply_reform("kruger_rules.reforms.match_trade_cap_20k").parameters.match_trade.cap(periods.instant("2024-01-01"))
        == 20000
    )
    with pytest.raises(AttributeError):
        reforms.no_such_reform  # noqa: B018


def test_parameter_only_named_reforms_change_values_from_the_proposal_date():
    dates = {
        change["from"]
        for description in describe_reforms()
        for change in description["changes"]
        if change["parameter"] != "social_value.model.min_weighting"
    }
    assert dates == {PROPOSAL_DATE}
    assert describe_reform("social_value_20_percent")["changes"][1]["from"] == "2021-01-01"


def test_a_named_reform_shows_each_change_before_and_after():
    described = describe_reform("match_trade_cap_20k")
    assert described["structural"] is None
    assert described["changes"] == [
        {
            "parameter": "match_trade.cap",
            "label": "MatchTrade cap",
            "unit": "currency-GBP",
            "from": PROPOSAL_DATE,
            "until": None,
            "before": 10000,
            "after": 20000,
        }
    ]
    bound = next(change for change in describe_reform("current_law")["changes"] if change["parameter"].endswith("bound_authority.nhs_body"))
    assert bound["label"] == "Authority bound by the Right to Serve: nhs_body"
    assert (bound["unit"], bound["before"], bound["after"]) == ("bool", True, False)
    structural = describe_reform("right_to_serve_mutual_aid_groups")
    assert structural["changes"] == [] and "right_to_serve_relevant_as_mutual_aid_group" in structural["structural"]


def test_current_law_undoes_every_value_the_proposals_change_on_their_date():
    """Any parameter whose value changes on 2020-09-24 is a proposal: current_law keeps its old value."""
    baseline = shared_system()
    current_law = reformed_system("current_law")
    proposals = []
    for leaf in baseline.parameters.get_descendants():
        if not isinstance(leaf, Parameter):
            continue
        before = leaf.get_at_instant(periods.instant("2020-09-23"))
        if before is not None and leaf.get_at_instant(periods.instant(PROPOSAL_DATE)) != before:
            proposals.append(leaf.name)
            assert value_at(current_law, leaf.name, PROPOSAL_DATE) == before, leaf.name
            assert value_at(current_law, leaf.name, "2030-01-01") == before, leaf.name
    assert len(proposals) >= 10


def test_a_structural_reform_adds_its_variable_to_its_system_only():
    reformed = reformed_system("right_to_serve_mutual_aid_groups")
    assert "right_to_serve_relevant_as_mutual_aid_group" in reformed.variables
    assert "right_to_serve_relevant_as_mutual_aid_group" not in shared_system().variables
    assert shared_system().variables["right_to_serve_relevant_body"] is not reformed.variables["right_to_serve_relevant_body"]


def test_each_named_reform_changes_some_answer_and_leaves_the_baseline_alone():
    before = snapshot(shared_system())
    for name in NAMED:
        system = reformed_system(name)
        assert system is not shared_system()
        if name != "right_to_serve_mutual_aid_groups":
            assert snapshot(system) != before, name
    assert snapshot(shared_system()) == before


def test_a_reform_spec_labels_itself():
    assert ReformSpec().label == "baseline"
    assert parse_reform("current_law").label == "current_law"
    assert parse_reform({"match_trade.cap": {"2024-01-01": 1}}).label == "match_trade.cap"
    assert (
        parse_reform({"name": "current_law", "parameters": {"match_trade.cap": {"2024-01-01": 1}}}).label == "current_law + match_trade.cap"
    )
