"""Usage page figures: hour-of-week heatmap, daily trend, breakdowns, chargeback, pool burn-down.

Every figure takes aggregated tables (7 x 24 cells, one point per day, one bar per name), never
one trace or point per usage row.
"""

from __future__ import annotations

import html

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
from copilot_roi.usage.burndown import BurnDown, PoolForecast

TOP_N = 15


def heatmap_figure(table: pd.DataFrame) -> go.Figure:
    """Mean SCUs for each hour of the week (rows Mon..Sun, columns 0..23)."""
    hover = "%{y} %{x}: %{z:.2f} SCU on average<extra></extra>"
    return _week_heatmap(table, "SCU/h", hover, "Average SCUs by hour of week")


def _week_heatmap(table: pd.DataFrame, unit: str, hover: str, title: str) -> go.Figure:
    """An hour-of-week heatmap (rows Mon..Sun, columns 0..23), Monday on top."""
    figure = go.Figure(
        go.Heatmap(
            z=table.to_numpy(),
            x=[f"{h:02d}:00" for h in table.columns],
            y=list(table.index),
            colorscale="Blues",
            colorbar={"title": unit},
            hovertemplate=hover,
        )
    )
    figure.update_yaxes(autorange="reversed")
    return finish(figure, title, height_px=360)


def daily_trend_figure(daily: pd.DataFrame, provisioned_scu: float | None = None) -> go.Figure:
    """SCUs per day with the trailing 7-day mean (and a day at the provisioned level)."""
    figure = go.Figure()
    figure.add_bar(x=daily["day"], y=daily["units_scu"], name="SCUs per day", marker_color=POOL_COLOUR)
    figure.add_scatter(
        x=daily["day"],
        y=daily["mean_7d_scu"],
        name="7-day mean",
        mode="lines",
        line={"color": NEUTRAL_COLOUR, "width": 3},
    )
    if provisioned_scu:
        figure.add_hline(
            y=provisioned_scu * 24,
            line={"color": PROVISIONED_COLOUR, "dash": "dot"},
            annotation_text=f"{provisioned_scu:g} SCU x 24 h",
        )
    figure.update_layout(yaxis_title="SCUs")
    return finish(figure, "Daily usage")


def breakdown_figure(table: pd.DataFrame, title: str, top_n: int = TOP_N) -> go.Figure:
    """Horizontal bars of units per name; beyond ``top_n`` names the rest is one 'Other' bar."""
    shown = table.head(top_n)
    rest = table.iloc[top_n:]
    # Plotly renders a few HTML tags in labels; names come from uploads, so they are escaped.
    names = [html.escape(str(n), quote=False) for n in shown["name"]]
    names += [f"Other ({len(rest)})"] if len(rest) else []
    units = list(shown["units_scu"]) + ([float(rest["units_scu"].sum())] if len(rest) else [])
    figure = go.Figure(
        go.Bar(
            x=units[::-1],
            y=names[::-1],
            orientation="h",
            marker_color=PROVISIONED_COLOUR,
            hovertemplate="%{y}: %{x:,.1f} SCU<extra></extra>",
        )
    )
    figure.update_layout(xaxis_title="SCUs")
    # Every name gets a row tall enough for its label at projector size (plotly skips labels otherwise).
    return finish(figure, title, height_px=max(300, 150 + 34 * len(names)))


def chargeback_figure(table: pd.DataFrame, label_column: str, currency: str) -> go.Figure:
    """Allocated cost per role, team or seniority."""
    figure = go.Figure(
        go.Bar(
            x=[html.escape(str(v), quote=False) for v in table[label_column]],
            y=table["cost"],
            marker_color=PROVISIONED_COLOUR,
            customdata=table["units_scu"],
            hovertemplate="%{x}: %{y:,.0f} " + currency + " (%{customdata:,.1f} SCU)<extra></extra>",
        )
    )
    figure.update_layout(yaxis_title=f"Cost ({currency})")
    return finish(figure, "Allocated cost")


def burn_down_figure(burn: BurnDown) -> go.Figure:
    """The month's pool: observed remaining SCUs, the projection at the current rate, run-out day."""
    daily = burn.daily
    figure = go.Figure()
    figure.add_scatter(
        x=daily["day"],
        y=daily["remaining_scu"],
        name="Remaining (observed)",
        mode="lines+markers",
        line={"color": POOL_COLOUR, "width": 3},
    )
    figure.add_scatter(
        x=daily["day"],
        y=daily["projected_remaining_scu"],
        name=f"Projected at {burn.rate_scu_per_day:,.1f} SCU/day",
        mode="lines",
        line={"color": OVERAGE_COLOUR, "dash": "dash"},
    )
    if burn.runs_out_on is not None:
        figure.add_vline(
            x=pd.Timestamp(burn.runs_out_on).timestamp() * 1000,
            line={"color": THROTTLED_COLOUR},
            annotation_text=f"runs out {burn.runs_out_on:%d %b}",
        )
    figure.update_layout(yaxis_title="SCUs left in the pool", yaxis_rangemode="tozero")
    return finish(figure, f"E5/E7 pool, {burn.month_label}: {burn.allowance_scu:,.0f} SCUs")


def pool_forecast_figure(forecast: PoolForecast) -> go.Figure:
    """SCUs left in the pool by day of month: one line per month, the forecast month dashed."""
    figure = go.Figure()
    daily = forecast.daily
    months = list(dict.fromkeys(daily["month"]))
    for number, month in enumerate(months):
        rows = daily[daily["month"] == month]
        forecast_month = bool((rows["kind"] == "forecast").all())
        latest = number == len(months) - 2
        figure.add_scatter(
            x=rows["day_of_month"],
            y=rows["remaining_units"],
            name=f"{month} (forecast)" if forecast_month else month,
            mode="lines",
            line={
                "color": OVERAGE_COLOUR if forecast_month else (POOL_COLOUR if latest else NEUTRAL_COLOUR),
                "dash": "dash" if forecast_month else "solid",
                "width": 3 if forecast_month or latest else 1.5,
            },
            hovertemplate=f"{month} day %{{x}}: %{{y:,.1f}} SCU left<extra></extra>",
        )
    figure.update_layout(
        xaxis_title="Day of the month",
        yaxis_title="SCUs left in the pool",
        yaxis_range=[0, forecast.allowance_units * 1.05],
    )
    growth = f", {forecast.growth_pct:+g} %" if forecast.growth_pct else ""
    return finish(
        figure,
        f"E5/E7 pool by month: {forecast.allowance_units:,.0f} SCUs, next month at "
        f"{forecast.rate_units_per_day * (1 + forecast.growth_pct / 100):,.1f} SCU/day{growth}",
    )


def plan_comparison_figure(rows: pd.DataFrame, currency: str) -> go.Figure:
    """Provisioned and overage cost of a few plans side by side (rows: plan, provisioned, overage)."""
    figure = go.Figure()
    figure.add_bar(
        x=rows["plan"], y=rows["provisioned_cost"], name="Provisioned", marker_color=PROVISIONED_COLOUR
    )
    figure.add_bar(x=rows["plan"], y=rows["overage_cost"], name="Overage", marker_color=OVERAGE_COLOUR)
    figure.update_layout(barmode="stack", yaxis_title=f"Cost over the period ({currency})")
    return finish(figure, "Current plan against the recommendation")


def agent_rate_figure(table: pd.DataFrame, top_n: int = TOP_N) -> go.Figure:
    """SCUs per run of the first ``top_n`` agents: the median as a bar, P10 to P90 as its whisker.

    A row without a median (the rate card's ``other agents (k)`` summary) has no bar: its runs'
    quantiles do not add up across agents.
    """
    table = table[table["units_per_run_median"].notna()].head(top_n)
    names = [html.escape(str(n), quote=False) for n in table["agent"]]
    figure = go.Figure(
        go.Bar(
            x=table["units_per_run_median"][::-1],
            y=names[::-1],
            orientation="h",
            marker_color=PROVISIONED_COLOUR,
            error_x={
                "type": "data",
                "symmetric": False,
                "array": (table["units_per_run_p90"] - table["units_per_run_median"])[::-1],
                "arrayminus": (table["units_per_run_median"] - table["units_per_run_p10"])[::-1],
                "color": NEUTRAL_COLOUR,
            },
            customdata=table[["units_per_run_p10", "units_per_run_p90", "runs"]].to_numpy()[::-1],
            hovertemplate="%{y}: median %{x:.2f} SCU per run (P10 %{customdata[0]:.2f}, "
            "P90 %{customdata[1]:.2f}; %{customdata[2]:,} runs)<extra></extra>",
        )
    )
    figure.update_layout(xaxis_title="SCUs per run")
    return finish(figure, "SCUs per agent run", height_px=max(300, 150 + 34 * len(names)))


def agent_hours_figure(runs: pd.DataFrame, agent: str) -> go.Figure:
    """When one agent runs: runs per local hour of the week (rows Mon..Sun, columns 0..23)."""
    title = f"When {html.escape(agent, quote=False)} runs"
    return _week_heatmap(runs, "runs", "%{y} %{x}: %{z:,} runs<extra></extra>", title)
