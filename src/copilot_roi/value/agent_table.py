"""Agent lines as tables: the editable table the page shows, and the per-run figures of a result.

The editor's rows become validated ``AgentLine`` objects here (the page only draws); a value set
outside its band widens the band, as a role's widgets do. Bad rows raise ``ValueError`` naming
the row (1-based, as shown) and the column.

>>> from copilot_roi.value.agent_lines import preset_line
>>> table = lines_table([preset_line("phishing_triage")])
>>> lines_from_table(table) == [preset_line("phishing_triage")]
True
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
from pydantic import ValidationError

from copilot_roi.value.agent_lines import AgentLineResult
from copilot_roi.value.scenario import AgentLine

# Editor column -> (label, the AgentLine field it fills). Bands are two columns each.
EDITOR_COLUMNS: dict[str, str] = {
    "agent": "Agent",
    "runs_per_month": "Runs a month",
    "scu_per_run": "SCUs per run",
    "scu_per_run_low": "SCUs per run, low",
    "scu_per_run_high": "SCUs per run, high",
    "analyst_minutes_avoided_per_run": "Analyst minutes avoided per run",
    "minutes_low": "Minutes, low",
    "minutes_high": "Minutes, high",
    "loaded_cost_per_hour": "Cost per hour (blank: the role's it takes over)",
    "takes_over": "Takes over (role)",
    "runs_during": "Runs during",
    "source": "Source",
}
# The editor's word for a line taking over nobody's work (``takes_over`` None): it frees no hours.
NOBODY = "nobody (new work)"
_BANDS = {"scu_per_run": ("scu_per_run_low", "scu_per_run_high"),
          "analyst_minutes_avoided_per_run": ("minutes_low", "minutes_high")}  # fmt: skip


def lines_table(lines: list[AgentLine]) -> pd.DataFrame:
    """One editor row per line (engine column names; the page labels them)."""
    rows = [
        {
            "agent": line.agent,
            "runs_per_month": line.runs_per_month,
            "scu_per_run": line.scu_per_run,
            "scu_per_run_low": line.ranges.scu_per_run.low,
            "scu_per_run_high": line.ranges.scu_per_run.high,
            "analyst_minutes_avoided_per_run": line.analyst_minutes_avoided_per_run,
            "minutes_low": line.ranges.analyst_minutes_avoided_per_run.low,
            "minutes_high": line.ranges.analyst_minutes_avoided_per_run.high,
            "loaded_cost_per_hour": line.loaded_cost_per_hour,
            "takes_over": NOBODY if line.takes_over is None else line.takes_over,
            "runs_during": line.runs_during,
            "source": line.source,
        }
        for line in lines
    ]
    frame = pd.DataFrame(rows, columns=list(EDITOR_COLUMNS))
    return frame.astype({"loaded_cost_per_hour": "float64"})


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or str(value).strip() == ""


def _number(row: int, column: str, value: Any) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"agent row {row}, {EDITOR_COLUMNS[column]}: {value!r} is not a number") from None
    if not math.isfinite(number):
        raise ValueError(f"agent row {row}, {EDITOR_COLUMNS[column]}: needs a finite number")
    return number


def lines_from_table(table: pd.DataFrame) -> list[AgentLine]:
    """Validated lines from the editor's rows; rows left entirely blank are skipped.

    A value outside its band widens the band; a blank band end takes the value. Raises
    ``ValueError`` naming the row and column of the first problem.
    """
    lines = []
    for position, record in enumerate(table.to_dict("records"), start=1):
        if all(_blank(v) for v in record.values()):
            continue
        if _blank(record.get("agent")):
            raise ValueError(f"agent row {position}, {EDITOR_COLUMNS['agent']}: needs a name")
        # The name is kept verbatim (a file's name must survive the page); the model refuses blanks.
        data: dict[str, Any] = {"agent": str(record["agent"]), "ranges": {}}
        for name in ("runs_per_month", "scu_per_run", "analyst_minutes_avoided_per_run"):
            if _blank(record.get(name)):
                raise ValueError(f"agent row {position}, {EDITOR_COLUMNS[name]}: needs a number")
            data[name] = _number(position, name, record[name])
        for name, (low_column, high_column) in _BANDS.items():
            value = data[name]
            low = (
                value if _blank(record.get(low_column)) else _number(position, low_column, record[low_column])
            )
            high = (
                value
                if _blank(record.get(high_column))
                else _number(position, high_column, record[high_column])
            )
            data["ranges"][name] = {"low": min(low, value), "high": max(high, value)}
        cost = record.get("loaded_cost_per_hour")
        data["loaded_cost_per_hour"] = (
            None if _blank(cost) else _number(position, "loaded_cost_per_hour", cost)
        )
        owner = record.get("takes_over")
        if isinstance(owner, str) and owner:
            # Blank keeps the model's default (SOC work); an unknown role is refused by the model.
            data["takes_over"] = None if owner == NOBODY else owner
        if isinstance(record.get("runs_during"), str) and record["runs_during"]:
            data["runs_during"] = str(record["runs_during"])
        source = record.get("source")
        # A new row's empty cell is None; text (even empty) is the user's and kept as written.
        data["source"] = "user input" if source is None or isinstance(source, float) else str(source)
        try:
            lines.append(AgentLine.model_validate(data))
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(map(str, first["loc"])) or "line"
            raise ValueError(f"agent row {position}, {where}: {first['msg']}") from None
    return lines


def per_run_table(lines: tuple[AgentLineResult, ...]) -> pd.DataFrame:
    """Per agent: runs, SCUs per run, cost per run (marginal capacity cost) against the manual cost
    per run, hours freed over the horizon. Agent names are text: writers make them safe."""
    return pd.DataFrame(
        [
            {
                "agent": line.agent,
                "runs_per_month": line.runs_per_month,
                "scu_per_run": line.scu_per_run,
                "cost_per_run": line.cost_per_run,
                "manual_cost_per_run": line.manual_cost_per_run,
                "hours_freed": line.total_hours_freed,
            }
            for line in lines
        ],
        columns=[
            "agent",
            "runs_per_month",
            "scu_per_run",
            "cost_per_run",
            "manual_cost_per_run",
            "hours_freed",
        ],
    )
