"""Community Recovery Fund: grants for charities and community groups in recovery (SPEC §7).

The report would fund it with £500m+ from the dormant National Fund. The High Court ruled on
2022-01-21 that the National Fund goes to the national debt (parameter
`community_recovery_fund.national_fund_available`). The baseline encodes the proposal as if
enacted, so the ruling removes the report's source of money, not the fund: grants stay payable
in the baseline, and only the comparison with the law as it stands (`current_law`, which
switches `community_recovery_fund.in_force` off) has no fund at all.
"""

from numpy import where

from openfisca_core.model_api import min_
from openfisca_core.periods import YEAR
from openfisca_core.variables import Variable

from kruger_rules.entities import Organisation
from kruger_rules.lookups import by_kind


class unconnected_board_members(Variable):
    value_type = int
    entity = Organisation
    definition_period = YEAR
    label = "Board or committee members not related to each other"
    unit = "person"
    reference = "SPEC §7, §10"


class has_bank_account(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "Has a bank account in its own name"
    reference = "SPEC §7, §10"


class has_annual_accounts(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "Has annual accounts"
    reference = "SPEC §7, §10"


class crf_requested_amount(Variable):
    value_type = float
    entity = Organisation
    definition_period = YEAR
    label = "Amount requested from the Community Recovery Fund"
    unit = "currency-GBP"
    reference = "SPEC §7, §10"


class crf_in_force(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "The Community Recovery Fund is in force"
    reference = "Levelling Up Our Communities (2020), £500m Community Recovery Fund; SPEC §0, §7"

    def formula(organisation, period, parameters):
        return organisation.filled_array(parameters(period).community_recovery_fund.in_force)


class crf_legal_form_allowed(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "Has a legal form that may apply to the Community Recovery Fund"
    reference = (
        "SPEC §7: a charity, CIC, community benefit society, unincorporated community group, "
        "parish council, or a not-for-profit company limited by guarantee"
    )

    def formula_2020_09_24(organisation, period, parameters):
        p = parameters(period).community_recovery_fund
        kind = organisation("organisation_type", period)
        if_not_for_profit = by_kind(p.legal_form_allowed_if_not_for_profit, kind) & organisation("is_not_for_profit", period)
        return by_kind(p.legal_form_allowed, kind) | if_not_for_profit


class crf_board_met(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "Has enough unconnected board members for the Community Recovery Fund"
    reference = "Assumption based on National Lottery Awards for All (two unconnected board members); SPEC §7"

    def formula_2020_09_24(organisation, period, parameters):
        p = parameters(period).community_recovery_fund
        return organisation("unconnected_board_members", period) >= p.min_unconnected_board_members


class crf_accounts_met(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "Has annual accounts, or is too young to need them, for the Community Recovery Fund"
    reference = "Assumption based on National Lottery Awards for All (accounts unless under 15 months old); SPEC §7"

    def formula_2020_09_24(organisation, period, parameters):
        """A body's age is taken at the start of the year, as `months_since_established` is."""
        p = parameters(period).community_recovery_fund
        young = organisation("months_since_established", period) < p.accounts_excused_months
        return organisation("has_annual_accounts", period) | young


class crf_eligible(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "Eligible for a Community Recovery Fund grant"
    reference = "Levelling Up Our Communities (2020); National Lottery Awards for All eligibility; SPEC §7"

    def formula_2020_09_24(organisation, period, parameters):
        return (
            organisation("crf_in_force", period)
            & organisation("crf_legal_form_allowed", period)
            & organisation("crf_board_met", period)
            & organisation("has_bank_account", period)
            & organisation("crf_accounts_met", period)
        )


class crf_grant(Variable):
    value_type = float
    entity = Organisation
    definition_period = YEAR
    label = "Community Recovery Fund grant"
    unit = "currency-GBP"
    reference = "Assumption based on National Lottery Awards for All grant bands; SPEC §7"

    def formula_2020_09_24(organisation, period, parameters):
        """The request, up to the band's maximum, when eligible and at least the band's minimum; else 0.

        The band is read on 1 January of the year, so the £20,000 maximum of 2023-11-15 first
        applies in 2024. The maximum is for the whole grant, whatever its duration.
        """
        p = parameters(period).community_recovery_fund
        request = organisation("crf_requested_amount", period)
        payable = organisation("crf_eligible", period) & (request >= p.grant_min)
        return where(payable, min_(request, p.grant_max), 0)
