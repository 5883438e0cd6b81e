"""Clients for the API tests: this app, and OpenFisca's own Flask web API on the same rules, both in-process."""

from __future__ import annotations

import email.utils
import functools
import json
import logging
import random

from fastapi.testclient import TestClient
from strategies import ORGANISATION_TYPES

from api.app import create_app
from api.settings import Settings
from kruger_rules import CountryTaxBenefitSystem
from kruger_rules.access import parse_scopes
from kruger_rules.store import Database, KeyRing
from kruger_rules.system import shared_system

BASE_URL = "http://localhost"
"""Both clients answer as the same host, so links in the answers compare equal."""

SERVICES = ["employment_support", "early_years", "libraries", "policing", "acute_healthcare", "not_specified"]
CONTRACT_TYPES = ["goods", "services", "works", "light_touch_services"]


def client(settings: Settings | None = None) -> TestClient:
    return TestClient(create_app(settings or Settings()), base_url=BASE_URL)


def api_key(database_url: str, name: str, scopes: str = "", rate_limit: int = 600) -> str:
    """A new API key in the database (brought up to date first), as ``keys create`` makes one: its text."""
    database = Database(database_url)
    try:
        database.migrate()
        return KeyRing(database).create(name, parse_scopes(scopes), rate_limit)[1]
    finally:
        database.dispose()


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


@functools.cache
def ours() -> TestClient:
    return client()


@functools.cache
def reference():
    """OpenFisca's web API (Flask) on the same CountryTaxBenefitSystem, as `openfisca serve` runs it."""
    from openfisca_web_api.app import create_app as create_flask_app

    logging.getLogger("gunicorn.error").setLevel(logging.CRITICAL)
    app = create_flask_app(CountryTaxBenefitSystem())
    app.logger.setLevel(logging.CRITICAL)
    return app.test_client()


def outputs(entity_key: str) -> list[str]:
    """Every variable of the entity that has a formula, by name."""
    return sorted(name for name, variable in shared_system().variables.items() if variable.entity.key == entity_key and variable.formulas)


def generated_situation(seed: int, organisations: int = 12, year: str = "2024", outputs_per_entity: int | None = None) -> dict:
    """A random but well-formed situation: every organisation in a place and in a procurement (as commissioner or bidder).

    Every output is requested (null), or ``outputs_per_entity`` of them chosen at random.
    """
    rnd = random.Random(seed)

    def requested(entity_key):
        names = outputs(entity_key)
        chosen = names if outputs_per_entity is None else rnd.sample(names, min(outputs_per_entity, len(names)))
        return {name: {year: None} for name in chosen}

    ids = [f"org_{seed}_{index}" for index in range(organisations)]
    situation = {"organisations": {}, "places": {}, "procurements": {}}
    for oid in ids:
        total = rnd.choice([0, 5_000, 15_000, rnd.randint(0, 300_000)])
        situation["organisations"][oid] = {
            "organisation_type": {year: rnd.choice(ORGANISATION_TYPES)},
            "has_social_purpose": {year: rnd.random() < 0.8},
            "is_independent": {year: rnd.random() < 0.8},
            "has_asset_lock": {year: rnd.random() < 0.6},
            "is_not_for_profit": {year: rnd.random() < 0.6},
            "months_since_established": {year: rnd.randint(0, 240)},
            "months_trading": {year: rnd.randint(0, 240)},
            "total_income": {year: total},
            "trading_income": {year: rnd.randint(0, max(total, 1))},
            "profit_share_to_purpose": {year: round(rnd.random(), 3)},
            "member_count": {year: rnd.randint(0, 50)},
            "governing_body_resident_share": {year: round(rnd.random(), 2)},
            "claim_service": {year: rnd.choice(SERVICES)},
            "claim_submission_date": {year: f"{year}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}"},
            **requested("organisation"),
        }
    shuffled = ids[:]
    rnd.shuffle(shuffled)
    for start in range(0, len(shuffled), 5):
        situation["places"][f"place_{seed}_{start}"] = {
            "members": shuffled[start : start + 5],
            "imd_decile": {year: rnd.randint(1, 10)},
            "cni_decile": {year: rnd.randint(1, 10)},
            "population": {year: rnd.randint(1_000, 20_000)},
            **requested("place"),
        }
    rnd.shuffle(shuffled)
    for start in range(0, len(shuffled), 3):
        commissioner, *bidders = shuffled[start : start + 3]
        situation["procurements"][f"contract_{seed}_{start}"] = {
            "commissioners": [commissioner],
            "bidders": bidders,
            "contract_value": {year: rnd.choice([50_000, 150_000, 250_000, 6_000_000])},
            "contract_value_includes_vat": {year: rnd.random() < 0.5},
            "contract_type": {year: rnd.choice(CONTRACT_TYPES)},
            "social_value_weighting": {year: rnd.choice([0, 0.05, 0.1, 0.2])},
            **requested("procurement"),
        }
    return situation


def http_date_to_iso(value):
    """Flask writes dates as HTTP dates ('Tue, 02 Jul 2024 00:00:00 GMT'): the ISO date, for comparison."""
    if isinstance(value, str) and value.endswith(" GMT"):
        return email.utils.parsedate_to_datetime(value).date().isoformat()
    return value


def normalise_dates(answer):
    if isinstance(answer, dict):
        return {key: normalise_dates(value) for key, value in answer.items()}
    if isinstance(answer, list):
        return [normalise_dates(value) for value in answer]
    return http_date_to_iso(answer)


def post_both(path: str, payload, raw: bytes | None = None, content_type: str = "application/json"):
    """The same bytes posted to the reference and to this app: (reference response, our response)."""
    body = raw if raw is not None else json.dumps(payload).encode()
    theirs = reference().post(path, data=body, content_type=content_type)
    mine = ours().post(path, content=body, headers={"content-type": content_type})
    return theirs, mine
