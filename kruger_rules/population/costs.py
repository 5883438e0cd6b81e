"""What each scheme that pays costs, against its budget, under the baseline and under the reform side by side.

A scheme's cost is the weighted sum of the amount its explanation file names (``cost``), read from the reach
table; its budget is what the file sets it against (``budget``): a parameter, read on the first day of the
period as formulas read parameters, or a variable that is the same for every instance, read once from a
simulation of one default instance (a budget is national: summing it over places would count it once per
place). Both are read in each system, since a reform may change a budget as well as the amounts.

Where the cost is above the budget, the budget is oversubscribed: ``oversubscribed_by`` is the difference,
and ``pro_rata_share`` the share of each amount the budget would pay if every award were scaled down alike
(budget / cost); otherwise 0 and 1.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from openfisca_core import periods
from openfisca_core.simulation_builder import SimulationBuilder

from kruger_rules.population.measures import SYSTEMS, Measure

TOTAL = "total"
TOTAL_LABEL = "All schemes that pay"


def budget_value(system, budget: str, period: str) -> float:
    """A budget in ``system`` for ``period``: a parameter's value on the period's first day, or a national variable."""
    if budget in system.variables:
        simulation = SimulationBuilder().build_default_simulation(system, 1)
        return float(simulation.calculate(budget, period)[0])
    node = system.get_parameters_at_instant(periods.period(period).start)
    for key in budget.split("."):
        node = node[key]
    return float(node)


def cost_table(reach: pd.DataFrame, measured: dict[str, tuple[Measure, ...]], systems: dict, period: str, plurals) -> pd.DataFrame:
    """One row per scheme that declares a cost, then their total: cost, budget and oversubscription in each system.

    The total's oversubscription is the sum of the schemes' (money their budgets cannot pay), and its pro-rata
    share the part of the total cost the budgets would pay.
    """
    rows = []
    for entity, measures_ in measured.items():
        for measure in (measure for measure in measures_ if measure.amount is not None):
            found = reach[(reach["entity"] == plurals[entity]) & (reach["scheme"] == measure.key)].iloc[0]
            row = {"scheme": measure.key, "label": measure.label, "entity": plurals[entity], "cost_variable": measure.amount}
            row["budget_source"] = measure.budget or ""
            for name in SYSTEMS:
                cost = float(found[f"amount_{name}"])
                budget = budget_value(systems[name], measure.budget, period) if measure.budget else np.nan
                over = max(cost - budget, 0.0) if measure.budget else np.nan
                share = (budget / cost if over > 0 else 1.0) if measure.budget else np.nan
                row |= {f"{name}_cost": cost, f"{name}_budget": budget, f"{name}_oversubscribed_by": over, f"{name}_pro_rata_share": share}
            rows.append(row)
    if rows:
        rows.append(total_row(pd.DataFrame(rows)))
    table = pd.DataFrame(rows, columns=list(COLUMNS[:-1]))
    table["cost_change"] = table["reform_cost"] - table["baseline_cost"]
    return table


def total_row(schemes: pd.DataFrame) -> dict:
    total: dict[str, str | float] = {"scheme": TOTAL, "label": TOTAL_LABEL, "entity": "", "cost_variable": "", "budget_source": ""}
    for name in SYSTEMS:
        cost, over = schemes[f"{name}_cost"].sum(), schemes[f"{name}_oversubscribed_by"].sum()
        total |= {
            f"{name}_cost": cost,
            f"{name}_budget": schemes[f"{name}_budget"].sum(min_count=1),
            f"{name}_oversubscribed_by": over,
            f"{name}_pro_rata_share": 1 - over / cost if cost > 0 else 1.0,
        }
    return total


COLUMNS = (
    "scheme",
    "label",
    "entity",
    "cost_variable",
    "budget_source",
    *(f"{name}_{column}" for name in SYSTEMS for column in ("cost", "budget", "oversubscribed_by", "pro_rata_share")),
    "cost_change",
)
"""The cost table's columns: the scheme, then each system's figures side by side, then the change in cost."""
