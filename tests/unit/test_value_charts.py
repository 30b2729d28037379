"""Value figures: the data they plot is the engine's, the break-even marks are where they belong."""

from __future__ import annotations

import numpy as np
import pytest

from copilot_roi.charts import value_charts as charts
from copilot_roi.roles import role_ids, role_label
from copilot_roi.value.engine import ScenarioResult, compute
from copilot_roi.value.scenario import scenario_template
from copilot_roi.value.sensitivity import Sensitivity, analyse

Case = tuple[ScenarioResult, Sensitivity]


@pytest.fixture(scope="module")
def expected() -> Case:
    scenario = scenario_template("expected")
    result = compute(scenario)
    return result, analyse(scenario, result=result, draws=2_000)


def test_cumulative_figure_plots_cumulative_cost_and_value(expected: Case) -> None:
    result, _ = expected
    figure = charts.cumulative_figure(result)
    cost, value = figure.data[0], figure.data[1]
    assert list(cost.y) == pytest.approx(np.cumsum([m.cost for m in result.monthly]))
    assert list(value.y) == pytest.approx(np.cumsum([m.value for m in result.monthly]))
    marker = figure.data[2]
    assert list(marker.x) == [result.payback_month]
    assert any(f"month {result.payback_month}" in a.text for a in figure.layout.annotations)


def test_no_payback_no_marker() -> None:
    result = compute(scenario_template("low"))
    assert result.payback_month is None
    figure = charts.cumulative_figure(result)
    assert len(figure.data) == 2
    assert not figure.layout.annotations


def test_monthly_hours_figure_stacks_roles_and_draws_the_break_even_line(expected: Case) -> None:
    result, _ = expected
    figure = charts.monthly_hours_figure(result)
    bars = [t for t in figure.data if t.type == "bar"]
    assert [b.name for b in bars] == [role_label(r) for r in role_ids()]  # one bar per role, its label
    stacked = np.sum([np.array(b.y) for b in bars], axis=0)
    assert stacked == pytest.approx([m.hours_freed for m in result.monthly])
    line = next(t for t in figure.data if t.type == "scatter")
    realised_per_hour = result.total_value / result.total_hours_freed
    # Month by month: line above the bars exactly when the month does not pay for itself.
    for m, needed, hours in zip(result.monthly, line.y, stacked, strict=True):
        assert needed == pytest.approx(m.cost / realised_per_hour)
        assert (hours * realised_per_hour >= m.cost - 1e-6) == (m.value >= m.cost - 1e-6)


def test_tornado_figure_shows_the_widest_swings_on_top(expected: Case) -> None:
    _, sensitivity = expected
    figure = charts.tornado_figure(sensitivity.tornado, sensitivity.base_npv, "USD", top=5)
    low = figure.data[0]
    assert list(low.y)[::-1] == [b.label for b in sensitivity.tornado[:5]]
    assert low.base == sensitivity.base_npv
    ends = np.array(low.x) + sensitivity.base_npv
    assert ends[::-1] == pytest.approx([b.npv_at_low for b in sensitivity.tornado[:5]])


def test_monte_carlo_figure_bins_every_draw(expected: Case) -> None:
    _, sensitivity = expected
    mc = sensitivity.monte_carlo
    figure = charts.monte_carlo_figure(mc, "USD")
    assert len(figure.data[0].x) == charts.HISTOGRAM_BINS  # binned, not 2,000 points
    assert sum(figure.data[0].y) == pytest.approx(1.0)
    assert (
        f"NPV > 0 in {mc.share_npv_positive:.0%} of {mc.draws:,} simulated scenarios"
        in figure.layout.title.text
    )


def test_big_figures_use_larger_type(expected: Case) -> None:
    result, _ = expected
    small, big = charts.cumulative_figure(result), charts.cumulative_figure(result, big=True)
    assert big.layout.font.size > small.layout.font.size
    assert big.layout.xaxis.tickfont.size > small.layout.xaxis.tickfont.size
    assert big.layout.height > small.layout.height


def test_right_size_figure_plots_npv_by_level_with_best_and_current_marked() -> None:
    from copilot_roi.plans import CapacityPlan
    from copilot_roi.value.rightsize import right_size

    base = scenario_template("expected")
    plan = CapacityPlan(provisioned_scu=4, overage="none", e5_licences=500)
    scenario = base.model_copy(update={"capacity": base.capacity.model_copy(update={"plan": plan})})
    sizing = right_size(scenario)
    figure = charts.right_size_figure(sizing, big=True)
    traces = {t.name: t for t in figure.data}
    off = [o for o in sizing.candidates if o.family == "no overage"]
    assert list(traces["Overage off"].x) == list(range(1, 101))
    assert list(traces["Overage off"].y) == pytest.approx([o.npv for o in off])
    assert list(traces["E5/E7 pool alone"].x) == [0]
    assert list(traces["Best NPV"].y) == pytest.approx([max(o.npv for o in sizing.candidates)])
    assert list(traces["Current plan"].x) == [4]
    assert list(traces["Current plan"].y) == pytest.approx([compute(scenario).npv])
    # Both marks are inside the zoomed range.
    low, high = figure.layout.xaxis.range
    assert low < 0 and high > max(4, sizing.best.provisioned_scu)


@pytest.mark.parametrize("big", [False, True])
def test_role_legend_sits_under_the_plot_in_full_rows(expected: Case, big: bool) -> None:
    # A legend at the right edge was cut at 1280 px ("eDiscovery analys"): under the plot, in
    # equal columns, every name has the room of a whole column.
    result, _ = expected
    legend = charts.monthly_hours_figure(result, big).layout.legend
    assert legend.orientation == "h" and legend.y < 0
    assert legend.entrywidthmode == "fraction"
    per_row = round(1 / legend.entrywidth)
    assert per_row == (3 if big else 4)
    assert (len(result.hours_freed_by_role) + 1) / per_row <= 3  # seven roles and the line
