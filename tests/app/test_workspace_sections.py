"""AppTest of the workspace sections: an export with two workspaces on Usage and Capacity.

The export is the two-workspace fixture of ``tests/unit/test_usage_workspaces.py`` (bills by hand
there): SOC 2.9 SCU (busiest hour 09:00, 2.3 SCU), Identity 6.15 SCU (09:00, 3.7 SCU). Under the
case's default plan (1 SCU, unlimited overage) each pays 24 h x $4 = 96: SOC's overage is 1.3 SCU
(7.80) -> 103.80; Identity's is 2.7 + 1.45 -> 1.5 = 4.2 SCU (25.20) -> 121.20; total 225.00.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from copilot_roi.billing import bill
from copilot_roi.plans import DEFAULT_PLAN
from copilot_roi.pricebook import list_prices
from copilot_roi.usage import IngestOptions, ingest_files
from copilot_roi.usage.workspaces import bill_workspaces, split_by_workspace
from tests.unit.test_usage_workspaces import two_workspace_export
from tests.unit.usage_builders import AS_OF, sample_records, to_csv

APP = Path(__file__).resolve().parents[2] / "app.py"


def loaded(data: bytes) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=90)
    at.run()
    at.switch_page("app_pages/usage.py")
    at.run()
    at.date_input(key="usage_as_of").set_value(AS_OF).run()
    at.file_uploader(key="usage_uploads").set_value([("ws.csv", data, "text/csv")]).run()
    assert not at.exception, at.exception
    return at


def workspace_table(at: AppTest):  # type: ignore[no-untyped-def]
    return next(df.value for df in at.dataframe if "Workspace" in df.value.columns)


def test_usage_shows_a_workspace_table_and_filters_by_workspace() -> None:
    at = loaded(two_workspace_export())
    table = workspace_table(at).set_index("Workspace")
    assert table.loc["SOC", "Rows"] == 3 and table.loc["SOC", "SCUs"] == 2.9
    assert table.loc["Identity", "SCUs in the busiest hour"] == 3.7
    assert table.loc["Identity", "Busiest hour"] == "Mon 02 Nov 09:00"
    assert next(m.value for m in at.metric if m.label == "SCUs used") == "9.1"
    chooser = next(m for m in at.multiselect if m.label == "Workspaces")
    chooser.set_value(["SOC"]).run()
    assert not at.exception, at.exception
    assert next(m.value for m in at.metric if m.label == "SCUs used") == "2.9"


def test_one_workspace_draws_no_workspace_section() -> None:
    at = loaded(to_csv(sample_records(20)))
    assert not any("Workspace" in df.value.columns for df in at.dataframe)
    assert not any(m.label == "Workspaces" for m in at.multiselect)


def test_capacity_bills_each_workspace_and_the_total() -> None:
    at = loaded(two_workspace_export())
    at.switch_page("app_pages/capacity.py")
    at.run()
    assert not at.exception, at.exception
    assert at.radio(key="cap_source").value == "Usage export"
    assert next(m.value for m in at.metric if m.label == "Total over all workspaces") == "225 USD"
    table = next(t.value for t in at.table if "Workspace" in t.value.columns).set_index("Workspace")
    cost = "Cost (USD)"
    assert table[cost].to_dict() == {"Identity": 121.2, "SOC": 103.8, "Total": 225.0}


def headline(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_capacity_headline_is_the_sum_of_the_workspaces_bills() -> None:
    at = loaded(two_workspace_export())
    at.switch_page("app_pages/capacity.py")
    at.run()
    assert not at.exception, at.exception
    dataset = ingest_files([("ws.csv", two_workspace_export())], IngestOptions(as_of=AS_OF))
    total = bill_workspaces(split_by_workspace(dataset), {}, list_prices(), DEFAULT_PLAN).total
    # 225 by hand (module docstring). The tenant priced as one 1-SCU capacity would be 96 plus
    # overage of 6.0 - 1 = 5.0 at 09:00 and 2.45 - 1 = 1.45 -> 1.5 at 16:00: 6.5 x $6 = 39 -> 135.
    assert total.total_cost == 225.0
    assert bill(dataset.hourly, DEFAULT_PLAN, list_prices()).totals.total_cost == pytest.approx(135.0)
    assert headline(at, "Total cost") == f"{total.total_cost:,.0f} USD" == "225 USD"
    assert headline(at, "Per month (730 h)") == f"{total.cost_per_billing_month:,.0f} USD"
    assert headline(at, "Overage") == f"{total.overage_units:,.1f} SCU" == "5.5 SCU"
    assert any(c.value.startswith("2 workspaces, each on its own capacity") for c in at.caption)
    # Right-sizing sizes one capacity: the case's plan beside it is priced the same way, and says so.
    assert headline(at, "The case's plan, as one capacity") == "135 USD"


def test_capacity_headline_with_one_workspace_is_the_tenant_bill() -> None:
    data = to_csv(sample_records(20))
    at = loaded(data)
    at.switch_page("app_pages/capacity.py")
    at.run()
    assert not at.exception, at.exception
    dataset = ingest_files([("ws.csv", data)], IngestOptions(as_of=AS_OF))
    expected = bill(dataset.hourly, DEFAULT_PLAN, list_prices()).totals
    assert headline(at, "Total cost") == f"{expected.total_cost:,.0f} USD"
    assert headline(at, "The case's plan") == f"{expected.total_cost:,.0f} USD"
    assert not any("each on its own capacity" in c.value for c in at.caption)
