"""The published aggregates a synthetic population is calibrated to, and every modelling choice behind it.

Each figure is a ``Sourced`` value: its source (an address, or the working of a figure derived from sourced
ones) beside it, or ``assumption=True`` with the reason for a choice no source settles. ``TARGETS`` lists the
figures a generated population is checked against (``check.py``), each with its tolerance.

Geography: England. Figures for the UK are scaled by England's share of the UK population, and those for
England and Wales by England's share of their voluntary organisations, as each entry says. Facts are as
at the start of ``REFERENCE_YEAR`` (ages in months) or for the financial year ending in it (income).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Sourced(Generic[T]):
    """A figure and where it comes from: a source, the working from sourced figures, or an assumption's reason."""

    value: T
    source: str = ""
    assumption: bool = False
    reason: str = ""

    def __post_init__(self) -> None:
        if self.assumption and not self.reason:
            raise ValueError("an assumption needs its reason")
        if not self.assumption and not self.source:
            raise ValueError("a figure that is not an assumption needs its source")


@dataclass(frozen=True)
class Target:
    """A figure a generated population must reproduce, within ``tolerance`` (in the figure's own unit)."""

    key: str
    label: str
    value: float
    tolerance: float
    source: str
    assumption: bool = False


TOLERANCES_HOLD_FROM = 5_000
"""The tolerances are for populations of at least this many organisations: below, a few hundred rows of a kind
(charities in the wards OCSI flags, procurements) are too few for their shares to settle."""

REFERENCE_YEAR = 2024
"""The year the population describes: ages at its start, income for the financial year ending in it."""

# Geography ------------------------------------------------------------------------------------------------

REGIONS = (
    "north_east",
    "north_west",
    "yorkshire_and_the_humber",
    "east_midlands",
    "west_midlands",
    "east_of_england",
    "london",
    "south_east",
    "south_west",
)
"""England's regions, as the model's ``region`` values."""

ONS_MID_2021 = "ONS mid-2021 estimates as tabulated by https://statistico.com/s/uk-population-by-region"

REGION_POPULATION = Sourced(
    {
        "north_east": 2_646_772,
        "north_west": 7_422_295,
        "yorkshire_and_the_humber": 5_481_431,
        "east_midlands": 4_880_094,
        "west_midlands": 5_954_240,
        "east_of_england": 6_348_096,
        "london": 8_796_628,
        "south_east": 9_294_023,
        "south_west": 5_712_840,
    },
    source=ONS_MID_2021,
)

ENGLAND_SHARE_OF_UK = Sourced(
    56_536_419 / 67_026_292,
    source=f"DERIVED: England 56,536,419 / UK 67,026,292, mid-2021 ({ONS_MID_2021})",
)
"""Scales a UK count to England (0.8435)."""

ENGLAND_SHARE_OF_ENGLAND_AND_WALES = Sourced(
    0.948,
    source="DERIVED: NCVO England ~132,000 / (132,000 + Wales ~7,200) voluntary organisations, 2021/22, "
    "https://www.ncvo.org.uk/news-and-insights/news-index/uk-civil-society-almanac-2024/profile/where-are-voluntary-organisations-based/",
)

CHARITY_REGION_SHARES = Sourced(
    {
        "north_east": 0.030,
        "north_west": 0.101,
        "yorkshire_and_the_humber": 0.074,
        "east_midlands": 0.075,
        "west_midlands": 0.092,
        "east_of_england": 0.122,
        "london": 0.191,
        "south_east": 0.185,
        "south_west": 0.130,
    },
    source="DERIVED from NCVO Civil Society Almanac regional counts (London and South East 2020/21, East 2016/17, "
    "South West = 25.2 % less East, North East 3 %, the rest of the North and the Midlands split by population; years mixed): "
    "https://www.ncvo.org.uk/news-and-insights/news-index/uk-civil-society-almanac-2023/profile/where-are-voluntary-organisations-based/",
)

NORTH_EAST_DENSITY_RATIO = Sourced(
    1.7 / 2.26,
    source="DERIVED: North East 1.7 against England 2.26 voluntary organisations per 1,000 people, 2021/22, "
    "https://www.ncvo.org.uk/news-and-insights/news-index/uk-civil-society-almanac-2024/profile/where-are-voluntary-organisations-based/",
)

# Organisations by type (England, full scale) --------------------------------------------------------------

CHARITIES = Sourced(
    170_056 * ENGLAND_SHARE_OF_ENGLAND_AND_WALES.value,
    source="DERIVED: 170,056 registered charities in England and Wales at 31 Mar 2024 "
    "(https://gov.uk/government/publications/charity-commission-casework-and-registrations-data-2024-to-2025/"
    "casework-and-registrations-data-january-to-march-2024) x 0.948 for England",
)
"""About 161,000."""

CIOS: Sourced[float] = Sourced(
    25_000.0,
    assumption=True,
    reason="no recent count found: 4,576 CIOs in 2015 (https://www.civilsociety.co.uk/news/popularity-of-cio-structure-driving-"
    "increase-in-charity-numbers.html) plus about half of ~5,000 registrations a year since, x 0.948 for England",
)

TRUST_SHARE = Sourced(
    0.25,
    assumption=True,
    reason="the register's split by governing document was not found: a quarter of the charities that are not CIOs "
    "are taken to be trusts, the rest charitable companies and associations",
)

CIC_UK = "around 31,000 CICs, Mar 2024 (Hansard HL, https://hansard.parliament.uk/Lords/2024-03-11/debates/C471EE07-FE7A-46CD-B060-FC5E90709E43/RegulatorOfCommunityInterestCompanies)"
COOPS_UK = "7,063 independent co-operatives, 2020 (Co-operatives UK, https://apo.org.au/node/306719)"

CO_OPERATIVE_SHARE = Sourced(
    2 / 3,
    assumption=True,
    reason="the count of community benefit societies was not found: two thirds of co-operatives and community "
    "benefit societies are taken to be co-operatives",
)

_SOCIETIES = 7_063 * ENGLAND_SHARE_OF_UK.value

TYPE_COUNTS: dict[str, Sourced[float]] = {
    "registered_charity": Sourced(
        (CHARITIES.value - CIOS.value) * (1 - TRUST_SHARE.value),
        source="DERIVED: (charities in England - CIOs) x (1 - trust share); see CHARITIES, CIOS, TRUST_SHARE",
    ),
    "charitable_incorporated_organisation": CIOS,
    "charitable_trust": Sourced(
        (CHARITIES.value - CIOS.value) * TRUST_SHARE.value,
        source="DERIVED: (charities in England - CIOs) x trust share; see CHARITIES, CIOS, TRUST_SHARE",
    ),
    "company_limited_by_guarantee": Sourced(
        15_000,
        assumption=True,
        reason="the count of companies limited by guarantee with a social purpose (neither charities nor CICs) was not found",
    ),
    "community_interest_company": Sourced(
        31_000 * ENGLAND_SHARE_OF_UK.value, source=f"DERIVED: {CIC_UK} x 0.8435 for England (CICs taken to be spread like people)"
    ),
    "community_benefit_society": Sourced(
        _SOCIETIES * (1 - CO_OPERATIVE_SHARE.value), source=f"DERIVED: {COOPS_UK} x 0.8435 x (1 - co-operative share)"
    ),
    "cooperative": Sourced(_SOCIETIES * CO_OPERATIVE_SHARE.value, source=f"DERIVED: {COOPS_UK} x 0.8435 x co-operative share"),
    "unincorporated_community_group": Sourced(
        30_600,
        assumption=True,
        reason="the remainder to reach ~250,000 civil society organisations in England; 600,000-900,000 below-the-radar "
        "groups in the UK (NCVO, https://blogs.ncvo.org.uk/2019/01/21/small-charities-key-findings-from-our-data/), "
        "of which only constituted groups able to apply are counted",
    ),
    "mutual_aid_group": Sourced(
        4_000 * 0.41 * ENGLAND_SHARE_OF_UK.value,
        source="DERIVED: an estimated 4,000 COVID mutual aid groups, 41 % still active 25 months later "
        "(https://www.awn.org.uk/post/four-in-10-pandemic-era-mutual-aid-groups-still-active-uk-data-suggests) x 0.8435",
    ),
    "parish_council": Sourced(10_000, source="NALC, https://nalc.gov.uk/about/parish-and-town-councils.html"),
    "employee_group": Sourced(
        200,
        assumption=True,
        reason="no count of groups of public employees proposing to run their service was found; kept small",
    ),
    "private_company": Sourced(
        23_100 * ENGLAND_SHARE_OF_UK.value,
        source="DERIVED: 23,100 distinct suppliers to government, 2017 (Tussell, "
        "https://www.tussell.com/insights/more-smes-winning-government-contracts-than-ever) x 0.8435: the companies that bid",
    ),
    "local_authority": Sourced(
        317,
        source="LGA, https://www.local.gov.uk/our-support/guidance-and-resources/communications-support/digital-councils/social-media/go-further/a-z-councils-online",
    ),
    "fire_and_rescue_authority": Sourced(
        44,
        assumption=True,
        reason="no count in the calibration sources: England's 44 fire and rescue services taken as its authorities",
    ),
    "central_government_department": Sourced(
        44,
        source="24 ministerial and 20 non-ministerial departments, Jan 2023, http://www.wikipedia.org/wiki/Departments_of_the_United_Kingdom_Government",
    ),
    "nhs_body": Sourced(
        209,
        source="NHS trusts and foundation trusts, Jul 2024 (NHS Providers), https://nhsproviders.org/resources/briefings/nhs-secondary-care-an-overview",
    ),
}
"""Organisations in England by the model's ``organisation_type`` (every value but ``unknown``), in its order."""

NOT_GENERATED_TYPES = Sourced(
    ("neighbourhood_forum",),
    assumption=True,
    reason="no calibration source counts neighbourhood forums, and a forum's one right in the model, to nominate land as an "
    "asset of community value, reads facts about an asset that a population does not carry: none is generated",
)
"""The model's ``organisation_type`` values after those of ``TYPE_COUNTS`` that a population never holds."""

ORGANISATION_TYPES = ("unknown", *TYPE_COUNTS, *NOT_GENERATED_TYPES.value)
"""The model's ``organisation_type`` values in its order, so that a stored category's code is the value's index."""

ENGLAND_ORGANISATIONS = sum(count.value for count in TYPE_COUNTS.values())
"""England's modelled total of organisations (about 270,300): the weights of any generated population sum to it."""

CHARITY_TYPES = ("registered_charity", "charitable_incorporated_organisation", "charitable_trust")
PUBLIC_TYPES = ("local_authority", "fire_and_rescue_authority", "central_government_department", "nhs_body")
CIVIL_SOCIETY_TYPES = tuple(t for t in TYPE_COUNTS if t not in {*PUBLIC_TYPES, "private_company", "employee_group"})
TRADING_LED_TYPES = tuple(t for t in CIVIL_SOCIETY_TYPES if t != "parish_council")
"""The types that count as trading-led when they earn at least half their income from trading (a parish council
is funded by its precept and is not counted, as in the published counts)."""

TRADING_LED_MIN_SHARE = Sourced(
    0.5,
    source="DCMS definition, at least 50 % of income from trading: "
    "https://www.pioneerspost.com/news-views/20220913/government-identifies-450000-social-enterprises-and-other-value-led-businesses",
)

TRADING_LED_TOTAL = Sourced(
    131_000 * ENGLAND_SHARE_OF_UK.value,
    source="DERIVED: ~131,000 UK social enterprises, 2023 (SEUK, https://socialenterprise.org.uk/social-enterprise-knowledge-centre/"
    "fact-sheets) x 0.8435",
)

# Income ------------------------------------------------------------------------------------------------------

INCOME_BAND_EDGES = (0.0, 10_000.0, 100_000.0, 500_000.0, 1_000_000.0, 5_000_000.0, math.inf)
INCOME_BANDS = ("under £10k", "£10k-£100k", "£100k-£500k", "£500k-£1m", "£1m-£5m", "over £5m")

CHARITY_INCOME_BANDS: Sourced[tuple[float, ...]] = Sourced(
    (0.356, 0.399, 0.158, 0.033, 0.036, 0.017),
    source="DERIVED: register-wide bands, England and Wales 2023: 35.6 % of the register not required to file, the rest at the "
    "Annual Return 2023 filer shares (https://www.gov.uk/government/publications/annual-return-2023-analysis-report/"
    "annual-return-2023-analysis-report)",
)

INCOME_BAND_SHARES: dict[str, Sourced[tuple[float, ...]]] = {
    "registered_charity": CHARITY_INCOME_BANDS,
    "charitable_trust": CHARITY_INCOME_BANDS,
    "charitable_incorporated_organisation": Sourced(
        CHARITY_INCOME_BANDS.value, assumption=True, reason="no band count for CIOs: taken as the register's"
    ),
    "community_interest_company": Sourced(
        (0.30, 0.45, 0.17, 0.04, 0.03, 0.01),
        assumption=True,
        reason="no band count for CICs; anchors: Trade Up participants' median income just over £70,000, "
        "Black-women-led social enterprises' median £31,900",
    ),
    "company_limited_by_guarantee": Sourced((0.30, 0.45, 0.17, 0.04, 0.03, 0.01), assumption=True, reason="no band count: taken as CICs'"),
    "cooperative": Sourced(
        (0.20, 0.35, 0.25, 0.08, 0.08, 0.04),
        assumption=True,
        reason="no band count; anchor: UK mean turnover about £5.2m, dominated by a few giants (£37.7bn / 7,215, 2019)",
    ),
    "community_benefit_society": Sourced(
        (0.20, 0.35, 0.25, 0.08, 0.08, 0.04), assumption=True, reason="no band count: taken as co-operatives'"
    ),
    "parish_council": Sourced(
        (0.25, 0.50, 0.20, 0.035, 0.015, 0.0),
        assumption=True,
        reason="no band count; anchors: mean precept about £70,000 (£700m / 10,000 councils, NALC), largest precepts over £1m",
    ),
    "unincorporated_community_group": Sourced((0.85, 0.15, 0, 0, 0, 0), assumption=True, reason="small groups: most under £10,000"),
    "mutual_aid_group": Sourced((1.0, 0, 0, 0, 0, 0), assumption=True, reason="informal groups with little money"),
    "employee_group": Sourced((1.0, 0, 0, 0, 0, 0), assumption=True, reason="a group of employees not yet running its service"),
    "private_company": Sourced(
        (0.0, 0.10, 0.30, 0.15, 0.20, 0.25),
        assumption=True,
        reason="suppliers to government, 62 % of them small and medium-sized (Tussell, 2017); no band count found",
    ),
    **{kind: Sourced((0, 0, 0, 0, 0, 1.0), assumption=True, reason="every public body's income is over £5m") for kind in PUBLIC_TYPES},
}

MEDIAN_MICRO_CHARITY_INCOME = Sourced(
    3_400.0,
    source="NCVO, median income of micro organisations (under £10k), 2021/22: "
    "https://www.ncvo.org.uk/news-and-insights/news-index/uk-civil-society-almanac-2024/financials/",
)

INCOME_WITHIN_BAND = Sourced(
    "log-uniform",
    assumption=True,
    reason="income within a band is log-uniform; the lowest band starts at £3,400² / £10,000 (£1,156) so that its median "
    "is the micro median",
)

CHARITY_INCOME_SHARE_OVER_5M = Sourced(
    67.63 / 90.3,
    source="DERIVED: £67.63bn of £90.3bn charity income in charities over £5m, Annual Return 2022 "
    "(https://gov.uk/government/publications/charity-commission-annual-return-data/annual-return-data-january-to-december-2022)",
)

LARGEST_INCOME = Sourced(
    2e9,
    assumption=True,
    reason="incomes over £5m follow a Pareto tail cut at £2bn, above the largest charities (NCVO: super-major median £254.1m); "
    "its shape is fitted on each population so that charities over £5m hold their share of charity income",
)

# Trading --------------------------------------------------------------------------------------------------------

TRADING_BAND_EDGES = (0.0, 0.25, 0.5, 0.75, 1.0)

_CHARITY_TRADING_ANCHOR = (0.45, 0.20, 0.15, 0.20)
_TRADING_OTHERS = {
    "community_interest_company": (0.0, 0.10, 0.20, 0.70),
    "company_limited_by_guarantee": (0.0, 0.10, 0.20, 0.70),
    "cooperative": (0.0, 0.05, 0.15, 0.80),
    "community_benefit_society": (0.0, 0.05, 0.15, 0.80),
    "unincorporated_community_group": (0.70, 0.15, 0.10, 0.05),
    "mutual_aid_group": (1.0, 0.0, 0.0, 0.0),
}


def _charity_trading_bands() -> tuple[float, ...]:
    """The charity trading bands, their upper half scaled so that England's trading-led total is SEUK's."""
    others = sum(TYPE_COUNTS[kind].value * (shares[2] + shares[3]) for kind, shares in _TRADING_OTHERS.items())
    charities = sum(TYPE_COUNTS[kind].value for kind in CHARITY_TYPES)
    upper = (TRADING_LED_TOTAL.value - others) / charities
    low, high = _CHARITY_TRADING_ANCHOR[:2], _CHARITY_TRADING_ANCHOR[2:]
    return tuple(share * (1 - upper) / sum(low) for share in low) + tuple(share * upper / sum(high) for share in high)


CHARITY_TRADING_BANDS = Sourced(
    _charity_trading_bands(),
    assumption=True,
    reason="anchors: about half of charity income from charitable activities and under 10 % from other trading (Charity "
    "Commission Annual Return 2023); the upper bands scaled so that England's trading-led total is SEUK's",
)

TRADING_BAND_SHARES: dict[str, Sourced[tuple[float, ...]]] = {
    **{kind: CHARITY_TRADING_BANDS for kind in CHARITY_TYPES},
    "community_interest_company": Sourced(
        _TRADING_OTHERS["community_interest_company"],
        assumption=True,
        reason="67-77 % of social enterprises earn over 75 % from trading (SEUK 2019 and 2021); the rest's split assumed",
    ),
    "company_limited_by_guarantee": Sourced(_TRADING_OTHERS["company_limited_by_guarantee"], assumption=True, reason="taken as CICs'"),
    "cooperative": Sourced(_TRADING_OTHERS["cooperative"], assumption=True, reason="co-operatives trade for their members"),
    "community_benefit_society": Sourced(_TRADING_OTHERS["community_benefit_society"], assumption=True, reason="taken as co-operatives'"),
    "unincorporated_community_group": Sourced(
        _TRADING_OTHERS["unincorporated_community_group"], assumption=True, reason="groups live mostly on gifts and grants"
    ),
    "mutual_aid_group": Sourced(_TRADING_OTHERS["mutual_aid_group"], assumption=True, reason="mutual aid does not trade"),
    "parish_council": Sourced((0.95, 0.05, 0.0, 0.0), assumption=True, reason="funded by its precept"),
    "employee_group": Sourced((1.0, 0.0, 0.0, 0.0), assumption=True, reason="not yet running its service"),
    "private_company": Sourced((0.0, 0.0, 0.0, 1.0), assumption=True, reason="a company lives on its sales"),
    **{kind: Sourced((1.0, 0.0, 0.0, 0.0), assumption=True, reason="funded by taxes and grants") for kind in PUBLIC_TYPES},
}

NO_TRADING_TYPES = Sourced(
    ("mutual_aid_group", "employee_group"), assumption=True, reason="these bodies earn nothing from trading: their share is 0"
)
TRADING_WITHIN_BAND = Sourced("uniform", assumption=True, reason="the trading share is uniform within its band")

# Where organisations are ------------------------------------------------------------------------------------

CHARITY_QUINTILES = Sourced(
    (0.15, 0.2125, 0.2125, 0.2125, 0.2125),
    source="15 % of smaller registered charities work in the 20 % most deprived communities (Lloyds Bank Foundation, "
    "Trading for Good, 2018, https://lloydsbankfoundation.org.uk/influencing/research/trading-for-good); the other "
    "fifths equal (assumption)",
)
"""Shares of charities in the fifths of wards by IMD, the most deprived first."""

TRADING_LED_QUINTILES = Sourced(
    (0.22, 0.21, 0.21, 0.21, 0.15),
    source="22 % of social enterprises in the most deprived fifth of areas and 15 % in the least (SEUK 2023, "
    "https://civilsociety.co.uk/news/social-enterprises-in-deprived-areas-have-fallen-over-the-last-decade-study-finds.html); "
    "the middle fifths equal (assumption)",
)
"""Shares of trading-led organisations that are not charities in the fifths of wards by IMD."""

OCSI_WARD_CHARITY_RATE = Sourced(
    0.5,
    source="APPG for Left Behind Neighbourhoods: 'less than half as likely to have a registered charity' as England "
    "(https://appg-leftbehindneighbourhoods.org.uk/news/left-behind-areas-receive-less-than-half-the-charitable-grants-of-"
    "other-deprived-places-new-research-shows)",
)
"""Charities per head in the wards OCSI flags, against England's."""

OCSI_WARD_MUTUAL_AID_RATE = Sourced(
    0.5,
    assumption=True,
    reason="these wards had fewer mutual aid groups in 2020 (APPG/OCSI, qualitative): taken at the charities' half rate",
)

SPREAD_LIKE_PEOPLE = Sourced(
    "population",
    assumption=True,
    reason="CICs, co-operatives, other companies, groups, mutual aid and public bodies are spread over regions and, within "
    "a region (and a fifth of deprivation, where one applies), over wards in proportion to residents",
)
PARISHES_BY_WARD = Sourced(
    "ward count outside London",
    assumption=True,
    reason="London has no parish councils; elsewhere they are spread evenly over wards (coverage by ward not found)",
)

# Age ------------------------------------------------------------------------------------------------------------

YOUNG_MONTHS, OLD_MONTHS = 36, 240
"""Under three years old: young; over twenty: old."""

TRADING_LED_AGE = Sourced(
    (0.275, 0.35),
    source="under 3 years: 25 % (2017) to 'three in ten' (2019) of social enterprises (SEUK, http://inclusioncornwall.co.uk/"
    "state-social-enterprise-2017/ , https://apo.org.au/node/264451); over 20 years: 35 % of smaller social enterprises "
    "(Lloyds Bank Foundation, 2018)",
)
"""Shares of trading-led organisations under 3 years old and over 20."""

AGE_SHARES: dict[str, Sourced[tuple[float, float]]] = {
    **{
        kind: Sourced(
            (0.09, 0.5),
            assumption=True,
            reason="under 3 years: 3 x 3.0 % of the register registered a year (5,033 / 170,056, 2023/24, removals ignored); "
            "over 20 years: half, no source",
        )
        for kind in CHARITY_TYPES
    },
    "community_interest_company": Sourced(
        (0.5, 0.0), assumption=True, reason="28.6 % of the stock registered in 2020/21 alone (6,838 / 23,887)"
    ),
    "company_limited_by_guarantee": Sourced((0.2, 0.3), assumption=True, reason="no source; between CICs and charities"),
    "cooperative": Sourced((0.06, 0.5), assumption=True, reason="under 3 years: 150 start-ups in 2019 / 7,215 x 3"),
    "community_benefit_society": Sourced((0.06, 0.5), assumption=True, reason="taken as co-operatives'"),
    "unincorporated_community_group": Sourced((0.3, 0.2), assumption=True, reason="groups come and go; no source"),
    "mutual_aid_group": Sourced((0.0, 0.0), assumption=True, reason="formed in spring 2020: see MUTUAL_AID_FORMED"),
    "parish_council": Sourced(
        (0.009, 0.97), assumption=True, reason="300+ new councils in a decade (NALC), 3 % of 10,000, a third of them in 3 years"
    ),
    "employee_group": Sourced((1.0, 0.0), assumption=True, reason="formed to propose running its service"),
    "private_company": Sourced((0.2, 0.3), assumption=True, reason="no source"),
    **{kind: Sourced((0.0, 1.0), assumption=True, reason="long established") for kind in PUBLIC_TYPES},
}
"""Shares under 3 years old and over 20, for organisations that are not trading-led."""

LEGAL_MAXIMUM_AGE = Sourced(
    {
        "community_interest_company": (REFERENCE_YEAR - 2005) * 12 - 6,
        "charitable_incorporated_organisation": (REFERENCE_YEAR - 2013) * 12,
    },
    source="CICs could first register on 1 July 2005 (https://www.legislation.gov.uk/uksi/2005/1788/contents/made), CIOs in "
    "January 2013 (https://www.legislation.gov.uk/ukpga/2011/25/part/11)",
)
OLDEST = Sourced(
    {"parish_council": (REFERENCE_YEAR - 1894) * 12},
    assumption=True,
    reason="parish councils date from the Local Government Act 1894; any other old body is at most a century old",
)
CENTURY_MONTHS = 1_200
MUTUAL_AID_FORMED = Sourced(
    (2020, 3, 2020, 6),
    source="mutual aid groups formed in spring 2020 (https://www.right-here.org/new-research-covid-mutual-aid-groups-are-here-to-stay/)",
)
MONTHS_TRADING = Sourced((0.5, 1.0), assumption=True, reason="a body that trades began between halfway through its life and its start")

# Governance -----------------------------------------------------------------------------------------------------


def _by_type(default: float, **values: float) -> dict[str, float]:
    return {kind: values.get(kind, default) for kind in TYPE_COUNTS}


_PUBLIC_ZERO = {kind: 0.0 for kind in PUBLIC_TYPES}
_PUBLIC_ONE = {kind: 1.0 for kind in PUBLIC_TYPES}

HAS_SOCIAL_PURPOSE = Sourced(
    _by_type(1.0, cooperative=0.5, private_company=0.0, **_PUBLIC_ZERO),
    assumption=True,
    reason="charities, CICs and community benefit societies have one by law; other companies here are counted for theirs; "
    "half of co-operatives; a private company or a public body is not counted",
)
IS_INDEPENDENT = Sourced(
    _by_type(1.0, mutual_aid_group=0.3, employee_group=0.0),
    assumption=True,
    reason="every constituted body has its own governing body; most mutual aid groups are informal; an employee group is "
    "not yet constituted",
)
HAS_ASSET_LOCK = Sourced(
    _by_type(
        0.0,
        registered_charity=1.0,
        charitable_incorporated_organisation=1.0,
        charitable_trust=1.0,
        community_interest_company=1.0,
        community_benefit_society=0.5,
        company_limited_by_guarantee=0.5,
        cooperative=0.1,
        unincorporated_community_group=0.2,
    ),
    assumption=True,
    reason="charity law and the CIC regulations lock assets; a community benefit society may adopt the statutory lock "
    "(half taken to); other bodies rarely write one in",
)
IS_NOT_FOR_PROFIT = Sourced(
    _by_type(1.0, community_interest_company=0.8, cooperative=0.3, private_company=0.0),
    assumption=True,
    reason="a CIC limited by shares may pay capped dividends; a co-operative trades for its members; a company for profit",
)
PROFIT_SHARE_TO_PURPOSE = Sourced(
    {
        **{kind: (1.0, 1.0) for kind in TYPE_COUNTS},
        "community_interest_company": (0.65, 1.0),
        "cooperative": (0.2, 1.0),
        "private_company": (0.0, 0.2),
    },
    assumption=True,
    reason="uniform in the range: a CIC's dividends are capped (35 % of distributable profits); co-operatives pay dividends "
    "to members; SEUK: £1bn of £1.2bn profit reinvested",
)
MEMBERS = Sourced(
    {
        **{kind: 0.0 for kind in TYPE_COUNTS},
        "registered_charity": 10.0,
        "charitable_incorporated_organisation": 10.0,
        "company_limited_by_guarantee": 10.0,
        "community_interest_company": 3.0,
        "cooperative": 150.0,
        "community_benefit_society": 150.0,
        "unincorporated_community_group": 15.0,
        "mutual_aid_group": 40.0,
        "employee_group": 6.0,
    },
    assumption=True,
    reason="median members, log-normal with sigma 1 (at least 1, an employee group at least 2, Localism Act 2011 s.81(6)(d)); "
    "co-operatives: 13.7m members over 7,215 co-operatives, very skewed; 0 where a body has no members",
)
BOARD = Sourced(
    {
        **{kind: (3, 3.0) for kind in CHARITY_TYPES},
        "company_limited_by_guarantee": (2, 3.0),
        "community_interest_company": (1, 1.5),
        "cooperative": (3, 4.0),
        "community_benefit_society": (3, 4.0),
        "unincorporated_community_group": (0, 3.0),
        "mutual_aid_group": (0, 1.0),
        "parish_council": (3, 7.0),
        "employee_group": (0, 2.0),
        "private_company": (0, 1.0),
        **{kind: (5, 5.0) for kind in PUBLIC_TYPES},
    },
    assumption=True,
    reason="unconnected board members: a minimum plus a Poisson count; parish councils average 10 (100,000 councillors, "
    "10,000 councils, NALC); the rest no source",
)
LOCAL_BOARD = Sourced(
    _by_type(
        0.78,
        unincorporated_community_group=1.0,
        mutual_aid_group=1.0,
        parish_council=1.0,
        employee_group=0.3,
        private_company=0.0,
        **_PUBLIC_ZERO,
    ),
    source="77-79 % of small charities operate locally (https://smallcharitiesdata.org/data_card/where-do-small-charities-operate-2); "
    "neighbourhood bodies all local, companies and public bodies not (assumption)",
)
RESIDENT_SHARE = Sourced(
    ((0.5, 1.0), (0.0, 0.3)),
    assumption=True,
    reason="a local body's governing body share living in its ward is uniform in [0.5, 1], another's in [0, 0.3]",
)
HAS_BANK_ACCOUNT = Sourced(
    _by_type(1.0, unincorporated_community_group=0.8, mutual_aid_group=0.3, employee_group=0.0),
    assumption=True,
    reason="every incorporated body banks; many informal groups use a member's account",
)
HAS_ANNUAL_ACCOUNTS = Sourced(
    _by_type(1.0, unincorporated_community_group=0.6, mutual_aid_group=0.1, employee_group=0.0),
    assumption=True,
    reason="charities, companies, societies, councils and public bodies must prepare accounts; groups often do not",
)

# Claims and requests --------------------------------------------------------------------------------------------

REQUESTS_PER_YEAR = Sourced(
    13_000 / 250_000,
    source="DERIVED: over 13,000 Awards for All applications in England a year (http://funded.org.uk/fundraising-success/grants/"
    "meet-the-funder-awards-for-all/) over ~250,000 civil society organisations",
)
"""Share of civil society organisations asking for a community grant in a year."""
REQUEST_RANGE = Sourced(
    (300.0, 16_600.0),
    assumption=True,
    reason="requests uniform in £300-£16,600, so that their mean is Awards for All's mean grant, £98m / 11,600 = £8,450 "
    "(https://fundraising.co.uk/2023/11/15/national-lottery-community-fund-doubles-grassroots-funding/)",
)
CLAIMS_PER_YEAR = Sourced(
    {**{kind: 0.005 for kind in CIVIL_SOCIETY_TYPES}, "employee_group": 1.0, "mutual_aid_group": 0.0},
    assumption=True,
    reason="claims to run a public service are rare (no count found): 1 in 200 bodies a year; every employee group claims",
)
CLAIM_SERVICES = (
    "employment_support",
    "probation_and_rehabilitation",
    "early_years",
    "youth_services",
    "libraries",
    "adult_social_care",
    "parks_and_leisure",
    "housing_support",
    "public_health",
    "policing",
    "acute_healthcare",
)
CLAIM_SERVICE_SHARES = Sourced(tuple(1 / len(CLAIM_SERVICES) for _ in CLAIM_SERVICES), assumption=True, reason="no count by service: equal")
CLAIM_AUTHORITIES = ("local_authority", "fire_and_rescue_authority", "central_government_department", "nhs_body", "other_public_body")
CLAIM_AUTHORITY_SHARES = Sourced((0.60, 0.05, 0.15, 0.15, 0.05), assumption=True, reason="most services are councils'; no count found")
REJECTION_FACTS = Sourced(
    {
        "claim_information_inadequate": 0.05,
        "claimant_unsuitable": 0.05,
        "service_decision_to_stop": 0.03,
        "service_nhs_integration_critical": 0.03,
        "service_in_procurement": 0.05,
        "authority_in_negotiations": 0.05,
        "employee_body_intention_published": 0.02,
        "claim_frivolous_or_vexatious": 0.01,
        "acceptance_would_breach_law": 0.01,
    },
    assumption=True,
    reason="each ground's fact holds for a few claims (no count found); false for a body that does not claim",
)

# Procurements --------------------------------------------------------------------------------------------------

PROCUREMENTS = Sourced(
    33_000,
    source="~33,000 contract award notices on Contracts Finder in 2019 (Spend Network, "
    "https://spendnetwork.com/data-quantity-on-contracts-finder-the-long-view)",
)
COMMISSIONER_SHARES = Sourced(
    {"local_authority": 0.50, "fire_and_rescue_authority": 0.05, "central_government_department": 0.25, "nhs_body": 0.20},
    assumption=True,
    reason="counts of contracts by buyer type were not found (central government is 66 % of spend, Tussell/IfG)",
)
CONTRACTS_UNDER_100K = Sourced(
    0.365,
    source="35-38 % of contracts under £100k (BiP Solutions, https://www.bipsolutions.com/public-sector-procurement-trends-update-"
    "7th-13th-february/)",
)
PUBLICATION_FLOOR = Sourced(
    {"central_government_department": 10_000.0, "nhs_body": 10_000.0, "local_authority": 25_000.0, "fire_and_rescue_authority": 25_000.0},
    source="Contracts Finder publication thresholds, £10k central and £25k sub-central "
    "(https://medium.com/understanding-spend/completing-tenders-analysis-of-contracts-finder-8ecb3ec9dde0)",
)
CONTRACT_VALUE_SIGMA = Sourced(
    1.8, assumption=True, reason="contract values are log-normal (sigma 1.8) above the floor; their median fitted to the £100k share"
)
CONTRACT_TYPES = ("goods", "services", "works", "light_touch_services")
CONTRACT_TYPE_SHARES = Sourced((0.30, 0.50, 0.12, 0.08), assumption=True, reason="no count by contract type found")
VALUE_INCLUDES_VAT = Sourced(0.2, assumption=True, reason="most notices give values without VAT")
WEIGHTINGS = Sourced(
    {
        "central_government_department": ((0.0, 0.05, 0.10, 0.20), (0.10, 0.10, 0.70, 0.10)),
        "other": ((0.0, 0.05, 0.10, 0.20), (0.40, 0.20, 0.30, 0.10)),
    },
    assumption=True,
    reason="weightings given to wider benefits: central government mostly at PPN 06/20's 10 % minimum, others spread",
)
LOCAL_PLANS = Sourced(
    (0.3, 0.10),
    assumption=True,
    reason="three in ten council contracts fall under a local plan with a 10 % minimum weighting; none elsewhere",
)

# What a generated population is checked against ------------------------------------------------------------


def _targets() -> list[Target]:
    targets = [
        Target(
            "organisations", "organisations in England", ENGLAND_ORGANISATIONS, 0.005 * ENGLAND_ORGANISATIONS, "sum of the counts below"
        ),
    ]
    for kind, count in TYPE_COUNTS.items():
        targets.append(
            Target(
                f"count/{kind}", f"{kind} organisations", count.value, 0.005 * count.value, count.source or count.reason, count.assumption
            )
        )
    for band, share in zip(INCOME_BANDS, CHARITY_INCOME_BANDS.value, strict=True):
        targets.append(
            Target(f"charity_income_band/{band}", f"charities with income {band} (share)", share, 0.005, CHARITY_INCOME_BANDS.source)
        )
    for region, share in CHARITY_REGION_SHARES.value.items():
        targets.append(Target(f"charity_region/{region}", f"charities in {region} (share)", share, 0.005, CHARITY_REGION_SHARES.source))
    targets += [
        Target(
            "charity_quintile/1",
            "charities in the most deprived fifth of wards (share)",
            CHARITY_QUINTILES.value[0],
            0.015,
            CHARITY_QUINTILES.source,
        ),
        Target(
            "trading_led_quintile/1",
            "trading-led non-charities in the most deprived fifth of wards (share)",
            TRADING_LED_QUINTILES.value[0],
            0.015,
            TRADING_LED_QUINTILES.source,
        ),
        Target(
            "trading_led_quintile/5",
            "trading-led non-charities in the least deprived fifth of wards (share)",
            TRADING_LED_QUINTILES.value[4],
            0.015,
            TRADING_LED_QUINTILES.source,
        ),
        Target(
            "charity_ocsi_rate",
            "charities per head in OCSI-flagged wards, against England",
            OCSI_WARD_CHARITY_RATE.value,
            0.1,
            OCSI_WARD_CHARITY_RATE.source,
        ),
        Target(
            "north_east_density",
            "charities per head in the North East, against England",
            NORTH_EAST_DENSITY_RATIO.value,
            0.15,
            NORTH_EAST_DENSITY_RATIO.source,
        ),
        Target("parish_london", "parish councils in London", 0.0, 0.0, PARISHES_BY_WARD.reason, True),
        Target(
            "trading_led",
            "trading-led organisations (at least half of income from trading)",
            TRADING_LED_TOTAL.value,
            0.02 * TRADING_LED_TOTAL.value,
            TRADING_LED_TOTAL.source,
        ),
        Target(
            "trading_led_young",
            "trading-led organisations under 3 years old (share)",
            TRADING_LED_AGE.value[0],
            0.02,
            TRADING_LED_AGE.source,
        ),
        Target(
            "charity_income_over_5m",
            "charity income in charities over £5m (share)",
            CHARITY_INCOME_SHARE_OVER_5M.value,
            0.02,
            CHARITY_INCOME_SHARE_OVER_5M.source,
        ),
        Target(
            "median_micro_charity_income",
            "median income of charities under £10k (£)",
            MEDIAN_MICRO_CHARITY_INCOME.value,
            0.05 * MEDIAN_MICRO_CHARITY_INCOME.value,
            MEDIAN_MICRO_CHARITY_INCOME.source,
        ),
        Target("procurements", "procurements a year", PROCUREMENTS.value, 0.005 * PROCUREMENTS.value, PROCUREMENTS.source),
        Target("contracts_under_100k", "contracts under £100k (share)", CONTRACTS_UNDER_100K.value, 0.04, CONTRACTS_UNDER_100K.source),
    ]
    return targets


TARGETS: list[Target] = _targets()
