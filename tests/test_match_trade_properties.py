"""Properties of MatchTrade and the social enterprise test over generated organisations."""

from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import organisation_facts, place_facts, situation, years

from kruger_rules.situations import build_case

PROPERTIES = settings(max_examples=80, deadline=None)


@PROPERTIES
@given(st.lists(organisation_facts(), min_size=1, max_size=6), place_facts, years)
def test_grant_between_zero_and_the_cap_and_zero_when_not_eligible(system, organisations, place, year):
    case = build_case(system, situation({f"o{i}": o for i, o in enumerate(organisations)}, place), year)
    grants = case.values("match_trade_grant")
    eligible = case.values("match_trade_eligible")
    cap = system.parameters(f"{year}-01-01").match_trade.cap if int(year) > 2020 else 0
    for grant, is_eligible in zip(grants, eligible, strict=False):
        assert 0 <= grant <= cap
        assert grant == int(grant)
        if not is_eligible:
            assert grant == 0


@PROPERTIES
@given(organisation_facts(), st.integers(0, 50_000), place_facts, years)
def test_grant_never_falls_as_trading_income_rises(system, facts, rise, place, year):
    higher = {**facts, "trading_income": facts["trading_income"] + rise}
    case = build_case(system, situation({"lower": facts, "higher": higher}, place), year)
    lower_grant, higher_grant = case.values("match_trade_grant")
    assert higher_grant >= lower_grant


@PROPERTIES
@given(st.lists(organisation_facts(), min_size=1, max_size=6), years)
def test_trading_income_share_within_zero_and_one(system, organisations, year):
    case = build_case(system, situation({f"o{i}": o for i, o in enumerate(organisations)}, {}), year)
    assert all(0 <= share <= 1 for share in case.values("trading_income_share"))


@PROPERTIES
@given(organisation_facts(), years)
def test_a_social_enterprise_meets_every_criterion(system, facts, year):
    case = build_case(system, situation({"o": facts}, {}), year)
    criteria = [
        "pursues_social_purpose",
        "is_independent_of_the_state",
        "meets_trading_income_test",
        "meets_profit_to_purpose_test",
        "is_asset_locked",
    ]
    assert case.values("is_social_enterprise") == [all(case.values(c)[0] for c in criteria)]
