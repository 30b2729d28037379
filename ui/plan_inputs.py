"""Widgets that build a CapacityPlan and an estimate profile; shared by the capacity and value pages."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st
from pydantic import ValidationError

from copilot_roi.estimate import RULES_OF_THUMB, AgentUsage, EstimateInputs, PeopleUsage
from copilot_roi.plans import DAY_NAMES, CapacityPlan, OverageMode, Schedule

TIMEZONES = (
    "UTC",
    "Europe/London",
    "Europe/Paris",
    "Europe/Berlin",
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Australia/Sydney",
)
OVERAGE_LABELS: dict[str, OverageMode] = {
    "Off (throttle)": "none",
    "Capped": "capped",
    "Unlimited": "unlimited",
}
# The plan the widgets open on (Learn advises 3 SCUs to start); the Capacity page's landing view
# is computed once for it (ui/capacity_landing.py).
DEFAULT_PLAN = CapacityPlan(provisioned_scu=3, overage="unlimited", overage_cap_scu_per_hour=5.0)


def plan_inputs(prefix: str, timezone: str) -> CapacityPlan | None:
    """Draw the plan widgets; None (with the reason shown) when the inputs do not make a plan."""
    kind = st.radio("Capacity", ["24x7", "Business-hours schedule"], horizontal=True, key=f"{prefix}_kind")
    c1, c2, c3 = st.columns(3)
    level = c1.number_input(
        "Provisioned SCUs",
        0,
        100,
        DEFAULT_PLAN.provisioned_scu,
        key=f"{prefix}_scu",
        help="A capacity holds 1 to 100 SCUs. 0 = none: only with E5/E7 licences, whose default "
        "capacity then serves everything (overage runs only on a capacity). Learn advises 3 to start.",
    )
    overage_label = c2.selectbox(
        "Overage",
        list(OVERAGE_LABELS),
        index=list(OVERAGE_LABELS.values()).index(DEFAULT_PLAN.overage),
        key=f"{prefix}_overage",
    )
    cap = c2.number_input(
        "Overage cap (SCU per hour)",
        0.1,
        1000.0,
        DEFAULT_PLAN.overage_cap_scu_per_hour,
        key=f"{prefix}_cap",
        disabled=OVERAGE_LABELS[overage_label] != "capped",
    )
    licences = c3.number_input(
        "Microsoft 365 E5/E7 licences",
        0,
        10_000_000,
        DEFAULT_PLAN.e5_licences,
        step=100,
        key=f"{prefix}_e5",
        help="0.4 SCU per licence per month, at most 10,000 SCU, no rollover.",
    )
    schedule = None
    if kind == "Business-hours schedule":
        s1, s2, s3 = st.columns(3)
        days = s1.multiselect("Business days", DAY_NAMES, DAY_NAMES[:5], key=f"{prefix}_days")
        start, end = s2.slider("Business hours", 0, 24, (8, 18), key=f"{prefix}_hours")
        off = s3.number_input(
            "Off-hours SCUs (0 = delete the capacity)",
            0,
            100,
            1,
            key=f"{prefix}_off",
            help="0 deletes the capacity each evening: nothing is served off-hours except from the "
            "E5/E7 pool, and the rest of that demand is refused.",
        )
        holidays = st.multiselect(
            "Holidays (off-hours all day)",
            _holiday_choices(),
            key=f"{prefix}_holidays",
            format_func=lambda d: d.strftime("%a %d %b %Y"),
        )
        if level == 0:
            st.error("A schedule keeps a capacity in business hours: set 1 to 100 provisioned SCUs.")
            return None
        try:
            schedule = Schedule(
                timezone=timezone,
                business_days=tuple(DAY_NAMES.index(d) for d in days),
                business_start_hour=start,
                business_end_hour=end,
                business_scu=level,
                off_hours_scu=off,
                holidays=tuple(holidays),
            )
        except ValidationError as error:
            st.error(f"Schedule: {error.errors()[0]['msg'].removeprefix('Value error, ')}")
            return None
        if not days:
            st.error("Pick at least one business day.")
            return None
    try:
        return CapacityPlan(
            provisioned_scu=level,
            schedule=schedule,
            overage=OVERAGE_LABELS[overage_label],
            overage_cap_scu_per_hour=cap,
            e5_licences=licences,
        )
    except ValidationError as error:
        # A plan nobody can buy is explained, not priced.
        st.error(f"This plan cannot be bought: {error.errors()[0]['msg'].removeprefix('Value error, ')}.")
        return None


def off_hours_deletion_notice(plan: CapacityPlan, throttled_units: float) -> None:
    """Say what deleting the capacity off-hours means, when the plan does it."""
    if plan.deletes_capacity_off_hours:
        st.warning(
            f"This schedule deletes the capacity off-hours: nothing is served then except from the "
            f"E5/E7 pool. Demand refused over the period: {throttled_units:,.1f} SCU."
        )


def allow_off_hours_deletion(key: str) -> bool:
    """The opt-in for right-sizing to consider schedules that delete the capacity off-hours."""
    return st.checkbox(
        "Also consider deleting the capacity off-hours",
        key=key,
        help="Some schedulers delete the capacity each evening. Nothing is served then except from "
        "the E5/E7 pool; the rest of the off-hours demand is refused and counts against the "
        "throttling budget.",
    )


def _holiday_choices() -> list[dt.date]:
    # Weekdays from the start of this year for two years: enough for any schedule a workshop discusses,
    # and never stale (a fixed year would stop offering next year's holidays).
    start = dt.date(dt.date.today().year, 1, 1)
    days = (start + dt.timedelta(days=i) for i in range(731))
    return [day for day in days if day.weekday() < 5]


def estimate_inputs(prefix: str, timezone: str, start: EstimateInputs | None = None) -> EstimateInputs | None:
    """Editable assumptions for a usage profile, opening on ``start`` (by default the bundled
    sample, a mid-size SOC)."""
    default = start or EstimateInputs()
    st.caption("All of these are assumptions. Upload a usage export to replace them with measured usage.")
    people = st.data_editor(
        pd.DataFrame([p.model_dump() for p in default.people]),
        num_rows="dynamic",
        key=f"{prefix}_people",
        width="stretch",
        column_config={"scu_per_prompt": st.column_config.NumberColumn("SCU per prompt", min_value=0.0)},
    )
    agents = st.data_editor(
        pd.DataFrame([a.model_dump() for a in default.agents]),
        num_rows="dynamic",
        key=f"{prefix}_agents",
        width="stretch",
    )
    c1, c2 = st.columns(2)
    work_start, work_end = c1.slider(
        "Working hours",
        0,
        24,
        (default.work_start_hour, default.work_end_hour),
        key=f"{prefix}_work_hours",
    )
    peak = c2.slider(
        "Busiest hour / average working hour", 1.0, 4.0, default.peak_to_average, 0.1, key=f"{prefix}_peak"
    )
    with st.popover("Rules of thumb (assumptions)"):
        st.dataframe(pd.DataFrame([r.model_dump() for r in RULES_OF_THUMB]), hide_index=True)
    try:
        return EstimateInputs(
            people=tuple(PeopleUsage.model_validate(row) for row in people.dropna().to_dict("records")),
            agents=tuple(AgentUsage.model_validate(row) for row in agents.dropna().to_dict("records")),
            timezone=timezone,
            work_start_hour=work_start,
            work_end_hour=work_end,
            peak_to_average=peak,
        )
    except (ValidationError, TypeError) as error:
        message = error.errors()[0]["msg"] if isinstance(error, ValidationError) else str(error)
        st.error(f"Assumptions: {message}")
        return None
