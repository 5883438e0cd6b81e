"""Neighbour Day: the yearly bank holiday the report proposes to celebrate communities and volunteering.

The report gives it no date. The model sets it on the first Monday of June (/assumptions#neighbour-day): a
month, an ISO weekday and an occurrence in the month, each a dated parameter, so a reform may move it (an
occurrence of -1 is the month's last such weekday, as for the late May bank holiday). It is a proposal, in
force from 2020-09-24 and so first read for 2021, and the same day for every place and region.
"""

import datetime

from numpy import where
from openfisca_core.periods import YEAR
from openfisca_core.variables import Variable

from kruger_rules.dates import NO_DATE, NOT_A_DATE, weekday_of_month
from kruger_rules.entities import Place

REPORT = [
    "Levelling Up Our Communities: proposals for a new social covenant (Danny Kruger MP, 2020-09-24), a yearly Neighbour Day",
    "https://www.gov.uk/government/publications/levelling-up-our-communities-proposals-for-a-new-social-covenant",
]


class neighbour_day_in_force(Variable):
    value_type = bool
    entity = Place
    definition_period = YEAR
    label = "Neighbour Day is a bank holiday"
    reference = [
        *REPORT,
        "Assumption: the report's proposals are in force in the model from its publication, 2020-09-24",
        "/assumptions#proposals-in-force-from-publication",
    ]

    def formula(place, period, parameters):
        return place.filled_array(parameters(period).neighbour_day.in_force)


class neighbour_day_date(Variable):
    value_type = datetime.date
    default_value = NO_DATE
    entity = Place
    definition_period = YEAR
    label = "Date of Neighbour Day in the year"
    reference = [
        *REPORT,
        "Assumption based on the Big Lunch, on the first weekend of June: Neighbour Day is the first Monday of June",
        "/assumptions#neighbour-day-the-first-monday-of-june",
        "Assumption: a date that does not apply is no date (1970-01-01)",
        "/assumptions#dates-and-no-date",
    ]

    def formula_2020_09_24(place, period, parameters):
        """The neighbour_day.occurrence-th neighbour_day.weekday of neighbour_day.month in the year, the same for
        every place; no date in a year it is not in force."""
        p = parameters(period).neighbour_day
        day = weekday_of_month(place.filled_array(period.start.year), p.month, p.weekday, p.occurrence)
        return where(place("neighbour_day_in_force", period), day, NOT_A_DATE)
