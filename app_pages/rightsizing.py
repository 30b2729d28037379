"""Right-sizing from observed usage: the cheapest plan for the export, growth what-ifs, E5 burn-down."""

import pandas as pd
import streamlit as st

from copilot_roi.charts.usage_charts import burn_down_figure, plan_comparison_figure, pool_forecast_figure
from copilot_roi.usage.burndown import pool_burn_down, pool_forecast
from copilot_roi.usage.rightsizing import right_size
from ui.handoff_downloads import handoff_downloads
from ui.plan_inputs import allow_off_hours_deletion, off_hours_deletion_notice, plan_inputs, use_plan_button
from ui.sidebar import current_prices
from ui.usage_state import current_dataset, shown_sources

POOL_COLUMNS = {
    "month": st.column_config.TextColumn("Month"),
    "kind": st.column_config.TextColumn("Observed or forecast"),
    "observed_days": st.column_config.NumberColumn("Days seen"),
    "allowance_units": st.column_config.NumberColumn("Pool (SCUs)", format="localized"),
    "used_units": st.column_config.NumberColumn("Used (SCUs)", format="%.1f"),
    "runs_out_on": st.column_config.TextColumn("Runs out on"),
    "units_past_pool": st.column_config.NumberColumn("Past the pool (SCUs)", format="%.1f"),
    "throttled_units": st.column_config.NumberColumn("Throttled (SCUs)", format="%.1f"),
    "cost_past_pool": st.column_config.NumberColumn("Pay-as-you-go cost", format="localized"),
    "projected_used_units": st.column_config.NumberColumn("Used by month end (projected)", format="%.1f"),
    "projected_runs_out_on": st.column_config.TextColumn("Runs out on (projected)"),
    "projected_units_past_pool": st.column_config.NumberColumn(
        "Past the pool by month end (projected)", format="%.1f"
    ),
}

st.title("Right-sizing from observed usage")
prices = current_prices()
money = prices.currency
dataset = current_dataset()
series = dataset.hourly
st.caption(
    f"{series.hours:,} clock hours of observed usage ({dataset.quality.timezone}) from "
    f"{shown_sources(dataset)}; each session counts in the hour "
    "it started. Change the data on Usage analytics."
)

# The recommendation first (the first screen is what a projector shows); it needs the inputs
# below, so its place is kept here and filled once they are read.
answer = st.container()
st.subheader("The case's plan")
plan = plan_inputs(None)
if plan is None:
    st.stop()
c1, c2, c3 = st.columns(3)
growth = c1.slider("Usage growth (%)", -50, 200, 0, step=5, key="rs_growth")
budget = c2.number_input(
    "Throttling you accept (SCUs over the period)", 0.0, 1_000_000.0, 0.0, key="rs_budget"
)
with c3:
    deletion = allow_off_hours_deletion("rs_allow_deletion")
sizing = right_size(series, prices, plan, float(growth), plan.e5_licences, budget, deletion)
best = sizing.result.recommended
current = sizing.result.current
assert current is not None

with answer:
    said, act = st.columns([4, 1], vertical_alignment="center")
    said.success(f"Recommended: **{best.description}**")
    with act:
        use_plan_button(best.plan, key="rs_use_recommended")
    k = st.columns(4)
    k[0].metric("Recommended plan", f"{best.total_cost:,.0f} {money}")
    k[1].metric("Current plan", f"{current.total_cost:,.0f} {money}", help="The case's plan, at this growth.")
    saving = sizing.saving or 0.0
    k[2].metric(
        "Saving",
        f"{saving:,.0f} {money}",
        None if sizing.saving_share is None else f"{sizing.saving_share:.0%}",
    )
    k[3].metric(
        "Throttled hours (current plan)",
        f"{sizing.current_throttled_hours:,}",
        f"{current.throttled_units:,.1f} SCU refused",
        delta_color="inverse" if current.throttled_units else "off",
    )
    off_hours_deletion_notice(best.plan, best.throttled_units)
    if current.throttled_units > 0:
        st.warning(
            f"At {growth:+d} % growth the current plan refuses {current.throttled_units:,.1f} SCUs "
            f"in {sizing.current_throttled_hours:,} hours: analysts would be throttled."
        )
rows = pd.DataFrame(
    [
        {
            "plan": "Current",
            "provisioned_cost": current.provisioned_cost,
            "overage_cost": current.overage_cost,
        },
        {"plan": "Recommended", "provisioned_cost": best.provisioned_cost, "overage_cost": best.overage_cost},
    ]
)
st.plotly_chart(plan_comparison_figure(rows, money), key="rs_compare")
with st.expander("Best plan of each kind"):
    st.dataframe(
        pd.DataFrame([c.as_dict() for c in sizing.result.candidates]).drop(columns=["plan"]),
        hide_index=True,
    )

handoff_downloads("rs", {"Recommended": best.plan, "Current": current.plan}, prices, sizing.series)

if plan.e5_licences:
    st.subheader("E5/E7 pool burn-down")
    burn = pool_burn_down(sizing.series, plan.e5_licences, prices)
    st.plotly_chart(burn_down_figure(burn), key="rs_burn")
    if burn.exhausted_on:
        st.warning(f"The pool ran out on {burn.exhausted_on:%d %b %Y}.")
    elif burn.runs_out_on:
        st.warning(
            f"At {burn.rate_scu_per_day:,.1f} SCUs a day the pool runs out on {burn.runs_out_on:%d %b %Y}."
        )
    else:
        st.info(f"At {burn.rate_scu_per_day:,.1f} SCUs a day the pool lasts the month.")
    # The case's plan carries the switch (the plan's "E5/E7 pay-as-you-go past the pool" above).
    forecast = pool_forecast(series, plan.e5_licences, prices, float(growth), plan.e5_pay_as_you_go)
    st.plotly_chart(pool_forecast_figure(forecast), key="rs_pool_forecast")
    past = "billed as pay-as-you-go" if plan.e5_pay_as_you_go else "throttled (pay-as-you-go off)"
    st.caption(
        f"Observed calendar months of the export, the rest of the last one (when the export ends "
        f"inside it) and next month at the last {forecast.rate_days} days' rate "
        f"({forecast.rate_units_per_day:,.1f} SCUs a day; next month with the growth above). "
        f"SCUs past the pool are {past}."
    )
    st.dataframe(
        pd.DataFrame([m.as_dict() for m in forecast.months]),
        hide_index=True,
        column_config=POOL_COLUMNS,
        column_order=list(POOL_COLUMNS),
    )
