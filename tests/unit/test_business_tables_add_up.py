"""Displayed tables add up as displayed (issue 19 item 4): the annual table in whole units."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from copilot_roi.business.finance_view import annual_table, whole_units_that_add_up
from copilot_roi.value.engine import compute
from copilot_roi.value.scenario import scenario_template

money = st.floats(min_value=-5e6, max_value=5e6, allow_nan=False, allow_infinity=False)


@given(st.lists(st.tuples(money, money, money), min_size=1, max_size=8))
def test_rounded_rows_add_up_and_stay_within_a_unit(years: list[tuple[float, float, float]]) -> None:
    costs = [c for c, _, _ in years]
    benefits = [b for _, b, _ in years]
    pvs = [p for _, _, p in years]
    cumulative = [sum(pvs[: i + 1]) for i in range(len(pvs))]
    shown_costs, shown_benefits, nets, shown_pvs, shown_cumulative = whole_units_that_add_up(
        costs, benefits, cumulative
    )
    for i in range(len(years)):
        assert shown_benefits[i] - shown_costs[i] == nets[i]  # net = benefits - costs, as shown
        assert sum(shown_pvs[: i + 1]) == shown_cumulative[i]  # cumulative = the PVs above it
        assert abs(shown_costs[i] - costs[i]) <= 0.5
        assert abs(nets[i] - (benefits[i] - costs[i])) <= 0.5
        assert abs(shown_benefits[i] - benefits[i]) <= 1.0
        assert abs(shown_cumulative[i] - cumulative[i]) <= 0.5
        assert abs(shown_pvs[i] - pvs[i]) <= 1.0 + 1e-6


def _whole(cell: str) -> int:
    return int(cell.replace(",", ""))


def test_the_annual_table_adds_up_and_ends_on_the_headline_npv() -> None:
    base = scenario_template("expected")
    scenario = base.model_copy(update={"finance": base.finance.model_copy(update={"convention": "annual"})})
    result = compute(scenario)
    table = annual_table(result)
    assert table is not None
    running = 0
    for row in table.rows:
        costs, benefits, net, pv, cumulative = (_whole(row[i]) for i in (1, 2, 3, 5, 6))
        assert benefits - costs == net
        running += pv
        assert running == cumulative
    assert _whole(table.rows[-1][6]) == round(result.npv)
