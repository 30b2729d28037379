"""A case whose usage is a customer's kept history: `roi --case` reads the same history the app did.

The app records the history's parts (content hashes) in the case; the command line finds them in
the store the environment names and gives the page's figures, or, when the history has changed
since the case was saved, says so and exits 2 rather than give other figures.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from copilot_roi.case import FileIdentity, UsageIdentity, case_json, effective_scenario, new_case
from copilot_roi.cli import main
from copilot_roi.history.store import HistoryStore
from copilot_roi.usage import IngestOptions, ingest_paths
from copilot_roi.value.engine import compute
from copilot_roi.value.realised import realised_to_date

REPO = Path(__file__).resolve().parents[2]
SAMPLES = [
    REPO / "sample_data" / "CapacityUsage.xlsx",
    REPO / "sample_data" / "CapacityUsage_2026-10-01_EU.csv",
]
CUSTOMER = "Contoso Bank"


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> HistoryStore:
    monkeypatch.setenv("COPILOT_ROI_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("COPILOT_ROI_HISTORY_URL", raising=False)
    return HistoryStore()


def history_case(store: HistoryStore, tmp_path: Path) -> Path:
    """A case saved from the app with the customer's history as its usage (as the Usage page does)."""
    options = IngestOptions(as_of=dt.date(2026, 11, 21))
    store.add(CUSTOMER, ingest_paths([SAMPLES[0]], options))
    parts = [
        FileIdentity(file_name=Path(n).name, size_bytes=s, sha256=h) for n, s, h in store.parts(CUSTOMER)
    ]
    usage = UsageIdentity(files=tuple(parts), as_of=None, timezone="UTC", history=CUSTOMER)
    path = tmp_path / "case.json"
    path.write_text(case_json(new_case().model_copy(update={"usage": usage})), encoding="utf-8")
    return path


def test_roi_case_reads_the_kept_history(
    store: HistoryStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = history_case(store, tmp_path)
    assert main(["roi", "--case", str(path), "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    case = new_case()
    usage = store.load(CUSTOMER, "UTC")
    recorded = case.model_copy(update={"usage": UsageIdentity(files=(FileIdentity.of("x", b"x"),))})
    scenario, _ = effective_scenario(recorded, usage, None)
    expected = compute(scenario, case.prices())
    assert payload["npv"] == round(expected.npv, 2)
    realised = realised_to_date(scenario, usage, None, case.role_rules, case.prices(), expected)
    assert payload["realised_to_date"]["sentence"] == realised.sentence()


def test_a_history_that_changed_since_the_case_is_refused(
    store: HistoryStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = history_case(store, tmp_path)
    store.add(CUSTOMER, ingest_paths([SAMPLES[1]], IngestOptions(as_of=dt.date(2026, 11, 21))))
    assert main(["roi", "--case", str(path), "--json"]) == 2
    assert "kept history has changed since the case was saved (1 part recorded, 2 stored now)" in (
        capsys.readouterr().err
    )


def test_usage_files_are_refused_for_a_history_case(
    store: HistoryStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = history_case(store, tmp_path)
    assert main(["roi", "--case", str(path), "--usage", str(SAMPLES[0])]) == 2
    assert "drop --usage" in capsys.readouterr().err


def test_no_history_stored_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COPILOT_ROI_HOME", str(tmp_path / "elsewhere"))
    identity = FileIdentity(file_name="p.parquet", size_bytes=1, sha256="0" * 64)
    usage = UsageIdentity(files=(identity,), history=CUSTOMER)
    path = tmp_path / "case.json"
    path.write_text(case_json(new_case().model_copy(update={"usage": usage})), encoding="utf-8")
    assert main(["roi", "--case", str(path)]) == 2
    assert "no such history is stored here" in capsys.readouterr().err
