"""Limits are read from the model: one source for widgets, the link codec and file loading."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, Field, ValidationError

from copilot_roi.business.share_link import ROLE_PARTS, SCENARIO_PARTS, decode
from copilot_roi.value.bounds import field_bounds, percent_bounds
from copilot_roi.value.scenario import CapacitySizing, RoleScenario, Scenario, scenario_template
from copilot_roi.value.workshop import ROLE_INPUT


class _Sample(BaseModel):
    level: int = Field(ge=1, le=9)
    share: float = Field(ge=0, le=0.9)
    open_ended: float = Field(ge=0)
    table: dict[str, float] = Field(default_factory=dict)


def test_bounds_come_from_ge_and_le() -> None:
    assert field_bounds(_Sample, "level") == (1.0, 9.0)
    assert percent_bounds(_Sample, "share") == (0.0, 90.0)  # not 90.00000000000001
    with pytest.raises(LookupError, match="open_ended"):
        field_bounds(_Sample, "open_ended")
    with pytest.raises(LookupError, match="table"):
        field_bounds(_Sample, "table")


def test_widgets_and_link_use_the_models_limits() -> None:
    hours = field_bounds(RoleScenario, "hours_per_week_on_assisted_tasks")
    cost = field_bounds(RoleScenario, "loaded_cost_per_hour")
    assert (ROLE_INPUT["hours"].low, ROLE_INPUT["hours"].high) == hours == (0.0, 80.0)
    assert (ROLE_INPUT["cost"].low, ROLE_INPUT["cost"].high) == cost
    assert (ROLE_INPUT["saved_pct"].low, ROLE_INPUT["saved_pct"].high) == (0.0, 90.0)
    parts = {p.widget: (p.low, p.high) for p in ROLE_PARTS}
    assert parts["hours"] == hours and parts["cost"] == cost
    assert (SCENARIO_PARTS["disc"].low, SCENARIO_PARTS["disc"].high) == (0.0, 100.0)


def test_the_issues_link_and_its_limits() -> None:
    link = decode({"v": "1", "preset": "expected", "soc": "10_50_22_75"})
    assert link.problems == [] and link.values["soc_hours"] == 50.0
    too_many = decode({"v": "1", "soc": "10_80.5_22_75"})
    assert too_many.problems == ["soc: hours per week must be between 0 and 80, not 80.5"]


def test_scu_per_person_limit_is_a_field_constraint() -> None:
    data = scenario_template().model_dump()
    data["capacity"]["scu_per_person_month"]["soc"] = (
        field_bounds(CapacitySizing, "scu_per_person_month")[1] + 1
    )
    with pytest.raises(ValidationError) as error:
        Scenario.model_validate(data)
    assert error.value.errors()[0]["loc"] == ("capacity", "scu_per_person_month", "soc")
