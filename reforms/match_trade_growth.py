"""MatchTrade on the Match Trading model: it matches growth in trading income.

The two bases: /assumptions#matchtrade-trading-income-or-its-growth.
"""

from kruger_rules.reforms import NamedReform


class MatchTradeGrowth(NamedReform):
    name = "match_trade_growth"
    description = """
        MatchTrade matches the growth of a social enterprise's trading income over the previous
        year, as the School for Social Entrepreneurs' Match Trading does, instead of the year's
        trading income, from 2020-09-24 (so from 2021). A previous year with no trading income given
        counts as 0; a fall in trading income gives no grant.
    """
    changes = {"match_trade.basis_is_growth": {"2020-09-24": True}}
