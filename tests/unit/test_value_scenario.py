"""The scenario model: exact JSON round trip, and hostile or wrong input rejected by field."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from copilot_roi.roles import role_ids
from copilot_roi.value.scenario import Band, Scenario, scenario_template


def _template_dict(preset: str = "expected") -> dict[str, Any]:
    return json.loads(scenario_template(preset).model_dump_json())  # type: ignore[arg-type]


@pytest.mark.parametrize("preset", ["low", "expected", "high"])
def test_templates_round_trip_exactly(preset: str) -> None:
    scenario = scenario_template(preset)  # type: ignore[arg-type]
    text = scenario.model_dump_json()
    again = Scenario.model_validate_json(text)
    assert again == scenario
    assert again.model_dump_json() == text
    assert tuple(scenario.roles) == role_ids()  # every registered role, in tab order
    assert scenario.horizon_months == 36
    assert scenario.realisation_rate < 1


def test_presets_order_the_value_inputs() -> None:
    low, mid, high = (scenario_template(p) for p in ("low", "expected", "high"))
    for role in ("soc", "it_admin", "ciso"):
        shares = [s.roles[role].time_saved_share for s in (low, mid, high)]
        assert shares == sorted(shares) and shares[0] < shares[2]
        months = [s.roles[role].adoption.months_to_full for s in (low, mid, high)]
        assert months == sorted(months, reverse=True)
    assert low.realisation_rate < mid.realisation_rate < high.realisation_rate
    assert low.roles["soc"].headcount == high.roles["soc"].headcount


amounts = st.lists(st.floats(0, 1e9, allow_nan=False), min_size=1, max_size=1)
names = st.text(min_size=1, max_size=40)
bands = st.none() | st.builds(lambda low, high: {"low": low, "high": high}, st.floats(0, 1), st.floats(1, 10))
benefit_lines = st.lists(
    st.fixed_dictionaries(
        {"name": names, "per_year": amounts, "source": st.text(max_size=40), "band": bands}
    ),
    max_size=3,
)
cost_lines = st.lists(
    st.fixed_dictionaries(
        {
            "name": names,
            "one_off": st.floats(0, 1e9),
            "per_year": st.lists(st.floats(0, 1e9), max_size=1),
            "source": st.text(max_size=40),
            "band": bands,
        }
    ),
    max_size=3,
)
finance_blocks = st.fixed_dictionaries(
    {
        "convention": st.sampled_from(["monthly", "annual"]),
        "risk_adjustment": st.fixed_dictionaries({"benefits": st.floats(0, 0.5), "costs": st.floats(0, 0.5)}),
    }
)


@settings(max_examples=40, deadline=None)
@given(
    realisation=st.floats(0.3, 0.7),
    share=st.floats(0.1, 0.26),  # inside the SOC band (0.10 to 0.26, the novice RCT)
    cost=st.floats(55, 110),
    horizon=st.integers(1, 120),
    rate=st.floats(0.05, 0.12),
    finance=finance_blocks,
    other_benefits=benefit_lines,
    other_costs=cost_lines,
    hours_per_fte_year=st.floats(100, 4_000),
)
def test_any_valid_scenario_round_trips(
    realisation: float,
    share: float,
    cost: float,
    horizon: int,
    rate: float,
    finance: dict[str, Any],
    other_benefits: list[dict[str, Any]],
    other_costs: list[dict[str, Any]],
    hours_per_fte_year: float,
) -> None:
    if finance["convention"] == "annual":
        horizon = 12 * max(1, horizon // 12)  # the annual convention needs whole years
    base = scenario_template("expected")
    soc = base.roles["soc"].model_copy(update={"time_saved_share": share, "loaded_cost_per_hour": cost})
    scenario = Scenario.model_validate(
        base.model_dump()
        | {
            "realisation_rate": realisation,
            "horizon_months": horizon,
            "discount_rate_annual": rate,
            "roles": base.model_dump()["roles"] | {"soc": soc.model_dump()},
            "finance": finance,
            "other_benefits": other_benefits,
            "other_costs": other_costs,
            "hours_per_fte_year": hours_per_fte_year,
        }
    )
    assert Scenario.model_validate_json(scenario.model_dump_json()) == scenario


@pytest.mark.parametrize(
    ("token", "field"),
    [("NaN", "realisation_rate"), ("Infinity", "realisation_rate"), ("1e309", "realisation_rate")],
)
def test_non_finite_numbers_are_rejected(token: str, field: str) -> None:
    text = scenario_template().model_dump_json().replace('"realisation_rate":0.5', f'"{field}":{token}')
    assert token in text
    with pytest.raises(ValidationError) as caught:
        Scenario.model_validate_json(text)
    assert caught.value.errors()[0]["loc"] == ("realisation_rate",)


def test_non_finite_nested_band_is_rejected() -> None:
    data = _template_dict()
    text = json.dumps(data).replace('"low": 8.0', '"low": -Infinity', 1)
    with pytest.raises(ValidationError) as caught:
        Scenario.model_validate_json(text)
    assert caught.value.errors()[0]["loc"][:4] == ("roles", "soc", "ranges", "headcount")


def _error(data: dict[str, Any]) -> tuple[str, str]:
    with pytest.raises(ValidationError) as caught:
        Scenario.model_validate_json(json.dumps(data))
    first = caught.value.errors()[0]
    return ".".join(str(p) for p in first["loc"]), str(first["msg"])


def test_unknown_keys_are_rejected_at_every_level() -> None:
    data = _template_dict()
    data["surprise"] = 1
    assert _error(data) == ("surprise", "Extra inputs are not permitted")
    data = _template_dict()
    data["roles"]["soc"]["adoption"]["bonus"] = True
    assert _error(data)[0] == "roles.soc.adoption.bonus"
    data = _template_dict()
    data["capacity"]["plan"]["turbo"] = True
    assert _error(data)[0] == "capacity.plan.turbo"


def test_unknown_role_ids_are_rejected() -> None:
    data = _template_dict()
    data["roles"]["janitor"] = data["roles"]["soc"]
    where, _ = _error(data)
    assert where.startswith("roles.janitor")


@pytest.mark.parametrize(
    ("path", "value", "where"),
    [
        (("horizon_months",), 0, "horizon_months"),
        (("horizon_months",), 121, "horizon_months"),
        (("horizon_months",), 12.5, "horizon_months"),
        (("horizon_months",), "36", "horizon_months"),
        (("realisation_rate",), 1.5, "realisation_rate"),
        (("realisation_rate",), "half", "realisation_rate"),
        (("discount_rate_annual",), -0.01, "discount_rate_annual"),
        (("roles", "soc", "headcount"), -1, "roles.soc.headcount"),
        (("roles", "soc", "time_saved_share"), 0.95, "roles.soc.time_saved_share"),
        (("roles", "soc", "adoption", "months_to_full"), 0, "roles.soc.adoption.months_to_full"),
        (("one_off_costs", "training"), -5, "one_off_costs.training"),
        (("capacity", "plan", "provisioned_scu"), 101, "capacity.plan.provisioned_scu"),
        (("prices", "discount_share"), 1.0, "prices.discount_share"),
    ],
)
def test_wrong_types_and_out_of_range_values_name_the_field(
    path: tuple[str, ...], value: object, where: str
) -> None:
    data = _template_dict()
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    assert _error(data)[0] == where


def test_a_band_must_contain_its_value() -> None:
    data = _template_dict()
    data["roles"]["soc"]["time_saved_share"] = 0.05  # band is [0.10, 0.30]
    where, message = _error(data)
    assert where == "roles.soc"
    assert "ranges.time_saved_share" in message and "must contain the value 0.05" in message


def test_every_role_needs_a_usage_figure() -> None:
    data = _template_dict()
    del data["capacity"]["scu_per_person_month"]["dlp"]
    _where, message = _error(data)
    assert "scu_per_person_month" in message and "dlp" in message


def test_a_band_cannot_be_reversed() -> None:
    with pytest.raises(ValidationError, match="must not exceed high"):
        Band(low=2, high=1)
    assert Band(low=0.1, high=0.3).widened_to(0.5) == Band(low=0.1, high=0.5)


def test_scenarios_are_frozen() -> None:
    scenario = scenario_template()
    with pytest.raises(ValidationError):
        scenario.horizon_months = 12  # type: ignore[misc]
