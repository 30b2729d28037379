"""The finance block's widgets (convention, risk shares, hours per FTE, other lines) and its figures.

Widgets only: the values go through ``copilot_roi.value.finance_inputs.with_finance`` and every
figure comes from the engine's result (``value.finance_text``).
"""

from __future__ import annotations

import hashlib
from typing import Any

import pandas as pd
import streamlit as st

from copilot_roi.business.finance_view import annual_table
from copilot_roi.value.bounds import field_bounds
from copilot_roi.value.engine import ScenarioResult
from copilot_roi.value.finance_inputs import (
    BENEFIT_COLUMNS,
    CONVENTION_KEY,
    COST_COLUMNS,
    FTE_HOURS_KEY,
    RISK_BENEFITS_KEY,
    RISK_COSTS_KEY,
    finance_widget_values,
    line_table,
    with_finance,
)
from copilot_roi.value.finance_settings import CONVENTION_LABELS, RiskAdjustment
from copilot_roi.value.finance_text import convention_sentence, discounted_figures, line_rows
from copilot_roi.value.scenario import Scenario, scenario_template
from ui.query_state import use_scenario
from ui.scenario_state import INPUT_PREFIX, refresh_outputs, session_scenario

EditedRows = list[dict[str, Any]]


def _editor_key(name: str, scenario: Scenario) -> str:
    # A new key when the lines the table starts from change (a preset, a file): the editor then
    # redraws from them instead of replaying edits made to other rows.
    lines = scenario.other_benefits if name == "benefits" else scenario.other_costs
    digest = hashlib.sha256(repr(lines).encode()).hexdigest()[:10]
    return f"scn_lines_{name}_{digest}"


def convention_controls(prefix: str, on_change: Any = None) -> None:
    """Convention, risk shares and hours per FTE, under ``prefix``-ed keys (the page's own)."""
    a, b, c, d = st.columns(4)
    a.radio(
        "Finance convention", list(CONVENTION_LABELS), key=f"{prefix}{CONVENTION_KEY}", on_change=on_change,
        format_func=lambda name: "Monthly" if name == "monthly" else "Annual (TEI)",
        help="Monthly: flows at each month's end. Annual: one-off costs at year 0 undiscounted, each "
        "year's flows at its end (Forrester TEI, textbooks); needs a horizon in whole years.",
    )  # fmt: skip
    high = field_bounds(RiskAdjustment, "benefits")[1] * 100
    b.slider("Risk adjustment on benefits (%)", 0.0, high, step=1.0, key=f"{prefix}{RISK_BENEFITS_KEY}",
             on_change=on_change, help="Benefits reduced by this share before discounting.")  # fmt: skip
    high = field_bounds(RiskAdjustment, "costs")[1] * 100
    c.slider("Risk adjustment on costs (%)", 0.0, high, step=1.0, key=f"{prefix}{RISK_COSTS_KEY}",
             on_change=on_change, help="Costs raised by this share before discounting (TEI).")  # fmt: skip
    low, high = field_bounds(Scenario, "hours_per_fte_year")
    d.number_input("Hours per analyst FTE a year", low, high, step=50.0, key=f"{prefix}{FTE_HOURS_KEY}",
                   on_change=on_change, help="Freed hours / years / this = analyst FTEs freed.")  # fmt: skip


def finance_inputs(base: Scenario, currency: str) -> tuple[EditedRows, EditedRows]:
    """The Value scenarios page's finance expander; returns the edited benefit and cost rows."""
    with st.expander("Finance convention, risk adjustment and other benefit and cost lines"):
        convention_controls(INPUT_PREFIX, on_change=refresh_outputs)
        st.caption(
            f"Other lines, in {currency} per year: type year 1, year 2, ... separated by ';' (a shorter "
            "list repeats its last amount). Band: optional multipliers on the line for the tornado and "
            "the Monte Carlo (e.g. 0.5 and 1.1); without one, plus or minus 20 %. Add a row at the "
            "bottom of a table; select rows and press Delete to remove them."
        )
        text = st.column_config.TextColumn
        number = st.column_config.NumberColumn
        common = {
            "name": text("Line", required=True, max_chars=120),
            "per_year": text("Per year (year 1; year 2; ...)"),
            "source": text("Source", max_chars=500),
            "band_low": number("Band low (x)", min_value=0.0, max_value=10.0),
            "band_high": number("Band high (x)", min_value=0.0, max_value=10.0),
        }
        st.markdown("**Other benefits** (avoided tools or services)")
        benefits = st.data_editor(
            pd.DataFrame(line_table(base.other_benefits), columns=list(BENEFIT_COLUMNS)),
            num_rows="dynamic", hide_index=True, key=_editor_key("benefits", base), column_config=common,
        )  # fmt: skip
        st.markdown("**Other costs** (administration, governance, partner services)")
        costs = st.data_editor(
            pd.DataFrame(line_table(base.other_costs), columns=list(COST_COLUMNS)),
            num_rows="dynamic", hide_index=True, key=_editor_key("costs", base),
            column_config=common | {"one_off": number(f"One-off ({currency})", min_value=0.0)},
        )  # fmt: skip
    return _records(benefits), _records(costs)


def _records(frame: pd.DataFrame) -> EditedRows:
    return [{str(k): v for k, v in row.items()} for row in frame.to_dict(orient="records")]


def draw_finance_figures(result: ScenarioResult, detailed: bool) -> None:
    """Discounted figures with their convention, the FTE view and (detailed) the annual table."""
    for col, (label, value, note) in zip(st.columns(5), discounted_figures(result), strict=True):
        col.metric(label, value, help=note)
    st.caption(convention_sentence(result))
    if result.fte is not None:
        st.caption(result.fte.sentence(result.currency))
    if detailed and result.yearly:
        table = annual_table(result)
        assert table is not None  # yearly rows exist
        st.dataframe(pd.DataFrame(table.rows, columns=list(table.headers)), hide_index=True)


BC_PREFIX = "bc_"
BC_ERROR_KEY = "bc_finance_error"


def _apply_business_case_finance() -> None:
    """on_change of the Business case page's finance widgets: the session's scenario follows them."""
    base = session_scenario() or scenario_template("expected")
    prefixed = {str(k): v for k, v in st.session_state.items() if str(k).startswith(BC_PREFIX)}
    values = {k.removeprefix(BC_PREFIX): v for k, v in prefixed.items()}
    try:
        updated = with_finance(base, values, None, None)
    except ValueError as error:
        st.session_state[BC_ERROR_KEY] = str(error).splitlines()[-1][:300]
        return
    st.session_state.pop(BC_ERROR_KEY, None)
    use_scenario(updated)  # the Value scenarios page redraws from it too


def business_case_finance(scenario: Scenario) -> None:
    """The Business case page's convention and risk controls, shown with the scenario's values."""
    st.session_state.update({f"{BC_PREFIX}{k}": v for k, v in finance_widget_values(scenario).items()})
    with st.expander(f"Finance convention: {scenario.finance.convention}; risk adjustment and FTEs"):
        convention_controls(BC_PREFIX, on_change=_apply_business_case_finance)
        if error := st.session_state.get(BC_ERROR_KEY):
            st.error(error)
        rows = line_rows(scenario)
        if rows:
            st.caption("Other benefit and cost lines (edit them on the Value scenarios page):")
            st.dataframe(
                pd.DataFrame(rows, columns=["Kind", "Line", "One-off", "Per year", "Source"]), hide_index=True
            )
