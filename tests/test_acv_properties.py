"""Properties of assets of community value: who may nominate, the moratorium's periods and the right of first refusal."""

import calendar
from datetime import date, timedelta

import numpy
from hypothesis import given, settings
from hypothesis import strategies as st
from openfisca_core.simulation_builder import SimulationBuilder
from strategies import ORGANISATION_TYPES

from kruger_rules.reforms import reformed_system

NO_DATE = date(1970, 1, 1)
DISPOSAL_KINDS = ["none", "sale", "gift", "personal_representatives", "family", "going_concern", "other_exempt"]
LOCAL_CONNECTION_ALONE = {
    "parish_council",
    "neighbourhood_forum",
    "registered_charity",
    "charitable_incorporated_organisation",
    "charitable_trust",
    "community_interest_company",
}
SURPLUS_KEPT_LOCAL = {"company_limited_by_guarantee", "cooperative", "community_benefit_society"}
UNINCORPORATED = {"unincorporated_community_group", "mutual_aid_group"}
LOCAL_ELECTORS = 21  # SI 2012/2421 reg 5(1)(c) (/assumptions#assets-of-community-value-who-may-nominate)

years = st.integers(2016, 2030)
dates = st.dates(min_value=date(2010, 1, 1), max_value=date(2035, 12, 31))
maybe_dates = dates | st.just(NO_DATE)
bodies = st.fixed_dictionaries(
    {
        "organisation_type": st.sampled_from(ORGANISATION_TYPES),
        "acv_local_connection": st.booleans(),
        "is_not_for_profit": st.booleans(),
        "acv_surplus_applied_locally": st.booleans(),
        "acv_local_elector_members": st.integers(0, 60),
    }
)
assets = st.fixed_dictionaries(
    {
        "acv_listing_date": maybe_dates,
        "acv_disposal_notice_date": maybe_dates,
        "acv_bid_request_date": maybe_dates,
        "acv_disposal_kind": st.sampled_from(DISPOSAL_KINDS),
    }
)
OUTPUTS = [
    "acv_listing_end",
    "acv_interim_moratorium_end",
    "acv_full_moratorium_end",
    "acv_protected_period_end",
    "acv_disposal_allowed_from",
    "acv_full_moratorium_triggered",
    "acv_moratorium_applies",
    "acv_first_refusal",
]


def calculate(system, year, organisations, names):
    """Each organisation's values of ``names`` for the year, as Python values; the organisations share one place."""
    situation = {
        "organisations": {
            f"o{i}": {k: {str(year): str(v) if isinstance(v, date) else v} for k, v in o.items()} for i, o in enumerate(organisations)
        },
        "places": {"p": {"members": [f"o{i}" for i in range(len(organisations))]}},
    }
    simulation = SimulationBuilder().build_from_entities(system, situation)
    return {name: simulation.calculate(name, str(year)).tolist() for name in names}


def plus_months(start: date, months: int) -> date:
    """An independent reckoning of adding months: same day of month, clamped to the month's end."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


@settings(max_examples=150, deadline=None)
@given(year=years, organisations=st.lists(bodies, min_size=1, max_size=8))
def test_a_nominator_is_a_body_of_a_listed_kind_with_a_local_connection_and_what_its_kind_needs(system, year, organisations):
    found = calculate(system, year, organisations, ["acv_nominator_eligible"])["acv_nominator_eligible"]
    for body, eligible in zip(organisations, found, strict=True):
        kind = body["organisation_type"]
        surplus_kept_local = body["is_not_for_profit"] and body["acv_surplus_applied_locally"]
        electors = body["acv_local_elector_members"] >= LOCAL_ELECTORS
        qualifies = (
            kind in LOCAL_CONNECTION_ALONE
            or (kind in SURPLUS_KEPT_LOCAL and surplus_kept_local)
            or (kind in UNINCORPORATED and surplus_kept_local and electors)
        )
        assert eligible == (body["acv_local_connection"] and qualifies)


@settings(max_examples=60, deadline=None)
@given(year=years, body=bodies, more=st.integers(0, 100))
def test_more_local_electors_never_take_the_right_to_nominate_away(system, year, body, more):
    richer = {**body, "acv_local_elector_members": body["acv_local_elector_members"] + more}
    found = calculate(system, year, [body, richer], ["acv_nominator_eligible"])["acv_nominator_eligible"]
    assert found[1] >= found[0]


@settings(max_examples=150, deadline=None)
@given(year=years, organisations=st.lists(assets, min_size=1, max_size=6))
def test_the_periods_follow_the_act_and_no_date_gives_no_date(system, year, organisations):
    found = calculate(system, year, organisations, OUTPUTS)
    for i, asset in enumerate(organisations):
        listed, notice, request = asset["acv_listing_date"], asset["acv_disposal_notice_date"], asset["acv_bid_request_date"]
        listing_end = plus_months(listed, 60) if listed != NO_DATE else NO_DATE
        interim_end = notice + timedelta(days=42) if notice != NO_DATE else NO_DATE
        triggered = NO_DATE not in (notice, request) and notice <= request < interim_end
        applies = NO_DATE not in (listed, notice) and listed <= notice < listing_end and asset["acv_disposal_kind"] == "sale"
        full_end = plus_months(notice, 6) if triggered else NO_DATE
        assert found["acv_listing_end"][i] == listing_end
        assert found["acv_interim_moratorium_end"][i] == interim_end
        assert found["acv_protected_period_end"][i] == (plus_months(notice, 18) if notice != NO_DATE else NO_DATE)
        assert found["acv_full_moratorium_triggered"][i] == triggered
        assert found["acv_full_moratorium_end"][i] == full_end
        assert found["acv_moratorium_applies"][i] == applies
        allowed = (full_end if triggered else interim_end) if applies else NO_DATE
        assert found["acv_disposal_allowed_from"][i] == allowed
        assert found["acv_first_refusal"][i] == (applies and triggered and year >= 2021)


@settings(max_examples=80, deadline=None)
@given(year=years, organisations=st.lists(assets, min_size=1, max_size=6))
def test_a_disposal_is_allowed_after_the_notice_and_before_the_protected_period_ends(system, year, organisations):
    found = calculate(system, year, organisations, [*OUTPUTS, "acv_disposal_notice_date"])
    for i in range(len(organisations)):
        allowed = found["acv_disposal_allowed_from"][i]
        if allowed != NO_DATE:
            assert found["acv_disposal_notice_date"][i] < found["acv_interim_moratorium_end"][i] <= allowed
            assert allowed < found["acv_protected_period_end"][i]


@settings(max_examples=60, deadline=None)
@given(year=years, organisations=st.lists(assets, min_size=1, max_size=6))
def test_current_law_keeps_the_moratorium_and_drops_the_right_of_first_refusal(system, current_law, year, organisations):
    names = [name for name in OUTPUTS if name != "acv_first_refusal"]
    assert calculate(current_law, year, organisations, names) == calculate(system, year, organisations, names)
    assert not any(calculate(current_law, year, organisations, ["acv_first_refusal"])["acv_first_refusal"])


@settings(max_examples=60, deadline=None)
@given(year=years, organisations=st.lists(assets, min_size=1, max_size=6))
def test_a_twelve_month_moratorium_moves_only_the_full_moratorium_and_what_follows_it(system, year, organisations):
    reformed = reformed_system("acv_moratorium_12_months")
    base, longer = calculate(system, year, organisations, OUTPUTS), calculate(reformed, year, organisations, OUTPUTS)
    for name in ["acv_listing_end", "acv_interim_moratorium_end", "acv_protected_period_end", "acv_full_moratorium_triggered"]:
        assert longer[name] == base[name]
    assert longer["acv_moratorium_applies"] == base["acv_moratorium_applies"] and longer["acv_first_refusal"] == base["acv_first_refusal"]
    for i, asset in enumerate(organisations):
        if base["acv_full_moratorium_triggered"][i]:
            months = 12 if year >= 2021 else 6
            assert longer["acv_full_moratorium_end"][i] == plus_months(asset["acv_disposal_notice_date"], months)
            assert longer["acv_full_moratorium_end"][i] >= base["acv_full_moratorium_end"][i]


@settings(max_examples=40, deadline=None)
@given(year=years, organisations=st.lists(assets, min_size=1, max_size=4))
def test_a_reform_that_sets_the_same_values_gives_the_baseline(system, year, organisations):
    same = reformed_system({"acv.moratorium.full_months": {"2020-09-24": 6}, "acv.first_refusal.in_force": {"2020-09-24": True}})
    assert calculate(same, year, organisations, OUTPUTS) == calculate(system, year, organisations, OUTPUTS)


def test_every_organisation_type_is_answered_without_error(system):
    found = calculate(
        system, 2024, [{"organisation_type": kind, "acv_local_connection": True} for kind in ORGANISATION_TYPES], ["acv_nominator_eligible"]
    )
    assert numpy.count_nonzero(found["acv_nominator_eligible"]) == len(LOCAL_CONNECTION_ALONE)
