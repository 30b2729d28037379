"""Value scenarios: what Security Copilot costs against the analyst time it frees, role by role."""

import pandas as pd
import streamlit as st
from pydantic import ValidationError

from copilot_roi.charts import value_charts as charts
from copilot_roi.pricebook import Prices, load_price_book
from copilot_roi.usage.chargeback import assign_roles
from copilot_roi.value.calibration import measure_roles
from copilot_roi.value.catalogue import ROLE_IDS, load_catalogue
from copilot_roi.value.engine import ScenarioResult, compute, throttling_warning
from copilot_roi.value.rightsize import RightSizing, right_size
from copilot_roi.value.scenario import Scenario, scenario_template
from copilot_roi.value.sensitivity import Sensitivity, analyse
from copilot_roi.value.workshop import (
    assumption_rows,
    break_even_sentence,
    evidence_markdown,
    headlines,
    measured_summary,
    overrides_from_prices,
    role_key,
    scenario_from_values,
    widget_values,
)
from ui.query_state import show_link_problems, sync_url
from ui.sidebar import current_prices

PRESETS = {"Pessimistic": "low", "Expected": "expected", "Optimistic": "high"}
OVERAGE = {"none": "Off (throttle)", "unlimited": "Unlimited", "capped": "Capped"}


def apply_preset() -> None:
    preset = PRESETS[st.session_state.get("scn_preset") or "Expected"]
    st.session_state["scn_base"] = scenario_template(preset)  # type: ignore[arg-type]
    st.session_state.update(widget_values(st.session_state["scn_base"]), scn_plan_mode="As set here")


@st.cache_data(scope="session", max_entries=8, show_spinner=False)
def evaluate(scenario_json: str, prices_json: str) -> tuple[ScenarioResult, Sensitivity]:
    scenario, prices = Scenario.model_validate_json(scenario_json), Prices.model_validate_json(prices_json)
    result = compute(scenario, prices)
    return result, analyse(scenario, prices, result)


@st.cache_data(scope="session", max_entries=4, show_spinner="Right-sizing the plan...")
def right_sized(scenario_json: str, prices_json: str) -> RightSizing:
    scenario, prices = Scenario.model_validate_json(scenario_json), Prices.model_validate_json(prices_json)
    return right_size(scenario, prices)


def role_inputs(role_id: str, brief: bool) -> None:
    role = load_catalogue().roles[role_id]  # type: ignore[index]
    with st.expander(f"{role.label}: {', '.join(role.tasks)}", expanded=role_id == "soc"):
        left, right = st.columns([3, 2])
        a, b = left.columns(2)
        a.number_input("People", 0, 100_000, key=role_key(role_id, "headcount"))
        b.slider("Hours/week on assisted tasks", 0.0, 40.0, step=0.5, key=role_key(role_id, "hours"))
        a.slider("Time saved on those tasks (%)", 0.0, 90.0, step=0.5, key=role_key(role_id, "saved_pct"))
        b.slider(f"Loaded cost per hour ({money})", 0.0, 500.0, step=5.0, key=role_key(role_id, "cost"))
        a.slider("Using it in month 1 (%)", 0, 100, key=role_key(role_id, "start_pct"))
        b.slider("Months to full adoption", 1, 36, key=role_key(role_id, "months"))
        # One element for all of a role's evidence: fewer elements make a cheaper rerun.
        right.caption(evidence_markdown(role_id, brief))  # type: ignore[arg-type]


def apply_calibration() -> None:
    dataset, base = st.session_state.get("usage_dataset"), st.session_state["scn_base"]
    if st.session_state.get("scn_calibrate") and dataset is not None:
        # The roster and rules set on the Chargeback page, when it has run in this session.
        roster, rules = st.session_state.get("usage_roster"), st.session_state.get("usage_role_rules")
        assigned = (
            assign_roles(dataset.frame, roster, rules)
            if rules is not None
            else assign_roles(dataset.frame, roster)
        )
        measured = measure_roles(assigned, dataset.hourly.hours)
        st.session_state["scn_roles_from"] = "the Chargeback roster and rules" if roster else "plugin rules"
        figures = {r: round(m.scu_per_person_month, 2) for r, m in measured.items()}
        st.session_state.update(
            scn_measured=figures, scn_measured_notes=[m.describe() for m in measured.values()]
        )
        st.session_state.update({role_key(r, "scu"): v for r, v in figures.items()})
        st.session_state["scn_plan_mode"] = "Right-size for this demand"
    else:
        st.session_state.update(scn_measured={}, scn_measured_notes=[], scn_plan_mode="As set here")
        st.session_state.update(
            {role_key(r, "scu"): v for r, v in base.capacity.scu_per_person_month.items()}
        )


def plan_and_usage() -> str:
    with st.expander(
        "Capacity plan and usage per person", expanded=bool(st.session_state.get("scn_calibrate"))
    ):
        if st.session_state.get("usage_dataset") is not None:
            st.toggle("Use SCUs per person measured in the usage export, and size the plan on them",
                      key="scn_calibrate", on_change=apply_calibration)  # fmt: skip
        modes = ["As set here", "Right-size for this demand"]
        mode = st.radio("Plan", modes, key="scn_plan_mode", horizontal=True)
        a, b, c, d = st.columns(4)
        a.number_input("Provisioned SCUs (24x7)", 0, 100, key="scn_plan_scu")
        b.selectbox("Overage", list(OVERAGE), format_func=OVERAGE.get, key="scn_plan_overage")
        c.number_input("Overage cap (SCU/hour)", 0.1, 1000.0, key="scn_plan_cap")
        d.number_input("E5/E7 licences", 0, 10_000_000, step=100, key="scn_plan_e5")
        st.caption("SCUs per person per month at full adoption (assumptions unless measured):")
        for col, role_id in zip(st.columns(len(ROLE_IDS)), ROLE_IDS, strict=True):
            label = load_catalogue().roles[role_id].label
            col.number_input(label, 0.0, 10_000.0, key=role_key(role_id, "scu"))
    return str(mode)


st.title("Value scenarios")
show_link_problems()
prices = current_prices()
money = prices.currency
if "scn_base" not in st.session_state or role_key("soc", "headcount") not in st.session_state:
    st.session_state["scn_base"] = st.session_state.get("scenario") or scenario_template("expected")
    st.session_state.update(widget_values(st.session_state["scn_base"]), scn_plan_mode="As set here")


@st.fragment
def workshop() -> None:
    top = st.columns([3, 2, 2])
    top[0].segmented_control(
        "Preset", list(PRESETS), key="scn_preset", default="Expected", on_change=apply_preset
    )
    view = top[1].segmented_control("View", ["Executive", "Analyst"], key="scn_view", default="Executive")
    # Headlines span the page (readable from the back of a room); filled once the inputs are read.
    headline_slot = st.container()
    inputs, outputs = st.columns([2, 3], gap="large")
    with inputs:
        st.subheader("Teams")
        if money != "USD":
            st.caption(
                f"Costs are in {money}; the catalogue's defaults are USD figures: convert or replace them."
            )
        for role_id in ROLE_IDS:
            role_inputs(role_id, brief=view != "Analyst")
        st.subheader("Value and money")
        a, b = st.columns(2)
        a.slider("Realisation rate (%)", 0, 100, key="scn_realisation_pct",
                 help="Share of freed hours that turns into value. Forrester-style studies count 50 %; "
                      "most freed time is not reinvested, so keep it well below 100 %.")  # fmt: skip
        b.slider("Horizon (months)", 1, 120, key="scn_horizon")
        a.slider("Discount rate (% a year)", 0.0, 30.0, step=0.5, key="scn_discount_pct")
        b.number_input(f"Enablement, one-off ({money})", 0.0, 1e8, step=1000.0, key="scn_enablement")
        a.number_input(f"Training, one-off ({money})", 0.0, 1e8, step=1000.0, key="scn_training")
        plan_mode = plan_and_usage()
    try:
        scenario = scenario_from_values(st.session_state["scn_base"], dict(st.session_state))
        overrides = overrides_from_prices(prices, load_price_book())
        scenario = scenario.model_copy(update={"prices": overrides})
        sizing = None
        if plan_mode != "As set here":
            sizing = right_sized(scenario.model_dump_json(), prices.model_dump_json())
            scenario = scenario.model_copy(
                update={"capacity": scenario.capacity.model_copy(update={"plan": sizing.best.plan})}
            )
    except ValidationError as error:
        first = error.errors()[0]
        outputs.error(f"{'.'.join(map(str, first['loc']))}: {first['msg']}")
        return
    result, sensitivity = evaluate(scenario.model_dump_json(), prices.model_dump_json())
    st.session_state["scenario"] = scenario
    sync_url(scenario)
    st.session_state["scenario_result"] = result
    st.session_state["scenario_sensitivity"] = sensitivity
    with headline_slot:
        draw_headlines(result, sensitivity, big=view != "Analyst")
    with outputs:
        draw_outputs(scenario, result, sensitivity, big=view != "Analyst")
        if sizing is not None:
            draw_right_sizing(sizing, big=view != "Analyst")


def draw_right_sizing(sizing: RightSizing, big: bool) -> None:
    best, current = sizing.best, sizing.current
    st.plotly_chart(charts.right_size_figure(sizing, big), key="scn_fig_rightsize")
    st.caption(
        f"Right-sized by NPV over {len(sizing.candidates)} purchasable plans: {best.describe()} "
        f"(NPV {best.npv:,.0f} {sizing.currency}, {best.served_share:.1%} of demand served). The plan "
        f"set here, {current.describe()}: NPV {current.npv:,.0f} {sizing.currency}, "
        f"{current.served_share:.1%} served. Throttled demand earns no value, so a cheaper plan wins "
        "only when the capacity it saves outweighs the value it refuses."
    )


def draw_headlines(result: ScenarioResult, sensitivity: Sensitivity, big: bool) -> None:
    for col, h in zip(st.columns(4), headlines(result, sensitivity), strict=True):
        with col.container(border=True):
            st.markdown(f"#### {h.label}\n## {h.value}" if big else f"##### {h.label}\n### {h.value}")
            st.caption(h.sentence)
    st.info(break_even_sentence(result))


def draw_outputs(scenario: Scenario, result: ScenarioResult, sensitivity: Sensitivity, big: bool) -> None:
    if result.served_share < 1:
        st.warning(f"{throttling_warning(result)} Raise the plan, allow overage, or choose "
                   "\"Right-size for this demand\".")  # fmt: skip
    st.caption(f"Plan: {result.plan_description}. Prices: {result.price_book_name}, {result.currency}.")
    if scenario.capacity.measured_roles:
        notes = "; ".join(st.session_state.get("scn_measured_notes") or measured_summary(scenario))
        st.success(
            f"From your usage export (roles by {st.session_state.get('scn_roles_from', 'plugin rules')}): "
            f"{notes}. Everything else is an assumption."
        )
    st.plotly_chart(charts.cumulative_figure(result, big), key="scn_fig_cumulative")
    st.plotly_chart(charts.monthly_hours_figure(result, big), key="scn_fig_monthly")
    st.caption("Dashed line: the hours whose realised value pays for that month's cost. Bars above it pay.")
    if big:
        return
    st.plotly_chart(charts.hours_by_role_figure(result), key="scn_fig_roles")
    st.plotly_chart(
        charts.tornado_figure(sensitivity.tornado, sensitivity.base_npv, result.currency),
        key="scn_fig_tornado",
    )
    st.plotly_chart(charts.monte_carlo_figure(sensitivity.monte_carlo, result.currency), key="scn_fig_mc")
    st.caption(
        "Monte Carlo: inputs drawn independently (PERT over each band), so co-moving inputs make "
        "the real spread wider than shown."
    )
    m = [*st.columns(2), *st.columns(2)]
    m[0].metric("Net benefit", f"{result.net_benefit:,.0f} {result.currency}")
    m[1].metric("ROI", "n/a" if result.roi is None else f"{result.roi:.0%}")
    m[2].metric(f"NPV at {result.discount_rate_annual:.1%}", f"{result.npv:,.0f} {result.currency}")
    m[3].metric("Throttled demand", f"{result.billing.throttled_units:,.1f} SCU")
    st.subheader("Every assumption")
    st.dataframe(pd.DataFrame(assumption_rows(scenario)), hide_index=True)
    st.subheader("Month by month")
    st.dataframe(result.monthly_frame().round(2), hide_index=True)


workshop()
