"""AppTest of the usage pages: analytics, chargeback and right-sizing open on the bundled samples."""

from __future__ import annotations

from pathlib import Path

import pytest
from case_session import session_case
from streamlit.testing.v1 import AppTest

from copilot_roi.plans import DEFAULT_PLAN, CapacityPlan
from copilot_roi.pricebook import list_prices
from copilot_roi.usage import IngestOptions, UsageDataset
from copilot_roi.usage import analytics as ua
from copilot_roi.usage.rightsizing import right_size
from ui.usage_state import SAMPLE_EXPORT_TAKEN_ON, sample_files

APP = Path(__file__).resolve().parents[2] / "app.py"


def open_page(page: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=90)
    at.run()
    at.switch_page(page)
    at.run()
    assert not at.exception, at.exception
    return at


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


@pytest.fixture(scope="module")
def sample() -> UsageDataset:
    from copilot_roi.usage import ingest_files

    return ingest_files(sample_files(), IngestOptions(as_of=SAMPLE_EXPORT_TAKEN_ON, timezone="UTC"))


def shown_text(at: AppTest) -> str:
    return " ".join(df.value.to_csv() for df in at.dataframe)


def test_usage_page_shows_the_engine_numbers_for_the_sample(sample: UsageDataset) -> None:
    at = open_page("app_pages/usage.py")
    summary = ua.summarise(sample.frame, sample.hourly)
    assert metric(at, "SCUs used") == f"{summary.total_units:,.1f}"
    assert metric(at, "Sessions") == f"{summary.sessions:,}"
    assert metric(at, "Users") == f"{summary.users:,}"
    assert metric(at, "Rows read") == f"{sample.quality.rows_read:,}"
    assert metric(at, "Duplicates removed") == f"{sample.quality.duplicates_removed:,}"
    # Measured against the case's plan (the default: 1 SCU around the clock).
    kpis = ua.capacity_kpis(sample.hourly, float(DEFAULT_PLAN.provisioned_scu))
    assert metric(at, "Hours above 90 % of capacity") == f"{kpis.hours_above_90pct:,}"
    # The sample stands in for an export: it is not the case's data.
    assert "usage_dataset" not in at.session_state
    # heatmap, daily trend, six breakdowns, two agent charts; adoption: weekly, agents drift
    assert len(at.get("plotly_chart")) == 12
    assert any("bundled sample" in i.value for i in at.info)


def test_pseudonymise_switch_controls_every_table() -> None:
    at = open_page("app_pages/usage.py")
    assert "Ben Heppard" not in shown_text(at)
    assert "User " in shown_text(at)
    # The switch lives in the shared sidebar (app.py); AppTest drops the entry script's sidebar
    # from its element tree after switch_page, so set the switch through its session key.
    at.session_state["shared_pseudonymise"] = False
    at.run()
    assert not at.exception
    assert "Ben Heppard" in shown_text(at)


def test_agent_rate_card_tab_keeps_agent_names_and_offers_a_download(sample: UsageDataset) -> None:
    from copilot_roi.usage.agents import rate_card

    at = open_page("app_pages/usage.py")  # pseudonymising is on by default
    table = next(df.value for df in at.dataframe if "units_per_run_median" in df.value.columns)
    card = rate_card(sample.frame)
    assert list(table["agent"]) == [a.agent for a in card.agents]
    assert list(table["runs"]) == [a.runs for a in card.agents]
    assert list(table["units_per_run_p90"]) == [a.units_per_run_p90 for a in card.agents]
    assert any(b.label.startswith("Download the agent rate card") for b in at.get("download_button"))
    at.selectbox(key="usage_agent_hours").set_value(card.agents[1].agent).run()
    assert not at.exception


def test_filters_apply_to_the_kpis(sample: UsageDataset) -> None:
    at = open_page("app_pages/usage.py")
    at.radio(key="usage_f_actor").set_value("agents").run()
    assert not at.exception
    agents = ua.apply_filter(sample.frame, ua.UsageFilter(actor="agents"))
    assert metric(at, "SCUs used") == f"{agents['units_scu'].sum():,.1f}"
    before = metric(at, "7-day average utilisation")
    # The case's plan, set on another page, is what utilisation is measured against.
    at.session_state["case"] = session_case(at).with_plan(
        CapacityPlan(provisioned_scu=10, overage="unlimited")
    )
    at.run()
    assert metric(at, "7-day average utilisation") != before
    assert any("10 SCU 24x7" in c.value for c in at.caption)


def test_time_zone_setting_is_applied(sample: UsageDataset) -> None:
    at = open_page("app_pages/usage.py")
    at.selectbox(key="usage_tz").set_value("America/New_York").run()
    assert not at.exception
    assert any("(America/New_York)" in m.value for m in at.markdown)
    assert metric(at, "SCUs used") == f"{sample.total_units:,.1f}"


def test_chargeback_page_allocates_every_scu_and_offers_a_safe_download(sample: UsageDataset) -> None:
    at = open_page("app_pages/chargeback.py")
    shares = [metric(at, label) for label in ("From the roster", "From rules", "Unassigned")]
    assert sum(int(s.split("%")[0]) for s in shares) in (99, 100, 101)  # rounded shares
    assert "Ben Heppard" not in shown_text(at)
    by_role = next(df.value for df in at.dataframe if "role_label" in df.value.columns)
    assert by_role["units_scu"].sum() == pytest.approx(sample.total_units)
    assert len(at.get("download_button")) == 1


def test_rightsizing_page_matches_the_optimizer(sample: UsageDataset) -> None:
    at = open_page("app_pages/rightsizing.py")
    expected = right_size(sample.hourly, list_prices(), DEFAULT_PLAN)
    assert metric(at, "Recommended plan") == f"{expected.result.recommended.total_cost:,.0f} USD"
    assert expected.result.current is not None
    assert metric(at, "Current plan") == f"{expected.result.current.total_cost:,.0f} USD"
    at.slider(key="rs_growth").set_value(50).run()
    assert not at.exception
    grown = right_size(sample.hourly, list_prices(), DEFAULT_PLAN, 50.0)
    assert metric(at, "Recommended plan") == f"{grown.result.recommended.total_cost:,.0f} USD"


def test_rightsizing_recommends_purchasable_plans_and_deletion_only_when_asked(sample: UsageDataset) -> None:
    at = open_page("app_pages/rightsizing.py")
    recommended = at.success[0].value
    assert "deleted" not in recommended
    at.number_input(key="rs_budget").set_value(1e6)
    at.checkbox(key="rs_allow_deletion").check().run()
    assert not at.exception
    current = CapacityPlan(provisioned_scu=3, overage="unlimited")
    expected = right_size(sample.hourly, list_prices(), current, 0.0, 0, 1e6, True).result.recommended
    assert expected.plan.deletes_capacity_off_hours  # the sample's off-hours work is cheaper refused
    assert "capacity deleted off-hours: nothing served then except from the E5/E7 pool" in at.success[0].value
    assert any("deletes the capacity off-hours" in w.value for w in at.warning)
    assert metric(at, "Recommended plan") == f"{expected.total_cost:,.0f} USD"


def test_rightsizing_shows_the_e5_burn_down(sample: UsageDataset) -> None:
    at = open_page("app_pages/rightsizing.py")
    charts_before = len(at.get("plotly_chart"))
    at.number_input(key="plan_e5").set_value(5000).run()
    assert not at.exception
    assert len(at.get("plotly_chart")) == charts_before + 2  # this month's burn-down, the forecast
    assert any("pool" in w.value for w in [*at.warning, *at.info])
    from copilot_roi.usage.burndown import pool_forecast

    dataset = sample  # nothing loaded: the page shows the bundled sample
    expected = pool_forecast(dataset.hourly, 5000, list_prices())
    table = next(df.value for df in at.dataframe if "runs_out_on" in df.value.columns)
    assert list(table["used_units"]) == [m.used_units for m in expected.months]
    assert list(table["throttled_units"]) == [m.throttled_units for m in expected.months]
    # The plan's one E5/E7 pay-as-you-go switch (the CLI's --e5-pay-as-you-go) opens on the price
    # book's status, off, and drives the forecast and the right-sizing alike.
    payg = at.toggle(key="plan_e5_payg")
    assert payg.value is False and payg.label == "E5/E7 pay-as-you-go past the pool"
    payg.set_value(True).run()
    assert not at.exception
    table = next(df.value for df in at.dataframe if "runs_out_on" in df.value.columns)
    paid = pool_forecast(dataset.hourly, 5000, list_prices(), e5_pay_as_you_go=True)
    assert list(table["cost_past_pool"]) == [m.cost_past_pool for m in paid.months]
    assert "pay-as-you-go on" in at.success[0].value


SAMPLES = APP.parent / "sample_data"


def test_uploading_two_overlapping_exports_merges_them_like_the_cli() -> None:
    import datetime as dt

    from copilot_roi.usage import ingest_paths
    from copilot_roi.usage.report import usage_payload

    at = open_page("app_pages/usage.py")
    at.date_input(key="usage_as_of").set_value(dt.date(2026, 11, 21))
    at.file_uploader(key="usage_uploads").set_value(
        [
            ("CapacityUsage.xlsx", (SAMPLES / "CapacityUsage.xlsx").read_bytes(), "application/octet-stream"),
            ("eu.csv", (SAMPLES / "CapacityUsage_2026-10-01_EU.csv").read_bytes(), "text/csv"),
        ]
    ).run()
    assert not at.exception, at.exception
    expected = usage_payload(
        ingest_paths(
            [SAMPLES / "CapacityUsage.xlsx", SAMPLES / "CapacityUsage_2026-10-01_EU.csv"],
            IngestOptions(as_of=dt.date(2026, 11, 21)),
        )
    )
    assert metric(at, "SCUs used") == f"{expected['total_units']:,.1f}"
    assert metric(at, "Sessions") == f"{expected['sessions']:,}"
    assert metric(at, "Duplicates removed") == f"{expected['duplicates_removed']:,}"
    assert not any("bundled sample" in i.value for i in at.info)


def test_an_untrusted_upload_shows_a_clear_error_and_no_traceback() -> None:
    at = open_page("app_pages/usage.py")
    at.file_uploader(key="usage_uploads").set_value(
        [("CapacityUsage.xlsx", b"MZ\x90\x00 not a workbook", "application/octet-stream")]
    ).run()
    assert not at.exception
    assert len(at.error) == 1
    assert "cannot be trusted" in at.error[0].value and "binary file" in at.error[0].value


def test_uploads_with_rejected_rows_list_them() -> None:
    text = (
        "Date,Units used,Initiated by\n"
        '"Nov 2, 09:00 AM",1,Ben\n"Nov 2, 10:00 AM",inf,Ann\n"Nov 2, 11:00 AM",2,Ann\n'
    )
    at = open_page("app_pages/usage.py")
    at.file_uploader(key="usage_uploads").set_value([("u.csv", text.encode(), "text/csv")]).run()
    assert not at.exception
    assert metric(at, "Rows rejected") == "1"
    rejected = next(df.value for df in at.dataframe if "reason" in df.value.columns)
    assert rejected.iloc[0]["row"] == 3 and "infinite" in rejected.iloc[0]["reason"]


def test_two_sessions_never_see_each_others_upload() -> None:
    first = open_page("app_pages/usage.py")
    second = open_page("app_pages/usage.py")
    sample_total = metric(second, "SCUs used")
    text = 'Date,Units used,Initiated by\n"Nov 2, 09:00 AM",7,Eve\n'
    first.file_uploader(key="usage_uploads").set_value([("u.csv", text.encode(), "text/csv")]).run()
    second.run()
    assert metric(first, "SCUs used") == "7.0"
    assert metric(second, "SCUs used") == sample_total
    assert "usage_dataset" not in second.session_state  # the second still shows the sample
    assert first.session_state["usage_dataset"].quality.rows_used == 1


def test_a_file_named_after_a_user_is_not_shown_by_name() -> None:
    text = 'Date,Units used,Initiated by\n"Nov 2, 09:00 AM",1,Ben Heppard\n"Nov 2, 10:00 AM",2,Ann\n'
    at = open_page("app_pages/usage.py")
    at.file_uploader(key="usage_uploads").set_value([("Ben Heppard.csv", text.encode(), "text/csv")]).run()
    assert not at.exception
    assert "Ben Heppard" not in shown_text(at)
    assert ".csv" in shown_text(at)


def test_an_old_export_is_dated_as_one_window_and_the_page_says_how_old() -> None:
    import datetime as dt

    dates = ["Nov 15, 09:00 AM", "Dec 31, 11:00 PM", "Jan 1, 01:00 AM", "Feb 10, 05:00 PM"]
    text = "Date,Units used,Initiated by\n" + "".join(f'"{d}",1,Ben Heppard\n' for d in dates)
    at = open_page("app_pages/usage.py")
    at.date_input(key="usage_as_of").set_value(dt.date(2027, 12, 1))
    at.file_uploader(key="usage_uploads").set_value([("Ben Heppard.csv", text.encode(), "text/csv")]).run()
    assert not at.exception, at.exception
    shown = " ".join(m.value for m in at.markdown) + " ".join(c.value for c in at.caption)
    # 15 Nov 2026 to 10 Feb 2027, which ends 294 days before 1 Dec 2027 (worked out by hand).
    assert "**15 Nov 2026 09:00** to **10 Feb 2027 17:00**" in shown
    assert "ends 294 days before the export date 01 Dec 2027" in shown
    assert "Ben Heppard" not in shown


def test_rightsizing_offers_the_hand_off_files(sample: UsageDataset) -> None:
    from copilot_roi.handoff import FILE_NAMES, hand_off

    at = open_page("app_pages/rightsizing.py")
    assert not at.get("download_button")  # the section runs only when opened
    at.session_state["rs_handoff_open"] = True
    at.run()
    labels = [b.label for b in at.get("download_button")]
    assert sorted(labels) == sorted(FILE_NAMES.values())
    expected = right_size(sample.hourly, list_prices(), DEFAULT_PLAN)
    amount = hand_off(expected.result.recommended.plan, list_prices(), usage=expected.series).budget_amount
    assert any(f"Budget of {amount:,} USD a month" in c.value for c in at.caption)
    at.radio(key="rs_handoff_plan").set_value("Current").run()
    assert expected.result.current is not None
    amount = hand_off(expected.result.current.plan, list_prices(), usage=expected.series).budget_amount
    assert any(f"Budget of {amount:,} USD a month" in c.value for c in at.caption)
    at.text_input(key="rs_handoff_emails").set_value("soc@contoso.com, [x](javascript:alert(1))").run()
    assert not at.exception
    assert any("is not an e" in e.value for e in at.error)  # Markdown-escaped: "e\\-mail"
    assert not at.get("download_button")
    # Closed and opened again, the section keeps its choices.
    at.session_state["rs_handoff_open"] = False
    at.run()
    at.session_state["rs_handoff_open"] = True
    at.run()
    assert at.radio(key="rs_handoff_plan").value == "Current"
    assert at.text_input(key="rs_handoff_emails").value.startswith("soc@contoso.com")
