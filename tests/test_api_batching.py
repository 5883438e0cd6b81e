"""Small calculations answered together in one simulation get exactly the answers and errors they get alone."""

import asyncio
import copy
import json

import httpx
import pytest
from api_support import generated_situation

from api.app import create_app
from api.calculation import calculated, calculated_together
from api.settings import Settings
from kruger_rules.errors import KrugerError
from kruger_rules.system import shared_system

LONE = {
    "organisations": {"o1": {"total_income": {"2024": 30000}, "trading_income": {"2024": 9000}, "trading_income_share": {"2024": None}}}
}
IN_PLACE = {
    "organisations": {
        "o1": {"organisation_in_left_behind_place": {"2024": None}},
        "o2": {"organisation_in_left_behind_place": {"2024": None}},
    },
    "places": {"p1": {"members": ["o1"], "imd_decile": {"2024": 1}, "cni_decile": {"2024": 1}}},
}
BAD_PERIOD = {"organisations": {"o1": {"is_social_enterprise": {"1990": None}}}}
RESERVED_ID = {"organisations": {"_unassigned_x": {"is_social_enterprise": {"2024": None}}}}
EMPTY_ID = {"organisations": {" ": {"is_social_enterprise": {"2024": None}}}}
TOO_LARGE = {
    "organisations": {"o1": {}},
    "procurements": {"c": {"commissioners": ["o1"], "contract_value": {"2024": 3.4e38}, "contract_value_for_threshold": {"2024": None}}},
}


def alone(situation):
    try:
        return json.loads(calculated(shared_system(), copy.deepcopy(situation)))
    except KrugerError as error:
        return error.as_dict()


def together(situations):
    results = calculated_together(shared_system(), copy.deepcopy(situations))
    return [result.as_dict() if isinstance(result, KrugerError) else json.loads(result) for result in results]


def test_situations_with_the_same_ids_and_different_years_are_answered_as_alone():
    situations = [LONE, IN_PLACE, generated_situation(1, 7, "2019"), generated_situation(2, 5, "2024"), LONE]
    assert together(situations) == [alone(situation) for situation in situations]


def test_an_invalid_situation_gets_its_own_error_and_the_others_their_answers():
    situations = [LONE, BAD_PERIOD, IN_PLACE, RESERVED_ID, EMPTY_ID, generated_situation(3, 4)]
    answers = together(situations)
    assert answers == [alone(situation) for situation in situations]
    assert [answer.get("code") for answer in answers] == [None, "period_out_of_range", None, "bad_id", "bad_id", None]


def test_an_error_found_while_computing_falls_back_to_each_alone():
    situations = [LONE, TOO_LARGE, IN_PLACE]
    answers = together(situations)
    assert answers == [alone(situation) for situation in situations]
    assert answers[1]["code"] == "result_not_finite" and answers[1]["path"] == '$.procurements.c.contract_value_for_threshold["2024"]'


def test_a_lone_organisation_never_takes_the_place_of_another_situation():
    answers = together([IN_PLACE, LONE, IN_PLACE])
    assert answers[0]["organisations"]["o2"]["organisation_in_left_behind_place"] == {"2024": False}
    assert answers[0]["organisations"]["o1"]["organisation_in_left_behind_place"] == {"2024": True}
    assert answers[0] == answers[2]


@pytest.mark.parametrize("count", [2, 12])
def test_concurrent_requests_to_the_app_get_their_own_answers(count):
    situations = [generated_situation(seed, 1 + seed % 4, ["2017", "2024"][seed % 2], outputs_per_entity=5) for seed in range(count)]
    situations[count // 2] = BAD_PERIOD
    app = create_app(Settings())

    async def send_all():
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
            return await asyncio.gather(*(client.post("/calculate", json=situation) for situation in situations))

    responses = asyncio.run(send_all())
    for situation, response in zip(situations, responses, strict=False):
        expected = alone(situation)
        assert response.status_code == (400 if "code" in expected else 200)
        assert response.json() == expected


def test_requests_from_several_event_loops_at_once_are_each_answered():
    from concurrent.futures import ThreadPoolExecutor

    from fastapi.testclient import TestClient

    client = TestClient(create_app(Settings()))
    situations = [generated_situation(seed, 2, outputs_per_entity=3) for seed in range(16)]
    with ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(lambda situation: client.post("/calculate", json=situation).json(), situations))
    assert answers == [alone(situation) for situation in situations]
