"""Social value in procurement: the Social Value Act, the minimum weightings, Social Value Plans (SPEC §6)."""

from numpy import float32, where

from openfisca_core.model_api import max_, min_
from openfisca_core.periods import YEAR
from openfisca_core.variables import Variable

from kruger_rules.entities import Procurement
from kruger_rules.lookups import by_kind


class social_value_weighting(Variable):
    value_type = float
    entity = Procurement
    definition_period = YEAR
    label = "Share of the total score given to social value in the award criteria"
    unit = "/1"
    reference = "PPN 06/20; SPEC §6, §10"


class local_social_value_plan_min_weighting(Variable):
    value_type = float
    entity = Procurement
    definition_period = YEAR
    label = "Minimum social value weighting set by the neighbourhood's Social Value Plan (0 = no plan)"
    unit = "/1"
    reference = "Levelling Up Our Communities (2020), Social Value Plans; SPEC §6, §10"


class social_value_act_contract_in_scope(Variable):
    value_type = bool
    entity = Procurement
    definition_period = YEAR
    label = "The contract is in the Social Value Act's own scope: services or light-touch services, at or above its threshold"
    reference = "Public Services (Social Value) Act 2012 s.1(1); SPEC §6"

    def formula(procurement, period, parameters):
        covered = by_kind(parameters(period).social_value.act.contract_types, procurement("contract_type", period))
        return covered & procurement("contract_above_threshold", period)


class social_value_act_applies(Variable):
    """The Act binds the commissioner of this contract.

    Law: a public commissioner and a contract in the Act's own scope. The proposal (a dated
    switch) brings every contract of a public commissioner in, of any type and value.
    """

    value_type = bool
    entity = Procurement
    definition_period = YEAR
    label = "The Public Services (Social Value) Act applies to the contract"
    reference = "Public Services (Social Value) Act 2012 s.1 (in force 2013-01-31); Levelling Up Our Communities (2020); SPEC §6"

    def formula(procurement, period, parameters):
        p = parameters(period).social_value
        in_scope = p.proposal.extend_to_all_public_contracts | procurement("social_value_act_contract_in_scope", period)
        return p.act.in_force & procurement("commissioner_is_public", period) & in_scope


class social_value_model_min_weighting(Variable):
    """Central government's minimum under the Social Value Model, for contracts of every type at or above their threshold."""

    value_type = float
    entity = Procurement
    definition_period = YEAR
    label = "Minimum social value weighting under the Social Value Model"
    unit = "/1"
    reference = "PPN 06/20 (from 2021-01-01); PPN 002 (from 2025-10-01); SPEC §6"

    def formula_2021_01_01(procurement, period, parameters):  # before: no minimum, so 0
        p = parameters(period).social_value.model
        bound = by_kind(p.commissioners, procurement("commissioner_kind", period))
        in_scope = bound & procurement("contract_above_threshold", period)
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
    reference = "Levelling Up Our Communities (2020): social value in all public purchasing, Social Value Plans; SPEC §6"

    def formula_2020_09_24(procurement, period, parameters):  # before: not in force, so 0
        p = parameters(period).social_value.proposal
        national = where(p.minimum_for_every_public_commissioner, float32(p.min_weighting), 0)
        plan = min_(max_(procurement("local_social_value_plan_min_weighting", period), 0), 1)
        local = where(p.social_value_plans, plan, 0)
        return where(procurement("commissioner_is_public", period), max_(national, local), 0)


class social_value_min_weighting(Variable):
    value_type = float
    entity = Procurement
    definition_period = YEAR
    label = "Minimum share of the total score the contract must give to social value"
    unit = "/1"
    reference = "PPN 06/20; PPN 002; Levelling Up Our Communities (2020); SPEC §6"

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
    reference = "PPN 06/20; PPN 002; SPEC §6"

    def formula(procurement, period, parameters):
        minimum = procurement("social_value_min_weighting", period)
        return (minimum <= 0) | (procurement("social_value_weighting", period) >= minimum)


class social_value_shortfall(Variable):
    """How far the weighting falls short of the minimum: max(0, minimum - weighting).

    It is 0 exactly when the contract is compliant, including when there is no minimum and the
    weighting given is below 0.
    """

    value_type = float
    entity = Procurement
    definition_period = YEAR
    label = "Shortfall of the social value weighting below the minimum"
    unit = "/1"
    reference = "SPEC §6"

    def formula(procurement, period, parameters):
        minimum = procurement("social_value_min_weighting", period)
        weighting = procurement("social_value_weighting", period)
        return where(procurement("social_value_compliant", period), 0, minimum - weighting)
