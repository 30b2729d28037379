"""Upload the team's survey on Value scenarios, see it beside the studies, take one role's time saved."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from e2ekit import Server, open_page, page_errors, page_url, require_page, shoot

from copilot_roi.survey.questions import COLUMNS

pytestmark = pytest.mark.e2e

SOC_MINUTES = [0, 30, 30, 45, 60, 60, 90, 120, 120, 240, 300]


def test_survey_section_beside_the_studies(app_server: Server, page: Any, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    survey = tmp_path / "survey.csv"
    lines = [",".join(COLUMNS)]
    lines += [f"s{i},soc,2026-11-{10 + i},{m},,5,4,4,4" for i, m in enumerate(SOC_MINUTES)]
    lines += ["i1,IAM admin,2026-11-02,45,,,,,", "bad,soc,2026-11-03,9999,,,,,"]
    survey.write_text("\n".join(lines) + "\n")

    page.set_viewport_size({"width": 1280, "height": 720})
    open_page(page, page_url(app_server.url, require_page("scenarios")))
    uploader = page.locator('[data-testid="stFileUploader"]').filter(has_text="Survey answers")
    uploader.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(survey))
    button = page.get_by_role("button", name="Use the survey for SOC analyst's time saved")
    expect(button).to_be_visible(timeout=60_000)
    button.click()
    expect(page.get_by_text("1 row rejected")).to_be_visible(timeout=60_000)
    expect(button).to_have_count(0, timeout=60_000)
    heading = page.get_by_role("heading", name="Your team's survey")
    heading.scroll_into_view_if_needed()
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    page.wait_for_timeout(500)  # let the table's canvas paint after the scroll (a screenshot, not a check)
    shoot(page, "survey-value-scenarios")
    assert page_errors(page) == []
