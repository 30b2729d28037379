"""CLI price/optimize: the documented figures, the same numbers as the engine, clean errors."""

import json
from pathlib import Path

import pytest

from copilot_roi.cli import main
from copilot_roi.estimate import EstimateInputs, build_profile
from copilot_roi.optimizer import optimize
from copilot_roi.pricebook import list_prices


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, object]:
    assert main([*argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_price_one_scu_for_a_year(capsys: pytest.CaptureFixture[str]) -> None:
    out = run_json(capsys, "price", "--scu", "1", "--months", "12")
    assert out["hours"] == 8760
    assert out["total_cost"] == 35040.0
    assert out["provisioned_cost"] == 35040.0
    assert (out["overage_units"], out["overage_cost"], out["throttled_units"]) == (0.0, 0.0, 0.0)
    assert out["currency"] == "USD"


def test_price_one_scu_for_a_month_and_discount_and_currency(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_json(capsys, "price", "--scu", "1", "--months", "1")["total_cost"] == 2920.0
    out = run_json(
        capsys,
        "price",
        "--scu",
        "1",
        "--months",
        "1",
        "--discount",
        "10",
        "--currency",
        "eur",
        "--fx-rate",
        "0.5",
    )
    assert out["total_cost"] == pytest.approx(2920 * 0.9 * 0.5)
    assert out["currency"] == "EUR"


def test_price_e5_pool_allowance(capsys: pytest.CaptureFixture[str]) -> None:
    out = run_json(capsys, "price", "--scu", "0", "--months", "1", "--e5-licenses", "30000")
    assert out["pool_allowance_units"] == 10000.0
    assert out["total_cost"] == 0.0


def test_optimize_matches_the_engine(capsys: pytest.CaptureFixture[str]) -> None:
    out = run_json(capsys, "optimize", "--scu", "3", "--overage", "unlimited")
    engine = optimize(build_profile(EstimateInputs()), list_prices())
    recommended = out["recommended"]
    assert isinstance(recommended, dict)
    assert recommended["description"] == engine.recommended.description
    assert recommended["total_cost"] == round(engine.recommended.total_cost, 2)
    assert recommended["throttled_units"] == 0
    assert isinstance(out["candidates"], list) and len(out["candidates"]) >= 4
    assert out["current"] is not None


def test_optimize_growth_raises_cost(capsys: pytest.CaptureFixture[str]) -> None:
    base = run_json(capsys, "optimize")["recommended"]
    grown = run_json(capsys, "optimize", "--growth", "50")["recommended"]
    assert isinstance(base, dict) and isinstance(grown, dict)
    assert grown["total_cost"] > base["total_cost"]


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["price"], "--scu"),
        (["price", "--scu", "101"], "0..100"),
        (["price", "--scu", "two"], "whole number"),
        (["price", "--scu", "1", "--months", "0"], "between 1 and 1200"),
        (["price", "--scu", "1", "--overage", "lots"], "not a number"),
        (["price", "--scu", "1", "--overage", "nan"], "finite"),
        (["price", "--scu", "1", "--fx-rate", "2"], "USD exchange rate"),
        (["price", "--scu", "1", "--schedule", "someday"], "DAYS,HH-HH"),
        (["price", "--scu", "1", "--schedule", "mon-fri,18-08", "--off-hours-scu", "1"], "end after"),
        (
            [
                "price",
                "--scu",
                "1",
                "--tz",
                "Nowhere/City",
                "--schedule",
                "mon-fri,08-18",
                "--off-hours-scu",
                "1",
            ],
            "time zone",
        ),
        # Purchasable plans only (pricing.md section 5): no capacity needs the E5/E7 default capacity.
        (["price", "--scu", "0", "--overage", "unlimited"], "needs Microsoft 365 E5/E7 licences"),
        (["price", "--scu", "0"], "overage runs only on top of a capacity"),
        # Deleting the capacity off-hours is never a default.
        (["price", "--scu", "3", "--schedule", "mon-fri,08-18"], "--schedule needs --off-hours-scu"),
        (
            ["price", "--scu", "0", "--schedule", "mon-fri,08-18", "--off-hours-scu", "1"],
            "business-hours level",
        ),
        (["price", "--scu", "3", "--off-hours-scu", "1"], "only with --schedule"),
        (["optimize", "--throttle-budget", "-1"], "must be a finite number >= 0"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(
    capsys: pytest.CaptureFixture[str], argv: list[str], fragment: str
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        code = main(argv)
        raise SystemExit(code)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert fragment in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_estimate_file_errors_exit_1(tmp_path: object, capsys: pytest.CaptureFixture[str]) -> None:
    from pathlib import Path

    bad = Path(str(tmp_path)) / "estimate.json"
    bad.write_text('{"work_start_hour": 30}', encoding="utf-8")
    assert main(["optimize", "--estimate", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "work_start_hour" in err and len(err.strip().splitlines()) == 1


def test_price_of_a_schedule_that_deletes_the_capacity_refuses_off_hours_work(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # One idle 730-hour month quoted from Monday 2027-01-04 00:00 UTC: 30 whole days (4 Jan to 2 Feb)
    # plus 10 hours (Wed 3 Feb 00:00-09:59). Weekdays among the 30 days: 22 (four weeks, then
    # Mon 1 and Tue 2 Feb), so 22 x 10 business hours of 3 SCU, then 08:00-09:59 on 3 Feb, and
    # nothing off-hours.
    out = run_json(
        capsys,
        "price",
        "--scu",
        "3",
        "--schedule",
        "mon-fri,08-18",
        "--off-hours-scu",
        "0",
        "--months",
        "1",
        "--overage",
        "unlimited",
    )
    assert out["provisioned_scu_hours"] == 22 * 10 * 3 + 2 * 3
    assert "capacity deleted off-hours: nothing served then except from the E5/E7 pool" in str(out["plan"])


def test_optimize_recommends_only_purchasable_plans_on_the_sample(capsys: pytest.CaptureFixture[str]) -> None:
    sample = Path(__file__).resolve().parents[2] / "sample_data" / "CapacityUsage.xlsx"
    usage = ["--usage", str(sample), "--as-of", "2026-11-21"]
    out = run_json(capsys, "optimize", *usage)
    assert out["allow_off_hours_deletion"] is False
    candidates = out["candidates"]
    assert isinstance(candidates, list)
    for candidate in candidates:
        plan = candidate["plan"]
        assert plan["provisioned_scu"] >= 1 or plan["schedule"] is not None or plan["e5_licences"] > 0
        assert plan["schedule"] is None or plan["schedule"]["off_hours_scu"] >= 1
        assert "deleted" not in candidate["description"]
    recommended = out["recommended"]
    assert isinstance(recommended, dict) and recommended["throttled_units"] == 0
    # Asked for, deletion is considered and described as what it is, with its throttled units.
    allowed = run_json(capsys, "optimize", *usage, "--allow-off-hours-deletion", "--throttle-budget", "1e6")
    deleting = [
        c
        for c in allowed["candidates"]
        if c["plan"]["schedule"] and c["plan"]["schedule"]["off_hours_scu"] == 0
    ]
    assert deleting
    for candidate in deleting:
        assert (
            "capacity deleted off-hours: nothing served then except from the E5/E7 pool"
            in candidate["description"]
        )
        assert candidate["throttled_units"] > 0  # the sample has off-hours work


def test_e5_pay_as_you_go_is_one_switch_for_price_and_optimize(capsys: pytest.CaptureFixture[str]) -> None:
    # 4,000 licences (a pool of 1,600 SCU a month) under the bundled estimate profile: with the
    # switch on, the pool alone with overage is cheapest; off (the default, the price book's
    # "announced"), it would refuse demand, so optimize keeps a capacity.
    on = run_json(capsys, "optimize", "--e5-licenses", "4000", "--e5-pay-as-you-go")
    off = run_json(capsys, "optimize", "--e5-licenses", "4000")
    assert run_json(capsys, "optimize", "--e5-licenses", "4000", "--no-e5-pay-as-you-go") == off
    assert (on["e5_pay_as_you_go"], off["e5_pay_as_you_go"]) == (True, False)
    recommended_on, recommended_off = on["recommended"], off["recommended"]
    assert isinstance(recommended_on, dict) and isinstance(recommended_off, dict)
    assert recommended_on["plan"]["provisioned_scu"] == 0 and recommended_on["plan"]["overage"] == "unlimited"
    assert recommended_off["plan"]["provisioned_scu"] >= 1 and recommended_off["throttled_units"] == 0
    # price agrees: the same pool-alone plan is billed past the pool with the switch, refused without.
    sample = Path(__file__).resolve().parents[2] / "sample_data" / "CapacityUsage.xlsx"
    usage = ["--usage", str(sample), "--as-of", "2026-11-21"]
    argv = ["price", "--scu", "0", "--overage", "unlimited", "--e5-licenses", "10", *usage]
    assert run_json(capsys, *argv)["e5_pay_as_you_go"] is False
    billed = run_json(capsys, *argv, "--e5-pay-as-you-go")
    refused = run_json(capsys, *argv)
    assert billed["throttled_units"] == 0 and billed["overage_cost"] > 0
    assert refused["overage_cost"] == 0 and refused["throttled_units"] == pytest.approx(
        billed["overage_units"]
    )
