"""Social value in procurement: the Social Value Act, the minimum weightings, Social Value Plans."""

from numpy import float32, where
from openfisca_core.model_api import max_, min_
from openfisca_core.periods import YEAR
from openfisca_core.variables import Variable

from kruger_rules.entities import Procurement
from kruger_rules.lookups import by_kind

SOCIAL_VALUE_ACT = "https://www.legislation.gov.uk/ukpga/2012/3/section/1"
PPN_06_20 = "https://www.gov.uk/government/publications/procurement-policy-note-0620-taking-account-of-social-value-in-the-award-of-central-government-contracts"
PPN_002 = "https://www.gov.uk/government/publications/ppn-002-taking-account-of-social-value-in-the-award-of-contracts"
REPORT = "https://www.gov.uk/government/publications/levelling-up-our-communities-proposals-for-a-new-social-covenant"


class social_value_weighting(Variable):
    value_type = float
    entity = Procurement
    definition_period = YEAR
    label = "Share of the total score given to social value in the award criteria"
    unit = "/1"
    reference = ["PPN 06/20: Taking account of social value in the award of central government contracts", PPN_06_20]


class local_social_value_plan_min_weighting(Variable):
    value_type = float
    entity = Procurement
    definition_period = YEAR
    label = "Minimum social value weighting set by the neighbourhood's Social Value Plan (0 = no plan)"
    unit = "/1"
    reference = [
        "Levelling Up Our Communities (Kruger, 2020): Social Value Plans",
        REPORT,
        "Assumption: a Social Value Plan sets a minimum weighting for the public contracts of its neighbourhood",
        "/assumptions#social-value-plans",
    ]


class social_value_act_threshold(Variable):
    """The threshold from which the Social Value Act covers the contract.

    The contract's own procurement threshold, except for light-touch services from 2016-04-18
    (first read for 2017): s.1(16) of the Act, as substituted by SI 2016/275, covers them from the
    goods and services threshold of the commissioner's kind, well below the light-touch one.
    """

    value_type = float
    entity = Procurement
    definition_period = YEAR
    label = "Threshold from which the Social Value Act covers the contract"
    unit = "currency-GBP"
    reference = [
        "Public Services (Social Value) Act 2012 s.1(16)",
        SOCIAL_VALUE_ACT,
        "SI 2016/275 Schedule 1 para 8: s.1(16) substituted from 2016-04-18",
        "https://www.legislation.gov.uk/uksi/2016/275/schedule/1/paragraph/8",
    ]

    def formula(procurement, period, parameters):
        p = parameters(period).social_value.act
        contract_type = procurement("contract_type", period)
        light_touch = contract_type == contract_type.possible_values.light_touch_services
        return where(
            light_touch & p.light_touch_at_goods_services_threshold,
            procurement("goods_and_services_threshold", period),
            procurement("procurement_threshold", period),
        )


class contract_above_social_value_act_threshold(Variable):
    value_type = bool
    entity = Procurement
    definition_period = YEAR
    label = "The contract's value is at or above the Social Value Act's threshold"
    reference = ["Public Services (Social Value) Act 2012 s.1(16)", SOCIAL_VALUE_ACT]

    def formula(procurement, period, parameters):
        return procurement("contract_value_for_threshold", period) >= procurement("social_value_act_threshold", period)


class social_value_act_contract_in_scope(Variable):
    value_type = bool
    entity = Procurement
    definition_period = YEAR
    label = "The contract is in the Social Value Act's own scope: services or light-touch services, at or above its threshold"
    reference = ["Public Services (Social Value) Act 2012 s.1(1) and (16)", SOCIAL_VALUE_ACT]

    def formula(procurement, period, parameters):
        covered = by_kind(parameters(period).social_value.act.contract_types, procurement("contract_type", period))
        return covered & procurement("contract_above_social_value_act_threshold", period)


class social_value_act_applies(Variable):
    """The Act binds the commissioner of this contract.

    Law: a public commissioner and a contract in the Act's own scope. The proposal (a dated
    switch) brings every contract of a public commissioner in, of any type and value.
    """

    value_type = bool
    entity = Procurement
    definition_period = YEAR
    label = "The Public Services (Social Value) Act applies to the contract"
    reference = [
        "Public Services (Social Value) Act 2012 s.1 (in force 2013-01-31)",
        SOCIAL_VALUE_ACT,
        "Levelling Up Our Communities (Kruger, 2020): a social value purpose for all public purchasing",
        REPORT,
        "Assumption: the proposal read as the Act covering every contract of a public commissioner",
        "/assumptions#social-value-duty-for-all-public-purchasing",
    ]

    def formula(procurement, period, parameters):
        p = parameters(period).social_value
        in_scope = p.proposal.extend_to_all_public_contracts | procurement("social_value_act_contract_in_scope", period)
        return p.act.in_force & procurement("commissioner_is_public", period) & in_scope


class commissioner_in_social_value_model_scope(Variable):
    """The commissioner is one of the Social Value Model's in-scope organisations: a central government department.

    The scope is read from the commissioner's own kind of body, not from its threshold class: an
    NHS body buys on the central thresholds but is not bound by PPN 06/20 or PPN 002.
    """

    value_type = bool
    entity = Procurement
    definition_period = YEAR
    label = "The commissioner is bound by the Social Value Model (a central government department)"
    reference = [
        "PPN 06/20: Taking account of social value in the award of central government contracts (in-scope organisations)",
        PPN_06_20,
        "PPN 002: Taking account of social value in the award of central government contracts (in-scope organisations)",
        PPN_002,
    ]

    def formula_2021_01_01(procurement, period, parameters):  # before: no Social Value Model, so no one is bound
        bound = by_kind(parameters(period).social_value.model.commissioners, procurement.members("organisation_type", period))
        return procurement.value_from_person(bound, role=Procurement.COMMISSIONER)


class social_value_model_min_weighting(Variable):
    """Central government's minimum under the Social Value Model, for contracts of every type at or above their threshold."""

    value_type = float
    entity = Procurement
    definition_period = YEAR
    label = "Minimum social value weighting under the Social Value Model"
    unit = "/1"
    reference = [
        "PPN 06/20: Taking account of social value in the award of central government contracts (from 2021-01-01)",
        PPN_06_20,
        "PPN 002: Taking account of social value in the award of central government contracts (from 2025-10-01)",
        PPN_002,
    ]

    def formula_2021_01_01(procurement, period, parameters):  # before: no minimum, so 0
        p = parameters(period).social_value.model
        in_scope = procurement("commissioner_in_social_value_model_scope", period) & procurement("contract_above_threshold", period)
        return where(in_scope, float32(p.min_weighting), 0)


class social_value_proposal_min_weighting(Variable):
    """The proposal's minimum for every public commissioner, raised by a neighbourhood's Social Value Plan where higher.

    A plan's minimum is read as a share of the total score: one below 0 counts as no plan and
    one above 1 as the whole score.
    """

    value_type = float
    entity = Procurement
    definition_period = YEAR
    label = "Minimum social value weighting under the proposal and the neighbourhood's Social Value Plan"
    unit = "/1"
    reference = [
        "Levelling Up Our Communities (Kruger, 2020): social value in all public purchasing, Social Value Plans",
        REPORT,
        "Assumption based on PPN 06/20 (10 % of the total score), extended to every public commissioner",
        "/assumptions#a-minimum-weighting-for-every-public-commissioner",
        "PPN 06/20: Taking account of social value in the award of central government contracts",
        PPN_06_20,
    ]

    def formula_2020_09_24(procurement, period, parameters):  # before: not in force, so 0
        p = parameters(period).social_value.proposal
        national = where(p.minimum_for_every_public_commissioner, float32(p.min_weighting), 0)
        plan = min_(max_(procurement("local_social_value_plan_min_weighting", period), 0), 1)
        local = where(p.social_value_plans, plan, 0)
        return where(procurement("commissioner_is_public", period), max_(national, local), 0)


class social_value_min_weighting(Variable):
    """The higher of the Social Value Model's minimum (law) and the proposal's minimum."""

    value_type = float
    entity = Procurement
    definition_period = YEAR
    label = "Minimum share of the total score the contract must give to social value"
    unit = "/1"
    reference = [
        "PPN 06/20: Taking account of social value in the award of central government contracts",
        PPN_06_20,
        "PPN 002: Taking account of social value in the award of central government contracts",
        PPN_002,
        "Levelling Up Our Communities (Kruger, 2020): social value in all public purchasing",
        REPORT,
    ]

    def formula(procurement, period, parameters):
        return max_(
            procurement("social_value_model_min_weighting", period),
            procurement("social_value_proposal_min_weighting", period),
        )


class social_value_compliant(Variable):
    """The award criteria give social value at least the minimum weighting.

    Both sides are 32-bit, so a weighting of 0.1 meets a minimum of 0.1. With no minimum the
    contract is compliant whatever its weighting.
    """

    value_type = bool
    entity = Procurement
    definition_period = YEAR
    label = "The social value weighting meets the minimum"
    reference = [
        "PPN 06/20: Taking account of social value in the award of central government contracts",
        PPN_06_20,
        "PPN 002: Taking account of social value in the award of central government contracts",
        PPN_002,
    ]

    def formula(procurement, period, parameters):
        minimum = procurement("social_value_min_weighting", period)
        return (minimum <= 0) | (procurement("social_value_weighting", period) >= minimum)


class social_value_shortfall(Variable):
    """How far the weighting falls short of the minimum: exactly max(0, minimum - weighting).

    It is 0 when the contract is compliant; both sides are 32-bit, as in the compliance test.
    """

    value_type = float
    entity = Procurement
    definition_period = YEAR
    label = "Shortfall of the social value weighting below the minimum"
    unit = "/1"
    reference = [
        "PPN 06/20: Taking account of social value in the award of central government contracts",
        PPN_06_20,
    ]

    def formula(procurement, period, parameters):
        minimum = procurement("social_value_min_weighting", period)
        return max_(minimum - procurement("social_value_weighting", period), 0)
