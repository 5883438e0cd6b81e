"""Property: a reform that sets parameters to their baseline values answers exactly as the baseline."""

import datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openfisca_core import periods
from openfisca_core.parameters import Parameter
from strategies import organisation_facts, years

from kruger_rules.compare import compare
from kruger_rules.reforms import parse_reform, reformed_system
from kruger_rules.situations import build_case

LAST_PICKED_DATE = datetime.date(2030, 12, 31)

SERVICES = ["not_specified", "employment_support", "libraries", "early_years", "policing", "acute_healthcare"]
AUTHORITIES = ["local_authority", "fire_and_rescue_authority", "central_government_department", "nhs_body", "other_public_body"]
CONTRACT_TYPES = ["goods", "services", "works", "light_touch_services"]
ratios = st.floats(0, 1, allow_nan=False, width=32)


def leaves(system):
    return sorted(
        (leaf for leaf in system.parameters.get_descendants() if isinstance(leaf, Parameter)),
        key=lambda leaf: leaf.name,
    )


@st.composite
def organisation(draw):
    facts = draw(organisation_facts())
    facts.update(
        {
            "claim_service": draw(st.sampled_from(SERVICES)),
            "claim_authority_type": draw(st.sampled_from(AUTHORITIES)),
            "claim_submission_date": draw(st.dates(datetime.date(2016, 1, 1), datetime.date(2030, 12, 31))).isoformat(),
            "member_count": draw(st.integers(0, 50)),
            "governing_body_resident_share": draw(ratios),
            "unconnected_board_members": draw(st.integers(0, 5)),
            "has_bank_account": draw(st.booleans()),
            "has_annual_accounts": draw(st.booleans()),
            "crf_requested_amount": draw(st.integers(0, 30000)),
        }
    )
    return facts


@st.composite
def situations(draw):
    count = draw(st.integers(1, 3))
    organisations = {f"o{index}": draw(organisation()) for index in range(count)}
    place = {
        "members": list(organisations),
        "imd_decile": draw(st.integers(1, 10)),
        "cni_decile": draw(st.integers(1, 10)),
        "population": draw(st.integers(0, 20000)),
        "cid_votes_for": draw(st.integers(0, 100)),
        "cid_votes_against": draw(st.integers(0, 100)),
        "cid_weight_for": draw(st.integers(0, 1000)),
        "cid_weight_against": draw(st.integers(0, 1000)),
        "cid_start_date": draw(st.dates(datetime.date(2016, 1, 1), datetime.date(2030, 12, 31))).isoformat(),
    }
    procurement = {
        "commissioners": ["o0"],
        "bidders": list(organisations)[1:],
        "contract_type": draw(st.sampled_from(CONTRACT_TYPES)),
        "contract_value": draw(st.integers(0, 6_000_000)),
        "contract_value_includes_vat": draw(st.booleans()),
        "social_value_weighting": draw(ratios),
        "local_social_value_plan_min_weighting": draw(ratios),
    }
    return {"organisations": organisations, "places": {"p": place}, "procurements": {"c": procurement}}


@st.composite
def own_values(draw, reform=None):
    """Parameter picks, each set to the system's own value over a span where that value holds."""
    system = reformed_system(reform)
    picked = draw(st.lists(st.sampled_from(leaves(system)), min_size=1, max_size=4, unique_by=lambda leaf: leaf.name))
    parameters = {}
    for leaf in picked:
        starts = sorted(datetime.date.fromisoformat(item.instant_str) for item in leaf.values_list)
        first = max(starts[0], datetime.date(1990, 1, 1))
        start = draw(st.dates(first, max(first, LAST_PICKED_DATE)))
        value = leaf.get_at_instant(periods.instant(start.isoformat()))
        later = [day for day in starts if day > start]
        if later:
            key = f"{start.isoformat()}.{(later[0] - datetime.timedelta(days=1)).isoformat()}"
        else:
            key = start.isoformat() if draw(st.booleans()) else f"{start.isoformat()}.{LAST_PICKED_DATE.isoformat()}"
        parameters[leaf.name] = {key: value}
    return parameters


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(situation=situations(), period=years, parameters=own_values())
def test_a_reform_to_baseline_values_answers_as_the_baseline(situation, period, parameters):
    spec = parse_reform(parameters)
    assert spec.changes
    comparison = compare(situation, period, [spec])
    assert comparison["outputs"]
    changed = [row for row in comparison["outputs"] if row["reforms"][0]["changed"]]
    assert not changed, changed[:3]


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(situation=situations(), period=years, parameters=own_values("current_law"))
def test_a_named_reform_with_its_own_values_on_top_answers_as_the_named_reform(situation, period, parameters):
    named = reformed_system("current_law")
    on_top = reformed_system({"name": "current_law", "parameters": parameters})
    assert on_top is not named
    variables = sorted(name for name, variable in named.variables.items() if variable.formulas)
    first, second = build_case(named, situation, period), build_case(on_top, situation, period)
    assert first.answer(first.requests_for(variables)) == second.answer(second.requests_for(variables))
