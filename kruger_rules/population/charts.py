"""The impact tables as charts: Altair specifications, rendered to PNG and SVG by vl-convert (no browser).

Each chart is drawn from a table of ``run_impact`` alone, so the API can draw the same charts from a job's
tables. Titles are fixed sentences (tests look for them in the SVG). Amounts are shown in millions of pounds.
"""

from __future__ import annotations

from typing import NamedTuple

import altair as alt
import pandas as pd
import vl_convert

from kruger_rules.population.measures import BUCKETS, OVERALL

TITLES = {
    "cost_against_budget": "Cost against budget, baseline and reform",
    "gainers_and_losers": "Gainers and losers, by scheme",
    "eligibility_by_region": "Organisations newly and no longer eligible, by region",
    "amounts_by_imd_decile": "Change in amounts received, by IMD decile",
}
"""Each chart's file name and title."""
BUCKET_LABELS = {
    "lose_over_5pct": "lose > 5 %",
    "lose_up_to_5pct": "lose ≤ 5 %",
    "no_change": "no change",
    "gain_up_to_5pct": "gain ≤ 5 %",
    "gain_over_5pct": "gain > 5 %",
}
NEWLY, NO_LONGER = "newly eligible", "no longer eligible"
BLUE, RED = "#2166ac", "#b2182b"
MILLIONS = 1e6
WIDTH = 560
PNG_SCALE = 2


class Rendered(NamedTuple):
    png: bytes
    svg: str


def charts(tables: dict[str, pd.DataFrame]) -> dict[str, alt.Chart | alt.LayerChart]:
    """Every chart, by file name."""
    return {
        "cost_against_budget": cost_against_budget(tables["cost"]),
        "gainers_and_losers": gainers_and_losers(tables["reach"]),
        "eligibility_by_region": eligibility_by_region(tables["reach_by_region"]),
        "amounts_by_imd_decile": amounts_by_imd_decile(tables["reach_by_imd_decile"]),
    }


def render(chart: alt.TopLevelMixin) -> Rendered:
    """A chart as PNG bytes and SVG text, drawn by vl-convert from its Vega-Lite specification."""
    spec = chart.to_dict()
    return Rendered(vl_convert.vegalite_to_png(spec, scale=PNG_SCALE), vl_convert.vegalite_to_svg(spec))


def cost_against_budget(cost: pd.DataFrame) -> alt.LayerChart:
    """Each scheme's cost under the baseline and the reform, side by side, with its budget as a tick."""
    schemes = cost[cost["scheme"] != "total"]
    data = pd.DataFrame(
        [
            {
                "scheme": row.label,
                "system": system,
                "cost": getattr(row, f"{system}_cost") / MILLIONS,
                "budget": getattr(row, f"{system}_budget") / MILLIONS,
            }
            for row in schemes.itertuples()
            for system in ("baseline", "reform")
        ],
        columns=["scheme", "system", "cost", "budget"],
    )
    base = alt.Chart(data).encode(
        x=alt.X("scheme:N", title=None, axis=alt.Axis(labelAngle=0, labelLimit=180)),
        xOffset=alt.XOffset("system:N", sort=["baseline", "reform"]),
    )
    bars = base.mark_bar().encode(
        y=alt.Y("cost:Q", title="£ million a year"),
        color=alt.Color("system:N", title=None, sort=["baseline", "reform"]),
        tooltip=["scheme", "system", alt.Tooltip("cost:Q", format=",.1f"), alt.Tooltip("budget:Q", format=",.1f")],
    )
    ticks = base.mark_tick(color="black", thickness=2, size=28).encode(y="budget:Q")
    return alt.layer(bars, ticks).properties(title=alt.Title(TITLES["cost_against_budget"], subtitle="black tick: budget"), width=WIDTH)


def gainers_and_losers(reach: pd.DataFrame) -> alt.Chart:
    """For each scheme that pays, how many gain or lose how much (those with no change left out)."""
    paying = reach[reach["amount_baseline"].notna()]
    rows = []
    for row in paying.itertuples():
        name = f"{row.label} ({row.entity})"
        changed = (bucket for bucket in BUCKETS if bucket != "no_change")
        rows += [{"scheme": name, "change": BUCKET_LABELS[bucket], "count": getattr(row, bucket)} for bucket in changed]
    data = pd.DataFrame(rows, columns=["scheme", "change", "count"])
    order = [BUCKET_LABELS[bucket] for bucket in BUCKETS if bucket != "no_change"]
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y("scheme:N", title=None, axis=alt.Axis(labelLimit=320)),
            x=alt.X("count:Q", title="organisations or places (weighted)"),
            color=alt.Color("change:N", sort=order, scale=alt.Scale(domain=order, range=[RED, "#ef8a62", "#67a9cf", BLUE])),
            order=alt.Order("change_order:Q"),
            tooltip=["scheme", "change", alt.Tooltip("count:Q", format=",.0f")],
        )
        .transform_calculate(change_order=f"indexof({order}, datum.change)")
        .properties(title=TITLES["gainers_and_losers"], width=WIDTH)
    )


def eligibility_by_region(by_region: pd.DataFrame) -> alt.Chart:
    """Organisations newly eligible for a scheme that pays (up) and no longer eligible (down), region by region."""
    overall = by_region[(by_region["scheme"] == OVERALL) & (by_region["entity"] == "organisations")]
    region = overall["region_label"]
    data = pd.concat(
        [
            pd.DataFrame({"region": region, "change": NEWLY, "organisations": overall["newly_eligible"]}),
            pd.DataFrame({"region": region, "change": NO_LONGER, "organisations": -overall["no_longer_eligible"]}),
        ],
        ignore_index=True,
    )
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("region:N", title=None, axis=alt.Axis(labelAngle=-30, labelLimit=200)),
            y=alt.Y("organisations:Q", title="organisations (weighted)"),
            color=alt.Color("change:N", title=None, scale=alt.Scale(domain=[NEWLY, NO_LONGER], range=[BLUE, RED])),
            tooltip=["region", "change", alt.Tooltip("organisations:Q", format=",.0f")],
        )
        .properties(title=alt.Title(TITLES["eligibility_by_region"], subtitle="for any scheme that pays"), width=WIDTH)
    )


def amounts_by_imd_decile(by_decile: pd.DataFrame) -> alt.Chart:
    """The change in the amounts organisations and places receive, by IMD decile of their place (1: most deprived)."""
    overall = by_decile[by_decile["scheme"] == OVERALL]
    data = pd.DataFrame({"imd_decile": overall["imd_decile"], "entity": overall["entity"], "change": overall["amount_change"] / MILLIONS})
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("imd_decile:O", title="IMD decile of the place (1: most deprived)", axis=alt.Axis(labelAngle=0)),
            y=alt.Y("change:Q", title="£ million a year"),
            color=alt.Color("entity:N", title=None),
            xOffset="entity:N",
            tooltip=["imd_decile", "entity", alt.Tooltip("change:Q", format=",.2f")],
        )
        .properties(title=alt.Title(TITLES["amounts_by_imd_decile"], subtitle="any scheme that pays, reform minus baseline"), width=WIDTH)
    )
