"""AppTest of the Adoption section of Usage analytics: the engine's figures, each with its definition."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pandas as pd
from case_session import session_case
from streamlit.testing.v1 import AppTest

from copilot_roi.usage import IngestOptions, ingest_files
from copilot_roi.usage.adoption import DEFINITIONS, measure_adoption
from copilot_roi.usage.chargeback import read_roster
from copilot_roi.value.adoption_fit import calibrate_adoption
from ui.usage_state import SAMPLE_DIR, SAMPLE_EXPORT_TAKEN_ON, SAMPLE_ROSTER, sample_files

APP = Path(__file__).resolve().parents[2] / "app.py"
# The hand-worked team of the unit tests (one fixture, not a copy of it).
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit"))
from adoption_fixture import AS_OF, exports  # noqa: E402


def open_usage(at: AppTest | None = None) -> AppTest:
    at = at or AppTest.from_file(str(APP), default_timeout=90)
    at.run()
    at.switch_page("app_pages/usage.py")
    at.run()
    assert not at.exception, at.exception
    return at


def metric(at: AppTest, label: str) -> tuple[str, str]:
    found = next(m for m in at.metric if m.label == label)
    return found.value, found.proto.help


def test_section_shows_the_engines_figures_for_the_sample_with_definitions() -> None:
    at = open_usage()
    sample = ingest_files(sample_files(), IngestOptions(as_of=SAMPLE_EXPORT_TAKEN_ON))
    roster = read_roster(SAMPLE_ROSTER, (SAMPLE_DIR / SAMPLE_ROSTER).read_bytes())
    expected = measure_adoption(sample.frame, roster=roster)
    assert any(h.value == "Adoption" for h in at.header)
    assert metric(at, "People") == (f"{expected.people:,}", DEFINITIONS["people"])
    assert metric(at, "Active in 28 days") == (
        f"{expected.active_people_28d:,}",
        DEFINITIONS["active_people_28d"],
    )
    assert metric(at, "Habitual") == (f"{expected.habitual_people:,}", DEFINITIONS["habitual_people"])
    assert metric(at, "Lapsed")[1] == DEFINITIONS["lapsed_people"]
    weekly = next(d.value for d in at.dataframe if "new" in d.value.columns)
    assert list(weekly["active_people"]) == [w.active_people for w in expected.weekly]
    funnel = next(d.value for d in at.dataframe if "ever_used" in d.value.columns)
    assert list(funnel["in_roster"]) == [f"{r.in_roster}" for r in expected.funnel]  # the sample roster
    assert any(f"{expected.window_ends_on:%a %d %b %Y}" in c.value for c in at.caption)
    assert len(at.get("plotly_chart")) == 12  # the page's ten, the weekly chart and the agents' drift


def test_a_loaded_export_without_roster_shows_the_first_stage_as_unknown() -> None:
    at = open_usage()
    at.date_input(key="usage_as_of").set_value(AS_OF)
    at.file_uploader(key="usage_uploads").set_value([(n, d, "text/csv") for n, d in exports()])
    at.run()
    assert not at.exception, at.exception
    assert any("Loaded for this session" in s.value for s in at.success)
    assert metric(at, "People")[0] == "4"
    assert metric(at, "Active in 28 days")[0] == "3"
    assert metric(at, "Habitual")[0] == "2"
    funnel = next(d.value for d in at.dataframe if "ever_used" in d.value.columns)
    assert set(funnel["in_roster"]) == {"unknown"}
    assert any("first stage is unknown" in c.value for c in at.caption)
    weekly = next(d.value for d in at.dataframe if "reactivated" in d.value.columns)
    bob_back = weekly[pd.to_datetime(weekly["week_start"]) == pd.Timestamp(dt.date(2026, 10, 26))]
    assert int(bob_back["reactivated"].iloc[0]) == 1


def test_value_scenarios_shows_the_measured_ramp_and_fits_it() -> None:
    at = open_usage()
    at.date_input(key="usage_as_of").set_value(AS_OF)
    at.file_uploader(key="usage_uploads").set_value([(n, d, "text/csv") for n, d in exports()])
    at.run()
    at.switch_page("app_pages/scenarios.py")
    at.run()
    assert not at.exception, at.exception
    assert any(s.value == "Adoption: measured against the assumed ramp" for s in at.subheader)
    case = session_case(at)
    assert case.measured_adoption is None
    data = ingest_files(exports(), IngestOptions(as_of=AS_OF))
    expected = calibrate_adoption(case.scenario, measure_adoption(data.frame, rules=case.role_rules), None)
    at.button(key="scn_fit_adoption").click().run()
    assert not at.exception, at.exception
    fitted = session_case(at)
    assert fitted.measured_adoption == expected.record
    assert fitted.measured_adoption.months == ("2026-10",)  # the one complete month, 7 Sep to 15 Nov
    for role, ramp in expected.record.roles.items():
        assert fitted.scenario.roles[role].adoption.months_to_full == ramp.months_to_full
        assert at.session_state[f"scn_{role}_months"] == ramp.months_to_full
    assert any("The ramps below are fitted" in s.value for s in at.success)
