"""MatchTrade: public money matching social enterprises' trading revenue, the report's proposal.

Its figures are the model's assumptions: /assumptions#matchtrade.
"""

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
    reference = [
        "Levelling Up Our Communities: proposals for a new social covenant (Danny Kruger MP, 2020-09-24), MatchTrade recommendation",
        "https://www.gov.uk/government/publications/levelling-up-our-communities-proposals-for-a-new-social-covenant",
        "Assumption: the report's proposals are in force in the model from its publication, 2020-09-24",
        "/assumptions#proposals-in-force-from-publication",
    ]

    def formula(organisation, period, parameters):
        return organisation.filled_array(parameters(period).match_trade.in_force)


class match_trade_trading_history_met(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "Has traded long enough for MatchTrade"
    reference = [
        "Assumption based on Lloyds Bank Trade Up eligibility (a project active for at least one year): at least 12 months trading",
        "/assumptions#matchtrade-one-year-trading",
        "Lloyds Bank Social Entrepreneurs Trade Up Programme eligibility (School for Social Entrepreneurs)",
        "https://www.the-sse.org/courses/lloyds-bank-social-entrepreneurs-trade-up-programme/",
    ]

    def formula_2020_09_24(organisation, period, parameters):
        p = parameters(period).match_trade
        return organisation("months_trading", period) >= p.min_months_trading


class match_trade_total_income_met(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "Has enough total income for MatchTrade"
    reference = [
        "Assumption based on Lloyds Bank Trade Up eligibility (income of more than £15,000), read as a total income of at least £15,000",
        "/assumptions#matchtrade-minimum-total-income",
        "Lloyds Bank Social Entrepreneurs Trade Up Programme eligibility (School for Social Entrepreneurs)",
        "https://www.the-sse.org/courses/lloyds-bank-social-entrepreneurs-trade-up-programme/",
    ]

    def formula_2020_09_24(organisation, period, parameters):
        p = parameters(period).match_trade
        return organisation("total_income", period) >= p.min_total_income


class match_trade_place_met(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "Meets MatchTrade's requirement on where it is based"
    reference = [
        "Assumption based on the government response to the report (2022-02-02): from that "
        "date only social enterprises in left-behind places",
        "/assumptions#matchtrade-left-behind-places-only-from-2022-02-02",
        'Government response to the report (2022-02-02): "Encourage social enterprises to flourish in '
        "left-behind places, including the option for a 'match-trade' scheme\"",
        "https://newsocialcovenant.co.uk/governments-response-to-the-kruger-report-2020",
    ]

    def formula_2020_09_24(organisation, period, parameters):
        required = parameters(period).match_trade.requires_left_behind_place
        return (not required) | organisation("organisation_in_left_behind_place", period)


class match_trade_eligible(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "Eligible for MatchTrade"
    reference = [
        "Levelling Up Our Communities: proposals for a new social covenant (Danny Kruger MP, 2020-09-24), MatchTrade recommendation",
        "https://www.gov.uk/government/publications/levelling-up-our-communities-proposals-for-a-new-social-covenant",
        "Assumption: a social enterprise trading for at least a year, with a total income of at "
        "least £15,000, in a left-behind place from 2022-02-02",
        "/assumptions#matchtrade",
    ]

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
    reference = [
        "Assumption: the year's trading income, or its growth over the previous year (a previous year not given counts as 0)",
        "/assumptions#matchtrade-trading-income-or-its-growth",
        "School for Social Entrepreneurs' Match Trading: grants that match an increase in trading income pound for pound, capped",
        "https://www.powertochange.org.uk/news/match-trading-grant-scheme-boosts-community-organisations-annual-trading-income-9190/",
    ]

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
    reference = [
        "Levelling Up Our Communities: proposals for a new social covenant (Danny Kruger MP, 2020-09-24): "
        'public money to match "the revenue social enterprises make through trading"',
        "https://www.gov.uk/government/publications/levelling-up-our-communities-proposals-for-a-new-social-covenant",
        "Assumption: the match rate times the basis, within the yearly cap, in whole pounds, paid only from the minimum award",
        "/assumptions#matchtrade-trading-income-or-its-growth",
    ]

    def formula_2020_09_24(organisation, period, parameters):
        p = parameters(period).match_trade
        matched = min_(p.rate * organisation("match_trade_basis", period), p.cap)
        whole_pounds = floor(max_(matched, 0))
        eligible = organisation("match_trade_eligible", period)
        return where(eligible & (whole_pounds >= p.minimum_award), whole_pounds, 0)
