"""Left-behind places: the worst tenth on both deprivation and community need (Local Trust and OCSI, 2019).

See /assumptions#left-behind-places-the-worst-tenth-on-both-indices.
"""

from openfisca_core.periods import YEAR
from openfisca_core.variables import Variable

from kruger_rules.entities import Organisation, Place


class place_is_left_behind(Variable):
    value_type = bool
    entity = Place
    definition_period = YEAR
    label = "The place is left behind"
    reference = [
        "Assumption based on Local Trust and OCSI (2019): a left-behind place is in the worst 10 % "
        "on both the IMD 2019 and the Community Needs Index",
        "/assumptions#left-behind-places-the-worst-tenth-on-both-indices",
        "Local Trust and OCSI (2019), Left behind? Understanding communities on the edge",
        "https://ocsi.uk/left-behind-areas/",
        "English Indices of Deprivation 2019",
        "https://www.gov.uk/government/statistics/english-indices-of-deprivation-2019",
    ]

    def formula(place, period, parameters):
        p = parameters(period).left_behind
        deprived = place("imd_decile", period) <= p.imd_max_decile
        in_need = place("cni_decile", period) <= p.cni_max_decile
        return deprived & in_need


class organisation_in_left_behind_place(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "The organisation is based in a left-behind place"
    reference = [
        "Assumption: an organisation takes the facts of the place it is declared in",
        "/assumptions#places-and-their-facts",
    ]

    def formula(organisation, period, parameters):
        return organisation.place("place_is_left_behind", period)
