"""A synthetic population of England's organisations on its real wards, the same for the same seed and size.

``generate(n, seed)`` makes ``n`` organisation rows (each standing for ``weight`` organisations, so that the
weights sum to England's modelled total) and the procurements their public bodies commission. ``write``
stores them as two Parquet files, ``FILE.parquet`` and ``FILE.procurements.parquet``, whose columns are the
model's input variables under their own names, plus ``organisation_id``, ``ward_code`` and ``weight``
(``procurement_id``, ``commissioner_id`` and ``weight`` for procurements). Enumerations are stored as
dictionary columns whose codes are the model's indices. Facts are as at ``targets.REFERENCE_YEAR``.

Every step draws from its own stream of the seed, and every draw is vectorised: a million organisations
take a few seconds. The same seed and size give the same rows with the same numpy.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from kruger_rules.population import organisations as o
from kruger_rules.population import targets as t
from kruger_rules.population.placement import Wards, place
from kruger_rules.population.procurements import procurements
from kruger_rules.population.wards import DATA_DIR, load_wards

SAMPLE_ORGANISATIONS, SAMPLE_SEED = 20_000, 2020
SAMPLE_PATH = DATA_DIR / "population_sample.parquet"
"""The shipped sample: ``kruger-rules population generate --organisations 20000 --seed 2020 --out data/population_sample.parquet``."""

STEPS = ("types", "income", "trading", "age", "governance", "requests", "claims", "places", "procurements")
"""The generator's steps, in order. Each but the first (which draws nothing) has its own random stream of the seed,
so that a change to one step's draws leaves the other steps' columns as they were."""


class Population(NamedTuple):
    organisations: pa.Table
    procurements: pa.Table


def generate(organisations: int, seed: int, wards: pd.DataFrame | None = None, progress: Callable[[str], None] | None = None) -> Population:
    """``organisations`` rows and their procurements, from ``seed``, on the wards (default: England's, filled)."""
    drawing = STEPS[1:]
    streams = dict(zip(drawing, (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(len(drawing))), strict=True))
    step = progress or (lambda name: None)
    wards = load_wards() if wards is None else wards

    step("types")
    rows = o.rows_per_type(organisations)
    kind = np.repeat(np.arange(len(o.TYPES)), rows)
    weight = o.weights_of(kind, rows)
    step("income")
    total = o.income(kind, weight, streams["income"])
    step("trading")
    trading_income = o.trading(kind, total, streams["trading"])
    trading_led = o.is_trading_led(kind, total, trading_income)
    step("age")
    months = o.months_since_established(kind, trading_led, streams["age"])
    columns: dict[str, np.ndarray] = {
        "months_since_established": months,
        "months_trading": o.months_trading(months, trading_income, streams["age"]),
        "total_income": total,
        "trading_income": trading_income,
    }
    step("governance")
    columns |= o.governance(kind, streams["governance"])
    step("requests")
    columns["crf_requested_amount"] = o.grant_requests(kind, streams["requests"])
    step("claims")
    columns |= o.claims(kind, streams["claims"])
    step("places")
    ward_rows = Wards(wards)
    ward = place(kind, trading_led, ward_rows, streams["places"])
    order = np.lexsort((kind, ward))
    organisation_id = np.arange(organisations, dtype=np.int64)
    table = organisation_table(
        organisation_id, ward[order], ward_rows.codes, weight[order], kind[order], {k: v[order] for k, v in columns.items()}
    )
    step("procurements")
    bought = procurements(kind[order], organisation_id, organisations, streams["procurements"])
    return Population(table, procurement_table(bought))


def dictionary(codes: np.ndarray, values: tuple[str, ...] | np.ndarray) -> pa.DictionaryArray:
    """An enumeration column: ``codes`` index ``values`` (the model's order)."""
    return pa.DictionaryArray.from_arrays(pa.array(codes.astype(np.int16)), pa.array(list(values), type=pa.string()))


def organisation_table(
    organisation_id: np.ndarray, ward: np.ndarray, ward_codes: np.ndarray, weight: np.ndarray, kind: np.ndarray, columns: dict
) -> pa.Table:
    """The organisations as an Arrow table: identity, place and weight first, then the model's inputs."""
    return pa.table(
        {
            "organisation_id": organisation_id,
            "ward_code": dictionary(ward, ward_codes),
            "weight": weight,
            "organisation_type": dictionary(o.TYPE_CODES[kind], t.ORGANISATION_TYPES),
            **{name: columns[name] for name in BOOLEAN_AND_NUMBER_COLUMNS},
            "claim_service": dictionary(columns["claim_service"], o.CLAIM_SERVICE_VALUES),
            "claim_authority_type": dictionary(columns["claim_authority_type"], t.CLAIM_AUTHORITIES),
            "claim_submission_date": pa.array(columns["claim_submission_date"], type=pa.date32()),
            **{name: columns[name] for name in t.REJECTION_FACTS.value},
        }
    )


BOOLEAN_AND_NUMBER_COLUMNS = (
    "has_social_purpose",
    "is_independent",
    "has_asset_lock",
    "is_not_for_profit",
    "months_since_established",
    "months_trading",
    "total_income",
    "trading_income",
    "profit_share_to_purpose",
    "member_count",
    "governing_body_resident_share",
    "unconnected_board_members",
    "has_bank_account",
    "has_annual_accounts",
    "crf_requested_amount",
)


def procurement_table(columns: dict) -> pa.Table:
    return pa.table({**columns, "contract_type": dictionary(columns["contract_type"], t.CONTRACT_TYPES)})


def procurements_path(path: Path) -> Path:
    """``FILE.procurements.parquet`` beside ``FILE.parquet``."""
    return path.with_name(f"{path.name.removesuffix('.parquet')}.procurements.parquet")


def write(population: Population, path: Path) -> tuple[Path, Path]:
    """Both tables as Parquet (zstd), the organisations at ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(population.organisations, path, compression="zstd")
    pq.write_table(population.procurements, procurements_path(path), compression="zstd")
    return path, procurements_path(path)


def read(path: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Both tables of a population file, as data frames (enumerations as categories in the model's order)."""
    return pd.read_parquet(path), pd.read_parquet(procurements_path(path))
