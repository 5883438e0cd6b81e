"""A situation is validated whole, with errors naming the JSON path, before it is built."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kruger_rules.errors import KrugerError
from kruger_rules.situations import build_case


def error_of(system, situation, period="2024"):
    with pytest.raises(KrugerError) as caught:
        build_case(system, situation, period)
    return caught.value


def org(**facts):
    return {"organisations": {"o1": facts}}


@pytest.mark.parametrize(
    ("situation", "code", "path"),
    [
        ({"organisation": {}}, "unknown_entity", "$.organisation"),
        (org(total_incme=1), "unknown_variable", "$.organisations.o1.total_incme"),
        (org(imd_decile=1), "wrong_entity", "$.organisations.o1.imd_decile"),
        ({"organisations": {"o1": {}}, "places": {"p": {"members": ["o2"]}}}, "unknown_id", "$.places.p.members[0]"),
        ({"organisations": {"o1": {}}, "places": {"p": {"memberz": ["o1"]}}}, "unknown_variable", "$.places.p.memberz"),
        (
            {"organisations": {"o1": {}}, "places": {"p": {"members": ["o1"]}, "q": {"members": ["o1"]}}},
            "duplicate_membership",
            "$.places.q.members[0]",
        ),
        (org(total_income={"2024-13": 1}), "bad_period", '$.organisations.o1.total_income["2024-13"]'),
        (org(total_income={"2024-05": 1}), "bad_period", '$.organisations.o1.total_income["2024-05"]'),
        (org(total_income={"2013": 1}), "period_out_of_range", '$.organisations.o1.total_income["2013"]'),
        (org(total_income={"2015": None}), "period_out_of_range", '$.organisations.o1.total_income["2015"]'),
        (org(total_income="12"), "wrong_type", "$.organisations.o1.total_income"),
        (org(total_income=True), "wrong_type", "$.organisations.o1.total_income"),
        (org(months_trading=1.5), "wrong_type", "$.organisations.o1.months_trading"),
        (org(months_trading=2**40), "out_of_range", "$.organisations.o1.months_trading"),
        (org(is_independent=1), "wrong_type", "$.organisations.o1.is_independent"),
        (org(total_income=float("nan")), "not_finite", "$.organisations.o1.total_income"),
        (org(total_income=float("inf")), "not_finite", "$.organisations.o1.total_income"),
        (org(organisation_type="charity"), "wrong_value", "$.organisations.o1.organisation_type"),
        (org(profit_share_to_purpose=1.5), "out_of_range", "$.organisations.o1.profit_share_to_purpose"),
        (org(profit_share_to_purpose=-0.1), "out_of_range", "$.organisations.o1.profit_share_to_purpose"),
        ({"organisations": {"o1": {}}, "procurements": {"c": {"bidders": ["o1"]}}}, "missing_role", "$.procurements.c"),
        (
            {"organisations": {"a": {}, "b": {}}, "procurements": {"c": {"commissioners": ["a", "b"]}}},
            "role_limit",
            "$.procurements.c.commissioners",
        ),
        ({"organisations": {"_unassigned_x": {}}}, "bad_id", "$.organisations._unassigned_x"),
        ({"organisations": []}, "bad_situation", "$.organisations"),
        ([], "bad_situation", "$"),
    ],
)
def test_bad_situations_name_the_path_and_the_reason(system, situation, code, path):
    error = error_of(system, situation)
    assert (error.code, error.path) == (code, path)
    assert error.message


def test_an_unknown_variable_suggests_the_nearest(system):
    assert "did you mean 'total_income'" in error_of(system, org(total_incme=1)).message


def test_the_calculation_period_must_be_a_covered_year(system):
    assert error_of(system, org(), "2015").code == "period_out_of_range"
    assert error_of(system, org(), "2101").code == "period_out_of_range"
    assert error_of(system, org(), "2024-03").code == "bad_period"
    assert error_of(system, org(), "soon").code == "bad_period"


def test_a_value_without_period_needs_the_calculation_period(system):
    with pytest.raises(KrugerError) as caught:
        build_case(system, org(total_income=5), None)
    assert caught.value.code == "missing_period"


def test_shares_of_exactly_0_and_1_are_accepted(system):
    case = build_case(system, {"organisations": {"a": {"profit_share_to_purpose": 0}, "b": {"profit_share_to_purpose": 1}}}, "2024")
    assert case.values("profit_share_to_purpose") == [0.0, 1.0]


def test_values_without_period_take_the_calculation_period(system):
    case = build_case(system, org(total_income=20000, trading_income=5000), "2024")
    assert case.values("trading_income_share") == [0.25]


def test_null_values_are_the_requested_outputs(system):
    case = build_case(system, org(match_trade_grant={"2024": None}), "2024")
    assert case.answer() == {"organisations": {"o1": {"match_trade_grant": {"2024": 0.0}}}}


def test_a_place_without_members_is_answered(system):
    case = build_case(system, {"places": {"p": {"imd_decile": 1, "cni_decile": 1}}}, "2024")
    assert case.values("place_is_left_behind") == [True]


def test_the_place_of_an_organisation_is_its_own(system):
    situation = {
        "organisations": {"in": {}, "out": {}},
        "places": {"p": {"members": ["in"], "imd_decile": 1, "cni_decile": 1}},
    }
    case = build_case(system, situation, "2024")
    assert case.values("organisation_in_left_behind_place") == [True, False]
    assert case.ids["place"] == ["p"]


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 6), st.integers(1, 4), st.integers(1, 10), st.integers(1, 10))
def test_an_organisation_in_no_place_never_takes_another_place_s_facts(system, loners, declared, imd, cni):
    """OpenFisca's builder would broadcast a lone declared place's deciles to created places."""
    organisations = {f"member{i}": {} for i in range(declared)} | {f"loner{i}": {} for i in range(loners)}
    places = {f"p{i}": {"members": [f"member{i}"], "imd_decile": 1, "cni_decile": 1} for i in range(declared)}
    case = build_case(system, {"organisations": organisations, "places": places}, "2024")
    flags = dict(zip(case.ids["organisation"], case.values("organisation_in_left_behind_place"), strict=False))
    assert all(flags[f"member{i}"] for i in range(declared))
    assert not any(flags[f"loner{i}"] for i in range(loners))
    assert case.ids["place"] == list(places)


def test_a_lone_bidder_is_never_a_commissioner(system):
    case = build_case(system, {"organisations": {"a": {}}}, "2024")
    procurements = case.simulation.populations["procurement"]
    assert [role.key for role in procurements.members_role] == ["bidder"]
    assert case.ids["procurement"] == []
