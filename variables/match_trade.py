"""MatchTrade: public money matching social enterprises' trading revenue (SPEC §4)."""

from numpy import floor, where

from openfisca_core.model_api import max_, min_
from openfisca_core.periods import YEAR
from openfisca_core.variables import Variable

from kruger_rules.entities import Organisation


class match_trade_in_force(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "MatchTrade is in force"
    reference = "Levelling Up Our Communities (2020); SPEC §0, §4"

    def formula(organisation, period, parameters):
        return organisation.filled_array(parameters(period).match_trade.in_force)


class match_trade_trading_history_met(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "Has traded long enough for MatchTrade"
    reference = "Assumption based on Lloyds Bank Trade Up eligibility; SPEC §4"

    def formula_2020_09_24(organisation, period, parameters):
        p = parameters(period).match_trade
        return organisation("months_trading", period) >= p.min_months_trading


class match_trade_total_income_met(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "Has enough total income for MatchTrade"
    reference = "Assumption based on Lloyds Bank Trade Up eligibility; SPEC §4"

    def formula_2020_09_24(organisation, period, parameters):
        p = parameters(period).match_trade
        return organisation("total_income", period) >= p.min_total_income


class match_trade_place_met(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "Meets MatchTrade's requirement on where it is based"
    reference = "Government response (2022-02-02): in left-behind places; SPEC §4, §5"

    def formula_2020_09_24(organisation, period, parameters):
        required = parameters(period).match_trade.requires_left_behind_place
        return (not required) | organisation("organisation_in_left_behind_place", period)


class match_trade_eligible(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "Eligible for MatchTrade"
    reference = "Levelling Up Our Communities (2020); SPEC §4"

    def formula_2020_09_24(organisation, period, parameters):
        return (
            organisation("match_trade_in_force", period)
            & organisation("is_social_enterprise", period)
            & organisation("match_trade_trading_history_met", period)
            & organisation("match_trade_total_income_met", period)
            & organisation("match_trade_place_met", period)
        )


class match_trade_basis(Variable):
    value_type = float
    entity = Organisation
    definition_period = YEAR
    label = "Trading revenue that MatchTrade matches"
    unit = "currency-GBP"
    reference = "SPEC §4: the year's trading income, or its growth over the previous year (none given counts as 0)"

    def formula_2020_09_24(organisation, period, parameters):
        trading = organisation("trading_income", period)
        if parameters(period).match_trade.basis_is_growth:
            return trading - organisation("trading_income", period.last_year)
        return trading


class match_trade_grant(Variable):
    value_type = float
    entity = Organisation
    definition_period = YEAR
    label = "MatchTrade grant"
    unit = "currency-GBP"
    reference = "Levelling Up Our Communities (2020), MatchTrade; SPEC §4"

    def formula_2020_09_24(organisation, period, parameters):
        p = parameters(period).match_trade
        matched = min_(p.rate * organisation("match_trade_basis", period), p.cap)
        whole_pounds = floor(max_(matched, 0))
        eligible = organisation("match_trade_eligible", period)
        return where(eligible & (whole_pounds >= p.minimum_award), whole_pounds, 0)
