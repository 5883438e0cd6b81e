"""Community Improvement Districts: the report's "pop-up parishes".

A district is set up by a ballot of its place, on the model of a Business Improvement District
(Local Government Act 2003 Part 4): it passes only with strictly more for than against, both in
votes cast and by weight (the two conditions of s.50), and it lasts a fixed term from its start
date (the 5-year maximum of s.54(1)). See the model's assumptions
(/assumptions#community-improvement-districts).
"""

import datetime

from numpy import datetime64, logical_not, where
from openfisca_core.periods import YEAR
from openfisca_core.variables import Variable

from kruger_rules.dates import NO_DATE, add_years
from kruger_rules.entities import Place

MAJORITY_OF_VOTES = [
    "Assumption based on the Local Government Act 2003 s.50: a majority of votes cast, as the first condition of a BID ballot",
    "/assumptions#community-improvement-districts-majority-of-votes-cast",
]
MAJORITY_BY_WEIGHT = [
    "Assumption based on the Local Government Act 2003 s.50: a majority by weight (rateable value, "
    "or one per resident elector), as the second condition of a BID ballot",
    "/assumptions#community-improvement-districts-majority-by-weight",
]
BALLOT_CONDITIONS = [
    "Local Government Act 2003 s.50(2)-(5), the two conditions for approving a Business Improvement District in a ballot",
    "https://www.legislation.gov.uk/ukpga/2003/26/section/50",
]


class cid_votes_for(Variable):
    value_type = int
    entity = Place
    definition_period = YEAR
    label = "Votes cast for the Community Improvement District"
    unit = "vote"
    reference = [*MAJORITY_OF_VOTES, *BALLOT_CONDITIONS]


class cid_votes_against(Variable):
    value_type = int
    entity = Place
    definition_period = YEAR
    label = "Votes cast against the Community Improvement District"
    unit = "vote"
    reference = [*MAJORITY_OF_VOTES, *BALLOT_CONDITIONS]


class cid_weight_for(Variable):
    value_type = float
    entity = Place
    definition_period = YEAR
    label = "Weight of the votes for the Community Improvement District (rateable value, or one per resident elector)"
    reference = [*MAJORITY_BY_WEIGHT, *BALLOT_CONDITIONS]


class cid_weight_against(Variable):
    value_type = float
    entity = Place
    definition_period = YEAR
    label = "Weight of the votes against the Community Improvement District (rateable value, or one per resident elector)"
    reference = [*MAJORITY_BY_WEIGHT, *BALLOT_CONDITIONS]


class cid_start_date(Variable):
    value_type = datetime.date
    default_value = NO_DATE
    entity = Place
    definition_period = YEAR
    label = "Date the Community Improvement District's term starts"
    reference = [
        "Assumption based on the Local Government Act 2003 s.54(1): a 5-year term, the maximum of BID arrangements",
        "/assumptions#community-improvement-districts-five-year-term",
        "Local Government Act 2003 s.54(1)-(2), BID arrangements have effect for periods not exceeding 5 years",
        "https://www.legislation.gov.uk/ukpga/2003/26/section/54",
    ]


class cid_in_force(Variable):
    value_type = bool
    entity = Place
    definition_period = YEAR
    label = "Community Improvement Districts are in force"
    reference = [
        "Levelling Up Our Communities: proposals for a new social covenant (Danny Kruger MP, 2020-09-24)",
        "https://www.gov.uk/government/publications/levelling-up-our-communities-proposals-for-a-new-social-covenant",
        "Assumption: the report's proposals are in force in the model from its publication, 2020-09-24",
        "/assumptions#proposals-in-force-from-publication",
    ]

    def formula(place, period, parameters):
        return place.filled_array(parameters(period).improvement_districts.in_force)


class cid_majority_of_votes(Variable):
    value_type = bool
    entity = Place
    definition_period = YEAR
    label = "Strictly more votes cast for the Community Improvement District than against"
    reference = [*MAJORITY_OF_VOTES, *BALLOT_CONDITIONS]

    def formula(place, period, parameters):
        return place("cid_votes_for", period) > place("cid_votes_against", period)


class cid_majority_by_weight(Variable):
    value_type = bool
    entity = Place
    definition_period = YEAR
    label = "Strictly more weight for the Community Improvement District than against"
    reference = [*MAJORITY_BY_WEIGHT, *BALLOT_CONDITIONS]

    def formula(place, period, parameters):
        return place("cid_weight_for", period) > place("cid_weight_against", period)


class cid_ballot_passes(Variable):
    value_type = bool
    entity = Place
    definition_period = YEAR
    label = "The ballot for a Community Improvement District passes"
    reference = [*MAJORITY_OF_VOTES, *MAJORITY_BY_WEIGHT, *BALLOT_CONDITIONS]

    def formula_2020_09_24(place, period, parameters):
        """Each majority is required while its switch is on (both are, in the baseline)."""
        p = parameters(period).improvement_districts
        votes = logical_not(p.requires_majority_of_votes) | place("cid_majority_of_votes", period)
        weight = logical_not(p.requires_majority_by_weight) | place("cid_majority_by_weight", period)
        return place("cid_in_force", period) & votes & weight


class cid_term_end(Variable):
    value_type = datetime.date
    default_value = NO_DATE
    entity = Place
    definition_period = YEAR
    label = "Date the Community Improvement District's term ends"
    reference = [
        "Assumption based on the Local Government Act 2003 s.54(1): a 5-year term, the maximum of BID arrangements",
        "/assumptions#community-improvement-districts-five-year-term",
        "Local Government Act 2003 s.54(1)-(2), BID arrangements have effect for periods not exceeding 5 years",
        "https://www.legislation.gov.uk/ukpga/2003/26/section/54",
        "Assumption: a date that does not apply, or that cannot be computed, is no date (1970-01-01)",
        "/assumptions#dates-and-no-date",
    ]

    def formula_2020_09_24(place, period, parameters):
        """The start date plus the term, whatever the ballot, with the year's term.

        Adding years keeps the day of the month and clamps it to the month's last day (29 February
        gives 28 February). No start date gives no end date, and neither does a year in which the
        districts are not in force.
        """
        p = parameters(period).improvement_districts
        start = place("cid_start_date", period)
        no_date = datetime64(NO_DATE, "D")
        known = place("cid_in_force", period) & (start != no_date)
        return where(known, add_years(start, p.term_years), no_date)
