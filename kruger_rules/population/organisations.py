"""The facts of synthetic organisations, type by type: size and weight, finances, age, governance, requests and claims.

Every function takes the rows' types (an index into ``TYPES``) and a random generator and returns whole
columns; the joint shape comes from the order of the draws: income band by type, trading share by type,
trading-led from the two, age by type and trading-led. Each share and range is in ``targets.py`` with its
source or its reason.
"""

from __future__ import annotations

import numpy as np

from kruger_rules.population import targets as t
from kruger_rules.population.sampling import flags, largest_remainder, log_uniform, quota, stratified_uniform, truncated_pareto

TYPES = tuple(t.TYPE_COUNTS)
"""The generated types, in the model's order (``unknown`` is never generated)."""

TYPE_CODES = np.array([t.ORGANISATION_TYPES.index(kind) for kind in TYPES])
"""Each generated type's code in the model's enumeration."""


def by_type(values: dict, default=0.0) -> np.ndarray:
    """A per-type table as an array indexed like ``TYPES``."""
    return np.array([values.get(kind, default) for kind in TYPES], dtype=float)


def in_types(kind: np.ndarray, names: tuple[str, ...]) -> np.ndarray:
    return np.isin(kind, [TYPES.index(name) for name in names])


def rows_per_type(organisations: int) -> np.ndarray:
    """Rows of each type: its share of England's organisations, at least one each."""
    if organisations < len(TYPES):
        raise ValueError(f"a population needs at least {len(TYPES)} organisations, one of each type")
    counts = by_type({kind: count.value for kind, count in t.TYPE_COUNTS.items()})
    rows = largest_remainder(np.array([organisations]), counts[None, :])[0]
    lacking = rows == 0
    while lacking.any():
        rows[np.argmax(rows)] -= 1
        rows[np.flatnonzero(lacking)[0]] = 1
        lacking = rows == 0
    return rows


def weights_of(kind: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Each row's weight: its type's count in England over its type's rows, so weights sum to England's total."""
    counts = by_type({name: count.value for name, count in t.TYPE_COUNTS.items()})
    return (counts / rows)[kind]


def income(kind: np.ndarray, weight: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Total income: a band by the type's shares; log-uniform within a band; a Pareto tail over £5m."""
    shares = np.array([t.INCOME_BAND_SHARES[name].value for name in TYPES])
    band = quota(kind, shares, rng)
    draws = stratified_uniform(kind * len(t.INCOME_BANDS) + band, rng)
    edges = np.array(t.INCOME_BAND_EDGES)
    median, top = t.MEDIAN_MICRO_CHARITY_INCOME.value, len(t.INCOME_BANDS) - 1
    low = np.where(band == 0, median**2 / edges[1], edges[band])
    below = band < top
    values = np.empty(len(kind))
    values[below] = log_uniform(draws[below], low[below], edges[band[below] + 1])
    values[~below] = truncated_pareto(draws[~below], edges[top], t.LARGEST_INCOME.value, tail_shape(kind, band, weight, values, draws))
    return np.round(values)


def tail_shape(kind: np.ndarray, band: np.ndarray, weight: np.ndarray, values: np.ndarray, draws: np.ndarray) -> float:
    """The Pareto shape at which charities over £5m hold their published share of charity income (by bisection)."""
    charity = in_types(kind, t.CHARITY_TYPES)
    top = band == len(t.INCOME_BANDS) - 1
    below_total = np.sum(weight[charity & ~top] * values[charity & ~top])
    tail_draws, tail_weight = draws[charity & top], weight[charity & top]
    if not len(tail_draws) or below_total <= 0:
        return 1.2
    share = t.CHARITY_INCOME_SHARE_OVER_5M.value
    wanted = share / (1 - share) * below_total
    low, high = 0.05, 20.0
    for _ in range(80):
        shape = (low + high) / 2
        tail = np.sum(tail_weight * truncated_pareto(tail_draws, t.INCOME_BAND_EDGES[-2], t.LARGEST_INCOME.value, shape))
        low, high = (shape, high) if tail > wanted else (low, shape)
    return (low + high) / 2


def trading(kind: np.ndarray, total: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Trading income: a trading share drawn in its type's band, uniform within the band; none for some types.

    Rounded to whole pounds away from the band's lower edge at one half, so that a body drawn at half or more
    from trading stays there.
    """
    shares = np.array([t.TRADING_BAND_SHARES[name].value for name in TYPES])
    band = quota(kind, shares, rng)
    edges = np.array(t.TRADING_BAND_EDGES)
    share = edges[band] + stratified_uniform(kind * (len(edges) - 1) + band, rng) * (edges[band + 1] - edges[band])
    share = np.where(in_types(kind, t.NO_TRADING_TYPES.value), 0.0, share)
    exact = total * share
    return np.minimum(np.where(share >= t.TRADING_LED_MIN_SHARE.value, np.ceil(exact), np.floor(exact)), total)


def is_trading_led(kind: np.ndarray, total: np.ndarray, trading_income: np.ndarray) -> np.ndarray:
    """At least half of income from trading, for the types counted as trading-led."""
    earns = trading_income >= t.TRADING_LED_MIN_SHARE.value * np.maximum(total, 1)
    return earns & (total > 0) & in_types(kind, t.TRADING_LED_TYPES)


def months_since_established(kind: np.ndarray, trading_led: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Age in months at the start of the year: young, middle or old by type (and trading-led), uniform within."""
    young, old = by_type({n: s.value[0] for n, s in t.AGE_SHARES.items()}), by_type({n: s.value[1] for n, s in t.AGE_SHARES.items()})
    oldest = by_type({**{n: t.CENTURY_MONTHS for n in TYPES}, **t.OLDEST.value, **t.LEGAL_MAXIMUM_AGE.value})
    young_row = np.where(trading_led, t.TRADING_LED_AGE.value[0], young[kind])
    old_row = np.where(trading_led, t.TRADING_LED_AGE.value[1], old[kind])
    old_row = np.where(oldest[kind] <= t.OLD_MONTHS, 0.0, old_row)
    group = kind * 2 + trading_led
    shares = np.zeros((len(TYPES) * 2, 3))
    shares[group] = np.column_stack([young_row, 1 - young_row - old_row, old_row])
    shares[shares.sum(axis=1) == 0, 0] = 1
    band = quota(group, shares, rng)
    starts = np.array([0, t.YOUNG_MONTHS, t.OLD_MONTHS])[band]
    ends = np.where(band == 2, oldest[kind], np.minimum(np.array([t.YOUNG_MONTHS, t.OLD_MONTHS, 0])[band], oldest[kind]))
    months = np.floor(starts + stratified_uniform(group * 3 + band, rng) * (ends - starts))
    first_year, first_month, last_year, last_month = t.MUTUAL_AID_FORMED.value
    since = (t.REFERENCE_YEAR - np.array([last_year, first_year])) * 12 + 1 - np.array([last_month, first_month])
    mutual_aid = kind == TYPES.index("mutual_aid_group")
    months[mutual_aid] = rng.integers(since[0], since[1] + 1, size=mutual_aid.sum())
    return months.astype(np.int32)


def months_trading(months: np.ndarray, trading_income: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Months since trading began: a share of the body's age when it trades, else 0."""
    low, high = t.MONTHS_TRADING.value
    return np.where(trading_income > 0, np.floor(months * rng.uniform(low, high, len(months))), 0).astype(np.int32)


def governance(kind: np.ndarray, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Purpose, independence, asset lock, profit motive, members, board, residents, bank and accounts."""
    columns = {
        name: flags(kind, by_type(table.value), rng)
        for name, table in (
            ("has_social_purpose", t.HAS_SOCIAL_PURPOSE),
            ("is_independent", t.IS_INDEPENDENT),
            ("has_asset_lock", t.HAS_ASSET_LOCK),
            ("is_not_for_profit", t.IS_NOT_FOR_PROFIT),
        )
    }
    low, high = (by_type({n: r[i] for n, r in t.PROFIT_SHARE_TO_PURPOSE.value.items()}) for i in (0, 1))
    columns["profit_share_to_purpose"] = low[kind] + stratified_uniform(kind, rng) * (high - low)[kind]
    median = by_type(t.MEMBERS.value)[kind]
    drawn = np.maximum(1, np.round(median * rng.lognormal(0.0, 1.0, len(kind))))
    drawn = np.where(kind == TYPES.index("employee_group"), np.maximum(drawn, 2), drawn)
    columns["member_count"] = np.where(median > 0, drawn, 0).astype(np.int32)
    minimum, mean = (by_type({n: b[i] for n, b in t.BOARD.value.items()}) for i in (0, 1))
    columns["unconnected_board_members"] = (minimum[kind] + rng.poisson(mean[kind])).astype(np.int32)
    local = flags(kind, by_type(t.LOCAL_BOARD.value), rng)
    (local_low, local_high), (other_low, other_high) = t.RESIDENT_SHARE.value
    draw = rng.random(len(kind))
    columns["governing_body_resident_share"] = np.where(
        local, local_low + draw * (local_high - local_low), other_low + draw * (other_high - other_low)
    )
    columns["has_bank_account"] = flags(kind, by_type(t.HAS_BANK_ACCOUNT.value), rng)
    columns["has_annual_accounts"] = flags(kind, by_type(t.HAS_ANNUAL_ACCOUNTS.value), rng)
    return columns


def grant_requests(kind: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The community grant a civil society body asks for in the year (most ask for none)."""
    asking = flags(kind, by_type({name: t.REQUESTS_PER_YEAR.value for name in t.CIVIL_SOCIETY_TYPES}), rng)
    low, high = t.REQUEST_RANGE.value
    return np.where(asking, np.round(rng.uniform(low, high, len(kind))), 0.0)


CLAIM_SERVICE_VALUES = ("not_specified", *t.CLAIM_SERVICES)
"""The model's ``claim_service`` values in its order (``not_specified`` for a body that makes no claim)."""
NO_CLAIM_AUTHORITY = t.CLAIM_AUTHORITIES.index("other_public_body")


def claims(kind: np.ndarray, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """A claim to run a public service for a few bodies: its service, authority, date and the rejection-ground facts."""
    claiming = flags(kind, by_type(t.CLAIMS_PER_YEAR.value), rng)
    one_group = np.zeros(int(claiming.sum()), dtype=np.int64)
    service = np.zeros(len(kind), dtype=np.int64)
    service[claiming] = 1 + quota(one_group, np.array([t.CLAIM_SERVICE_SHARES.value]), rng)
    authority = np.full(len(kind), NO_CLAIM_AUTHORITY)
    authority[claiming] = quota(one_group, np.array([t.CLAIM_AUTHORITY_SHARES.value]), rng)
    start = np.datetime64(f"{t.REFERENCE_YEAR}-01-01")
    days = (np.datetime64(f"{t.REFERENCE_YEAR + 1}-01-01") - start).astype(int)
    dates = np.full(len(kind), np.datetime64("1970-01-01"), dtype="datetime64[D]")
    dates[claiming] = start + rng.integers(0, days, size=claiming.sum()).astype("timedelta64[D]")
    columns: dict[str, np.ndarray] = {"claim_service": service, "claim_authority_type": authority, "claim_submission_date": dates}
    for name, probability in t.REJECTION_FACTS.value.items():
        fact = np.zeros(len(kind), dtype=bool)
        fact[claiming] = flags(one_group, np.array([probability]), rng)
        columns[name] = fact
    return columns
