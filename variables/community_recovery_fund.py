"""Community Recovery Fund: grants for charities and community groups in recovery.

The grants take the shape of National Lottery Awards for All (England); see the model's
assumptions (/assumptions#community-recovery-fund).

The report would fund it with £500m+ from the dormant National Fund. The High Court ruled on
2022-01-21 that the National Fund goes to the national debt (HM Attorney General v Zedra
Fiduciary Services (UK) Ltd [2022] EWHC 102 (Ch); parameter
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
    reference = [
        "Assumption based on National Lottery Awards for All (England): two unconnected board or committee members",
        "/assumptions#community-recovery-fund-two-unconnected-board-members",
        "National Lottery Awards for All (England)",
        "https://www.tnlcommunityfund.org.uk/funding/programmes/national-lottery-awards-for-all-england",
    ]


class has_bank_account(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "Has a bank account in its own name"
    reference = [
        "Assumption based on National Lottery Awards for All (England): a bank account in the organisation's name",
        "/assumptions#community-recovery-fund-bank-account",
        "National Lottery Awards for All (England)",
        "https://www.tnlcommunityfund.org.uk/funding/programmes/national-lottery-awards-for-all-england",
    ]


class has_annual_accounts(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "Has annual accounts"
    reference = [
        "Assumption based on National Lottery Awards for All (England): annual accounts unless less than 15 months old",
        "/assumptions#community-recovery-fund-annual-accounts",
        "National Lottery Awards for All (England)",
        "https://www.tnlcommunityfund.org.uk/funding/programmes/national-lottery-awards-for-all-england",
    ]


class crf_requested_amount(Variable):
    value_type = float
    entity = Organisation
    definition_period = YEAR
    label = "Amount requested from the Community Recovery Fund"
    unit = "currency-GBP"
    reference = [
        "Levelling Up Our Communities: proposals for a new social covenant (Danny Kruger MP, 2020-09-24)",
        "https://www.gov.uk/government/publications/levelling-up-our-communities-proposals-for-a-new-social-covenant",
        "Assumption based on National Lottery Awards for All (England): grants of £300 to £10,000, then £20,000",
        "/assumptions#community-recovery-fund-grant-band",
    ]


class crf_in_force(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "The Community Recovery Fund is in force"
    reference = [
        "Levelling Up Our Communities: proposals for a new social covenant (Danny Kruger MP, 2020-09-24)",
        "https://www.gov.uk/government/publications/levelling-up-our-communities-proposals-for-a-new-social-covenant",
        "Assumption: the report's proposals are in force in the model from its publication, 2020-09-24",
        "/assumptions#proposals-in-force-from-publication",
    ]

    def formula(organisation, period, parameters):
        return organisation.filled_array(parameters(period).community_recovery_fund.in_force)


class crf_legal_form_allowed(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "Has a legal form that may apply to the Community Recovery Fund"
    reference = [
        (
            "Assumption based on National Lottery Awards for All (England): a charity, CIC, community benefit society, "
            "unincorporated community group, parish council, or a not-for-profit company limited by guarantee"
        ),
        "/assumptions#community-recovery-fund-eligible-legal-forms",
        "National Lottery Awards for All (England)",
        "https://www.tnlcommunityfund.org.uk/funding/programmes/national-lottery-awards-for-all-england",
    ]

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
    reference = [
        "Assumption based on National Lottery Awards for All (England): two unconnected board or committee members",
        "/assumptions#community-recovery-fund-two-unconnected-board-members",
        "National Lottery Awards for All (England)",
        "https://www.tnlcommunityfund.org.uk/funding/programmes/national-lottery-awards-for-all-england",
    ]

    def formula_2020_09_24(organisation, period, parameters):
        p = parameters(period).community_recovery_fund
        return organisation("unconnected_board_members", period) >= p.min_unconnected_board_members


class crf_accounts_met(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "Has annual accounts, or is too young to need them, for the Community Recovery Fund"
    reference = [
        "Assumption based on National Lottery Awards for All (England): annual accounts unless less than 15 months old",
        "/assumptions#community-recovery-fund-annual-accounts",
        "Assumption: an age not given counts as 1,200 months, never excused annual accounts",
        "/assumptions#defaults-make-nothing-eligible",
        "National Lottery Awards for All (England)",
        "https://www.tnlcommunityfund.org.uk/funding/programmes/national-lottery-awards-for-all-england",
    ]

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
    reference = [
        "Levelling Up Our Communities: proposals for a new social covenant (Danny Kruger MP, 2020-09-24)",
        "https://www.gov.uk/government/publications/levelling-up-our-communities-proposals-for-a-new-social-covenant",
        "Assumption based on National Lottery Awards for All (England): eligible legal forms",
        "/assumptions#community-recovery-fund-eligible-legal-forms",
        "Assumption based on National Lottery Awards for All (England): two unconnected board or committee members",
        "/assumptions#community-recovery-fund-two-unconnected-board-members",
        "Assumption based on National Lottery Awards for All (England): a bank account in the organisation's name",
        "/assumptions#community-recovery-fund-bank-account",
        "Assumption based on National Lottery Awards for All (England): annual accounts unless less than 15 months old",
        "/assumptions#community-recovery-fund-annual-accounts",
        "National Lottery Awards for All (England)",
        "https://www.tnlcommunityfund.org.uk/funding/programmes/national-lottery-awards-for-all-england",
    ]

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
    reference = [
        "Assumption based on National Lottery Awards for All (England): grants of £300 to £10,000, then £20,000 from 2023-11-15",
        "/assumptions#community-recovery-fund-grant-band",
        "National Lottery Awards for All (England)",
        "https://www.tnlcommunityfund.org.uk/funding/programmes/national-lottery-awards-for-all-england",
    ]

    def formula_2020_09_24(organisation, period, parameters):
        """The request, up to the band's maximum, when eligible and at least the band's minimum; else 0.

        The band is read on 1 January of the year, so the £20,000 maximum of 2023-11-15 first
        applies in 2024. The maximum is for the whole grant, whatever its duration.
        """
        p = parameters(period).community_recovery_fund
        request = organisation("crf_requested_amount", period)
        payable = organisation("crf_eligible", period) & (request >= p.grant_min)
        return where(payable, min_(request, p.grant_max), 0)
