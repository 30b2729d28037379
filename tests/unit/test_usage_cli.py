"""`copilot-roi usage`: same numbers as the engine the page calls; untrusted files exit 1 cleanly."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from copilot_roi.cli import main
from copilot_roi.usage import IngestOptions, ingest_paths
from copilot_roi.usage.agent_names import is_agent_identity
from copilot_roi.usage.analytics import summarise
from copilot_roi.usage.report import usage_payload

SAMPLES = Path(__file__).resolve().parents[2] / "sample_data"
FILES = [str(SAMPLES / "CapacityUsage.xlsx"), str(SAMPLES / "CapacityUsage_2026-10-01_EU.csv")]
ARGS = ["--as-of", "2026-11-21", "--tz", "Europe/Paris"]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_json_matches_the_engine_the_page_calls(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "usage", *FILES, *ARGS, "--json")
    assert code == 0, err
    printed = json.loads(out)
    dataset = ingest_paths(FILES, IngestOptions(as_of=dt.date(2026, 11, 21), timezone="Europe/Paris"))
    assert printed == json.loads(json.dumps(usage_payload(dataset)))
    summary = summarise(dataset.frame, dataset.hourly)  # what the page's KPI row shows
    assert printed["total_units"] == summary.total_units
    assert printed["sessions"] == summary.sessions
    assert printed["users"] == summary.users
    assert printed["peak_hour_units"] == summary.peak_hour_units
    for key in (
        "rows_read",
        "rows_used",
        "rows_rejected",
        "duplicates_removed",
        "first",
        "last",
        "period_hours",
        "by_category",
        "by_plugin",
        "by_experience",
        "by_user",
        "rejections",
    ):
        assert key in printed
    assert printed["first"] == "2026-08-17T00:02:00+02:00"
    assert printed["last"].endswith("+01:00")  # after the clocks went back
    assert printed["duplicates_removed"] > 0
    assert sum(printed["by_plugin"].values()) == pytest.approx(printed["total_units"])
    assert printed["by_user"]["NA"] > 0  # a user called NA is a user


def test_pseudonymised_json_hides_names_but_keeps_numbers(capsys: pytest.CaptureFixture[str]) -> None:
    _, plain, _ = run(capsys, "usage", FILES[0], *ARGS, "--json")
    code, hidden, _ = run(capsys, "usage", FILES[0], *ARGS, "--json", "--pseudonymise")
    assert code == 0
    plain_payload, hidden_payload = json.loads(plain), json.loads(hidden)
    assert "Ben Heppard" in plain and "Ben Heppard" not in hidden
    assert sorted(plain_payload["by_user"].values()) == sorted(hidden_payload["by_user"].values())
    # People are aliased; agents keep their product names (as in the rate card).
    assert all(name.startswith("User ") or is_agent_identity(name) for name in hidden_payload["by_user"])
    assert "Phishing Triage Agent" in hidden_payload["by_user"]
    assert hidden_payload["total_units"] == plain_payload["total_units"]


def test_human_output(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "usage", *FILES, *ARGS)
    assert code == 0
    assert out.startswith("Files: CapacityUsage.xlsx, CapacityUsage_2026-10-01_EU.csv")
    assert "duplicates removed" in out and "By plugin:" in out


def test_rejections_are_listed(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "u.csv"
    path.write_text('Date,Units used\n"Nov 2, 09:00 AM",1\n"Nov 2, 10:00 AM",-3\n"Nov 2, 11:00 AM",2\n')
    code, out, _ = run(capsys, "usage", str(path), *ARGS, "--json")
    assert code == 0
    payload = json.loads(out)
    assert payload["rejections"] == [
        {"file": "u.csv", "row": 3, "column": "Units used", "reason": "negative units '-3'"}
    ]
    assert (payload["rows_read"], payload["rows_used"], payload["rows_rejected"]) == (3, 2, 1)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"MZ\x90\x00binary", "binary file"),
        (b"Date,Units used\n" + b'"Nov 2, 09:00 AM",x\n' * 3, "3 of 3 rows cannot be used"),
        (b"", "empty"),
    ],
)
def test_untrusted_file_exits_1_with_one_line_and_no_traceback(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, content: bytes, reason: str
) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(content)
    code, out, err = run(capsys, "usage", str(path), "--json")
    assert code == 1
    assert out == ""
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "export.csv" in err and reason in err


def test_missing_file_and_bad_zone(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "usage", "/nonexistent/usage.csv")
    assert code == 1 and "no such file" in err
    with pytest.raises(SystemExit) as stop:  # refused while parsing, as argparse refuses any argument
        run(capsys, "usage", FILES[0], "--tz", "Mars/Olympus")
    err = capsys.readouterr().err
    assert stop.value.code == 2 and "argument --tz: unknown time zone" in err and err.count("\n") == 1


def test_price_reads_the_same_hourly_series(capsys: pytest.CaptureFixture[str]) -> None:
    """The lead's --usage flag goes through load_hourly_usage: hours and units match the page."""
    code, out, err = run(capsys, "price", "--scu", "3", "--usage", *FILES, *ARGS, "--json")
    assert code == 0, err
    priced = json.loads(out)
    usage = usage_payload(
        ingest_paths(FILES, IngestOptions(as_of=dt.date(2026, 11, 21), timezone="Europe/Paris"))
    )
    assert priced["consumed_units"] == pytest.approx(usage["total_units"])
    assert priced["hours"] == usage["period_hours"]


def test_pseudonymised_output_hides_a_user_name_in_a_file_name(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "Ben Heppard export.csv"
    path.write_text(
        'Date,Units used,Initiated by\n"Nov 2, 09:00 AM",1,Ben Heppard\n"Nov 2, 10:00 AM",x,Ann\n'
    )
    code, out, _ = run(capsys, "usage", str(path), *ARGS, "--json", "--pseudonymise")
    assert code == 0
    assert "Ben Heppard" not in out
    payload = json.loads(out)
    assert payload["files"][0].endswith(" export.csv")
    assert payload["rejections"][0]["file"] == payload["files"][0]


def test_json_lists_the_agent_rate_card(capsys: pytest.CaptureFixture[str]) -> None:
    from copilot_roi.usage.agents import rate_card

    code, out, _ = run(capsys, "usage", *FILES, *ARGS, "--json", "--pseudonymise")
    assert code == 0
    agents = json.loads(out)["agents"]
    dataset = ingest_paths(FILES, IngestOptions(as_of=dt.date(2026, 11, 21), timezone="Europe/Paris"))
    card = rate_card(dataset.frame)
    # Agents keep their product names under --pseudonymise; the figures are the engine's.
    assert [a["agent"] for a in agents] == ["Phishing Triage Agent", "Conditional Access Optimization Agent"]
    assert [a["runs"] for a in agents] == [a.runs for a in card.agents]
    assert [a["units_per_run_median"] for a in agents] == [a.units_per_run_median for a in card.agents]
    assert sum(a["total_units"] for a in agents) == pytest.approx(
        dataset.frame.loc[dataset.frame["type"].astype(str) == "Agent", "units_scu"].sum()
    )
    code, text, _ = run(capsys, "usage", *FILES, *ARGS)
    assert "Phishing Triage Agent: " in text and "runs a day" in text


def test_pool_forecast_with_e5_licences(capsys: pytest.CaptureFixture[str]) -> None:
    from copilot_roi.pricebook import list_prices
    from copilot_roi.usage.burndown import pool_forecast

    argv = ["usage", FILES[0], *ARGS, "--e5-licenses", "2000", "--growth", "10", "--json"]
    code, out, _ = run(capsys, *argv, "--e5-pay-as-you-go")
    assert code == 0
    pool = json.loads(out)["pool"]
    dataset = ingest_paths(FILES[:1], IngestOptions(as_of=dt.date(2026, 11, 21), timezone="Europe/Paris"))
    expected = pool_forecast(dataset.hourly, 2000, list_prices(), growth_pct=10, e5_pay_as_you_go=True)
    assert pool == json.loads(json.dumps(expected.as_dict()))
    assert pool["allowance_units"] == 800.0  # 0.4 x 2,000
    observed = [m for m in pool["months"] if m["kind"] == "observed"]
    assert sum(m["used_units"] for m in observed) == pytest.approx(dataset.total_units)
    for m in pool["months"]:
        assert m["units_past_pool"] == pytest.approx(max(m["used_units"] - 800.0, 0.0), abs=1e-6)
        assert m["cost_past_pool"] == pytest.approx(6.0 * m["billed_units"])
    assert pool["months"][-1]["kind"] == "forecast" and pool["months"][-1]["month"] == "2026-12"
    # Not given: the price book's status (announced, not confirmed), so past the pool is throttled.
    for off in ([], ["--no-e5-pay-as-you-go"]):
        _, throttled, _ = run(capsys, *argv, *off)
        assert json.loads(throttled)["pool"]["e5_pay_as_you_go"] is False
        assert all(m["cost_past_pool"] == 0 for m in json.loads(throttled)["pool"]["months"])
    assert "pool" not in json.loads(run(capsys, "usage", FILES[0], *ARGS, "--json")[1])


def test_pool_forecast_bad_growth_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "usage", FILES[0], *ARGS, "--e5-licenses", "400", "--growth", "-150")
    assert code == 2
    assert err.count("\n") == 1 and "growth must be between" in err
