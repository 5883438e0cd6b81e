"""Facts about an organisation shared by several schemes, and the kinds of body of SPEC §0."""

from openfisca_core.indexed_enums import Enum
from openfisca_core.periods import YEAR
from openfisca_core.variables import Variable

from kruger_rules.entities import Organisation
from kruger_rules.lookups import by_kind


class OrganisationType(Enum):
    unknown = "Unknown"
    registered_charity = "Registered charity"
    charitable_incorporated_organisation = "Charitable incorporated organisation (CIO)"
    charitable_trust = "Charitable trust"
    company_limited_by_guarantee = "Company limited by guarantee"
    community_interest_company = "Community interest company (CIC)"
    community_benefit_society = "Community benefit society"
    cooperative = "Co-operative"
    unincorporated_community_group = "Unincorporated community group"
    mutual_aid_group = "Mutual aid group"
    parish_council = "Parish or town council"
    employee_group = "Employee group (mutual)"
    private_company = "Private company"
    local_authority = "Local authority"
    fire_and_rescue_authority = "Fire and rescue authority"
    central_government_department = "Central government department"
    nhs_body = "NHS body"


class organisation_type(Variable):
    value_type = Enum
    possible_values = OrganisationType
    default_value = OrganisationType.unknown
    entity = Organisation
    definition_period = YEAR
    label = "Legal form or kind of body"
    reference = "SPEC §1, §10"


class has_social_purpose(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "Has a primary social or environmental purpose"
    reference = "Social Enterprise Mark criterion A; SPEC §2"


class is_independent(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "Has its own constitution and governing body"
    reference = "Social Enterprise Mark criterion B; SPEC §2"


class has_asset_lock(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "Its constitution locks its assets to its purpose"
    reference = "Social Enterprise Mark criterion E; SPEC §2"


class is_not_for_profit(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "Does not carry on its activities for profit"
    reference = "Localism Act 2011 s.81(7); SPEC §2, §3"


UNKNOWN_AGE_MONTHS = 1200
"""An age not given counts as a century: long established, so no default makes a body a start-up
or excuses its accounts (SPEC §0: defaults make nothing eligible)."""


class months_since_established(Variable):
    value_type = int
    default_value = UNKNOWN_AGE_MONTHS
    entity = Organisation
    definition_period = YEAR
    label = "Months since the body was established, at the start of the year (not given: long established)"
    unit = "month"
    reference = "SPEC §0 (defaults make nothing eligible), §10"


class months_trading(Variable):
    value_type = int
    entity = Organisation
    definition_period = YEAR
    label = "Months since the body began trading, at the start of the year"
    unit = "month"
    reference = "SPEC §10"


class total_income(Variable):
    value_type = float
    entity = Organisation
    definition_period = YEAR
    label = "Total income in the last financial year ending in the period"
    unit = "currency-GBP"
    reference = "SPEC §10"


class trading_income(Variable):
    value_type = float
    entity = Organisation
    definition_period = YEAR
    label = "Income from trading in the last financial year ending in the period"
    unit = "currency-GBP"
    reference = "SPEC §10"


class profit_share_to_purpose(Variable):
    value_type = float
    entity = Organisation
    definition_period = YEAR
    label = "Share of profits applied to the social or environmental purpose"
    unit = "/1"
    reference = "SPEC §2, §10"


class is_public_body(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "Is a public body"
    reference = "SPEC §0: a local authority, fire and rescue authority, central government department or NHS body"

    def formula(organisation, period, parameters):
        return by_kind(parameters(period).organisation.public_body, organisation("organisation_type", period))


class is_charity(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "Is a charity"
    reference = "SPEC §0: a registered charity, charitable incorporated organisation or charitable trust"

    def formula(organisation, period, parameters):
        return by_kind(parameters(period).organisation.charity, organisation("organisation_type", period))


class is_asset_locked(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "Its assets are locked to its purpose, by its constitution or by law"
    reference = "SPEC §0, §2: a CIC always has an asset lock, whatever the inputs say"

    def formula(organisation, period, parameters):
        by_law = by_kind(parameters(period).organisation.asset_lock_by_law, organisation("organisation_type", period))
        return organisation("has_asset_lock", period) | by_law


class pursues_social_purpose(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "Has a primary social or environmental purpose, in fact or by law"
    reference = "SPEC §0, §2: a CIC always has a social purpose, whatever the inputs say"

    def formula(organisation, period, parameters):
        by_law = by_kind(parameters(period).organisation.social_purpose_by_law, organisation("organisation_type", period))
        return organisation("has_social_purpose", period) | by_law
