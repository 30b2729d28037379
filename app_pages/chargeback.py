"""Chargeback: SCUs and cost per role, team and seniority, from a roster and plugin rules."""

import pandas as pd
import streamlit as st
from pydantic import ValidationError

from copilot_roi.billing import bill
from copilot_roi.charts.usage_charts import chargeback_figure
from copilot_roi.plans import CapacityPlan
from copilot_roi.usage import UntrustedFileError
from copilot_roi.usage.chargeback import (
    DEFAULT_RULES,
    ROLE_LABELS,
    RoleRule,
    chargeback,
    chargeback_csv,
    read_roster,
)
from ui.sidebar import current_prices, pseudonymise_on
from ui.tables import show_table
from ui.usage_state import SAMPLE_DIR, SAMPLE_FILES, current_dataset, plain, shown_names, shown_sources

st.title("Chargeback by role")
prices = current_prices()
dataset = current_dataset()
using_sample = [f.file_name for f in dataset.quality.files] == list(SAMPLE_FILES)
st.caption(
    f"Usage: {dataset.quality.rows_used:,} rows from {shown_sources(dataset)} (change it on Usage analytics)."
)

upload = st.file_uploader(
    "Roster (CSV: user, role, optional team and seniority)",
    type=["csv"],
    key="cb_roster",
    help=f"Roles: {', '.join(k for k in ROLE_LABELS if k != 'unassigned')}.",
)
roster = None
try:
    if upload is not None:
        roster = read_roster(upload.name, upload.getvalue())
    elif using_sample:
        roster = read_roster("roster.csv", (SAMPLE_DIR / "roster.csv").read_bytes())
        st.info("Using the bundled sample roster. Upload yours above.")
except UntrustedFileError as error:
    st.error(f"Roster not used: {plain(error)}")
if roster is not None and roster.rejections:
    st.warning(
        f"{len(roster.rejections)} roster rows were not used: "
        + plain("; ".join(f"row {row}: {why}" for row, why in roster.rejections[:10]))
    )

with st.expander("Rules for users not in the roster (first match wins)", expanded=roster is None):
    edited = st.data_editor(
        pd.DataFrame([r.model_dump() for r in DEFAULT_RULES]),
        num_rows="dynamic",
        key="cb_rules",
        column_config={
            "field": st.column_config.SelectboxColumn(options=["plugins", "experience"], required=True),
            "role": st.column_config.SelectboxColumn(
                options=[k for k in ROLE_LABELS if k != "unassigned"], required=True
            ),
        },
    )
rules: list[RoleRule] = []
for number, row in enumerate(edited.to_dict("records"), start=1):
    try:
        rules.append(RoleRule(**{k: row.get(k) for k in ("field", "contains", "role")}))
    except ValidationError as error:
        st.warning(f"Rule {number} ignored: {plain(error.errors()[0]['msg'])}")

level = st.number_input(
    "Provisioned SCUs (the cost per SCU is this plan's blended cost, unlimited overage)",
    0,
    100,
    3,
    key="cb_level",
)
totals = bill(dataset.hourly, CapacityPlan(provisioned_scu=level, overage="unlimited"), prices).totals
cost_per_scu = totals.total_cost / totals.consumed_units if totals.consumed_units else 0.0
st.caption(
    f"{totals.total_cost:,.0f} {prices.currency} for {totals.consumed_units:,.1f} SCUs: "
    f"{cost_per_scu:,.2f} {prices.currency} per SCU used."
)
result = chargeback(dataset.frame, roster, cost_per_scu, prices.currency, tuple(rules))
# The value scenarios calibrate per-role usage with the same mapping (this session only).
st.session_state.update(usage_roster=roster, usage_role_rules=tuple(rules))
names = shown_names(sorted(set(result.by_user["user"])))

k = st.columns(3)
sources = result.assigned.groupby("source")["units_scu"].sum()
total_units = float(result.assigned["units_scu"].sum())
for column, (label, source) in zip(
    k, (("From the roster", "roster"), ("From rules", "rule"), ("Unassigned", "none")), strict=True
):
    share = float(sources.get(source, 0.0)) / total_units if total_units else 0.0
    column.metric(label, f"{share:.0%} of SCUs")

tabs = st.tabs(["By role", "By team", "By seniority", "By user"])
for tab, table, label in (
    (tabs[0], result.by_role, "role_label"),
    (tabs[1], result.by_team, "team"),
    (tabs[2], result.by_seniority, "seniority"),
):
    tab.plotly_chart(chargeback_figure(table, label, prices.currency), key=f"cb_chart_{label}")
    show_table(table, prices.currency, target=tab)
by_user = result.by_user.assign(user=[names[u] for u in result.by_user["user"]])
show_table(by_user, prices.currency, target=tabs[3])

st.download_button(
    "Download the chargeback table (CSV)",
    chargeback_csv(result, names if pseudonymise_on() else None),
    file_name="chargeback.csv",
    mime="text/csv",
    key="cb_download",
)
