"""Assets of community value: who may nominate land for the list, and the moratorium on a listed asset's sale.

The law is the Community Right to Bid (Localism Act 2011 Part 5 Chapter 3, ss.87-108, and the Assets of
Community Value (England) Regulations 2012, SI 2012/2421, in force 2012-09-21). The report's community
"right to buy" is read as a right of first refusal during the full moratorium (a proposal, from 2020-09-24,
so first read for 2021), with the law's durations (/assumptions#assets-of-community-value).

An asset is described on the organisation that nominated it or asks to bid for it, one asset per
organisation: a body with two assets is declared twice. Every rule reads one body and one asset.

The Act's periods "begin with" their first day, so the day the authority receives the owner's notice is
their first day. Every end here is exclusive: the first day outside the period, the Act's last day being
the day before (/assumptions#assets-of-community-value-periods-and-their-ends). Days are added first, then
months; adding months keeps the day of the month and clamps it to the month's end. An input date not given
(1970-01-01, "no date") makes every date computed from it no date and every rule reading it false
(/assumptions#dates-and-no-date).
"""

import datetime

from numpy import where
from openfisca_core.indexed_enums import Enum
from openfisca_core.periods import YEAR
from openfisca_core.variables import Variable

from kruger_rules.dates import NO_DATE, NOT_A_DATE, add_days, add_months, add_years, given
from kruger_rules.entities import Organisation
from kruger_rules.lookups import by_kind

REG_4 = [
    "Assets of Community Value (England) Regulations 2012 (SI 2012/2421) reg 4: a voluntary or community body's local connection",
    "https://www.legislation.gov.uk/uksi/2012/2421/section/4",
]
REG_5 = [
    "Assets of Community Value (England) Regulations 2012 (SI 2012/2421) reg 5: who is a voluntary or community body",
    "https://www.legislation.gov.uk/uksi/2012/2421/section/5",
]
SECTION_87 = [
    "Localism Act 2011 s.87(3): an entry stays on the list for 5 years",
    "https://www.legislation.gov.uk/ukpga/2011/20/section/87",
]
SECTION_89 = [
    "Localism Act 2011 s.89(2): land is nominated by a parish council or a voluntary or community body with a local connection",
    "https://www.legislation.gov.uk/ukpga/2011/20/section/89",
]
SECTION_95 = [
    "Localism Act 2011 s.95: the moratorium on the disposal of listed land (notice, interim and full moratorium, protected period)",
    "https://www.legislation.gov.uk/ukpga/2011/20/section/95",
]
SCHEDULE_3 = [
    "Assets of Community Value (England) Regulations 2012 (SI 2012/2421) Schedule 3: exempt disposals",
    "https://www.legislation.gov.uk/uksi/2012/2421/schedule/3",
]
NO_DATE_RULE = ["Assumption: a date not given is no date, and so is every date computed from it", "/assumptions#dates-and-no-date"]
ENDS = [
    "Assumption: a period's end is the first day outside it (the Act's periods begin with their first day)",
    "/assumptions#assets-of-community-value-periods-and-their-ends",
]
FIRST_REFUSAL = [
    "Assumption: the report's community right to buy read as a right of first refusal during the full moratorium",
    "/assumptions#assets-of-community-value-a-right-of-first-refusal",
    "Levelling Up Our Communities: proposals for a new social covenant (Danny Kruger MP, 2020-09-24)",
    "https://www.gov.uk/government/publications/levelling-up-our-communities-proposals-for-a-new-social-covenant",
]


# The nominating body


class acv_local_connection(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "Its activities concern the land's authority area or a neighbouring one (a parish council: its parish or one beside it)"
    reference = [*REG_4, *SECTION_89]


class acv_surplus_applied_locally(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "It applies its surplus, wholly or partly, for the benefit of the authority's area or a neighbouring one"
    reference = [
        *REG_4,
        "Assumption: the surplus condition as local authorities' guidance states it (the regulation's text not checked)",
        "/assumptions#assets-of-community-value-who-may-nominate",
    ]


class acv_local_elector_members(Variable):
    value_type = int
    entity = Organisation
    definition_period = YEAR
    label = "Members registered as local government electors in the authority's area or a neighbouring one"
    unit = "person"
    reference = [
        "Assets of Community Value (England) Regulations 2012 (SI 2012/2421) reg 5(1)(c): an unincorporated body of at least 21 members",
        "https://www.legislation.gov.uk/uksi/2012/2421/section/5",
        "BCP Council, Community Right to Bid: at least 21 members on the electoral roll of the council's or a neighbouring area",
        "https://www.bcpcouncil.gov.uk/Communities/Community-right-to-bid/Community-Right-to-Bid-assets-of-community-value.aspx",
    ]


class acv_nominator_kind_qualifies(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "Its kind of body may nominate land, with whatever that kind also needs (surplus kept local, members who are local electors)"
    reference = [
        *REG_5,
        *REG_4,
        "Assumption: the kinds of body that may nominate, and what each also needs",
        "/assumptions#assets-of-community-value-who-may-nominate",
    ]

    def formula_2012_09_21(organisation, period, parameters):
        """A parish council, a neighbourhood forum, a charity or a community interest company needs nothing more. A company
        limited by guarantee, a co-operative or a community benefit society must not distribute its surplus (read as
        is_not_for_profit) and must apply it locally; an unincorporated community group or a mutual aid group (read as an
        unincorporated body) must also have enough members who are local electors. Any other kind never qualifies: public
        and local authorities are barred by reg 5(2), and the rest are in no list of reg 5(1)."""
        p = parameters(period).acv.nominator
        kind = organisation("organisation_type", period)
        surplus_kept_local = organisation("is_not_for_profit", period) & organisation("acv_surplus_applied_locally", period)
        enough_electors = organisation("acv_local_elector_members", period) >= by_kind(p.min_local_elector_members, kind)
        community_body = by_kind(p.when_not_for_profit, kind) & surplus_kept_local & enough_electors
        return by_kind(p.by_kind, kind) | community_body


class acv_nominator_eligible(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "May nominate land for the list of assets of community value"
    reference = [*SECTION_89, *REG_5, *REG_4]

    def formula_2012_09_21(organisation, period, parameters):
        return organisation("acv_local_connection", period) & organisation("acv_nominator_kind_qualifies", period)


# The asset and its disposal


class acv_listing_date(Variable):
    value_type = datetime.date
    default_value = NO_DATE
    entity = Organisation
    definition_period = YEAR
    label = "Date the asset was entered on the list of assets of community value"
    reference = [*SECTION_87, *NO_DATE_RULE]


class acv_disposal_notice_date(Variable):
    value_type = datetime.date
    default_value = NO_DATE
    entity = Organisation
    definition_period = YEAR
    label = "Date the authority received the owner's notice of a wish to dispose of the asset"
    reference = [
        "Localism Act 2011 s.95(2): the owner notifies the local authority in writing of the wish to enter into a relevant disposal",
        "https://www.legislation.gov.uk/ukpga/2011/20/section/95",
        *NO_DATE_RULE,
    ]


class acv_bid_request_date(Variable):
    value_type = datetime.date
    default_value = NO_DATE
    entity = Organisation
    definition_period = YEAR
    label = "Date a community interest group asked in writing to be treated as a potential bidder"
    reference = [
        "Localism Act 2011 s.95(3): a community interest group's written request to be treated as a potential bidder",
        "https://www.legislation.gov.uk/ukpga/2011/20/section/95",
        "Assumption: the group asking is not assessed",
        "/assumptions#assets-of-community-value-the-moratorium",
        *NO_DATE_RULE,
    ]


class AcvDisposalKind(Enum):
    none = "No disposal"
    sale = "Sale (a relevant disposal)"
    gift = "Gift"
    personal_representatives = "Under a will or an intestacy, or by personal representatives administering an estate"
    family = "To a member of the owner's family"
    going_concern = "Of a going concern, with the business carried on there"
    other_exempt = "Another exempt disposal (s.95(5) or SI 2012/2421 Schedule 3)"


class acv_disposal_kind(Variable):
    value_type = Enum
    possible_values = AcvDisposalKind
    default_value = AcvDisposalKind.none
    entity = Organisation
    definition_period = YEAR
    label = "Kind of disposal of the asset the owner has in mind"
    reference = [
        "Localism Act 2011 s.95(5): disposals to which the moratorium does not apply",
        "https://www.legislation.gov.uk/ukpga/2011/20/section/95",
        *SCHEDULE_3,
    ]


# The periods


class acv_listing_end(Variable):
    value_type = datetime.date
    default_value = NO_DATE
    entity = Organisation
    definition_period = YEAR
    label = "First day the asset is no longer listed: the listing date plus 5 years"
    reference = [*SECTION_87, *ENDS, *NO_DATE_RULE]

    def formula_2012_09_21(organisation, period, parameters):
        """The listing date plus acv.listing_years, 29 February clamped to 28 February."""
        listed = organisation("acv_listing_date", period)
        return where(given(listed), add_years(listed, parameters(period).acv.listing_years), NOT_A_DATE)


class acv_interim_moratorium_end(Variable):
    value_type = datetime.date
    default_value = NO_DATE
    entity = Organisation
    definition_period = YEAR
    label = "First day after the interim moratorium: the notice date plus six weeks"
    reference = [*SECTION_95, *ENDS, *NO_DATE_RULE]

    def formula_2012_09_21(organisation, period, parameters):
        """The notice date plus acv.moratorium.interim_days, whether or not a moratorium applies."""
        notice = organisation("acv_disposal_notice_date", period)
        return where(given(notice), add_days(notice, parameters(period).acv.moratorium.interim_days), NOT_A_DATE)


class acv_protected_period_end(Variable):
    value_type = datetime.date
    default_value = NO_DATE
    entity = Organisation
    definition_period = YEAR
    label = "First day after the protected period: the notice date plus 18 months"
    reference = [*SECTION_95, *ENDS, *NO_DATE_RULE]

    def formula_2012_09_21(organisation, period, parameters):
        """The notice date plus acv.moratorium.protected_period_months, the day clamped to the month's end."""
        notice = organisation("acv_disposal_notice_date", period)
        return where(given(notice), add_months(notice, parameters(period).acv.moratorium.protected_period_months), NOT_A_DATE)


class acv_full_moratorium_triggered(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "A community interest group asked to bid within the interim moratorium, so the full moratorium runs"
    reference = [*SECTION_95, *ENDS]

    def formula_2012_09_21(organisation, period, parameters):
        """The request is on or after the day the notice is received and before the interim moratorium's end (the
        notice date plus 41 days is the last day in time, plus 42 the first too late)."""
        notice = organisation("acv_disposal_notice_date", period)
        request = organisation("acv_bid_request_date", period)
        in_time = (request >= notice) & (request < organisation("acv_interim_moratorium_end", period))
        return given(notice) & given(request) & in_time


class acv_full_moratorium_end(Variable):
    value_type = datetime.date
    default_value = NO_DATE
    entity = Organisation
    definition_period = YEAR
    label = "First day after the full moratorium: the notice date plus 6 months, when it runs"
    reference = [*SECTION_95, *ENDS, *NO_DATE_RULE]

    def formula_2012_09_21(organisation, period, parameters):
        """The notice date plus acv.moratorium.full_months (12 under the reform acv_moratorium_12_months) when a group
        asked in time, else no date, whether or not the disposal is one the moratorium holds back."""
        notice = organisation("acv_disposal_notice_date", period)
        full_end = add_months(notice, parameters(period).acv.moratorium.full_months)
        return where(organisation("acv_full_moratorium_triggered", period), full_end, NOT_A_DATE)


# Whether the moratorium applies, and when the owner may dispose


class acv_notice_while_listed(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "The owner's notice was received while the asset was listed (on or after the listing date, before the listing's end)"
    reference = [*SECTION_87, *SECTION_95, *ENDS]

    def formula_2012_09_21(organisation, period, parameters):
        listed = organisation("acv_listing_date", period)
        notice = organisation("acv_disposal_notice_date", period)
        while_listed = (listed <= notice) & (notice < organisation("acv_listing_end", period))
        return given(listed) & given(notice) & while_listed


class acv_relevant_disposal(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "The disposal is a relevant disposal, one the moratorium holds back (not exempt, not none)"
    reference = [*SECTION_95, *SCHEDULE_3]

    def formula_2012_09_21(organisation, period, parameters):
        relevant = parameters(period).acv.moratorium.relevant_disposal
        return by_kind(relevant, organisation("acv_disposal_kind", period))


class acv_moratorium_applies(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "The moratorium applies: a relevant disposal of an asset notified while it is listed"
    reference = [*SECTION_95, *SECTION_87]

    def formula_2012_09_21(organisation, period, parameters):
        return organisation("acv_notice_while_listed", period) & organisation("acv_relevant_disposal", period)


class acv_disposal_allowed_from(Variable):
    value_type = datetime.date
    default_value = NO_DATE
    entity = Organisation
    definition_period = YEAR
    label = "First day the owner may dispose of the asset, until the protected period ends"
    reference = [*SECTION_95, *ENDS, *NO_DATE_RULE]

    def formula_2012_09_21(organisation, period, parameters):
        """The full moratorium's end when a group asked in time, else the interim moratorium's end; no date when no
        moratorium applies (the owner is not held back). A relevant disposal is then allowed until the protected
        period ends."""
        after = where(
            organisation("acv_full_moratorium_triggered", period),
            organisation("acv_full_moratorium_end", period),
            organisation("acv_interim_moratorium_end", period),
        )
        return where(organisation("acv_moratorium_applies", period), after, NOT_A_DATE)


# The proposal: a right of first refusal


class acv_first_refusal_in_force(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "The community right of first refusal on listed assets is in force"
    reference = [
        *FIRST_REFUSAL,
        "Assumption: the report's proposals are in force in the model from its publication, 2020-09-24",
        "/assumptions#proposals-in-force-from-publication",
    ]

    def formula(organisation, period, parameters):
        return organisation.filled_array(parameters(period).acv.first_refusal.in_force)


class acv_first_refusal(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "The owner must offer the asset to the group that asked to bid before any other buyer, until the full moratorium ends"
    reference = [*FIRST_REFUSAL, *SECTION_95]

    def formula_2020_09_24(organisation, period, parameters):
        """The moratorium applies and the group asked in time; durations as in law (the report gives none)."""
        return (
            organisation("acv_first_refusal_in_force", period)
            & organisation("acv_moratorium_applies", period)
            & organisation("acv_full_moratorium_triggered", period)
        )
