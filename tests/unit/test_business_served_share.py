"""Every business-case format shows the served share, with a warning, when the plan throttles demand."""

from __future__ import annotations

import html
import io

import pytest
from pptx import Presentation

from copilot_roi.business.case import BusinessCase, build_case, headline_figures
from copilot_roi.business.html import render
from copilot_roi.business.pptx import deck_bytes
from copilot_roi.plans import CapacityPlan
from copilot_roi.value.scenario import scenario_template


@pytest.fixture(scope="module")
def throttled() -> BusinessCase:
    base = scenario_template("expected")
    plan = CapacityPlan(provisioned_scu=1, overage="none")
    return build_case(
        base.model_copy(update={"capacity": base.capacity.model_copy(update={"plan": plan})}), draws=200
    )


@pytest.fixture(scope="module")
def served() -> BusinessCase:
    return build_case(scenario_template("expected"), draws=200)  # 1 SCU with unlimited overage


def test_the_warning_states_the_throttled_share(throttled: BusinessCase) -> None:
    r = throttled.result
    refused = r.throttled_units / r.demand_units  # from the engine's totals, not its served share
    assert 0 < refused < 1
    warning = throttled.throttling_warning
    assert warning is not None
    percent = f"{refused:.1%}" if refused < 0.1 else f"{refused:.0%}"
    assert warning.startswith(f"{percent} of demanded SCUs were throttled")
    served = 1 - refused
    served_text = f"{served:.1%}" if served > 0.9 else f"{served:.0%}"
    assert warning.endswith(f"value counts only served work (served share {served_text}).")
    note = dict((label, note) for label, _, note in headline_figures(throttled))["Analyst hours freed"]
    assert note == f"only served work counts: {percent} of demanded SCUs throttled"


def test_no_warning_when_everything_is_served(served: BusinessCase) -> None:
    assert served.result.served_share == 1.0
    assert served.throttling_warning is None
    assert 'class="warning"' not in render(served)
    assert "were throttled" not in " ".join(
        s.text_frame.text
        for s in Presentation(io.BytesIO(deck_bytes(served))).slides[1].shapes
        if s.has_text_frame
    )


def test_html_shows_the_warning_beside_the_verdict(throttled: BusinessCase) -> None:
    page = render(throttled)
    warning = f'<p class="warning">{html.escape(throttled.throttling_warning or "")}</p>'
    assert warning in page
    assert (
        page.index(html.escape(throttled.recommendation))
        < page.index(warning)
        < page.index("What must be true")
    )


def test_deck_shows_the_warning_on_the_recommendation_slide(throttled: BusinessCase) -> None:
    slide = Presentation(io.BytesIO(deck_bytes(throttled))).slides[1]
    text = "\n".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)
    assert throttled.throttling_warning in text
    assert "only served work counts" in text  # the hours-freed card's note
