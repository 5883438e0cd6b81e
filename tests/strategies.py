"""Hypothesis strategies for organisations and places, shared by the property tests."""

from hypothesis import strategies as st

from kruger_rules.coverage import FIRST_YEAR

ORGANISATION_TYPES = [
    "unknown",
    "registered_charity",
    "charitable_incorporated_organisation",
    "charitable_trust",
    "company_limited_by_guarantee",
    "community_interest_company",
    "community_benefit_society",
    "cooperative",
    "unincorporated_community_group",
    "mutual_aid_group",
    "parish_council",
    "employee_group",
    "private_company",
    "local_authority",
    "fire_and_rescue_authority",
    "central_government_department",
    "nhs_body",
    "neighbourhood_forum",
]

years = st.integers(FIRST_YEAR, 2030).map(str)
money = st.integers(0, 300_000)


@st.composite
def organisation_facts(draw):
    total = draw(money)
    return {
        "organisation_type": draw(st.sampled_from(ORGANISATION_TYPES)),
        "has_social_purpose": draw(st.booleans()),
        "is_independent": draw(st.booleans()),
        "has_asset_lock": draw(st.booleans()),
        "is_not_for_profit": draw(st.booleans()),
        "months_since_established": draw(st.integers(0, 240)),
        "months_trading": draw(st.integers(0, 240)),
        "total_income": total,
        "trading_income": draw(st.integers(0, int(total * 1.2))),
        "profit_share_to_purpose": draw(st.floats(0, 1, allow_nan=False)),
    }


place_facts = st.fixed_dictionaries({"imd_decile": st.integers(1, 10), "cni_decile": st.integers(1, 10)})


def situation(organisations: dict, place: dict) -> dict:
    """Every organisation in one place, so that the place's facts apply to all of them."""
    return {"organisations": organisations, "places": {"p": {"members": list(organisations), **place}}}
