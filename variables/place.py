"""Facts about a place (a ward-sized neighbourhood), SPEC §1 and §10."""

from openfisca_core.indexed_enums import Enum
from openfisca_core.periods import YEAR
from openfisca_core.variables import Variable

from kruger_rules.entities import Place


class Region(Enum):
    unknown = "Unknown"
    north_east = "North East"
    north_west = "North West"
    yorkshire_and_the_humber = "Yorkshire and the Humber"
    east_midlands = "East Midlands"
    west_midlands = "West Midlands"
    east_of_england = "East of England"
    london = "London"
    south_east = "South East"
    south_west = "South West"
    wales = "Wales"
    scotland = "Scotland"
    northern_ireland = "Northern Ireland"


class imd_decile(Variable):
    value_type = int
    default_value = 10
    entity = Place
    definition_period = YEAR
    label = "Index of Multiple Deprivation decile (1 = the most deprived tenth)"
    reference = "English Indices of Deprivation 2019; SPEC §1, §5 (unknown counts as 10)"


class cni_decile(Variable):
    value_type = int
    default_value = 10
    entity = Place
    definition_period = YEAR
    label = "Community Needs Index decile (1 = the tenth most in need)"
    reference = "OCSI for Local Trust, Community Needs Index 2019; SPEC §1, §5 (unknown counts as 10)"


class population(Variable):
    value_type = int
    entity = Place
    definition_period = YEAR
    label = "Resident population"
    unit = "person"
    reference = "SPEC §1, §5"


class region(Variable):
    value_type = Enum
    possible_values = Region
    default_value = Region.unknown
    entity = Place
    definition_period = YEAR
    label = "Region"
    reference = "SPEC §10"
