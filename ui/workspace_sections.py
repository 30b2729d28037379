"""Workspace sections of the Usage and Capacity pages, drawn only when an export holds several workspaces.

Each workspace has its own capacity (``copilot_roi.usage.workspaces``); with one workspace (every
export without a workspace column) nothing here draws, so those pages stay as they were.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from copilot_roi.plans import CapacityPlan
from copilot_roi.pricebook import Prices
from copilot_roi.usage.ingest import UsageDataset
from copilot_roi.usage.workspaces import (
    WorkspaceBilling,
    bill_workspaces,
    split_by_workspace,
    workspace_names,
)


def workspace_filter(frame: pd.DataFrame, key: str) -> tuple[str, ...]:
    """A multiselect of the export's workspaces (none drawn, nothing chosen, with one)."""
    names = workspace_names(frame)
    if len(names) < 2:
        return ()
    return tuple(st.multiselect("Workspaces", names, key=key))


def usage_workspace_table(dataset: UsageDataset) -> None:
    """Rows, sessions, SCUs and busiest hour per workspace."""
    workspaces = split_by_workspace(dataset)
    if len(workspaces) < 2:
        return
    st.subheader("Workspaces")
    st.caption("Each workspace has its own capacity: Capacity & cost bills each one on its own.")
    total = sum(w.units_scu for w in workspaces)
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Workspace": w.name,
                    "Rows": w.rows,
                    "Sessions": w.sessions,
                    "SCUs": round(w.units_scu, 1),
                    "Share": w.units_scu / total if total else 0.0,
                    "Busiest hour": f"{w.peak_hour:%a %d %b %H:00}",
                    "SCUs in the busiest hour": round(w.peak_hour_units, 1),
                }
                for w in workspaces
            ]
        ),
        hide_index=True,
        key="usage_workspaces_table",
        column_config={"Share": st.column_config.NumberColumn(format="percent")},
    )


def workspace_billing(dataset: UsageDataset, plan: CapacityPlan, prices: Prices) -> WorkspaceBilling | None:
    """Each workspace billed with the case's plan as its own capacity; None with one workspace."""
    workspaces = split_by_workspace(dataset)
    if len(workspaces) < 2:
        return None
    return bill_workspaces(workspaces, {}, prices, plan)


def headline_scope(billing: WorkspaceBilling) -> str:
    """What the Capacity page's headline figures add up, when they are the workspaces' sum."""
    return (
        f"{len(billing.bills)} workspaces, each on its own capacity: every figure below is the sum "
        "of their bills under the case's plan (the peak hour is the tenant's busiest)."
    )


def capacity_workspace_bills(billing: WorkspaceBilling, plan: CapacityPlan, prices: Prices) -> None:
    """Each workspace's bill with the case's plan as its own capacity, and their total."""
    workspaces = [b.workspace for b in billing.bills]
    money = prices.currency
    st.subheader("Workspaces, each on its own capacity")
    st.caption(
        f"SCUs are not shared across workspaces: each of the {len(workspaces)} workspaces needs the "
        f"case's plan ({plan.describe()}) of its own. The E5/E7 pool is the tenant's: it serves the "
        "tenant's demand first, shared among the workspaces by their demand in each hour."
    )
    cost_column = f"Cost ({money})"
    rows = [
        {
            "Workspace": b.workspace.name,
            "SCUs used": b.workspace.units_scu,
            cost_column: b.result.totals.total_cost,
            "Overage SCU": b.result.totals.overage_units,
            "Throttled SCU": b.result.totals.throttled_units,
        }
        for b in billing.bills
    ]
    t = billing.total
    rows.append(
        {
            "Workspace": "Total",
            "SCUs used": t.consumed_units,
            cost_column: t.total_cost,
            "Overage SCU": t.overage_units,
            "Throttled SCU": t.throttled_units,
        }
    )
    st.metric("Total over all workspaces", f"{t.total_cost:,.0f} {money}")
    st.table(
        pd.DataFrame(rows).style.format(
            {
                "SCUs used": "{:,.1f}",
                cost_column: "{:,.0f}",
                "Overage SCU": "{:,.1f}",
                "Throttled SCU": "{:,.1f}",
            }
        ),
        hide_index=True,
    )
