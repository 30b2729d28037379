"""The pages' finance inputs: widget values of the finance block, and line tables to and from a scenario.

The Value scenarios page edits the convention, the risk shares, the hours per FTE and the other
lines; this module turns those widget values and edited table rows into a validated scenario
(and a scenario back into widget values), so the page holds no parsing of its own. A line's
``per_year`` is typed as amounts separated by commas or semicolons (``"12000, 24000"``).

>>> from copilot_roi.value.scenario import scenario_template
>>> rows = [{"name": "Retired tool", "per_year": "12000; 24000", "source": "quote"}]
>>> with_finance(scenario_template(), {}, rows, []).other_benefits[0].per_year
[12000.0, 24000.0]
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

from copilot_roi.value.extra_lines import OtherBenefit, OtherCost
from copilot_roi.value.scenario import Scenario

CONVENTION_KEY = "fin_convention"
RISK_BENEFITS_KEY = "fin_risk_benefits_pct"
RISK_COSTS_KEY = "fin_risk_costs_pct"
FTE_HOURS_KEY = "fin_fte_hours"
BENEFIT_COLUMNS = ("name", "per_year", "source", "band_low", "band_high")
COST_COLUMNS = ("name", "one_off", "per_year", "source", "band_low", "band_high")


def finance_widget_values(scenario: Scenario) -> dict[str, Any]:
    """The finance inputs' values (by input name) that show ``scenario``."""
    risk = scenario.finance.risk_adjustment
    return {
        CONVENTION_KEY: scenario.finance.convention,
        RISK_BENEFITS_KEY: round(risk.benefits * 100, 6),
        RISK_COSTS_KEY: round(risk.costs * 100, 6),
        FTE_HOURS_KEY: float(scenario.hours_per_fte_year),
    }


def line_table(lines: Sequence[OtherBenefit | OtherCost]) -> list[dict[str, Any]]:
    """Rows for a table editor: per_year as text, the band as two optional multipliers."""
    rows = []
    for line in lines:
        row: dict[str, Any] = {"name": line.name}
        if isinstance(line, OtherCost):
            row["one_off"] = line.one_off
        row |= {
            "per_year": ", ".join(f"{amount:g}" for amount in line.per_year),
            "source": line.source,
            "band_low": line.band.low if line.band else None,
            "band_high": line.band.high if line.band else None,
        }
        rows.append(row)
    return rows


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or str(value).strip() == ""


def _number(field: str, where: str, value: Any) -> float:
    if (
        isinstance(value, str)
        and "," in value
        and not re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?", value.strip())
    ):
        raise ValueError(f"{where}.{field}: {value[:40]!r}: separate years with ';' (or ', ')")
    try:
        number = float(str(value).replace(",", "").strip()) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{where}.{field}: {str(value)[:40]!r} is not a number") from None
    if not math.isfinite(number):
        raise ValueError(f"{where}.{field}: {number} is not a finite number")
    return number


def parse_lines(field: str, rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Edited table rows as scenario line dicts; fully blank rows are dropped.

    Raises ``ValueError`` naming ``field[i].column`` (``i`` counts from 0, as in the JSON) when a
    number cannot be read; the scenario model checks everything else.
    """
    lines = []
    for i, row in enumerate(rows):
        if all(_blank(v) for v in row.values()):
            continue
        where = f"{field}[{i}]"
        text = "" if _blank(row.get("per_year")) else str(row["per_year"])
        amounts = [
            _number("per_year", where, part) for part in re.split(r"[;\s]+|,\s+", text.strip()) if part
        ]
        line: dict[str, Any] = {
            "name": "" if _blank(row.get("name")) else str(row["name"]),
            "per_year": amounts,
            "source": "" if _blank(row.get("source")) else str(row["source"]),
        }
        if "one_off" in row:
            line["one_off"] = 0.0 if _blank(row["one_off"]) else _number("one_off", where, row["one_off"])
        low, high = row.get("band_low"), row.get("band_high")
        if not (_blank(low) and _blank(high)):
            line["band"] = {
                "low": 1.0 if _blank(low) else _number("band_low", where, low),
                "high": 1.0 if _blank(high) else _number("band_high", where, high),
            }
        lines.append(line)
    return lines


def with_finance(
    scenario: Scenario,
    values: Mapping[str, Any],
    benefit_rows: Sequence[Mapping[str, Any]] | None,
    cost_rows: Sequence[Mapping[str, Any]] | None,
) -> Scenario:
    """``scenario`` with the finance widgets' values and the edited lines (None: keep its lines).

    Raises ``ValueError`` (a ``pydantic.ValidationError`` for the model's checks) naming the field.
    """
    data = scenario.model_dump()
    shown = finance_widget_values(scenario)
    data["finance"] = {
        "convention": str(values.get(CONVENTION_KEY, shown[CONVENTION_KEY])),
        "risk_adjustment": {
            "benefits": float(values.get(RISK_BENEFITS_KEY, shown[RISK_BENEFITS_KEY])) / 100,
            "costs": float(values.get(RISK_COSTS_KEY, shown[RISK_COSTS_KEY])) / 100,
        },
    }
    data["hours_per_fte_year"] = float(values.get(FTE_HOURS_KEY, shown[FTE_HOURS_KEY]))
    if benefit_rows is not None:
        data["other_benefits"] = parse_lines("other_benefits", benefit_rows)
    if cost_rows is not None:
        data["other_costs"] = parse_lines("other_costs", cost_rows)
    if data != scenario.model_dump():
        data["preset"] = "custom"
    return Scenario.model_validate(data)
