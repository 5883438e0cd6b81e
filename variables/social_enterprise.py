"""The social enterprise test, after the Social Enterprise Mark criteria, one variable per criterion.

How the model reads the criteria: /assumptions#social-enterprise-test-the-social-enterprise-mark-criteria.
"""

from numpy import clip, divide, float32, zeros_like
from openfisca_core.periods import YEAR
from openfisca_core.variables import Variable

from kruger_rules.entities import Organisation


class trading_income_share(Variable):
    value_type = float
    entity = Organisation
    definition_period = YEAR
    label = "Share of total income earned from trading"
    unit = "/1"
    reference = [
        "Social Enterprise Mark criterion C: the share of income earned from trading",
        "http://www.socialenterprisemark.org.uk/faq/",
        "Assumption: a body with no income has a trading share of 0; the share is kept within 0 and 1",
        "/assumptions#social-enterprise-test-the-social-enterprise-mark-criteria",
    ]

    def formula(organisation, period, parameters):
        total = organisation("total_income", period)
        trading = organisation("trading_income", period)
        share = divide(trading, total, out=zeros_like(total), where=total > 0)
        return clip(share, 0, 1)


class is_start_up(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "Established less than the start-up period ago"
    reference = [
        "Social Enterprise Mark criterion C: a new start pledges to reach 50 % of income from trading within 18 months",
        "http://www.socialenterprisemark.org.uk/faq/",
        "Assumption: a body established fewer than 18 months before the year begins is a start-up",
        "/assumptions#social-enterprise-start-up-period-of-18-months",
    ]

    def formula(organisation, period, parameters):
        p = parameters(period).social_enterprise
        return organisation("months_since_established", period) < p.start_up_months


class required_trading_income_share(Variable):
    value_type = float
    entity = Organisation
    definition_period = YEAR
    label = "Least trading income share the social enterprise test asks of this body"
    unit = "/1"
    reference = [
        "Social Enterprise Mark criterion C: at least 50 % of income from trading",
        "http://www.socialenterprisemark.org.uk/faq/",
        "Assumption: a start-up must earn at least 25 % of its income from trading",
        "/assumptions#social-enterprise-a-start-ups-trading-share",
    ]

    def formula(organisation, period, parameters):
        p = parameters(period).social_enterprise
        start_up = organisation("is_start_up", period)
        return start_up * float32(p.start_up_min_trading_income_share) + ~start_up * float32(p.min_trading_income_share)


class meets_trading_income_test(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "Earns enough of its income from trading"
    reference = [
        "Social Enterprise Mark criterion C: at least 50 % of income from trading",
        "http://www.socialenterprisemark.org.uk/faq/",
        "Assumption: how the model reads the Social Enterprise Mark criteria",
        "/assumptions#social-enterprise-test-the-social-enterprise-mark-criteria",
    ]

    def formula(organisation, period, parameters):
        share = organisation("trading_income_share", period)
        return share >= organisation("required_trading_income_share", period)


class meets_profit_to_purpose_test(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "Applies enough of its profits to its purpose"
    reference = [
        "Social Enterprise Mark criterion D: at least 50 % of profits applied to social or environmental purposes",
        "http://www.socialenterprisemark.org.uk/faq/",
        "Assumption: a body that does not carry on its activities for profit meets this criterion by definition",
        "/assumptions#social-enterprise-test-the-social-enterprise-mark-criteria",
    ]

    def formula(organisation, period, parameters):
        p = parameters(period).social_enterprise
        share = organisation("profit_share_to_purpose", period)
        return organisation("is_not_for_profit", period) | (share >= float32(p.min_profit_share_to_purpose))


class is_independent_of_the_state(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "Has its own governing body and is not a public body"
    reference = [
        "Social Enterprise Mark criterion B: an independent business with its own constitution and governing body",
        "http://www.socialenterprisemark.org.uk/faq/",
        "Assumption: a public body is never independent of the state",
        "/assumptions#kinds-of-body",
    ]

    def formula(organisation, period, parameters):
        return organisation("is_independent", period) & ~organisation("is_public_body", period)


class is_social_enterprise(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "Is a social enterprise"
    reference = [
        "Social Enterprise Mark criteria A to E",
        "http://www.socialenterprisemark.org.uk/faq/",
        "Assumption: how the model reads the Social Enterprise Mark criteria",
        "/assumptions#social-enterprise-test-the-social-enterprise-mark-criteria",
    ]

    def formula(organisation, period, parameters):
        return (
            organisation("pursues_social_purpose", period)
            & organisation("is_independent_of_the_state", period)
            & organisation("meets_trading_income_test", period)
            & organisation("meets_profit_to_purpose_test", period)
            & organisation("is_asset_locked", period)
        )
