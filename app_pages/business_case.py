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

from copilot_roi.business.bundle import CASE_NAME, HTML_NAME, MIME, PPTX_NAME, XLSX_NAME, case_file
from copilot_roi.business.case import BusinessCase, build_case, evidence_authors
from copilot_roi.business.html import html_bytes
from copilot_roi.business.pptx import deck_bytes
from copilot_roi.business.share_link import left_out, link_sentence
from copilot_roi.business.xlsx import workbook_bytes
from copilot_roi.case import MAX_NAME_CHARS, Case, is_case_file, open_case, price_book_changes, repriced
from copilot_roi.charts import value_charts
from copilot_roi.cli.errors import describe_validation_error
from copilot_roi.pricebook import load_price_book
from copilot_roi.usage import UsageDataset
from copilot_roi.usage.chargeback import Roster
from copilot_roi.value.scenario import Scenario, scenario_template
from copilot_roi.value.simulation_text import range_sentence, share_positive_sentence
from copilot_roi.wording import (
    money,
    npv_in_each_convention,
    payback_fell_back_sentence,
    payback_sentence,
    payback_text,
)
from ui import case_state, compare_state, scenario_state
from ui.compare_panel import comparison_section, named_json
from ui.finance_inputs import business_case_finance, draw_finance_figures
from ui.query_state import clear_url, reset_scenario, show_link_problems, sync_url
from ui.sidebar import current_prices, pseudonymise_on
from ui.usage_state import alias_key

VERDICT_BOX = {"Proceed": st.success, "Proceed with a measured pilot": st.info}


@st.cache_data(scope="session", max_entries=4, show_spinner="Building the business case...")
def business_case(
    record_json: str,
    scenario_json_text: str,
    prepared_on: dt.date,
    pseudonymise: bool,
    data_key: str,
    _usage: UsageDataset | None,
    _roster: Roster | None,
    _alias_key: bytes,
    compared_json: str = "[]",
) -> BusinessCase:
    record = Case.model_validate_json(record_json)
    compared = [(name, Scenario.model_validate_json(s)) for name, s in json.loads(compared_json)]
    return build_case(
        Scenario.model_validate_json(scenario_json_text),
        record.prices(),
        _usage,
        prepared_on=prepared_on,
        pseudonymise=pseudonymise,
        pseudonym_key=_alias_key,
        roster=_roster,
        compared=compared,
        price_book=record.price_book,
        record=record,
    )


def load_uploaded_case() -> None:
    """``on_change`` of the loader: a case.json replaces the case; a scenario.json its scenario."""
    upload = st.session_state.get("bc_load")
    if upload is None:
        return
    data = upload.getvalue()
    digest = hashlib.sha256(data).hexdigest()
    if st.session_state.get("bc_loaded_digest") == digest:
        return
    st.session_state["bc_loaded_digest"] = digest
    try:
        loaded = open_case(data)
    except ValidationError as error:
        # Field names can come from the file: keep markdown link and emphasis syntax out of them.
        reason = re.sub(r"[\[\]()`*#!<>{}|~\\]", " ", describe_validation_error(error))[:300]
        st.session_state["bc_load_error"] = f"Not a valid case or scenario: {reason}"
        return
    except ValueError as error:
        st.session_state["bc_load_error"] = f"Not a valid case or scenario: {str(error)[:300]}"
        return
    st.session_state.pop("bc_load_error", None)
    current = case_state.case()
    if not is_case_file(data):  # an older scenario.json: its scenario (and plan) in today's case
        case_state.replace_case(current.with_scenario(loaded.scenario))
        case_state.notice("Scenario loaded (with its plan and prices); every page now shows it.")
        return
    # The data stays what this session has loaded: the case says which files it was built on.
    notes = ["Case loaded; every page now shows it."]
    if loaded.usage != current.usage:
        wanted = ", ".join(f.file_name for f in loaded.usage.files) if loaded.usage else "no usage export"
        notes.append(f"It was built on {wanted}: load the same files on Usage analytics to reproduce it.")
    if loaded.roster != current.roster:
        notes.append("It was built with " + (f"the roster {loaded.roster.file_name}" if loaded.roster
                     else "no roster") + ": load it on Chargeback to reproduce it.")  # fmt: skip
    case_state.replace_case(loaded.model_copy(update={"usage": current.usage, "roster": current.roster}))
    case_state.notice(" ".join(notes))


def reset() -> None:
    reset_scenario()
    for key in [k for k in st.session_state if str(k).startswith(("scn_", "bc_"))]:
        del st.session_state[key]
    clear_url()


def reprice() -> None:
    case_state.set_case(repriced(case_state.case()))


def set_calibration() -> None:
    current = case_state.case()
    case_state.set_case(
        current.model_copy(update={"calibrate_from_usage": bool(st.session_state["bc_calibrate"])})
    )


def set_names() -> None:
    current = case_state.case()
    names = {
        "customer_name": str(st.session_state.get("bc_customer") or "").strip()[:MAX_NAME_CHARS],
        "partner_name": str(st.session_state.get("bc_partner") or "").strip()[:MAX_NAME_CHARS],
    }
    case_state.set_case(current.model_copy(update=names))


st.title("Business case")
show_link_problems()
record = case_state.case()
if changes := price_book_changes(record.price_book, load_price_book()):
    with st.container(border=True):
        st.warning(
            "This case was priced under another price book than today's; its figures stay as priced "
            "until you re-price it. What changed: " + "; ".join(changes) + "."
        )
        st.button("Re-price under today's book", key="bc_reprice", on_click=reprice, icon=":material/sync:")
template = scenario_template("expected")
if record.scenario.model_copy(update={"capacity": template.capacity, "prices": template.prices}) == template:
    st.info(
        "The case's scenario is the expected template: adjust it on Value scenarios, or open a saved "
        "case below."
    )
usage = case_state.usage()
scenario, measured = case_state.effective()
prices = current_prices()
pseudonymise = pseudonymise_on()
record = case_state.case()
saved = compare_state.saved()
case = business_case(
    record.model_copy(update={"customer_name": "", "partner_name": ""}).model_dump_json(),
    scenario.model_dump_json(),
    dt.date.today(),
    pseudonymise,
    # The data by its identity (the files' hashes) and, for data put in the session directly, its object.
    f"{record.usage}|{record.roster}|{id(usage)}|{id(case_state.roster())}",
    usage,
    case_state.roster(),
    alias_key(),
    named_json(saved) if len(saved) > 1 else "[]",
)
# Names only label the files: typing them must not recompute the case.
case = dataclasses.replace(case, customer_name=record.customer_name, partner_name=record.partner_name)
sync_url(record.scenario)
r, c = case.result, case.prices.currency

VERDICT_BOX.get(case.verdict, st.warning)(case.recommendation)
if case.throttling_warning:
    st.warning(case.throttling_warning, icon=":material/block:")
for note in case.ledger_notes:
    st.warning(note, icon=":material/hourglass_full:")
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
    + f". In the {r.convention} convention (both conventions below).",
)
k[4].metric(
    "Payback", payback_text(r.payback_month), help=payback_sentence(r.payback_month, r.first_crossing_month)
)
if fell_back := payback_fell_back_sentence(r.payback_month, r.first_crossing_month):
    st.warning(fell_back, icon=":material/trending_down:")
# The NPV in both conventions, the case's first: a CFO compares cases in either.
npvs = npv_in_each_convention(r.npv_by_convention, r.convention, c)
for col, (label, amount) in zip(st.columns(max(len(npvs), 1)), npvs, strict=False):
    col.metric(label, amount)
draw_finance_figures(r, detailed=True)
st.caption(
    f"{range_sentence(money(case.range.p10, c), money(case.range.p90, c), case.range.draws)}; "
    f"{share_positive_sentence(case.range.share_npv_positive, case.range.draws)}. "
    f"Price book: {case.price_book_label()}. Plan: {r.plan_description}."
)

# What the case is made of, below its answer: the widgets' callbacks change the case before the
# next run computes it, so drawing them after the figures changes nothing but their place.
if usage is not None:
    case_state.fill_widgets({"bc_calibrate": record.calibrate_from_usage})
    st.toggle(
        "Measure SCUs per person from the loaded usage export",
        key="bc_calibrate",
        on_change=set_calibration,
        help="The case's choice, the same on every page: demand per person measured from the export "
        "(users mapped to roles by the roster, then the Chargeback rules).",
    )
    if measured is not None:
        st.caption(
            f"Measured from the usage (roles by {measured.roles_from}): " + "; ".join(measured.notes)
            if measured.scu_per_person_month
            else "No role could be measured from the loaded usage: SCUs per person stay estimates."
        )

business_case_finance(scenario_state.session_scenario())
case_state.fill_widgets({"bc_customer": record.customer_name, "bc_partner": record.partner_name})
names = st.columns(2)
names[0].text_input("Customer name", key="bc_customer", max_chars=MAX_NAME_CHARS, on_change=set_names)
names[1].text_input("Partner name", key="bc_partner", max_chars=MAX_NAME_CHARS, on_change=set_names)

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
                f"NPV at low ({c})": round(b.npv_at_low, 0),
                f"NPV at high ({c})": round(b.npv_at_high, 0),
                f"Swing ({c})": round(b.swing, 0),
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
    ("Case (JSON)", CASE_NAME, case_file, ":material/data_object:"),
)
for col, (label, name, render, icon) in zip(d, downloads, strict=True):
    col.download_button(
        label, partial(render, case), file_name=name, mime=MIME[name], key=f"bc_dl_{name}",
        icon=icon, on_click="ignore",
    )  # fmt: skip

st.subheader("The case file")
p = st.columns([3, 1])
p[0].file_uploader(
    "Open a saved case (case.json) or scenario (scenario.json)", type=["json"], key="bc_load",
    on_change=load_uploaded_case, max_upload_size=2,
    help="A case.json saved from this page or written by `copilot-roi report`; a scenario.json "
    "from an earlier version or `copilot-roi scenario-template`.",
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
    help="Back to the expected template (the plan, prices, names and loaded data stay).",
)
st.caption(link_sentence(left_out(record.scenario)))
