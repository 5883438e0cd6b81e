"""Synthetic procurements: contracts commissioned by the population's public bodies, with their values and weightings.

Each procurement's commissioner is an organisation of the population of a public body's type. Values are
log-normal above the commissioner's publication floor, with the median fitted so that the published share
of contracts is under £100k, and drawn by strata of probability so that the share holds at any size.
"""

from __future__ import annotations

import math

import numpy as np

from kruger_rules.population import targets as t
from kruger_rules.population.organisations import TYPES
from kruger_rules.population.sampling import flags, largest_remainder, normal_quantile, quota, stratified_uniform

COMMISSIONERS = tuple(t.COMMISSIONER_SHARES.value)
UNDER = 100_000.0


def procurement_rows(organisations: int) -> int:
    """Procurements for a population of ``organisations``: England's yearly count at the population's scale."""
    return max(len(COMMISSIONERS), round(organisations * t.PROCUREMENTS.value / t.ENGLAND_ORGANISATIONS))


def normal_cdf(z: float) -> float:
    return 0.5 * (1 + math.erf(z / math.sqrt(2)))


def median_log_value() -> float:
    """The log-normal's mean log at which the published share of contracts is under £100k, floors considered."""
    sigma = t.CONTRACT_VALUE_SIGMA.value
    shares, floors = t.COMMISSIONER_SHARES.value, t.PUBLICATION_FLOOR.value

    def share_under(mu: float) -> float:
        under = 0.0
        for kind, share in shares.items():
            floor = normal_cdf((math.log(floors[kind]) - mu) / sigma)
            under += share * (normal_cdf((math.log(UNDER) - mu) / sigma) - floor) / (1 - floor)
        return under

    low, high = math.log(1_000), math.log(100_000_000)
    for _ in range(100):
        mu = (low + high) / 2
        low, high = (mu, high) if share_under(mu) > t.CONTRACTS_UNDER_100K.value else (low, mu)
    return (low + high) / 2


def contract_values(kind: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Log-normal values above each commissioner kind's floor, one in each of the kind's equal strata of probability."""
    mu, sigma = median_log_value(), t.CONTRACT_VALUE_SIGMA.value
    floors = np.array([t.PUBLICATION_FLOOR.value[name] for name in COMMISSIONERS])
    below_floor = np.array([normal_cdf((math.log(floor) - mu) / sigma) for floor in floors])[kind]
    quantile = below_floor + stratified_uniform(kind, rng) * (1 - below_floor)
    return np.round(np.exp(mu + sigma * normal_quantile(quantile)))


def procurements(organisation_type: np.ndarray, organisation_id: np.ndarray, organisations: int, rng: np.random.Generator) -> dict:
    """The procurement table's columns, for a population whose rows have these types (index in ``TYPES``) and ids."""
    count = procurement_rows(organisations)
    shares = np.array([list(t.COMMISSIONER_SHARES.value.values())])
    per_kind = largest_remainder(np.array([count - len(COMMISSIONERS)]), shares)[0] + 1
    commissioner_kind = np.repeat(np.arange(len(COMMISSIONERS)), per_kind)
    kind_codes = np.array([TYPES.index(kind) for kind in COMMISSIONERS])
    # Organisation rows of each commissioner type, kind by kind, and where each kind's run starts.
    pool_order = np.argsort(organisation_type, kind="stable")
    starts = np.searchsorted(organisation_type[pool_order], kind_codes, side="left")
    sizes = np.searchsorted(organisation_type[pool_order], kind_codes, side="right") - starts
    if (sizes == 0).any():
        raise ValueError("every public body type needs an organisation to commission procurements")
    pick = starts[commissioner_kind] + rng.integers(0, sizes[commissioner_kind])
    central = commissioner_kind == COMMISSIONERS.index("central_government_department")
    levels, central_shares = t.WEIGHTINGS.value["central_government_department"]
    _, other_shares = t.WEIGHTINGS.value["other"]
    weighting = np.array(levels)[quota(central.astype(np.int64), np.array([other_shares, central_shares]), rng)]
    council = commissioner_kind == COMMISSIONERS.index("local_authority")
    with_plan, plan_weighting = t.LOCAL_PLANS.value
    planned = flags(council.astype(np.int64), np.array([0.0, with_plan]), rng)
    one_group = np.zeros(count, dtype=np.int64)
    total_by_kind = t.PROCUREMENTS.value * shares[0]
    return {
        "procurement_id": np.arange(count, dtype=np.int64),
        "commissioner_id": organisation_id[pool_order][pick],
        "weight": (total_by_kind / per_kind)[commissioner_kind],
        "contract_value": contract_values(commissioner_kind, rng),
        "contract_value_includes_vat": flags(one_group, np.array([t.VALUE_INCLUDES_VAT.value]), rng),
        "contract_type": quota(one_group, np.array([t.CONTRACT_TYPE_SHARES.value]), rng),
        "social_value_weighting": weighting,
        "local_social_value_plan_min_weighting": np.where(planned, plan_weighting, 0.0),
    }
