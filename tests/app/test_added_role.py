"""Adding a role is roles.toml plus the catalogue: two temporary roles reach every page and export.

The roles are added only in a temporary copy of roles.toml that ``COPILOT_ROI_ROLES_FILE`` points
at, so no module of the app, the engine or the exports is edited for it; the fixture restores the
bundled file and clears the parsed caches after each test.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from copilot_roi.business.bundle import HTML_NAME, PPTX_NAME, XLSX_NAME
from copilot_roi.business.share_link import encode, scenario_from_params
from copilot_roi.charts.value_charts import monthly_hours_figure
from copilot_roi.cli import main
from copilot_roi.roles import ROLES_FILE_VARIABLE, role_ids, role_label
from copilot_roi.usage.chargeback import read_roster
from copilot_roi.value.catalogue import clear_cache
from copilot_roi.value.engine import compute
from copilot_roi.value.scenario import scenario_template
from copilot_roi.value.sensitivity import parameters
from copilot_roi.value.workshop import role_key

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app.py"
PAGES = sorted(f"app_pages/{p.name}" for p in (ROOT / "app_pages").glob("*.py"))
SAMPLE_USAGE = ROOT / "sample_data" / "CapacityUsage.xlsx"
ROLE_ID, LABEL, COLOUR = "threat_intel", "Threat intelligence", "#a4262c"
# A second added role makes nine: the Value scenarios page once had eight SCU inputs for any number.
NINTH_ID, NINTH_LABEL = "cloud_security", "Cloud security engineer"


def _role_table(role_id: str, label: str, colour: str, spellings: str) -> str:
    """A [roles.<id>] table: identity and the catalogue's defaults, every default an assumption."""
    band = 'basis = "assumption", reason = "A placeholder for this test"'
    return f"""
[roles.{role_id}]
label = "{label}"
spellings = {spellings}
colour = "{colour}"
tasks = ["Summarise threat intelligence articles", "Map indicators to open incidents"]
headcount = {{ low = 1, expected = 2, high = 3, {band} }}
hours_per_week = {{ low = 4, expected = 8, high = 15, {band} }}
time_saved_share = {{ low = 0.05, expected = 0.10, high = 0.20, {band} }}
loaded_cost_per_hour = {{ low = 60, expected = 85, high = 120, {band} }}
scu_per_person_month = {{ low = 8, expected = 15, high = 30, {band} }}
"""


ADDED_ROLES = _role_table(ROLE_ID, LABEL, COLOUR, '["threat intel", "CTI"]') + _role_table(
    NINTH_ID, NINTH_LABEL, "#6b69d6", '["cloud"]'
)


@pytest.fixture
def added_role(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The bundled roles.toml plus two roles, in use for the test only."""
    bundled = resources.files("copilot_roi").joinpath("data/roles.toml").read_text("utf-8")
    roles_file = tmp_path / "roles.toml"
    roles_file.write_text(bundled + ADDED_ROLES, "utf-8")
    monkeypatch.setenv(ROLES_FILE_VARIABLE, str(roles_file))
    clear_cache()
    assert role_ids()[-2:] == (ROLE_ID, NINTH_ID)  # the registry really reads the temporary file
    yield
    monkeypatch.delenv(ROLES_FILE_VARIABLE)
    # Nothing parsed from the temporary file outlives the test: not the registry, the catalogue,
    # nor the pages' cached results.
    clear_cache()
    st.cache_data.clear()
    assert ROLE_ID not in role_ids() and NINTH_ID not in role_ids()


def _page(at: AppTest, page: str) -> AppTest:
    at.switch_page(page).run()
    assert not at.exception, f"{page}: {at.exception}"
    return at


@pytest.mark.usefixtures("added_role")
def test_every_page_renders_the_added_role() -> None:
    at = AppTest.from_file(str(APP), default_timeout=180)
    at.run()
    assert not at.exception, at.exception
    for page in PAGES:
        _page(at, page)

    at = _page(at, "app_pages/scenarios.py")
    tabs = [t.label for t in at.tabs]
    assert tabs[-4:] == [role_label("it_admin"), LABEL, NINTH_LABEL, "All roles (table)"]
    for role_id, label in ((ROLE_ID, LABEL), (NINTH_ID, NINTH_LABEL)):  # the eighth and ninth SCU inputs
        scu = at.number_input(key="scn_" + role_key(role_id, "scu"))
        assert scu.label == label and scu.value == pytest.approx(15.0)

    from ui.scenario_state import ROLE_TAB_KEY

    at.session_state[ROLE_TAB_KEY] = LABEL
    at.run()
    assert not at.exception, at.exception
    assert at.number_input(key="scn_" + role_key(ROLE_ID, "headcount")).value == 2
    assert any("Map indicators to open incidents" in c.value for c in at.caption)
    # A change on the role's tab reaches the case, then the Business case page prices it.
    at.number_input(key="scn_" + role_key(ROLE_ID, "headcount")).set_value(9).run()
    assert not at.exception, at.exception
    _page(at, "app_pages/business_case.py")
    assert at.query_params[ROLE_ID][0].split("_")[0] == "9"  # people_hours_saved%_cost in the link


@pytest.mark.usefixtures("added_role")
def test_every_export_names_the_added_role(tmp_path: Path) -> None:
    out = tmp_path / "out"
    code = main(["report", "--usage", str(SAMPLE_USAGE), "--as-of", "2026-11-21", "--tz", "Europe/Paris",
                 "--customer", "Contoso", "--out", str(out)])  # fmt: skip
    assert code == 0
    html = (out / HTML_NAME).read_text("utf-8")
    assert LABEL in html and NINTH_LABEL in html
    for name in (XLSX_NAME, PPTX_NAME):
        with zipfile.ZipFile(io.BytesIO((out / name).read_bytes())) as archive:
            parts = {
                n: archive.read(n).decode("utf-8", "replace")
                for n in archive.namelist()
                if n.endswith(".xml")
            }
        for label in (LABEL, NINTH_LABEL):
            assert any(label in text for text in parts.values()), f"{name} never names {label}"
        if name == PPTX_NAME:  # the per-role chart of the deck has it as a category
            assert any(LABEL in text for n, text in parts.items() if n.startswith("ppt/charts/"))


@pytest.mark.usefixtures("added_role")
def test_the_engine_link_chart_and_roster_take_the_added_role() -> None:
    scenario = scenario_template("expected")
    assert scenario.role_ids()[-2:] == [ROLE_ID, NINTH_ID]
    result = compute(scenario)
    assert sum(result.hours_freed_by_role[ROLE_ID]) > 0
    # Five sensitivity inputs, found by key (the matrix is no longer read by position).
    assert [p.key for p in parameters(scenario) if p.role == ROLE_ID] == [
        f"{ROLE_ID}.headcount", f"{ROLE_ID}.hours_per_week_on_assisted_tasks", f"{ROLE_ID}.time_saved_share",
        f"{ROLE_ID}.loaded_cost_per_hour", f"{ROLE_ID}.adoption_months_to_full",
    ]  # fmt: skip
    bars = {t.name: t.marker.color for t in monthly_hours_figure(result).data if t.type == "bar"}
    assert bars[LABEL] == COLOUR  # its own colour, not the agents' grey
    params = encode(scenario)
    assert params[ROLE_ID] == "2_8_10_85"
    edited = dict(params) | {ROLE_ID: "4_8_10_85"}
    restored, problems = scenario_from_params(edited)
    assert problems == [] and restored.roles[ROLE_ID].headcount == 4
    roster = read_roster("roster.csv", b"user,role\nana,CTI\nbo,Threat Intel\ncy,threat intelligence\n")
    assert roster.rejections == [] and {e.role for e in roster.entries} == {ROLE_ID}
