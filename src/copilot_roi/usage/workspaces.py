"""Workspaces: each workspace's usage billed and right-sized on its own capacity, and the tenant's total.

Microsoft runs capacity per workspace: SCUs are not shared across workspaces (``pricing.md``,
"Capacity scope"), and agents are routed to a workspace per product. An export with a workspace
column is split into one hourly series per workspace, every one on the dataset's own hours (the
same first hour and length), so the workspaces' series add up to the tenant's hour by hour and
their bills add up to the total. Without a workspace column the export is one workspace
(``DEFAULT_WORKSPACE``), billed exactly as before.

The E5/E7 pool is tenant-wide: one monthly pool, however many capacities the tenant runs.
``pricing.md`` does not say how Microsoft splits it between workspaces; the choice made here is
that the pool serves the tenant's demand first, in time order, exactly as it does for one
workspace, and each hour's draw is shared among the workspaces in proportion to their demand in
that hour. Each workspace's capacity then serves the rest of its own demand. The pool used is
therefore the same with one workspace or many, and the workspaces' draws sum to the tenant's.

>>> import datetime as dt
>>> from copilot_roi.plans import CapacityPlan
>>> from copilot_roi.pricebook import list_prices
>>> from copilot_roi.usage.ingest import IngestOptions, ingest_files
>>> csv = b'Date,Units used,Workspace\\n"Sept 10, 08:30 AM",1.5,SOC\\n"Sept 10, 08:40 AM",0.5,Identity\\n'
>>> data = ingest_files([("u.csv", csv)], IngestOptions(as_of=dt.date(2026, 11, 1)))
>>> billing = bill_workspaces(split_by_workspace(data), {}, list_prices(), CapacityPlan(provisioned_scu=1))
>>> [(b.workspace.name, b.result.totals.overage_units) for b in billing.bills], billing.total.total_cost
([('Identity', 0.0), ('SOC', 0.0)], 192.0)
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from copilot_roi.billing import BillingResult, BillingTotals, bill, pool_draw
from copilot_roi.handoff import HandOff, hand_off
from copilot_roi.hourly import FloatArray, HourlySeries
from copilot_roi.optimizer import OptimizationResult, optimize
from copilot_roi.plans import CapacityPlan, e5_allowance_scu_per_month
from copilot_roi.pricebook import Prices
from copilot_roi.usage.analytics import count_sessions
from copilot_roi.usage.headers import DEFAULT_WORKSPACE
from copilot_roi.usage.ingest import UsageDataset

_HOUR_NS = 3_600_000_000_000
_BUDGET_NAME_CHARACTERS = re.compile(r"[^A-Za-z0-9_-]+")
# 40 + a clash suffix + the default budget prefix stays within Azure's 63 characters.
_SLUG_CHARACTERS = 40


@dataclass(frozen=True)
class WorkspaceUsage:
    """One workspace's rows in the export and its SCUs per clock hour on the dataset's hours."""

    name: str
    rows: int
    sessions: int
    units_scu: float
    series: HourlySeries

    @property
    def peak_hour(self) -> pd.Timestamp:
        return self.series.index[int(np.argmax(self.series.units_scu))]

    @property
    def peak_hour_units(self) -> float:
        return float(self.series.units_scu.max())

    def as_dict(self) -> dict[str, Any]:
        return {
            "workspace": self.name,
            "rows": self.rows,
            "sessions": self.sessions,
            "units": round(self.units_scu, 6),
            "peak_hour": self.peak_hour.isoformat(),
            "peak_hour_units": round(self.peak_hour_units, 6),
        }


def workspace_column(frame: pd.DataFrame) -> pd.Series:
    """Each row's workspace (the default workspace for a frame built without the column)."""
    if "workspace" in frame.columns:
        return frame["workspace"]
    return pd.Series(DEFAULT_WORKSPACE, index=frame.index, name="workspace")


def workspace_names(frame: pd.DataFrame) -> list[str]:
    """The workspaces that hold rows, sorted by name."""
    return sorted({str(name) for name in pd.unique(workspace_column(frame).astype(str))})


def split_by_workspace(dataset: UsageDataset) -> list[WorkspaceUsage]:
    """One :class:`WorkspaceUsage` per workspace, sorted by name; the series sum to ``dataset.hourly``."""
    frame = dataset.frame
    start = dataset.hourly.start
    hours = dataset.hourly.hours
    names = workspace_names(frame)
    codes = pd.Categorical(workspace_column(frame).astype(str), categories=names).codes.astype(np.int64)
    utc_ns = pd.DatetimeIndex(frame["started_at"]).as_unit("ns").asi8
    # The same hour positions as the dataset's series (``bucketing.hourly_series``).
    position = (utc_ns - start.value) // _HOUR_NS
    units = frame["units_scu"].to_numpy(dtype=np.float64)
    grid = np.bincount(codes * hours + position, weights=units, minlength=len(names) * hours)
    per_hour = grid.reshape(len(names), hours)
    rows = np.bincount(codes, minlength=len(names))
    result = []
    for i, name in enumerate(names):
        mask = codes == i
        result.append(
            WorkspaceUsage(
                name=name,
                rows=int(rows[i]),
                sessions=count_sessions(frame.loc[mask]),
                units_scu=float(units[mask].sum()),
                series=HourlySeries(start, per_hour[i], dataset.hourly.month_basis),
            )
        )
    return result


def scaled(workspaces: Sequence[WorkspaceUsage], growth_pct: float) -> list[WorkspaceUsage]:
    """Every workspace's usage grown by ``growth_pct`` percent (the optimizer's ``--growth``)."""
    if growth_pct <= -100:
        raise ValueError("growth must be above -100 percent")
    factor = 1 + growth_pct / 100
    return [
        dataclasses.replace(
            w,
            units_scu=w.units_scu * factor,
            series=HourlySeries(w.series.start, w.series.units_scu * factor, w.series.month_basis),
        )
        for w in workspaces
    ]


def shared_pool(workspaces: Sequence[WorkspaceUsage], e5_licences: int, prices: Prices) -> list[FloatArray]:
    """Each workspace's hourly draw on the tenant's one E5/E7 pool (see the module docstring).

    >>> from copilot_roi.pricebook import list_prices
    >>> start = pd.Timestamp("2026-01-05", tz="UTC")
    >>> a = WorkspaceUsage("A", 2, 2, 400.0, HourlySeries(start, np.array([300.0, 100.0])))
    >>> b = WorkspaceUsage("B", 1, 1, 100.0, HourlySeries(start, np.array([100.0, 0.0])))
    >>> [d.tolist() for d in shared_pool([a, b], 1000, list_prices())]  # a pool of 400 SCUs
    [[300.0, 0.0], [100.0, 0.0]]
    """
    allowance = e5_allowance_scu_per_month(
        e5_licences, prices.e5_allowance_scu_per_licence_month, prices.e5_allowance_cap_scu_month
    )
    if not workspaces:
        return []
    tenant = np.sum([w.series.units_scu for w in workspaces], axis=0)
    month_ids, _ = workspaces[0].series.month_ids()
    drawn = pool_draw(tenant, month_ids, allowance)
    share = np.divide(drawn, tenant, out=np.zeros_like(tenant), where=tenant > 0)
    # A share of 1 gives the whole demand, with no float noise above it.
    return [np.minimum(w.series.units_scu * share, w.series.units_scu) for w in workspaces]


def plans_for(
    names: Sequence[str], plans: Mapping[str, CapacityPlan], default: CapacityPlan | None
) -> dict[str, CapacityPlan]:
    """A plan for each workspace: its own from ``plans``, else ``default``.

    Raises ``ValueError`` naming a plan for a workspace the export does not hold, or a
    workspace left without a plan, or plans that disagree on the tenant-wide E5/E7 licences.
    """
    unknown = sorted(set(plans) - set(names))
    if unknown:
        raise ValueError(f"no workspace called {unknown[0]!r} in the usage (workspaces: {', '.join(names)})")
    chosen: dict[str, CapacityPlan] = {}
    for name in names:
        plan = plans.get(name, default)
        if plan is None:
            raise ValueError(f"workspace {name!r} has no plan; give it one or a plan for every workspace")
        chosen[name] = plan
    licences = {p.e5_licences for p in chosen.values()}
    if len(licences) > 1:
        raise ValueError("the E5/E7 pool is tenant-wide: every workspace's plan must carry the same licences")
    return chosen


@dataclass(frozen=True)
class WorkspaceBill:
    workspace: WorkspaceUsage
    plan: CapacityPlan
    pool_scu: FloatArray  # this workspace's hourly draw on the tenant's pool
    result: BillingResult

    @property
    def cost_per_scu(self) -> float:
        """The workspace's bill per SCU it used (its chargeback rate); 0 with no usage."""
        used = self.workspace.units_scu
        return self.result.totals.total_cost / used if used > 0 else 0.0

    def as_dict(self) -> dict[str, Any]:
        t = self.result.totals
        return {
            **self.workspace.as_dict(),
            "plan": self.plan.describe(),
            "pool_units_used": t.pool_units_used,
            "provisioned_cost": round(t.provisioned_cost, 2),
            "overage_units": round(t.overage_units, 1),
            "overage_cost": round(t.overage_cost, 2),
            "throttled_units": round(t.throttled_units, 3),
            "total_cost": round(t.total_cost, 2),
            "cost_per_scu": round(self.cost_per_scu, 4),
        }


@dataclass(frozen=True)
class WorkspaceBilling:
    """Each workspace's bill under its own plan, and the tenant's total (their sum)."""

    bills: tuple[WorkspaceBill, ...]
    total: BillingTotals

    def as_dict(self) -> dict[str, Any]:
        t = self.total
        return {
            "workspaces": [b.as_dict() for b in self.bills],
            "total": {
                "consumed_units": t.consumed_units,
                "pool_allowance_units": t.pool_allowance_units,
                "pool_units_used": t.pool_units_used,
                "provisioned_scu_hours": t.provisioned_scu_hours,
                "provisioned_cost": round(t.provisioned_cost, 2),
                "overage_units": round(t.overage_units, 1),
                "overage_cost": round(t.overage_cost, 2),
                "throttled_units": round(t.throttled_units, 3),
                "total_cost": round(t.total_cost, 2),
                "currency": t.currency,
            },
        }


def bill_workspaces(
    workspaces: Sequence[WorkspaceUsage],
    plans: Mapping[str, CapacityPlan],
    prices: Prices,
    default: CapacityPlan | None = None,
) -> WorkspaceBilling:
    """Bill each workspace on its own capacity (``plans``, else ``default``), sharing one pool.

    The total sums the workspaces' bills; the pool's allowance counts once (it is the tenant's),
    its peak hour is the tenant's busiest hour, and its hours above the warning level count
    workspace-hours (a workspace near its capacity is warned whatever the others do).
    """
    if not workspaces:
        raise ValueError("no workspaces to bill")
    chosen = plans_for([w.name for w in workspaces], plans, default)
    licences = next(iter(chosen.values())).e5_licences
    draws = shared_pool(workspaces, licences, prices)
    bills = tuple(
        WorkspaceBill(w, chosen[w.name], draw, bill(w.series, chosen[w.name], prices, draw))
        for w, draw in zip(workspaces, draws, strict=True)
    )
    return WorkspaceBilling(bills=bills, total=_sum_totals([b.result.totals for b in bills], workspaces))


def _sum_totals(totals: Sequence[BillingTotals], workspaces: Sequence[WorkspaceUsage]) -> BillingTotals:
    first = totals[0]
    tenant = np.sum([w.series.units_scu for w in workspaces], axis=0)

    def total(field: str, places: int) -> float:
        return float(round(sum(getattr(t, field) for t in totals), places))

    return BillingTotals(
        hours=first.hours,
        months=first.months,
        currency=first.currency,
        consumed_units=total("consumed_units", 6),
        pool_allowance_units=first.pool_allowance_units,
        pool_units_used=total("pool_units_used", 6),
        provisioned_scu_hours=total("provisioned_scu_hours", 6),
        provisioned_cost=total("provisioned_cost", 4),
        overage_units=total("overage_units", 6),
        overage_cost=total("overage_cost", 4),
        throttled_units=total("throttled_units", 6),
        total_cost=total("total_cost", 4),
        peak_hour_units=float(round(float(tenant.max()), 6)),
        hours_over_warning=sum(t.hours_over_warning for t in totals),
    )


@dataclass(frozen=True)
class WorkspaceSizing:
    workspace: WorkspaceUsage
    result: OptimizationResult


def optimize_workspaces(
    workspaces: Sequence[WorkspaceUsage],
    prices: Prices,
    current: Mapping[str, CapacityPlan] | None = None,
    throttle_budget_units: float = 0.0,
    e5_licences: int = 0,
    allow_off_hours_deletion: bool = False,
    e5_pay_as_you_go: bool | None = None,
) -> list[WorkspaceSizing]:
    """Right-size each workspace's capacity on its own demand after its share of the pool.

    The throttling budget applies to each workspace (a budget of 0, the default, refuses no one
    anywhere); the recommended total is the sum of the workspaces' recommendations.
    """
    draws = shared_pool(workspaces, e5_licences, prices)
    current = current or {}
    return [
        WorkspaceSizing(
            w,
            optimize(
                w.series,
                prices,
                current_plan=current.get(w.name),
                throttle_budget_units=throttle_budget_units,
                e5_licences=e5_licences,
                allow_off_hours_deletion=allow_off_hours_deletion,
                e5_pay_as_you_go=e5_pay_as_you_go,
                pool_scu=draw,
            ),
        )
        for w, draw in zip(workspaces, draws, strict=True)
    ]


def budget_name_for(workspace: str, prefix: str = "security-copilot") -> str:
    """An Azure budget name for a workspace's capacity (letters, digits, ``-`` and ``_``; <= 63).

    >>> budget_name_for("SOC (EU) – Paris")
    'security-copilot-SOC-EU-Paris'
    """
    slug = _BUDGET_NAME_CHARACTERS.sub("-", workspace).strip("-") or "workspace"
    return f"{prefix}-{slug}"[:63].rstrip("-")


def workspace_slugs(names: Sequence[str]) -> dict[str, str]:
    """A distinct, safe name part per workspace: for its budget's name and its folder of files.

    Letters, digits, ``-`` and ``_`` only (no ``/``, no ``..``: a workspace name is the export's
    text, and a folder named after it must stay inside the folder it is written to), at most
    ``_SLUG_CHARACTERS`` long, and distinct ignoring case (a case-insensitive file system would
    otherwise merge two workspaces' folders): a clash takes ``-2``, ``-3``... in name order.

    >>> workspace_slugs(["../../etc", "SOC (EU)", "SOC-EU", "soc-eu", "..."])
    {'../../etc': 'etc', 'SOC (EU)': 'SOC-EU', 'SOC-EU': 'SOC-EU-2', 'soc-eu': 'soc-eu-3', '...': 'workspace'}
    """
    slugs: dict[str, str] = {}
    taken: set[str] = set()
    for name in names:
        base = _BUDGET_NAME_CHARACTERS.sub("-", name).strip("-")[:_SLUG_CHARACTERS].rstrip("-") or "workspace"
        slug, clash = base, 1
        while slug.lower() in taken:
            clash += 1
            slug = f"{base}-{clash}"
        taken.add(slug.lower())
        slugs[name] = slug
    return slugs


def workspace_handoffs(
    billing: WorkspaceBilling,
    prices: Prices,
    start_date: dt.date | None = None,
    contact_emails: tuple[str, ...] = (),
    today: dt.date | None = None,
    budget_prefix: str = "security-copilot",
) -> dict[str, HandOff]:
    """One hand-off (budget, schedule, script) per workspace capacity, named after the workspace.

    Each budget prices the workspace's own capacity and the overage its demand after its share
    of the tenant's pool caused; the pool itself is billed to no one. A workspace whose plan has
    no capacity of its own (the E5/E7 pool alone) gets no hand-off: there is nothing to budget
    or schedule. Budget names are ``budget_prefix`` and the workspace's slug
    (:func:`workspace_slugs`), so no two workspaces' budgets share a name.
    """
    slugs = workspace_slugs([b.workspace.name for b in billing.bills])
    result: dict[str, HandOff] = {}
    for b in billing.bills:
        if b.plan.schedule is None and b.plan.provisioned_scu == 0:
            continue
        after_pool = HourlySeries(
            b.workspace.series.start,
            np.maximum(b.workspace.series.units_scu - b.pool_scu, 0.0),
            b.workspace.series.month_basis,
        )
        # The pool is already drawn from ``after_pool``: the budget's plan must not draw it again.
        plan = b.plan.model_copy(update={"e5_licences": 0})
        result[b.workspace.name] = hand_off(
            plan,
            prices,
            usage=after_pool,
            start_date=start_date,
            budget_name=budget_name_for(slugs[b.workspace.name], budget_prefix),
            contact_emails=contact_emails,
            today=today,
        )
    return result
