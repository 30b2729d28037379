"""Shareable links: the main scenario inputs as short URL query parameters, and back, never trusted.

A link carries the preset, each role's people, hours per week, time saved (%) and loaded cost
per hour, the realisation rate (%), the horizon and the discount rate (% a year). Everything else
(adoption ramps, SCUs per person, one-off costs, ranges) comes from the preset's template, so a
link reopens the same view of the main inputs; the scenario JSON carries the rest, and
:func:`left_out` names what a given scenario's link would lose.

Format: ``v=1&preset=expected&soc=10_15_22_75&...&real=50&h=36&disc=8``. A role value is
``people_hours_timesavedpct_cost``. Decoding accepts plain decimals only (no exponents, NaN or
infinity), bounds every field, ignores parameters it does not know and reports each bad one as
a problem instead of applying it (problems never echo text from the URL, only digits already
checked); the result is validated by the ``Scenario`` model.

>>> from copilot_roi.value.scenario import scenario_template
>>> s = scenario_template("expected")
>>> params = encode(s)
>>> params["soc"], params["real"]
('10_15_22_75', '50')
>>> restored, problems = scenario_from_params(params)
>>> problems, restored == s
([], True)
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from pydantic import ValidationError

from copilot_roi.roles import role_ids, role_label
from copilot_roi.value.bounds import field_bounds, percent_bounds
from copilot_roi.value.catalogue import PresetName
from copilot_roi.value.scenario import RoleScenario, Scenario, scenario_template
from copilot_roi.value.workshop import role_key, scenario_from_values

LINK_VERSION = "1"
MAX_PARAM_CHARS = 80
MAX_PARAMS = 64
_NUMBER = re.compile(r"^\d{1,9}(\.\d{1,6})?$")  # no sign, exponent, NaN or infinity


@dataclass(frozen=True)
class _Field:
    widget: str  # workshop widget field (role) or scenario widget key
    label: str
    low: float
    high: float
    whole: bool = False


# The limits are the scenario model's own (one source): a link can carry anything a file can.
ROLE_PARTS: tuple[_Field, ...] = (
    _Field("headcount", "people", *field_bounds(RoleScenario, "headcount"), whole=True),
    _Field("hours", "hours per week", *field_bounds(RoleScenario, "hours_per_week_on_assisted_tasks")),
    _Field("saved_pct", "time saved (%)", *percent_bounds(RoleScenario, "time_saved_share")),
    _Field("cost", "loaded cost per hour", *field_bounds(RoleScenario, "loaded_cost_per_hour")),
)
SCENARIO_PARTS: dict[str, _Field] = {
    "real": _Field("realisation_pct", "realisation rate (%)", *percent_bounds(Scenario, "realisation_rate")),
    "h": _Field("horizon", "horizon (months)", *field_bounds(Scenario, "horizon_months"), whole=True),
    "disc": _Field(
        "discount_pct", "discount rate (% a year)", *percent_bounds(Scenario, "discount_rate_annual")
    ),
}
LINK_KEYS = frozenset({"v", "preset", *SCENARIO_PARTS})


def known_keys() -> frozenset[str]:
    """The parameters a link may carry: its own keys and one per registered role.

    Read per call, not at import: the roles are the registry's in use (a test may add one).
    """
    roles = frozenset(role_ids())
    if roles & LINK_KEYS:
        # A role named like a link key would be read as that key, or the key as the role.
        raise ValueError(f"role ids may not be link keys: {', '.join(sorted(roles & LINK_KEYS))}")
    return roles | LINK_KEYS


@dataclass(frozen=True)
class DecodedLink:
    """What a link asks for: a preset, widget values by session key, and what was refused."""

    preset: PresetName | None
    values: dict[str, float | int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return self.preset is None and not self.values


def _num(value: float) -> str:
    """Shortest plain decimal (no exponent) that round-trips to 6 decimal places."""
    text = f"{round(value, 6):.6f}".rstrip("0").rstrip(".")
    return text or "0"


def encode(scenario: Scenario) -> dict[str, str]:
    """The query parameters of ``scenario``'s main inputs."""
    params = {"v": LINK_VERSION, "preset": scenario.preset}
    for r in scenario.role_ids():
        role = scenario.roles[r]
        parts = (
            role.headcount,
            role.hours_per_week_on_assisted_tasks,
            role.time_saved_share * 100,
            role.loaded_cost_per_hour,
        )
        params[r] = "_".join(_num(p) for p in parts)
    params["real"] = _num(scenario.realisation_rate * 100)
    params["h"] = str(scenario.horizon_months)
    params["disc"] = _num(scenario.discount_rate_annual * 100)
    return params


def _first(value: str | list[str] | tuple[str, ...]) -> str:
    if isinstance(value, list | tuple):
        return str(value[0]) if value else ""
    return str(value)


def _parse(text: str, spec: _Field, where: str) -> float | int | str:
    """The number, or a problem sentence (a str) naming the field."""
    if not _NUMBER.match(text):
        return f"{where}: {spec.label} must be a plain number"
    number = float(text)
    if spec.whole and not number.is_integer():
        return f"{where}: {spec.label} must be a whole number, not {text}"
    if not spec.low <= number <= spec.high:
        return f"{where}: {spec.label} must be between {spec.low:g} and {spec.high:g}, not {text}"
    return int(number) if spec.whole else number


def decode(params: Mapping[str, Any]) -> DecodedLink:
    """Read query parameters without trusting them (see the module docstring)."""
    roles = role_ids()
    relevant = {k: _first(v) for k, v in params.items() if k in known_keys()}
    if not relevant:
        return DecodedLink(None)
    if len(params) > MAX_PARAMS:
        return DecodedLink(None, problems=[f"the link has more than {MAX_PARAMS} parameters; ignored"])
    problems: list[str] = []
    if relevant.get("v", LINK_VERSION) != LINK_VERSION:
        return DecodedLink(None, problems=["this link's version is not supported; ignored"])
    preset_text = relevant.get("preset")
    preset: PresetName | None = None
    if preset_text is not None:
        if preset_text in ("low", "expected", "high"):
            preset = cast(PresetName, preset_text)
        elif preset_text != "custom":
            problems.append("preset must be one of low, expected, high, custom")
    values: dict[str, float | int] = {}
    for key, text in relevant.items():
        if len(text) > MAX_PARAM_CHARS:
            problems.append(f"{key}: value longer than {MAX_PARAM_CHARS} characters; ignored")
            continue
        if key in roles:
            parts = text.split("_")
            if len(parts) != len(ROLE_PARTS):
                problems.append(f"{key}: expected {len(ROLE_PARTS)} numbers (people_hours_saved_cost)")
                continue
            parsed = [_parse(p, spec, key) for p, spec in zip(parts, ROLE_PARTS, strict=True)]
            bad = [p for p in parsed if isinstance(p, str)]
            if bad:
                problems.extend(bad)
                continue
            for spec, number in zip(ROLE_PARTS, parsed, strict=True):
                values[role_key(key, spec.widget)] = cast(float | int, number)
        elif key in SCENARIO_PARTS:
            spec = SCENARIO_PARTS[key]
            number = _parse(text, spec, key)
            if isinstance(number, str):
                problems.append(number)
            else:
                values[spec.widget] = number
    return DecodedLink(preset, values, problems)


def scenario_from_params(
    params: Mapping[str, Any], base: Scenario | None = None
) -> tuple[Scenario, list[str]]:
    """The scenario a link describes (on ``base``, or the link's preset template) and its problems.

    An invalid combination leaves the base scenario unchanged and says why.
    """
    link = decode(params)
    template = base or scenario_template(link.preset or "expected")
    if not link.values:
        return template, link.problems
    try:
        scenario = scenario_from_values(template, link.values)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "scenario"
        return template, [*link.problems, f"{where}: {first['msg']}"]
    return scenario, link.problems


# What a link cannot carry, by scenario field, as a reader names it (roles are named per role).
_LEFT_OUT_LABELS = {
    "one_off_costs": "one-off costs",
    "prices": "price overrides",
    "ranges": "uncertainty ranges of the realisation and discount rates",
    "finance": "finance convention and risk adjustment",
    "hours_per_fte_year": "hours per FTE year",
}


def left_out(scenario: Scenario) -> list[str]:
    """What opening ``scenario``'s link would not bring back, in a reader's words (empty: nothing).

    Exact by construction: the link is encoded, decoded as a recipient's browser would, and the
    result compared with ``scenario`` field by field.

    >>> from copilot_roi.value.scenario import scenario_template
    >>> s = scenario_template("expected")
    >>> left_out(s)
    []
    >>> left_out(s.model_copy(update={"horizon_months": 24}))  # a main input: in the link
    []
    >>> plan = s.capacity.plan.model_copy(update={"provisioned_scu": 3})
    >>> left_out(s.model_copy(update={"capacity": s.capacity.model_copy(update={"plan": plan})}))
    ['the capacity plan']
    """
    restored, _ = scenario_from_params(encode(scenario))
    lost: list[str] = []
    if set(restored.roles) != set(scenario.roles):
        lost.append("which roles are included")
    for r in scenario.role_ids():
        mine, theirs = scenario.roles[r], restored.roles.get(r)
        if theirs is None:
            continue
        if mine.adoption != theirs.adoption:
            lost.append(f"{role_label(r)}: adoption ramp")
        if mine.ranges != theirs.ranges:
            lost.append(f"{role_label(r)}: uncertainty ranges")
    if scenario.capacity.plan != restored.capacity.plan:
        lost.append("the capacity plan")
    if scenario.capacity.model_copy(update={"plan": restored.capacity.plan}) != restored.capacity:
        lost.append("SCUs per person and usage")
    for name, label in _LEFT_OUT_LABELS.items():
        if getattr(scenario, name) != getattr(restored, name):
            lost.append(label)
    for name, noun in (("agents", "agent line"), ("other_benefits", "other benefit line"),
                       ("other_costs", "other cost line")):  # fmt: skip
        lines = getattr(scenario, name)
        if lines != getattr(restored, name):
            lost.append(f"{len(lines)} {noun}{'s' if len(lines) != 1 else ''}" if lines else f"no {noun}s")
    return lost


def link_sentence(lost: list[str]) -> str:
    """What the address bar's link shares, for a page caption (``lost``: from :func:`left_out`).

    >>> link_sentence([])
    "The main inputs are in this page's address: copy it from the browser to share the same view."
    >>> link_sentence(["the capacity plan", "2 agent lines"]).split(". ")[0]
    "This page's address carries the main inputs only: it leaves out the capacity plan, 2 agent lines"
    """
    if not lost:
        return "The main inputs are in this page's address: copy it from the browser to share the same view."
    return (
        f"This page's address carries the main inputs only: it leaves out {', '.join(lost)}. "
        "To share everything, send the scenario file (Business case page, Scenario (JSON))."
    )
