"""Facts about a place, a ward-sized neighbourhood (/assumptions#places-and-their-facts)."""

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
    reference = [
        "English Indices of Deprivation 2019: Index of Multiple Deprivation deciles",
        "https://www.gov.uk/government/statistics/english-indices-of-deprivation-2019",
        "Assumption: a decile not given counts as 10",
        "/assumptions#left-behind-places-unknown-deciles-count-as-10",
    ]


class cni_decile(Variable):
    value_type = int
    default_value = 10
    entity = Place
    definition_period = YEAR
    label = "Community Needs Index decile (1 = the tenth most in need)"
    reference = [
        "Local Trust and OCSI (2019), Community Needs Index",
        "https://ocsi.uk/left-behind-areas/",
        "Assumption: a decile not given counts as 10",
        "/assumptions#left-behind-places-unknown-deciles-count-as-10",
    ]


class population(Variable):
    value_type = int
    entity = Place
    definition_period = YEAR
    label = "Resident population"
    unit = "person"
    reference = [
        "Assumption: a place is a ward-sized neighbourhood; its resident population decides the LUC Fund's neighbourhood band and award",
        "/assumptions#places-and-their-facts",
    ]


class region(Variable):
    value_type = Enum
    possible_values = Region
    default_value = Region.unknown
    entity = Place
    definition_period = YEAR
    label = "Region"
    reference = [
        "Assumption: the region describes a place and decides no rule",
        "/assumptions#places-and-their-facts",
    ]
