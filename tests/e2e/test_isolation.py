"""Two sessions with different uploads never see each other's numbers.

Two browser contexts (two people) upload different exports to the same server; each keeps seeing
only its own totals, on the usage page and on another page of the same session, while the other
works; a third person who uploads nothing sees the bundled sample. The expected figures come from
the CLI, so a mix-up cannot pass by coincidence.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from e2ekit import (
    REPO,
    Server,
    cli_json,
    metric,
    open_page,
    page_errors,
    page_url,
    require_page,
    upload,
    wait_for_script,
)

pytestmark = pytest.mark.e2e

XLSX = REPO / "sample_data" / "CapacityUsage.xlsx"
EU_CSV = REPO / "sample_data" / "CapacityUsage_2026-10-01_EU.csv"


def figures(path: str) -> tuple[str, str]:
    data = cli_json("usage", path, "--as-of", dt.date.today().isoformat(), "--tz", "UTC")
    return f"{data['total_units']:,.1f}", f"{data['sessions']:,}"


def leak_context(text: str, needle: str) -> str:
    at = text.find(needle)
    return f"{needle!r} found in: ...{text[max(0, at - 300) : at + 100]!r}..."


def test_two_sessions_never_see_each_others_numbers(app_server: Server, new_page: Callable[[], Any]) -> None:
    from playwright.sync_api import expect

    usage = require_page("usage")
    url = page_url(app_server.url, usage)
    alice_units, alice_sessions = figures(str(XLSX))
    bob_units, bob_sessions = figures(str(EU_CSV))
    assert alice_units != bob_units and alice_sessions != bob_sessions

    alice, bob, carol = new_page(), new_page(), new_page()
    for person in (alice, bob, carol):
        open_page(person, url)
    sample_units = metric(carol, "SCUs used").inner_text()

    # Both upload at about the same time: the server handles the two sessions together.
    upload(alice, [XLSX])
    upload(bob, [EU_CSV])
    # Reading an upload takes seconds on a loaded machine: wait for the page to say it is loaded.
    for person in (alice, bob):
        expect(person.get_by_text("Loaded for this session")).to_be_visible(timeout=90_000)
    expect(metric(alice, "SCUs used")).to_have_text(alice_units)
    expect(metric(bob, "SCUs used")).to_have_text(bob_units)
    expect(metric(alice, "Sessions")).to_have_text(alice_sessions)
    expect(metric(bob, "Sessions")).to_have_text(bob_sessions)

    # Bob works on; Alice's numbers stay hers after her own rerun (each flips the sidebar's
    # pseudonymise switch, which reruns the page and changes names, not units).
    for person in (bob, alice):
        person.locator('[data-testid="stSidebar"]').get_by_text("Pseudonymise users").click()
    wait_for_script(alice)
    wait_for_script(bob)
    expect(metric(alice, "SCUs used")).to_have_text(alice_units)
    expect(metric(bob, "SCUs used")).to_have_text(bob_units)

    # A third person who uploaded nothing sees the sample, after both uploads.
    carol.reload()
    wait_for_script(carol)
    expect(metric(carol, "SCUs used")).to_have_text(sample_units)
    assert sample_units not in {alice_units, bob_units}

    # Nothing of the other person's file appears anywhere on either page.
    for person, other_units in (
        (alice, bob_units),
        (bob, alice_units),
    ):
        text = person.locator('[data-testid="stMain"]').inner_text()
        assert other_units not in text, leak_context(text, other_units)
        assert page_errors(person) == []


def test_each_session_carries_its_own_upload_to_other_pages(
    app_server: Server, new_page: Callable[[], Any]
) -> None:
    """The dataset lives in the session: another page of the same session shows that session's file."""
    from playwright.sync_api import expect

    usage = require_page("usage")
    chargeback = require_page("chargeback")
    pages = [new_page(), new_page()]
    for person, export in zip(pages, (XLSX, EU_CSV), strict=True):
        open_page(person, page_url(app_server.url, usage))
        upload(person, [export])
        expect(person.get_by_text("Showing the bundled sample exports")).to_have_count(0)
        wait_for_script(person)
    for person, mine, theirs in zip(pages, (XLSX.name, EU_CSV.name), (EU_CSV.name, XLSX.name), strict=True):
        # Navigate inside the session (the sidebar), not by URL, which would start a new session.
        person.locator('[data-testid="stSidebarNav"]').get_by_text(chargeback.title, exact=True).click()
        expect(person.locator('[data-testid="stMain"]')).to_contain_text(mine)
        wait_for_script(person)
        text = person.locator('[data-testid="stMain"]').inner_text()
        assert theirs not in text
        assert page_errors(person) == []
