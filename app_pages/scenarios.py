"""Value scenarios: what Security Copilot costs against the analyst time it frees, role by role."""

import time

import pandas as pd
import streamlit as st
from pydantic import ValidationError
from streamlit.delta_generator import DeltaGenerator

from copilot_roi.business.share_link import left_out, link_sentence
from copilot_roi.charts import value_charts as charts
from copilot_roi.pricebook import Prices
from copilot_roi.roles import role_ids, role_label
from copilot_roi.value.agent_table import per_run_table
from copilot_roi.value.bounds import field_bounds, percent_bounds
from copilot_roi.value.calibration import UsageMeasurement
from copilot_roi.value.engine import ScenarioResult, compute, ledger_notes, throttling_warning
from copilot_roi.value.finance_inputs import with_finance
from copilot_roi.value.rightsize import RightSizing, right_size
from copilot_roi.value.scenario import AgentLine, CapacitySizing, OneOffCosts, Scenario, scenario_template
from copilot_roi.value.sensitivity import Sensitivity, analyse
from copilot_roi.value.workshop import (
    assumption_rows,
    break_even_sentence,
    headlines,
    measured_summary,
    role_key,
    scenario_from_values,
)
from ui import case_state, scenario_state
from ui.adoption_ramp import measured_ramp_section
from ui.agent_lines_editor import agent_lines_section
from ui.compare_panel import comparison_panel
from ui.finance_inputs import EditedRows, draw_finance_figures, finance_inputs
from ui.plan_inputs import plan_inputs, use_plan_button
from ui.query_state import show_link_problems, sync_url
from ui.role_inputs import team_inputs
from ui.sidebar import current_prices
from ui.survey_section import survey_section
from ui.tables import show_table

# Long enough for the server to send the headline cards (a few ms of its event loop), short
# against a rerun; measured in tests/bench/bench_speed.py.
HEADLINE_SEND_S = 0.02
REFRESH = scenario_state.refresh_outputs  # on_change of an input outside the workspace fragment
PRESETS = {"Pessimistic": "low", "Expected": "expected", "Optimistic": "high"}


def apply_preset() -> None:
    preset = PRESETS[st.session_state.get(scenario_state.PRESET_KEY) or "Expected"]
    template = scenario_template(preset)  # type: ignore[arg-type]
    current = scenario_state.session_scenario()
    # The plan, the prices and the agent lines are the customer's, not a preset's.
    capacity = template.capacity.model_copy(update={"plan": current.capacity.plan})
    template = template.model_copy(
        update={"capacity": capacity, "agents": current.agents, "prices": current.prices}
    )
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


def apply_calibration() -> None:
    """``on_change`` of the calibration switch: the case's choice, then the outputs again."""
    scenario_state.set_calibrating(bool(st.session_state.get(scenario_state.CALIBRATE_KEY)))
    REFRESH()


def plan_and_usage(measured: dict[str, float]) -> None:
    """The case's plan, the calibration switch and SCUs per person (measured ones shown, not edited)."""
    st.subheader("Capacity plan and usage per person")
    if case_state.usage() is not None:
        case_state.fill_widgets({scenario_state.CALIBRATE_KEY: case_state.case().calibrate_from_usage})
        st.toggle("Measure SCUs per person from the loaded usage export (every page and file uses this)",
                  key=scenario_state.CALIBRATE_KEY, on_change=apply_calibration)  # fmt: skip
    else:
        st.caption("SCUs per person are estimates: load a usage export on Usage analytics to measure them.")
    plan_inputs(None, on_change=REFRESH)
    st.toggle("Compare purchasable plans by NPV", key=scenario_state.RIGHT_SIZE_KEY, on_change=REFRESH,
              help="Price every purchasable plan on this demand; pick one as the case's plan.")  # fmt: skip
    st.caption("SCUs per person per month at full adoption (assumptions unless measured):")
    scu_low, scu_high = field_bounds(CapacitySizing, "scu_per_person_month")
    roles = role_ids()
    rows = -(-len(roles) // 4)  # every role gets a place, four to a row
    columns = [column for _ in range(rows) for column in st.columns(4)]
    # Not strict: the last row may have empty places; every role still has one.
    for col, role_id in zip(columns, roles, strict=False):
        label = role_label(role_id)
        if role_id in measured:
            col.metric(label, f"{measured[role_id]:,.2f}", "measured", delta_color="off")
        else:  # kept while a measurement stands in for it
            scu_key = scenario_state.key(role_key(role_id, "scu"))
            col.number_input(label, scu_low, scu_high, key=scu_key, on_change=REFRESH,
                             persist_state=scenario_state.KEPT_WHILE_HIDDEN)  # fmt: skip


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
    scenario_state.show(scenario_state.session_scenario())


top = st.columns([3, 2, 2])
top[0].segmented_control(
    "Preset", list(PRESETS), key=scenario_state.PRESET_KEY, default="Expected", on_change=apply_preset
)
top[1].segmented_control("View", ["Executive", "Analyst"], key=scenario_state.VIEW_KEY, default="Executive")


def big_view() -> bool:
    return st.session_state.get(scenario_state.VIEW_KEY) != "Analyst"


def current_base() -> Scenario:
    return scenario_state.base() or scenario_template("expected")


# The scenario as set, as computed (measured from usage when the case says so), what was measured,
# the right-sizing when shown, the result and its sensitivity.
Drawn = tuple[Scenario, Scenario, UsageMeasurement | None, RightSizing | None, ScenarioResult, Sensitivity]


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
        scenario = read_scenario(current_base(), *scenario_state.edited_lines(current_base()))
    except ValidationError as error:
        first = error.errors()[0]
        st.error(f"{'.'.join(map(str, first['loc']))}: {first['msg']}")
        return None
    except ValueError as error:  # an edited line's number that cannot be read, by field
        st.error(str(error))
        return None
    scenario_state.set_headline_json(scenario.model_dump_json())
    computed, measurement = case_state.effective(scenario)
    scenario_json, prices_json = computed.model_dump_json(), prices.model_dump_json()
    result, slot = cash_flows(scenario_json, prices_json), st.empty()
    draw_headlines(slot, result, None, big=big_view())
    # The cards go out before the Monte Carlo holds the GIL: the server's event loop sends them in
    # this pause, and the browser draws them before the rest of the run arrives. Then the cards
    # again, with the NPV range (an empty's content is replaced in place).
    time.sleep(HEADLINE_SEND_S)
    sensitivity = sensitivity_of(scenario_json, prices_json)
    draw_headlines(slot, result, sensitivity, big=big_view())
    sizing = right_sized(scenario_json, prices_json) if scenario_state.right_sizing_shown() else None
    return scenario, computed, measurement, sizing, result, sensitivity


def lines_checked(base: Scenario, agents: list[AgentLine] | None, benefit_rows: EditedRows,
                  cost_rows: EditedRows) -> None:  # fmt: skip
    """Keep the line tables' output for the next headline; rerun once if the headline above was
    drawn from other lines (an edit in a table)."""
    scenario_state.set_edited_lines(base, agents, benefit_rows, cost_rows)
    try:
        scenario = read_scenario(base, agents, benefit_rows, cost_rows)
    except ValueError:  # shown by the outputs below
        return
    if scenario.model_dump_json() != scenario_state.headline_json():
        st.rerun()


def outputs(scenario: Scenario, computed: Scenario, measurement: UsageMeasurement | None,
            sizing: RightSizing | None, result: ScenarioResult,
            sensitivity: Sensitivity) -> None:  # fmt: skip
    scenario_state.set_session_scenario(scenario)
    sync_url(scenario)
    draw_outputs(computed, measurement, result, sensitivity, big=big_view())
    if sizing is not None:
        draw_right_sizing(sizing, big=big_view())
    if lost := left_out(scenario):  # a link that reopens other numbers must say so
        st.caption(link_sentence(lost))


def read_scenario(
    base: Scenario,
    agents: list[AgentLine] | None,
    benefit_rows: EditedRows | None,
    cost_rows: EditedRows | None,
) -> Scenario:
    """The scenario the widgets' session values and the edited lines describe (None: the base's
    lines), on the case's plan and prices. Raises ``ValueError`` naming the field."""
    scenario = scenario_from_values(base, scenario_state.values())
    if agents is not None and agents != base.agents:
        scenario = Scenario.model_validate(
            scenario.model_dump() | {"agents": [a.model_dump() for a in agents], "preset": "custom"}
        )
    scenario = with_finance(scenario, scenario_state.values(), benefit_rows, cost_rows)
    case = case_state.case()
    capacity = scenario.capacity.model_copy(update={"plan": case.plan})
    return scenario.model_copy(update={"capacity": capacity, "prices": case.scenario.prices})


def draw_right_sizing(sizing: RightSizing, big: bool) -> None:
    best, current = sizing.best, sizing.current
    st.plotly_chart(charts.right_size_figure(sizing, big), key="scn_fig_rightsize")
    use_plan_button(best.plan, key="scn_use_best", label="Use the NPV-best plan")
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


def draw_outputs(scenario: Scenario, measurement: UsageMeasurement | None, result: ScenarioResult,
                 sensitivity: Sensitivity, big: bool) -> None:  # fmt: skip
    if result.served_share < 1:
        st.warning(f"{throttling_warning(result)} Raise the plan, allow overage, or compare purchasable "
                   "plans by NPV (below) and use the best.")  # fmt: skip
    for note in ledger_notes(result):
        st.warning(note, icon=":material/hourglass_full:")
    # Below the inputs, not under the headline: at 1366x768 the cards and a role's first sliders
    # then share the screen.
    st.info(break_even_sentence(result))
    st.caption(f"Plan: {result.plan_description}. Prices: {result.price_book_name}, {result.currency}.")
    if scenario.capacity.measured_roles:
        notes = "; ".join(measurement.notes if measurement else measured_summary(scenario))
        roles_from = measurement.roles_from if measurement else "the file's calibration"
        st.success(
            f"From your usage export (roles by {roles_from}): {notes}. Everything else is an assumption."
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
measured_now = case_state.effective()[1]
plan_and_usage({str(r): v for r, v in measured_now.scu_per_person_month.items()} if measured_now else {})
measured_ramp_section()
lines_checked(base, agent_lines_section(base, case_state.usage()), benefit_rows, cost_rows)
comparison_panel(prices, big=big_view())
survey_section()
