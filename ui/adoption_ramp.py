"""Value scenarios: measured adoption per role beside the scenario's assumed ramp, and the fit button."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from copilot_roi.charts.adoption_charts import ramp_figure
from copilot_roi.roles import role_label
from copilot_roi.usage import UsageDataset
from copilot_roi.value.adoption_fit import AdoptionCalibration, calibrate_adoption
from copilot_roi.value.finance import adoption_curve
from ui import case_state, scenario_state
from ui.adoption_section import adoption_of

_ROLE_KEY = "scn_adoption_role"


def _calibration(usage: UsageDataset) -> AdoptionCalibration | None:
    """The fit for the case's scenario on the loaded export (None, with the reason shown, when none)."""
    roster = case_state.roster()
    adoption = adoption_of(usage, roster, case_state.case().role_rules)
    try:
        return calibrate_adoption(case_state.scenario(), adoption, roster)
    except ValueError as error:
        st.info(f"Adoption cannot be measured against the ramp yet: {error}.")
        return None


def fit_to_measured() -> None:
    """``on_click`` of the button: the fitted ramps into the case and into the role inputs."""
    usage = case_state.usage()
    if usage is None:
        return
    roster = case_state.roster()
    adoption = adoption_of(usage, roster, case_state.case().role_rules)
    calibration = calibrate_adoption(case_state.scenario(), adoption, roster)
    case = case_state.case().with_scenario(calibration.scenario)
    case_state.set_case(case.model_copy(update={"measured_adoption": calibration.record}))
    scenario_state.show(calibration.scenario)


def measured_ramp_section() -> None:
    """Per role, the share active each complete month beside the assumed ramp (with an export loaded)."""
    usage = case_state.usage()
    if usage is None:
        return
    st.subheader("Adoption: measured against the assumed ramp")
    calibration = _calibration(usage)
    if calibration is None:
        return
    case = case_state.case()
    record = case.measured_adoption
    if record is not None and record.holds_for(case.scenario):
        st.success(f"The ramps below are fitted: {record.describe()}.")
    elif record is not None:
        st.caption(f"Fitted once ({record.describe()}); the ramps were edited since.")
    people_from = calibration.record.people_from
    st.caption(
        "Share of a role's people with a session in each complete calendar month (people only; agents "
        f"apart), over the people in the role ({people_from}). Month 1 of the ramp is the first "
        "measured month. The fit is least squares over those months."
    )
    if len(calibration.record.months) == 1:
        st.caption(
            "One complete month fixes each role's month-1 share only: fitting keeps the months to full "
            "adoption as assumed. A second month measures the slope."
        )
    ramps = calibration.ramps
    roles = list(ramps)
    chosen = st.selectbox("Role", roles, format_func=role_label, key=_ROLE_KEY)
    scenario = case.scenario
    ramp = ramps[chosen or roles[0]]
    assumed = scenario.roles[ramp.role].adoption
    horizon = max(len(ramp.months), assumed.months_to_full, 6)
    st.plotly_chart(
        ramp_figure(
            role_label(ramp.role),
            ramp.shares,
            [f"{m:%b %Y}" for m in ramp.months],
            adoption_curve(assumed.starting_share, assumed.months_to_full, horizon),
        ),
        key="scn_fig_adoption_ramp",
    )
    rows = []
    for role, measured in ramps.items():
        now, fitted = scenario.roles[role].adoption, calibration.record.roles[role]
        rows.append(
            {
                "Role": role_label(role),
                "People": measured.people,
                "Measured share by month": ", ".join(f"{s:.0%}" for s in measured.shares),
                "Assumed: month 1": now.starting_share,
                "Assumed: full from month": now.months_to_full,
                "Fitted: month 1": fitted.starting_share,
                "Fitted: full from month": fitted.months_to_full,
            }
        )
    st.dataframe(
        pd.DataFrame(rows),
        hide_index=True,
        column_config={
            "Assumed: month 1": st.column_config.NumberColumn(format="percent"),
            "Fitted: month 1": st.column_config.NumberColumn(format="percent"),
        },
    )
    st.button(
        "Fit adoption to measured months",
        key="scn_fit_adoption",
        on_click=fit_to_measured,
        icon=":material/timeline:",
        help="Set every role's month-1 share and months to full adoption to the ramp that fits its "
        "measured months; the case records the months and people it rests on.",
    )
