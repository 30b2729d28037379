"""The case: one file that reproduces a page's figures through the CLI, and says when it cannot.

``copilot-roi report`` writes ``case.json``; ``copilot-roi roi --case`` reads it with the exports
and roster it records and gives the same figures to the cent; any other file is refused, naming
it; a case priced under another price book keeps that book until re-priced, and says so.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from copilot_roi.case import (
    CASE_FORMAT,
    Case,
    FileIdentity,
    UsageIdentity,
    case_json,
    effective_scenario,
    is_case_file,
    new_case,
    open_case,
    price_book_changes,
    repriced,
    usage_mismatches,
)
from copilot_roi.cli import main
from copilot_roi.plans import CapacityPlan
from copilot_roi.pricebook import PriceOverrides, effective_prices, load_price_book
from copilot_roi.usage import IngestOptions, ingest_paths
from copilot_roi.usage.chargeback import read_roster
from copilot_roi.value.calibration import calibrate_from_usage
from copilot_roi.value.engine import compute
from copilot_roi.value.scenario import scenario_template

REPO = Path(__file__).resolve().parents[2]
SAMPLES = [
    REPO / "sample_data" / "CapacityUsage.xlsx",
    REPO / "sample_data" / "CapacityUsage_2026-10-01_EU.csv",
]
ROSTER = REPO / "sample_data" / "roster.csv"
TAKEN_ON = "2026-11-21"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def written_case(tmp_path: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> Path:
    out = tmp_path / "out"
    code, _, err = run(capsys, "report", "--out", str(out), *extra)
    assert code == 0, err
    return out / "case.json"


@given(
    level=st.integers(min_value=1, max_value=100),
    overage=st.sampled_from(["none", "unlimited", "capped"]),
    licences=st.integers(min_value=0, max_value=100_000),
    customer=st.text(max_size=40),
)
@settings(max_examples=40, deadline=None)
def test_a_case_round_trips_exactly(level: int, overage: str, licences: int, customer: str) -> None:
    plan = CapacityPlan(
        provisioned_scu=level,
        overage=overage,
        overage_cap_scu_per_hour=2.5,
        e5_licences=licences,  # type: ignore[arg-type]
    )
    case = new_case().with_plan(plan).model_copy(update={"customer_name": customer[:120]})
    assert open_case(case_json(case)) == case
    assert is_case_file(case_json(case))


def test_an_old_scenario_file_opens_as_a_case_on_todays_book() -> None:
    scenario = scenario_template("high")
    case = open_case(scenario.model_dump_json())
    assert case.scenario == scenario and case.format == CASE_FORMAT
    assert case.price_book == load_price_book()
    assert not is_case_file(scenario.model_dump_json())


def test_a_case_refuses_unknown_fields_and_strings_for_its_own_numbers() -> None:
    data = json.loads(case_json(new_case()))
    data["usage"] = {"files": [{"file_name": "a.csv", "size_bytes": "3", "sha256": "0" * 64}]}
    with pytest.raises(ValueError, match="size_bytes"):
        open_case(json.dumps(data))
    data = json.loads(case_json(new_case()))
    data["surprise"] = 1
    with pytest.raises(ValueError, match="surprise"):
        open_case(json.dumps(data))


def test_usage_files_are_matched_by_content_in_any_order(tmp_path: Path) -> None:
    a, b = FileIdentity.of("a.csv", b"one"), FileIdentity.of("b.csv", b"two")
    case = new_case().model_copy(update={"usage": UsageIdentity(files=(a, b))})
    renamed = FileIdentity.of("copy of b.csv", b"two")
    assert usage_mismatches(case, [renamed, a]) == []
    changed = FileIdentity.of("a.csv", b"one!")
    problems = usage_mismatches(case, [changed, b])
    assert problems[0].startswith("a.csv: its content differs")
    assert "recorded in the case (3 bytes) but not given" in problems[1]
    path = tmp_path / "b.csv"
    path.write_bytes(b"two")
    assert FileIdentity.of_path(path) == b


def test_effective_scenario_is_the_calibration_every_page_and_command_uses() -> None:
    usage = ingest_paths(SAMPLES, IngestOptions(as_of=dt.date(2026, 11, 21)))
    roster = read_roster("roster.csv", ROSTER.read_bytes())
    case = new_case()
    measured, measurement = effective_scenario(case, usage, roster)
    expected = calibrate_from_usage(case.scenario, usage, roster, case.role_rules)
    assert measured == expected.scenario and measurement == expected.measurement
    assert measured.capacity.usage_source == "usage"
    off = case.model_copy(update={"calibrate_from_usage": False})
    assert effective_scenario(off, usage, roster) == (case.scenario, None)
    assert effective_scenario(case, None, roster) == (case.scenario, None)


def test_roi_case_reproduces_the_report_to_the_cent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = written_case(
        tmp_path, capsys, "--usage", *map(str, SAMPLES), "--as-of", TAKEN_ON, "--customer", "Contoso"
    )
    case = Case.model_validate_json(path.read_bytes())
    assert case.customer_name == "Contoso" and case.usage is not None
    assert [f.file_name for f in case.usage.files] == [p.name for p in SAMPLES]
    written = json.loads((tmp_path / "out" / "scenario.json").read_text())  # the report's figures' scenario
    expected = compute(type(case.scenario).model_validate(written), case.prices())
    code, out, err = run(
        capsys, "roi", "--case", str(path), "--usage", *map(str, reversed(SAMPLES)), "--json"
    )
    assert code == 0, err
    payload = json.loads(out)
    assert round(payload["npv"], 2) == round(expected.npv, 2)
    assert round(payload["total_cost"], 2) == round(expected.total_cost, 2)
    assert payload["case"]["customer_name"] == "Contoso"
    assert payload["case"]["measured_scu_per_person_month"]


def test_roi_case_refuses_files_the_case_does_not_record(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = written_case(tmp_path, capsys, "--usage", *map(str, SAMPLES), "--as-of", TAKEN_ON)
    changed = tmp_path / SAMPLES[1].name
    changed.write_bytes(SAMPLES[1].read_bytes() + b"\n")
    code, _, err = run(capsys, "roi", "--case", str(path), "--usage", str(SAMPLES[0]), str(changed))
    assert code == 2
    assert f"{changed.name}: its content differs" in err and "Traceback" not in err
    code, _, err = run(capsys, "roi", "--case", str(path), "--usage", str(SAMPLES[0]))
    assert code == 2 and f"{SAMPLES[1].name}: recorded in the case" in err
    code, _, err = run(capsys, "roi", "--case", str(path))
    assert code == 2 and "give those files" in err


def test_roi_case_needs_the_roster_it_records(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    usage = ingest_paths(SAMPLES, IngestOptions(as_of=dt.date(2026, 11, 21)))
    roster = read_roster("roster.csv", ROSTER.read_bytes())
    case = new_case().model_copy(
        update={
            "usage": UsageIdentity(
                files=tuple(FileIdentity.of_path(p) for p in SAMPLES), as_of=dt.date(2026, 11, 21)
            ),
            "roster": FileIdentity.of_path(ROSTER),
        }
    )
    path = tmp_path / "case.json"
    path.write_text(case_json(case))
    usage_args = ("--usage", *map(str, SAMPLES))
    code, out, err = run(capsys, "roi", "--case", str(path), *usage_args, "--roster", str(ROSTER), "--json")
    assert code == 0, err
    scenario, _ = effective_scenario(case, usage, roster)
    assert round(json.loads(out)["npv"], 2) == round(compute(scenario, case.prices()).npv, 2)
    code, _, err = run(capsys, "roi", "--case", str(path), *usage_args)
    assert code == 2 and "roster.csv" in err
    other = tmp_path / "roster.csv"
    other.write_text(ROSTER.read_text() + "someone,soc\n")
    code, _, err = run(capsys, "roi", "--case", str(path), *usage_args, "--roster", str(other))
    assert code == 2 and "its content differs from the roster" in err


def test_a_case_keeps_its_price_book_until_repriced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = load_price_book()
    older = book.model_copy(
        update={"overage_price_per_scu_usd": book.overage_price_per_scu_usd.model_copy(update={"value": 6.5})}
    )
    case = new_case().model_copy(update={"price_book": older})
    assert price_book_changes(older, book) == [
        "overage price per SCU (USD): 6.5 in the case, 6 in today's book"
    ]
    path = tmp_path / "case.json"
    path.write_text(case_json(case))
    code, out, err = run(capsys, "roi", "--case", str(path), "--json")
    assert code == 0
    assert "warning" in err and "6.5 in the case, 6 in today's book" in err and "--reprice" in err
    as_priced = compute(case.scenario, effective_prices(older, PriceOverrides()))
    assert round(json.loads(out)["npv"], 2) == round(as_priced.npv, 2)
    code, out, err = run(capsys, "roi", "--case", str(path), "--json", "--reprice")
    assert code == 0 and err == ""
    today = compute(case.scenario, repriced(case).prices())
    assert round(json.loads(out)["npv"], 2) == round(today.npv, 2) != round(as_priced.npv, 2)


def test_report_case_writes_the_same_case_back(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first = written_case(tmp_path, capsys, "--usage", *map(str, SAMPLES), "--as-of", TAKEN_ON)
    again = tmp_path / "again"
    code, _, err = run(
        capsys, "report", "--case", str(first), "--usage", *map(str, SAMPLES), "--out", str(again)
    )
    assert code == 0, err
    assert Case.model_validate_json((again / "case.json").read_bytes()) == Case.model_validate_json(
        first.read_bytes()
    )
    code, _, err = run(capsys, "report", "--case", str(first), "--scenario", str(first), "--out", str(again))
    assert code == 2 and "drop --scenario" in err


def test_roi_case_with_usage_puts_each_month_beside_the_forecast(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """realised_to_date: the exact bill of each measured month under the case's plan (summing to
    the billing engine's total for the export) beside the forecast; one row per calendar month."""
    from copilot_roi.billing import bill

    path = written_case(tmp_path, capsys, "--usage", str(SAMPLES[0]), "--as-of", TAKEN_ON)
    case = Case.model_validate_json(path.read_bytes())
    code, out, err = run(capsys, "roi", "--case", str(path), "--usage", str(SAMPLES[0]), "--json")
    assert code == 0, err
    realised = json.loads(out)["realised_to_date"]
    usage = ingest_paths([SAMPLES[0]], IngestOptions(as_of=dt.date.fromisoformat(TAKEN_ON)))
    billed = bill(usage.hourly, case.plan, case.prices()).totals.total_cost
    one_off = case.scenario.one_off_costs.total
    assert sum(m["actual_cost"] for m in realised["months"]) == pytest.approx(billed + one_off, abs=0.05)
    assert [m["month"] for m in realised["months"]] == ["2026-08", "2026-09", "2026-10", "2026-11"]
    assert realised["months"][0]["covered_share"] < 1 and realised["months"][1]["covered_share"] == 1
    nets = [m["actual_value"] - m["actual_cost"] for m in realised["months"]]
    assert realised["months"][-1]["actual_cumulative_net"] == pytest.approx(sum(nets), abs=0.05)
    assert "forecast" in realised["sentence"]
