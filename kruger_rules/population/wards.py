"""England's 7,433 wards (2017 boundaries) as typed columns, with the table's two gaps filled by stated methods.

The ward table (``data/wards_england_2019.csv``, described in ``data/README.md``) is complete but for two
columns, and a population run needs every place's facts:

- ``imd_decile`` is empty for 2,104 wards whose code changed between 2017 and 2019 (the IMD was aggregated
  to 2019 wards). It is filled in three steps, in this order:

  1. OCSI flags a ward (``left_behind_ocsi``) only when it is in the worst tenth on the IMD as well as on
     the Community Needs Index, so a flagged ward takes decile 1: the flag is a direct observation.
  2. A region's other empty wards are ranked by a predicted IMD score, the region's least-squares line of
     IMD score on CNI score (fitted on the wards with both) plus the district's mean residual from that
     line over its wards with a score (nothing where the district has none: 82 districts were wholly
     re-warded). In that order, after the flagged wards, they take deciles so that the region's filled
     wards have the decile mix of its given wards.
  3. A ward in CNI decile 1 that OCSI does not flag is, by OCSI's reckoning, not in the worst IMD tenth: a
     filled decile 1 there becomes 2, so that the filled deciles never contradict the flag.

  Why: wards were re-drawn for electoral equality, not for deprivation, so the re-warded wards are taken
  to share their region's decile mix. A prediction alone would pile them into the middle deciles (a
  regression to the mean), and a population run counts organisations and places by decile. The CNI score
  is the only index these wards have (Pearson 0.40 with the IMD score), and a district's wards share much
  of their deprivation, so both order the wards. Held out on the wards that have a decile (ten draws),
  the method finds the exact decile of 23 % of wards and a decile within one for 49 % when 20 % of wards
  are hidden (the district's median decile: 19 % and 50 %), and 18 % and 43 % when 20 % of districts are
  hidden whole (the region's median decile: 10 % and 32 %). ``imd_score`` and ``imd_rank`` stay empty:
  only the decile, which the rules read, is filled.

- ``population`` is empty for 12 wards to which no LSOA is assigned. Each takes the median given population
  of its district's wards, rounded half up to a whole person. Why: the boundary commission draws a
  district's wards to hold about the same number of electors per councillor, so a ward's size is best told
  by its own district's wards, and the median is not pulled by the district's few large multi-member wards.
  Their residents are already counted in neighbouring wards (the given values sum to the ONS district
  totals), so the filled values (36,139 people) count residents twice: a run that totals population should
  leave out the rows where ``population_imputed`` is true.

``imd_decile_imputed`` and ``population_imputed`` mark every filled value; a given value is never changed.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from kruger_rules.errors import KrugerError
from kruger_rules.system import DATA_DIR

WARDS_CSV = DATA_DIR / "wards_england_2019.csv"

COLUMN_TYPES = {
    "ward_code": "string",
    "ward_name": "string",
    "lad_code": "string",
    "lad_name": "string",
    "region": "category",
    "cni_score": "float64",
    "cni_rank": "int32",
    "cni_decile": "int8",
    "imd_score": "float64",
    "imd_rank": "Int32",
    "imd_decile": "Int8",
    "left_behind_ocsi": "bool",
    "population": "Int64",
}
"""The table's columns and their types; the two nullable integers are the ones with gaps."""


def read_wards(path: Path | None = None) -> pd.DataFrame:
    """The ward table as given, typed, gaps left as missing values."""
    path = path or WARDS_CSV
    try:
        wards = pd.read_csv(path, dtype=COLUMN_TYPES)
    except FileNotFoundError:
        raise KrugerError("missing_data", f"the ward table {path} is missing: it ships in the source tree's data/ folder") from None
    missing = set(COLUMN_TYPES) - set(wards.columns)
    if missing:
        raise KrugerError("bad_data", f"{path} lacks the columns {sorted(missing)}")
    return wards


def load_wards(path: Path | None = None) -> pd.DataFrame:
    """The ward table with every IMD decile and population filled, and a flag on each filled value."""
    return impute(read_wards(path))


def impute(wards: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``wards`` with ``imd_decile`` and ``population`` complete, and ``*_imputed`` flags beside them."""
    filled = wards.copy()
    filled["imd_decile_imputed"] = wards["imd_decile"].isna().to_numpy()
    filled["imd_decile"] = imputed_imd_deciles(wards)
    filled["population_imputed"] = wards["population"].isna().to_numpy()
    filled["population"] = imputed_populations(wards)
    return filled


def imputed_imd_deciles(wards: pd.DataFrame) -> pd.Series:
    """Every ward's IMD decile: the given one, else the three steps of the module's docstring."""
    missing = wards["imd_decile"].isna().to_numpy()
    flagged = wards["left_behind_ocsi"].to_numpy()
    region = wards["region"].astype("string").to_numpy()
    rows = np.arange(len(wards))
    order = pd.DataFrame({"row": rows, "region": region, "flagged": flagged, "score": predicted_imd_scores(wards)})[missing]
    # Flagged wards first, then the most deprived by predicted score: position 0 is the region's worst.
    order = order.sort_values(["region", "flagged", "score"], ascending=[True, False, False], kind="stable")
    position = order.groupby("region").cumcount().to_numpy()
    count = order.groupby("region")["score"].transform("size").to_numpy()
    shares = given_decile_shares(wards)
    cumulative = shares.cumsum(axis=1).loc[order["region"]].to_numpy()
    quantile = (position + 0.5) / count
    decile = 1 + (quantile[:, None] > cumulative[:, :-1]).sum(axis=1)
    decile = np.where(order["flagged"].to_numpy(), 1, decile)
    filled_rows = order["row"].to_numpy()
    in_need = wards["cni_decile"].to_numpy()[filled_rows] == 1
    decile = np.where(in_need & ~order["flagged"].to_numpy() & (decile == 1), 2, decile)
    deciles = wards["imd_decile"].fillna(0).to_numpy().astype(np.int8)
    deciles[filled_rows] = decile
    return pd.Series(deciles, index=wards.index, name="imd_decile")


def given_decile_shares(wards: pd.DataFrame) -> pd.DataFrame:
    """Each region's share of its wards with a given IMD decile in deciles 1 to 10 (rows: regions)."""
    known = wards["imd_decile"].notna()
    counts = pd.crosstab(wards["region"].astype("string")[known], wards["imd_decile"][known].astype(int))
    counts = counts.reindex(columns=range(1, 11), fill_value=0)
    return counts.div(counts.sum(axis=1), axis=0)


def predicted_imd_scores(wards: pd.DataFrame) -> np.ndarray:
    """Each ward's region line of IMD score on CNI score, plus its district's mean residual (0 if none)."""
    known = wards["imd_score"].notna()
    x, y = wards["cni_score"], wards["imd_score"]
    by_region = pd.DataFrame({"x": x[known], "y": y[known], "xy": x[known] * y[known], "xx": x[known] ** 2}).groupby(
        wards["region"].astype("string")[known]
    )
    sums, counts = by_region.sum(), by_region.size()
    slope = (sums["xy"] - sums["x"] * sums["y"] / counts) / (sums["xx"] - sums["x"] ** 2 / counts)
    intercept = (sums["y"] - slope * sums["x"]) / counts
    region = wards["region"].astype("string")
    line = region.map(intercept).astype(float) + region.map(slope).astype(float) * x
    residual = (y - line)[known]
    district_offset = wards["lad_code"].map(residual.groupby(wards["lad_code"][known]).mean()).astype(float).fillna(0.0)
    return (line + district_offset).to_numpy()


def imputed_populations(wards: pd.DataFrame) -> pd.Series:
    """Every ward's population: the given one, else the median given population of its district's wards.

    A district with no given population (none in the table) would take its region's median.
    """
    given = wards["population"].astype("Float64")
    district_median = given.groupby(wards["lad_code"]).transform("median")
    region_median = given.groupby(wards["region"], observed=True).transform("median")
    filled = given.fillna(np.floor(district_median.fillna(region_median) + 0.5))
    return filled.astype("int64").rename("population")
