"""Business case: the decision for a CFO on one page, the files that carry it, portable scenarios."""

import dataclasses
import datetime as dt
import hashlib
import json
import re
from functools import partial

import pandas as pd
import streamlit as st
from pydantic import ValidationError

from copilot_roi.business.bundle import HTML_NAME, MIME, PPTX_NAME, SCENARIO_NAME, XLSX_NAME, scenario_json
from copilot_roi.business.case import BusinessCase, build_case, evidence_authors
from copilot_roi.business.html import html_bytes
from copilot_roi.business.pptx import deck_bytes
from copilot_roi.business.share_link import left_out, link_sentence
from copilot_roi.business.xlsx import workbook_bytes
from copilot_roi.charts import value_charts
from copilot_roi.cli.errors import describe_validation_error
from copilot_roi.pricebook import Prices, load_price_book
from copilot_roi.usage import UsageDataset
from copilot_roi.value.calibration import calibrate_from_usage
from copilot_roi.value.scenario import Scenario, scenario_template
from copilot_roi.value.simulation_text import range_sentence, share_positive_sentence
from copilot_roi.value.workshop import money, overrides_from_prices
from ui import compare_state
from ui.compare_panel import comparison_section, named_json
from ui.finance_inputs import business_case_finance, draw_finance_figures
from ui.query_state import clear_url, show_link_problems, sync_url, use_scenario
from ui.scenario_state import session_scenario
from ui.sidebar import current_prices, pseudonymise_on
from ui.usage_state import alias_key

MAX_SCENARIO_UPLOAD_BYTES = 1_000_000
VERDICT_BOX = {"Proceed": st.success, "Proceed with a measured pilot": st.info}


@st.cache_data(scope="session", max_entries=4, show_spinner="Building the business case...")
def business_case(
    scenario_json_text: str,
    prices_json: str,
    prepared_on: dt.date,
    pseudonymise: bool,
    usage_fingerprint: str,
    _usage: UsageDataset | None,
    _alias_key: bytes,
    compared_json: str = "[]",
) -> BusinessCase:
    compared = [(name, Scenario.model_validate_json(s)) for name, s in json.loads(compared_json)]
    return build_case(
        Scenario.model_validate_json(scenario_json_text),
        Prices.model_validate_json(prices_json),
        _usage,
        prepared_on=prepared_on,
        pseudonymise=pseudonymise,
        pseudonym_key=_alias_key,
        compared=compared,
    )


def fingerprint(usage: UsageDataset | None) -> str:
    if usage is None:
        return ""
    q = usage.quality
    return f"{q.rows_used}|{q.first}|{q.last}|{usage.total_units:.6f}|{[f.file_name for f in q.files]}"


def load_uploaded_scenario() -> None:
    upload = st.session_state.get("bc_load")
    if upload is None:
        return
    data = upload.getvalue()
    digest = hashlib.sha256(data).hexdigest()
    if st.session_state.get("bc_loaded_digest") == digest:
        return
    st.session_state["bc_loaded_digest"] = digest
    if len(data) > MAX_SCENARIO_UPLOAD_BYTES:
        st.session_state["bc_load_error"] = "That file is too large to be a scenario (limit 1 MB)."
        return
    try:
        loaded = Scenario.model_validate_json(data)
    except ValidationError as error:
        # Field names can come from the file: keep markdown link and emphasis syntax out of them.
        reason = re.sub(r"[\[\]()`*#!<>{}|~\\]", " ", describe_validation_error(error))[:300]
        st.session_state["bc_load_error"] = f"Not a valid scenario: {reason}"
        return
    st.session_state.pop("bc_load_error", None)
    use_scenario(loaded)
    st.session_state["bc_loaded_note"] = "Scenario loaded; the Value scenarios page now shows it."


def reset() -> None:
    use_scenario(None)
    for key in [k for k in st.session_state if str(k).startswith(("scn_", "bc_"))]:
        del st.session_state[key]
    clear_url()


st.title("Business case")
show_link_problems()
scenario = session_scenario()
if scenario is None:
    scenario = scenario_template("expected")
    st.info(
        "No scenario from the Value scenarios page yet: this is the expected template. "
        "Adjust it there, or load a saved scenario below."
    )
prices = current_prices()
# The exported scenario carries the sidebar's prices, so `copilot-roi report` on the saved JSON
# gives the same numbers as this page.
scenario = scenario.model_copy(update={"prices": overrides_from_prices(prices, load_price_book())})
usage = st.session_state.get("usage_dataset")
usage = usage if isinstance(usage, UsageDataset) else None
pseudonymise = pseudonymise_on()
if usage is not None and st.toggle(
    "Measure SCUs per person from the loaded usage export",
    value=True,
    key="bc_calibrate",
    help="One story per case: with an export loaded, demand per person is measured from it "
    "(users mapped to roles by the Chargeback page's roster and rules, else the plugin rules).",
):
    if scenario.capacity.usage_source != "usage":
        calibration = calibrate_from_usage(
            scenario, usage, st.session_state.get("usage_roster"), st.session_state.get("usage_role_rules")
        )
        scenario, measured = calibration.scenario, calibration.measurement
        st.caption(
            f"Measured from the usage (roles by {measured.roles_from}): " + "; ".join(measured.notes)
            if measured.scu_per_person_month
            else "No role could be measured from the loaded usage: SCUs per person stay estimates."
        )
    else:
        st.caption("SCUs per person were measured on the Value scenarios page: " + ", ".join(
            scenario.capacity.measured_roles))  # fmt: skip
st.session_state["bc_exported_scenario"] = scenario

business_case_finance(scenario)
names = st.columns(2)
customer = names[0].text_input("Customer name", key="bc_customer", max_chars=120)
partner = names[1].text_input("Partner name", key="bc_partner", max_chars=120)
saved = compare_state.saved()
case = business_case(
    scenario.model_dump_json(),
    prices.model_dump_json(),
    dt.date.today(),
    pseudonymise,
    fingerprint(usage),
    usage,
    alias_key(),
    named_json(saved) if len(saved) > 1 else "[]",
)
# Names only label the files: typing them must not recompute the case.
case = dataclasses.replace(case, customer_name=customer.strip(), partner_name=partner.strip())
sync_url(scenario)
r, c = case.result, case.prices.currency

VERDICT_BOX.get(case.verdict, st.warning)(case.recommendation)
if case.throttling_warning:
    st.warning(case.throttling_warning, icon=":material/block:")
k = st.columns(5)
k[0].metric("Cost", money(r.total_cost, c), help=f"Capacity and one-off costs over {r.horizon_months} months")
k[1].metric(
    "Realised value", money(r.total_value, c), help=f"{r.realisation_rate:.0%} of freed hours counted"
)
k[2].metric("Analyst hours freed", f"{r.total_hours_freed:,.0f} h", help="Time freed, before realisation")
k[3].metric(
    "NPV",
    money(r.npv, c),
    help=range_sentence(money(case.range.p10, c), money(case.range.p90, c), case.range.draws)
    + f". In the {r.convention} convention (see the figures below).",
)
k[4].metric("Payback", f"Month {r.payback_month}" if r.payback_month else "Not within horizon")
draw_finance_figures(r, detailed=True)
st.caption(
    f"{range_sentence(money(case.range.p10, c), money(case.range.p90, c), case.range.draws)}; "
    f"{share_positive_sentence(case.range.share_npv_positive, case.range.draws)}. "
    f"Price book: {case.price_book_label()}. Plan: {r.plan_description}."
)

left, right = st.columns([3, 2], gap="large")
with left:
    st.plotly_chart(value_charts.cumulative_figure(r), key="bc_fig_cumulative")
with right:
    st.subheader("What must be true")
    st.markdown("\n".join(f"- {line}" for line in case.what_must_be_true))

st.subheader("The assumptions that matter most")
st.dataframe(
    pd.DataFrame(
        [
            {
                "Input": b.label,
                "Range": f"{b.low_input:,.3g} to {b.high_input:,.3g}",
                f"NPV at low ({c})": round(b.npv_at_low),
                f"NPV at high ({c})": round(b.npv_at_high),
                f"Swing ({c})": round(b.swing),
            }
            for b in case.top_assumptions
        ]
    ),
    hide_index=True,
    column_config={
        name: st.column_config.NumberColumn(name, format="localized")
        for name in (f"NPV at low ({c})", f"NPV at high ({c})", f"Swing ({c})")
    },
)
with st.expander(f"The evidence behind them (studies run by {evidence_authors(case)})"):
    st.caption(
        "Time saved cites only task-time studies (labour minutes). Elapsed-time results (incidents "
        "resolved faster) are context, not labour saved. Significance is as the study reported it."
    )
    st.dataframe(pd.DataFrame([vars(e) for e in case.evidence]), hide_index=True)
with st.expander("Every input and its source"):
    st.dataframe(pd.DataFrame([vars(a) for a in case.assumptions]), hide_index=True)
if case.usage is not None:
    u = case.usage
    st.caption(
        f"Usage loaded: {u.rows:,} rows, {u.total_units_scu:,.1f} SCUs, {u.first:%d %b %Y} to "
        f"{u.last:%d %b %Y}; the spreadsheet adds usage and chargeback sheets"
        + (" with pseudonymised names." if u.pseudonymised else ".")
    )

if case.comparison is not None:
    st.subheader("Saved scenarios side by side")
    comparison_section(case.comparison)

st.subheader("Files for the decision maker")
st.caption("Each file is generated when you click it. Nothing is stored on the server.")
d = st.columns(4)
downloads = (
    ("Spreadsheet (XLSX)", XLSX_NAME, workbook_bytes, ":material/table:"),
    ("Deck (PPTX)", PPTX_NAME, deck_bytes, ":material/slideshow:"),
    ("One-pager (HTML)", HTML_NAME, html_bytes, ":material/article:"),
    ("Scenario (JSON)", SCENARIO_NAME, scenario_json, ":material/data_object:"),
)
for col, (label, name, render, icon) in zip(d, downloads, strict=True):
    col.download_button(
        label, partial(render, case), file_name=name, mime=MIME[name], key=f"bc_dl_{name}",
        icon=icon, on_click="ignore",
    )  # fmt: skip

st.subheader("Portable scenario")
p = st.columns([3, 1])
p[0].file_uploader(
    "Load a saved scenario (JSON)", type=["json"], key="bc_load", on_change=load_uploaded_scenario,
    help="A scenario.json saved from this page or written by `copilot-roi scenario-template`.",
)  # fmt: skip
if st.session_state.get("bc_load_error"):
    st.error(st.session_state["bc_load_error"])
if note := st.session_state.pop("bc_loaded_note", None):
    st.success(note)
p[1].button(
    "Reset",
    on_click=reset,
    key="bc_reset",
    icon=":material/restart_alt:",
    help="Back to the expected template.",
)
st.caption(link_sentence(left_out(scenario)))
