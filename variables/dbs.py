"""DBS checks for a role, and whether a volunteer's existing check covers it: the Update Service and the Volunteer Passport.

A role is described on the organisation that hosts it, with its applicant (England and Wales).
The level of check a role needs is the first that holds: an enhanced check with the barred lists
for regulated activity with children or adults (Safeguarding Vulnerable Groups Act 2006 Schedule 4),
an enhanced check where the Police Act 1997 (Criminal Records) Regulations 2002 reg 5A allow one,
a standard check where the Rehabilitation of Offenders Act 1974 (Exceptions) Order 1975 does, a basic
check when the host asks for one, else none. Levels are ordered none < basic < standard < enhanced <
enhanced with barred lists, and compared by that order (DbsLevel's order of declaration), never by name.

A volunteer's standard or enhanced check is free (2002 Regulations reg 4); a basic check never is.
From 2013-06-17 (so from 2014) the Update Service lets a subscribed certificate stand in for a new check of the
same level with the same barred lists ("like for like"). The report proposes a Volunteer Passport
(recommendation 8) with no rule: the model reads it as a recorded check that covers a role needing
no more than it holds, for roles starting within 3 years of the check's issue (an assumption:
a certificate has no statutory expiry), from 2020-09-24 (so from 2021). A role start or issue date
left at "no date" (1970-01-01) covers nothing. See /assumptions#dbs-checks-and-the-volunteer-passport.
"""

import datetime

import numpy
from numpy import select
from openfisca_core.indexed_enums import Enum
from openfisca_core.periods import YEAR
from openfisca_core.variables import Variable

from kruger_rules.dates import NO_DATE, add_years, given
from kruger_rules.entities import Organisation
from kruger_rules.lookups import by_kind

REGULATED_ACTIVITY = [
    "Safeguarding Vulnerable Groups Act 2006 Schedule 4: regulated activity relating to children and to adults",
    "https://www.legislation.gov.uk/ukpga/2006/47/schedule/4",
    "Police Act 1997 s.113BA-113BB: the children's and adults' barred lists on an enhanced certificate",
    "https://www.legislation.gov.uk/ukpga/1997/50/section/113BA",
]
ENHANCED = [
    "Police Act 1997 (Criminal Records) Regulations 2002 (SI 2002/233) reg 5A: the purposes for which an enhanced check may be asked",
    "https://www.legislation.gov.uk/uksi/2002/233/regulation/5A",
]
STANDARD = [
    "Rehabilitation of Offenders Act 1974 (Exceptions) Order 1975 (SI 1975/1023): the roles for which a standard check may be asked",
    "https://www.legislation.gov.uk/uksi/1975/1023/contents",
]
BASIC = [
    "Police Act 1997 s.112: a basic check (criminal conviction certificate), open to anyone",
    "https://www.legislation.gov.uk/ukpga/1997/50/section/112",
]
LEVELS = [*REGULATED_ACTIVITY, *ENHANCED, *STANDARD, *BASIC]
VOLUNTEER_FEES = [
    "Police Act 1997 (Criminal Records) Regulations 2002 (SI 2002/233) reg 4: no fee for a volunteer's standard or enhanced check",
    "https://www.legislation.gov.uk/uksi/2002/233/regulation/4",
    "DBS: the disclosure application process for volunteers",
    "https://www.gov.uk/government/publications/disclosure-application-process-for-volunteers",
]
UPDATE_SERVICE = [
    "Police Act 1997 s.116A: up-date arrangements for certificates",
    "https://www.legislation.gov.uk/ukpga/1997/50/section/116A",
    "DBS Update Service: employer guide (a certificate is checked like for like)",
    "https://www.gov.uk/government/publications/dbs-update-service-employer-guide",
]
PASSPORT = [
    "Levelling Up Our Communities: proposals for a new social covenant (Danny Kruger MP, 2020-09-24)",
    "https://www.gov.uk/government/publications/levelling-up-our-communities-proposals-for-a-new-social-covenant",
    "Assumption: a Volunteer Passport records a DBS check that covers a role needing no more than it holds",
    "/assumptions#volunteer-passport-what-it-covers",
]
VALIDITY = [
    "Assumption: a check in a Volunteer Passport covers roles starting within 3 years of its issue",
    "/assumptions#volunteer-passport-three-year-validity",
    "Assumption: a date not given is no date, and a rule reading it is false",
    "/assumptions#dates-and-no-date",
]


class DbsLevel(Enum):
    """In order: each level is more than the one before it."""

    none = "No check"
    basic = "Basic"
    standard = "Standard"
    enhanced = "Enhanced"
    enhanced_barred_lists = "Enhanced with barred lists"


class DbsBarredLists(Enum):
    none = "No barred list"
    children = "Children's barred list"
    adults = "Adults' barred list"
    children_and_adults = "Children's and adults' barred lists"


def codes(*members) -> list[int]:
    """Each enumeration member's index: the codes an Enum variable's formula returns."""
    return [member.index for member in members]


def level_order(levels):
    """Each level's rank in DbsLevel's order (none 0 … enhanced with barred lists 4), to compare levels by."""
    return numpy.asarray(levels).astype(int)


# Inputs: the role


class dbs_role_regulated_children(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "The role is regulated activity relating to children"
    reference = REGULATED_ACTIVITY


class dbs_role_regulated_adults(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "The role is regulated activity relating to adults"
    reference = REGULATED_ACTIVITY


class dbs_role_enhanced_eligible(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "The role is one for which an enhanced check may be asked"
    reference = ENHANCED


class dbs_role_standard_eligible(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "The role is one for which a standard check may be asked"
    reference = STANDARD


class dbs_role_basic_requested(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "The host asks for a basic check for the role"
    reference = BASIC


class dbs_role_start_date(Variable):
    value_type = datetime.date
    default_value = NO_DATE
    entity = Organisation
    definition_period = YEAR
    label = "Date the role starts"
    reference = VALIDITY


# Inputs: the applicant and the check they hold


class dbs_applicant_is_volunteer(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "The applicant is a volunteer: unpaid but for expenses, benefiting a third party, not on a placement"
    reference = [
        "Police Act 1997 (Criminal Records) Regulations 2002 (SI 2002/233) reg 2: who is a volunteer",
        "https://www.legislation.gov.uk/uksi/2002/233/regulation/2",
        *VOLUNTEER_FEES[2:],
    ]


class dbs_held_level(Variable):
    value_type = Enum
    possible_values = DbsLevel
    default_value = DbsLevel.none
    entity = Organisation
    definition_period = YEAR
    label = "Level of the DBS check the applicant already holds"
    reference = [*UPDATE_SERVICE, *PASSPORT]


class dbs_held_children_list(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "The check held includes the children's barred list"
    reference = [*REGULATED_ACTIVITY[2:], *UPDATE_SERVICE]


class dbs_held_adults_list(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "The check held includes the adults' barred list"
    reference = [*REGULATED_ACTIVITY[2:], *UPDATE_SERVICE]


class dbs_held_issue_date(Variable):
    value_type = datetime.date
    default_value = NO_DATE
    entity = Organisation
    definition_period = YEAR
    label = "Date the check held was issued"
    reference = VALIDITY


class dbs_update_service_subscribed(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "The check held is subscribed to the DBS Update Service"
    reference = UPDATE_SERVICE


class volunteer_passport_holder(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "The applicant holds a Volunteer Passport recording the check held"
    reference = PASSPORT


# What the role needs


class dbs_check_level_required(Variable):
    value_type = Enum
    possible_values = DbsLevel
    default_value = DbsLevel.none
    entity = Organisation
    definition_period = YEAR
    label = "Level of DBS check the role needs"
    reference = LEVELS

    def formula(organisation, period, parameters):
        """The first that holds: regulated activity (either group), an enhanced role, a standard role, a
        basic check asked for; else no check."""
        regulated = organisation("dbs_role_regulated_children", period) | organisation("dbs_role_regulated_adults", period)
        conditions = [
            regulated,
            organisation("dbs_role_enhanced_eligible", period),
            organisation("dbs_role_standard_eligible", period),
            organisation("dbs_role_basic_requested", period),
        ]
        levels = codes(DbsLevel.enhanced_barred_lists, DbsLevel.enhanced, DbsLevel.standard, DbsLevel.basic)
        return select(conditions, levels, default=codes(DbsLevel.none)[0])


class dbs_barred_lists_required(Variable):
    value_type = Enum
    possible_values = DbsBarredLists
    default_value = DbsBarredLists.none
    entity = Organisation
    definition_period = YEAR
    label = "Barred lists the role's check must include"
    reference = REGULATED_ACTIVITY

    def formula(organisation, period, parameters):
        children = organisation("dbs_role_regulated_children", period)
        adults = organisation("dbs_role_regulated_adults", period)
        lists = codes(DbsBarredLists.children_and_adults, DbsBarredLists.children, DbsBarredLists.adults)
        return select([children & adults, children, adults], lists, default=codes(DbsBarredLists.none)[0])


class dbs_role_needs_check(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "The role needs a DBS check of some level"
    reference = LEVELS

    def formula(organisation, period, parameters):
        return organisation("dbs_check_level_required", period) != DbsLevel.none


class dbs_check_free(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "The role's DBS check is free: a volunteer's standard or enhanced check"
    reference = VOLUNTEER_FEES

    def formula(organisation, period, parameters):
        """Free for a volunteer at the levels of dbs.free_for_volunteers (standard and above); a basic
        check is never free, and a role needing no check has no check to be free."""
        free_levels = parameters(period).dbs.free_for_volunteers
        free_level = by_kind(free_levels, organisation("dbs_check_level_required", period))
        return organisation("dbs_applicant_is_volunteer", period) & free_level


# What the check held covers


class dbs_update_service_covers_role(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "The check held, subscribed to the Update Service, covers the role like for like"
    reference = [
        *UPDATE_SERVICE,
        "Portable DBS checks: the Update Service from 17 June 2013 (Voluntary Action North East Lincolnshire)",
        "http://vanel.org.uk/va/2013/06/portable-dbs-update/",
    ]

    def formula_2013_06_17(organisation, period, parameters):
        """From 2013-06-17, when the Update Service began (so from 2014; before, no role is covered): a
        subscribed check at a level the service covers (dbs.update_service.levels: standard and above), of
        exactly the level the role needs and with exactly the barred lists it needs. A higher check held
        does not stand in for a lower one."""
        levels = parameters(period).dbs.update_service.levels
        required = organisation("dbs_check_level_required", period)
        same_level = level_order(organisation("dbs_held_level", period)) == level_order(required)
        same_lists = (organisation("dbs_held_children_list", period) == organisation("dbs_role_regulated_children", period)) & (
            organisation("dbs_held_adults_list", period) == organisation("dbs_role_regulated_adults", period)
        )
        subscribed = organisation("dbs_update_service_subscribed", period)
        return subscribed & by_kind(levels, required) & same_level & same_lists


class volunteer_passport_in_force(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "The Volunteer Passport is in force"
    reference = [
        *PASSPORT[:2],
        "Assumption: the report's proposals are in force in the model from its publication, 2020-09-24",
        "/assumptions#proposals-in-force-from-publication",
    ]

    def formula(organisation, period, parameters):
        return organisation.filled_array(parameters(period).volunteer_passport.in_force)


class dbs_held_level_sufficient(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "The check held is at least the level the role needs"
    reference = [*LEVELS, *PASSPORT[2:]]

    def formula(organisation, period, parameters):
        held = level_order(organisation("dbs_held_level", period))
        return held >= level_order(organisation("dbs_check_level_required", period))


class dbs_held_barred_lists_sufficient(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "The check held includes every barred list the role needs"
    reference = [*REGULATED_ACTIVITY, *PASSPORT[2:]]

    def formula(organisation, period, parameters):
        children = ~organisation("dbs_role_regulated_children", period) | organisation("dbs_held_children_list", period)
        return children & (~organisation("dbs_role_regulated_adults", period) | organisation("dbs_held_adults_list", period))


class volunteer_passport_check_current(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "The role starts on or after the check's issue date and before the end of its validity in the Volunteer Passport"
    reference = VALIDITY

    def formula_2020_09_24(organisation, period, parameters):
        """Issue date <= role start < issue date + volunteer_passport.validity_years (adding years keeps the
        day of the month, clamped to the month's end). On the anniversary the check no longer covers the role;
        the day before, it does. Either date left at no date gives false."""
        validity = parameters(period).volunteer_passport.validity_years
        issued = organisation("dbs_held_issue_date", period)
        start = organisation("dbs_role_start_date", period)
        known = given(issued) & given(start)
        return known & (issued <= start) & (start < add_years(issued, validity))


class volunteer_passport_covers_role(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "The applicant's Volunteer Passport covers the role, so it needs no new DBS check"
    reference = [*PASSPORT, *VALIDITY[:2]]

    def formula_2020_09_24(organisation, period, parameters):
        """While the passport is in force: a holder, for a role that needs a check, whose check is at least
        that level, with every barred list the role needs, and current for the role's start date."""
        return (
            organisation("volunteer_passport_in_force", period)
            & organisation("volunteer_passport_holder", period)
            & organisation("dbs_role_needs_check", period)
            & organisation("dbs_held_level_sufficient", period)
            & organisation("dbs_held_barred_lists_sufficient", period)
            & organisation("volunteer_passport_check_current", period)
        )


class dbs_new_check_needed(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "The role needs a new DBS check: it needs one, and neither the Update Service nor a Volunteer Passport covers it"
    reference = [*LEVELS, *UPDATE_SERVICE, *PASSPORT]

    def formula(organisation, period, parameters):
        return (
            organisation("dbs_role_needs_check", period)
            & ~organisation("dbs_update_service_covers_role", period)
            & ~organisation("volunteer_passport_covers_role", period)
        )
