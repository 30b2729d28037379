"""`copilot-roi adoption`: the hand-worked team's figures, the engine's numbers, definitions, clean errors."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from adoption_fixture import ROSTER, exports

from copilot_roi.cli import main
from copilot_roi.usage import IngestOptions, ingest_paths
from copilot_roi.usage.adoption import DEFINITIONS, measure_adoption
from copilot_roi.usage.chargeback import read_roster

LAST_DAY = "2026-11-15"  # the fixture's last day: it anchors the year and ends the windows there


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def files(tmp_path: Path) -> list[str]:
    paths = []
    for name, data in exports():
        (tmp_path / name).write_bytes(data)
        paths.append(str(tmp_path / name))
    (tmp_path / "roster.csv").write_bytes(ROSTER)
    return paths


def test_json_holds_the_hand_worked_figures(capsys: pytest.CaptureFixture[str], files: list[str]) -> None:
    code, out, err = run(capsys, "adoption", *files, "--as-of", LAST_DAY, "--json")
    assert code == 0, err
    p = json.loads(out)
    assert (p["people"], p["active_people_28d"], p["habitual_people"], p["window_ends_on"]) == (
        4,
        3,
        2,
        LAST_DAY,
    )
    assert [w["week_start"] for w in p["weekly"]][:2] == ["2026-09-07", "2026-09-14"]
    bob_back = p["weekly"][7]
    assert (bob_back["week_start"], bob_back["reactivated"], bob_back["returning"]) == ("2026-10-26", 1, 1)
    assert all(row["in_roster"] is None for row in p["funnel"])  # no roster: unknown, not guessed
    assert [a["agent"] for a in p["agents"]["weekly"]] == ["Contoso Triage Agent"] + [
        "Phishing Triage Agent"
    ] * 2
    assert p["definitions"] == DEFINITIONS


def test_json_is_the_engines_and_the_roster_fills_the_funnel(
    capsys: pytest.CaptureFixture[str], files: list[str], tmp_path: Path
) -> None:
    roster_path = tmp_path / "roster.csv"
    code, out, err = run(
        capsys,
        "adoption",
        *files,
        "--as-of",
        LAST_DAY,
        "--tz",
        "Europe/Paris",
        "--roster",
        str(roster_path),
        "--json",
    )
    assert code == 0, err
    dataset = ingest_paths(files, IngestOptions(as_of=dt.date(2026, 11, 15), timezone="Europe/Paris"))
    roster = read_roster("roster.csv", ROSTER)
    engine = measure_adoption(dataset.frame, as_of=dt.date(2026, 11, 15), roster=roster).as_dict()
    printed = json.loads(out)
    assert printed == json.loads(
        json.dumps({"files": ["export_a.csv", "export_b.csv"], "timezone": "Europe/Paris", **engine})
    )
    funnel = {r["role"]: r["in_roster"] for r in printed["funnel"]}
    assert funnel == {"soc": 2, "iam": 2, "not in the roster": None}
    assert printed["time_to_habitual_days"] == {
        "from": "roster start date, else first session",
        "people": 3,
        "median": 21.0,
    }


def test_readable_output_puts_each_definition_beside_its_figure(
    capsys: pytest.CaptureFixture[str], files: list[str]
) -> None:
    code, out, _ = run(capsys, "adoption", *files, "--as-of", LAST_DAY)
    assert code == 0
    assert f"active_people_28d: 3  ({DEFINITIONS['active_people_28d']})" in out
    assert "2026-10-26: 2, 0, 1, 1, 0" in out


def test_bad_input_is_one_line_never_a_traceback(
    capsys: pytest.CaptureFixture[str], files: list[str], tmp_path: Path
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["adoption"])
    assert exit_info.value.code == 2 and "FILE --history" in capsys.readouterr().err
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"Date,Units used,Initiated by\nnot a date,1,Ann\n")
    code, _, err = run(capsys, "adoption", str(bad), "--json")
    assert code == 1 and "bad.csv" in err and "Traceback" not in err
    with pytest.raises(SystemExit) as exit_info:
        main(["adoption", *files, "--as-of", "2026-13-01"])
    assert exit_info.value.code == 2 and "--as-of" in capsys.readouterr().err
    roster = tmp_path / "roster.bin"
    roster.write_bytes(b"\x00\x01binary")
    code, _, err = run(capsys, "adoption", *files, "--roster", str(roster))
    assert code == 1 and "roster.bin" in err and "Traceback" not in err


def test_a_customers_history_gives_the_figures_of_its_exports(
    capsys: pytest.CaptureFixture[str], files: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COPILOT_ROI_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("COPILOT_ROI_HISTORY_URL", raising=False)
    assert main(["history", "add", "--customer", "Contoso", *files, "--as-of", LAST_DAY]) == 0
    capsys.readouterr()
    roster = str(tmp_path / "roster.csv")
    code, out, err = run(capsys, "adoption", "--history", "Contoso", "--roster", roster, "--json")
    assert code == 0, err
    from_history = json.loads(out)
    code, out, err = run(capsys, "adoption", *files, "--as-of", LAST_DAY, "--roster", roster, "--json")
    from_files = json.loads(out)
    assert from_history.pop("history") == "Contoso" and from_files.pop("files")
    assert from_history == from_files  # names kept apart match the roster again
    code, _, err = run(capsys, "adoption", "--history", "Nobody")
    assert code == 2 and "no history kept" in err
    with pytest.raises(SystemExit) as exit_info:  # argparse's mutually exclusive group
        main(["adoption", *files, "--history", "Contoso"])
    assert exit_info.value.code == 2 and "not allowed with argument" in capsys.readouterr().err
