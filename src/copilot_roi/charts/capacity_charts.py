"""Capacity page figures: monthly cost parts, cost against provisioned level, usage by hour of week."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from copilot_roi.charts.style import (
    NEUTRAL_COLOUR,
    OVERAGE_COLOUR,
    POOL_COLOUR,
    PROVISIONED_COLOUR,
    THROTTLED_COLOUR,
    finish,
)
from copilot_roi.optimizer import LevelCurve


def monthly_cost_figure(monthly: pd.DataFrame, currency: str) -> go.Figure:
    figure = go.Figure()
    figure.add_bar(
        x=monthly["month_label"],
        y=monthly["provisioned_cost"],
        name="Provisioned",
        marker_color=PROVISIONED_COLOUR,
    )
    figure.add_bar(
        x=monthly["month_label"], y=monthly["overage_cost"], name="Overage", marker_color=OVERAGE_COLOUR
    )
    figure.update_layout(barmode="stack", yaxis_title=f"Cost ({currency})")
    return finish(figure, "Monthly cost by component")


def level_curve_figure(
    curve: LevelCurve,
    currency: str,
    recommended_level: int | None,
    current_level: int | None,
    max_level: int = 30,
) -> go.Figure:
    """Total cost of each flat 24x7 level, with and without overage; throttling shown on hover."""
    upper = max(max_level, (recommended_level or 0) + 5, (current_level or 0) + 5)
    shown = (curve.levels_scu >= 1) & (curve.levels_scu <= upper)
    levels = curve.levels_scu[shown]
    figure = go.Figure()
    figure.add_scatter(
        x=levels,
        y=curve.cost_unlimited_overage[shown],
        name="With unlimited overage",
        mode="lines+markers",
        line_color=OVERAGE_COLOUR,
    )
    throttles = curve.throttled_no_overage[shown]
    figure.add_scatter(
        x=levels,
        y=np.where(throttles > 0, np.nan, curve.cost_no_overage[shown]),
        name="No overage (throttles nothing)",
        mode="lines+markers",
        line_color=PROVISIONED_COLOUR,
    )
    figure.add_scatter(
        x=levels,
        y=np.where(throttles > 0, curve.cost_no_overage[shown], np.nan),
        name="No overage (throttles demand)",
        mode="markers",
        marker={"color": THROTTLED_COLOUR, "symbol": "x"},
        customdata=throttles,
        hovertemplate="%{x} SCU: %{y:,.0f}<br>throttled %{customdata:,.1f} SCU<extra></extra>",
    )
    for level, label, colour, position in (
        (recommended_level, "best flat level", PROVISIONED_COLOUR, "top left"),
        (current_level, "current", NEUTRAL_COLOUR, "top right"),
    ):
        if level:
            figure.add_vline(
                x=level,
                line_dash="dash",
                line_color=colour,
                annotation_text=label,
                annotation_position=position,
            )
    figure.update_layout(xaxis_title="Provisioned SCUs (24x7)", yaxis_title=f"Cost over period ({currency})")
    return finish(figure, "Cost against provisioned level")


def hour_of_week_figure(profile: pd.DataFrame) -> go.Figure:
    """Demand against capacity for each hour of the week, with overage and throttled hours marked."""
    x = profile["label"]
    figure = go.Figure()
    figure.add_bar(x=x, y=profile["mean_demand_scu"], name="Average demand", marker_color=POOL_COLOUR)
    figure.add_scatter(
        x=x,
        y=profile["peak_demand_scu"],
        name="Peak demand",
        mode="lines",
        line={"color": NEUTRAL_COLOUR, "width": 1},
    )
    figure.add_scatter(
        x=x,
        y=profile["mean_provisioned_scu"],
        name="Provisioned",
        mode="lines",
        line={"color": PROVISIONED_COLOUR, "width": 3, "shape": "hv"},
    )
    figure.add_scatter(
        x=x,
        y=profile["warning_level_scu"],
        name="90 % warning",
        mode="lines",
        line={"color": OVERAGE_COLOUR, "dash": "dot", "shape": "hv"},
    )
    for column, name, colour, symbol in (
        ("overage_hours", "Overage used", OVERAGE_COLOUR, "triangle-up"),
        ("throttled_hours", "Throttled", THROTTLED_COLOUR, "x"),
    ):
        hit = profile[profile[column] > 0]
        if len(hit):
            figure.add_scatter(
                x=hit["label"],
                y=hit["peak_demand_scu"],
                name=name,
                mode="markers",
                marker={"color": colour, "symbol": symbol, "size": 10},
                customdata=hit[column],
                hovertemplate="%{x}: %{customdata} weeks<extra>" + name + "</extra>",
            )
    tick_positions = list(range(0, 168, 24))
    figure.update_layout(
        xaxis={"tickmode": "array", "tickvals": [x.iloc[i] for i in tick_positions], "title": "Hour of week"},
        yaxis_title="SCUs per hour",
        bargap=0,
    )
    return finish(figure, "Usage against capacity by hour of week", height_px=460)
