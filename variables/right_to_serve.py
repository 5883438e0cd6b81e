"""Community Right to Serve: who may claim, who must answer, for what, by when, and why not.

The law (the Community Right to Challenge, Localism Act 2011 ss.81-86, in force 2012-06-27) and
the proposal (from 2020-09-24) share one code path: they differ only by dated parameters in
parameters/right_to_serve. A yearly rule reads the parameters in force on 1 January, so the
proposal first applies to 2021.

The deadlines (30 and 90 days, then 3 to 18 months) are the model's assumptions, not statute,
under the law as under the proposal: Localism Act 2011 s.84 leaves these periods to each relevant
authority. Days are added first, then months; adding months keeps the day of the month and
clamps it to the last day of the target month (a decision due on 30 November plus 3 months gives
28 February, or 29 February in a leap year). See kruger_rules.dates and the model's assumptions
(docs/assumptions.md, served at /assumptions).
"""

from datetime import date

from numpy import select
from openfisca_core.indexed_enums import Enum
from openfisca_core.periods import YEAR
from openfisca_core.variables import Variable

from kruger_rules.dates import NO_DATE, add_days, add_months
from kruger_rules.entities import Organisation
from kruger_rules.lookups import by_kind

LOCALISM_ACT = "Localism Act 2011"
SECTION_81 = "https://www.legislation.gov.uk/ukpga/2011/20/section/81"
SECTION_83 = "https://www.legislation.gov.uk/ukpga/2011/20/section/83"
SECTION_84 = "https://www.legislation.gov.uk/ukpga/2011/20/section/84"
SCHEDULE = "SI 2012/1647 Schedule"
SCHEDULE_PAGE = "https://www.legislation.gov.uk/uksi/2012/1647/schedule/made"
FIRE_AND_RESCUE = [
    "SI 2012/1647 reg 3: fire and rescue authorities",
    "https://www.legislation.gov.uk/uksi/2012/1647/regulation/3/made",
]
EXCLUDED_SERVICES = [
    "SI 2012/1313 reg 4 and Schedule 2: excluded services",
    "https://www.legislation.gov.uk/uksi/2012/1313/schedule/2/made",
]
REPORT = [
    "Levelling Up Our Communities: proposals for a new social covenant (Danny Kruger MP, 2020-09-24)",
    "https://www.gov.uk/government/publications/levelling-up-our-communities-proposals-for-a-new-social-covenant",
]
NO_STATUTE = "the model's assumption, not statute, under the law as under the proposal"


def ground(paragraph: int) -> list[str]:
    """A ground for rejection: its paragraph of the Schedule, with the Schedule's address."""
    return [f"{SCHEDULE} para {paragraph}", SCHEDULE_PAGE]


# Inputs of a claim


class ClaimService(Enum):
    not_specified = "Not specified"
    employment_support = "Employment support"
    probation_and_rehabilitation = "Probation and rehabilitation"
    early_years = "Early years"
    youth_services = "Youth services"
    libraries = "Libraries"
    adult_social_care = "Adult social care"
    parks_and_leisure = "Parks and leisure"
    housing_support = "Housing support"
    public_health = "Public health"
    policing = "Policing"
    acute_healthcare = "Acute healthcare"


class claim_service(Variable):
    value_type = Enum
    possible_values = ClaimService
    default_value = ClaimService.not_specified
    entity = Organisation
    definition_period = YEAR
    label = "Service category of a Right to Serve claim"
    reference = [
        f"{LOCALISM_ACT} s.81(4)-(5): a claim is made for a relevant service of the authority",
        SECTION_81,
        "Assumption: the service categories in scope of the Right to Serve",
        "/assumptions#right-to-serve-services-in-scope",
        "Assumption: a claim whose service is not specified is out of scope",
        "/assumptions#defaults-make-nothing-eligible",
    ]


class ClaimAuthorityType(Enum):
    local_authority = "Local authority (county, district or London borough council)"
    fire_and_rescue_authority = "Fire and rescue authority"
    central_government_department = "Central government department"
    nhs_body = "NHS body"
    other_public_body = "Other public body"


class claim_authority_type(Variable):
    value_type = Enum
    possible_values = ClaimAuthorityType
    default_value = ClaimAuthorityType.other_public_body
    entity = Organisation
    definition_period = YEAR
    label = "Kind of authority a Right to Serve claim is made to"
    reference = [
        f"{LOCALISM_ACT} s.81(2): county, district and London borough councils",
        SECTION_81,
        *FIRE_AND_RESCUE,
        "Assumption: central government departments and NHS bodies, bound under the proposal",
        "/assumptions#right-to-serve-authorities-bound",
        "Assumption: a claim to an authority not given is made to another public body, which is not bound",
        "/assumptions#defaults-make-nothing-eligible",
    ]


class claim_submission_date(Variable):
    value_type = date
    default_value = NO_DATE
    entity = Organisation
    definition_period = YEAR
    label = "Date the Right to Serve claim was submitted"
    reference = [
        f"{LOCALISM_ACT} s.81(1): an expression of interest submitted to the authority",
        SECTION_81,
        "Assumption: a date not given is no date, and so is every deadline computed from it",
        "/assumptions#dates-and-no-date",
    ]


class member_count(Variable):
    value_type = int
    entity = Organisation
    definition_period = YEAR
    label = "Members of the body (for an employee group, its members who are employees of the authority)"
    reference = [f"{LOCALISM_ACT} s.81(6)(d): two or more employees of the relevant authority", SECTION_81]


class claim_information_inadequate(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "The claim's information is materially inadequate or inaccurate"
    reference = ground(2)


class claimant_unsuitable(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "The body, a member of its consortium or a sub-contractor is not suitable to provide the service"
    reference = ground(3)


class service_decision_to_stop(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "The authority has already decided in writing to stop providing the service"
    reference = ground(4)


class service_nhs_integration_critical(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "The service is integrated with an NHS service and that integration is critical to its users' well-being"
    reference = ground(5)


class service_in_procurement(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "The service is already the subject of a procurement exercise"
    reference = ground(6)


class authority_in_negotiations(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "The authority is in written negotiations with a third party to provide the service"
    reference = ground(7)


class employee_body_intention_published(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "The authority has published its intention to consider provision by a body its employees propose to set up"
    reference = ground(8)


class claim_frivolous_or_vexatious(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "The claim is frivolous or vexatious"
    reference = ground(9)


class acceptance_would_breach_law(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "Accepting the claim would likely contravene an enactment or rule of law, or breach a statutory duty"
    reference = ground(10)


# Who may claim


class right_to_serve_relevant_by_kind(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "May claim the Right to Serve by its kind of body, with enough members"
    reference = [
        f"{LOCALISM_ACT} s.81(6)(b)-(d): a charitable body or trust, a parish council, two or more employees of the authority",
        SECTION_81,
        "Assumption: community interest companies and community benefit societies, relevant bodies by their kind under the proposal",
        "/assumptions#right-to-serve-community-interest-companies-and-community-benefit-societies",
    ]

    def formula(organisation, period, parameters):
        """A charity or parish council by its kind; an employee group when at least two of the authority's
        employees belong to it. The minimum number of members is read per kind (0 for every kind but an
        employee group) and asks nothing of the other routes."""
        p = parameters(period).right_to_serve.relevant_body
        kind = organisation("organisation_type", period)
        return by_kind(p.by_kind, kind) & (organisation("member_count", period) >= by_kind(p.min_members, kind))


class right_to_serve_voluntary_or_community_body(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "Is a voluntary or community body: a kind that may claim when not for profit, and not for profit"
    reference = [
        f"{LOCALISM_ACT} s.81(6)(a): a voluntary or community body",
        SECTION_81,
        f"{LOCALISM_ACT} s.81(7): a voluntary body is a body, other than a public or local authority, "
        "whose activities are not carried on for profit",
        SECTION_81,
        "Assumption (the model's reading): five kinds of body are voluntary or community bodies when not for profit",
        "/assumptions#right-to-serve-voluntary-or-community-bodies",
    ]

    def formula(organisation, period, parameters):
        """A kind the model reads as a voluntary or community body, when its activities are not carried on
        for profit. Section 81(7) sets that condition for a voluntary body; applying it to all five kinds,
        community bodies included, is the model's reading."""
        p = parameters(period).right_to_serve.relevant_body
        kind = organisation("organisation_type", period)
        return by_kind(p.when_not_for_profit, kind) & organisation("is_not_for_profit", period)


class right_to_serve_relevant_as_social_enterprise(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "May claim the Right to Serve as a social enterprise"
    reference = [
        "Assumption: under the proposal every social enterprise is a relevant body, whatever its kind",
        "/assumptions#right-to-serve-social-enterprises-as-relevant-bodies",
        "Assumption: a mutual aid group is a relevant body only under a reform",
        "/assumptions#right-to-serve-mutual-aid-groups",
        *REPORT,
    ]

    def formula(organisation, period, parameters):
        """Under the proposal every social enterprise (is_social_enterprise) may claim, whatever its kind (an
        organisation of unknown kind included), except a mutual aid group, which only a reform makes a
        relevant body, and a public body."""
        p = parameters(period).right_to_serve.relevant_body
        kind = organisation("organisation_type", period)
        open_to_kind = p.social_enterprises & by_kind(p.social_enterprise_kinds, kind)
        return open_to_kind & organisation("is_social_enterprise", period)


class right_to_serve_relevant_body(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "Is a relevant body, which may make a Right to Serve claim"
    reference = [
        f"{LOCALISM_ACT} s.81(6): who is a relevant body",
        SECTION_81,
        f"{LOCALISM_ACT} s.81(7): a voluntary body is a body other than a public or local authority",
        SECTION_81,
        "Assumption: the routes the proposal adds (social enterprises, community interest companies, community benefit societies)",
        "/assumptions#right-to-serve-social-enterprises-as-relevant-bodies",
        *REPORT,
    ]

    def formula(organisation, period, parameters):
        """A public body is never a relevant body, whichever parameter a reform changes (the model extends to
        every route the exclusion of public and local authorities that s.81(7) makes for a voluntary body)."""
        route = (
            organisation("right_to_serve_relevant_by_kind", period)
            | organisation("right_to_serve_voluntary_or_community_body", period)
            | organisation("right_to_serve_relevant_as_social_enterprise", period)
        )
        return route & ~organisation("is_public_body", period)


# Who must answer, and for what


class right_to_serve_authority_bound(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "The authority the claim is made to must respond to it"
    reference = [
        f"{LOCALISM_ACT} s.81(2): county, district and London borough councils",
        SECTION_81,
        *FIRE_AND_RESCUE,
        "Assumption: central government departments and NHS bodies, bound under the proposal from 2020-09-24",
        "/assumptions#right-to-serve-authorities-bound",
        *REPORT,
    ]

    def formula(organisation, period, parameters):
        bound = parameters(period).right_to_serve.bound_authority
        return by_kind(bound, organisation("claim_authority_type", period))


class right_to_serve_service_in_scope(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "The service claimed is one a claim may be made for"
    reference = [
        f"{LOCALISM_ACT} s.81(5): relevant services, except those excluded by regulations",
        SECTION_81,
        *EXCLUDED_SERVICES,
        "Assumption: the service categories in scope (policing and acute healthcare are not)",
        "/assumptions#right-to-serve-services-in-scope",
    ]

    def formula(organisation, period, parameters):
        in_scope = parameters(period).right_to_serve.service_in_scope
        return by_kind(in_scope, organisation("claim_service", period))


class right_to_serve_eligible(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "The Right to Serve claim is eligible: a relevant body, a bound authority, a service in scope"
    reference = [
        f"{LOCALISM_ACT} s.81: a relevant body's expression of interest to a relevant authority for a relevant service",
        SECTION_81,
        *REPORT,
    ]

    def formula(organisation, period, parameters):
        return (
            organisation("right_to_serve_relevant_body", period)
            & organisation("right_to_serve_authority_bound", period)
            & organisation("right_to_serve_service_in_scope", period)
        )


# By when


class right_to_serve_acknowledgement_due(Variable):
    value_type = date
    entity = Organisation
    definition_period = YEAR
    label = "Date by which the authority must acknowledge the claim"
    reference = [
        f"Assumption, {NO_STATUTE}: acknowledgement 30 days after submission, based on Community Right to Challenge practice",
        "/assumptions#right-to-serve-acknowledgement-deadline",
        f"{LOCALISM_ACT} s.84: each relevant authority specifies the period within which it notifies its decision",
        SECTION_84,
    ]

    def formula(organisation, period, parameters):
        """The submission date plus right_to_serve.acknowledgement_days, whatever the claim's eligibility.

        The 30 days are the model's assumption, not statute, under the law as under the proposal (the
        named reform current_law keeps them): Localism Act 2011 s.84 leaves the period to each relevant
        authority. They follow the Community Right to Challenge practice of notifying the body within 30
        days (My Community guidance). See /assumptions#right-to-serve-acknowledgement-deadline.
        """
        p = parameters(period).right_to_serve
        return add_days(organisation("claim_submission_date", period), p.acknowledgement_days)


class right_to_serve_decision_due(Variable):
    value_type = date
    entity = Organisation
    definition_period = YEAR
    label = "Date by which the authority must accept or reject the claim"
    reference = [
        f"Assumption, {NO_STATUTE}: decision 90 days after submission, with no UK anchor",
        "/assumptions#right-to-serve-decision-deadline",
        f"{LOCALISM_ACT} s.84: each relevant authority specifies the period within which it notifies its decision",
        SECTION_84,
    ]

    def formula(organisation, period, parameters):
        """The submission date plus right_to_serve.decision_days, whatever the claim's eligibility.

        The 90 days (60 under the reform right_to_serve_60_days) are the model's assumption, not statute,
        under the law as under the proposal (the named reform current_law keeps them): Localism Act 2011
        s.84 leaves the period to each relevant authority. No UK figure anchors them; the report asks
        public bodies to respond "reasonably and quickly". See /assumptions#right-to-serve-decision-deadline.
        """
        p = parameters(period).right_to_serve
        return add_days(organisation("claim_submission_date", period), p.decision_days)


class right_to_serve_procurement_earliest_start(Variable):
    value_type = date
    entity = Organisation
    definition_period = YEAR
    label = "Earliest date the procurement exercise for an accepted claim may start"
    reference = [
        f"Assumption, {NO_STATUTE}: procurement to start at the earliest 3 months after the decision due date, "
        "based on Warwickshire County Council's policy",
        "/assumptions#right-to-serve-procurement-window",
        f"{LOCALISM_ACT} s.84: each relevant authority specifies the minimum and maximum periods before a procurement exercise starts",
        SECTION_84,
    ]

    def formula(organisation, period, parameters):
        """The decision due date plus right_to_serve.procurement_window.earliest_start_months whole months, the day
        clamped to the month's end (/assumptions#dates-and-no-date).

        The 3 months are the model's assumption, not statute, under the law as under the proposal (the
        named reform current_law keeps them): Localism Act 2011 s.84 leaves the minimum period between
        acceptance and the start of a procurement exercise to each relevant authority. They follow
        Warwickshire County Council's published Community Right to Challenge policy (procurement to start
        3 to 18 months after the decision). See /assumptions#right-to-serve-procurement-window.
        """
        p = parameters(period).right_to_serve.procurement_window
        return add_months(organisation("right_to_serve_decision_due", period), p.earliest_start_months)


class right_to_serve_procurement_latest_start(Variable):
    value_type = date
    entity = Organisation
    definition_period = YEAR
    label = "Latest date the procurement exercise for an accepted claim may start"
    reference = [
        f"Assumption, {NO_STATUTE}: procurement to start at the latest 18 months after the decision due date, "
        "based on Warwickshire County Council's policy",
        "/assumptions#right-to-serve-procurement-window",
        f"{LOCALISM_ACT} s.84: each relevant authority specifies the minimum and maximum periods before a procurement exercise starts",
        SECTION_84,
    ]

    def formula(organisation, period, parameters):
        """The decision due date plus right_to_serve.procurement_window.latest_start_months whole months, the day
        clamped to the month's end (/assumptions#dates-and-no-date).

        The 18 months are the model's assumption, not statute, under the law as under the proposal (the
        named reform current_law keeps them): Localism Act 2011 s.84 leaves the maximum period between
        acceptance and the start of a procurement exercise to each relevant authority. They follow
        Warwickshire County Council's published Community Right to Challenge policy (procurement to start
        3 to 18 months after the decision). See /assumptions#right-to-serve-procurement-window.
        """
        p = parameters(period).right_to_serve.procurement_window
        return add_months(organisation("right_to_serve_decision_due", period), p.latest_start_months)


# Why not


class RightToServeRejectionGround(Enum):
    none = "No ground for rejection"
    non_compliant = "1. The claim does not comply with the requirements"
    inadequate_information = "2. Information materially inadequate or inaccurate"
    unsuitable_body = "3. The body is not suitable"
    decision_to_stop_service = "4. A decision has been taken to stop the service"
    nhs_integration_critical = "5. Integration with an NHS service is critical to users"
    already_in_procurement = "6. The service is already in a procurement exercise"
    negotiations_with_third_party = "7. Written negotiations with a third party"
    employee_body_intention = "8. Intention published to consider an employee-led body"
    frivolous_or_vexatious = "9. Frivolous or vexatious"
    would_breach_law = "10. Acceptance would breach an enactment or statutory duty"


# The facts behind grounds 2 to 10, in the Schedule's order.
GROUND_FACTS = (
    ("claim_information_inadequate", RightToServeRejectionGround.inadequate_information),
    ("claimant_unsuitable", RightToServeRejectionGround.unsuitable_body),
    ("service_decision_to_stop", RightToServeRejectionGround.decision_to_stop_service),
    ("service_nhs_integration_critical", RightToServeRejectionGround.nhs_integration_critical),
    ("service_in_procurement", RightToServeRejectionGround.already_in_procurement),
    ("authority_in_negotiations", RightToServeRejectionGround.negotiations_with_third_party),
    ("employee_body_intention_published", RightToServeRejectionGround.employee_body_intention),
    ("claim_frivolous_or_vexatious", RightToServeRejectionGround.frivolous_or_vexatious),
    ("acceptance_would_breach_law", RightToServeRejectionGround.would_breach_law),
)


class right_to_serve_rejection_ground(Variable):
    value_type = Enum
    possible_values = RightToServeRejectionGround
    default_value = RightToServeRejectionGround.none
    entity = Organisation
    definition_period = YEAR
    label = "First ground, in statutory order, on which the authority may reject the claim"
    reference = [
        f"{SCHEDULE}: the ten grounds for rejection",
        SCHEDULE_PAGE,
        f"{LOCALISM_ACT} s.83: the authority accepts or rejects the expression of interest",
        SECTION_83,
        "Assumption: ground 1 read as the claim not being eligible; the first ground that holds is reported",
        "/assumptions#right-to-serve-grounds-for-rejection",
    ]

    def formula(organisation, period, parameters):
        """Ground 1 (non-compliance) is read as the claim not being eligible; grounds 2 to 10 are the
        authority's findings, given as inputs. The first that holds is the answer."""
        conditions = [~organisation("right_to_serve_eligible", period)]
        grounds = [RightToServeRejectionGround.non_compliant]
        for fact, ground in GROUND_FACTS:
            conditions.append(organisation(fact, period))
            grounds.append(ground)
        return select(conditions, [ground.index for ground in grounds], default=RightToServeRejectionGround.none.index)


class right_to_serve_must_accept(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "The authority must accept the claim and run a procurement exercise"
    reference = [
        f"{LOCALISM_ACT} s.83: an accepted expression of interest is followed by a procurement exercise",
        SECTION_83,
        f"{SCHEDULE}: the ten grounds for rejection",
        SCHEDULE_PAGE,
        "Assumption: an eligible claim with no ground for rejection must be accepted",
        "/assumptions#right-to-serve-grounds-for-rejection",
    ]

    def formula(organisation, period, parameters):
        no_ground = organisation("right_to_serve_rejection_ground", period) == RightToServeRejectionGround.none
        return organisation("right_to_serve_eligible", period) & no_ground
