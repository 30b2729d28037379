"""Page helpers and calibration: widget values <-> scenarios, evidence notes, measured usage."""

from __future__ import annotations

import pandas as pd
import pytest
from pydantic import ValidationError

from copilot_roi.plans import CapacityPlan
from copilot_roi.pricebook import PriceOverrides, effective_prices, load_price_book
from copilot_roi.roles import role_ids, role_label
from copilot_roi.value.calibration import calibrated, measure_roles
from copilot_roi.value.engine import compute
from copilot_roi.value.scenario import Scenario, scenario_template
from copilot_roi.value.sensitivity import analyse
from copilot_roi.value.workshop import (
    assumption_rows,
    break_even_sentence,
    evidence_notes,
    headlines,
    overrides_from_prices,
    role_key,
    scenario_from_values,
    widget_values,
)
from copilot_roi.wording import money


@pytest.mark.parametrize("preset", ["low", "expected", "high"])
def test_widget_values_reproduce_the_scenario(preset: str) -> None:
    scenario = scenario_template(preset)  # type: ignore[arg-type]
    again = scenario_from_values(scenario, widget_values(scenario))
    assert again == scenario
    assert again.preset == preset


def test_an_edited_value_outside_its_band_widens_the_band_and_marks_custom() -> None:
    base = scenario_template("expected")
    values = widget_values(base) | {role_key("soc", "saved_pct"): 45.0, "realisation_pct": 90}
    edited = scenario_from_values(base, values)
    assert edited.preset == "custom"
    assert edited.roles["soc"].time_saved_share == pytest.approx(0.45)
    assert edited.roles["soc"].ranges.time_saved_share.high == pytest.approx(0.45)
    assert edited.roles["soc"].ranges.time_saved_share.low == pytest.approx(0.10)
    assert edited.ranges.realisation_rate.high == pytest.approx(0.9)


def test_invalid_widget_values_raise_naming_the_field() -> None:
    base = scenario_template()
    with pytest.raises(ValidationError) as caught:
        scenario_from_values(base, widget_values(base) | {"horizon": 0})
    assert caught.value.errors()[0]["loc"] == ("horizon_months",)


def test_the_scenario_widgets_never_change_the_plan() -> None:
    """The plan is the case's, set by its own widgets on every page; the scenario's keep it."""
    from copilot_roi.plans import Schedule

    base = scenario_template()
    plan = CapacityPlan(schedule=Schedule(business_scu=4), overage="unlimited", e5_licences=300)
    scheduled = base.model_copy(update={"capacity": base.capacity.model_copy(update={"plan": plan})})
    values = widget_values(scheduled) | {role_key("soc", "headcount"): 3, "horizon": 24}
    assert not any("plan" in key for key in widget_values(scheduled))
    assert scenario_from_values(scheduled, values).capacity.plan == plan


def test_overrides_reproduce_the_prices() -> None:
    book = load_price_book()
    for overrides in (
        PriceOverrides(),
        PriceOverrides(discount_share=0.2),
        PriceOverrides(provisioned_price_per_scu_hour_usd=3.1, currency="EUR", usd_to_currency_rate=0.92),
    ):
        prices = effective_prices(book, overrides)
        back = overrides_from_prices(prices, book)
        assert effective_prices(book, back) == prices
        assert back == overrides


def test_evidence_notes_cite_or_label() -> None:
    soc = {n.field: n for n in evidence_notes("soc")}
    assert soc["time_saved_share"].basis == "evidence"
    assert any("147 security professionals" in line for line in soc["time_saved_share"].lines)
    assert soc["hours_per_week"].lines[0].startswith("Assumption:")
    irm = {n.field: n for n in evidence_notes("irm")}
    assert irm["time_saved_share"].basis == "assumption"
    assert "No published measurement" in irm["time_saved_share"].lines[0]


def test_headlines_and_sentences_follow_the_result() -> None:
    scenario = scenario_template("expected")
    result = compute(scenario)
    sensitivity = analyse(scenario, result=result, draws=500)
    cost, value, npv_range, payback = headlines(result, sensitivity)
    assert cost.value == money(result.total_cost, "USD")
    assert value.value == money(result.total_value, "USD")
    assert f"{result.total_hours_freed:,.0f} analyst hours freed" in value.sentence
    assert npv_range.value.startswith(money(sensitivity.monte_carlo.p10, "USD"))
    assert payback.value == f"Month {result.payback_month}"
    be = result.break_even
    assert be.realisation_rate is not None and be.time_saved_multiplier is not None
    assert f"{be.realisation_rate:.0%}" in break_even_sentence(result)
    low = compute(scenario_template("low"))
    assert "would not cover the cost" in break_even_sentence(low)  # break-even rate above 100 %
    assert [row["Role"] for row in assumption_rows(scenario)] == [role_label(r) for r in role_ids()]


ASSIGNED = pd.DataFrame(
    {
        "user": ["u-7f3a", "u-7f3a", "u-91bc", "u-22cd", "u-5e0f", "u-0d4b"],
        "role": ["soc", "soc", "soc", "iam", "unassigned", "iam"],
        "units_scu": [10.0, 5.0, 15.0, 2.0, 100.0, 4.0],
        "session_id": ["s1", "s2", "s3", "s4", "s5", "s4"],
    }
)


def test_measure_roles_per_person_per_month() -> None:
    measured = measure_roles(ASSIGNED, period_hours=730 * 3)
    assert set(measured) == {"soc", "iam"}  # unassigned usage is not a role
    soc = measured["soc"]
    assert (soc.users, soc.units_scu, soc.sessions, soc.months) == (2, 30.0, 3, 3.0)
    assert soc.scu_per_person_month == pytest.approx(5.0)
    assert soc.sessions_per_person_month == pytest.approx(0.5)
    assert measured["iam"].scu_per_person_month == pytest.approx(1.0)
    assert "u-7f3a" not in soc.describe() and "2 users" in soc.describe()
    with pytest.raises(ValueError, match="no hours"):
        measure_roles(ASSIGNED, 0)


def test_calibrated_scenario_records_which_roles_were_measured() -> None:
    base = scenario_template()
    scenario = calibrated(base, {"soc": 5.0, "iam": 1.0})
    assert scenario.capacity.usage_source == "usage"
    assert scenario.capacity.measured_roles == ["soc", "iam"]
    assert scenario.capacity.scu_per_person_month["soc"] == 5.0
    assert scenario.capacity.scu_per_person_month["dlp"] == base.capacity.scu_per_person_month["dlp"]
    assert Scenario.model_validate_json(scenario.model_dump_json()) == scenario
    assert compute(scenario).monthly[-1].demand_units < compute(base).monthly[-1].demand_units
    assert calibrated(base, {}).capacity.usage_source == "estimate"


def test_measured_roles_survive_the_widgets_until_edited() -> None:
    base = calibrated(scenario_template(), {"soc": 5.0})
    values = widget_values(base)
    assert scenario_from_values(base, values).capacity.measured_roles == ["soc"]
    edited = scenario_from_values(base, values | {role_key("soc", "scu"): 6.0})
    assert edited.capacity.measured_roles == []
    assert edited.capacity.usage_source == "estimate"


def test_measured_roles_must_be_consistent() -> None:
    data = scenario_template().model_dump()
    data["capacity"]["measured_roles"] = ["soc"]
    with pytest.raises(ValidationError, match="usage_source 'usage'"):
        Scenario.model_validate(data)


def test_measure_usage_maps_users_by_rules_or_roster() -> None:
    import pandas as pd

    from copilot_roi.usage.chargeback import Roster, RosterEntry
    from copilot_roi.value.calibration import measure_usage

    # Over one 730-hour month: a and b use Defender (SOC by rule), c uses Entra (IAM by rule).
    frame = pd.DataFrame(
        {
            "user": ["a", "a", "b", "c"],
            "plugins": ["Defender", "Sentinel", "Defender", "Entra"],
            "experience": ["", "", "", ""],
            "units_scu": [4.0, 2.0, 1.0, 3.333],
            "session_id": ["s1", "s2", "s3", "s4"],
        }
    )
    by_rules = measure_usage(frame, period_hours=730)
    # SOC: 7 SCU / 2 users / 1 month = 3.5; IAM: 3.333 / 1 / 1, shown to 0.01 SCU.
    assert by_rules.scu_per_person_month == {"iam": 3.33, "soc": 3.5}
    assert by_rules.roles_from == "plugin rules"
    assert len(by_rules.notes) == 3 and all("a" not in n.split() for n in by_rules.notes)
    assert (
        by_rules.notes[-1]
        == "unassigned (no roster entry or rule, measured for no role): 0% of people's SCUs (0 users)"
    )
    # A roster naming b an IT admin moves b's 1 SCU: SOC 6 / 1 user, IT admin 1 / 1 user.
    roster = Roster(entries=(RosterEntry(user="b", role="it_admin"),), rejections=[])
    with_roster = measure_usage(frame, period_hours=730, roster=roster)
    assert with_roster.scu_per_person_month == {"iam": 3.33, "it_admin": 1.0, "soc": 6.0}
    assert with_roster.roles_from == "the Chargeback roster, plugin rules for people it does not list"


def test_the_soc_band_says_its_low_end_is_not_significant() -> None:
    from copilot_roi.value.workshop import evidence_notes

    notes = {note.field: note for note in evidence_notes("soc")}
    assert (
        notes["time_saved_share"].default
        == "Time saved: 22.0% (range 10.0% to 26.0%; low end not significant)"
    )
    # IT admin's band rests on one significant-or-unreported study: nothing to flag.
    it_admin = {note.field: note for note in evidence_notes("it_admin")}
    assert "not significant" not in it_admin["time_saved_share"].default
