"""A contract being procured: its facts, its commissioner's kind and its threshold."""

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
    reference = [
        "Public Contracts Regulations 2015 reg 6: the estimated value of a contract",
        "https://www.legislation.gov.uk/uksi/2015/102/regulation/6",
    ]


class contract_value_includes_vat(Variable):
    value_type = bool
    entity = Procurement
    definition_period = YEAR
    label = "The contract value given includes VAT"
    reference = [
        "Public Contracts Regulations 2015 reg 6: the estimated value of a contract",
        "https://www.legislation.gov.uk/uksi/2015/102/regulation/6",
    ]


class contract_type(Variable):
    value_type = Enum
    possible_values = ContractType
    default_value = ContractType.goods
    entity = Procurement
    definition_period = YEAR
    label = "Kind of contract: goods, services, works or light-touch services"
    reference = [
        "Public Contracts Regulations 2015 reg 2(1): contracts for goods (supply), services and works",
        "https://www.legislation.gov.uk/uksi/2015/102/regulation/2",
        "Public Contracts Regulations 2015 reg 74 and Schedule 3: light-touch services",
        "https://www.legislation.gov.uk/uksi/2015/102/schedule/3",
        "Assumption: a contract whose type is not given is a goods contract",
        "/assumptions#defaults-make-nothing-eligible",
    ]


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
    reference = [
        "Public Contracts Regulations 2015 Schedule 1: central government authorities",
        "https://www.legislation.gov.uk/uksi/2015/102/schedule/1",
        "Public Contracts Regulations 2015 reg 2(1): sub-central contracting authorities",
        "https://www.legislation.gov.uk/uksi/2015/102/regulation/2",
        "Assumption: one kind of NHS body, on the central thresholds in every year",
        "/assumptions#nhs-bodies-buy-on-the-central-thresholds",
    ]

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
    reference = [
        "Public Contracts Regulations 2015 reg 2(1): contracting authorities",
        "https://www.legislation.gov.uk/uksi/2015/102/regulation/2",
        "Assumption: a commissioner that is not a public body is bound by none of the social value rules",
        "/assumptions#commissioners-that-are-not-public",
    ]

    def formula(procurement, period, parameters):
        return procurement("commissioner_kind", period) != CommissionerKind.not_public


class goods_and_services_threshold(Variable):
    """The goods and services threshold of the commissioner's kind, on the VAT basis of its year.

    Central government authorities (government departments and NHS bodies) have the central
    threshold; every other commissioner the sub-central one, including a commissioner that is not
    public, which no threshold binds.
    """

    value_type = float
    entity = Procurement
    definition_period = YEAR
    label = "Goods and services threshold of the commissioner's kind"
    unit = "currency-GBP"
    reference = [
        "Public Contracts Regulations 2015 reg 5(1)(a)-(b): supply and services contracts of "
        "central government and of sub-central authorities",
        "https://www.legislation.gov.uk/uksi/2015/102/regulation/5",
        "Procurement Act 2023 Schedule 1 (from 2025-02-24)",
        "https://www.legislation.gov.uk/ukpga/2023/54/schedule/1",
    ]

    def formula(procurement, period, parameters):
        p = parameters(period).procurement.thresholds
        central = procurement("commissioner_kind", period) == CommissionerKind.central
        return where(central, p.central_goods_services, p.sub_central_goods_services)


class procurement_threshold(Variable):
    """The threshold the contract is measured against, on the VAT basis of its year.

    Goods and services take the threshold of the commissioner's kind. Works and light-touch
    services have one threshold whoever commissions them.
    """

    value_type = float
    entity = Procurement
    definition_period = YEAR
    label = "Procurement threshold for the contract"
    unit = "currency-GBP"
    reference = [
        "Public Contracts Regulations 2015 reg 5",
        "https://www.legislation.gov.uk/uksi/2015/102/regulation/5",
        "Procurement Act 2023 Schedule 1 (from 2025-02-24)",
        "https://www.legislation.gov.uk/ukpga/2023/54/schedule/1",
    ]

    def formula(procurement, period, parameters):
        p = parameters(period).procurement.thresholds
        kind_of_contract = procurement("contract_type", period)
        return select(
            [kind_of_contract == ContractType.works, kind_of_contract == ContractType.light_touch_services],
            [p.works, p.light_touch_services],
            default=procurement("goods_and_services_threshold", period),
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
    reference = [
        "Public Contracts Regulations 2015 reg 6: the estimated value of a contract",
        "https://www.legislation.gov.uk/uksi/2015/102/regulation/6",
        "SI 2021/1221: thresholds inclusive of VAT from 2022-01-01",
        "https://www.legislation.gov.uk/uksi/2021/1221/contents/made",
    ]

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
    reference = [
        "Public Contracts Regulations 2015 reg 5: contracts at or above the thresholds",
        "https://www.legislation.gov.uk/uksi/2015/102/regulation/5",
    ]

    def formula(procurement, period, parameters):
        return procurement("contract_value_for_threshold", period) >= procurement("procurement_threshold", period)
