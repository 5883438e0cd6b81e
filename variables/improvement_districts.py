"""Community Improvement Districts: the report's "pop-up parishes" (SPEC §8).

A district is set up by a ballot of its place, on the model of a Business Improvement District:
it passes only with strictly more for than against, both in votes cast and by weight, and it
lasts a fixed term from its start date.
"""

import datetime

from numpy import datetime64, logical_not, where

from openfisca_core.periods import YEAR
from openfisca_core.variables import Variable

from kruger_rules.dates import NO_DATE, add_years
from kruger_rules.entities import Place

class cid_votes_for(Variable):
    value_type = int
    entity = Place
    definition_period = YEAR
    label = "Votes cast for the Community Improvement District"
    unit = "vote"
    reference = "SPEC §8, §10"


class cid_votes_against(Variable):
    value_type = int
    entity = Place
    definition_period = YEAR
    label = "Votes cast against the Community Improvement District"
    unit = "vote"
    reference = "SPEC §8, §10"


class cid_weight_for(Variable):
    value_type = float
    entity = Place
    definition_period = YEAR
    label = "Weight of the votes for the Community Improvement District (rateable value, or one per resident elector)"
    reference = "SPEC §8, §10; BID Regulations 2004, ballot test (b)"


class cid_weight_against(Variable):
    value_type = float
    entity = Place
    definition_period = YEAR
    label = "Weight of the votes against the Community Improvement District (rateable value, or one per resident elector)"
    reference = "SPEC §8, §10; BID Regulations 2004, ballot test (b)"


class cid_start_date(Variable):
    value_type = datetime.date
    default_value = NO_DATE
    entity = Place
    definition_period = YEAR
    label = "Date the Community Improvement District's term starts (1970-01-01: no date)"
    reference = "SPEC §8, §10"


class cid_in_force(Variable):
    value_type = bool
    entity = Place
    definition_period = YEAR
    label = "Community Improvement Districts are in force"
    reference = "Levelling Up Our Communities (2020), pop-up parishes; SPEC §0, §8"

    def formula(place, period, parameters):
        return place.filled_array(parameters(period).improvement_districts.in_force)


class cid_majority_of_votes(Variable):
    value_type = bool
    entity = Place
    definition_period = YEAR
    label = "Strictly more votes cast for the Community Improvement District than against"
    reference = "Assumption based on the BID Regulations 2004 (SI 2004/2443), ballot test (a); SPEC §8"

    def formula(place, period, parameters):
        return place("cid_votes_for", period) > place("cid_votes_against", period)


class cid_majority_by_weight(Variable):
    value_type = bool
    entity = Place
    definition_period = YEAR
    label = "Strictly more weight for the Community Improvement District than against"
    reference = "Assumption based on the BID Regulations 2004 (SI 2004/2443), ballot test (b); SPEC §8"

    def formula(place, period, parameters):
        return place("cid_weight_for", period) > place("cid_weight_against", period)


class cid_ballot_passes(Variable):
    value_type = bool
    entity = Place
    definition_period = YEAR
    label = "The ballot for a Community Improvement District passes"
    reference = "Assumption based on the BID Regulations 2004 (SI 2004/2443); SPEC §8"

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
    label = "Date the Community Improvement District's term ends (1970-01-01: no date)"
    reference = "Assumption based on the BID Regulations 2004 (SI 2004/2443), five-year terms; SPEC §0, §8"

    def formula_2020_09_24(place, period, parameters):
        """The start date plus the term, whatever the ballot (SPEC §0), with the year's term.

        Adding years follows SPEC §0 (29 February clamps to 28 February). No start date gives
        no end date, and neither does a year in which the districts are not in force.
        """
        p = parameters(period).improvement_districts
        start = place("cid_start_date", period)
        no_date = datetime64(NO_DATE, "D")
        known = place("cid_in_force", period) & (start != no_date)
        return where(known, add_years(start, p.term_years), no_date)
