"""Finance conventions: a published TEI table to the dollar, numpy-financial agreement, risk scaling."""

from __future__ import annotations

import numpy as np
import numpy_financial as npf
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from copilot_roi.value.conventions import npv_of, risk_adjusted, summarise, whole_years, yearly_sums


def spread(yearly: list[float]) -> np.ndarray:
    """Monthly flows whose twelve-month sums are ``yearly`` (an annual table's inputs)."""
    return np.repeat(np.array(yearly) / 12.0, 12)


# Forrester Consulting, "The Total Economic Impact(TM) Of SalesLoft" (commissioned by SalesLoft),
# Financial Summary, "Cash Flow Table (Risk-Adjusted)", p. 19: 10 % discount rate, three years.
#                   Initial     Year 1      Year 2      Year 3      Total        Present value
#   Total costs    ($53,150)  ($666,715)  ($636,772)  ($647,783)  ($2,004,420)  ($1,672,201)
#   Total benefits     $0     $1,606,511  $3,061,331  $4,229,760   $8,897,602    $7,168,371
#   Net benefits   ($53,150)   $939,796   $2,424,560  $3,581,976   $6,893,182    $5,496,170
#   ROI 329 %, payback period < 6 months.
# (Seen at https://pravda.ufcontent.com/i/1285868-the-total-economic-impact-of-salesloft-final-3-1/20.)
TEI_INITIAL = 53_150.0
TEI_COSTS = [666_715.0, 636_772.0, 647_783.0]
TEI_BENEFITS = [1_606_511.0, 3_061_331.0, 4_229_760.0]


def test_reproduces_a_published_tei_cash_flow_table_to_the_dollar() -> None:
    s = summarise("annual", TEI_INITIAL, spread(TEI_BENEFITS), spread(TEI_COSTS), 0.10)
    assert round(s.pv_costs) == 1_672_201
    assert round(s.pv_benefits) == 7_168_371
    assert round(s.npv) == 5_496_170
    assert s.roi_pv is not None and round(s.roi_pv * 100) == 329
    assert s.discounted_payback_years is not None and s.discounted_payback_years * 12 < 6
    # The study prints each line rounded from unrounded figures: its yearly nets differ from
    # benefits - costs of the printed lines by up to $1 (3,061,331 - 636,772 = 2,424,559).
    published_net = [-53_150, 939_796, 2_424_560, 3_581_976]
    assert all(abs(r.net - p) <= 1 + 1e-6 for r, p in zip(s.yearly, published_net, strict=True))
    assert [round(r.costs) for r in s.yearly] == [53_150, 666_715, 636_772, 647_783]
    assert s.yearly[0].discount_factor == 1.0  # year 0 is not discounted
    assert s.yearly[-1].cumulative_pv_net == pytest.approx(s.npv)


@settings(max_examples=60, deadline=None)
@given(
    years=st.integers(1, 5),
    one_off=st.floats(0, 1e6),
    rate=st.floats(0, 0.3),
    seed=st.integers(0, 2**32 - 1),
)
def test_both_conventions_agree_with_numpy_financial(
    years: int, one_off: float, rate: float, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    benefits = rng.uniform(0, 5e5, 12 * years)
    costs = rng.uniform(0, 3e5, 12 * years)
    annual = summarise("annual", one_off, benefits, costs, rate)
    # numpy-financial puts its first value at t = 0: year 0's one-off, then each year's net.
    year_net = yearly_sums(benefits) - yearly_sums(costs)
    assert annual.npv == pytest.approx(npf.npv(rate, [-one_off, *year_net]), rel=1e-9, abs=1e-6)
    assert float(npv_of("annual", one_off, benefits - costs, rate)) == pytest.approx(annual.npv, abs=1e-6)
    monthly = summarise("monthly", one_off, benefits, costs, rate)
    # Monthly: a leading 0 at t = 0, month m at t = m at the equivalent monthly rate.
    month_net = benefits - costs
    month_net[0] -= one_off
    monthly_rate = (1 + rate) ** (1 / 12) - 1
    assert monthly.npv == pytest.approx(npf.npv(monthly_rate, [0.0, *month_net]), rel=1e-9, abs=1e-6)
    assert float(npv_of("monthly", one_off, benefits - costs, rate)) == pytest.approx(monthly.npv, abs=1e-6)
    assert monthly.npv == pytest.approx(monthly.pv_benefits - monthly.pv_costs, abs=1e-6)


@settings(max_examples=40, deadline=None)
@given(b=st.floats(0, 0.5), c=st.floats(0, 0.5), convention=st.sampled_from(["monthly", "annual"]))
def test_risk_adjustment_scales_present_values_exactly(b: float, c: float, convention: str) -> None:
    benefits, costs = spread(TEI_BENEFITS), spread(TEI_COSTS)
    plain = summarise(convention, TEI_INITIAL, benefits, costs, 0.10)  # type: ignore[arg-type]
    adj_benefits, adj_costs = risk_adjusted(benefits, costs, b, c)
    adjusted = summarise(convention, TEI_INITIAL * (1 + c), adj_benefits, adj_costs, 0.10)  # type: ignore[arg-type]
    assert adjusted.pv_benefits == pytest.approx(plain.pv_benefits * (1 - b), rel=1e-12)
    assert adjusted.pv_costs == pytest.approx(plain.pv_costs * (1 + c), rel=1e-12)


def test_discounted_payback_interpolates_inside_the_year_it_happens() -> None:
    # Year 0: -100. Year 1: +55 / 1.1 = +50 (cumulative -50). Year 2: +121 / 1.21 = +100: the
    # cumulative crosses 0 halfway through year 2, so 1.5 years.
    s = summarise("annual", 100.0, spread([55.0, 121.0]), np.zeros(24), 0.10)
    assert s.discounted_payback_years == pytest.approx(1.5)
    never = summarise("annual", 100.0, spread([1.0]), np.zeros(12), 0.10)
    assert never.discounted_payback_years is None
    # Monthly: -100 in month 1 (one-off) with +1.0 a month at 0 %: cumulative -99, -98, ... turns
    # 0 at the end of month 100, within the horizon of 120 months.
    monthly = summarise("monthly", 100.0, np.full(120, 1.0), np.zeros(120), 0.0)
    assert monthly.discounted_payback_years == pytest.approx(100 / 12)


def test_annual_needs_whole_years_and_sane_risk_shares() -> None:
    with pytest.raises(ValueError, match="whole years"):
        whole_years(30)
    with pytest.raises(ValueError, match=r"between 0 and 0\.5"):
        risk_adjusted(np.ones(1), np.ones(1), 0.6, 0.0)
