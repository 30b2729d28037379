"""A business case at the longest values an export must lay out (issue 24's rendering check).

Every string at its model limit (a 120-character customer and partner, agent and line names),
a case that never pays back with seven-figure negative figures, a five-year annual horizon with
other lines, agent lines, and measured usage, so the deck, the workbook and the one-pager are
laid out at their widest.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from copilot_roi.business.case import BusinessCase, build_case
from copilot_roi.case import FileIdentity, UsageIdentity, new_case
from copilot_roi.plans import CapacityPlan
from copilot_roi.usage import IngestOptions, ingest_paths
from copilot_roi.value.scenario import Scenario, scenario_template

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "sample_data" / "CapacityUsage_2026-10-01_EU.csv"
CUSTOMER = ("Contoso Worldwide Financial Services Holdings " * 3)[:120]
PARTNER = ("Fabrikam Managed Security Partners International " * 3)[:120]


def longest_scenario() -> Scenario:
    """No payback: 40 SCUs around the clock (about 1.4 M a year) for a small team."""
    data = scenario_template("low").model_dump()
    data["horizon_months"] = 60
    data["capacity"]["plan"] = CapacityPlan(
        provisioned_scu=40, overage="capped", overage_cap_scu_per_hour=12.5, e5_licences=25_000
    ).model_dump()
    data["finance"]["convention"] = "annual"
    data["finance"]["risk_adjustment"] = {"benefits": 0.1, "costs": 0.05}
    long_name = "Phishing triage and user-reported e-mail analysis agent for every regional subsidiary "
    data["agents"] = [
        {
            "agent": f"{long_name}{i}"[:120],
            "runs_per_month": 2_000.0,
            "scu_per_run": 0.5,
            "analyst_minutes_avoided_per_run": 12.0,
            "ranges": {
                "scu_per_run": {"low": 0.25, "high": 1.0},
                "analyst_minutes_avoided_per_run": {"low": 6.0, "high": 20.0},
            },
            "source": "Measured in the pilot tenant over four weeks; see the pilot report, appendix B",
        }
        for i in range(3)
    ]
    line = "Avoided managed detection and response retainer for the out-of-hours monitoring service "
    data["other_benefits"] = [
        {"name": f"{line}{i}"[:120], "per_year": [25_000.0, 26_000.0], "source": "Finance estimate " * 10}
        for i in range(4)
    ]
    data["other_costs"] = [
        {"name": f"Integration and change management programme {i}", "one_off": 1_250_000.0,
         "per_year": [40_000.0], "source": "Partner quote"}
        for i in range(3)
    ]  # fmt: skip
    return Scenario.model_validate(data)


def longest_case(draws: int = 200) -> BusinessCase:
    usage = ingest_paths([SAMPLE], IngestOptions(as_of=dt.date(2026, 10, 1)))
    scenario = longest_scenario()
    record = new_case(scenario).model_copy(
        update={
            "customer_name": CUSTOMER,
            "partner_name": PARTNER,
            "usage": UsageIdentity(files=(FileIdentity.of_path(SAMPLE),), timezone=usage.timezone),
        }
    )
    return build_case(
        scenario,
        usage=usage,
        customer_name=CUSTOMER,
        partner_name=PARTNER,
        prepared_on=dt.date(2026, 11, 27),
        draws=draws,
        record=record,
    )
