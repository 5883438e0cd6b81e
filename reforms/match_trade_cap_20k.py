"""MatchTrade with a £20,000 cap, the highest cap in use in Match Trading schemes.

The baseline cap: /assumptions#matchtrade-yearly-cap.
"""

from kruger_rules.reforms import NamedReform


class MatchTradeCap20k(NamedReform):
    name = "match_trade_cap_20k"
    description = """
        MatchTrade's yearly cap raised from £10,000 to £20,000 from 2020-09-24 (so from 2021), the
        highest of the caps (£4k, £7k, £10k, £20k) used by Match Trading schemes.
    """
    changes = {"match_trade.cap": {"2020-09-24": 20000}}
