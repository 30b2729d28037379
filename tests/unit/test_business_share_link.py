"""Portable scenarios: the JSON round trip, and the link codec that never trusts the URL."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from copilot_roi.business.share_link import decode, encode, scenario_from_params
from copilot_roi.roles import role_ids
from copilot_roi.value.bounds import field_bounds
from copilot_roi.value.scenario import RoleScenario, Scenario, scenario_template
from copilot_roi.value.workshop import role_key, scenario_from_values

# --- scenario JSON ----------------------------------------------------------------------------


@pytest.mark.parametrize("preset", ["low", "expected", "high"])
def test_scenario_json_round_trips_exactly(preset: str) -> None:
    scenario = scenario_template(preset)  # type: ignore[arg-type]
    text = scenario.model_dump_json(indent=2)
    again = Scenario.model_validate_json(text)
    assert again == scenario
    assert again.model_dump_json(indent=2) == text


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        (lambda d: d.__setitem__("realisation_rate", float("nan")), "realisation_rate"),
        (lambda d: d.__setitem__("horizon_months", "36"), "horizon_months"),
        (lambda d: d.__setitem__("surprise", 1), "surprise"),
        (lambda d: d["roles"]["soc"].__setitem__("time_saved_share", 1e309), "roles.soc"),
        (lambda d: d["roles"]["soc"].__setitem__("headcount", -1), "roles.soc.headcount"),
    ],
)
def test_invalid_scenario_json_names_the_field(patch, field: str) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(scenario_template("expected").model_dump_json())
    patch(data)
    text = json.dumps(data).replace("NaN", "NaN").replace("Infinity", "1e309")
    with pytest.raises(ValidationError) as error:
        Scenario.model_validate_json(text)
    where = ".".join(str(p) for p in error.value.errors()[0]["loc"])
    assert where.startswith(field)


# --- the link codec ---------------------------------------------------------------------------


def test_template_round_trips_through_a_link() -> None:
    for preset in ("low", "expected", "high"):
        scenario = scenario_template(preset)  # type: ignore[arg-type]
        restored, problems = scenario_from_params(encode(scenario))
        assert problems == []
        assert restored == scenario


def test_link_is_compact() -> None:
    params = encode(scenario_template("expected"))
    assert len("&".join(f"{k}={v}" for k, v in params.items())) < 260
    assert params["it_admin"] == "5_8_29.79_70"


# The model's own limits: the codec must carry anything the model accepts.
money = st.floats(
    min_value=0, max_value=field_bounds(RoleScenario, "loaded_cost_per_hour")[1], allow_nan=False
).map(lambda x: round(x, 2))
shares = st.floats(min_value=0, max_value=0.9, allow_nan=False).map(lambda x: round(x, 4))


@settings(max_examples=60, deadline=None)
@given(
    headcount=st.integers(0, 100_000),
    hours=st.floats(
        min_value=0,
        max_value=field_bounds(RoleScenario, "hours_per_week_on_assisted_tasks")[1],
        allow_nan=False,
    ).map(lambda x: round(x, 2)),
    share=shares,
    cost=money,
    realisation=st.floats(min_value=0, max_value=1, allow_nan=False).map(lambda x: round(x, 4)),
    horizon=st.integers(1, 120),
    discount=st.floats(min_value=0, max_value=0.3, allow_nan=False).map(lambda x: round(x, 4)),
    role=st.sampled_from(role_ids()),
)
def test_main_inputs_round_trip_through_a_link(
    headcount: int, hours: float, share: float, cost: float, realisation: float, horizon: int,
    discount: float, role: str,
) -> None:  # fmt: skip
    base = scenario_template("expected")
    scenario = scenario_from_values(
        base,
        {
            role_key(role, "headcount"): headcount,
            role_key(role, "hours"): hours,
            role_key(role, "saved_pct"): share * 100,
            role_key(role, "cost"): cost,
            "realisation_pct": realisation * 100,
            "horizon": horizon,
            "discount_pct": discount * 100,
        },
    )
    restored, problems = scenario_from_params(encode(scenario))
    assert problems == []
    got, want = restored.roles[role], scenario.roles[role]
    assert got.headcount == want.headcount
    assert got.hours_per_week_on_assisted_tasks == pytest.approx(
        want.hours_per_week_on_assisted_tasks, abs=1e-6
    )
    assert got.time_saved_share == pytest.approx(want.time_saved_share, abs=1e-8)
    assert got.loaded_cost_per_hour == pytest.approx(want.loaded_cost_per_hour, abs=1e-6)
    assert restored.realisation_rate == pytest.approx(scenario.realisation_rate, abs=1e-8)
    assert restored.discount_rate_annual == pytest.approx(scenario.discount_rate_annual, abs=1e-8)
    assert restored.horizon_months == scenario.horizon_months


@pytest.mark.parametrize(
    ("params", "problem"),
    [
        ({"soc": "nan_15_22_75"}, "soc: people must be a plain number"),
        ({"soc": "10_inf_22_75"}, "soc: hours per week must be a plain number"),
        ({"soc": "10_15_1e309_75"}, "soc: time saved (%) must be a plain number"),
        ({"soc": "10_15_-5_75"}, "soc: time saved (%) must be a plain number"),
        ({"soc": "10_15_95_75"}, "soc: time saved (%) must be between 0 and 90, not 95"),
        ({"soc": "10.5_15_22_75"}, "soc: people must be a whole number"),
        ({"soc": "10_15_22"}, "soc: expected 4 numbers"),
        ({"real": "150"}, "real: realisation rate (%) must be between 0 and 100"),
        ({"h": "0"}, "h: horizon (months) must be between 1 and 120"),
        ({"disc": "0x10"}, "disc: discount rate (% a year) must be a plain number"),
        ({"preset": "<script>"}, "preset must be one of"),
        ({"soc": "1" * 200}, "soc: value longer than"),
        ({"v": "2", "soc": "10_15_22_75"}, "version is not supported"),
    ],
)
def test_bad_values_are_refused_and_named(params: dict[str, str], problem: str) -> None:
    link = decode(params)
    assert any(p.startswith(problem) or problem in p for p in link.problems), link.problems
    scenario, problems = scenario_from_params(params)
    assert scenario.roles["soc"].headcount == scenario_template("expected").roles["soc"].headcount
    assert problems


def test_problems_never_echo_url_text() -> None:
    link = decode({"soc": "<script>_1_2_3", "preset": "javascript:alert(1)", "h": "<b>"})
    assert link.problems
    assert all("<" not in p and "javascript" not in p for p in link.problems)


def test_unknown_parameters_are_ignored_and_an_empty_link_changes_nothing() -> None:
    assert decode({"utm_source": "mail", "page": "x"}).empty
    scenario, problems = scenario_from_params({"utm_source": "mail"})
    assert scenario == scenario_template("expected") and problems == []


def test_a_link_applies_on_its_preset() -> None:
    scenario, problems = scenario_from_params({"preset": "low", "soc": "25_20_30_90", "h": "24"})
    assert problems == []
    low = scenario_template("low")
    assert scenario.roles["soc"].headcount == 25
    assert scenario.roles["soc"].time_saved_share == pytest.approx(0.30)
    assert scenario.horizon_months == 24
    assert scenario.roles["iam"] == low.roles["iam"]  # untouched roles keep the preset's values
    assert scenario.preset == "custom"
