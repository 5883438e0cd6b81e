"""An impact run written out: every table as CSV and Parquet, every chart as PNG and SVG, and one HTML report.

The report is a single self-contained file (charts inline as SVG, no script, no font or style fetched), so it
can be mailed or opened offline. It states what the figures rest on: the population file and its size, the
period, the reform (its name and its data), the rules version, and where the model's assumptions are written.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from kruger_rules.errors import KrugerError
from kruger_rules.html_page import html_page
from kruger_rules.population.charts import TITLES, charts, render
from kruger_rules.population.impact import Impact
from kruger_rules.population.measures import BUCKETS, OVERALL

REPORT = "report.html"
ABOUT = "about.json"
Step = Callable[[str], None]


def write_report(impact: Impact, out: Path, step: Step | None = None) -> Path:
    """Write the tables, the charts and the report into ``out`` (made if need be); the report's path."""
    tell = step or (lambda name: None)
    try:
        out.mkdir(parents=True, exist_ok=True)
        tell("tables")
        write_tables(impact.tables, out)
        (out / ABOUT).write_text(json.dumps(impact.about, indent=2) + "\n")
        tell("charts")
        svgs = {}
        for name, chart in charts(impact.tables).items():
            rendered = render(chart)
            (out / f"{name}.png").write_bytes(rendered.png)
            (out / f"{name}.svg").write_text(rendered.svg)
            svgs[name] = rendered.svg
        tell("report")
        path = out / REPORT
        path.write_text(report_html(impact, svgs))
    except OSError as error:
        raise KrugerError("unwritable_file", f"cannot write the impact report into {out}: {error.strerror}") from None
    return path


def write_tables(tables: dict[str, pd.DataFrame], out: Path) -> None:
    for name, table in tables.items():
        table.to_csv(out / f"{name}.csv", index=False)
        table.to_parquet(out / f"{name}.parquet", index=False)


def report_html(impact: Impact, svgs: dict[str, str]) -> str:
    """The report: what was run, the headline tables, the charts, and where the other tables are."""
    about, tables = impact.about, impact.tables
    reform = about["reform"]
    title = f"Impact of {reform['label']} against the baseline, {about['period']}"
    parts = [
        f"<h1>{html.escape(title)}</h1>",
        "<h2>What was run</h2>",
        about_list(about),
        "<h2>Cost against budget</h2>",
        "<p>Each scheme's cost is the weighted sum of its amounts in the year; its budget is the one its rules set it against. "
        "Where the cost is above the budget, the budget is oversubscribed, and would pay each award the pro-rata share.</p>",
        table_html(tables["cost"], money=("cost", "budget", "oversubscribed_by", "cost_change"), shares=("pro_rata_share",)),
        "<h2>Reach</h2>",
        "<p>Weighted: a row of the population stands for <code>weight</code> organisations or procurements; a place is one ward. "
        "The buckets sort each organisation or place by the change in the amount it receives: from nothing to something is a "
        "gain over 5 %, from something to nothing a loss over 5 %, 5 % itself is in the smaller bucket. "
        f"<code>{OVERALL}</code>: eligible for at least one scheme that pays, and the sum of their amounts.</p>",
        table_html(tables["reach"], money=("amount_baseline", "amount_reform", "amount_change")),
        *(figure(name, svgs[name]) for name in TITLES if name in svgs),
        "<h2>By region: any scheme that pays</h2>",
        table_html(
            tables["reach_by_region"][tables["reach_by_region"]["scheme"] == OVERALL].drop(columns=["region"]),
            money=("amount_baseline", "amount_reform", "amount_change"),
        ),
        "<h2>Every table</h2>",
        files_list(tables),
    ]
    return html_page(title, "\n".join(parts), STYLE)


def about_list(about: dict) -> str:
    reform = about["reform"]
    items = [
        (
            "Population",
            f"<code>{html.escape(about['population'])}</code>: {about['organisation_rows']:,} rows standing for "
            f"{about['organisations']:,.0f} organisations in {about['places']:,} places (the wards where it has an organisation), "
            f"and {about['procurement_rows']:,} rows standing for {about['procurements']:,.0f} procurements; "
            f"{about['population_bytes']:,} bytes in {len(about['population_files'])} files",
        ),
        ("Period", html.escape(about["period"])),
        ("Baseline", "the rules as this model encodes them: the proposals of <i>Levelling Up Our Communities</i> as if enacted"),
        ("Reform", f"{html.escape(reform['label'])}: <code>{html.escape(json.dumps(reform['data'], sort_keys=True))}</code>"),
        ("Rules version", f"<code>{html.escape(about['rules_version'])}</code>"),
        (
            "Assumptions",
            f'<a href="{html.escape(about["assumptions"])}">{html.escape(about["assumptions"])}</a> on the API, or '
            f'<a href="{html.escape(Path(about["assumptions_file"]).as_uri())}">docs/assumptions.md</a>',
        ),
    ]
    return "<dl>" + "".join(f"<dt>{name}</dt><dd>{text}</dd>" for name, text in items) + "</dl>"


def table_html(table: pd.DataFrame, money: tuple[str, ...] = (), shares: tuple[str, ...] = ()) -> str:
    """A table with counts and pounds in whole units, shares as percentages, and empty cells for what does not apply."""
    shown = table.copy()
    for column in shown.columns:
        suffix_money = any(column == name or column.endswith(f"_{name}") for name in money)
        suffix_share = any(column.endswith(name) for name in shares)
        if suffix_share:
            shown[column] = shown[column].map(lambda value: "" if pd.isna(value) else f"{value:.1%}")
        elif suffix_money:
            shown[column] = shown[column].map(pounds)
        elif pd.api.types.is_float_dtype(shown[column]):
            shown[column] = shown[column].map(lambda value: "" if pd.isna(value) else f"{value:,.0f}")
    return shown.to_html(index=False, escape=True, border=0, classes="figures", na_rep="")


def pounds(value: float) -> str:
    if pd.isna(value):
        return ""
    return f"-£{-value:,.0f}" if value < 0 else f"£{value:,.0f}"


def figure(name: str, svg: str) -> str:
    inline = svg[svg.index("<svg") :]
    return f'<figure id="{name}">{inline}<figcaption>{html.escape(TITLES[name])} ({name}.png, {name}.svg)</figcaption></figure>'


def files_list(tables: dict[str, pd.DataFrame]) -> str:
    items = "".join(
        f'<li><a href="{name}.csv">{name}.csv</a>, <a href="{name}.parquet">{name}.parquet</a> ({len(table):,} rows)</li>'
        for name, table in tables.items()
    )
    return f'<ul>{items}<li><a href="{ABOUT}">{ABOUT}</a>: what was run</li></ul><p>Buckets: {", ".join(BUCKETS)}.</p>'


STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 80em; padding: 0 1em; color: #222; }
table.figures { border-collapse: collapse; font-size: 0.85em; margin: 1em 0; }
table.figures th, table.figures td { padding: 0.25em 0.6em; border-bottom: 1px solid #ddd; text-align: right; }
table.figures th { background: #f4f4f4; }
dt { font-weight: bold; margin-top: 0.5em; }
figure { margin: 2em 0; }
figcaption { color: #555; font-size: 0.85em; }
code { font-size: 0.9em; word-break: break-all; }
"""
