"""The pages' finance inputs: widget values and edited line rows to a scenario and back, bad rows by field."""

from __future__ import annotations

import math

import pytest
from pydantic import ValidationError

from copilot_roi.value.finance_inputs import (
    CONVENTION_KEY,
    RISK_BENEFITS_KEY,
    finance_widget_values,
    line_table,
    parse_lines,
    with_finance,
)
from copilot_roi.value.scenario import scenario_template


def test_lines_round_trip_through_the_table() -> None:
    rows = [
        {
            "name": "Retired tool",
            "per_year": "12,000; 24000",
            "source": "quote",
            "band_low": 0.5,
            "band_high": None,
        },
        {
            "name": None,
            "per_year": None,
            "source": None,
            "band_low": math.nan,
            "band_high": None,
        },  # blank row
    ]
    costs = [
        {
            "name": "Admin",
            "one_off": "5000",
            "per_year": "",
            "source": "",
            "band_low": None,
            "band_high": None,
        }
    ]
    scenario = with_finance(
        scenario_template(), {CONVENTION_KEY: "annual", RISK_BENEFITS_KEY: 15.0}, rows, costs
    )
    benefit = scenario.other_benefits[0]
    assert benefit.per_year == [12_000.0, 24_000.0]
    assert benefit.band is not None and (benefit.band.low, benefit.band.high) == (0.5, 1.0)
    assert scenario.other_costs[0].one_off == 5_000.0 and scenario.other_costs[0].per_year == []
    assert scenario.finance.convention == "annual" and scenario.finance.risk_adjustment.benefits == 0.15
    assert scenario.preset == "custom"
    again = with_finance(scenario, finance_widget_values(scenario), line_table(scenario.other_benefits),
                         line_table(scenario.other_costs))  # fmt: skip
    assert again == scenario


def test_untouched_widgets_keep_the_scenario() -> None:
    base = scenario_template()
    assert with_finance(base, finance_widget_values(base), None, None) == base


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            {"name": "x", "per_year": "12000,24000"},
            "other_benefits[0].per_year: '12000,24000': separate years",
        ),
        ({"name": "x", "per_year": "abc"}, "other_benefits[0].per_year: 'abc' is not a number"),
        (
            {"name": "x", "per_year": "1", "band_low": "low"},
            "other_benefits[0].band_low: 'low' is not a number",
        ),
    ],
)
def test_unreadable_numbers_name_the_row_and_column(row: dict[str, object], message: str) -> None:
    with pytest.raises(
        ValueError, match="^" + message.replace("[", r"\[").replace("]", r"\]").replace("(", r"\(")
    ):
        parse_lines("other_benefits", [row])


def test_invalid_lines_are_refused_by_the_model_with_their_path() -> None:
    with pytest.raises(ValidationError) as caught:
        with_finance(scenario_template(), {}, [{"name": "x", "per_year": "-5"}], None)
    assert caught.value.errors()[0]["loc"] == ("other_benefits", 0, "per_year", 0)
    with pytest.raises(ValidationError) as caught:
        with_finance(scenario_template(), {}, None, [{"name": "", "one_off": 1.0, "per_year": ""}])
    assert caught.value.errors()[0]["loc"] == ("other_costs", 0, "name")
