"""Left-behind places: the worst tenth on both deprivation and community need (SPEC §5)."""

from openfisca_core.periods import YEAR
from openfisca_core.variables import Variable

from kruger_rules.entities import Organisation, Place


class place_is_left_behind(Variable):
    value_type = bool
    entity = Place
    definition_period = YEAR
    label = "The place is left behind"
    reference = "Local Trust and OCSI (2019): worst 10 % on both IMD 2019 and the Community Needs Index; SPEC §5"

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
    reference = "SPEC §4, §5"

    def formula(organisation, period, parameters):
        return organisation.place("place_is_left_behind", period)
