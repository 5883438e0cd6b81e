"""A contract being procured: its facts, its commissioner's kind and its threshold (SPEC §6, §10)."""

from numpy import float64, select, where

from openfisca_core.indexed_enums import Enum
from openfisca_core.periods import YEAR
from openfisca_core.variables import Variable

from kruger_rules.entities import Procurement
from kruger_rules.lookups import by_kind


class ContractType(Enum):
    goods = "Goods"
    services = "Services"
    works = "Works"
    light_touch_services = "Light-touch services"


class CommissionerKind(Enum):
    not_public = "Not a public commissioner"
    central = "Central government"
    sub_central = "Sub-central public body"


class contract_value(Variable):
    value_type = float
    entity = Procurement
    definition_period = YEAR
    label = "Estimated value of the contract"
    unit = "currency-GBP"
    reference = "Public Contracts Regulations 2015 reg 6 (estimated value); SPEC §6, §10"


class contract_value_includes_vat(Variable):
    value_type = bool
    entity = Procurement
    definition_period = YEAR
    label = "The contract value given includes VAT"
    reference = "SPEC §6, §10"


class contract_type(Variable):
    value_type = Enum
    possible_values = ContractType
    default_value = ContractType.goods
    entity = Procurement
    definition_period = YEAR
    label = "Kind of contract: goods, services, works or light-touch services"
    reference = "Public Contracts Regulations 2015 reg 2(1), reg 5 and Schedule 3 (light-touch services); SPEC §0, §6, §10"


class commissioner_kind(Variable):
    """The kind of the procurement's commissioner, from its organisation type.

    A procurement with no commissioner answers not_public: nothing binds it. Should the
    parameters ever mark a type both central and sub-central, central wins.
    """

    value_type = Enum
    possible_values = CommissionerKind
    default_value = CommissionerKind.not_public
    entity = Procurement
    definition_period = YEAR
    label = "Kind of commissioner: central government, sub-central public body, or not public"
    reference = "Public Contracts Regulations 2015 reg 2(1) and Schedule 1 (central government authorities); SPEC §6, §10"

    def formula(procurement, period, parameters):
        p = parameters(period).procurement.commissioner
        organisation_type = procurement.members("organisation_type", period)
        central = procurement.value_from_person(by_kind(p.central, organisation_type), role=Procurement.COMMISSIONER)
        sub_central = procurement.value_from_person(by_kind(p.sub_central, organisation_type), role=Procurement.COMMISSIONER)
        return select(
            [central, sub_central],
            [CommissionerKind.central, CommissionerKind.sub_central],
            default=CommissionerKind.not_public,
        )


class commissioner_is_public(Variable):
    value_type = bool
    entity = Procurement
    definition_period = YEAR
    label = "The commissioner is a public body, central or sub-central"
    reference = "SPEC §6: any other commissioner is not public and none of the social value rules bind it"

    def formula(procurement, period, parameters):
        return procurement("commissioner_kind", period) != CommissionerKind.not_public


class procurement_threshold(Variable):
    """The threshold the contract is measured against, on the VAT basis of its year.

    Goods and services take the threshold of the commissioner's kind; a commissioner that is
    not public is shown the sub-central one. Works and light-touch services have one threshold
    whoever commissions them.
    """

    value_type = float
    entity = Procurement
    definition_period = YEAR
    label = "Procurement threshold for the contract"
    unit = "currency-GBP"
    reference = "Public Contracts Regulations 2015 reg 5; Procurement Act 2023 Schedule 1; SPEC §6"

    def formula(procurement, period, parameters):
        p = parameters(period).procurement.thresholds
        central = procurement("commissioner_kind", period) == CommissionerKind.central
        goods_and_services = where(central, p.central_goods_services, p.sub_central_goods_services)
        kind_of_contract = procurement("contract_type", period)
        return select(
            [kind_of_contract == ContractType.works, kind_of_contract == ContractType.light_touch_services],
            [p.works, p.light_touch_services],
            default=goods_and_services,
        )


class contract_value_for_threshold(Variable):
    """The contract value on the VAT basis of the thresholds, so that like is compared with like.

    A value without VAT is grossed up at the standard rate where the thresholds include VAT
    (from 2022); a value with VAT is netted down at that rate where they exclude it. The
    arithmetic is done in 64 bits, so that a value given on the other basis that lands on a
    threshold is not lost to rounding.
    """

    value_type = float
    entity = Procurement
    definition_period = YEAR
    label = "Contract value on the VAT basis of the thresholds"
    unit = "currency-GBP"
    reference = "Public Contracts Regulations 2015 reg 6; SI 2021/1221 (thresholds inclusive of VAT from 2022-01-01); SPEC §6"

    def formula(procurement, period, parameters):
        p = parameters(period).procurement
        value = procurement("contract_value", period).astype(float64)
        with_vat = procurement("contract_value_includes_vat", period)
        vat_factor = 1 + p.standard_vat_rate
        gross = where(with_vat, value, value * vat_factor)
        net = where(with_vat, value / vat_factor, value)
        return where(p.thresholds.vat_inclusive, gross, net)


class contract_above_threshold(Variable):
    value_type = bool
    entity = Procurement
    definition_period = YEAR
    label = "The contract's value is at or above its threshold"
    reference = "Public Contracts Regulations 2015 reg 5; SPEC §6"

    def formula(procurement, period, parameters):
        return procurement("contract_value_for_threshold", period) >= procurement("procurement_threshold", period)
