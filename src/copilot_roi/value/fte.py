"""Freed hours read as analyst FTEs, and what hiring that many analysts would cost.

* ``ftes`` = hours freed over the horizon / years in the horizon / ``hours_per_fte_year``: the
  average number of full-time analysts whose hours Copilot frees each year (served work only).
* ``weighted_cost_per_hour`` = each role's loaded cost per hour weighted by the hours it frees.
* ``hiring_cost_per_year`` = ``ftes`` x ``hours_per_fte_year`` x ``weighted_cost_per_hour``:
  what a year of that many analysts at the roles' loaded cost would cost (before any
  realisation rate: it prices the hours, it does not claim them as value).

>>> v = fte_view({"soc": 3600.0, "ti": 1800.0}, {"soc": 50.0, "ti": 80.0}, 12, 1800.0)
>>> v.ftes, v.weighted_cost_per_hour, v.hiring_cost_per_year
(3.0, 60.0, 324000.0)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

HOURS_PER_FTE_YEAR_DEFAULT = 1_800.0


@dataclass(frozen=True)
class FteView:
    hours_per_fte_year: float
    ftes: float
    weighted_cost_per_hour: float
    hiring_cost_per_year: float

    def sentence(self, currency: str) -> str:
        """How the figures are computed, in words a reader can check."""
        return (
            f"{self.ftes:,.1f} analyst FTEs freed on average per year (hours freed / years / "
            f"{self.hours_per_fte_year:,.0f} h per FTE); hiring them would cost "
            f"{currency} {self.hiring_cost_per_year:,.0f} a year (FTEs x {self.hours_per_fte_year:,.0f} h x "
            f"{currency} {self.weighted_cost_per_hour:,.2f}/h, the roles' loaded cost weighted by "
            "hours freed)."
        )


def fte_view(
    hours_freed_by_role: Mapping[str, float],
    loaded_cost_per_hour_by_role: Mapping[str, float],
    horizon_months: int,
    hours_per_fte_year: float,
) -> FteView:
    """The FTE reading of ``hours_freed_by_role`` (totals over the horizon), see the module doc."""
    if hours_per_fte_year <= 0:
        raise ValueError("hours_per_fte_year must be above 0")
    hours = sum(hours_freed_by_role.values())
    years = horizon_months / 12
    weighted = (
        sum(h * loaded_cost_per_hour_by_role[r] for r, h in hours_freed_by_role.items()) / hours
        if hours > 0
        else 0.0
    )
    ftes = hours / years / hours_per_fte_year
    return FteView(
        hours_per_fte_year=hours_per_fte_year,
        ftes=ftes,
        weighted_cost_per_hour=weighted,
        hiring_cost_per_year=ftes * hours_per_fte_year * weighted,
    )
