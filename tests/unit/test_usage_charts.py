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
