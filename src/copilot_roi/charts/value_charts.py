"""Scenario page figures: cost against realised value, hours freed by role, tornado, Monte Carlo,
NPV against the provisioned level when the plan is right-sized, and saved scenarios side by side.

Every builder takes engine results and returns a plotly Figure; ``big=True`` is the executive
view's projector sizing (larger type, taller charts).
"""

from __future__ import annotations

import html

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from copilot_roi.charts.style import (
    BASE_FONT_PX,
    HIGH_END_COLOUR,
    LOW_END_COLOUR,
    NEUTRAL_COLOUR,
    PROVISIONED_COLOUR,
    THROTTLED_COLOUR,
    VALUE_COLOUR,
    finish,
)
from copilot_roi.roles import role_colour, role_label
from copilot_roi.value.comparison import Comparison
from copilot_roi.value.engine import ScenarioResult
from copilot_roi.value.realised import RealisedToDate, month_name
from copilot_roi.value.rightsize import RightSizing
from copilot_roi.value.sensitivity import MonteCarlo, TornadoBar
from copilot_roi.value.simulation_text import share_positive_sentence

HISTOGRAM_BINS = 60


def _finish(figure: go.Figure, title: str, big: bool, height_px: int = 420) -> go.Figure:
    figure = finish(figure, title, int(height_px * 1.3) if big else height_px)
    # Sizes are set on every text element: Streamlit's chart theme would otherwise shrink ticks
    # and legends to its own defaults, unreadable on a projector.
    size = BASE_FONT_PX + 8 if big else BASE_FONT_PX
    axis = {"tickfont": {"size": size - 2}, "title": {"font": {"size": size}}}
    figure.update_xaxes(**axis)
    figure.update_yaxes(**axis)
    # Legends sit under the plot, in rows of equal entries (``finish``'s horizontal legend):
    # at the right edge plotly cuts long names ("eDiscovery analys") on a 1280-pixel screen.
    legend: dict[str, object] = {"font": {"size": size - 2}}
    figure.update_layout(
        title={"font": {"size": size + 4}},
        font={"size": size},
        hoverlabel={"font_size": size},
        legend=legend,
        margin={"l": 90 if big else 60, "r": 30, "t": 90 if big else 70, "b": 170 if big else 130},
    )
    return figure


def _months(result: ScenarioResult) -> list[int]:
    return [m.month for m in result.monthly]


def cumulative_figure(result: ScenarioResult, big: bool = False) -> go.Figure:
    """Cumulative cost and cumulative realised value by month, the payback month marked."""
    months = _months(result)
    cost = np.cumsum([m.cost for m in result.monthly])
    value = np.cumsum([m.value for m in result.monthly])
    c = result.currency
    figure = go.Figure()
    figure.add_scatter(
        x=months, y=cost, name="Cumulative cost", mode="lines",
        line={"color": PROVISIONED_COLOUR, "width": 5 if big else 3},
        hovertemplate=f"Month %{{x}}<br>Cost %{{y:,.0f}} {c}<extra></extra>",
    )  # fmt: skip
    figure.add_scatter(
        x=months, y=value, name="Cumulative realised value", mode="lines",
        line={"color": VALUE_COLOUR, "width": 5 if big else 3},
        hovertemplate=f"Month %{{x}}<br>Value %{{y:,.0f}} {c}<extra></extra>",
    )  # fmt: skip
    if result.payback_month is not None:
        m = result.payback_month
        figure.add_vline(x=m, line={"color": NEUTRAL_COLOUR, "dash": "dash"})
        figure.add_scatter(
            x=[m], y=[value[m - 1]], mode="markers", name="Break-even", showlegend=False,
            marker={"size": 20 if big else 12, "color": VALUE_COLOUR, "symbol": "diamond"},
        )  # fmt: skip
        figure.add_annotation(
            x=m, y=value[m - 1], text=f"Pays back in month {m}", showarrow=True, arrowhead=2,
            ax=70, ay=-60, xanchor="left",
            font={"size": (BASE_FONT_PX + 8) if big else BASE_FONT_PX, "color": "#242424"},
        )  # fmt: skip
    figure.update_layout(xaxis_title="Month", yaxis_title=f"{c}", yaxis_tickformat=",.0f")
    return _finish(figure, "Cumulative cost vs realised value", big)


def realised_figure(realised: RealisedToDate, big: bool = False) -> go.Figure:
    """Cumulative net by measured month: what happened (solid) against the case's forecast
    (dashed) for the same hours, so a gap reads at a glance from the back of the room."""
    months = [month_name(m.month_label) for m in realised.months]
    c = realised.currency
    figure = go.Figure()
    figure.add_scatter(
        x=months, y=realised.forecast_cumulative_net, name="Forecast", mode="lines+markers",
        line={"color": NEUTRAL_COLOUR, "width": 5 if big else 3, "dash": "dash"},
        hovertemplate=f"%{{x}}<br>Forecast cumulative net %{{y:,.0f}} {c}<extra></extra>",
    )  # fmt: skip
    figure.add_scatter(
        x=months, y=realised.actual_cumulative_net, name="Actual", mode="lines+markers",
        line={"color": VALUE_COLOUR, "width": 5 if big else 3},
        marker={"size": 12 if big else 8},
        hovertemplate=f"%{{x}}<br>Actual cumulative net %{{y:,.0f}} {c}<extra></extra>",
    )  # fmt: skip
    figure.add_hline(y=0, line={"color": NEUTRAL_COLOUR, "width": 1})
    figure.update_layout(
        xaxis_title="Month",
        yaxis_title=f"Cumulative net ({c})",
        yaxis_tickformat=",.0f",
        xaxis_type="category",
    )
    return _finish(figure, "Realised to date: actual vs forecast cumulative net", big)


def monthly_hours_figure(result: ScenarioResult, big: bool = False) -> go.Figure:
    """Hours freed per month by role (stacked) against the hours that would pay the month's cost.

    The break-even line converts each month's cost into hours at the scenario's average loaded
    cost per hour times the realisation rate: bars above the line pay for their month.
    """
    months = _months(result)
    figure = go.Figure()
    for role_id, hours in result.hours_freed_by_role.items():
        figure.add_bar(
            x=months, y=list(hours), name=role_label(role_id),
            marker_color=role_colour(role_id),
        )  # fmt: skip
    if result.agent_lines:  # agents free hours too: one stacked bar of their own, apart from people's
        figure.add_bar(
            x=months, y=[sum(line.hours_freed[i] for line in result.agent_lines) for i in range(len(months))],
            name="Agents", marker_color=NEUTRAL_COLOUR,
        )  # fmt: skip
    realised_per_hour = result.total_value / result.total_hours_freed if result.total_hours_freed > 0 else 0.0
    if realised_per_hour > 0:
        needed = [m.cost / realised_per_hour for m in result.monthly]
        figure.add_scatter(
            x=months, y=needed, mode="lines",
            name="Break-even hours",
            line={"color": THROTTLED_COLOUR, "width": 4 if big else 2, "dash": "dash"},
            hovertemplate="Month %{x}<br>%{y:,.0f} h pay for the month's cost at "
            f"{result.currency} {realised_per_hour:,.0f} realised per hour<extra></extra>",
        )  # fmt: skip
        # Month 1 carries the one-off costs: a spike that would flatten every other month.
        stacked_top = max((m.hours_freed for m in result.monthly), default=0)
        ceiling = 1.5 * max(stacked_top, max(needed[1:], default=0.0), 1.0)
        if needed[0] > ceiling:
            figure.update_yaxes(range=[0, ceiling])
            figure.add_annotation(
                x=1, y=ceiling, yanchor="top", xanchor="left", showarrow=False,
                text=f"month 1 with one-off costs: {needed[0]:,.0f} h",
            )  # fmt: skip
    figure.update_layout(barmode="stack", xaxis_title="Month", yaxis_title="Analyst hours a month")
    figure = _finish(figure, "Monthly cost vs analyst hours saved", big, height_px=520)
    # Eight names in rows of equal width (three a row in projector type, four otherwise), so
    # none is cut and the columns line up.
    entry_share = 1 / 3 if big else 1 / 4
    figure.update_layout(legend={"entrywidth": entry_share, "entrywidthmode": "fraction", "y": -0.2})
    return figure


def hours_by_role_figure(result: ScenarioResult, big: bool = False) -> go.Figure:
    """Hours freed over the horizon by role, realised value in the label."""
    rows = sorted(
        ((sum(hours), sum(result.value_by_role[r]), r) for r, hours in result.hours_freed_by_role.items()),
        reverse=False,
    )
    figure = go.Figure()
    figure.add_bar(
        y=[role_label(r) for _, _, r in rows],
        x=[h for h, _, _ in rows],
        orientation="h",
        marker_color=[role_colour(r) for _, _, r in rows],
        text=[f"{h:,.0f} h · {result.currency} {v:,.0f} realised" for h, v, _ in rows],
        textposition="auto",
        showlegend=False,
    )
    figure.update_layout(xaxis_title="Hours freed over the horizon")
    return _finish(figure, "Hours freed by role", big)


def tornado_figure(
    bars: list[TornadoBar], base_npv: float, currency: str, top: int = 12, big: bool = False
) -> go.Figure:
    """NPV at each input's low and high end, widest swing on top."""
    shown = list(reversed(bars[:top]))
    # Agent lines put user text in labels (plotly renders some HTML tags): escaped.
    labels = [html.escape(b.label, quote=False) for b in shown]
    figure = go.Figure()
    for end, colour in (("low", LOW_END_COLOUR), ("high", HIGH_END_COLOUR)):
        inputs = [getattr(b, f"{end}_input") for b in shown]
        npvs = [getattr(b, f"npv_at_{end}") for b in shown]
        figure.add_bar(
            y=labels,
            x=[npv - base_npv for npv in npvs],
            base=base_npv,
            orientation="h",
            name=f"Input at its {end} end",
            marker_color=colour,
            customdata=list(zip(inputs, npvs, strict=True)),
            hovertemplate="%{y}<br>input %{customdata[0]:,.3g}: NPV %{customdata[1]:,.0f}<extra></extra>",
        )
    figure.add_vline(x=base_npv, line={"color": NEUTRAL_COLOUR})
    figure.update_layout(barmode="overlay", xaxis_title=f"NPV ({currency})", xaxis_tickformat=",.0f")
    return _finish(figure, "What moves NPV most", big, height_px=max(420, 34 * len(shown) + 140))


def monte_carlo_figure(mc: MonteCarlo, currency: str, big: bool = False) -> go.Figure:
    """Histogram of simulated NPVs (binned here: a few dozen bars, not 10,000 points)."""
    counts, edges = np.histogram(mc.npv, bins=HISTOGRAM_BINS)
    centres = (edges[:-1] + edges[1:]) / 2
    share = counts / max(mc.draws, 1)
    figure = go.Figure()
    figure.add_bar(
        x=centres,
        y=share,
        width=np.diff(edges),
        marker_color=np.where(centres >= 0, VALUE_COLOUR, THROTTLED_COLOUR).tolist(),
        showlegend=False,
        hovertemplate=f"NPV about %{{x:,.0f}} {currency}<br>%{{y:.1%}} of draws<extra></extra>",
    )
    for name, x in (("P10", mc.p10), ("P50", mc.p50), ("P90", mc.p90)):
        figure.add_vline(
            x=x, line={"color": NEUTRAL_COLOUR, "dash": "dot"},
            annotation_text=name, annotation_position="top",
        )  # fmt: skip
    figure.update_layout(
        xaxis_title=f"NPV ({currency})", yaxis_title="Share of draws",
        xaxis_tickformat=",.0f", yaxis_tickformat=".0%", bargap=0,
    )  # fmt: skip
    title = f"Simulated NPV: {share_positive_sentence(mc.share_npv_positive, mc.draws)}"
    return _finish(figure, title, big)


def right_size_figure(sizing: RightSizing, big: bool = False) -> go.Figure:
    """NPV against provisioned SCUs (24x7) for each overage setting, the best and current plans marked.

    The x axis stops a little past the interesting levels (the best and the current plan); the
    rest of the 1..100 range stays reachable by zooming out.
    """
    c = sizing.currency
    figure = go.Figure()
    families = (
        ("no overage", "Overage off", THROTTLED_COLOUR),
        ("unlimited overage", "Unlimited overage", PROVISIONED_COLOUR),
    )
    for family, name, colour in families:
        rows = [o for o in sizing.candidates if o.family == family]
        figure.add_scatter(
            x=[o.provisioned_scu for o in rows], y=[o.npv for o in rows], name=name, mode="lines",
            line={"color": colour, "width": 5 if big else 3},
            customdata=[o.served_share for o in rows],
            hovertemplate=f"%{{x}} SCU, {name.lower()}<br>NPV %{{y:,.0f}} {c}<br>"
            "served share %{customdata:.1%}<extra></extra>",
        )  # fmt: skip
    pool = [o for o in sizing.candidates if o.family == "E5/E7 pool alone"]
    if pool:
        figure.add_scatter(
            x=[0], y=[pool[0].npv], name="E5/E7 pool alone", mode="markers",
            marker={"size": 18 if big else 12, "color": NEUTRAL_COLOUR, "symbol": "square"},
            hovertemplate=f"E5/E7 pool alone<br>NPV %{{y:,.0f}} {c}<extra></extra>",
        )  # fmt: skip
    text_size = BASE_FONT_PX + 6 if big else BASE_FONT_PX
    same = sizing.best.plan == sizing.current.plan
    # Labels point into the plot: the higher mark's label below it, the lower one's above it.
    best_higher = sizing.best.npv >= sizing.current.npv
    for outcome, name, symbol, colour, label_below in (
        (sizing.current, "Current plan", "diamond", NEUTRAL_COLOUR, not best_higher),
        (sizing.best, "Best NPV", "star", VALUE_COLOUR, best_higher),
    ):
        figure.add_scatter(
            x=[outcome.provisioned_scu], y=[outcome.npv], name=name, mode="markers",
            marker={"size": 26 if big else 18, "color": colour, "symbol": symbol,
                    "line": {"color": "#242424", "width": 1}},
            hovertemplate=f"{name}: {outcome.describe()}<br>NPV %{{y:,.0f}} {c}<extra></extra>",
        )  # fmt: skip
        if same and name == "Current plan":
            continue  # one label for both marks
        text = f"{'Current plan is the best' if same else name}: {outcome.npv:,.0f} {c}"
        figure.add_annotation(
            x=outcome.provisioned_scu, y=outcome.npv, text=text, showarrow=True, arrowhead=2,
            ax=50, ay=60 if label_below else -60, xanchor="left", bgcolor="rgba(255,255,255,0.85)",
            font={"size": text_size, "color": "#242424"},
        )  # fmt: skip
    widest = max(sizing.best.provisioned_scu, sizing.current.provisioned_scu)
    figure.update_xaxes(range=[-1, min(100, max(10, 2 * widest + 5)) + 0.5])
    shown = [o.npv for o in sizing.candidates if o.provisioned_scu <= max(10, 2 * widest + 5)]
    low, high = min([*shown, sizing.current.npv]), max([*shown, sizing.current.npv])
    pad = 0.3 * max(high - low, 1.0)
    figure.update_yaxes(range=[low - pad, high + pad])
    figure.update_layout(
        xaxis_title="Provisioned SCUs (24x7)", yaxis_title=f"NPV ({c})", yaxis_tickformat=",.0f"
    )
    return _finish(figure, "NPV by plan: throttled value lost vs capacity saved", big)


def agent_cost_per_run_figure(result: ScenarioResult, big: bool = False) -> go.Figure:
    """Per agent: the capacity cost of one run (marginal) against the same work done by hand."""
    names = [html.escape(line.agent, quote=False) for line in result.agent_lines]
    figure = go.Figure()
    figure.add_bar(
        x=names,
        y=[line.cost_per_run or 0.0 for line in result.agent_lines],
        name="Agent: capacity cost per run",
        marker_color=PROVISIONED_COLOUR,
    )
    figure.add_bar(
        x=names,
        y=[line.manual_cost_per_run for line in result.agent_lines],
        name="By hand: analyst cost per alert",
        marker_color=VALUE_COLOUR,
    )
    figure.update_layout(barmode="group", yaxis_title=f"{result.currency} per alert processed")
    return _finish(figure, "Cost per alert processed: agent against analyst", big)


COMPARISON_COLOURS = ("#0f6cbd", "#e8912d", "#5c2e91", "#038387")


def comparison_figure(comparison: Comparison, big: bool = False) -> go.Figure:
    """Scenarios side by side on one chart: cumulative net by month (top) and NPV with its
    P10-P90 as error bars (bottom), each scenario in the same colour in both.

    Names are user text: escaped here, since plotly reads tags (``<a href>``) in trace names.
    """
    c = comparison.currency
    figure = make_subplots(
        rows=2, cols=1, vertical_spacing=0.2, row_heights=[0.6, 0.4],
        subplot_titles=("Cumulative net by month", "NPV with its P10 to P90"),
    )  # fmt: skip
    for i, row in enumerate(comparison.rows):
        name = html.escape(row.name)
        colour = COMPARISON_COLOURS[i % len(COMPARISON_COLOURS)]
        figure.add_scatter(
            x=list(range(1, len(row.cumulative_net) + 1)), y=list(row.cumulative_net), name=name,
            mode="lines", line={"color": colour, "width": 5 if big else 3}, legendgroup=name,
            hovertemplate=f"{name}<br>Month %{{x}}: cumulative net %{{y:,.0f}} {c}<extra></extra>",
            row=1, col=1,
        )  # fmt: skip
        # The base NPV can fall outside its simulated P10-P90; an error bar cannot be negative.
        figure.add_scatter(
            x=[row.npv], y=[name], mode="markers", showlegend=False, legendgroup=name,
            marker={"size": 18 if big else 12, "color": colour, "symbol": "diamond"},
            error_x={
                "type": "data", "symmetric": False, "thickness": 3, "width": 10, "color": colour,
                "array": [max(row.npv_p90 - row.npv, 0.0)], "arrayminus": [max(row.npv - row.npv_p10, 0.0)],
            },
            customdata=[[row.npv_p10, row.npv_p90]],
            hovertemplate=f"{name}<br>NPV %{{x:,.0f}} {c}<br>P10 %{{customdata[0]:,.0f}} to "
            f"P90 %{{customdata[1]:,.0f}}<extra></extra>",
            row=2, col=1,
        )  # fmt: skip
    figure.add_hline(y=0, line={"color": NEUTRAL_COLOUR, "dash": "dash"}, row=1, col=1)
    figure.add_vline(x=0, line={"color": NEUTRAL_COLOUR, "dash": "dash"}, row=2, col=1)
    figure.update_xaxes(title_text="Month", row=1, col=1)
    figure.update_yaxes(title_text=c, tickformat=",.0f", row=1, col=1)
    figure.update_xaxes(title_text=f"NPV ({c})", tickformat=",.0f", row=2, col=1)
    figure.update_yaxes(autorange="reversed", row=2, col=1)  # first scenario on top, as in the table
    figure = _finish(figure, "Scenarios side by side", big, height_px=640)
    figure.update_annotations(font_size=BASE_FONT_PX + (6 if big else 2))  # the two subplot titles
    figure.update_layout(legend={"y": -0.12})
    return figure
