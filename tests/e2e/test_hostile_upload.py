"""Hostile files uploaded in a real browser: refused with a message, in bounded time, server still up.

The parser's own tests cover every case in depth; these check the whole path a person takes (the
browser upload, the page's message) and that the next person is served afterwards. Script payloads
in user names must show as text and never run.
"""

from __future__ import annotations

import io
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from e2ekit import (
    Server,
    metric,
    open_page,
    page_errors,
    page_url,
    require_page,
    screenshot,
    upload,
    wait_for_script,
    wait_until_drawn,
)

pytestmark = pytest.mark.e2e

REFUSAL_BUDGET_S = 30.0
HEADER = "Date,Units used,Initiated by,Session ID,Category,Type,Copilot experience,Plugins used\r\n"
SCRIPT_NAMES = (
    "<img src=x onerror=alert(1)>",
    "<script>alert(2)</script>",
    '=HYPERLINK("http://example.invalid","x")',
    "[click](javascript:alert(3))",
)


def zip_bomb(path: Path) -> Path:
    """An .xlsx-looking zip whose sheet inflates 64 MiB of zeros from a few dozen KiB."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("xl/workbook.xml", '<?xml version="1.0"?><workbook><sheets/></workbook>')
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            chunk = b"\0" * 2**20
            for _ in range(64):
                sheet.write(chunk)
    return path


def dimension_bomb(path: Path) -> Path:
    """A 4 KB workbook with one cell at XFD1048576: read naively, a frame of 17 billion cells."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("Usage")
    for column, name in enumerate(HEADER.strip().split(",")):
        sheet.write(0, column, name)
    sheet.write_row(
        1, 0, ["Nov 3, 9:00 AM", 1.5, "someone", "s-1", "Prompt", "Person", "Standalone", "Defender"]
    )
    sheet.write(1_048_575, 16_383, "x")
    workbook.close()
    return path


def far_cell_workbook(path: Path, far_cell: str, entry: str, target: str) -> Path:
    """A real workbook whose only sheet, stored at ``entry`` and listed as ``target``, holds a
    usage header, one row and one cell at ``far_cell`` (the layouts of issue 23)."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    book.add_worksheet("Usage").write_row(0, 0, ["Date", "Units used"])
    book.close()
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns='
        '"http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>Date</t></is></c>'
        '<c r="B1" t="inlineStr"><is><t>Units used</t></is></c></row>'
        '<row r="2"><c r="A2" t="inlineStr"><is><t>Nov 3, 9:00 AM</t></is></c><c r="B2"><v>1</v></c></row>'
        f'<row r="3"><c r="{far_cell}"><v>1</v></c></row></sheetData></worksheet>'
    ).encode()
    source = zipfile.ZipFile(buffer)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                continue
            if info.filename == "xl/_rels/workbook.xml.rels":
                content = content.replace(b'Target="worksheets/sheet1.xml"', f'Target="{target}"'.encode())
            archive.writestr(info.filename, content)
        archive.writestr(entry, sheet)
    return path


def ragged_csv(path: Path, megabytes: int = 32) -> Path:
    """A header, one valid row, then ``x`` on every line."""
    head = (HEADER + '"Nov 3, 9:00 AM",1.5,someone,s-1,Prompt,Person,Standalone,Defender\r\n').encode()
    path.write_bytes(head + b"x\n" * ((megabytes * 2**20 - len(head)) // 2))
    return path


# Issue 23's files: each alone ended the server (a 512 GiB allocation) or hung ingest for minutes.
ISSUE_23_FILES: dict[str, Callable[[Path], Path]] = {
    "sheet-in-another-folder.xlsx": lambda p: far_cell_workbook(
        p, "XFD1048576", "xl/data/sheet1.xml", "data/sheet1.xml"
    ),
    "sheet-named-XML.xlsx": lambda p: far_cell_workbook(
        p, "XFD1048576", "xl/worksheets/sheet1.XML", "worksheets/sheet1.xml"
    ),
    "absolute-target.xlsx": lambda p: far_cell_workbook(
        p, "XFD1048576", "xl/data/sheet1.xml", "/xl/data/sheet1.xml"
    ),
    "lower-case.xlsx": lambda p: far_cell_workbook(
        p, "xfd1048576", "xl/worksheets/sheet1.xml", "worksheets/sheet1.xml"
    ),
    "cz4000000.xlsx": lambda p: far_cell_workbook(
        p, "cz4000000", "xl/worksheets/sheet1.xml", "worksheets/sheet1.xml"
    ),
    "ragged-32MB.csv": ragged_csv,
}


def disguised_executable(path: Path) -> Path:
    path.write_bytes(b"MZ\x90\x00" + b"\0" * 4096)
    return path


def script_names_csv(path: Path) -> Path:
    def quoted(text: str) -> str:
        return '"' + text.replace('"', '""') + '"'

    rows = [
        f"{quoted(f'Nov {day}, 9:{minute:02d} AM')},1.5,{quoted(name)},s-{day}-{minute},Prompt,Person,"
        "Standalone experience,Microsoft Defender XDR\r\n"
        for day in (3, 4, 5)
        for minute, name in enumerate(SCRIPT_NAMES)
    ]
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "make",
    [zip_bomb, dimension_bomb, disguised_executable],
    ids=["zip-bomb", "sheet-dimension-bomb", "renamed-executable"],
)
def test_hostile_file_is_refused_and_the_server_stays_up(
    app_server: Server, new_page: Callable[[], Any], tmp_path: Path, make: Callable[[Path], Path]
) -> None:
    from playwright.sync_api import expect

    usage = require_page("usage")
    hostile = make(tmp_path / "CapacityUsage.xlsx")
    page = new_page()
    open_page(page, page_url(app_server.url, usage))
    start = time.monotonic()
    upload(page, [hostile])
    alert = page.locator('[data-testid="stAlertContentError"]')
    expect(alert).to_have_count(1, timeout=int(REFUSAL_BUDGET_S * 1000))
    elapsed = time.monotonic() - start
    assert "cannot be trusted" in alert.inner_text()
    assert page.locator('[data-testid="stException"]').count() == 0, "a traceback instead of a message"
    assert elapsed < REFUSAL_BUDGET_S

    # The server is up and the next person is served as usual.
    assert app_server.proc.poll() is None
    nxt = new_page()
    open_page(nxt, page_url(app_server.url, usage))
    assert metric(nxt, "SCUs used").inner_text()
    assert page_errors(nxt) == []


@pytest.mark.slow
def test_hostile_uploads_leave_another_session_working(
    app_server: Server, new_page: Callable[[], Any], tmp_path: Path
) -> None:
    """One session uploads each of issue 23's files while another keeps using the app."""
    from playwright.sync_api import expect

    usage = require_page("usage")
    bystander = new_page()
    open_page(bystander, page_url(app_server.url, usage))
    bystander_total = metric(bystander, "SCUs used").inner_text()
    attacker = new_page()  # another browser context: another Streamlit session
    open_page(attacker, page_url(app_server.url, usage))
    for name, make in ISSUE_23_FILES.items():
        hostile = make(tmp_path / name)
        start = time.monotonic()
        upload(attacker, [hostile])
        # While the upload is read, the other session reloads and is served in full.
        bystander.reload(wait_until="domcontentloaded")
        wait_until_drawn(bystander)
        assert metric(bystander, "SCUs used").inner_text() == bystander_total, name
        assert page_errors(bystander) == [], name
        alert = attacker.locator('[data-testid="stAlertContentError"]')
        expect(alert).to_have_count(1, timeout=int(REFUSAL_BUDGET_S * 1000))
        assert time.monotonic() - start < REFUSAL_BUDGET_S, name
        assert "cannot be trusted" in alert.inner_text(), name
        assert attacker.locator('[data-testid="stException"]').count() == 0, name
        assert app_server.proc.poll() is None, f"the server died on {name}"
        # A fresh session for the next file (the uploader keeps the files it was given).
        attacker.reload(wait_until="domcontentloaded")
        wait_until_drawn(attacker)
    assert app_server.proc.poll() is None
    bystander.reload(wait_until="domcontentloaded")
    wait_until_drawn(bystander)
    assert metric(bystander, "SCUs used").inner_text() == bystander_total
    assert page_errors(bystander) == []


def test_script_payloads_in_user_names_show_as_text(
    app_server: Server, new_page: Callable[[], Any], tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    usage = require_page("usage")
    page = new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    open_page(page, page_url(app_server.url, usage))
    # Show real names (the pseudonymise switch is on by default and would hide the payloads).
    page.locator('[data-testid="stSidebar"]').get_by_text("Pseudonymise users").click()
    wait_for_script(page)
    upload(page, [script_names_csv(tmp_path / "names.csv")])
    expect(metric(page, "Users")).to_have_text(str(len(SCRIPT_NAMES)))
    wait_for_script(page)
    page.locator('[data-testid="stMain"]').get_by_text("Users", exact=True).first.click()  # the Users tab
    wait_for_script(page)

    screenshot(page, "hostile-names")
    assert dialogs == [], f"a payload ran: {dialogs}"
    # The names are shown (the switch is off), as text.
    assert "HYPERLINK" in page.locator('[data-testid="stMain"]').inner_text()
    injected = page.evaluate(
        '() => document.querySelectorAll(\'[data-testid="stMain"] img[src="x"], '
        '[data-testid="stMain"] a[href^="javascript:"]\').length'
    )
    assert injected == 0, "upload-derived text became HTML"
    assert page_errors(page) == []
