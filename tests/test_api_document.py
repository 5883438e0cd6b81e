"""The OpenAPI document says what the API refuses: each pattern and bound it gives holds for the engine's own checks."""

import functools
import re

import pytest
from api_support import ours
from hypothesis import given, settings
from hypothesis import strategies as st
from openfisca_core.parameters import Parameter

from api.reform_schemas import NUMBER_LIMIT
from api.situation_schemas import NUMBER_BOUND
from kruger_rules.coverage import covered_year
from kruger_rules.errors import KrugerError
from kruger_rules.reforms import parse_reform
from kruger_rules.situations import build_case, check_situation
from kruger_rules.system import shared_system
from kruger_rules.units import is_ratio


@functools.cache
def document() -> dict:
    return ours().get("/openapi.json").json()


def schema(name: str) -> dict:
    return document()["components"]["schemas"][name]


def body_schema(path: str) -> dict:
    return document()["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"]


def matches(name: str):
    return st.from_regex(schema(name)["pattern"], fullmatch=True)


@settings(max_examples=200, deadline=None)
@given(matches("Period"))
def test_every_period_the_document_allows_is_a_covered_year(text):
    covered_year(text)


@pytest.mark.parametrize("text", ["2024", "year:2024", "year:2024:1", "year:2024-01", "year:2024-01-01:1", "2016", "2100"])
def test_the_period_pattern_names_the_ways_of_writing_a_calendar_year(text):
    assert re.fullmatch(schema("Period")["pattern"], text)


@pytest.mark.parametrize("text", ["2015", "2101", "1990", "2024-01", "year:2024:2", "year:2024-03", "soon", " 2024", "month:2024-01"])
def test_the_period_pattern_leaves_out_what_is_not_one_covered_calendar_year(text):
    assert not re.fullmatch(schema("Period")["pattern"], text)


@settings(max_examples=200, deadline=None)
@given(matches("ReformDate"))
def test_every_reform_date_the_document_allows_is_taken(date):
    parse_reform({"match_trade.cap": {date: 1}})


@pytest.mark.parametrize("date", ["2024-02-29", "2000-02-29", "1900-01-01", "2100-12-31"])
def test_leap_days_and_the_ends_of_the_range_are_reform_dates(date):
    assert re.fullmatch(schema("ReformDate")["pattern"], date)


@pytest.mark.parametrize("date", ["2023-02-29", "1900-02-29", "2100-02-29", "2024-04-31", "1899-12-31", "2101-01-01", "2024-1-1"])
def test_days_off_the_calendar_or_out_of_range_are_not_reform_dates(date):
    assert not re.fullmatch(schema("ReformDate")["pattern"], date)


@settings(max_examples=200, deadline=None)
@given(matches("Id").filter(lambda text: not re.match(schema("Id")["not"]["pattern"], text)))
def test_every_id_the_document_allows_is_taken(iid):
    check_situation(shared_system(), {"organisations": {iid: {}}, "places": {"p": {"members": [iid]}}})


@pytest.mark.parametrize("iid", ["", " ", "\t\n", "\x1c", "\x85", "_unassigned_o1"])
def test_ids_the_reader_refuses_are_not_allowed(iid):
    allowed = re.search(schema("Id")["pattern"], iid) and not re.match(schema("Id")["not"]["pattern"], iid)
    assert not allowed
    with pytest.raises(KrugerError):
        check_situation(shared_system(), {"organisations": {iid: {}}})


def test_a_procurement_has_exactly_one_commissioner():
    procurement = schema("SituationProcurement")
    assert "commissioners" in procurement["required"]
    assert (procurement["properties"]["commissioners"]["minItems"], procurement["properties"]["commissioners"]["maxItems"]) == (1, 1)


def test_shares_lie_within_0_and_1_and_other_numbers_within_their_bounds():
    organisation = schema("SituationOrganisation")["properties"]
    assert organisation["profit_share_to_purpose"]["allOf"] == [{"additionalProperties": {"minimum": 0, "maximum": 1}}]
    assert organisation["total_income"]["allOf"] == [{"additionalProperties": {"minimum": -NUMBER_BOUND, "maximum": NUMBER_BOUND}}]
    assert organisation["months_trading"]["allOf"] == [{"additionalProperties": {"minimum": -(2**31), "maximum": 2**31 - 1}}]


def test_a_situation_declares_something_and_keys_its_facts_by_period():
    situation = schema("Situation")
    assert {"required": ["organisations"], "properties": {"organisations": {"minProperties": 1}}} in situation["anyOf"]
    assert schema("SituationOrganisation")["properties"]["total_income"]["propertyNames"] == {"$ref": "#/components/schemas/Period"}
    assert situation["properties"]["reform"]["$ref"] == "#/components/schemas/Reform"


def test_the_organisation_limit_is_in_the_document():
    assert schema("Situation")["properties"]["organisations"]["maxProperties"] == 100_000


def test_compare_and_eligibility_bodies_refer_to_the_rules():
    compare = body_schema("/api/v1/compare")
    assert compare["properties"]["situation"]["$ref"] == "#/components/schemas/SituationForPeriod"
    assert (compare["properties"]["reforms"]["minItems"], compare["properties"]["reforms"]["maxItems"]) == (1, 8)
    assert compare["properties"]["reforms"]["items"] == {"$ref": "#/components/schemas/Reform"}
    assert compare["required"] == ["situation", "period", "reforms"]
    eligibility = body_schema("/api/v1/eligibility")
    assert eligibility["properties"]["period"]["$ref"] == "#/components/schemas/Year"
    reform_query = next(parameter for parameter in document()["paths"]["/calculate"]["post"]["parameters"] if parameter["name"] == "reform")
    assert reform_query["schema"] == {"$ref": "#/components/schemas/ReformName"}


def changes() -> list[tuple[str, dict]]:
    return list(schema("ParameterChanges")["properties"].items())


def test_every_leaf_parameter_is_listed_for_reforms():
    assert len(changes()) == len([leaf for leaf in shared_system().parameters.get_descendants() if isinstance(leaf, Parameter)])


@pytest.mark.parametrize(("name", "parameter"), changes()[::7])
def test_each_parameter_s_documented_values_are_taken_and_those_past_them_refused(name, parameter):
    values = parameter["additionalProperties"]
    if values["type"] == "boolean":
        parse_reform({name: {"2024-01-01": True}})
        with pytest.raises(KrugerError, match="switch"):
            parse_reform({name: {"2024-01-01": 1}})
        return
    assert abs(values["minimum"]) <= NUMBER_LIMIT and values["maximum"] <= NUMBER_LIMIT
    for bound, past in ((values["minimum"], -1), (values["maximum"], 1)):
        parse_reform({name: {"2024-01-01": bound}})
        step = 0.5 if values["maximum"] == 1 else 1 + abs(bound) * 1e-12
        with pytest.raises(KrugerError):
            parse_reform({name: {"2024-01-01": bound + past * step}})
    if values["type"] == "integer":
        with pytest.raises(KrugerError, match="whole number"):
            parse_reform({name: {"2024-01-01": values["minimum"] + 0.5}})


@pytest.mark.parametrize("bound", [NUMBER_BOUND, -NUMBER_BOUND])
def test_numbers_within_the_documented_bound_give_finite_results(bound):
    system = shared_system()
    situation = {
        "organisations": {"o": {}, "b": {}},
        "places": {"p": {"members": ["o", "b"]}},
        "procurements": {"c": {"commissioners": ["o"], "bidders": ["b"]}},
    }
    for entity in system.entities:
        variables = [variable for variable in system.variables.values() if variable.entity.key == entity.key]
        for facts in situation[entity.plural].values():
            for variable in variables:
                if variable.formulas:
                    facts[variable.name] = {"2024": None}
                elif variable.value_type is float and not is_ratio(variable):
                    facts[variable.name] = {"2024": bound}
    case = build_case(system, situation)
    for request in case.requested:
        case.values(request.variable, request.period)
