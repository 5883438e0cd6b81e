"""Mutual aid groups as a new kind of relevant body for the Right to Serve.

Without this reform a mutual aid group is not a relevant body, under the law or under the proposal
(see /assumptions#right-to-serve-mutual-aid-groups).

A structural reform: it adds a route to `right_to_serve_relevant_body`, keeping every route of
the system it reforms.
"""

from openfisca_core.periods import YEAR
from openfisca_core.variables import Variable

from kruger_rules.entities import Organisation
from kruger_rules.reforms import NamedReform


class RightToServeMutualAidGroups(NamedReform):
    name = "right_to_serve_mutual_aid_groups"
    description = """
        Mutual aid groups become a new kind of relevant body, which may make a Right to Serve claim
        by their kind alone, from 2020-09-24 (so from 2021), as the report's praise of the mutual aid
        groups of 2020 suggests. Every other relevant body stays one.
    """
    structure = """
        Adds the variable right_to_serve_relevant_as_mutual_aid_group (the organisation is a
        mutual aid group) and makes it a route of right_to_serve_relevant_body from 2020-09-24.
    """

    def restructure(self) -> None:
        kinds = self.get_variable("organisation_type").possible_values
        relevant_before = self.get_variable("right_to_serve_relevant_body")

        class right_to_serve_relevant_as_mutual_aid_group(Variable):
            value_type = bool
            entity = Organisation
            definition_period = YEAR
            label = "May claim the Right to Serve as a mutual aid group"
            reference = [
                "Reform right_to_serve_mutual_aid_groups: mutual aid groups become relevant bodies from 2020-09-24",
                "Assumption: a mutual aid group is a relevant body only under this reform",
                "/assumptions#right-to-serve-mutual-aid-groups",
                "Levelling Up Our Communities: proposals for a new social covenant (Danny Kruger MP, 2020-09-24)",
                "https://www.gov.uk/government/publications/levelling-up-our-communities-proposals-for-a-new-social-covenant",
            ]

            def formula_2020_09_24(organisation, period, parameters):
                return organisation("organisation_type", period) == kinds.mutual_aid_group

        class right_to_serve_relevant_body(Variable):
            def formula_2020_09_24(organisation, period, parameters):
                """Every route of the reformed system, and the mutual aid group's."""
                routes = relevant_before.get_formula(period)(organisation, period, parameters)
                return routes | organisation("right_to_serve_relevant_as_mutual_aid_group", period)

        self.add_variable(right_to_serve_relevant_as_mutual_aid_group)
        self.update_variable(right_to_serve_relevant_body)
