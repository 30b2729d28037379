"""Scenario files say what they mean: strict types in the plan and prices, and every file the
model accepts (a report's own scenario.json included) is one its loader reads back.

Issue 23 item 7: ``e5_licences: true`` became one licence and a price of ``true`` $1; a scenario
with 60,000 holidays validated, but the report's own scenario.json was then too large to load.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any, cast

import pytest

from copilot_roi.business.bundle import scenario_json
from copilot_roi.business.case import BusinessCase
from copilot_roi.cli import main
from copilot_roi.cli.value_commands import MAX_SCENARIO_BYTES, load_scenario
from copilot_roi.plans import MAX_HOLIDAYS
from copilot_roi.value.extra_lines import MAX_LINES
from copilot_roi.value.scenario import Scenario, scenario_template

SCHEDULE = {"timezone": "Europe/Paris", "business_scu": 2, "off_hours_scu": 1, "holidays": ["2027-12-25"]}
# Each path holds a number in the plan, its schedule or the prices; the value beside it is valid.
NUMBER_FIELDS = (
    (("capacity", "plan", "provisioned_scu"), 2),
    (("capacity", "plan", "e5_licences"), 300),
    (("capacity", "plan", "overage_cap_scu_per_hour"), 5.0),
    (("capacity", "plan", "schedule", "business_scu"), 3),
    (("capacity", "plan", "schedule", "off_hours_scu"), 1),
    (("capacity", "plan", "schedule", "business_start_hour"), 9),
    (("capacity", "plan", "schedule", "business_end_hour"), 17),
    (("prices", "provisioned_price_per_scu_hour_usd"), 3.5),
    (("prices", "overage_price_per_scu_usd"), 5.0),
    (("prices", "discount_share"), 0.1),
    (("format_version",), 1),
)
OPTIONAL = {"provisioned_price_per_scu_hour_usd", "overage_price_per_scu_usd"}  # null: the price book's


def template_data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(scenario_template("expected").model_dump_json())
    data["capacity"]["plan"] = {"provisioned_scu": 1, "overage": "capped", "overage_cap_scu_per_hour": 2.0,
                                "schedule": dict(SCHEDULE)}  # fmt: skip
    return data


def with_value(path: tuple[str, ...], value: object) -> str:
    data = template_data()
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return json.dumps(data)


@pytest.mark.parametrize(
    ("path", "valid"), NUMBER_FIELDS, ids=lambda p: ".".join(p) if isinstance(p, tuple) else ""
)
def test_numbers_in_the_plan_and_prices_are_strict(path: tuple[str, ...], valid: object) -> None:
    assert Scenario.model_validate_json(with_value(path, valid))  # the valid value loads
    wrong: list[object] = [str(valid), True, False, [valid]]
    if path[-1] not in OPTIONAL:
        wrong.append(None)
    if isinstance(valid, int):
        wrong.append(float(valid))  # 2.0 is not a whole number of SCUs in a portable file
    for value in wrong:
        with pytest.raises(ValueError, match=".".join(path)):
            Scenario.model_validate_json(with_value(path, value))


def test_a_whole_price_is_still_a_price() -> None:
    scenario = Scenario.model_validate_json(with_value(("prices", "provisioned_price_per_scu_hour_usd"), 4))
    assert scenario.prices.provisioned_price_per_scu_hour_usd == 4.0


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("capacity", "plan", "schedule", "business_days"), [0, True]),
        (("capacity", "plan", "schedule", "business_days"), ["1"]),
        (("capacity", "plan", "schedule", "holidays"), [True]),
        (("capacity", "plan", "schedule", "timezone"), True),
        (("prices", "currency"), True),
        (("prices", "usd_to_currency_rate"), "1"),
    ],
)
def test_lists_and_text_in_the_plan_refuse_other_types(path: tuple[str, ...], value: object) -> None:
    with pytest.raises(ValueError, match=".".join(path)):
        Scenario.model_validate_json(with_value(path, value))


def test_roi_names_the_field_of_a_true_licence_count(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "s.json"
    path.write_text(with_value(("capacity", "plan", "e5_licences"), True))
    assert main(["roi", "--scenario", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "capacity.plan.e5_licences" in err


def test_holidays_are_bounded_and_the_cli_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first = dt.date(2027, 1, 1)
    data = template_data()
    data["capacity"]["plan"]["schedule"]["holidays"] = [
        (first + dt.timedelta(days=i)).isoformat() for i in range(60_000)
    ]
    path = tmp_path / "holidays.json"
    path.write_text(json.dumps(data, separators=(",", ":")))
    assert path.stat().st_size < MAX_SCENARIO_BYTES  # refused for its meaning, not its size
    assert main(["roi", "--scenario", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "capacity.plan.schedule.holidays" in err and f"{MAX_HOLIDAYS}" in err


def largest_scenario() -> Scenario:
    """Every list at its longest and every text at its longest, in characters JSON escapes to six
    bytes (``\\u0001``): the biggest scenario.json a report can write."""
    data = template_data()
    data["horizon_months"] = 120
    wide = "\x01" * 110

    def name(i: int) -> str:
        return f"{wide}{i:010d}"

    source = "\x01" * 500
    data["capacity"]["plan"]["schedule"]["holidays"] = [
        (dt.date(2027, 1, 1) + dt.timedelta(days=i)).isoformat() for i in range(MAX_HOLIDAYS)
    ]
    band = {"low": 0.0, "high": 1.0}
    data["agents"] = [
        {"agent": name(i), "runs_per_month": 1.0, "scu_per_run": 0.5, "analyst_minutes_avoided_per_run": 1.0,
         "ranges": {"scu_per_run": band, "analyst_minutes_avoided_per_run": band}, "source": source}
        for i in range(50)
    ]  # fmt: skip
    amounts = [123_456_789.123456] * 10
    data["other_benefits"] = [
        {"name": name(i), "per_year": amounts, "source": source} for i in range(MAX_LINES)
    ]
    data["other_costs"] = [
        {"name": name(i), "one_off": 1.5, "per_year": amounts, "source": source} for i in range(MAX_LINES)
    ]
    return Scenario.model_validate(data)


def test_the_largest_scenario_a_report_writes_loads_back(tmp_path: Path) -> None:
    scenario = largest_scenario()
    written = scenario_json(cast(BusinessCase, type("Case", (), {"scenario": scenario})()))
    assert len(written) > 400_000  # the worst case really is large...
    assert len(written) <= MAX_SCENARIO_BYTES  # ...and still within what the loader reads
    path = tmp_path / "scenario.json"
    path.write_bytes(written)
    assert load_scenario(path) == scenario
