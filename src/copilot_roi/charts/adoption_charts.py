"""Adoption figures: people active each week by cohort, the measured ramp per role, agents' drift.

Each takes the engine's weekly or monthly rows (a few dozen points), never usage rows.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import plotly.graph_objects as go

from copilot_roi.charts.style import (
    NEUTRAL_COLOUR,
    OVERAGE_COLOUR,
    PROVISIONED_COLOUR,
    THROTTLED_COLOUR,
    VALUE_COLOUR,
    finish,
)
from copilot_roi.hourly import FloatArray
from copilot_roi.usage.adoption import AgentWeek, WeekRow

MAX_WEEK_TICKS = 12
# Cohort colours: new people green (growth), returning the house blue, reactivated orange.
COHORTS = (
    ("new", "New", VALUE_COLOUR),
    ("returning", "Returning", PROVISIONED_COLOUR),
    ("reactivated", "Reactivated", OVERAGE_COLOUR),
)


def weekly_adoption_figure(weeks: Sequence[WeekRow]) -> go.Figure:
    """People active each week, stacked by cohort, with the 28-day actives and the lapsed as lines."""
    x = [w.week_start for w in weeks]
    figure = go.Figure()
    for key, label, colour in COHORTS:
        figure.add_bar(
            x=x,
            y=[getattr(w, key) for w in weeks],
            name=label,
            marker_color=colour,
            hovertemplate=f"Week of %{{x|%d %b}}: %{{y}} {label.lower()}<extra></extra>",
        )
    figure.add_scatter(
        x=x,
        y=[w.active_people_28d for w in weeks],
        name="Active in 28 days",
        mode="lines+markers",
        line={"color": NEUTRAL_COLOUR, "width": 3},
    )
    figure.add_scatter(
        x=x,
        y=[w.lapsed for w in weeks],
        name="Lapsed",
        mode="lines+markers",
        line={"color": THROTTLED_COLOUR, "width": 3, "dash": "dash"},
    )
    figure.update_layout(barmode="stack", yaxis_title="People")
    figure.update_yaxes(rangemode="tozero", tickformat=",d")
    finish(figure, "People active each week (agents apart)")
    # Ticks on the Mondays the bars stand for (a date axis would pick Sundays), at most ~12 of them;
    # the legend in the order drawn (plotly reverses it for stacked bars).
    step = max(1, -(-len(x) // MAX_WEEK_TICKS))
    figure.update_xaxes(tickvals=x[::step], tickformat="%d %b")
    figure.update_layout(legend_traceorder="normal")
    return figure


def agent_drift_figure(weeks: Sequence[AgentWeek], top: int = 6) -> go.Figure:
    """SCUs per run each week, one line per agent (the ``top`` with the most SCUs)."""
    totals: dict[str, float] = {}
    for w in weeks:
        totals[w.agent] = totals.get(w.agent, 0.0) + w.units_scu
    shown = sorted(totals, key=lambda a: (-totals[a], a))[:top]
    figure = go.Figure()
    for agent in shown:
        rows = [w for w in weeks if w.agent == agent and w.runs]
        figure.add_scatter(
            x=[w.week_start for w in rows],
            y=[w.units_scu / w.runs for w in rows],
            name=html.escape(agent, quote=False),
            mode="lines+markers",
            line={"width": 3},
        )
    figure.update_layout(yaxis_title="SCUs per run")
    figure.update_yaxes(rangemode="tozero")
    return finish(figure, "Agents: SCUs per run each week (drift)")


def ramp_figure(
    role_label: str, shares: Sequence[float], month_labels: Sequence[str], assumed: FloatArray
) -> go.Figure:
    """One role: the share active in each measured month beside the scenario's assumed ramp."""
    months = list(range(1, len(assumed) + 1))
    figure = go.Figure()
    figure.add_scatter(
        x=months,
        y=list(assumed),
        name="Assumed ramp (scenario)",
        mode="lines",
        line={"color": NEUTRAL_COLOUR, "width": 3, "dash": "dash"},
        hovertemplate="Month %{x}: %{y:.0%} assumed<extra></extra>",
    )
    figure.add_scatter(
        x=months[: len(shares)],
        y=list(shares),
        name="Measured share active",
        mode="lines+markers",
        marker={"size": 12},
        line={"color": PROVISIONED_COLOUR, "width": 3},
        customdata=list(month_labels),
        hovertemplate="Month %{x} (%{customdata}): %{y:.0%} active<extra></extra>",
    )
    figure.update_layout(
        xaxis_title="Month of the ramp (1 = first measured month)", yaxis_title="Share of the role"
    )
    figure.update_yaxes(range=[0, 1.05], tickformat=".0%")
    return finish(figure, f"{html.escape(role_label, quote=False)}: measured adoption and the assumed ramp")
