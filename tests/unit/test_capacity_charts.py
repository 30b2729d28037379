"""The Capacity page's Vega-Lite charts: the engine's numbers, readable sizes, legends never cut."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd
import pytest

from copilot_roi.billing import bill
from copilot_roi.capacity_report import capacity_view, hour_of_week
from copilot_roi.charts.style import BASE_FONT_PX
from copilot_roi.estimate import EstimateInputs, build_profile
from copilot_roi.plans import CapacityPlan
from copilot_roi.pricebook import list_prices


@pytest.fixture(scope="module")
def series() -> Any:
    return build_profile(EstimateInputs())


def legend_names(spec: dict[str, Any]) -> list[str]:
    layers = spec.get("layer", [spec])
    for layer in layers:
        colour = layer["encoding"].get("color", {})
        if colour.get("scale"):
            return list(colour["scale"]["domain"])
    raise AssertionError("no colour scale")


def rows(spec: dict[str, Any]) -> pd.DataFrame:
    return pd.DataFrame(spec["data"]["values"])


def test_specs_are_plain_json_without_nan(series: Any) -> None:
    view = capacity_view(series, CapacityPlan(provisioned_scu=3, overage="unlimited"), list_prices(), "UTC")
    for spec in (view.monthly_chart, view.level_chart, view.hour_of_week_chart):
        # allow_nan=False: a NaN would reach the browser as invalid JSON.
        assert json.loads(json.dumps(spec, allow_nan=False)) == spec


def test_projector_sizes_and_legends_are_never_truncated(series: Any) -> None:
    view = capacity_view(series, CapacityPlan(provisioned_scu=3, overage="unlimited"), list_prices(), "UTC")
    for spec in (view.monthly_chart, view.level_chart, view.hour_of_week_chart):
        config = spec["config"]
        assert config["legend"]["labelLimit"] == 0  # Vega-Lite's default cuts labels at 160 px
        assert config["legend"]["labelFontSize"] >= BASE_FONT_PX - 2 >= 14
        assert config["axis"]["labelFontSize"] >= 14 and config["axis"]["titleFontSize"] >= BASE_FONT_PX
        assert spec["title"]["fontSize"] >= 20
        assert spec["height"] >= 400


def test_monthly_chart_carries_each_month_cost_parts(series: Any) -> None:
    plan = CapacityPlan(provisioned_scu=3, overage="unlimited")
    monthly = bill(series, plan, list_prices()).monthly
    spec = capacity_view(series, plan, list_prices(), "UTC").monthly_chart
    data = rows(spec).pivot(index="month", columns="series", values="cost")
    assert spec["encoding"]["x"]["sort"] == list(monthly["month_label"])
    for _, month in monthly.iterrows():
        assert data.loc[month["month_label"], "Provisioned"] == pytest.approx(month["provisioned_cost"])
        assert data.loc[month["month_label"], "Overage"] == pytest.approx(month["overage_cost"])
    assert legend_names(spec) == ["Provisioned", "Overage"]


def test_level_chart_marks_throttling_levels_and_the_current_plan(series: Any) -> None:
    plan = CapacityPlan(provisioned_scu=3, overage="unlimited")
    view = capacity_view(series, plan, list_prices(), "UTC")
    curve = view.optimization.level_curve
    data = rows(view.level_chart)
    throttling = data[data["series"] == "No overage (throttles demand)"]
    serving = data[data["series"] == "No overage (throttles nothing)"]
    # Every level from 1 SCU appears once without overage, as a cross when it throttles.
    for _, row in pd.concat([throttling, serving]).iterrows():
        index = int(np.flatnonzero(curve.levels_scu == row["level"])[0])
        assert row["cost"] == pytest.approx(curve.cost_no_overage[index])
        assert row["throttled"] == pytest.approx(curve.throttled_no_overage[index])
        assert (row["throttled"] > 0) == (row["series"] == "No overage (throttles demand)")
    assert len(throttling) > 0 and len(serving) > 0
    assert "throttled" in [t["field"] for t in view.level_chart["layer"][1]["encoding"]["tooltip"]]
    markers = view.level_chart["layer"][2]["data"]["values"]
    assert {"level": 3.0, "label": "current", "colour": markers[-1]["colour"]} in markers


def test_hour_of_week_chart_lists_only_series_with_data(series: Any) -> None:
    prices = list_prices()
    generous = bill(series, CapacityPlan(provisioned_scu=20, overage="none"), prices)
    spec = capacity_view(series, CapacityPlan(provisioned_scu=20, overage="none"), prices, "UTC")
    lines = ["Average demand", "Peak demand", "Provisioned", "90 % warning"]
    assert legend_names(spec.hour_of_week_chart) == lines  # no overage, no throttling: no markers
    data = rows(spec.hour_of_week_chart)
    expected = hour_of_week(generous, "UTC")
    assert len(data) == 168
    expected_demand = expected["mean_demand_scu"].to_numpy()
    assert data["mean_demand_scu"].to_numpy() == pytest.approx(expected_demand, abs=1e-3)

    tight = capacity_view(series, CapacityPlan(provisioned_scu=1, overage="none"), prices, "UTC")
    assert legend_names(tight.hour_of_week_chart)[-1] == "Throttled"
