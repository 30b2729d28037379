"""Chargeback: SCUs and cost per role, team and seniority, from a roster and plugin rules."""

import pandas as pd
import streamlit as st
from pydantic import ValidationError

from copilot_roi.billing import bill
from copilot_roi.case import FileIdentity
from copilot_roi.charts.usage_charts import chargeback_figure
from copilot_roi.roles import role_ids
from copilot_roi.usage import UntrustedFileError
from copilot_roi.usage.chargeback import (
    UNASSIGNED_LABEL,
    RoleRule,
    chargeback,
    chargeback_csv,
    read_roster,
)
from ui import case_state
from ui.sidebar import current_prices, pseudonymise_on
from ui.tables import show_table
from ui.usage_state import (
    SAMPLE_DIR,
    SAMPLE_ROSTER,
    current_dataset,
    is_sample,
    plain,
    shown_names,
    shown_sources,
)

st.title("Chargeback by role")
prices = current_prices()
dataset = current_dataset()
sample = is_sample(dataset)
st.caption(
    f"Usage: {dataset.quality.rows_used:,} rows from {shown_sources(dataset)} (change it on Usage analytics)."
)


def clear_roster() -> None:
    case_state.set_roster(None, None)
    # A new uploader key empties the uploader, which would otherwise load the file again.
    st.session_state["cb_roster_version"] = int(st.session_state.get("cb_roster_version", 0)) + 1


# The allocation first (the first screen is what a projector shows); it needs the roster and
# rules below, so its place is kept here and filled once they are read.
answer = st.container()
st.subheader("Roster and rules")
upload = st.file_uploader(
    "Roster (CSV: user, role, optional team and seniority)",
    type=["csv"],
    key="cb_roster" + (f"_{v}" if (v := int(st.session_state.get("cb_roster_version", 0))) else ""),
    help=f"Roles: {', '.join(role_ids())}. The roster stays in this "
    "session's memory and maps users to roles on every page (and in the value case's calibration).",
)
try:
    if upload is not None:
        data = upload.getvalue()
        identity = FileIdentity.of(upload.name, data)
        if identity != case_state.case().roster or case_state.roster() is None:
            case_state.set_roster(read_roster(upload.name, data), identity)
except UntrustedFileError as error:
    st.error(f"Roster not used: {plain(error)}")
roster = case_state.roster()
if roster is not None:
    kept = case_state.case().roster
    c1, c2 = st.columns([3, 1])
    c1.caption(
        f"Roster loaded: {plain(kept.file_name if kept else 'roster')}, {len(roster.entries):,} people."
    )
    c2.button("Clear the roster", key="cb_clear_roster", on_click=clear_roster)
elif sample:
    roster = read_roster(SAMPLE_ROSTER, (SAMPLE_DIR / SAMPLE_ROSTER).read_bytes())
    st.info("Using the bundled sample roster with the sample usage. Upload yours above.")
if roster is not None and roster.rejections:
    st.warning(
        f"{len(roster.rejections)} roster rows were not used: "
        + plain("; ".join(f"row {row}: {why}" for row, why in roster.rejections[:10]))
    )

# The editor's starting rows are the case's rules when it is first drawn; its edits then apply
# on top of those rows (a new base under live edits would apply them twice).
if "cb_rules" not in st.session_state or "cb_rules_base" not in st.session_state:
    st.session_state["cb_rules_base"] = case_state.case().role_rules
with st.expander("Rules for users not in the roster (first match wins)"):
    edited = st.data_editor(
        pd.DataFrame([r.model_dump() for r in st.session_state["cb_rules_base"]]),
        num_rows="dynamic",
        key="cb_rules",
        column_config={
            "field": st.column_config.SelectboxColumn(options=["plugins", "experience"], required=True),
            "role": st.column_config.SelectboxColumn(options=list(role_ids()), required=True),
        },
    )
rules: list[RoleRule] = []
for number, row in enumerate(edited.to_dict("records"), start=1):
    try:
        rules.append(RoleRule(**{k: row.get(k) for k in ("field", "contains", "role")}))
    except ValidationError as error:
        st.warning(f"Rule {number} ignored: {plain(error.errors()[0]['msg'])}")
if tuple(rules) != case_state.case().role_rules:
    case_state.set_case(case_state.case().model_copy(update={"role_rules": tuple(rules)}))

plan = case_state.plan()
totals = bill(dataset.hourly, plan, prices).totals
cost_per_scu = totals.total_cost / totals.consumed_units if totals.consumed_units else 0.0
st.caption(
    f"Priced on the case's plan ({plan.describe()}; change it on Capacity & cost): "
    f"{totals.total_cost:,.0f} {prices.currency} for {totals.consumed_units:,.1f} SCUs, "
    f"{cost_per_scu:,.2f} {prices.currency} per SCU used."
)
result = chargeback(dataset.frame, roster, cost_per_scu, prices.currency, tuple(rules))
names = shown_names(sorted(set(result.by_user["user"])))

with answer:
    k = st.columns(3)
    sources = result.assigned.groupby("source")["units_scu"].sum()
    total_units = float(result.assigned["units_scu"].sum())
    for column, (label, source) in zip(
        k, (("From the roster", "roster"), ("From rules", "rule"), (UNASSIGNED_LABEL, "none")), strict=True
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
