"""``copilot-roi report``: the four files, the engine's numbers, and clear refusals."""

from __future__ import annotations

import html
import io
import json
import zipfile
from pathlib import Path

import openpyxl
import pytest

from copilot_roi.business.bundle import CASE_NAME, HTML_NAME, PPTX_NAME, SCENARIO_NAME, XLSX_NAME
from copilot_roi.business.xlsx import CASH, RESULT_ROWS
from copilot_roi.cli import main
from copilot_roi.value.engine import compute
from copilot_roi.value.scenario import Scenario, scenario_template

REPO = Path(__file__).resolve().parents[2]
SAMPLE_XLSX = REPO / "sample_data" / "CapacityUsage.xlsx"


def custom_scenario_file(tmp_path: Path) -> Path:
    data = json.loads(scenario_template("high").model_dump_json())
    data["roles"]["soc"]["headcount"] = 11
    data["horizon_months"] = 30
    data["prices"]["discount_share"] = 0.15
    path = tmp_path / "in.json"
    path.write_text(json.dumps(data))
    return path


def test_report_writes_four_files_with_the_engines_numbers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = custom_scenario_file(tmp_path)
    out = tmp_path / "out"
    code = main(["report", "--scenario", str(source), "--customer", "Contoso", "--partner", "Fabrikam",
                 "--out", str(out)])  # fmt: skip
    assert code == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [XLSX_NAME, PPTX_NAME, HTML_NAME, SCENARIO_NAME, CASE_NAME]
    )
    scenario = Scenario.model_validate_json(source.read_text())
    result = compute(scenario)
    assert Scenario.model_validate_json((out / SCENARIO_NAME).read_bytes()) == scenario
    book = openpyxl.load_workbook(out / XLSX_NAME, data_only=True)
    cash = book[CASH]
    assert cash[f"B{RESULT_ROWS['npv'] + 1}"].value == pytest.approx(result.npv, abs=0.005)
    assert cash[f"B{RESULT_ROWS['total_cost'] + 1}"].value == pytest.approx(result.total_cost, abs=0.005)
    assert result.horizon_months == 30 and cash.max_row >= 13 + 30
    printed = capsys.readouterr().out
    assert f"NPV {result.currency} {result.npv:,.2f}" in printed
    with zipfile.ZipFile(out / PPTX_NAME) as deck:
        assert any(n.startswith("ppt/charts/") for n in deck.namelist())
    assert b"Contoso" in (out / HTML_NAME).read_bytes()


def test_default_is_the_expected_template(tmp_path: Path) -> None:
    assert main(["report", "--out", str(tmp_path)]) == 0
    saved = Scenario.model_validate_json((tmp_path / SCENARIO_NAME).read_bytes())
    assert saved == scenario_template("expected")


def test_usage_adds_usage_and_chargeback_sheets_pseudonymised(tmp_path: Path) -> None:
    code = main(["report", "--usage", str(SAMPLE_XLSX), "--as-of", "2026-11-21", "--tz", "Europe/Paris",
                 "--pseudonymise", "--out", str(tmp_path)])  # fmt: skip
    assert code == 0
    data = (tmp_path / XLSX_NAME).read_bytes()
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert {"Usage", "Chargeback"} <= set(book.sheetnames)
    assert b"Ben Heppard" not in data and "Ben Heppard" not in _unzipped(data)
    assert "User " in _unzipped(data)


def _unzipped(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return "".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())


def test_invalid_scenario_exits_1_naming_the_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = json.loads(scenario_template("expected").model_dump_json())
    data["roles"]["soc"]["time_saved_share"] = 2.0
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data))
    assert main(["report", "--scenario", str(bad), "--out", str(tmp_path / "out")]) == 1
    assert "roles.soc.time_saved_share" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_untrusted_usage_file_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fake = tmp_path / "usage.xlsx"
    fake.write_bytes(b"MZ\x90\x00" + b"\x00" * 200)  # an executable named .xlsx
    assert main(["report", "--usage", str(fake), "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert "usage.xlsx" in err
    assert not (tmp_path / "out").exists()


def test_bad_arguments_exit_2(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["report", "--as-of", "21/11/2026", "--out", str(tmp_path)])
    assert stop.value.code == 2
    assert main(["report", "--customer", "x" * 500, "--out", str(tmp_path)]) == 2


def _deck_text(path: Path) -> str:
    from pptx import Presentation

    return " ".join(
        shape.text_frame.text
        for slide in Presentation(str(path)).slides
        for shape in slide.shapes
        if shape.has_text_frame
    )


def test_report_with_usage_measures_scus_per_person_by_default(tmp_path: Path) -> None:
    """One story per case: with an export, demand per person comes from it, and the files say so."""
    import datetime as dt

    from copilot_roi.hourly import HOURS_PER_BILLING_MONTH
    from copilot_roi.usage import IngestOptions, ingest_paths
    from copilot_roi.usage.chargeback import assign_roles

    out = tmp_path / "calibrated"
    usage = ["--usage", str(SAMPLE_XLSX), "--as-of", "2026-11-21"]
    assert main(["report", *usage, "--out", str(out)]) == 0
    saved = json.loads((out / SCENARIO_NAME).read_text())
    capacity = saved["capacity"]
    assert capacity["usage_source"] == "usage"
    # Independently: SCUs per role / distinct people of that role / months the export covers,
    # agent runs left out (their Type says Agent; the sample's agents are named "... Agent").
    data = ingest_paths([SAMPLE_XLSX], IngestOptions(as_of=dt.date(2026, 11, 21)))
    frame = data.frame
    agent = frame["type"].astype(str).str.lower().str.contains("agent") | frame["user"].astype(
        str
    ).str.endswith(" Agent")
    assert agent.any()  # the sample has agent runs: the Phishing Triage Agent's and another's
    rows = assign_roles(frame[~agent], None)
    months = data.hourly.hours / HOURS_PER_BILLING_MONTH
    template = scenario_template("expected")
    expected_roles = sorted(r for r in template.role_ids() if (rows["role"] == r).any())
    assert sorted(capacity["measured_roles"]) == expected_roles and expected_roles
    for role in expected_roles:
        mine = rows[rows["role"] == role]
        per_person = mine["units_scu"].sum() / mine["user"].nunique() / months
        assert capacity["scu_per_person_month"][role] == pytest.approx(per_person, abs=0.005)
    unmeasured = [r for r in template.role_ids() if r not in expected_roles]
    for role in unmeasured:  # roles absent from the export keep their estimate
        assert capacity["scu_per_person_month"][role] == template.capacity.scu_per_person_month[role]
    deck = _deck_text(out / PPTX_NAME)
    assert "measured from the uploaded usage" in deck
    assert "measured from the customer's usage" in html.unescape(
        (out / HTML_NAME).read_text(encoding="utf-8")
    )

    kept = tmp_path / "kept"
    assert main(["report", *usage, "--no-calibrate", "--out", str(kept)]) == 0
    saved = json.loads((kept / SCENARIO_NAME).read_text())
    assert saved["capacity"]["usage_source"] == "estimate" and saved["capacity"]["measured_roles"] == []
    assert "measured from the uploaded usage" not in _deck_text(kept / PPTX_NAME)
    assert "estimated (no usage calibration)" in html.unescape((kept / HTML_NAME).read_text(encoding="utf-8"))
