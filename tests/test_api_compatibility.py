"""This API answers as `openfisca serve` does: the same payloads, sent to it and to OpenFisca's Flask
web API on the same CountryTaxBenefitSystem (both in-process), give the same JSON.

Where the answers differ on purpose, a test named for the difference pins both sides.
"""

import json
from pathlib import Path

import pytest
from api_support import client, generated_situation, normalise_dates, ours, post_both, reference

from api.settings import Settings
from kruger_rules.system import shared_system

EXAMPLES = sorted((Path(__file__).resolve().parent.parent / "examples").glob("*.json"))
TIMINGS = {"calculation_time", "formula_time"}


def get_both(path: str):
    theirs, mine = reference().get(path), ours().get(path)
    assert mine.status_code == theirs.status_code == 200, path
    return theirs.json, mine.json()


@pytest.mark.parametrize("path", ["/entities", "/variables", "/parameters", "/spec"])
def test_descriptions_are_the_same(path):
    theirs, mine = get_both(path)
    assert mine == theirs


def test_every_variable_is_described_the_same():
    names = list(shared_system().variables)
    assert len(names) > 50
    for name in names:
        theirs, mine = get_both(f"/variable/{name}")
        assert mine == theirs, name


def test_every_parameter_is_described_the_same_by_dotted_and_slashed_id():
    parameters = ours().get("/parameters").json()
    nodes = {name.rsplit(".", 1)[0] for name in parameters}
    assert len(parameters) > 20
    for name in [*parameters, *nodes]:
        for form in (name, name.replace(".", "/")):
            theirs, mine = get_both(f"/parameter/{form}")
            assert mine == theirs, form


def test_links_point_at_this_host():
    variables = ours().get("/variables").json()
    assert variables["total_income"]["href"] == "http://localhost/variable/total_income"
    assert ours().get("/spec").json()["servers"] == [{"url": "http://localhost"}]


def assert_same_calculation(situation):
    theirs, mine = post_both("/calculate", situation)
    assert (mine.status_code, theirs.status_code) == (200, 200), (mine.text[:300], theirs.data[:300])
    assert mine.json() == normalise_dates(theirs.json)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_examples_are_calculated_the_same(path):
    assert_same_calculation(json.loads(path.read_text()))


@pytest.mark.parametrize("year", ["2016", "2020", "2021", "2024", "2030"])
@pytest.mark.parametrize("seed", range(6))
def test_generated_situations_are_calculated_the_same(seed, year):
    assert_same_calculation(generated_situation(seed, organisations=1 + 4 * seed, year=year))


def test_the_answer_is_the_situation_with_its_nulls_filled():
    situation = generated_situation(7, organisations=3)
    answer = ours().post("/calculate", json=situation).json()
    for plural, instances in situation.items():
        for iid, facts in instances.items():
            for name, given in facts.items():
                if isinstance(given, dict):
                    for period, value in given.items():
                        filled = answer[plural][iid][name][period]
                        assert filled is not None if value is None else filled == value


def test_floats_are_written_as_openfisca_writes_them():
    situation = {
        "organisations": {"o": {"total_income": {"2024": 30000}, "trading_income": {"2024": 9000}, "trading_income_share": {"2024": None}}}
    }
    assert_same_calculation(situation)
    assert ours().post("/calculate", json=situation).json()["organisations"]["o"]["trading_income_share"]["2024"] == 0.3


def without_timings(trace: dict) -> dict:
    return {key: {field: value for field, value in step.items() if field not in TIMINGS} for key, step in trace.items()}


@pytest.mark.parametrize("seed", range(4))
def test_traces_are_the_same(seed):
    theirs, mine = post_both("/trace", generated_situation(seed, organisations=2 + seed, outputs_per_entity=4))
    assert (mine.status_code, theirs.status_code) == (200, 200)
    theirs, mine = normalise_dates(theirs.json), mine.json()
    assert mine["requestedCalculations"] == theirs["requestedCalculations"]
    assert mine["entitiesDescription"] == theirs["entitiesDescription"]
    assert without_timings(mine["trace"]) == without_timings(theirs["trace"])
    assert all(TIMINGS <= set(step) for step in mine["trace"].values())


# The deliberate differences, each pinned on both sides.


def test_dates_are_iso_where_flask_writes_http_dates():
    """Flask's JSON writes a date as 'Tue, 02 Jul 2024 00:00:00 GMT'; here it is '2024-07-02', the form dates are sent in."""
    theirs, mine = post_both("/calculate", json.loads((EXAMPLES[0].parent / "right_to_serve.json").read_text()))
    organisation = next(iter(mine.json()["organisations"]))
    assert mine.json()["organisations"][organisation]["right_to_serve_decision_due"] == {"2024": "2024-08-31"}
    assert theirs.json["organisations"][organisation]["right_to_serve_decision_due"] == {"2024": "Sat, 31 Aug 2024 00:00:00 GMT"}


def test_trace_lists_no_group_created_for_an_organisation_left_out():
    """OpenFisca lists the procurement it creates for each organisation in none; those groups are never reported here."""
    situation = json.loads((EXAMPLES[0].parent / "match_trade.json").read_text())
    theirs, mine = post_both("/trace", situation)
    assert theirs.json["entitiesDescription"]["procurements"] == ["riverside_cafe_cic", "new_start_bakery"]
    assert mine.json()["entitiesDescription"]["procurements"] == []


def test_flask_answers_500_where_we_answer_415():
    theirs, mine = post_both("/calculate", None, raw=b"organisations=o1", content_type="text/plain")
    assert theirs.status_code == 500
    assert mine.status_code == 415 and mine.json()["code"] == "unsupported_media_type"


def test_flask_accepts_nan_where_we_answer_400():
    raw = b'{"organisations": {"o1": {"total_income": {"2024": NaN}, "trading_income_share": {"2024": null}}}}'
    theirs, mine = post_both("/calculate", None, raw=raw)
    assert theirs.status_code == 200 and b"NaN" in theirs.data
    assert mine.status_code == 400 and mine.json()["code"] == "not_finite"


def test_flask_answers_500_on_deep_nesting_where_we_answer_400():
    theirs, mine = post_both("/calculate", None, raw=b"[" * 5000 + b"]" * 5000)
    assert theirs.status_code == 500
    assert mine.status_code == 400 and mine.json()["code"] == "too_deep"


def test_flask_answers_500_on_a_year_before_the_rules_where_we_answer_400():
    situation = {"organisations": {"o1": {"total_income": {"1990": 1000}, "is_social_enterprise": {"1990": None}}}}
    theirs, mine = post_both("/calculate", situation)
    assert theirs.status_code == 500
    assert mine.status_code == 400 and mine.json()["code"] == "period_out_of_range"


def test_flask_answers_a_year_past_the_covered_ones_where_we_answer_400():
    situation = {"organisations": {"o1": {"is_social_enterprise": {"2500": None}}}}
    theirs, mine = post_both("/calculate", situation)
    assert theirs.status_code == 200
    assert mine.status_code == 400 and mine.json()["code"] == "period_out_of_range"


def test_flask_accepts_a_float_too_large_for_the_rules_where_we_answer_400():
    situation = {"organisations": {"o1": {"total_income": {"2024": 1e39}, "trading_income_share": {"2024": None}}}}
    theirs, mine = post_both("/calculate", situation)
    assert theirs.status_code == 200
    assert mine.status_code == 400 and mine.json()["code"] == "out_of_range"


def test_flask_answers_500_when_an_organisation_is_in_no_procurement_where_we_calculate():
    """OpenFisca's builder creates a procurement per organisation left out, then cannot place the declared ones' inputs."""
    situation = generated_situation(0, organisations=11)
    last = situation["procurements"][list(situation["procurements"])[-1]]
    left_out = last["bidders"].pop()
    theirs, mine = post_both("/calculate", situation)
    assert not any(left_out in procurement["commissioners"] + procurement["bidders"] for procurement in situation["procurements"].values())
    assert theirs.status_code == 500
    assert mine.status_code == 200


def test_flask_gives_a_lone_organisation_the_facts_of_a_place_it_is_not_in():
    situation = {
        "organisations": {
            "in_place": {"organisation_in_left_behind_place": {"2024": None}},
            "alone": {"organisation_in_left_behind_place": {"2024": None}},
        },
        "places": {"p1": {"members": ["in_place"], "imd_decile": {"2024": 1}, "cni_decile": {"2024": 1}}},
    }
    theirs, mine = post_both("/calculate", situation)
    assert theirs.json["organisations"]["alone"]["organisation_in_left_behind_place"] == {"2024": True}
    assert mine.json()["organisations"]["alone"]["organisation_in_left_behind_place"] == {"2024": False}
    assert mine.json()["organisations"]["in_place"]["organisation_in_left_behind_place"] == {"2024": True}


def test_flask_accepts_a_procurement_without_commissioner_where_we_answer_400():
    situation = {"organisations": {"o1": {}}, "procurements": {"c": {"bidders": ["o1"], "social_value_compliant": {"2024": None}}}}
    theirs, mine = post_both("/calculate", situation)
    assert theirs.status_code == 200
    assert mine.status_code == 400 and mine.json() == {
        "code": "missing_role",
        "message": "procurement 'c' has no commissioner; a declared procurement needs exactly one",
        "path": "$.procurements.c",
    }


def test_errors_are_code_message_path_where_flask_nests_a_message_in_the_situation():
    """Same fault, same place: OpenFisca nests its message at the path (404 for an unknown variable); here 400 names the path."""
    situation = {"organisations": {"o1": {"total_incme": {"2024": 1}}}}
    theirs, mine = post_both("/calculate", situation)
    assert theirs.status_code == 404 and "total_incme" in theirs.json["organisations"]["o1"]
    assert mine.status_code == 400
    assert mine.json()["path"] == "$.organisations.o1.total_incme" and "did you mean 'total_income'" in mine.json()["message"]


def test_values_without_a_period_are_refused_by_both():
    situation = {"organisations": {"o1": {"total_income": 1000, "trading_income_share": {"2024": None}}}}
    theirs, mine = post_both("/calculate", situation)
    assert theirs.status_code == mine.status_code == 400
    assert mine.json()["code"] == "missing_period" and mine.json()["path"] == "$.organisations.o1.total_income"


def test_flask_answers_500_on_axes_here_where_we_refuse_them_with_400():
    situation = {
        "organisations": {"o1": {"total_income": {"2024": 0}, "trading_income_share": {"2024": None}}},
        "places": {"p": {"members": ["o1"]}},
        "procurements": {"c": {"commissioners": ["o1"]}},
        "axes": [[{"count": 3, "name": "total_income", "min": 0, "max": 100, "period": "2024"}]],
    }
    theirs, mine = post_both("/calculate", situation)
    assert theirs.status_code == 500
    assert mine.status_code == 400 and mine.json()["code"] == "axes_not_supported" and mine.json()["path"] == "$.axes"


def test_an_unknown_variable_is_a_json_404_where_flask_answers_html():
    theirs, mine = reference().get("/variable/nope"), ours().get("/variable/nope")
    assert theirs.status_code == mine.status_code == 404
    assert theirs.content_type.startswith("text/html")
    assert mine.json()["code"] == "variable_not_found"


def test_the_root_answers_200_where_flask_answers_300():
    theirs, mine = reference().get("/"), ours().get("/")
    assert theirs.status_code == 300
    assert mine.status_code == 200 and "/docs" in mine.json()["welcome"]


def test_openfisca_headers_are_sent_as_flask_sends_them():
    theirs, mine = reference().get("/entities"), ours().get("/entities")
    for header in ("Country-Package", "Country-Package-Version"):
        assert mine.headers[header] == theirs.headers[header], header
    # cross-origin access is off by default; with every origin allowed, it is answered as Flask answers it
    anyone = client(Settings(cors_origins="*")).get("/entities", headers={"Origin": "http://example.org"})
    assert anyone.headers["Access-Control-Allow-Origin"] == theirs.headers["Access-Control-Allow-Origin"]


@pytest.mark.parametrize("path", ["/calculate", "/trace"])
def test_an_empty_situation_is_refused_by_both(path):
    """OpenFisca's Flask API finds no organisation to simulate; this API says the situation declares nothing."""
    theirs, mine = post_both(path, {})
    assert (mine.status_code, theirs.status_code) == (400, 400), (mine.text[:300], theirs.data[:300])
    assert mine.json()["code"] == "empty_situation"
