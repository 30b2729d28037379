"""Capacity page figures: monthly cost parts, cost against provisioned level, usage by hour of week.

They are Vega-Lite specifications (plain dicts, drawn by Streamlit's built-in Vega-Lite element)
rather than Plotly figures: the Capacity page is the app's landing page, and Plotly's browser code
(4.6 MB, about 0.8 s of script evaluation before the first chart) was most of the time to open it
(README, "Where the time goes"). Each spec carries its data inline, so it is self-contained.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from copilot_roi.charts.style import (
    NEUTRAL_COLOUR,
    OVERAGE_COLOUR,
    POOL_COLOUR,
    PROVISIONED_COLOUR,
    THROTTLED_COLOUR,
    VegaLiteSpec,
    finish_vega_lite,
)
from copilot_roi.optimizer import LevelCurve

HOURS_PER_DAY = 24


def _colour_scale(series: list[tuple[str, str]], shown: pd.Series) -> dict[str, Any]:
    """A nominal colour encoding over ``series`` (name, colour), in that legend order; the legend
    lists only the series in ``shown`` (a series with no data, like no throttled hour, is left out)."""
    present = set(shown)
    series = [(name, colour) for name, colour in series if name in present]
    return {
        "field": "series",
        "type": "nominal",
        "title": None,
        "sort": [name for name, _ in series],
        "scale": {"domain": [name for name, _ in series], "range": [colour for _, colour in series]},
    }


def _values(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as JSON-ready records (Python floats and ints, never numpy or NaN)."""
    return [
        {str(key): (value.item() if isinstance(value, np.generic) else value) for key, value in row.items()}
        for row in frame.to_dict("records")
    ]


def monthly_cost_figure(monthly: pd.DataFrame, currency: str) -> VegaLiteSpec:
    """Stacked monthly cost: provisioned capacity, then overage, one bar per billing month."""
    series = [("Provisioned", PROVISIONED_COLOUR), ("Overage", OVERAGE_COLOUR)]
    months = monthly["month_label"].astype(str).tolist()
    long = pd.concat(
        [
            pd.DataFrame({"month": months, "series": name, "cost": monthly[column].astype(float)})
            for (name, _), column in zip(series, ("provisioned_cost", "overage_cost"), strict=True)
        ]
    )
    spec: VegaLiteSpec = {
        "data": {"values": _values(long)},
        "mark": {"type": "bar"},
        "encoding": {
            "x": {
                "field": "month",
                "type": "ordinal",
                "sort": months,
                "title": None,
                "axis": {"labelAngle": 0},
            },
            "y": {"field": "cost", "type": "quantitative", "stack": "zero", "title": f"Cost ({currency})"},
            "color": _colour_scale(series, long["series"]),
            "order": {"field": "order", "type": "quantitative"},
            "tooltip": [
                {"field": "month", "title": "Month"},
                {"field": "series", "title": "Part"},
                {"field": "cost", "type": "quantitative", "title": f"Cost ({currency})", "format": ",.0f"},
            ],
        },
    }
    # Provisioned at the bottom of each bar, overage on top, as in the legend.
    spec["transform"] = [{"calculate": "datum.series === 'Provisioned' ? 0 : 1", "as": "order"}]
    return finish_vega_lite(spec, "Monthly cost by component")


def level_curve_figure(
    curve: LevelCurve,
    currency: str,
    recommended_level: int | None,
    current_level: int | None,
    max_level: int = 30,
) -> VegaLiteSpec:
    """Total cost of each flat 24x7 level, with and without overage; throttling shown on hover."""
    upper = max(max_level, (recommended_level or 0) + 5, (current_level or 0) + 5)
    shown = (curve.levels_scu >= 1) & (curve.levels_scu <= upper)
    levels = curve.levels_scu[shown]
    throttled = curve.throttled_no_overage[shown]
    without_overage = curve.cost_no_overage[shown]
    series = [
        ("With unlimited overage", OVERAGE_COLOUR),
        ("No overage (throttles nothing)", PROVISIONED_COLOUR),
        ("No overage (throttles demand)", THROTTLED_COLOUR),
    ]
    points = pd.concat(
        [
            pd.DataFrame(
                {"level": levels, "cost": curve.cost_unlimited_overage[shown], "throttled": 0.0}
            ).assign(series=series[0][0]),
            pd.DataFrame({"level": levels, "cost": without_overage, "throttled": throttled}).assign(
                series=np.where(throttled > 0, series[2][0], series[1][0])
            ),
        ]
    )
    colour = _colour_scale(series, points["series"])
    tooltip = [
        {"field": "series", "title": "Plan"},
        {"field": "level", "type": "quantitative", "title": "SCUs (24x7)"},
        {"field": "cost", "type": "quantitative", "title": f"Cost ({currency})", "format": ",.0f"},
    ]
    x = {
        "field": "level",
        "type": "quantitative",
        "title": "Provisioned SCUs (24x7)",
        "axis": {"tickMinStep": 1},
    }
    y = {"field": "cost", "type": "quantitative", "title": f"Cost over period ({currency})"}
    layers: list[VegaLiteSpec] = [
        {
            # Lines join the plans that serve all demand; a throttling plan is a cross, not a line.
            "transform": [{"filter": f"datum.series !== '{series[2][0]}'"}],
            "mark": {"type": "line", "point": {"filled": True, "size": 60}, "strokeWidth": 2.5},
            "encoding": {"x": x, "y": y, "color": colour, "tooltip": tooltip},
        },
        {
            "transform": [{"filter": f"datum.series === '{series[2][0]}'"}],
            "mark": {"type": "point", "shape": "cross", "filled": True, "size": 110},
            "encoding": {
                "x": x,
                "y": y,
                "color": colour,
                "tooltip": [
                    *tooltip,
                    {
                        "field": "throttled",
                        "type": "quantitative",
                        "title": "Throttled SCU",
                        "format": ",.1f",
                    },
                ],
            },
        },
    ]
    markers = [
        {"level": float(level), "label": label, "colour": colour}
        for level, label, colour in (
            (recommended_level, "best flat level", PROVISIONED_COLOUR),
            (current_level, "current", NEUTRAL_COLOUR),
        )
        if level
    ]
    if markers:
        marker_x = {"field": "level", "type": "quantitative"}
        layers += [
            {
                "data": {"values": markers},
                "mark": {"type": "rule", "strokeDash": [6, 4], "strokeWidth": 2},
                "encoding": {"x": marker_x, "color": {"field": "colour", "type": "nominal", "scale": None}},
            },
            {
                "data": {"values": markers},
                "mark": {"type": "text", "baseline": "top", "dy": 4, "fontSize": 14},
                "encoding": {
                    "x": marker_x,
                    "y": {"value": 0},
                    "text": {"field": "label"},
                    "color": {"field": "colour", "type": "nominal", "scale": None},
                },
            },
        ]
    spec: VegaLiteSpec = {"data": {"values": _values(points)}, "layer": layers}
    return finish_vega_lite(spec, "Cost against provisioned level")


def hour_of_week_figure(profile: pd.DataFrame) -> VegaLiteSpec:
    """Demand against capacity for each hour of the week, with overage and throttled hours marked."""
    lines = [
        ("Average demand", POOL_COLOUR, "mean_demand_scu"),
        ("Peak demand", NEUTRAL_COLOUR, "peak_demand_scu"),
        ("Provisioned", PROVISIONED_COLOUR, "mean_provisioned_scu"),
        ("90 % warning", OVERAGE_COLOUR, "warning_level_scu"),
    ]
    markers = [
        ("Overage used", OVERAGE_COLOUR, "overage_hours", "triangle-up"),
        ("Throttled", THROTTLED_COLOUR, "throttled_hours", "cross"),
    ]
    marked = [m for m in markers if (profile[m[2]] > 0).any()]
    # One row per hour (168), SCUs rounded to a thousandth: the spec travels to the browser as JSON.
    hours = profile[["how", "label"]].rename(columns={"how": "hour"})
    wide = hours.assign(
        **{column: profile[column].astype(float).round(3) for _, _, column in lines},
        **{column: profile[column].astype(int) for _, _, column, _ in markers},
    )
    series = [(name, colour) for name, colour, *_ in (*lines, *marked)]
    scale = {"domain": [name for name, _ in series], "range": [colour for _, colour in series]}
    day_starts = list(range(0, 7 * HOURS_PER_DAY, HOURS_PER_DAY))
    x = {
        "field": "hour",
        "type": "quantitative",
        "title": "Hour of week",
        "scale": {"domain": [0, 7 * HOURS_PER_DAY], "nice": False},
        "axis": {
            "values": day_starts,
            "labelExpr": "['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'][floor(datum.value / 24) % 7]",
            "labelAlign": "left",
        },
    }

    def layer(name: str, column: str, mark: dict[str, Any], **encoding: Any) -> VegaLiteSpec:
        return {
            "mark": mark,
            "encoding": {
                "x": x,
                "y": {"field": column, "type": "quantitative", "title": "SCUs per hour"},
                "color": {"datum": name, "scale": scale, "title": None},
                "tooltip": [
                    {"field": "label", "title": "Hour"},
                    {"field": column, "type": "quantitative", "title": f"{name} (SCU)", "format": ",.2f"},
                ],
                **encoding,
            },
        }

    layers: list[VegaLiteSpec] = [
        {
            # One bar per hour, from the hour's start to the next: no gaps, as in a histogram.
            **layer("Average demand", "mean_demand_scu", {"type": "rect"}, x2={"field": "hour_end"}),
            "transform": [{"calculate": "datum.hour + 1", "as": "hour_end"}],
        },
        layer("Peak demand", "peak_demand_scu", {"type": "line", "strokeWidth": 1.5}),
        layer(
            "Provisioned",
            "mean_provisioned_scu",
            {"type": "line", "interpolate": "step-after", "strokeWidth": 3},
        ),
        layer(
            "90 % warning",
            "warning_level_scu",
            {"type": "line", "interpolate": "step-after", "strokeDash": [2, 3], "strokeWidth": 2},
        ),
    ]
    for name, _, column, shape in marked:
        # Marked at the hour's peak demand; the tooltip says in how many weeks it happened.
        layers.append(
            {
                "transform": [{"filter": f"datum.{column} > 0"}],
                "mark": {"type": "point", "shape": shape, "filled": True, "size": 120},
                "encoding": {
                    "x": x,
                    "y": {"field": "peak_demand_scu", "type": "quantitative"},
                    "color": {"datum": name, "scale": scale, "title": None},
                    "tooltip": [
                        {"field": "label", "title": "Hour"},
                        {"field": column, "type": "quantitative", "title": f"{name}: weeks"},
                    ],
                },
            }
        )
    spec: VegaLiteSpec = {"data": {"values": _values(wide)}, "layer": layers}
    return finish_vega_lite(spec, "Usage against capacity by hour of week", height_px=460)
