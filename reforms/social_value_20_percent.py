"""Social value weighted at 20 % at least wherever the minimum is 10 %."""

from kruger_rules.reforms import NamedReform


class SocialValue20Percent(NamedReform):
    name = "social_value_20_percent"
    description = """
        Every minimum social value weighting of 10 % becomes 20 %: the proposal's minimum for every
        public commissioner from 2020-09-24, and the Social Value Model minimum of central government departments
        (PPN 06/20, kept by PPN 002) from 2021-01-01, the date that minimum starts. A neighbourhood's
        Social Value Plan can still raise a contract's minimum above 20 %.
    """
    changes = {
        "social_value.proposal.min_weighting": {"2020-09-24": 0.2},
        "social_value.model.min_weighting": {"2021-01-01": 0.2},
    }
