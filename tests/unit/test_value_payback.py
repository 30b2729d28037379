"""Words that match the numbers (issue 19, item 4): payback for good, the recommendation's basis,
the NPV in both conventions, money per 730-hour month.

Each expected figure is derived here by hand or by a separate computation (a loop over the
months, a year table summed by hand), never read back from the function under test.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from copilot_roi.billing import bill
from copilot_roi.business.case import build_case, headline_figures
from copilot_roi.cli import main
from copilot_roi.hourly import HourlySeries
from copilot_roi.plans import CapacityPlan
from copilot_roi.pricebook import list_prices
from copilot_roi.value.conventions import summarise
from copilot_roi.value.engine import compute
from copilot_roi.value.scenario import Scenario, preset_on_team, scenario_template
from copilot_roi.wording import NO_PAYBACK

CENT = 0.01


def with_cost_in_years(per_year: list[float]) -> Scenario:
    """The expected template with one other cost line (no one-off) of ``per_year`` amounts."""
    data = scenario_template("expected").model_dump()
    data["other_costs"] = [{"name": "Platform renewal", "per_year": per_year, "source": "test"}]
    return Scenario.model_validate(data)


def hand_cumulative(per_year: list[float]) -> list[float]:
    """The template's cumulative net less the line's own: each year's amount / 12 in its months."""
    base = compute(scenario_template("expected"))
    line = [per_year[min((m.month - 1) // 12, len(per_year) - 1)] / 12 for m in base.monthly]
    return list(np.cumsum([m.net for m in base.monthly]) - np.cumsum(line))


def payback_by_hand(cumulative: list[float]) -> int | None:
    """The month after which the cumulative stays >= 0: walk back from the end."""
    if cumulative[-1] < 0:
        return None
    month = len(cumulative)
    while month > 1 and cumulative[month - 2] >= 0:
        month -= 1
    return month


def first_crossing_by_hand(cumulative: list[float]) -> int | None:
    return next((m for m, c in enumerate(cumulative, start=1) if c >= 0), None)


def test_the_template_pays_back_in_month_7_and_never_dips() -> None:
    result = compute(scenario_template("expected"))
    cumulative = [m.cumulative_net for m in result.monthly]
    assert payback_by_hand(cumulative) == first_crossing_by_hand(cumulative) == 7
    assert (result.payback_month, result.first_crossing_month, result.payback_fell_back) == (7, 7, False)


def test_a_case_that_crosses_and_falls_back_reports_no_payback() -> None:
    # USD 400,000 of other costs in year 3: the cumulative net crosses zero in month 7, then the
    # year-3 cost pushes it under for good; the net is the template's 124,286 less 400,000.
    result = compute(with_cost_in_years([0.0, 0.0, 400_000.0]))
    cumulative = hand_cumulative([0.0, 0.0, 400_000.0])
    assert [m.cumulative_net for m in result.monthly] == pytest.approx(cumulative, abs=CENT)
    assert first_crossing_by_hand(cumulative) == 7 and payback_by_hand(cumulative) is None
    assert result.net_benefit == pytest.approx(-275_714, abs=1)
    assert (result.payback_month, result.first_crossing_month, result.payback_fell_back) == (None, 7, True)
    # The discounted cumulative dips too: no discounted payback, flagged.
    assert result.discounted_payback_years is None and result.discounted_payback_fell_back


def test_a_case_that_falls_back_and_recovers_pays_back_at_the_later_month() -> None:
    # USD 100,000 in year 2 only: under zero from month 14 or so, back above for good later.
    result = compute(with_cost_in_years([0.0, 100_000.0, 0.0]))
    cumulative = hand_cumulative([0.0, 100_000.0, 0.0])
    later = payback_by_hand(cumulative)
    assert later is not None and later > 24 and first_crossing_by_hand(cumulative) == 7
    assert min(cumulative[12:24]) < 0  # it did fall back
    assert (result.payback_month, result.first_crossing_month) == (later, 7)
    assert result.payback_fell_back


def test_discounted_payback_is_where_the_cumulative_stays_above_zero() -> None:
    # Annual at 10 %: year 0 -100; year 1 +240 (pv 218.18, cum 118.18); year 2 -360 (pv -297.52,
    # cum -179.34); year 3 +480 (pv 360.63, cum 181.29). It crossed in year 1, fell back in year 2
    # and stays >= 0 from 2 + 179.34 / 360.63 = 2.4973 years (the first crossing was 0.458).
    benefits = np.concatenate([np.full(12, 20.0), np.zeros(12), np.full(12, 40.0)])
    costs = np.concatenate([np.zeros(12), np.full(12, 30.0), np.zeros(12)])
    s = summarise("annual", 100.0, benefits, costs, 0.10)
    cum2 = -100 + 240 / 1.1 - 360 / 1.1**2
    assert s.discounted_payback_years == pytest.approx(2 + -cum2 / (480 / 1.1**3), abs=1e-9)
    assert s.discounted_payback_years == pytest.approx(2.4973, abs=1e-4)
    assert s.discounted_payback_fell_back


def test_dipping_case_agrees_across_cli_and_exports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario = with_cost_in_years([0.0, 0.0, 400_000.0])
    path = tmp_path / "dip.json"
    path.write_text(scenario.model_dump_json())
    assert main(["roi", "--scenario", str(path), "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert (payload["payback_month"], payload["first_crossing_month"], payload["payback_fell_back"]) == (
        None,
        7,
        True,
    )
    assert main(["roi", "--scenario", str(path)]) == 0
    text = capsys.readouterr().out
    assert "Payback month:     not within the horizon" in text
    assert "reaches zero in month 7 but falls back below it by the end of the horizon: no payback." in text
    case = build_case(scenario, draws=200)
    label, value, note = headline_figures(case)[-1]
    assert (label, value) == ("Payback", NO_PAYBACK)
    assert note.startswith("The cumulative net reaches zero in month 7 but falls back below it")


def test_npv_in_both_conventions_by_hand() -> None:
    result = compute(scenario_template("expected"))  # no risk adjustment, 36 months, 8 %
    rate = result.discount_rate_annual
    flows = result.monthly
    monthly = sum(m.net / (1 + rate) ** (m.month / 12) for m in flows)
    one_off = flows[0].one_off_cost
    years = [sum(m.net + m.one_off_cost for m in flows[12 * y : 12 * y + 12]) for y in range(3)]
    annual = -one_off + sum(net / (1 + rate) ** (y + 1) for y, net in enumerate(years))
    assert result.npv_by_convention["monthly"] == pytest.approx(monthly, abs=CENT)
    assert result.npv_by_convention["annual"] == pytest.approx(annual, abs=CENT)
    assert result.npv == result.npv_by_convention[result.convention]
    data = scenario_template("expected").model_dump()
    data["horizon_months"] = 30
    assert compute(Scenario.model_validate(data)).npv_by_convention["annual"] is None


def test_proceed_never_claims_the_pessimistic_end_when_the_pessimistic_preset_loses() -> None:
    case = build_case(scenario_template("expected"), draws=500)
    # The template's team is the catalogue's, so its Pessimistic preset is the low template itself.
    low = compute(scenario_template("low"))
    assert round(low.npv) == -227_195 and low.payback_month is None
    assert case.pessimistic is not None and case.pessimistic.npv == pytest.approx(low.npv, abs=CENT)
    assert case.range.p10 > 0 and case.verdict == "Proceed"
    assert "even at the pessimistic end" not in case.recommendation
    assert "P10 of 500 draws with independent inputs" in case.recommendation
    assert "USD -227,195" in case.recommendation


def test_proceed_says_the_pessimistic_end_when_it_pays_back() -> None:
    data = scenario_template("expected").model_dump()
    # A retired tool worth USD 1M a year, kept in every preset: even the pessimistic case pays.
    data["other_benefits"] = [{"name": "Retired SIEM licence", "per_year": [1_000_000.0], "source": "test"}]
    scenario = Scenario.model_validate(data)
    case = build_case(scenario, draws=500)
    low = compute(preset_on_team(scenario, "low"))
    # By hand: the low template's NPV plus the line's 1M a year discounted at the low preset's rate.
    rate = low.discount_rate_annual
    line_pv = sum(1_000_000 / 12 / (1 + rate) ** (m / 12) for m in range(1, 37))
    assert low.npv == pytest.approx(compute(scenario_template("low")).npv + line_pv, abs=1)
    assert case.pessimistic is not None and case.pessimistic.pays_back
    assert case.recommendation.startswith("Proceed: the case pays back even at the pessimistic end")
    assert "P10 of 500 draws with independent inputs" in case.recommendation


def test_preset_on_team_keeps_the_team_and_measured_usage() -> None:
    data = scenario_template("expected").model_dump()
    data["roles"] = {"soc": data["roles"]["soc"] | {"headcount": 40}}
    data["roles"]["soc"]["ranges"]["headcount"] = {"low": 30, "high": 50}
    data["capacity"]["scu_per_person_month"] = {"soc": 12.5}
    data["capacity"]["measured_roles"] = ["soc"]
    data["capacity"]["usage_source"] = "usage"
    low = preset_on_team(Scenario.model_validate(data), "low")
    template = scenario_template("low").roles["soc"]
    assert low.roles["soc"].headcount == 40
    assert low.roles["soc"].time_saved_share == template.time_saved_share
    assert low.capacity.scu_per_person_month == {"soc": 12.5}


def test_money_per_730_hour_month_not_per_calendar_month_touched() -> None:
    # 90 days from 15 Jan: 2,160 hours touching January to April (4 calendar months). One SCU
    # provisioned at USD 4 an hour: 8,640 in total, 2,920 per 730-hour month, 35,040 a year.
    series = HourlySeries.zeros(2160, start="2027-01-15", month_basis="calendar")
    totals = bill(series, CapacityPlan(provisioned_scu=1), list_prices()).totals
    assert totals.months == 4 and totals.total_cost == pytest.approx(8_640.0)
    assert totals.cost_per_billing_month == pytest.approx(2_920.0)
    assert totals.cost_per_year == pytest.approx(35_040.0)
