"""``copilot-roi survey`` and ``roi --case --survey --calibrate-time-saved``: the page's numbers."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from copilot_roi.case import FileIdentity, case_json, new_case, with_survey_time_saved
from copilot_roi.cli import main
from copilot_roi.survey.answers import read_survey
from copilot_roi.survey.questions import COLUMNS
from copilot_roi.survey.statistics import bootstrap_mean_interval, summarise
from copilot_roi.value.engine import compute

SOC_MINUTES = [0, 30, 30, 45, 60, 60, 90, 120, 120, 240, 300]


def survey_csv() -> bytes:
    lines = [",".join(COLUMNS)]
    lines += [
        f"s{i},soc,2026-11-{10 + i},{m},Incident reports,5,4,4,Agree" for i, m in enumerate(SOC_MINUTES)
    ]
    lines += ["d1,DLP analyst,2026-11-02,45,,,,,", "bad,soc,2026-11-03,9999,,,,,"]
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    survey = tmp_path / "survey.csv"
    survey.write_bytes(survey_csv())
    roster = tmp_path / "roster.csv"
    roster.write_text("user,role\n" + "".join(f"u{i},soc\n" for i in range(22)) + "d,dlp\nd2,dlp\n")
    return {"survey": survey, "roster": roster, "dir": tmp_path}


def test_survey_json_per_role(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["survey", str(files["survey"]), "--roster", str(files["roster"]), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["rows_rejected"] == 1
    reason = "9,999 minutes is more than a working week (2,400 minutes, 40 hours)"
    assert out["rejections"] == [{"row": 14, "column": "minutes_saved_per_week", "reason": reason}]
    soc, dlp = out["roles"]
    low, high = bootstrap_mean_interval(np.array(SOC_MINUTES, dtype=float))
    assert (soc["role"], soc["n"], soc["median_minutes_per_week"]) == ("soc", 11, 60.0)
    assert soc["mean_minutes_per_week"] == pytest.approx(1095 / 11)
    assert soc["interval"] == {"low": low, "high": high, "confidence": 0.95}
    assert soc["statements"]["faster"] == {"1": 0, "2": 0, "3": 0, "4": 0, "5": 11}
    assert soc["response_rate"] == 0.5
    assert (dlp["n"], dlp["mean_minutes_per_week"], dlp["interval"]) == (1, None, None)
    assert dlp["note"].startswith("too few answers (1;")
    assert out["response_rate"] == pytest.approx(12 / 24)


def test_survey_template_writes_the_three_files(files: dict[str, Path]) -> None:
    out = files["dir"] / "template"
    assert main(["survey", "--template", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "survey-questions-for-forms.txt", "survey-template.csv", "survey-template.xlsx",
    ]  # fmt: skip
    assert len(read_survey("t.xlsx", (out / "survey-template.xlsx").read_bytes()).answers) == 2


def test_an_untrusted_survey_exits_1_with_one_line(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    bad = files["dir"] / "bad.csv"
    bad.write_bytes(b"role,minutes_saved_per_week\nsoc,\x0060\n")
    assert main(["survey", str(bad)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "NUL" in err and "Traceback" not in err


def test_roi_case_with_the_survey_gives_the_figures_of_the_calibrated_case(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    case_path = files["dir"] / "case.json"
    case_path.write_text(case_json(new_case()))
    args = [
        "roi",
        "--case",
        str(case_path),
        "--survey",
        str(files["survey"]),
        "--calibrate-time-saved",
        "--json",
    ]
    assert main(args) == 0
    captured = capsys.readouterr()
    assert "DLP analyst: too few answers" in captured.err
    cli = json.loads(captured.out)
    # The page's button: the same function on the same file, then the case's figures.
    data = files["survey"].read_bytes()
    summary = summarise(read_survey("survey.csv", data))
    case, _ = with_survey_time_saved(new_case(), FileIdentity.of("survey.csv", data), summary)
    page = compute(case.scenario, case.prices())
    assert cli["npv"] == round(page.npv, 2)  # the CLI prints to the cent
    assert cli["total_hours_freed"] == pytest.approx(page.total_hours_freed, abs=0.01)
    assert page.total_hours_freed != compute(new_case().scenario).total_hours_freed
    assert cli["case"]["time_saved_sources"] == {"soc": "survey, n=11, Nov 2026"}


def test_calibrate_without_a_survey_is_refused(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    case_path = files["dir"] / "case.json"
    case_path.write_text(case_json(new_case()))
    assert main(["roi", "--case", str(case_path), "--calibrate-time-saved"]) == 2
    assert "needs --survey" in capsys.readouterr().err
