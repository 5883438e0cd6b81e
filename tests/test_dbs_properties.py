"""Properties of DBS checks, the Update Service and the Volunteer Passport over generated roles and applicants."""

import calendar
import datetime

from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import situation, years

from kruger_rules.reforms import reformed_system
from kruger_rules.situations import build_case

PROPERTIES = settings(max_examples=80, deadline=None)
LEVELS = ["none", "basic", "standard", "enhanced", "enhanced_barred_lists"]  # in order
FIRST_PASSPORT_YEAR = 2021  # the proposal is dated 2020-09-24 and first applies on the next 1 January
VALIDITY_YEARS = 3
NO_DATE = "1970-01-01"
OUTPUTS = [
    "dbs_check_level_required",
    "dbs_barred_lists_required",
    "dbs_check_free",
    "dbs_update_service_covers_role",
    "volunteer_passport_covers_role",
    "dbs_new_check_needed",
]
ROLE_FLAGS = [
    "dbs_role_regulated_children",
    "dbs_role_regulated_adults",
    "dbs_role_enhanced_eligible",
    "dbs_role_standard_eligible",
    "dbs_role_basic_requested",
]
APPLICANT_FLAGS = [
    "dbs_applicant_is_volunteer",
    "dbs_held_children_list",
    "dbs_held_adults_list",
    "dbs_update_service_subscribed",
    "volunteer_passport_holder",
]
dates = st.one_of(st.just(NO_DATE), st.dates(datetime.date(2014, 1, 1), datetime.date(2032, 12, 31)).map(datetime.date.isoformat))


@st.composite
def role_facts(draw):
    facts = {flag: draw(st.booleans()) for flag in [*ROLE_FLAGS, *APPLICANT_FLAGS]}
    facts["dbs_held_level"] = draw(st.sampled_from(LEVELS))
    facts["dbs_held_issue_date"] = draw(dates)
    facts["dbs_role_start_date"] = draw(dates)
    if facts["dbs_held_issue_date"] != NO_DATE and draw(st.booleans()):  # a start near the issue date, around the third anniversary
        issued = datetime.date.fromisoformat(facts["dbs_held_issue_date"])
        facts["dbs_role_start_date"] = (issued + datetime.timedelta(days=draw(st.integers(-30, 3 * 366 + 30)))).isoformat()
    return facts


def answers(system, roles: list[dict], year: str) -> list[dict]:
    case = build_case(system, situation({f"o{i}": facts for i, facts in enumerate(roles)}, {}), year)
    columns = {name: case.values(name) for name in OUTPUTS}
    return [dict(zip(columns, row, strict=True)) for row in zip(*columns.values(), strict=True)]


def rank(level: str) -> int:
    return LEVELS.index(level)


def expected_level(facts: dict) -> str:
    if facts["dbs_role_regulated_children"] or facts["dbs_role_regulated_adults"]:
        return "enhanced_barred_lists"
    for flag, level in [
        ("dbs_role_enhanced_eligible", "enhanced"),
        ("dbs_role_standard_eligible", "standard"),
        ("dbs_role_basic_requested", "basic"),
    ]:
        if facts[flag]:
            return level
    return "none"


def plus_years(day: datetime.date, years: int) -> datetime.date:
    """An independent reckoning: the same day of the month, clamped to the month's end."""
    year = day.year + years
    return datetime.date(year, day.month, min(day.day, calendar.monthrange(year, day.month)[1]))


def passport_current(facts: dict) -> bool:
    if NO_DATE in (facts["dbs_held_issue_date"], facts["dbs_role_start_date"]):
        return False
    issued, start = (datetime.date.fromisoformat(facts[name]) for name in ("dbs_held_issue_date", "dbs_role_start_date"))
    return issued <= start < plus_years(issued, VALIDITY_YEARS)


@PROPERTIES
@given(st.lists(role_facts(), min_size=1, max_size=6), years)
def test_level_and_barred_lists_follow_the_first_rule_that_holds(system, roles, year):
    for facts, found in zip(roles, answers(system, roles, year), strict=True):
        assert found["dbs_check_level_required"] == expected_level(facts)
        children, adults = facts["dbs_role_regulated_children"], facts["dbs_role_regulated_adults"]
        lists = {(False, False): "none", (True, False): "children", (False, True): "adults", (True, True): "children_and_adults"}
        assert found["dbs_barred_lists_required"] == lists[(children, adults)]


@PROPERTIES
@given(st.lists(role_facts(), min_size=1, max_size=6), years)
def test_a_free_check_is_a_volunteers_check_of_at_least_standard(system, roles, year):
    for facts, found in zip(roles, answers(system, roles, year), strict=True):
        at_least_standard = rank(found["dbs_check_level_required"]) >= rank("standard")
        assert found["dbs_check_free"] == (facts["dbs_applicant_is_volunteer"] and at_least_standard)


@PROPERTIES
@given(st.lists(role_facts(), min_size=1, max_size=6), years)
def test_the_update_service_covers_like_for_like_only(system, roles, year):
    for facts, found in zip(roles, answers(system, roles, year), strict=True):
        required = found["dbs_check_level_required"]
        like_for_like = (
            facts["dbs_held_level"] == required
            and facts["dbs_held_children_list"] == facts["dbs_role_regulated_children"]
            and facts["dbs_held_adults_list"] == facts["dbs_role_regulated_adults"]
        )
        expected = facts["dbs_update_service_subscribed"] and rank(required) >= rank("standard") and like_for_like
        assert found["dbs_update_service_covers_role"] == expected


@PROPERTIES
@given(st.lists(role_facts(), min_size=1, max_size=6), years)
def test_a_passport_covers_a_lesser_need_within_three_years_of_issue_from_2021(system, roles, year):
    for facts, found in zip(roles, answers(system, roles, year), strict=True):
        required = found["dbs_check_level_required"]
        lists_held = (not facts["dbs_role_regulated_children"] or facts["dbs_held_children_list"]) and (
            not facts["dbs_role_regulated_adults"] or facts["dbs_held_adults_list"]
        )
        expected = (
            int(year) >= FIRST_PASSPORT_YEAR
            and facts["volunteer_passport_holder"]
            and required != "none"
            and rank(facts["dbs_held_level"]) >= rank(required)
            and lists_held
            and passport_current(facts)
        )
        assert found["volunteer_passport_covers_role"] == expected


@PROPERTIES
@given(st.lists(role_facts(), min_size=1, max_size=6), years)
def test_a_new_check_is_needed_exactly_when_a_check_is_and_nothing_covers_the_role(system, roles, year):
    for found in answers(system, roles, year):
        covered = found["dbs_update_service_covers_role"] or found["volunteer_passport_covers_role"]
        assert found["dbs_new_check_needed"] == (found["dbs_check_level_required"] != "none" and not covered)


@PROPERTIES
@given(role_facts(), st.sampled_from(LEVELS), years)
def test_a_higher_check_held_never_loses_a_passports_cover(system, facts, higher, year):
    raised = {
        **facts,
        "dbs_held_level": max(facts["dbs_held_level"], higher, key=rank),
        "dbs_held_children_list": True,
        "dbs_held_adults_list": True,
    }
    before, after = (found["volunteer_passport_covers_role"] for found in answers(system, [facts, raised], year))
    assert after >= before


@PROPERTIES
@given(st.lists(role_facts(), min_size=1, max_size=6), years)
def test_current_law_has_no_passport_and_keeps_the_law(system, current_law, roles, year):
    for baseline, law in zip(answers(system, roles, year), answers(current_law, roles, year), strict=True):
        assert not law["volunteer_passport_covers_role"]
        for name in ["dbs_check_level_required", "dbs_barred_lists_required", "dbs_check_free", "dbs_update_service_covers_role"]:
            assert law[name] == baseline[name]
        assert law["dbs_new_check_needed"] >= baseline["dbs_new_check_needed"]


@PROPERTIES
@given(st.lists(role_facts(), min_size=1, max_size=6), years)
def test_a_reform_setting_the_passports_values_to_the_baselines_answers_as_the_baseline(system, roles, year):
    unchanged = reformed_system(
        {"volunteer_passport.validity_years": {"2020-09-24": VALIDITY_YEARS}, "volunteer_passport.in_force": {"2020-09-24": True}}
    )
    assert answers(unchanged, roles, year) == answers(system, roles, year)


def test_the_passport_validity_is_the_parameters(system):
    assert system.parameters.volunteer_passport.validity_years("2021-01-01") == VALIDITY_YEARS
