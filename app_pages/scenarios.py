"""Value scenarios: what Security Copilot costs against the analyst time it frees, role by role."""

import time

import pandas as pd
import streamlit as st
from pydantic import ValidationError
from streamlit.delta_generator import DeltaGenerator

from copilot_roi.business.share_link import left_out, link_sentence
from copilot_roi.charts import value_charts as charts
from copilot_roi.plans import MAX_PROVISIONED_SCU, CapacityPlan
from copilot_roi.pricebook import Prices, load_price_book
from copilot_roi.usage import UsageDataset
from copilot_roi.value.agent_table import per_run_table
from copilot_roi.value.bounds import field_bounds, percent_bounds
from copilot_roi.value.calibration import measure_usage
from copilot_roi.value.catalogue import ROLE_IDS, load_catalogue
from copilot_roi.value.engine import ScenarioResult, compute, throttling_warning
from copilot_roi.value.finance_inputs import with_finance
from copilot_roi.value.rightsize import RightSizing, right_size
from copilot_roi.value.scenario import AgentLine, CapacitySizing, OneOffCosts, Scenario, scenario_template
from copilot_roi.value.sensitivity import Sensitivity, analyse
from copilot_roi.value.workshop import (
    assumption_rows,
    break_even_sentence,
    headlines,
    measured_summary,
    overrides_from_prices,
    role_key,
    scenario_from_values,
)
from ui import scenario_state
from ui.agent_lines_editor import agent_lines_section
from ui.compare_panel import comparison_panel
from ui.finance_inputs import EditedRows, draw_finance_figures, finance_inputs
from ui.query_state import show_link_problems, sync_url
from ui.role_inputs import team_inputs
from ui.sidebar import current_prices
from ui.tables import show_table
from ui.usage_state import DATASET_KEY

# Long enough for the server to send the headline cards (a few ms of its event loop), short
# against a rerun; measured in tests/bench/bench_speed.py.
HEADLINE_SEND_S = 0.02
REFRESH = scenario_state.refresh_outputs  # on_change of an input outside the workspace fragment
PRESETS = {"Pessimistic": "low", "Expected": "expected", "Optimistic": "high"}
OVERAGE = {"none": "Off (throttle)", "unlimited": "Unlimited", "capped": "Capped"}


def apply_preset() -> None:
    preset = PRESETS[st.session_state.get(scenario_state.PRESET_KEY) or "Expected"]
    template = scenario_template(preset)  # type: ignore[arg-type]
    current = scenario_state.session_scenario()
    if current is not None and current.agents:  # agent lines are the customer's, not a preset's
        template = template.model_copy(update={"agents": current.agents})
    scenario_state.show(template)


# Per session, keyed on the scenario's JSON: a slider moved back and forth is answered from here.
@st.cache_data(scope="session", max_entries=8, show_spinner=False)
def cash_flows(scenario_json: str, prices_json: str) -> ScenarioResult:
    return compute(Scenario.model_validate_json(scenario_json), Prices.model_validate_json(prices_json))


@st.cache_data(scope="session", max_entries=8, show_spinner=False)
def sensitivity_of(scenario_json: str, prices_json: str) -> Sensitivity:
    scenario, prices = Scenario.model_validate_json(scenario_json), Prices.model_validate_json(prices_json)
    return analyse(scenario, prices, cash_flows(scenario_json, prices_json))


@st.cache_data(scope="session", max_entries=4, show_spinner="Right-sizing the plan...")
def right_sized(scenario_json: str, prices_json: str) -> RightSizing:
    scenario, prices = Scenario.model_validate_json(scenario_json), Prices.model_validate_json(prices_json)
    return right_size(scenario, prices)


def usage_dataset() -> UsageDataset | None:
    dataset = st.session_state.get(DATASET_KEY)
    return dataset if isinstance(dataset, UsageDataset) else None


def apply_calibration() -> None:
    dataset, base = usage_dataset(), scenario_state.base()
    if scenario_state.calibrating() and dataset is not None:
        # The roster and rules set on the Chargeback page, when it has run in this session.
        calibration = measure_usage(
            dataset.frame,
            dataset.hourly.hours,
            st.session_state.get("usage_roster"),
            st.session_state.get("usage_role_rules"),
        )
        scenario_state.set_calibration(calibration)
        st.session_state.update({role_key(r, "scu"): v for r, v in calibration.scu_per_person_month.items()})
        scenario_state.set_plan_mode("Right-size for this demand")
    elif base is not None:
        scenario_state.set_calibration(None)
        scenario_state.set_plan_mode("As set here")
        st.session_state.update(
            {role_key(r, "scu"): v for r, v in base.capacity.scu_per_person_month.items()}
        )


def plan_and_usage() -> None:
    with st.expander("Capacity plan and usage per person", expanded=scenario_state.calibrating()):
        if usage_dataset() is not None:
            st.toggle("Use SCUs per person measured in the usage export, and size the plan on them",
                      key=scenario_state.CALIBRATE_KEY, on_change=apply_calibration)  # fmt: skip
        st.radio("Plan", scenario_state.PLAN_MODES, key=scenario_state.PLAN_MODE_KEY, horizontal=True,
                 on_change=REFRESH)  # fmt: skip
        a, b, c, d = st.columns(4)
        a.number_input(
            "Provisioned SCUs (24x7)", 0, MAX_PROVISIONED_SCU, key="scn_plan_scu", on_change=REFRESH
        )
        b.selectbox("Overage", list(OVERAGE), format_func=lambda mode: OVERAGE[mode], key="scn_plan_overage",
                    on_change=REFRESH)  # fmt: skip
        cap_high = field_bounds(CapacityPlan, "overage_cap_scu_per_hour")[1]
        c.number_input("Overage cap (SCU/hour)", 0.1, cap_high, key="scn_plan_cap", on_change=REFRESH)
        e5_low, e5_high = field_bounds(CapacityPlan, "e5_licences")
        d.number_input(
            "E5/E7 licences", int(e5_low), int(e5_high), step=100, key="scn_plan_e5", on_change=REFRESH
        )
        st.caption("SCUs per person per month at full adoption (assumptions unless measured):")
        scu_low, scu_high = field_bounds(CapacitySizing, "scu_per_person_month")
        columns = [*st.columns(4), *st.columns(4)]
        for col, role_id in zip(columns, ROLE_IDS, strict=False):
            label = load_catalogue().roles[role_id].label
            col.number_input(label, scu_low, scu_high, key=role_key(role_id, "scu"), on_change=REFRESH)


def value_and_money(currency: str) -> None:
    st.subheader("Value and money")
    a, b, c = st.columns(3, gap="large")
    a.slider("Realisation rate (%)", *percent_bounds(Scenario, "realisation_rate"), step=1.0,
             key="scn_realisation_pct", format="%.0f",
             help="Share of freed hours that turns into value. Forrester-style studies count 50 %; "
                  "most freed time is not reinvested, so keep it well below 100 %.")  # fmt: skip
    months_low, months_high = field_bounds(Scenario, "horizon_months")
    b.slider("Horizon (months)", int(months_low), int(months_high), key="scn_horizon")
    c.slider("Discount rate (% a year)", *percent_bounds(Scenario, "discount_rate_annual"), step=0.5,
             key="scn_discount_pct", format="%.1f")  # fmt: skip
    low, high = field_bounds(OneOffCosts, "enablement")
    a.number_input(f"Enablement, one-off ({currency})", low, high, step=1000.0, key="scn_enablement")
    low, high = field_bounds(OneOffCosts, "training")
    b.number_input(f"Training, one-off ({currency})", low, high, step=1000.0, key="scn_training")


st.title("Value scenarios")
show_link_problems()
prices = current_prices()
money = prices.currency
if scenario_state.needs_filling():
    scenario_state.show(scenario_state.session_scenario() or scenario_template("expected"))


top = st.columns([3, 2, 2])
top[0].segmented_control(
    "Preset", list(PRESETS), key=scenario_state.PRESET_KEY, default="Expected", on_change=apply_preset
)
top[1].segmented_control("View", ["Executive", "Analyst"], key=scenario_state.VIEW_KEY, default="Executive")


def big_view() -> bool:
    return st.session_state.get(scenario_state.VIEW_KEY) != "Analyst"


def current_base() -> Scenario:
    return scenario_state.base() or scenario_template("expected")


Drawn = tuple[Scenario, RightSizing | None, ScenarioResult, Sensitivity]


@st.fragment(key=scenario_state.WORKSPACE_FRAGMENT)
def workspace() -> None:
    """The headline cards, the team and money inputs and the outputs, in one fragment.

    A move of one of its inputs reruns it alone, in one script run: the headline goes out first
    and the browser draws it before the charts arrive. The line tables' edits are known only once
    they are drawn, below; until then the lines of the last run stand in (see ``lines_checked``)."""
    drawn = headline()
    st.subheader("Teams")
    if money != "USD":
        st.caption(f"Costs are in {money}; the catalogue's defaults are USD figures: convert or replace "
                   "them.")  # fmt: skip
    team_inputs(money, brief_evidence=big_view())
    value_and_money(money)
    if drawn is not None:
        outputs(*drawn)


def headline() -> Drawn | None:
    """The four headline cards, spanning the page (readable from the back of a room); None when
    the inputs do not make a scenario (the reason is shown instead)."""
    try:
        scenario, sizing = read_scenario(current_base(), *scenario_state.edited_lines(current_base()))
    except ValidationError as error:
        first = error.errors()[0]
        st.error(f"{'.'.join(map(str, first['loc']))}: {first['msg']}")
        return None
    except ValueError as error:  # an edited line's number that cannot be read, by field
        st.error(str(error))
        return None
    scenario_json, prices_json = scenario.model_dump_json(), prices.model_dump_json()
    scenario_state.set_headline_json(scenario_json)
    result, slot = cash_flows(scenario_json, prices_json), st.empty()
    draw_headlines(slot, result, None, big=big_view())
    # The cards go out before the Monte Carlo holds the GIL: the server's event loop sends them in
    # this pause, and the browser draws them before the rest of the run arrives. Then the cards
    # again, with the NPV range (an empty's content is replaced in place).
    time.sleep(HEADLINE_SEND_S)
    sensitivity = sensitivity_of(scenario_json, prices_json)
    draw_headlines(slot, result, sensitivity, big=big_view())
    return scenario, sizing, result, sensitivity


def lines_checked(base: Scenario, agents: list[AgentLine] | None, benefit_rows: EditedRows,
                  cost_rows: EditedRows) -> None:  # fmt: skip
    """Keep the line tables' output for the next headline; rerun once if the headline above was
    drawn from other lines (an edit in a table)."""
    scenario_state.set_edited_lines(base, agents, benefit_rows, cost_rows)
    try:
        scenario, _ = read_scenario(base, agents, benefit_rows, cost_rows)
    except ValueError:  # shown by the outputs below
        return
    if scenario.model_dump_json() != scenario_state.headline_json():
        st.rerun()


def outputs(scenario: Scenario, sizing: RightSizing | None, result: ScenarioResult,
            sensitivity: Sensitivity) -> None:  # fmt: skip
    scenario_state.set_session_scenario(scenario)
    sync_url(scenario)
    draw_outputs(scenario, result, sensitivity, big=big_view())
    if sizing is not None:
        draw_right_sizing(sizing, big=big_view())
    if lost := left_out(scenario):  # a link that reopens other numbers must say so
        st.caption(link_sentence(lost))


def read_scenario(
    base: Scenario,
    agents: list[AgentLine] | None,
    benefit_rows: EditedRows | None,
    cost_rows: EditedRows | None,
) -> tuple[Scenario, RightSizing | None]:
    """The scenario the widgets' session values and the edited lines describe (None: the base's
    lines), on the right-sized plan when asked. Raises ``ValueError`` naming the field."""
    scenario = scenario_from_values(base, scenario_state.values())
    if agents is not None and agents != base.agents:
        scenario = Scenario.model_validate(
            scenario.model_dump() | {"agents": [a.model_dump() for a in agents], "preset": "custom"}
        )
    scenario = with_finance(scenario, scenario_state.values(), benefit_rows, cost_rows)
    scenario = scenario.model_copy(update={"prices": overrides_from_prices(prices, load_price_book())})
    if scenario_state.plan_mode() == "As set here":
        return scenario, None
    sizing = right_sized(scenario.model_dump_json(), prices.model_dump_json())
    capacity = scenario.capacity.model_copy(update={"plan": sizing.best.plan})
    return scenario.model_copy(update={"capacity": capacity}), sizing


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


def draw_headlines(
    slot: DeltaGenerator, result: ScenarioResult, sensitivity: Sensitivity | None, big: bool
) -> None:
    """The four headline cards (the NPV range pending without ``sensitivity``), replacing the slot's."""
    # One markdown per bordered column: half the elements of a container holding a heading and a
    # caption, and the browser draws each element on every message batch of a move.
    with slot.container():
        for col, h in zip(st.columns(4, border=True), headlines(result, sensitivity), strict=True):
            heading = f"#### {h.label}\n## {h.value}" if big else f"##### {h.label}\n### {h.value}"
            col.markdown(f"{heading}\n\n:gray[{h.sentence}]")


def draw_agents(result: ScenarioResult, big: bool) -> None:
    st.subheader("Agents: cost per alert processed")
    show_table(per_run_table(result.agent_lines), result.currency)
    st.caption(
        f"Cost per run: the plan's extra capacity cost for the line over the horizon, per run "
        f"(0 when runs fit in capacity already paid for). By hand: minutes avoided / 60 x loaded cost. "
        f"Agents freed {result.agent_hours_freed:,.0f} of the {result.total_hours_freed:,.0f} hours."
    )
    st.plotly_chart(charts.agent_cost_per_run_figure(result, big), key="scn_fig_agents")


def draw_outputs(scenario: Scenario, result: ScenarioResult, sensitivity: Sensitivity, big: bool) -> None:
    if result.served_share < 1:
        st.warning(f"{throttling_warning(result)} Raise the plan, allow overage, or choose "
                   "\"Right-size for this demand\".")  # fmt: skip
    # Below the inputs, not under the headline: at 1366x768 the cards and a role's first sliders
    # then share the screen.
    st.info(break_even_sentence(result))
    st.caption(f"Plan: {result.plan_description}. Prices: {result.price_book_name}, {result.currency}.")
    if scenario.capacity.measured_roles:
        notes = "; ".join(scenario_state.measured_notes() or measured_summary(scenario))
        st.success(
            f"From your usage export (roles by {scenario_state.roles_from()}): "
            f"{notes}. Everything else is an assumption."
        )
    draw_finance_figures(result, detailed=not big)
    st.plotly_chart(charts.cumulative_figure(result, big), key="scn_fig_cumulative")
    st.plotly_chart(charts.monthly_hours_figure(result, big), key="scn_fig_monthly")
    st.caption("Dashed line: the hours whose realised value pays for that month's cost. Bars above it pay.")
    if result.agent_lines:
        draw_agents(result, big)
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


workspace()
base = current_base()
benefit_rows, cost_rows = finance_inputs(base, money)
plan_and_usage()
lines_checked(base, agent_lines_section(base, usage_dataset()), benefit_rows, cost_rows)
comparison_panel(prices, big=big_view())
