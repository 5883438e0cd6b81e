"""Where synthetic organisations are: a ward for each, by region, deprivation and the OCSI flag, as published.

Organisations fall in families that are placed alike. For each family the wards' residents are raked
(iterative proportional fitting) until the family's shares by region, by fifth of IMD decile and in the
wards OCSI flags are the published ones; the family's rows then take wards by systematic sampling in
proportion to those weights, so that the counts in the flagged wards and in each region are within a row or
two of their shares.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kruger_rules.population import targets as t
from kruger_rules.population.organisations import TYPES, in_types
from kruger_rules.population.sampling import rake, systematic_choice

CHARITIES, TRADING_LED, MUTUAL_AID, LIKE_PEOPLE, PARISHES = range(5)
"""The families: charities; trading-led bodies that are not charities; mutual aid; the rest; parish councils."""


def families(kind: np.ndarray, trading_led: np.ndarray) -> np.ndarray:
    """Each row's family."""
    family = np.full(len(kind), LIKE_PEOPLE)
    family[trading_led] = TRADING_LED
    family[in_types(kind, t.CHARITY_TYPES)] = CHARITIES
    family[kind == TYPES.index("mutual_aid_group")] = MUTUAL_AID
    family[kind == TYPES.index("parish_council")] = PARISHES
    return family


class Wards:
    """The ward facts placement reads, as arrays in the ward table's order."""

    def __init__(self, wards: pd.DataFrame) -> None:
        self.codes = wards["ward_code"].to_numpy(dtype=str)
        self.region = np.array([t.REGIONS.index(name) for name in wards["region"].astype(str)])
        self.fifth = (wards["imd_decile"].to_numpy(dtype=int) - 1) // 2
        self.ocsi = wards["left_behind_ocsi"].to_numpy(dtype=bool).astype(int)
        self.population = wards["population"].to_numpy(dtype=float)

    def weights(self, family: int) -> np.ndarray:
        """Each ward's weight for a family: residents raked to the family's published shares."""
        if family == PARISHES:
            return (self.region != t.REGIONS.index("london")).astype(float)
        total = self.population.sum()
        people = np.array([t.REGION_POPULATION.value[name] for name in t.REGIONS], dtype=float)
        regions = people / people.sum()
        if family == CHARITIES:
            regions = np.array([t.CHARITY_REGION_SHARES.value[name] for name in t.REGIONS])
        margins = [(self.region, regions / regions.sum() * total)]
        if family in (CHARITIES, TRADING_LED):
            fifths = np.array(t.CHARITY_QUINTILES.value if family == CHARITIES else t.TRADING_LED_QUINTILES.value)
            margins.append((self.fifth, fifths / fifths.sum() * total))
        if family in (CHARITIES, MUTUAL_AID):
            rate = (t.OCSI_WARD_CHARITY_RATE if family == CHARITIES else t.OCSI_WARD_MUTUAL_AID_RATE).value
            flagged = rate * self.population[self.ocsi == 1].sum()
            margins.append((self.ocsi, np.array([total - flagged, flagged])))
        return rake(self.population, margins)


def place(kind: np.ndarray, trading_led: np.ndarray, wards: Wards, rng: np.random.Generator) -> np.ndarray:
    """A ward (index in the ward table) for every row."""
    family = families(kind, trading_led)
    ward = np.empty(len(kind), dtype=np.int64)
    # Wards by OCSI flag, region and fifth, shuffled within: a systematic sample then takes each run of wards
    # (the flagged wards, a region, a fifth within it) within a row of its expected count.
    order = np.lexsort((rng.random(len(wards.codes)), wards.fifth, wards.region, wards.ocsi))
    for member in range(PARISHES + 1):
        rows = np.flatnonzero(family == member)
        if len(rows):
            chosen = order[systematic_choice(wards.weights(member)[order], len(rows), rng)]
            ward[rng.permutation(rows)] = chosen
    return ward
