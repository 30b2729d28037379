"""Widgets of the case's plan (the same on every page) and of an estimate profile."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st
from pydantic import ValidationError

from copilot_roi.estimate import RULES_OF_THUMB, AgentUsage, EstimateInputs, PeopleUsage
from copilot_roi.plans import DAY_NAMES, MAX_PROVISIONED_SCU, CapacityPlan, OverageMode, Schedule
from copilot_roi.value.bounds import field_bounds
from ui import case_state

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
KINDS = ("24x7", "Business-hours schedule")
# The one name of the switch on every page (the CLI's ``--e5-pay-as-you-go``).
E5_PAY_AS_YOU_GO_LABEL = "E5/E7 pay-as-you-go past the pool"
# The plan's widget keys: one set for the whole app, since every page shows the case's one plan.
PLAN_PREFIX = "plan"
# What a schedule's widgets open on when the case's plan has none yet.
_DEFAULT_SCHEDULE_DAYS = DAY_NAMES[:5]
_DEFAULT_SCHEDULE_HOURS = (8, 18)
_DEFAULT_OFF_HOURS_SCU = 1


def plan_widget_values(plan: CapacityPlan) -> dict[str, Any]:
    """The plan widgets' values (by session key) that show ``plan``."""
    schedule = plan.schedule
    labels = {mode: label for label, mode in OVERAGE_LABELS.items()}
    k = PLAN_PREFIX
    return {
        f"{k}_kind": KINDS[1] if schedule else KINDS[0],
        f"{k}_scu": schedule.business_scu if schedule else plan.provisioned_scu,
        f"{k}_overage": labels[plan.overage],
        f"{k}_cap": max(plan.overage_cap_scu_per_hour, 0.1),
        f"{k}_e5": plan.e5_licences,
        f"{k}_e5_payg": plan.e5_pay_as_you_go,
        f"{k}_days": [DAY_NAMES[d] for d in schedule.business_days]
        if schedule
        else list(_DEFAULT_SCHEDULE_DAYS),
        f"{k}_hours": (schedule.business_start_hour, schedule.business_end_hour)
        if schedule
        else _DEFAULT_SCHEDULE_HOURS,
        f"{k}_off": schedule.off_hours_scu if schedule else _DEFAULT_OFF_HOURS_SCU,
        f"{k}_holidays": list(schedule.holidays) if schedule else [],
    }


def plan_from_session(timezone: str | None) -> CapacityPlan | str:
    """The plan the plan widgets' session values describe, or why they describe none.

    Read from the session (not from the widgets' return values), so a widget's ``on_change`` can
    store the plan before a fragment reruns without the widgets. A schedule is in ``timezone``;
    None keeps the plan's own (UTC for a new one), so a page without a time zone picker never
    changes the plan by drawing it.
    """
    k = PLAN_PREFIX
    kept = case_state.plan()
    shown = plan_widget_values(kept)
    value = {name: st.session_state.get(name, v) for name, v in shown.items()}
    timezone = timezone or (kept.schedule.timezone if kept.schedule else "UTC")
    level, overage = int(value[f"{k}_scu"]), OVERAGE_LABELS[str(value[f"{k}_overage"])]
    schedule = None
    if value[f"{k}_kind"] == KINDS[1]:
        days = list(value[f"{k}_days"])
        if level == 0:
            return "A schedule keeps a capacity in business hours: set 1 to 100 provisioned SCUs."
        if not days:
            return "Pick at least one business day."
        start, end = value[f"{k}_hours"]
        try:
            schedule = Schedule(
                timezone=timezone,
                business_days=tuple(DAY_NAMES.index(d) for d in days),
                business_start_hour=int(start),
                business_end_hour=int(end),
                business_scu=level,
                off_hours_scu=int(value[f"{k}_off"]),
                holidays=tuple(value[f"{k}_holidays"]),
            )
        except ValidationError as error:
            return f"Schedule: {error.errors()[0]['msg'].removeprefix('Value error, ')}"
    try:
        return CapacityPlan(
            # A schedule sets the level; the 24x7 one is kept as it was (it counts only without one).
            provisioned_scu=level if schedule is None else kept.provisioned_scu,
            schedule=schedule,
            overage=overage,
            # The cap counts only when capped; otherwise the case keeps its own (the widget, which
            # cannot show 0, must not change the plan by being drawn).
            overage_cap_scu_per_hour=float(value[f"{k}_cap"])
            if overage == "capped"
            else kept.overage_cap_scu_per_hour,
            e5_licences=int(value[f"{k}_e5"]),
            e5_pay_as_you_go=bool(value[f"{k}_e5_payg"]),
        )
    except ValidationError as error:
        # A plan nobody can buy is explained, not priced.
        return f"This plan cannot be bought: {error.errors()[0]['msg'].removeprefix('Value error, ')}."


def plan_inputs(timezone: str | None, on_change: Callable[[], None] | None = None) -> CapacityPlan | None:
    """Draw the case's plan; a valid edit becomes the case's plan on every page.

    ``timezone``: see :func:`plan_from_session`. ``on_change`` runs after an edit was stored.
    None is returned (with the reason shown) when the inputs make no plan; the case keeps its last.
    """

    def store() -> None:
        plan = plan_from_session(timezone)
        if isinstance(plan, CapacityPlan):
            case_state.set_plan(plan)
        if on_change is not None:
            on_change()

    k = PLAN_PREFIX
    case_state.fill_widgets(plan_widget_values(case_state.plan()))
    kind = st.radio("Capacity", KINDS, horizontal=True, key=f"{k}_kind", on_change=store)
    c1, c2, c3 = st.columns(3)
    c1.number_input(
        "Provisioned SCUs",
        0,
        MAX_PROVISIONED_SCU,
        key=f"{k}_scu",
        on_change=store,
        help="A capacity holds 1 to 100 SCUs. 0 = none: only with E5/E7 licences, whose default "
        "capacity then serves everything (overage runs only on a capacity). Learn advises 3 to start.",
    )
    overage_label = c2.selectbox("Overage", list(OVERAGE_LABELS), key=f"{k}_overage", on_change=store)
    c2.number_input(
        "Overage cap (SCU per hour)",
        0.1,
        field_bounds(CapacityPlan, "overage_cap_scu_per_hour")[1],
        key=f"{k}_cap",
        on_change=store,
        disabled=OVERAGE_LABELS[overage_label] != "capped",
    )
    c3.number_input(
        "Microsoft 365 E5/E7 licences",
        0,
        int(field_bounds(CapacityPlan, "e5_licences")[1]),
        step=100,
        key=f"{k}_e5",
        on_change=store,
        help="0.4 SCU per licence per month, at most 10,000 SCU, no rollover.",
    )
    c3.toggle(
        E5_PAY_AS_YOU_GO_LABEL,
        key=f"{k}_e5_payg",
        on_change=store,
        disabled=not st.session_state.get(f"{k}_e5"),
        help="Bill SCUs past the monthly pool at the overage price where no capacity of yours "
        "serves them (Microsoft has announced it, with notice; the price book does not list it as "
        "active, so it opens off). Off: they are throttled. The same switch as the CLI's "
        "--e5-pay-as-you-go.",
    )
    if kind == KINDS[1]:
        s1, s2, s3 = st.columns(3)
        s1.multiselect("Business days", DAY_NAMES, key=f"{k}_days", on_change=store)
        # The session holds a (start, end) pair, so Streamlit draws a range slider.
        s2.slider("Business hours", 0, 24, key=f"{k}_hours", on_change=store)
        s3.number_input(
            "Off-hours SCUs (0 = delete the capacity)",
            0,
            MAX_PROVISIONED_SCU,
            key=f"{k}_off",
            on_change=store,
            help="0 deletes the capacity each evening: nothing is served off-hours except from the "
            "E5/E7 pool, and the rest of that demand is refused.",
        )
        kept = case_state.plan().schedule
        st.multiselect(
            "Holidays (off-hours all day)",
            sorted(set(_holiday_choices()) | set(kept.holidays if kept else ())),
            key=f"{k}_holidays",
            on_change=store,
            format_func=lambda d: d.strftime("%a %d %b %Y"),
        )
    plan = plan_from_session(timezone)
    if isinstance(plan, str):
        st.error(plan)
        return None
    case_state.set_plan(plan)
    return plan


def use_plan_button(plan: CapacityPlan, key: str, label: str = "Use this plan") -> None:
    """A button that makes ``plan`` the case's plan (on every page, in the value case and exports)."""
    if plan == case_state.plan():
        st.caption("This is the case's plan.")
        return
    st.button(
        label,
        key=key,
        icon=":material/check:",
        on_click=case_state.set_plan,
        args=(plan,),
        help="Make this the case's plan: every page, the value scenario and the exports price it.",
    )


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
