"""Charity registration: which charities must be registered with the Charity Commission, and which may ask to be.

The law is the Charities Act 2011 s.30 (in force 2012-03-14): every charity must be registered
except an exempt charity, an excepted charity whose gross income does not exceed £100,000 and a
charity whose gross income does not exceed £5,000 ("does not exceed" excuses, so registration
starts strictly above each limit). Gross income is that of the financial year before
(s.30(4)(a)), read here as `total_income`, the last financial year ending in the period.

A charitable incorporated organisation exists by being registered (Charities Act 2011 s.210):
from 2013-01-02 the Charitable Incorporated Organisations (General) Regulations 2012 (SI 2012/3012)
reg 6(3) exclude ss.30-34 for a CIO, which takes it out of the income limits, not out of the
register. So a CIO must be registered whatever its income, none at all included (unless the
situation says it is exempt, which the model then follows).

s.30(3) gives a right to be registered on request to excepted charities (s.30(3)(a), taken as in
force) and to charities of £5,000 or less (s.30(3)(b), taken as not in force: the Commission
registers such a charity only in exceptional circumstances). The report asks that charity status
be easier to reach, "particularly" for mutual aid groups, without a rule: the baseline is the law,
and the named reform charity_voluntary_registration brings the small-charity right into force.
See the model's assumptions (/assumptions#charity-registration).
"""

from numpy import where
from openfisca_core.indexed_enums import Enum
from openfisca_core.periods import YEAR
from openfisca_core.variables import Variable

from kruger_rules.entities import Organisation
from kruger_rules.lookups import by_kind

SECTION_30 = "https://www.legislation.gov.uk/ukpga/2011/25/section/30"
MUST_REGISTER = ["Charities Act 2011 s.30(1)-(2): every charity must be registered, except those listed", SECTION_30]
INCOME_LIMITS = [
    "Charities Act 2011 s.30(2)(b)-(d): not required to register with gross income of £100,000 or less (excepted) "
    "or £5,000 or less (any charity)",
    SECTION_30,
    "Charities Act 2011 s.30(4)(a): gross income is that of the financial year immediately before",
    SECTION_30,
]
ON_REQUEST = [
    "Charities Act 2011 s.30(3): excepted and small charities must, if they so request, be registered",
    SECTION_30,
    "Assumption: the right of excepted charities is in force, the right of small charities is not",
    "/assumptions#charity-registration-registering-on-request",
]
CIO = [
    "Charities Act 2011 s.210: a charitable incorporated organisation becomes a body corporate on its registration",
    "https://www.legislation.gov.uk/ukpga/2011/25/section/210",
    "Charitable Incorporated Organisations (General) Regulations 2012 (SI 2012/3012) reg 6(3): ss.30-34 do not apply to a CIO",
    "https://www.legislation.gov.uk/uksi/2012/3012/regulation/6/made",
    "Assumption: a charitable incorporated organisation must be registered whatever its income",
    "/assumptions#charity-registration-charitable-incorporated-organisations",
]


class CharityStatus(Enum):
    standard = "Neither exempt nor excepted"
    excepted = "Excepted (by order of the Commission or by regulations)"
    exempt = "Exempt (Charities Act 2011 Schedule 3)"


class charity_status(Variable):
    value_type = Enum
    possible_values = CharityStatus
    default_value = CharityStatus.standard
    entity = Organisation
    definition_period = YEAR
    label = "Whether the charity is exempt or excepted from registration"
    reference = [
        "Charities Act 2011 s.22 and Schedule 3: exempt charities",
        "https://www.legislation.gov.uk/ukpga/2011/25/schedule/3",
        *MUST_REGISTER,
        "Assumption: a charitable community benefit society is entered as exempt",
        "/assumptions#charity-registration-exempt-and-excepted-charities",
    ]


class charity_is_exempt(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "Is an exempt charity, which is never registered"
    reference = ["Charities Act 2011 s.30(2)(a): an exempt charity is not required to be registered", SECTION_30]

    def formula(organisation, period, parameters):
        return organisation("charity_status", period) == CharityStatus.exempt


class charity_registered_whatever_income(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "Exists only by being registered, so must be registered whatever its income"
    reference = CIO

    def formula(organisation, period, parameters):
        kinds = parameters(period).charity_registration.registered_whatever_income
        return by_kind(kinds, organisation("organisation_type", period))


class charity_income_within_limit(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "Gross income does not exceed the limit under which registration is not required (£100,000 if excepted, else £5,000)"
    reference = INCOME_LIMITS

    def formula(organisation, period, parameters):
        """The excepted limit for an excepted charity, the small-charity limit for any other (an exempt
        charity's limit does not matter: it is never required to register). Equal to the limit is within it."""
        p = parameters(period).charity_registration
        excepted = organisation("charity_status", period) == CharityStatus.excepted
        limit = where(excepted, p.excepted_income_limit, p.small_income_limit)
        return organisation("total_income", period) <= limit


class charity_registration_required(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "Its form or its income requires registration (a CIO, or income above its limit)"
    reference = [*MUST_REGISTER, *INCOME_LIMITS, *CIO]

    def formula(organisation, period, parameters):
        by_form = organisation("charity_registered_whatever_income", period)
        return by_form | ~organisation("charity_income_within_limit", period)


class charity_registration_on_request(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "Not required to register, it has a right to be registered if it asks"
    reference = ON_REQUEST

    def formula(organisation, period, parameters):
        """An excepted charity within its limit while charity_registration.excepted_charity_right holds
        (s.30(3)(a)); any other within the £5,000 limit while charity_registration.small_charity_right
        holds (s.30(3)(b)). A charity above its limit must register: it needs no right to ask."""
        p = parameters(period).charity_registration
        excepted = organisation("charity_status", period) == CharityStatus.excepted
        right = where(excepted, p.excepted_charity_right, p.small_charity_right)
        return right & organisation("charity_income_within_limit", period)


class charity_registrable(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "Its form or income requires registration, or it may be registered on request"
    reference = [*MUST_REGISTER, *ON_REQUEST]

    def formula(organisation, period, parameters):
        required = organisation("charity_registration_required", period)
        return required | organisation("charity_registration_on_request", period)


class charity_must_register(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "The charity must be registered with the Charity Commission"
    reference = [*MUST_REGISTER, *INCOME_LIMITS, *CIO]

    def formula(organisation, period, parameters):
        """A charity, not exempt, whose form (a CIO) or income (strictly above £5,000, or £100,000 if
        excepted) requires registration. A body that is no charity never must."""
        return (
            organisation("is_charity", period)
            & ~organisation("charity_is_exempt", period)
            & organisation("charity_registration_required", period)
        )


class charity_may_register(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "The charity may be registered with the Charity Commission (it must, or it has a right to on request)"
    reference = [*MUST_REGISTER, *ON_REQUEST]

    def formula(organisation, period, parameters):
        """A charity, not exempt, that must register or may ask to be: every charity that must register
        may. An exempt charity never may: s.30(3) gives no exempt charity a right to ask."""
        return organisation("is_charity", period) & ~organisation("charity_is_exempt", period) & organisation("charity_registrable", period)
