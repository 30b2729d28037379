"""Usage analytics: upload exports, check what was read, and see who used what, when."""

import datetime as dt

import streamlit as st

from copilot_roi.charts.usage_charts import breakdown_figure, daily_trend_figure, heatmap_figure
from copilot_roi.usage import IngestOptions, UntrustedFileError
from copilot_roi.usage import analytics as ua
from ui import case_state
from ui.adoption_section import adoption_section
from ui.agent_rates import agent_rate_card_tab
from ui.history_panel import history_dataset, history_section
from ui.plan_inputs import TIMEZONES
from ui.tables import show_table
from ui.usage_state import (
    SAMPLE_EXPORT_TAKEN_ON,
    clear_loaded,
    is_sample,
    load_dataset,
    load_sample,
    loaded_files,
    plain,
    shown_file_name,
    shown_frame,
    shown_sources,
    widget_suffix,
)
from ui.workspace_sections import usage_workspace_table, workspace_filter

st.title("Usage analytics")


def empty_uploader() -> None:
    # A new uploader key empties the uploader, which would otherwise load the files again.
    st.session_state["usage_uploads_version"] = int(st.session_state.get("usage_uploads_version", 0)) + 1


def clear_export() -> None:
    clear_loaded()
    empty_uploader()


loaded = case_state.case().usage
# With an export loaded, the answer (its figures) comes first: loading others folds away.
inputs = st.expander("Load other exports, or read these again") if loaded else st.container()
with inputs:
    uploads = st.file_uploader(
        "Usage exports (CapacityUsage.xlsx or CSV; several files are merged)",
        type=["xlsx", "csv", "tsv", "txt"],
        accept_multiple_files=True,
        # A new key per clearing (the first keeps the plain name).
        key="usage_uploads"
        + (f"_{v}" if (v := int(st.session_state.get("usage_uploads_version", 0))) else ""),
        help="Owner settings > Usage monitoring > Export. Files stay in this session's memory.",
    )
    held_identity, held = loaded_files()
    zones: tuple[str, ...] = TIMEZONES
    if loaded is not None:
        zones = TIMEZONES if loaded.timezone in TIMEZONES else (*TIMEZONES, loaded.timezone)
        case_state.fill_widgets({"usage_as_of": loaded.as_of or dt.date.today(), "usage_tz": loaded.timezone})
    c1, c2 = st.columns(2)
    as_of = c1.date_input(
        "Export taken on",
        value=None if "usage_as_of" in st.session_state else dt.date.today(),
        key="usage_as_of",
        help="The export's dates have no year: each file's dates are read as one run of at most 92 "
        "days ending on or before this day. "
        f"The bundled sample was taken on {SAMPLE_EXPORT_TAKEN_ON:%d %b %Y}.",
    )
    timezone = c2.selectbox(
        "Time zone of the export", zones, key="usage_tz", help="The exporting user's time zone."
    )
options = IngestOptions(as_of=as_of or dt.date.today(), timezone=timezone)

try:
    if uploads:
        dataset = load_dataset(
            [f"{f.file_id}:{f.name}:{f.size}" for f in uploads],
            lambda: [(f.name, f.getvalue()) for f in uploads],
            options,
        )
    elif (kept := history_dataset(timezone)) is not None:
        dataset = kept  # a customer's kept history, chosen below
    elif held:
        # The export stays loaded when this page is left and opened again (the uploader is then
        # empty): the same files, re-read only when the day or the time zone changes.
        dataset = load_dataset(held_identity, lambda: held, options)
    else:
        dataset = load_sample(timezone)
except UntrustedFileError as error:
    st.error(
        "This file cannot be trusted, so nothing was loaded (every page keeps the data it had): "
        + plain(error)
    )
    st.stop()
if is_sample(dataset):
    st.info("Showing the bundled sample exports (a made-up tenant). Upload yours above.")
elif (in_use := case_state.usage_history()) is not None:
    c1, c2 = st.columns([3, 1], vertical_alignment="center")
    c1.success(f"Using {plain(in_use[0])}'s kept history. Every page uses it until you clear it.")
    c2.button("Back to the sample", key="usage_clear", on_click=clear_export, icon=":material/close:")
else:
    c1, c2 = st.columns([3, 1], vertical_alignment="center")
    c1.success(f"Loaded for this session: {shown_sources(dataset)}. Every page uses it until you clear it.")
    c2.button("Back to the sample", key="usage_clear", on_click=clear_export, icon=":material/close:")

history_section(
    dataset,
    uploaded=not is_sample(dataset) and case_state.usage_history() is None,
    timezone=timezone,
    empty_uploader=empty_uploader,
)

q = dataset.quality
with st.expander(
    f"Data quality: {q.rows_used:,} rows used of {q.rows_read:,} read, {q.rows_rejected:,} "
    f"rejected, {q.duplicates_removed:,} duplicates removed",
    expanded=q.rows_rejected > 0,
):
    k = list(st.columns(4))
    k[0].metric("Rows read", f"{q.rows_read:,}")
    k[1].metric("Rows used", f"{q.rows_used:,}")
    k[2].metric("Rows rejected", f"{q.rows_rejected:,}")
    k[3].metric("Duplicates removed", f"{q.duplicates_removed:,}")
    years = "/".join(str(y) for y in q.inferred_years) or "given in the file"
    st.write(
        f"Dates from **{q.first:%d %b %Y %H:%M}** to **{q.last:%d %b %Y %H:%M}** ({q.timezone}); "
        f"year inferred: **{years}** (export taken on {q.as_of:%d %b %Y})."
    )
    notes = []
    if q.blank_rows:
        notes.append(f"{q.blank_rows:,} blank rows skipped")
    if q.total_rows:
        notes.append(f"{q.total_rows:,} trailing total rows skipped")
    if q.ambiguous_times:
        notes.append(
            f"{q.ambiguous_times:,} times fall in the repeated hour when clocks go back; "
            "the first occurrence was used"
        )
    # Each note starts with its file's name, which may hold a user's name.
    notes += [plain(shown_file_name(note, dataset)) for note in q.notes]
    if notes:
        st.caption("; ".join(notes) + ".")
    st.dataframe(
        [
            {
                "File": shown_file_name(f.file_name, dataset),
                "Read as": f.description,
                "Rows read": f.rows_read,
                "Used": f.rows_used,
                "Rejected": f.rows_rejected,
            }
            for f in q.files
        ],
        hide_index=True,
    )
    st.dataframe(
        [
            {"File": shown_file_name(f.file_name, dataset), "Header in the file": header, "Read as": field}
            for f in q.files
            for header, field in f.mapping
        ],
        hide_index=True,
    )
    if len(q.rejections):
        st.write(f"Rejected rows ({len(q.rejections):,}; the first 500 are listed):")
        listed = q.rejections.head(500)
        st.dataframe(
            listed.assign(file=[shown_file_name(f, dataset) for f in listed["file"]]), hide_index=True
        )

frame = shown_frame(dataset.frame)
suffix = widget_suffix()
with st.sidebar.expander("Usage filters", expanded=False):
    days = st.date_input(
        "Days",
        value=(q.first.date(), q.last.date()),
        min_value=q.first.date(),
        max_value=q.last.date(),
        key=f"usage_days_{suffix}",
    )
    chosen = ua.UsageFilter(
        first_day=days[0] if len(days) > 0 else None,
        last_day=days[1] if len(days) > 1 else None,
        users=tuple(st.multiselect("Users", ua.options(frame, "user"), key=f"usage_f_users_{suffix}")),
        plugins=tuple(
            st.multiselect("Plugins", ua.options(frame, "plugins"), key=f"usage_f_plugins_{suffix}")
        ),
        experiences=tuple(
            st.multiselect("Experiences", ua.options(frame, "experience"), key=f"usage_f_exp_{suffix}")
        ),
        categories=tuple(
            st.multiselect("Categories", ua.options(frame, "category"), key=f"usage_f_cat_{suffix}")
        ),
        actor=st.radio("Who", ["all", "people", "agents"], horizontal=True, key="usage_f_actor"),
        workspaces=workspace_filter(frame, f"usage_f_ws_{suffix}"),
    )
filtered = ua.apply_filter(frame, chosen)
if filtered.empty:
    st.warning("No usage rows match these filters.")
    st.stop()
series = ua.series_of(filtered, q.timezone)
summary = ua.summarise(filtered, series)
plan = case_state.plan()
# Utilisation is measured against the case's plan (its business-hours level when scheduled).
provisioned = plan.schedule.business_scu if plan.schedule else plan.provisioned_scu
st.caption(
    f"Utilisation and hours above 90 % are measured against the case's plan, {plan.describe()} "
    "(change it on Capacity & cost or Right-sizing)."
)
kpis = ua.capacity_kpis(series, float(provisioned))

k = list(st.columns(4))
k[0].metric("SCUs used", f"{summary.total_units:,.1f}")
k[1].metric("Sessions", f"{summary.sessions:,}")
k[2].metric("Users", f"{summary.users:,}")
k[3].metric("SCUs per session", f"{summary.units_per_session:,.2f}")
k = list(st.columns(3))
k[0].metric(
    "Busiest hour",
    f"{kpis.busiest_hour_units:,.1f} SCU",
    f"{kpis.busiest_hour:%a %d %b %H:00}",
    delta_color="off",
)
k[1].metric(
    "7-day average utilisation",
    f"{kpis.utilisation_7d:.0%}" if kpis.utilisation_7d is not None else "n/a",
    help="Mean SCUs per hour over the last 7 days, divided by the provisioned level.",
)
k[2].metric("Hours above 90 % of capacity", f"{kpis.hours_above_90pct:,}")

usage_workspace_table(dataset)
st.plotly_chart(heatmap_figure(ua.hour_of_week(series)), key="usage_heatmap")
st.plotly_chart(daily_trend_figure(ua.daily_trend(series), float(provisioned)), key="usage_daily")
tabs = st.tabs(
    ["Users", "Plugins", "Experiences", "Categories", "Type", "Agents vs people", "Agent rate card"]
)
for tab, dimension, title in zip(
    tabs[:-1],
    ("user", "plugins", "experience", "category", "type", "actor"),
    (
        "SCUs by user",
        "SCUs by plugin",
        "SCUs by experience",
        "SCUs by category",
        "SCUs by type",
        "SCUs: agents and people",
    ),
    strict=True,
):
    table = summary.tables[dimension]
    tab.plotly_chart(breakdown_figure(table, title), key=f"usage_by_{dimension}")
    show_table(table, target=tab)
with tabs[-1]:
    # Computed on the unaliased rows the filter kept, so agents keep their product names.
    agent_rate_card_tab(dataset.frame.loc[filtered.index], tuple(days))

# On every row the export holds (people only), not on the filters above: its windows are the data's.
adoption_section(dataset)
