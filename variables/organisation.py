"""Facts about an organisation shared by several schemes, and the kinds of body the model groups them into
(/assumptions#kinds-of-body)."""

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
    neighbourhood_forum = "Neighbourhood forum"


class organisation_type(Variable):
    value_type = Enum
    possible_values = OrganisationType
    default_value = OrganisationType.unknown
    entity = Organisation
    definition_period = YEAR
    label = "Legal form or kind of body"
    reference = [
        "Assumption: the organisation types the model knows, and the kinds of body it groups them into",
        "/assumptions#kinds-of-body",
    ]


class has_social_purpose(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "Has a primary social or environmental purpose"
    reference = [
        "Social Enterprise Mark criterion A: social and/or environmental objectives",
        "http://www.socialenterprisemark.org.uk/faq/",
    ]


class is_independent(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "Has its own constitution and governing body"
    reference = [
        "Social Enterprise Mark criterion B: its own constitution and governing body",
        "http://www.socialenterprisemark.org.uk/faq/",
    ]


class has_asset_lock(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "Its constitution locks its assets to its purpose"
    reference = [
        "Social Enterprise Mark criterion E: on dissolution, remaining assets go to social or environmental purposes",
        "http://www.socialenterprisemark.org.uk/faq/",
    ]


class is_not_for_profit(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "Does not carry on its activities for profit"
    reference = [
        "Localism Act 2011 s.81(7): a voluntary body is a body, other than a public or local "
        "authority, whose activities are not carried on for profit",
        "https://www.legislation.gov.uk/ukpga/2011/20/section/81",
    ]


UNKNOWN_AGE_MONTHS = 1200
"""An age not given counts as a century: long established, so no default makes a body a start-up
or excuses its accounts (/assumptions#defaults-make-nothing-eligible)."""


class months_since_established(Variable):
    value_type = int
    default_value = UNKNOWN_AGE_MONTHS
    entity = Organisation
    definition_period = YEAR
    label = "Months since the body was established, at the start of the year (not given: long established)"
    unit = "month"
    reference = [
        "Assumption: an age not given counts as 1,200 months, a long-established body",
        "/assumptions#defaults-make-nothing-eligible",
    ]


class months_trading(Variable):
    value_type = int
    entity = Organisation
    definition_period = YEAR
    label = "Months since the body began trading, at the start of the year"
    unit = "month"
    reference = [
        "Assumption: MatchTrade asks for at least one year of trading",
        "/assumptions#matchtrade-one-year-trading",
    ]


class total_income(Variable):
    value_type = float
    entity = Organisation
    definition_period = YEAR
    label = "Total income in the last financial year ending in the period"
    unit = "currency-GBP"
    reference = [
        "Assumption: MatchTrade asks for a total income of at least £15,000 in the last financial year",
        "/assumptions#matchtrade-minimum-total-income",
        "Social Enterprise Mark criterion C: income from trading as a share of all income",
        "http://www.socialenterprisemark.org.uk/faq/",
    ]


class trading_income(Variable):
    value_type = float
    entity = Organisation
    definition_period = YEAR
    label = "Income from trading in the last financial year ending in the period"
    unit = "currency-GBP"
    reference = [
        "Social Enterprise Mark criterion C: income from trading as a share of all income",
        "http://www.socialenterprisemark.org.uk/faq/",
        "Assumption: MatchTrade matches the year's trading income, or its growth",
        "/assumptions#matchtrade-trading-income-or-its-growth",
    ]


class profit_share_to_purpose(Variable):
    value_type = float
    entity = Organisation
    definition_period = YEAR
    label = "Share of profits applied to the social or environmental purpose"
    unit = "/1"
    reference = [
        "Social Enterprise Mark criterion D: at least 50 % of profits applied to social or environmental purposes",
        "http://www.socialenterprisemark.org.uk/faq/",
    ]


class is_public_body(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "Is a public body"
    reference = [
        "Assumption: a public body is a local authority, fire and rescue authority, central government "
        "department or NHS body (a parish or town council is a community body)",
        "/assumptions#kinds-of-body",
        "Localism Act 2011 s.81(7): a voluntary body is a body, other than a public or local "
        "authority, whose activities are not carried on for profit",
        "https://www.legislation.gov.uk/ukpga/2011/20/section/81",
    ]

    def formula(organisation, period, parameters):
        return by_kind(parameters(period).organisation.public_body, organisation("organisation_type", period))


class charitable_purposes_only(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "Is established for charitable purposes only"
    reference = [
        "Charities Act 2011 s.1: a charity is an institution established for charitable purposes only",
        "https://www.legislation.gov.uk/ukpga/2011/25/section/1",
        "Charities Act 2011 s.2: a charitable purpose is one listed in s.3(1) and for the public benefit",
        "https://www.legislation.gov.uk/ukpga/2011/25/section/2",
    ]


class is_charity(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "Is a charity"
    reference = [
        "Assumption: a charity is a registered charity, a charitable incorporated organisation or a charitable trust, "
        "or a company limited by guarantee, unincorporated community group or mutual aid group established for "
        "charitable purposes only",
        "/assumptions#kinds-of-body",
        "Charities Act 2011 s.1 (meaning of charity)",
        "https://www.legislation.gov.uk/ukpga/2011/25/section/1",
        "Charities Act 2011 Part 11 (charitable incorporated organisations)",
        "https://www.legislation.gov.uk/ukpga/2011/25/part/11",
    ]

    def formula(organisation, period, parameters):
        """A charity by its kind (organisation.charity), or by its purposes: a kind that is a charity when
        established for charitable purposes only (organisation.charity_when_charitable_purposes_only) with
        charitable_purposes_only. The input defaults to false, so a body is a charity by its purposes only
        when a situation says so.

        Charity registration (charity_must_register, charity_may_register) reads this variable; no other
        scheme's formula does: the Right to Serve, the LUC Fund, the Community Recovery Fund, Assets of
        Community Value and Kickstart name the kinds of body they admit in their own per-kind parameters, so
        a body that is a charity by its purposes only is not a charity to them.
        """
        p = parameters(period).organisation
        kind = organisation("organisation_type", period)
        by_purposes = by_kind(p.charity_when_charitable_purposes_only, kind) & organisation("charitable_purposes_only", period)
        return by_kind(p.charity, kind) | by_purposes


class is_asset_locked(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "Its assets are locked to its purpose, by its constitution or by law"
    reference = [
        "Companies (Audit, Investigations and Community Enterprise) Act 2004 s.30 (cap on "
        "distributions and interest, part of a CIC's asset lock)",
        "https://www.legislation.gov.uk/ukpga/2004/27/section/30",
        "Community Interest Company Regulations 2005 (SI 2005/1788) Part 6 (distributions and the asset lock)",
        "https://www.legislation.gov.uk/uksi/2005/1788/contents/made",
        "Assumption: a community interest company always has an asset lock, whatever the inputs say",
        "/assumptions#community-interest-companies-asset-lock-and-social-purpose-by-law",
        "Social Enterprise Mark criterion E: an asset lock",
        "http://www.socialenterprisemark.org.uk/faq/",
    ]

    def formula(organisation, period, parameters):
        by_law = by_kind(parameters(period).organisation.asset_lock_by_law, organisation("organisation_type", period))
        return organisation("has_asset_lock", period) | by_law


class pursues_social_purpose(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "Has a primary social or environmental purpose, in fact or by law"
    reference = [
        "Companies (Audit, Investigations and Community Enterprise) Act 2004 s.35 (the community interest test)",
        "https://www.legislation.gov.uk/ukpga/2004/27/section/35",
        "Assumption: a community interest company always has a social purpose, whatever the inputs say",
        "/assumptions#community-interest-companies-asset-lock-and-social-purpose-by-law",
        "Social Enterprise Mark criterion A: social and/or environmental objectives",
        "http://www.socialenterprisemark.org.uk/faq/",
    ]

    def formula(organisation, period, parameters):
        by_law = by_kind(parameters(period).organisation.social_purpose_by_law, organisation("organisation_type", period))
        return organisation("has_social_purpose", period) | by_law
