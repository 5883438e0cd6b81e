"""The full moratorium on a listed asset's sale lasts 12 months, the figure of the English Devolution and
Community Empowerment Bill (2025, not law).

The law's six months: Localism Act 2011 s.95(6); see /assumptions#assets-of-community-value-the-moratorium.
"""

from kruger_rules.reforms import NamedReform


class AcvMoratorium12Months(NamedReform):
    name = "acv_moratorium_12_months"
    description = """
        The full moratorium on the disposal of an asset of community value lasts 12 months instead of
        6 from the owner's notice, for notices read from 2020-09-24 (so from 2021), as the English
        Devolution and Community Empowerment Bill (2025) proposes; the interim moratorium (six weeks)
        and the protected period (18 months) are unchanged, and so is a right of first refusal, which
        lasts until the full moratorium ends.
    """
    changes = {"acv.moratorium.full_months": {"2020-09-24": 12}}
