"""The README's scenario field table states the same limits as the model (one source, documented)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import BaseModel

from copilot_roi.value.bounds import field_bounds
from copilot_roi.value.extra_lines import OtherBenefit, OtherCost
from copilot_roi.value.finance_settings import FinanceSettings, RiskAdjustment
from copilot_roi.value.scenario import (
    Adoption,
    AgentLine,
    CapacitySizing,
    MultiplierBand,
    RoleScenario,
    Scenario,
)

README = Path(__file__).resolve().parents[2] / "README.md"

# README row (the field in backticks) -> the model field whose limits it states.
ROWS: list[tuple[str, type[BaseModel], str]] = [
    ("roles.<id>.headcount", RoleScenario, "headcount"),
    ("roles.<id>.hours_per_week_on_assisted_tasks", RoleScenario, "hours_per_week_on_assisted_tasks"),
    ("roles.<id>.time_saved_share", RoleScenario, "time_saved_share"),
    ("roles.<id>.loaded_cost_per_hour", RoleScenario, "loaded_cost_per_hour"),
    ("roles.<id>.adoption", Adoption, "months_to_full"),
    ("roles.<id>.ranges", Adoption, "months_to_full"),
    ("capacity.scu_per_person_month", CapacitySizing, "scu_per_person_month"),
    ("capacity.usage_multiplier", MultiplierBand, "low"),
    ("capacity.usage_multiplier", MultiplierBand, "high"),
    ("ranges", MultiplierBand, "high"),
    ("realisation_rate", Scenario, "realisation_rate"),
    ("horizon_months", Scenario, "horizon_months"),
    ("discount_rate_annual", Scenario, "discount_rate_annual"),
    ("finance.risk_adjustment", RiskAdjustment, "benefits"),
    ("finance.risk_adjustment", RiskAdjustment, "costs"),
    ("hours_per_fte_year", Scenario, "hours_per_fte_year"),
    ("agents[].runs_per_month", AgentLine, "runs_per_month"),
    ("agents[].scu_per_run", AgentLine, "scu_per_run"),
    ("agents[].analyst_minutes_avoided_per_run", AgentLine, "analyst_minutes_avoided_per_run"),
    ("agents[].loaded_cost_per_hour", AgentLine, "loaded_cost_per_hour"),
]


def row_text(field: str) -> str:
    for line in README.read_text(encoding="utf-8").splitlines():
        if line.startswith(f"| `{field}` |"):
            return line
    raise AssertionError(f"README has no row for {field}")


def stated_ranges(text: str) -> list[tuple[float, float]]:
    """Every ``low..high`` in a row, as numbers (``100,000`` -> 100000)."""
    pairs = re.findall(r"(\d[\d,.]*)\.\.(\d[\d,]*(?:\.\d+)?)", text)
    return [(float(a.replace(",", "")), float(b.replace(",", ""))) for a, b in pairs]


@pytest.mark.parametrize(("field", "model", "name"), ROWS, ids=[r[0] for r in ROWS])
def test_readme_states_the_models_limits(field: str, model: type[BaseModel], name: str) -> None:
    assert field_bounds(model, name) in stated_ranges(row_text(field))


# Models whose every field the table must name: a field added to the model without a row fails.
DOCUMENTED_MODELS: list[tuple[str, type[BaseModel]]] = [
    ("", Scenario),
    ("finance.", FinanceSettings),
]
LINE_MODELS: list[tuple[str, type[BaseModel]]] = [
    ("other_benefits", OtherBenefit),
    ("other_costs", OtherCost),
]


@pytest.mark.parametrize(
    ("prefix", "model"), DOCUMENTED_MODELS, ids=[m.__name__ for _, m in DOCUMENTED_MODELS]
)
def test_readme_has_a_row_for_every_field(prefix: str, model: type[BaseModel]) -> None:
    lines = README.read_text(encoding="utf-8").splitlines()
    for name in model.model_fields:
        field = f"{prefix}{name}"
        # A field documented through its own row or through rows for its sub-fields.
        assert any(line.startswith((f"| `{field}` |", f"| `{field}.")) for line in lines), field


@pytest.mark.parametrize(("field", "model"), LINE_MODELS, ids=[f for f, _ in LINE_MODELS])
def test_readme_names_every_key_of_a_line(field: str, model: type[BaseModel]) -> None:
    text = row_text(field)
    missing = [name for name in model.model_fields if name not in text]
    assert not missing, f"README row for {field} does not mention {missing}"
    benefits = row_text("other_benefits")  # the band's rule and its default, stated once
    assert "`low <= 1 <= high`" in benefits and "0.8..1.2" in benefits


def test_readme_states_the_agent_list_and_text_limits() -> None:
    assert (0.0, float(Scenario.model_fields["agents"].metadata[0].max_length)) in stated_ranges(
        row_text("agents")
    )
    name = AgentLine.model_fields["agent"].metadata
    lengths = {
        type(m).__name__: getattr(m, "min_length", None) or getattr(m, "max_length", None) for m in name
    }
    assert (float(lengths["MinLen"]), float(lengths["MaxLen"])) in stated_ranges(row_text("agents[].agent"))


def test_readme_lists_every_agent_line_field() -> None:
    for name in AgentLine.model_fields:
        row_text(f"agents[].{name}")
