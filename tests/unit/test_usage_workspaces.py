"""Workspaces: an export with a workspace column bills each workspace on its own capacity.

The fixture holds one Monday (2 Nov 2026, UTC, 24 clock hours) of two workspaces:

* SOC: 09:10 1.5 SCU, 09:40 0.8 SCU (hour 9: 2.3), 14:05 0.6 SCU.
* Identity: 09:20 3.7 SCU (hour 9), 16:30 2.0 and 16:50 0.45 SCU (hour 16: 2.45).

Bills by hand, at list prices ($4 per provisioned SCU-hour, $6 per overage SCU):

* SOC on 1 SCU, unlimited overage: 24 x 1 x 4 = 96; hour 9 overage 2.3 - 1 = 1.3 -> 7.80;
  total 103.80.
* Identity on 2 SCU, overage capped at 1 SCU/h: 24 x 2 x 4 = 192; hour 9 excess 1.7 -> 1.0
  overage, 0.7 throttled; hour 16 excess 0.45 -> 0.5 (half up to 0.1); overage 1.5 -> 9.00;
  total 201.00.
* Total 304.80; throttled 0.7; consumed 2.9 + 6.15 = 9.05.

With 10 E5 licences the tenant's pool holds 4 SCUs for November. In time order it meets hour 9
first (6.0 SCU for the tenant) and gives it 4.0, shared 2.3 : 3.7 -> SOC 1.5333, Identity
2.4667; it is empty after. SOC's hour 9 leaves 0.7667 (< 1, no overage): 96.00. Identity's
hour 9 leaves 1.2333 (< 2): no overage; hour 16 still 0.5 overage: 192 + 3 = 195.00. Total 291.00.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from copilot_roi.billing import bill
from copilot_roi.plans import CapacityPlan
from copilot_roi.pricebook import list_prices
from copilot_roi.usage import IngestOptions, ingest_files
from copilot_roi.usage.chargeback import chargeback
from copilot_roi.usage.headers import DEFAULT_WORKSPACE
from copilot_roi.usage.workspaces import (
    bill_workspaces,
    optimize_workspaces,
    plans_for,
    split_by_workspace,
    workspace_handoffs,
)
from tests.unit.usage_builders import AS_OF, HEADER, portal_date, record, sample_records, to_csv

DAY = dt.datetime(2026, 11, 2)
SOC_PLAN = CapacityPlan(provisioned_scu=1, overage="unlimited")
IDENTITY_PLAN = CapacityPlan(provisioned_scu=2, overage="capped", overage_cap_scu_per_hour=1.0)


def _row(hour: int, minute: int, units: float, workspace: str, session: str) -> list[object]:
    return [*record(DAY.replace(hour=hour, minute=minute), units, session=session), workspace]


def two_workspace_export(header: str = "Workspace") -> bytes:
    rows = [
        _row(9, 10, 1.5, "SOC", "s-1"),
        _row(9, 20, 3.7, "Identity", "s-2"),
        _row(9, 40, 0.8, "SOC", "s-3"),
        _row(14, 5, 0.6, "SOC", "s-4"),
        _row(16, 30, 2.0, "Identity", "s-5"),
        _row(16, 50, 0.45, "Identity", "s-6"),
    ]
    return to_csv(rows, header=[*HEADER, header])


def _dataset(data: bytes, name: str = "workspaces.csv"):  # type: ignore[no-untyped-def]
    return ingest_files([(name, data)], IngestOptions(as_of=AS_OF))


@pytest.mark.parametrize("header", ["Workspace", "Workspace name", "workspace_name", "WorkspaceId"])
def test_workspace_header_matched_loosely(header: str) -> None:
    data = _dataset(two_workspace_export(header))
    assert sorted(set(data.frame["workspace"].astype(str))) == ["Identity", "SOC"]


def test_no_workspace_column_is_one_default_workspace_billed_as_before() -> None:
    data = _dataset(to_csv(sample_records(40)))
    assert set(data.frame["workspace"].astype(str)) == {DEFAULT_WORKSPACE}
    (only,) = split_by_workspace(data)
    np.testing.assert_array_equal(only.series.units_scu, data.hourly.units_scu)
    prices = list_prices()
    billing = bill_workspaces([only], {}, prices, SOC_PLAN)
    assert billing.total == bill(data.hourly, SOC_PLAN, prices).totals


def test_hostile_workspace_names_are_cleaned_and_blank_is_default() -> None:
    rows = [
        _row(9, 0, 1.0, " SOC\x07 ", "s-1"),
        _row(10, 0, 1.0, "SOC", "s-2"),
        _row(11, 0, 1.0, "", "s-3"),
        _row(12, 0, 1.0, "=HYPERLINK(1)", "s-4"),
    ]
    data = _dataset(to_csv(rows, header=[*HEADER, "Workspace"]))
    assert list(data.frame["workspace"].astype(str)) == ["SOC", "SOC", DEFAULT_WORKSPACE, "=HYPERLINK(1)"]
    # Kept as read (a name, like a user's); exporters neutralise it like any text cell.
    result = chargeback(data.frame, None, cost_per_scu=1.0)
    assert dict(zip(result.by_workspace["workspace"], result.by_workspace["units_scu"], strict=True)) == {
        "SOC": 2.0,
        DEFAULT_WORKSPACE: 1.0,
        "=HYPERLINK(1)": 1.0,
    }


def test_split_keeps_the_datasets_hours() -> None:
    data = _dataset(two_workspace_export())
    identity, soc = split_by_workspace(data)
    assert (identity.name, soc.name) == ("Identity", "SOC")
    assert identity.series.hours == soc.series.hours == data.hourly.hours == 24
    assert (soc.rows, soc.sessions, round(soc.units_scu, 6)) == (3, 3, 2.9)
    assert soc.peak_hour.hour == 9 and round(soc.peak_hour_units, 6) == 2.3
    assert identity.peak_hour.hour == 9 and round(identity.peak_hour_units, 6) == 3.7
    np.testing.assert_allclose(identity.series.units_scu + soc.series.units_scu, data.hourly.units_scu)


def test_each_workspace_billed_on_its_own_capacity_by_hand() -> None:
    workspaces = split_by_workspace(_dataset(two_workspace_export()))
    billing = bill_workspaces(workspaces, {"SOC": SOC_PLAN, "Identity": IDENTITY_PLAN}, list_prices())
    by_name = {b.workspace.name: b.result.totals for b in billing.bills}
    soc, identity = by_name["SOC"], by_name["Identity"]
    assert (soc.provisioned_cost, soc.overage_units, soc.overage_cost, soc.total_cost) == (
        96.0,
        1.3,
        7.8,
        103.8,
    )
    assert (identity.provisioned_cost, identity.overage_units, identity.throttled_units) == (192.0, 1.5, 0.7)
    assert (identity.overage_cost, identity.total_cost) == (9.0, 201.0)
    total = billing.total
    assert (total.total_cost, total.provisioned_cost, total.overage_cost) == (304.8, 288.0, 16.8)
    assert (total.consumed_units, total.throttled_units, total.peak_hour_units) == (9.05, 0.7, 6.0)


def test_tenant_pool_is_shared_by_hand() -> None:
    workspaces = split_by_workspace(_dataset(two_workspace_export()))
    plans = {
        "SOC": SOC_PLAN.model_copy(update={"e5_licences": 10}),
        "Identity": IDENTITY_PLAN.model_copy(update={"e5_licences": 10}),
    }
    billing = bill_workspaces(workspaces, plans, list_prices())
    by_name = {b.workspace.name: b.result.totals for b in billing.bills}
    assert round(by_name["SOC"].pool_units_used, 4) == 1.5333
    assert round(by_name["Identity"].pool_units_used, 4) == 2.4667
    assert (by_name["SOC"].total_cost, by_name["Identity"].total_cost) == (96.0, 195.0)
    assert (billing.total.pool_units_used, billing.total.pool_allowance_units) == (4.0, 4.0)
    assert billing.total.total_cost == 291.0


def test_pool_licences_must_agree() -> None:
    with pytest.raises(ValueError, match="tenant-wide"):
        plans_for(["A", "B"], {"A": SOC_PLAN.model_copy(update={"e5_licences": 10})}, SOC_PLAN)
    with pytest.raises(ValueError, match="no workspace called 'C'"):
        plans_for(["A", "B"], {"C": SOC_PLAN}, SOC_PLAN)
    with pytest.raises(ValueError, match="'B' has no plan"):
        plans_for(["A", "B"], {"A": SOC_PLAN}, None)


def test_right_sizing_per_workspace_by_hand() -> None:
    workspaces = split_by_workspace(_dataset(two_workspace_export()))
    sizing = {s.workspace.name: s.result.recommended for s in optimize_workspaces(workspaces, list_prices())}
    # SOC: 1 SCU with unlimited overage (103.80) beats 3 SCU (288) and any schedule.
    assert sizing["SOC"].description == "1 SCU 24x7, unlimited overage"
    assert round(sizing["SOC"].total_cost, 2) == 103.8
    # Identity: 1 SCU; overage 2.7 + 1.45 -> 1.5 = 4.2 SCU -> 25.20; total 121.20.
    assert sizing["Identity"].description == "1 SCU 24x7, unlimited overage"
    assert round(sizing["Identity"].total_cost, 2) == 121.2


def test_chargeback_groups_by_workspace() -> None:
    data = _dataset(two_workspace_export())
    result = chargeback(data.frame, None, cost_per_scu=2.0)
    table = result.by_workspace.set_index("workspace")
    assert table.loc["Identity", "units_scu"] == pytest.approx(6.15)
    assert table.loc["SOC", "cost"] == pytest.approx(5.8)
    assert table["sessions"].to_dict() == {"Identity": 3, "SOC": 3}


def test_one_handoff_per_workspace_capacity() -> None:
    workspaces = split_by_workspace(_dataset(two_workspace_export()))
    billing = bill_workspaces(workspaces, {"SOC": SOC_PLAN, "Identity": IDENTITY_PLAN}, list_prices())
    handoffs = workspace_handoffs(
        billing, list_prices(), start_date=dt.date(2027, 1, 1), today=dt.date(2026, 12, 1)
    )
    assert sorted(handoffs) == ["Identity", "SOC"]
    # January: 744 h at 2 SCU x $4 = 5,952 plus the observed overage per hour (9.00 / 24 h) x 744 = 279.
    january = handoffs["Identity"].months[0]
    assert (january.month, january.cost) == ("2027-01", 6231.0)
    budget = handoffs["SOC"].files["budget.json"].decode()
    assert "security-copilot-SOC" in budget


@settings(max_examples=30, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 47), st.integers(0, 59), st.integers(1, 60), st.sampled_from(["A", "B", "C"])
        ),
        min_size=1,
        max_size=40,
    ),
    st.integers(0, 30),
)
def test_workspace_bills_add_up(rows: list[tuple[int, int, int, str]], licences: int) -> None:
    records = [
        [
            portal_date(DAY + dt.timedelta(hours=h, minutes=m)),
            tenths / 10,
            "Ben",
            f"s-{i}",
            "Prompt",
            "Prompt",
            "",
            "",
            ws,
        ]
        for i, (h, m, tenths, ws) in enumerate(rows)
    ]
    data = _dataset(to_csv(records, header=[*HEADER, "Workspace"]))
    workspaces = split_by_workspace(data)
    plan = CapacityPlan(
        provisioned_scu=1, overage="capped", overage_cap_scu_per_hour=2.0, e5_licences=licences
    )
    billing = bill_workspaces(workspaces, {}, list_prices(), plan)
    parts = [b.result.totals for b in billing.bills]
    assert billing.total.total_cost == pytest.approx(sum(p.total_cost for p in parts), abs=1e-6)
    assert billing.total.consumed_units == pytest.approx(data.total_units, abs=1e-6)
    # The shared pool serves exactly what one tenant-wide pool would.
    tenant = bill(data.hourly, plan, list_prices()).totals
    assert billing.total.pool_units_used == pytest.approx(tenant.pool_units_used, abs=1e-6)
    # Each workspace pays its capacity for every hour of the export.
    assert billing.total.provisioned_cost == pytest.approx(len(workspaces) * data.hourly.hours * 4.0)


def _cli(*argv: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    import contextlib
    import io
    import json

    from copilot_roi.cli import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(list(argv))
    return code, json.loads(out.getvalue()) if code == 0 else {}


def test_cli_usage_price_and_optimize_per_workspace(tmp_path) -> None:  # type: ignore[no-untyped-def]
    export = tmp_path / "workspaces.csv"
    export.write_bytes(two_workspace_export())
    usage = ["--usage", str(export), "--as-of", AS_OF.isoformat()]
    plans = ["--workspace-plan", "SOC=1:unlimited", "--workspace-plan", "Identity=2:1"]
    code, printed = _cli("usage", str(export), "--as-of", AS_OF.isoformat(), "--json", *plans)
    assert code == 0
    rows = {
        w["workspace"]: (w["rows"], w["units"], w["peak_hour"][11:16], w["total_cost"])
        for w in printed["workspaces"]
    }
    assert rows == {"SOC": (3, 2.9, "09:00", 103.8), "Identity": (3, 6.15, "09:00", 201.0)}
    # Two workspaces: price bills each on its own capacity without being asked.
    code, priced = _cli("price", "--scu", "1", "--overage", "unlimited", *usage,
                        "--workspace-plan", "Identity=2:1", "--json")  # fmt: skip
    assert code == 0
    assert [w["total_cost"] for w in priced["workspaces"]] == [201.0, 103.8]
    assert (priced["total_cost"], priced["throttled_units"]) == (304.8, 0.7)
    code, sized = _cli("optimize", *usage, "--json")
    assert code == 0
    assert [w["recommended"]["total_cost"] for w in sized["workspaces"]] == [121.2, 103.8]
    assert sized["recommended_total_cost"] == 225.0


def test_cli_single_workspace_unchanged_and_bad_workspace_plan(tmp_path) -> None:  # type: ignore[no-untyped-def]
    export = tmp_path / "one.csv"
    export.write_bytes(to_csv(sample_records(30)))
    usage = ["--usage", str(export), "--as-of", AS_OF.isoformat()]
    code, priced = _cli("price", "--scu", "1", *usage, "--json")
    assert code == 0 and "workspaces" not in priced
    code, asked = _cli("price", "--scu", "1", *usage, "--per-workspace", "--json")
    assert asked["total_cost"] == priced["total_cost"]
    assert [w["workspace"] for w in asked["workspaces"]] == [DEFAULT_WORKSPACE]
    assert _cli("price", "--scu", "1", *usage, "--workspace-plan", "SOC=2")[0] == 2
    assert _cli("price", "--scu", "1", "--workspace-plan", "SOC=2")[0] == 2
