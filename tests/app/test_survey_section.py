""" "Your team's survey" on Value scenarios: the survey beside the studies, calibration to the case."""

from __future__ import annotations

from pathlib import Path

from case_session import session_case
from streamlit.testing.v1 import AppTest

from copilot_roi.case import FileIdentity
from copilot_roi.survey.answers import read_survey
from copilot_roi.survey.questions import COLUMNS
from copilot_roi.value.engine import compute
from ui.case_state import SURVEY_KEY

APP = Path(__file__).resolve().parents[2] / "app.py"
SOC_MINUTES = [0, 30, 30, 45, 60, 60, 90, 120, 120, 240, 300]  # mean 1,095 / 11


def survey_bytes() -> bytes:
    lines = [",".join(COLUMNS)]
    lines += [f"s{i},soc,2026-11-{10 + i},{m},,5,4,4,4" for i, m in enumerate(SOC_MINUTES)]
    lines += ["i1,iam,2026-11-02,45,,,,,", "bad,soc,2026-11-03,-3,,,,,"]
    return ("\n".join(lines) + "\n").encode()


def open_with_survey() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=90)
    at.run()
    data = survey_bytes()
    # What the uploader stores (AppTest cannot upload a file).
    at.session_state[SURVEY_KEY] = (read_survey("survey.csv", data), FileIdentity.of("survey.csv", data))
    at.switch_page("app_pages/scenarios.py").run()
    assert not at.exception, at.exception
    return at


def survey_table(at: AppTest):  # type: ignore[no-untyped-def]
    return next(df.value for df in at.dataframe if "Survey (self-reported)" in df.value.columns)


def test_the_section_shows_the_survey_beside_the_studies_and_says_when_too_few() -> None:
    at = open_with_survey()
    assert "Your team's survey" in [h.value for h in at.subheader]
    table = survey_table(at).set_index("Role")
    hours = session_case(at).scenario.roles["soc"].hours_per_week_on_assisted_tasks
    assert table.loc["SOC analyst", "Studies: low / expected / high"] == "10.0% / 22.0% / 26.0%"
    assert table.loc["SOC analyst", "Survey (self-reported)"].startswith(
        f"{1095 / 11 / 60 / hours:.1%} (95 % interval"
    )
    assert (
        table.loc["IAM admin", "Survey (self-reported)"] == "too few answers (1; a figure needs at least 10)"
    )
    assert any("1 row rejected" in c.value for c in at.caption)
    labels = [b.label for b in at.button]
    assert "Use the survey for SOC analyst's time saved" in labels
    assert not any("IAM admin's time saved" in label for label in labels)


def test_calibrating_a_role_moves_the_case_the_input_and_the_headline() -> None:
    at = open_with_survey()
    before = compute(session_case(at).scenario).total_hours_freed
    next(b for b in at.button if b.key == "scn_survey_use_soc").click().run()
    assert not at.exception, at.exception
    case = session_case(at)
    hours = case.scenario.roles["soc"].hours_per_week_on_assisted_tasks
    assert case.scenario.roles["soc"].time_saved_share == round(1095 / 11 / 60 / hours, 4)
    assert {r: s.source() for r, s in case.time_saved_sources().items()} == {"soc": "survey, n=11, Nov 2026"}
    assert at.session_state["scn_soc_saved_pct"] == round(
        case.scenario.roles["soc"].time_saved_share * 100, 6
    )
    assert compute(case.scenario).total_hours_freed != before
    assert (
        survey_table(at).set_index("Role").loc["SOC analyst", "Time saved in the case"] == "from the survey"
    )
    assert not any(b.key == "scn_survey_use_soc" for b in at.button)
