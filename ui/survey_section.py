"""The "Your team's survey" section of Value scenarios: template, upload, survey beside the studies.

It sits on Value scenarios because that is where each role's time saved is set and shown against
its study band; calibrating here moves the same input the role's slider moves.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from copilot_roi.case import FileIdentity, with_survey_time_saved
from copilot_roi.roles import role_label
from copilot_roi.survey.answers import ALLOWED_SUFFIXES, read_survey
from copilot_roi.survey.calibration import beside_studies
from copilot_roi.survey.statistics import MIN_RESPONSES, SurveySummary, summarise
from copilot_roi.survey.template import (
    FORMS_QUESTIONS_NAME,
    TEMPLATE_CSV_NAME,
    TEMPLATE_XLSX_NAME,
    forms_questions,
    template_csv,
    template_xlsx,
)
from copilot_roi.usage.errors import UntrustedFileError
from copilot_roi.wording import counted
from ui import case_state, scenario_state

UPLOAD_KEY = "scn_survey_upload"


def survey_section() -> None:
    st.subheader("Your team's survey")
    st.caption(
        "Ask the team how many minutes Security Copilot saves them in a typical week. Their answers "
        "are self-reported, which overstates measured time saved in controlled studies: they sit beside "
        f"the studies, and replace a role's time saved only when you choose, for a role with at least "
        f"{MIN_RESPONSES} answers (fewer, and one enthusiast moves the mean too far)."
    )
    a, b, c = st.columns(3)
    a.download_button("Template (CSV)", template_csv(), TEMPLATE_CSV_NAME, "text/csv", key="scn_survey_csv")
    b.download_button("Template (Excel)", template_xlsx(), TEMPLATE_XLSX_NAME, key="scn_survey_xlsx")
    c.download_button("Questions for Microsoft Forms", forms_questions(), FORMS_QUESTIONS_NAME, "text/plain",
                      key="scn_survey_forms")  # fmt: skip
    upload = st.file_uploader(
        "Survey answers (the template, or Forms' Excel export)",
        type=[s.lstrip(".") for s in ALLOWED_SUFFIXES],
        key=UPLOAD_KEY,
    )
    if upload is not None:
        _load(upload.name, upload.getvalue())
    loaded = case_state.survey()
    if loaded is None:
        return
    answers, identity = loaded
    summary = summarise(answers, case_state.roster())
    st.caption(
        f"{identity.file_name}: {counted(len(answers.answers), 'answer')} used, "
        f"{counted(answers.rows_rejected, 'row')} rejected. "
        "Survey figures are the mean minutes saved a week over the role's hours on assisted tasks, with a "
        "95 % bootstrap interval of the mean."
    )
    if answers.rejections:
        with st.expander(f"Rejected rows ({answers.rows_rejected})"):
            st.dataframe(pd.DataFrame(answers.rejection_records()), hide_index=True)
    _beside_studies(summary, identity)


def _load(file_name: str, data: bytes) -> None:
    identity = FileIdentity.of(file_name, data)
    loaded = case_state.survey()
    if loaded is not None and loaded[1] == identity:
        return
    try:
        case_state.set_survey(read_survey(file_name, data), identity)
    except UntrustedFileError as error:
        st.error(str(error))


def _beside_studies(summary: SurveySummary, identity: FileIdentity) -> None:
    case = case_state.case()
    rows = beside_studies(case.scenario, summary, case.time_saved_sources())
    if not rows:
        st.info("No answer names a role of the scenario.")
        return
    st.dataframe(pd.DataFrame([r.row() for r in rows]), hide_index=True)
    for row in rows:
        if row.can_calibrate and not row.calibrated:
            st.button(
                f"Use the survey for {role_label(row.role)}'s time saved",
                key=f"scn_survey_use_{row.role}",
                on_click=_calibrate,
                args=(summary, identity, row.role),
            )


def _calibrate(summary: SurveySummary, identity: FileIdentity, role: str) -> None:
    """The role's time saved from the survey, into the case and the page's inputs."""
    updated, _ = with_survey_time_saved(case_state.case(), identity, summary, [role])
    case_state.set_case(updated)
    scenario_state.show(updated.scenario)
