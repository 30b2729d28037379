"""AppTest of the comparison on the Value scenarios page: save, rename, remove, table = engine."""

from __future__ import annotations

from pathlib import Path

import pytest
from case_session import case_scenario
from page_rerun import whole_page
from streamlit.testing.v1 import AppTest

from copilot_roi.value.comparison import MAX_COMPARED, compare
from copilot_roi.value.scenario import Scenario

APP = Path(__file__).resolve().parents[2] / "app.py"


def open_scenarios() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=90)
    at.run()
    at.switch_page("app_pages/scenarios.py").run()
    assert not at.exception, at.exception
    return at


def save_as(at: AppTest, name: str) -> None:
    at.text_input(key="cmp_name").set_value(name)
    at.button(key="cmp_save").click().run()
    assert not at.exception, at.exception


def comparison_table(at: AppTest) -> object:
    for frame in at.dataframe:
        if "Scenario" in frame.value.columns:
            return frame.value
    raise AssertionError("no comparison table")


def test_two_saved_scenarios_compare_with_engine_numbers() -> None:
    at = open_scenarios()
    assert not [f for f in at.dataframe if "Scenario" in f.value.columns]  # nothing saved yet
    save_as(at, "Expected")
    first = case_scenario(at)
    whole_page(at.slider(key="scn_soc_saved_pct").set_value(35.0).run())
    save_as(at, "SOC saves 35 %")
    second = case_scenario(at)
    assert isinstance(first, Scenario) and isinstance(second, Scenario) and first != second
    table = comparison_table(at)
    assert list(table["Scenario"]) == ["Expected", "SOC saves 35 %"]
    expected = compare([("Expected", first), ("SOC saves 35 %", second)])
    assert list(table["NPV"]) == [round(r.npv) for r in expected.rows]
    assert list(table["NPV P10"]) == [round(r.npv_p10) for r in expected.rows]
    assert list(table["Payback month"]) == [r.payback_month for r in expected.rows]
    assert table["NPV"].iloc[1] > table["NPV"].iloc[0]  # more time saved, more value
    assert any(c.proto.spec and "Scenarios side by side" in c.proto.spec for c in at.get("plotly_chart"))


def test_rename_remove_and_the_limit_of_four() -> None:
    at = open_scenarios()
    for i in range(MAX_COMPARED):
        save_as(at, f"Option {i + 1}")
    assert at.text_input(key="cmp_name").disabled and at.button(key="cmp_save").disabled
    at.selectbox(key="cmp_pick").set_value("Option 2")
    at.text_input(key="cmp_new_name").set_value("  3 SCU\n flat ")
    at.button(key="cmp_rename").click().run()
    assert list(comparison_table(at)["Scenario"]) == ["Option 1", "3 SCU flat", "Option 3", "Option 4"]
    at.selectbox(key="cmp_pick").set_value("Option 1")
    at.button(key="cmp_remove").click().run()
    assert list(comparison_table(at)["Scenario"]) == ["3 SCU flat", "Option 3", "Option 4"]
    assert not at.button(key="cmp_save").disabled


@pytest.mark.parametrize("name", ["   ", "<script>alert(1)</script>"])
def test_names_are_text_never_markup(name: str) -> None:
    at = open_scenarios()
    save_as(at, name)
    if not name.strip():
        assert "needs a name" in " ".join(c.value for c in at.caption)
        return
    assert list(comparison_table(at)["Scenario"]) == [name]
    # No markdown or HTML element carries the name: it appears only in the table and the chart.
    assert not any("<script>" in m.value for m in at.markdown)
    chart = next(c for c in at.get("plotly_chart") if "Scenarios side by side" in c.proto.spec)
    assert "<script>" not in chart.proto.spec and "&lt;script&gt;" in chart.proto.spec


def test_business_case_page_carries_the_saved_comparison() -> None:
    at = open_scenarios()
    save_as(at, "Expected")
    whole_page(at.slider(key="scn_realisation_pct").set_value(25.0).run())
    save_as(at, "Low realisation")
    at.switch_page("app_pages/business_case.py").run()
    assert not at.exception, at.exception
    assert "Saved scenarios side by side" in [h.value for h in at.subheader]
    assert list(comparison_table(at)["Scenario"]) == ["Expected", "Low realisation"]
    saved = at.session_state["cmp_saved"]
    expected = compare(list(saved.items()))
    assert list(comparison_table(at)["NPV"]) == [round(r.npv) for r in expected.rows]


def test_business_case_page_without_two_saved_has_no_comparison() -> None:
    at = open_scenarios()
    save_as(at, "Only one")
    at.switch_page("app_pages/business_case.py").run()
    assert not at.exception, at.exception
    assert "Saved scenarios side by side" not in [h.value for h in at.subheader]
