"""Capacity & cost: what a plan costs against usage, and the cheapest plan that serves it."""

import pandas as pd
import streamlit as st

from copilot_roi.estimate import build_profile
from copilot_roi.wording import per_month_and_year
from ui import case_state
from ui.capacity_landing import capacity_view_for
from ui.estimate_state import usage_assumptions
from ui.handoff_downloads import handoff_downloads
from ui.plan_inputs import (
    TIMEZONES,
    allow_off_hours_deletion,
    off_hours_deletion_notice,
    plan_inputs,
    use_plan_button,
)
from ui.sidebar import current_prices
from ui.usage_state import current_dataset
from ui.workspace_sections import capacity_workspace_bills, headline_scope, workspace_billing

st.title("Capacity & cost")
# The answer first (on a projector the first screen is all the room sees): the plan's figures
# need every input below, so their place is kept here and filled once the inputs are read.
plan_figures = st.container()
prices = current_prices()
money = prices.currency

uploaded = case_state.usage() is not None
sources = ["Estimate from assumptions", "Usage export"]
c1, c2 = st.columns([2, 1])
source = c1.radio(
    "Usage",
    sources,
    horizontal=True,
    key="cap_source",
    index=1 if uploaded else 0,
    help="The usage export loaded on Usage analytics (the bundled sample until you load one).",
)
# The picker opens on the zone of the case's schedule, when it has one, so drawing never moves it.
schedule = case_state.plan().schedule
zones = TIMEZONES if schedule is None or schedule.timezone in TIMEZONES else (*TIMEZONES, schedule.timezone)
if schedule is not None:
    case_state.fill_widgets({"cap_tz": schedule.timezone})
timezone = c2.selectbox("Time zone", zones, key="cap_tz")
plan_timezone = timezone

inputs = None
if source == "Usage export":
    dataset = current_dataset()
    series = dataset.hourly
    timezone = series.timezone
    st.caption(
        f"Measured usage: {series.hours:,} clock hours from {series.index[0]:%d %b %Y} in {timezone}, "
        f"{dataset.total_units:,.1f} SCU, billed in calendar months."
    )
else:
    inputs = usage_assumptions(timezone)
    if inputs is None:
        st.stop()
    series = build_profile(inputs)
    st.caption(
        "Estimated usage for one year (8,760 hours, billing months of 730 hours) from the "
        "assumptions above. Every figure is an assumption until an export is uploaded."
    )

st.subheader("The case's plan")
plan = plan_inputs(plan_timezone)
if plan is None:
    st.stop()

st.subheader("Right-sizing")
o1, o2 = st.columns([1, 1])
budget = o1.number_input(
    "Throttling budget (SCU over the period)",
    0.0,
    1e6,
    0.0,
    key="cap_budget",
    help="How much refused demand you accept; 0 recommends plans that throttle nothing.",
)
with o2:
    deletion = allow_off_hours_deletion("cap_allow_deletion")
view = capacity_view_for(inputs, series, plan, prices, timezone, budget, deletion)
# Capacity is per workspace: an export of several is billed as that many capacities, not one.
billing = workspace_billing(dataset, plan, prices) if source == "Usage export" else None
t = billing.total if billing else view.bill.totals
opt = view.optimization

with plan_figures:
    if billing:
        st.caption(headline_scope(billing))
    k = st.columns(3)
    k[0].metric(
        "Total cost", f"{t.total_cost:,.0f} {money}", help=f"Over {t.hours:,} hours ({t.months} months)"
    )
    k[1].metric(
        "Per month (730 h)",
        f"{t.cost_per_billing_month:,.0f} {money}",
        help=per_month_and_year(t.cost_per_billing_month, t.cost_per_year, money)
        + f": the total over {t.hours:,} hours at this run rate, not divided by the {t.months} calendar "
        "months the period touches.",
    )
    k[1].caption(f"{t.cost_per_year:,.0f} {money} a year at this rate")
    k[2].metric("Overage", f"{t.overage_units:,.1f} SCU", f"{t.overage_cost:,.0f} {money}", delta_color="off")
    k = st.columns(3)
    k[0].metric(
        "Throttled demand",
        f"{t.throttled_units:,.1f} SCU",
        help="Demand above provisioned capacity plus the overage cap: work refused.",
    )
    k[1].metric("Hours above 90 % of capacity", f"{t.hours_over_warning:,}")
    k[2].metric("Peak hour", f"{t.peak_hour_units:,.1f} SCU")
    if plan.deletes_capacity_off_hours:
        off_hours_deletion_notice(plan, t.throttled_units)
    elif t.throttled_units > 0:
        st.warning(f"This plan throttles {t.throttled_units:,.1f} SCU of demand: analysts would be refused.")

if billing:
    capacity_workspace_bills(billing, plan, prices)

rec = opt.recommended
# The optimizer sizes one capacity: the case's plan is compared with it on the same footing.
one_capacity = view.bill.totals
r = st.columns(3)
r[0].metric(
    "Recommended",
    f"{rec.total_cost:,.0f} {money}",
    f"{rec.total_cost - one_capacity.total_cost:+,.0f} vs the case's plan",
    delta_color="inverse",
)
r[0].markdown(f"**{rec.description}**")
with r[0]:
    use_plan_button(rec.plan, key="cap_use_recommended")
r[1].metric(
    "The case's plan, as one capacity" if billing else "The case's plan",
    f"{one_capacity.total_cost:,.0f} {money}",
)
r[1].markdown(plan.describe())
r[2].metric("24x7 at peak (calculator baseline)", f"{opt.baseline.total_cost:,.0f} {money}")
r[2].markdown(opt.baseline.description)
if billing:
    st.caption(
        "Right-sizing here sizes the tenant's demand as one capacity; each workspace's own: "
        "`copilot-roi optimize --usage FILE`."
    )
st.caption(f"{opt.plans_considered:,} plans priced. Cheapest of each kind:")
# A static table: a handful of rows to read, nothing to edit or sort, and no data grid to load.
# Numbers formatted as people read them (thousands separated), right-aligned by the Styler.
cost_column = f"Cost ({money})"
candidates = pd.DataFrame(
    [
        {
            "Plan": c.description,
            cost_column: c.total_cost,
            "Overage SCU": c.overage_units,
            "Throttled SCU": c.throttled_units,
        }
        for c in opt.candidates
    ]
)
st.table(
    candidates.style.format({cost_column: "{:,.0f}", "Overage SCU": "{:,.1f}", "Throttled SCU": "{:,.1f}"}),
    hide_index=True,
)

st.vega_lite_chart(spec=view.monthly_chart, width="stretch")
st.vega_lite_chart(spec=view.level_chart, width="stretch")
st.vega_lite_chart(spec=view.hour_of_week_chart, width="stretch")
handoff_downloads("cap", {"Recommended": rec.plan, "The case's plan": plan}, prices, series)
