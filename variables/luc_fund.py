"""Levelling Up Communities (LUC) Fund: an endowment for left-behind places (SPEC §5).

A place is funded when it is left behind and has a neighbourhood's population; an organisation
may apply for its place's award when it is community-led, asset locked and of an allowed legal
form. A place's award is the total over the award horizon (10 years), not a yearly sum.
"""

from numpy import clip, float32, where

from openfisca_core.periods import YEAR
from openfisca_core.variables import Variable

from kruger_rules.entities import Organisation, Place
from kruger_rules.lookups import by_kind


class governing_body_resident_share(Variable):
    value_type = float
    entity = Organisation
    definition_period = YEAR
    label = "Share of the governing body living in the organisation's place"
    unit = "/1"
    reference = "SPEC §5, §10"


class luc_fund_in_force(Variable):
    value_type = bool
    entity = Place
    definition_period = YEAR
    label = "The Levelling Up Communities Fund is in force"
    reference = "Levelling Up Our Communities (2020), £2bn Levelling Up Communities Fund; SPEC §0, §5"

    def formula(place, period, parameters):
        return place.filled_array(parameters(period).luc_fund.in_force)


class luc_fund_population_in_range(Variable):
    value_type = bool
    entity = Place
    definition_period = YEAR
    label = "The place has a neighbourhood's population for the LUC Fund (both ends included)"
    reference = "Assumption based on the Community Wealth Fund (2025), 5,000 to 15,000 residents; SPEC §5"

    def formula_2020_09_24(place, period, parameters):
        p = parameters(period).luc_fund
        population = place("population", period)
        return (population >= p.population_min) & (population <= p.population_max)


class luc_fund_place_eligible(Variable):
    value_type = bool
    entity = Place
    definition_period = YEAR
    label = "The place is eligible for a Levelling Up Communities Fund award"
    reference = "Levelling Up Our Communities (2020): community-led transformation in left-behind areas; SPEC §5"

    def formula_2020_09_24(place, period, parameters):
        return (
            place("luc_fund_in_force", period)
            & place("place_is_left_behind", period)
            & place("luc_fund_population_in_range", period)
        )


class luc_fund_place_award(Variable):
    value_type = float
    entity = Place
    definition_period = YEAR
    label = "Levelling Up Communities Fund award to the place, in total over the award horizon (10 years)"
    unit = "currency-GBP"
    reference = "Assumption based on the Community Wealth Fund (2025), £1m-£2.5m per neighbourhood over about 10 years; SPEC §5"

    def formula_2020_09_24(place, period, parameters):
        """Population times the award per resident, kept within the smallest and largest award.

        The award is the whole sum a place is granted for the horizon, as the Community Wealth
        Fund states its range; `luc_fund_place_yearly_award` spreads it over the horizon.
        """
        p = parameters(period).luc_fund
        per_resident = place("population", period).astype(float) * p.award_per_resident
        award = clip(per_resident, p.award_min, p.award_max)
        return where(place("luc_fund_place_eligible", period), award, 0)


class luc_fund_place_yearly_award(Variable):
    value_type = float
    entity = Place
    definition_period = YEAR
    label = "Levelling Up Communities Fund award to the place, a year (the award spread evenly over the horizon)"
    unit = "currency-GBP"
    reference = "SPEC §5"

    def formula_2020_09_24(place, period, parameters):
        """An even spread over the horizon: the Fund's yearly draw, to compare with the money available a year."""
        return place("luc_fund_place_award", period) / parameters(period).luc_fund.award_horizon_years


class luc_fund_money_available_a_year(Variable):
    value_type = float
    entity = Place
    definition_period = YEAR
    label = "Money the Levelling Up Communities Fund has to spend in a year, nationally (the same in every place: read once, never sum)"
    unit = "currency-GBP"
    reference = "Levelling Up Our Communities (2020), £2bn endowment; drawdown rate an assumption; SPEC §5"

    def formula_2020_09_24(place, period, parameters):
        """The endowment times the drawdown rate, for population runs to set against the awards' yearly draw.

        The rules have no national entity, so the figure is given on every place; 0 when the Fund
        is not in force.
        """
        p = parameters(period).luc_fund
        return where(place("luc_fund_in_force", period), p.endowment * p.drawdown_rate, 0)


class luc_fund_applicant_in_eligible_place(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "The organisation is based in a place eligible for the LUC Fund"
    reference = "SPEC §5"

    def formula(organisation, period, parameters):
        return organisation.place("luc_fund_place_eligible", period)


class luc_fund_community_led(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "Community-led: enough of its governing body live in its place"
    reference = "Assumption (a resident share of at least 50 %); SPEC §5"

    def formula_2020_09_24(organisation, period, parameters):
        minimum = float32(parameters(period).luc_fund.min_governing_body_resident_share)
        return organisation("governing_body_resident_share", period) >= minimum


class luc_fund_legal_form_allowed(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "Has a legal form that may apply to the LUC Fund"
    reference = "SPEC §5: a charity, CIC, community benefit society, parish council, or a not-for-profit company limited by guarantee"

    def formula_2020_09_24(organisation, period, parameters):
        p = parameters(period).luc_fund
        kind = organisation("organisation_type", period)
        if_not_for_profit = by_kind(p.legal_form_allowed_if_not_for_profit, kind) & organisation("is_not_for_profit", period)
        return by_kind(p.legal_form_allowed, kind) | if_not_for_profit


class luc_fund_applicant_eligible(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "May apply to the Levelling Up Communities Fund for its place's award"
    reference = "Levelling Up Our Communities (2020): community-led, community-owned transformation; SPEC §5"

    def formula_2020_09_24(organisation, period, parameters):
        """In force only through the place: a place is never eligible while the Fund is not in force."""
        return (
            organisation("luc_fund_applicant_in_eligible_place", period)
            & organisation("luc_fund_community_led", period)
            & organisation("is_asset_locked", period)
            & organisation("luc_fund_legal_form_allowed", period)
        )
