"""Headlines before the Monte Carlo: the cash-flow cards are final, the NPV range says it is pending."""

from __future__ import annotations

from copilot_roi.value.engine import compute
from copilot_roi.value.scenario import scenario_template
from copilot_roi.value.sensitivity import analyse
from copilot_roi.value.workshop import NPV_RANGE_CARD, RANGE_PENDING, headlines


def test_cash_flow_cards_do_not_wait_for_the_monte_carlo() -> None:
    scenario = scenario_template("expected")
    result = compute(scenario)
    early = headlines(result, None)
    final = headlines(result, analyse(scenario, result=result, draws=500))
    assert [h.label for h in early] == [h.label for h in final]
    for i, (a, b) in enumerate(zip(early, final, strict=True)):
        if i == NPV_RANGE_CARD:
            assert a.value == RANGE_PENDING and b.value != RANGE_PENDING
            assert b.label == "NPV range (P10 to P90)"
        else:
            assert a == b
