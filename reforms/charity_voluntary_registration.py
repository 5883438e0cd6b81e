"""Small charities may be registered on request: the right of Charities Act 2011 s.30(3)(b) brought into force.

Without this reform a charity whose gross income is £5,000 or less has no right to be registered
(see /assumptions#charity-registration-registering-on-request).
"""

from kruger_rules.reforms import NamedReform


class CharityVoluntaryRegistration(NamedReform):
    name = "charity_voluntary_registration"
    description = """
        A charity whose gross income is £5,000 or less, which need not register, must be registered
        with the Charity Commission if it asks, from 2020-09-24 (so from 2021): the right to register on
        request that the Charities Act 2011 s.30(3)(b) gives small charities, treated as not in force in
        the law as it stands, is brought into force, as the report's call to make the benefits of charity
        status easier to reach, particularly for mutual aid groups, suggests.
    """
    changes = {"charity_registration.small_charity_right": {"2020-09-24": True}}
