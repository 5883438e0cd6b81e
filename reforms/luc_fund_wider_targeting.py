"""The LUC Fund targeted at the worst fifth of places rather than the worst tenth.

The definition it widens: /assumptions#left-behind-places-the-worst-tenth-on-both-indices.
"""

from kruger_rules.reforms import NamedReform


class LucFundWiderTargeting(NamedReform):
    name = "luc_fund_wider_targeting"
    description = """
        The Levelling Up Communities Fund reaches places in the two most deprived deciles on both the
        Index of Multiple Deprivation and the Community Needs Index (deciles of 2 or less) instead of
        the most deprived decile, from 2020-09-24 (so from 2021). The Fund targets left-behind places,
        so the reform widens the definition of a left-behind place itself: MatchTrade,
        which from 2022-02-02 requires a left-behind place, reaches the same wider set of places.
    """
    changes = {
        "left_behind.imd_max_decile": {"2020-09-24": 2},
        "left_behind.cni_max_decile": {"2020-09-24": 2},
    }
