"""Levelling Up Communities (LUC) Fund: the report's endowment for left-behind places.

A place is funded when it is left behind and has a neighbourhood's population; an organisation
may apply for its place's award when it is community-led, asset locked and of an allowed legal
form. A place's award is the total over the award horizon (10 years), not a yearly sum.
"""

from numpy import clip, float32, where
from openfisca_core.periods import YEAR
from openfisca_core.variables import Variable

from kruger_rules.entities import Organisation, Place
from kruger_rules.lookups import by_kind


class governing_body_resident_share(Variable):
    value_type = float
    entity = Organisation
    definition_period = YEAR
    label = "Share of the governing body living in the organisation's place"
    unit = "/1"
    reference = [
        "Assumption: community-led means at least half of the governing body live in the place",
        "/assumptions#luc-fund-community-led-applicants",
    ]


class luc_fund_in_force(Variable):
    value_type = bool
    entity = Place
    definition_period = YEAR
    label = "The Levelling Up Communities Fund is in force"
    reference = [
        "Levelling Up Our Communities: proposals for a new social covenant (Danny Kruger MP, "
        "2020-09-24), £2bn Levelling Up Communities Fund",
        "https://www.gov.uk/government/publications/levelling-up-our-communities-proposals-for-a-new-social-covenant",
        "Assumption: the report's proposals are in force in the model from its publication, 2020-09-24",
        "/assumptions#proposals-in-force-from-publication",
    ]

    def formula(place, period, parameters):
        return place.filled_array(parameters(period).luc_fund.in_force)


class luc_fund_population_in_range(Variable):
    value_type = bool
    entity = Place
    definition_period = YEAR
    label = "The place has a neighbourhood's population for the LUC Fund (both ends included)"
    reference = [
        "Assumption based on the Community Wealth Fund (2025), neighbourhoods of 5,000 to 15,000 residents",
        "/assumptions#luc-fund-neighbourhoods-of-5000-to-15000-residents",
        "Community Wealth Fund: government response (2025)",
        "https://www.gov.uk/government/consultations/technical-consultation-on-a-community-wealth-fund-in-england/outcome/government-response-to-the-technical-consultation-on-the-design-of-a-community-wealth-fund-in-england",
    ]

    def formula_2020_09_24(place, period, parameters):
        p = parameters(period).luc_fund
        population = place("population", period)
        return (population >= p.population_min) & (population <= p.population_max)


class luc_fund_place_eligible(Variable):
    value_type = bool
    entity = Place
    definition_period = YEAR
    label = "The place is eligible for a Levelling Up Communities Fund award"
    reference = [
        "Levelling Up Our Communities: proposals for a new social covenant (Danny Kruger MP, "
        "2020-09-24): community-led transformation in left-behind areas",
        "https://www.gov.uk/government/publications/levelling-up-our-communities-proposals-for-a-new-social-covenant",
        "Assumption: a left-behind place of 5,000 to 15,000 residents",
        "/assumptions#left-behind-places-and-the-levelling-up-communities-fund",
    ]

    def formula_2020_09_24(place, period, parameters):
        return place("luc_fund_in_force", period) & place("place_is_left_behind", period) & place("luc_fund_population_in_range", period)


class luc_fund_place_award(Variable):
    value_type = float
    entity = Place
    definition_period = YEAR
    label = "Levelling Up Communities Fund award to the place, in total over the award horizon (10 years)"
    unit = "currency-GBP"
    reference = [
        "Assumption based on the Community Wealth Fund (2025): £170 per resident, within £1m to £2.5m per neighbourhood, over 10 years",
        "/assumptions#luc-fund-award-per-resident",
        "Community Wealth Fund: government response (2025), £1m to £2.5m per neighbourhood over about 10 years",
        "https://www.gov.uk/government/consultations/technical-consultation-on-a-community-wealth-fund-in-england/outcome/government-response-to-the-technical-consultation-on-the-design-of-a-community-wealth-fund-in-england",
    ]

    def formula_2020_09_24(place, period, parameters):
        """Population times the award per resident, kept within the smallest and largest award.

        The award is the whole sum a place is granted for the horizon, as the Community Wealth
        Fund states its range; `luc_fund_place_yearly_award` spreads it over the horizon.
        """
        p = parameters(period).luc_fund
        per_resident = place("population", period).astype(float) * p.award_per_resident
        award = clip(per_resident, p.award_min, p.award_max)
        return where(place("luc_fund_place_eligible", period), award, 0)


class luc_fund_place_yearly_award(Variable):
    value_type = float
    entity = Place
    definition_period = YEAR
    label = "Levelling Up Communities Fund award to the place, a year (the award spread evenly over the horizon)"
    unit = "currency-GBP"
    reference = [
        "Assumption: a place's award spread evenly over the 10-year horizon",
        "/assumptions#luc-fund-ten-year-award-horizon",
    ]

    def formula_2020_09_24(place, period, parameters):
        """An even spread over the horizon: the Fund's yearly draw, to compare with the money available a year."""
        return place("luc_fund_place_award", period) / parameters(period).luc_fund.award_horizon_years


class luc_fund_money_available_a_year(Variable):
    value_type = float
    entity = Place
    definition_period = YEAR
    label = "Money the Levelling Up Communities Fund has to spend in a year, nationally (the same in every place: read once, never sum)"
    unit = "currency-GBP"
    reference = [
        "Levelling Up Our Communities: proposals for a new social covenant (Danny Kruger MP, 2020-09-24), £2bn endowment",
        "https://www.gov.uk/government/publications/levelling-up-our-communities-proposals-for-a-new-social-covenant",
        "Assumption: a yearly drawdown of 4 % of the endowment",
        "/assumptions#luc-fund-yearly-drawdown-of-the-endowment",
    ]

    def formula_2020_09_24(place, period, parameters):
        """The endowment times the drawdown rate, for population runs to set against the awards' yearly draw.

        The rules have no national entity, so the figure is given on every place; 0 when the Fund
        is not in force.
        """
        p = parameters(period).luc_fund
        return where(place("luc_fund_in_force", period), p.endowment * p.drawdown_rate, 0)


class luc_fund_applicant_in_eligible_place(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "The organisation is based in a place eligible for the LUC Fund"
    reference = [
        "Assumption: an organisation applies for the award of its own place",
        "/assumptions#left-behind-places-and-the-levelling-up-communities-fund",
    ]

    def formula(organisation, period, parameters):
        return organisation.place("luc_fund_place_eligible", period)


class luc_fund_community_led(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "Community-led: enough of its governing body live in its place"
    reference = [
        "Assumption: community-led means at least half of the governing body live in the place",
        "/assumptions#luc-fund-community-led-applicants",
    ]

    def formula_2020_09_24(organisation, period, parameters):
        minimum = float32(parameters(period).luc_fund.min_governing_body_resident_share)
        return organisation("governing_body_resident_share", period) >= minimum


class luc_fund_legal_form_allowed(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "Has a legal form that may apply to the LUC Fund"
    reference = [
        "Assumption: a charity, CIC, community benefit society or parish council, or a company limited by guarantee that is not for profit",
        "/assumptions#luc-fund-legal-forms-that-may-apply",
        "Localism Act 2011 s.81(7): a voluntary body is a body, other than a public or local "
        "authority, whose activities are not carried on for profit",
        "https://www.legislation.gov.uk/ukpga/2011/20/section/81",
    ]

    def formula_2020_09_24(organisation, period, parameters):
        p = parameters(period).luc_fund
        kind = organisation("organisation_type", period)
        if_not_for_profit = by_kind(p.legal_form_allowed_if_not_for_profit, kind) & organisation("is_not_for_profit", period)
        return by_kind(p.legal_form_allowed, kind) | if_not_for_profit


class luc_fund_applicant_eligible(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "May apply to the Levelling Up Communities Fund for its place's award"
    reference = [
        "Levelling Up Our Communities: proposals for a new social covenant (Danny Kruger MP, "
        "2020-09-24): community-led, community-owned transformation",
        "https://www.gov.uk/government/publications/levelling-up-our-communities-proposals-for-a-new-social-covenant",
        "Assumption: an applicant in an eligible place, community-led, asset locked and of an allowed legal form",
        "/assumptions#left-behind-places-and-the-levelling-up-communities-fund",
    ]

    def formula_2020_09_24(organisation, period, parameters):
        """In force only through the place: a place is never eligible while the Fund is not in force."""
        return (
            organisation("luc_fund_applicant_in_eligible_place", period)
            & organisation("luc_fund_community_led", period)
            & organisation("is_asset_locked", period)
            & organisation("luc_fund_legal_form_allowed", period)
        )
