"""Usage figures: aggregated traces only, upload-derived labels escaped, Markdown-safe alerts."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from copilot_roi.charts.usage_charts import (
    breakdown_figure,
    chargeback_figure,
    daily_trend_figure,
    heatmap_figure,
)
from copilot_roi.hourly import HourlySeries
from copilot_roi.usage import analytics as ua


def test_figures_carry_aggregates_not_rows() -> None:
    series = HourlySeries(pd.Timestamp("2026-08-01", tz="UTC"), np.random.default_rng(1).random(24 * 90))
    heat = heatmap_figure(ua.hour_of_week(series))
    assert np.asarray(heat.data[0].z).shape == (7, 24)
    daily = daily_trend_figure(ua.daily_trend(series), 3.0)
    assert all(len(trace.x) == 90 for trace in daily.data)


def test_breakdown_keeps_the_top_names_and_sums_the_rest() -> None:
    table = pd.DataFrame({"name": [f"user{i}" for i in range(40)], "units_scu": np.arange(40, 0, -1.0)})
    figure = breakdown_figure(table, "SCUs by user", top_n=15)
    bar = figure.data[0]
    assert len(bar.y) == 16
    assert bar.y[0] == "Other (25)"
    assert bar.x[0] == float(np.arange(25, 0, -1.0).sum())
    assert sum(bar.x) == table["units_scu"].sum()


def test_upload_derived_labels_are_escaped() -> None:
    table = pd.DataFrame({"name": ['<a href="https://evil">x</a>'], "units_scu": [1.0]})
    # Tags are neutralised; quotes stay literal (plotly would show &quot; as typed).
    assert breakdown_figure(table, "t").data[0].y[0] == '&lt;a href="https://evil"&gt;x&lt;/a&gt;'
    quoted = pd.DataFrame({"name": ['=HYPERLINK("x")'], "units_scu": [1.0]})
    assert breakdown_figure(quoted, "t").data[0].y[0] == '=HYPERLINK("x")'
    costs = pd.DataFrame({"team": ["<b>Ops</b>"], "cost": [5.0], "units_scu": [1.0]})
    assert chargeback_figure(costs, "team", "USD").data[0].x[0] == "&lt;b&gt;Ops&lt;/b&gt;"


def test_plain_escapes_markdown_from_uploads() -> None:
    from ui.usage_state import plain

    text = plain("![x](https://evil/p.png) http://a.b *bold* $x$")
    assert re.search(r"(?<!\\)[!\[\]()*$:]", text) is None  # every Markdown character escaped
    assert text.replace("\\", "") == "![x](https://evil/p.png) http://a.b *bold* $x$"


def test_agent_figures_escape_names_and_show_the_spread() -> None:
    from copilot_roi.charts.usage_charts import agent_hours_figure, agent_rate_figure

    table = pd.DataFrame(
        {
            "agent": ["<img src=x onerror=alert(1)> Agent", "Phishing Triage Agent"],
            "runs": [4, 10],
            "units_per_run_median": [0.3, 0.5],
            "units_per_run_p10": [0.1, 0.2],
            "units_per_run_p90": [0.9, 0.6],
        }
    )
    bar = agent_rate_figure(table).data[0]
    assert list(bar.y) == ["Phishing Triage Agent", "&lt;img src=x onerror=alert(1)&gt; Agent"]
    assert np.allclose(bar.error_x.array, [0.1, 0.6])
    assert np.allclose(bar.error_x.arrayminus, [0.3, 0.2])
    runs = pd.DataFrame(np.zeros((7, 24), dtype=int), index=ua.DAY_NAMES, columns=range(24))
    title = agent_hours_figure(runs, "<b>x</b>").layout.title.text
    assert "<b>" not in title and "&lt;b&gt;" in title


def test_pool_forecast_figure_has_a_line_per_month_and_a_dashed_forecast() -> None:
    from copilot_roi.charts.usage_charts import pool_forecast_figure
    from copilot_roi.pricebook import list_prices
    from copilot_roi.usage.burndown import pool_forecast

    series = HourlySeries(pd.Timestamp("2026-10-15", tz="UTC"), np.full(24 * 40, 0.5))
    forecast = pool_forecast(series, 400, list_prices())
    figure = pool_forecast_figure(forecast)
    assert [t.name for t in figure.data] == ["2026-10", "2026-11", "2026-12 (forecast)"]
    assert figure.data[-1].line.dash == "dash" and len(figure.data[-1].x) == 31
    assert min(figure.data[0].y) >= 0 and figure.data[0].y[0] == 160 - 12
