"""Shared figure styling: large type for projectors and fixed semantic colours for cost parts."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

# Semantic colours that must not change with the theme: money components and warnings.
PROVISIONED_COLOUR = "#0f6cbd"
OVERAGE_COLOUR = "#e8912d"
THROTTLED_COLOUR = "#c50f1f"
POOL_COLOUR = "#5c2e91"
VALUE_COLOUR = "#107c10"
NEUTRAL_COLOUR = "#8a8886"
# The tornado's ends, on the page, the one-pager and the deck alike: an input at its low end in red,
# at its high end in green (never the cost blue: a reader matches colours across the files).
LOW_END_COLOUR = THROTTLED_COLOUR
HIGH_END_COLOUR = VALUE_COLOUR

BASE_FONT_PX = 16


def finish(figure: go.Figure, title: str, height_px: int = 420) -> go.Figure:
    """Apply the house layout: readable title and fonts, legend on top, tight margins."""
    figure.update_layout(
        title={"text": title, "font": {"size": BASE_FONT_PX + 4}},
        font={"size": BASE_FONT_PX},
        height=height_px,
        # Room under the plot for the legend, which plotly draws only for two or more traces.
        margin={"l": 60, "r": 20, "t": 70, "b": 130 if len(figure.data) > 1 else 60},
        # Legend under the axis title: on top it collides with a large title on a projector.
        legend={"orientation": "h", "yanchor": "top", "y": -0.22, "xanchor": "left", "x": 0},
        hoverlabel={"font_size": BASE_FONT_PX},
    )
    # Sizes set on each text element: Streamlit's chart theme would otherwise shrink ticks and
    # legends to its own defaults, too small on a projector.
    axis = {"tickfont": {"size": BASE_FONT_PX - 2}, "title": {"font": {"size": BASE_FONT_PX}}}
    figure.update_xaxes(**axis)
    figure.update_yaxes(**axis)
    figure.update_layout(legend_font_size=BASE_FONT_PX - 2)
    return figure


# A Vega-Lite specification as Streamlit's st.vega_lite_chart takes it: JSON-ready dicts and lists.
VegaLiteSpec = dict[str, Any]


def finish_vega_lite(spec: VegaLiteSpec, title: str, height_px: int = 420) -> VegaLiteSpec:
    """The house layout for a Vega-Lite chart: the same type sizes as ``finish`` and the legend under
    the plot, never truncated (Vega-Lite cuts legend labels at 160 px by default)."""
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        **spec,
        "title": {"text": title, "fontSize": BASE_FONT_PX + 4, "anchor": "start"},
        "height": height_px,
        "config": {
            # Sizes set here, not left to Streamlit's chart theme, which would shrink them.
            "axis": {"labelFontSize": BASE_FONT_PX - 2, "titleFontSize": BASE_FONT_PX, "labelLimit": 0},
            "legend": {
                "orient": "bottom",
                "direction": "horizontal",
                "labelFontSize": BASE_FONT_PX - 2,
                "labelLimit": 0,
                "symbolSize": 160,
                "columnPadding": 24,
            },
            "title": {"fontSize": BASE_FONT_PX + 4, "limit": 0},
        },
    }
