"""Kickstart jobs, and the service opportunities the report proposes to fund through Kickstart.

Kickstart (Department for Work and Pensions) funded new six-month jobs for 16 to 24-year-olds on
Universal Credit: the age band's minimum wage for 25 hours a week, the employer's National
Insurance contributions and minimum automatic-enrolment pension contributions on that wage, and
£1,500 a job. It took starts from its launch on 2020-09-02 to its last start on 2022-03-31. The
report (Levelling Up Our Communities, 2020) proposes paid "service opportunities" on social and
environmental projects, funded through Kickstart: a proposal in force from 2020-09-24, so from 2021.

How the model reads it (docs/assumptions.md, served at /assumptions#kickstart-service-opportunities):

- A job is described on its host, one job an organisation, and counts in the year of its start date only: the
  start date must fall in the year, on a day Kickstart took new starts (`kickstart.open_to_new_starts`,
  read on that day). Kickstart's own terms (ages, hours, weeks, £1,500, host kinds) are read on
  1 January of that year, as every yearly rule is; they are dated from 2020-01-01 so that 2020,
  the year of the first starts, reads them.
- The funding is the exception: it is summed week by week, each of the 26 weeks at the minimum
  wage, National Insurance and pension figures in force on the day that week starts (start + 7k
  days), since the grant follows the wage paid. The participant's age is the age on the start day,
  kept for the whole job; the age bands themselves (the National Living Wage age fell from 25 to
  23 on 2021-04-01) are those of each week.
- No rounding: the funding is exact to the penny of the weekly figures. The Employment Allowance,
  the 30-job minimum of the first months and the gateways are not modelled.
- A volunteering role is funded only as a service opportunity (the law funds jobs, the proposal
  paid volunteering); a service opportunity is funded as a job is.
- A start date not given ("no date") is in no year: nothing reading it passes and the funding is 0.
"""

from datetime import date
from typing import NamedTuple

import numpy
from numpy import arange, datetime64, isin, newaxis, select, unique, where
from openfisca_core.model_api import max_
from openfisca_core.periods import YEAR
from openfisca_core.variables import Variable

from kruger_rules.dates import NO_DATE, add_days
from kruger_rules.entities import Organisation
from kruger_rules.lookups import by_kind

DAYS_IN_A_WEEK = 7
"""A calendar fact, not a figure of policy: week k of a job starts 7k days after the job."""

KICKSTART = ["Department for Work and Pensions: Kickstart Scheme", "https://www.gov.uk/government/collections/kickstart-scheme"]
FUNDING = [
    "NHS Business Services Authority: Kickstart funding (minimum wage for 25 hours a week, employer National Insurance "
    "and minimum automatic enrolment contributions)",
    "https://nhsbsa.nhs.uk/node/9270",
]
REPORT = [
    "Levelling Up Our Communities: proposals for a new social covenant (Danny Kruger MP, 2020-09-24)",
    "https://www.gov.uk/government/publications/levelling-up-our-communities-proposals-for-a-new-social-covenant",
]
IN_THE_YEAR = [
    "Assumption: a Kickstart job counts in the year it starts, under Kickstart's terms for that year",
    "/assumptions#kickstart-a-job-counts-in-the-year-it-starts",
]
SERVICE_OPPORTUNITIES = [
    "Assumption: a service opportunity is a social or environmental role with a charity, community interest company, "
    "community benefit society, community group, parish council or mutual aid group",
    "/assumptions#kickstart-service-opportunities-hosts-and-roles",
]


# Inputs


class kickstart_start_date(Variable):
    value_type = date
    default_value = NO_DATE
    entity = Organisation
    definition_period = YEAR
    label = "Date the Kickstart job starts"
    reference = [
        *KICKSTART,
        *IN_THE_YEAR,
        "Assumption: a date not given is no date, and nothing that reads it passes",
        "/assumptions#dates-and-no-date",
    ]


class kickstart_participant_age(Variable):
    value_type = int
    entity = Organisation
    definition_period = YEAR
    label = "Age of the young person in the Kickstart job, in years on the day it starts"
    unit = "year"
    reference = [
        *KICKSTART,
        "Assumption: the age on the day the job starts holds for the whole job",
        "/assumptions#kickstart-age-fixed-at-the-start",
    ]


class kickstart_hours_per_week(Variable):
    value_type = float
    entity = Organisation
    definition_period = YEAR
    label = "Hours a week the Kickstart job offers"
    unit = "hour"
    reference = KICKSTART


class kickstart_participant_on_universal_credit(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "The young person in the Kickstart job claims Universal Credit"
    reference = KICKSTART


class kickstart_job_is_new(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "The Kickstart job is new: it replaces no existing or planned vacancy"
    reference = KICKSTART


class kickstart_role_is_volunteering(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "The role is volunteering rather than a job"
    reference = [*KICKSTART, *REPORT, *SERVICE_OPPORTUNITIES]


class kickstart_role_social_or_environmental(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "The role is on a social or environmental project"
    reference = [*REPORT, *SERVICE_OPPORTUNITIES]


# Kickstart jobs


class kickstart_host_eligible(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "May host a Kickstart job"
    reference = [
        "Assumption: any kind of body may host a Kickstart job but an employee group and a body whose kind is not given",
        "/assumptions#kickstart-hosts",
        *KICKSTART,
    ]

    def formula_2020_01_01(organisation, period, parameters):
        return by_kind(parameters(period).kickstart.host_kind, organisation("organisation_type", period))


class kickstart_start_date_allowed(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "The Kickstart job starts in the year, on a day Kickstart takes new starts"
    reference = [
        "Assumption: Kickstart's first start on its launch, 2020-09-02, and its last start on 2022-03-31, both days included",
        "/assumptions#kickstart-first-and-last-starts",
        *IN_THE_YEAR,
    ]

    def formula_2020_01_01(organisation, period, parameters):
        """The window is read on the start day itself, each distinct day once; a start outside the year (or no date) fails."""
        start = organisation("kickstart_start_date", period)
        in_year = start.astype("datetime64[Y]") == datetime64(period.start.date, "Y")
        open_days = [day for day in unique(start[in_year]) if parameters(str(day)).kickstart.open_to_new_starts]
        return in_year & isin(start, numpy.array(open_days, dtype="datetime64[D]"))


class kickstart_participant_age_allowed(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "The young person is of an age Kickstart takes, on the day the job starts"
    reference = [*KICKSTART, *IN_THE_YEAR]

    def formula_2020_01_01(organisation, period, parameters):
        terms = parameters(period).kickstart
        age = organisation("kickstart_participant_age", period)
        return (age >= terms.age_min) & (age <= terms.age_max)


class kickstart_hours_met(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "The Kickstart job offers enough hours a week"
    reference = [*KICKSTART, *IN_THE_YEAR]

    def formula_2020_01_01(organisation, period, parameters):
        return organisation("kickstart_hours_per_week", period) >= parameters(period).kickstart.minimum_hours_per_week


class kickstart_role_fundable(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "The role is a job, or paid volunteering that is a service opportunity"
    reference = [
        *KICKSTART,
        *REPORT,
        "Assumption: Kickstart funds a volunteering role only as a service opportunity",
        "/assumptions#kickstart-service-opportunities-funded-as-jobs",
    ]

    def formula_2020_01_01(organisation, period, parameters):
        """The law funds jobs; the proposal funds paid volunteering too, when it is a service opportunity."""
        return ~organisation("kickstart_role_is_volunteering", period) | organisation("kickstart_service_opportunity", period)


class kickstart_placement_eligible(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "The Kickstart job is funded"
    reference = [*KICKSTART, *IN_THE_YEAR, *REPORT]

    def formula_2020_01_01(organisation, period, parameters):
        return (
            organisation("kickstart_host_eligible", period)
            & organisation("kickstart_start_date_allowed", period)
            & organisation("kickstart_participant_age_allowed", period)
            & organisation("kickstart_participant_on_universal_credit", period)
            & organisation("kickstart_job_is_new", period)
            & organisation("kickstart_hours_met", period)
            & organisation("kickstart_role_fundable", period)
        )


class WeekRules(NamedTuple):
    """The figures in force on the day one week of a job starts, each an array (by day, or by job)."""

    young_workers_rate: numpy.ndarray
    development_rate_age: numpy.ndarray
    development_rate: numpy.ndarray
    adult_rate_age: numpy.ndarray
    adult_rate: numpy.ndarray
    national_living_wage_age: numpy.ndarray
    national_living_wage: numpy.ndarray
    nics_zero_rate_below_age: numpy.ndarray
    nics_secondary_threshold: numpy.ndarray
    nics_rate: numpy.ndarray
    pension_minimum_age: numpy.ndarray
    pension_earnings_trigger: numpy.ndarray
    pension_lower_qualifying_earnings: numpy.ndarray
    pension_rate: numpy.ndarray


def week_cost(age, week: WeekRules, hours):
    """One week's wage, employer National Insurance and employer pension contributions, for participants of ``age``.

    Wage: ``hours`` at the age band's hourly rate. National Insurance: none under the zero-rate age,
    else the rate on the wage above the secondary threshold. Pension: from the automatic-enrolment age,
    on a wage above the earnings trigger, the employer's minimum rate on the wage above the lower limit.
    """
    rate = select(
        [age >= week.national_living_wage_age, age >= week.adult_rate_age, age >= week.development_rate_age],
        [week.national_living_wage, week.adult_rate, week.development_rate],
        week.young_workers_rate,
    )
    wage = hours * rate
    nics = where(age >= week.nics_zero_rate_below_age, week.nics_rate * max_(wage - week.nics_secondary_threshold, 0), 0)
    enrolled = (age >= week.pension_minimum_age) & (wage > week.pension_earnings_trigger)
    pension = where(enrolled, week.pension_rate * max_(wage - week.pension_lower_qualifying_earnings, 0), 0)
    return wage + nics + pension


class kickstart_placement_funding(Variable):
    value_type = float
    entity = Organisation
    definition_period = YEAR
    label = "Kickstart funding for the job"
    unit = "currency-GBP"
    reference = [
        *FUNDING,
        "Saffery: Employers and the government's Kickstart scheme (£1,500 a job)",
        "https://www.saffery.com/insights/news/employers-and-the-governments-kickstart-scheme/",
        "Assumption: the funding is summed week by week, each week at the figures in force on the day it starts",
        "/assumptions#kickstart-funding-week-by-week",
        "Assumption: the age on the day the job starts holds for the whole job",
        "/assumptions#kickstart-age-fixed-at-the-start",
    ]

    def formula_2020_01_01(organisation, period, parameters):
        """£1,500 and, for each of the 26 weeks, the week's cost at the figures of the day it starts; 0 unless funded.

        Week k starts k weeks after the job. The parameters are read once for each distinct day a week
        starts on, and each job's weeks look their figures up by that day, one week of every job at a time.
        """

        def rules_on(day: str) -> WeekRules:
            on_day = parameters(day).kickstart
            wage = on_day.minimum_wage
            nics = on_day.employer_nics
            pension = on_day.pension
            return WeekRules(
                young_workers_rate=wage.young_workers_rate,
                development_rate_age=wage.development_rate_age,
                development_rate=wage.development_rate,
                adult_rate_age=wage.adult_rate_age,
                adult_rate=wage.adult_rate,
                national_living_wage_age=wage.national_living_wage_age,
                national_living_wage=wage.national_living_wage,
                nics_zero_rate_below_age=nics.zero_rate_below_age,
                nics_secondary_threshold=nics.secondary_threshold,
                nics_rate=nics.rate,
                pension_minimum_age=pension.minimum_age,
                pension_earnings_trigger=pension.earnings_trigger,
                pension_lower_qualifying_earnings=pension.lower_qualifying_earnings,
                pension_rate=pension.employer_minimum_rate,
            )

        terms = parameters(period).kickstart
        funded = organisation("kickstart_placement_eligible", period)
        starts = organisation("kickstart_start_date", period)[funded]
        week_starts = add_days(starts[:, newaxis], DAYS_IN_A_WEEK * arange(terms.placement_weeks))
        days, day_index = unique(week_starts, return_inverse=True)
        day_index = day_index.reshape(week_starts.shape)
        by_day = [rules_on(str(day)) for day in days]
        table = WeekRules(*(numpy.array([getattr(rules, field) for rules in by_day], dtype=float) for field in WeekRules._fields))
        age = organisation("kickstart_participant_age", period)[funded]
        weeks_cost = numpy.zeros(len(starts))
        for week in day_index.T:  # one week of every job at a time, so memory grows with the jobs, not with jobs × weeks
            weeks_cost += week_cost(age, WeekRules(*(column[week] for column in table)), terms.funded_hours_per_week)
        funding = organisation.filled_array(0, dtype=float)
        funding[funded] = terms.setup_payment + weeks_cost
        return funding


# Service opportunities (the report's proposal)


class kickstart_service_opportunities_in_force(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "Kickstart funds service opportunities"
    reference = [
        *REPORT,
        "Assumption: the report's proposals are in force in the model from its publication, 2020-09-24",
        "/assumptions#proposals-in-force-from-publication",
    ]

    def formula(organisation, period, parameters):
        return organisation.filled_array(parameters(period).kickstart.service_opportunities.in_force)


class kickstart_service_opportunity_host(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "Is a kind of body that may host a service opportunity"
    reference = [*REPORT, *SERVICE_OPPORTUNITIES]

    def formula_2020_09_24(organisation, period, parameters):
        p = parameters(period).kickstart.service_opportunities
        kind = organisation("organisation_type", period)
        if_not_for_profit = by_kind(p.host_kind_if_not_for_profit, kind) & organisation("is_not_for_profit", period)
        return by_kind(p.host_kind, kind) | if_not_for_profit


class kickstart_service_opportunity(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "The role is a service opportunity: a social or environmental role with a community body, funded through Kickstart"
    reference = [*REPORT, *SERVICE_OPPORTUNITIES]

    def formula_2020_09_24(organisation, period, parameters):
        return (
            organisation("kickstart_service_opportunities_in_force", period)
            & organisation("kickstart_service_opportunity_host", period)
            & organisation("kickstart_role_social_or_environmental", period)
        )
