"""Measured adoption against the case: monthly shares per role, the fitted ramp, the record, the CLI."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from usage_builders import record, to_csv

from copilot_roi.case import FileIdentity, UsageIdentity, case_json, new_case, open_case
from copilot_roi.cli import main
from copilot_roi.usage.adoption import measure_adoption
from copilot_roi.value.adoption_fit import (
    calibrate_adoption,
    complete_months,
    fit_ramp,
    measured_ramps,
)
from copilot_roi.value.finance import adoption_curve
from copilot_roi.value.scenario import scenario_template

# Ten SOC analysts in the scenario; two more start each month: 2, 4, 6, 8 active in Jan..Apr 2026.
STARTS = {f"analyst {n}": 1 + n // 2 for n in range(8)}  # person -> first month


def ramp_frame(months: tuple[int, ...] = (1, 2, 3, 4)) -> pd.DataFrame:
    rows = []
    for person, first in STARTS.items():
        rows += [(person, dt.datetime(2026, m, 10, 9)) for m in months if m >= first]
    rows += [
        ("analyst 0", dt.datetime(2026, months[0], 1, 9)),
        ("analyst 0", dt.datetime(2026, months[-1] + 1, 1) - dt.timedelta(hours=1)),
    ]
    return pd.DataFrame(
        {
            "started_at": pd.to_datetime([when for _, when in rows]).tz_localize("UTC"),
            "user": [p for p, _ in rows],
            "units_scu": 1.0,
            "session_id": [f"s{i}" for i in range(len(rows))],
            "category": "Prompt",
            "type": "Prompt",
            "experience": "Standalone",
            "plugins": "Microsoft Defender XDR",  # the SOC by the default rules
        }
    )


def test_fit_recovers_a_ramp_exactly() -> None:
    assert (fit_ramp([0.2, 0.4, 0.6, 0.8]).starting_share, fit_ramp([0.2, 0.4, 0.6, 0.8]).months_to_full) == (
        0.2,
        5,
    )
    assert fit_ramp([1.0, 1.0]).months_to_full == 1  # everyone from month 1
    flat = fit_ramp([0.5, 0.5, 0.5])  # no growth: the slowest ramp the model allows
    # s = sum((1 - p)(0.5 - p)) / sum((1 - p)^2) with p = 0, 1/59, 2/59: 1.4250 / 2.8998
    assert (flat.months_to_full, flat.starting_share) == (60, 0.491)
    with pytest.raises(ValueError, match="no complete month"):
        fit_ramp([])


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(min_value=0, max_value=1), min_size=1, max_size=6))
def test_fit_is_no_worse_than_a_fine_grid(shares: list[float]) -> None:
    fitted = fit_ramp(shares)
    y = np.array(shares)
    grid = min(
        float(((adoption_curve(s, m, len(y)) - y) ** 2).sum())
        for s, m in itertools.product(np.linspace(0, 1, 201), range(1, 61))
    )
    assert fitted.squared_error <= grid + 1e-9


def test_measured_months_and_the_fitted_scenario() -> None:
    adoption = measure_adoption(ramp_frame())
    assert complete_months(adoption) == [dt.date(2026, m, 1) for m in (1, 2, 3, 4)]
    scenario = scenario_template("expected")
    soc = scenario.roles["soc"].model_copy(update={"headcount": 10})
    scenario = scenario.model_copy(update={"roles": {**scenario.roles, "soc": soc}})
    ramps = measured_ramps(adoption, scenario, None)
    assert ramps["soc"].active_people == (2, 4, 6, 8) and ramps["soc"].shares == (0.2, 0.4, 0.6, 0.8)
    calibration = calibrate_adoption(scenario, adoption, None)
    assert calibration.scenario.roles["soc"].adoption.starting_share == 0.2
    assert calibration.scenario.roles["soc"].adoption.months_to_full == 5
    record_ = calibration.record
    assert record_.months == ("2026-01", "2026-02", "2026-03", "2026-04")
    assert record_.people_from == "scenario headcount" and record_.roles["soc"].people == 10
    assert record_.holds_for(calibration.scenario) and not record_.holds_for(scenario)
    # Roles nobody used are measured at zero, not left as assumed.
    assert ramps["iam"].active_people == (0, 0, 0, 0)


def test_one_month_fits_the_starting_share_and_keeps_the_assumed_months() -> None:
    adoption = measure_adoption(ramp_frame((3,)))  # March alone: analysts 0-5, 6 of the headcount
    scenario = scenario_template("expected")
    calibration = calibrate_adoption(scenario, adoption, None)
    soc = calibration.scenario.roles["soc"].adoption
    assert soc.months_to_full == scenario.roles["soc"].adoption.months_to_full
    assert soc.starting_share == round(6 / scenario.roles["soc"].headcount, 3)


def test_a_partial_month_at_either_end_is_not_a_measured_month() -> None:
    frame = ramp_frame()
    frame = frame[frame["started_at"] > pd.Timestamp("2026-01-05", tz="UTC")]
    assert complete_months(measure_adoption(frame)) == [dt.date(2026, m, 1) for m in (2, 3, 4)]


def test_the_case_records_measured_adoption_and_old_cases_still_open() -> None:
    calibration = calibrate_adoption(scenario_template("expected"), measure_adoption(ramp_frame()), None)
    case = new_case(calibration.scenario).model_copy(update={"measured_adoption": calibration.record})
    assert open_case(case_json(case)) == case
    old = json.loads(case_json(new_case()))
    del old["measured_adoption"]
    assert open_case(json.dumps(old)).measured_adoption is None


def write_ramp_export(folder: Path) -> Path:
    frame = ramp_frame((2, 3, 4))  # 89 days: one export's dates without a year
    rows = [
        record(when.to_pydatetime().replace(tzinfo=None), 1.0, user=user, session=sid)
        for when, user, sid in zip(frame["started_at"], frame["user"], frame["session_id"], strict=True)
    ]
    path = folder / "ramp.csv"
    path.write_bytes(to_csv(rows))
    return path


def test_roi_calibrate_adoption_with_a_scenario(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    scenario = scenario_template("expected")
    soc = scenario.roles["soc"].model_copy(update={"headcount": 10})
    scenario = scenario.model_copy(update={"roles": {**scenario.roles, "soc": soc}})
    (tmp_path / "s.json").write_text(scenario.model_dump_json())
    export = write_ramp_export(tmp_path)
    argv = ["roi", "--scenario", str(tmp_path / "s.json"), "--calibrate-adoption", "--usage", str(export)]
    assert main([*argv, "--as-of", "2026-04-30", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    measured = payload["measured_adoption"]
    assert measured["months"] == ["2026-02", "2026-03", "2026-04"]
    # Analysts 0-3 by February (2 + 2), 6 by March, 8 by April, of 10.
    assert [m["share"] for m in measured["measured_months"]["soc"]] == [0.4, 0.6, 0.8]
    assert measured["roles"]["soc"] == {"starting_share": 0.4, "months_to_full": 4, "people": 10}
    assert main([*argv[:-2], "--json"]) == 2
    assert "--usage" in capsys.readouterr().err


def test_roi_calibrate_adoption_with_a_case(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    export = write_ramp_export(tmp_path)
    usage = UsageIdentity(files=(FileIdentity.of_path(export),), as_of=dt.date(2026, 4, 30))
    (tmp_path / "case.json").write_text(case_json(new_case().model_copy(update={"usage": usage})))
    argv = ["roi", "--case", str(tmp_path / "case.json"), "--usage", str(export), "--calibrate-adoption"]
    assert main([*argv, "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["case"]["measured_adoption"]["people_from"] == "scenario headcount"
    assert payload["case"]["measured_adoption"]["months"] == ["2026-02", "2026-03", "2026-04"]
    assert main(argv) == 0
    assert "Adoption fitted: adoption measured over 2026-02 to 2026-04" in capsys.readouterr().out
