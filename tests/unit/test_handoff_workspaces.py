"""``copilot-roi handoff`` per workspace: one hand-off per workspace capacity, each in its own folder.

The export is the two-workspace fixture of ``test_usage_workspaces.py`` (one Monday, 24 hours):
SOC on 1 SCU with unlimited overage pays 7.80 of overage over the day; Identity on 2 SCU capped at
1 SCU/h pays 9.00. Budgets from January 2027 (twelve calendar months, UTC; the dearest is the first
31-day month, January, 744 h), at list prices ($4 per SCU-hour), by hand:

* SOC: 744 x 1 x 4 = 2,976 + 744 x 7.80 / 24 = 241.80 -> 3,217.80, a budget of 3,218.
* Identity: 744 x 2 x 4 = 5,952 + 744 x 9.00 / 24 = 279 -> 6,231.00, a budget of 6,231.
* Total: 9,449 a month (monthly cost 9,448.80).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from copilot_roi.cli import main
from copilot_roi.handoff import FILE_NAMES
from tests.unit.test_usage_workspaces import _row, two_workspace_export
from tests.unit.usage_builders import AS_OF, HEADER, sample_records, to_csv

START = ["--start-date", "2027-01-01"]


def run(tmp_path: Path, capsys: pytest.CaptureFixture[str], export: bytes, *argv: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    """``handoff`` on ``export`` from January 2027; the printed JSON when ``--json`` is given."""
    path = tmp_path / "usage.csv"
    path.write_bytes(export)
    code = main(["handoff", "--usage", str(path), "--as-of", AS_OF.isoformat(), *START, *argv])
    return code, json.loads(capsys.readouterr().out) if code == 0 and "--json" in argv else {}


def files_under(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def test_two_workspaces_get_one_handoff_each_by_hand(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "handoff"
    code, printed = run(tmp_path, capsys, two_workspace_export(),
                        "--scu", "1", "--overage", "unlimited", "--workspace-plan", "Identity=2:1",
                        "--out", str(out), "--json")  # fmt: skip
    assert code == 0
    rows = {w["workspace"]: w for w in printed["workspaces"]}
    assert {name: (w["budget_amount"], w["monthly_cost"], w["budget_month"]) for name, w in rows.items()} == {
        "SOC": (3218, 3217.8, "2027-01"),
        "Identity": (6231, 6231.0, "2027-01"),
    }
    assert printed["total"] == {"budget_amount": 9449, "monthly_cost": 9448.8}
    assert rows["SOC"]["plan"] == "1 SCU 24x7, unlimited overage"
    assert rows["Identity"]["budget_name"] == "security-copilot-Identity"
    # Each workspace's files in its own folder, as the JSON lists them.
    for name in ("SOC", "Identity"):
        assert sorted(Path(f).name for f in rows[name]["files"]) == sorted(FILE_NAMES.values())
        assert all(Path(f).parent == out / name for f in rows[name]["files"])
    assert files_under(out) == sorted(f"{w}/{f}" for w in ("SOC", "Identity") for f in FILE_NAMES.values())
    assert (out / "SOC" / FILE_NAMES["script"]).stat().st_mode & 0o111
    template = json.loads((out / "Identity" / FILE_NAMES["budget"]).read_text())
    assert template["parameters"]["budgetName"]["defaultValue"] == "security-copilot-Identity"
    assert template["parameters"]["amount"]["defaultValue"] == 6231


def test_text_output_lists_each_workspace_and_the_total(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "usage.csv"
    path.write_bytes(two_workspace_export())
    code = main(["handoff", "--usage", str(path), "--as-of", AS_OF.isoformat(), *START,
                 "--scu", "1", "--out", str(tmp_path / "o")])  # fmt: skip
    assert code == 0
    lines = capsys.readouterr().out.splitlines()
    # No overage: each workspace's budget is January's 744 h x 1 SCU x $4 = 2,976.
    assert lines[0] == "2 workspaces, each on its own capacity: one hand-off each"
    assert [line.split(":")[0] for line in lines if not line.startswith(" ")][1:] == [
        "Identity",
        "SOC",
        "total",
    ]
    assert sum("budget 2,976 USD a month" in line for line in lines) == 2
    assert lines[-1] == "total: budgets of 5,952 USD a month"


def test_a_hostile_workspace_name_stays_inside_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [
        _row(9, 0, 1.0, "../../etc", "s-1"),
        _row(10, 0, 2.0, "..", "s-2"),
        _row(11, 0, 1.0, "SOC", "s-3"),
    ]
    out = tmp_path / "a" / "b" / "out"
    code, printed = run(tmp_path, capsys, to_csv(rows, header=[*HEADER, "Workspace"]),
                        "--scu", "1", "--out", str(out), "--json")  # fmt: skip
    assert code == 0
    folders = {w["workspace"]: w["folder"] for w in printed["workspaces"]}
    assert folders == {"..": str(out / "workspace"), "../../etc": str(out / "etc"), "SOC": str(out / "SOC")}
    # Nothing outside --out: the only files under tmp_path are the export and the hand-offs.
    written = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file())
    assert written == sorted(
        ["usage.csv"] + [f"a/b/out/{w}/{f}" for w in ("workspace", "etc", "SOC") for f in FILE_NAMES.values()]
    )


def test_a_symlinked_workspace_folder_is_refused_before_anything_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out.mkdir()
    (out / "SOC").symlink_to(elsewhere)
    code, _ = run(tmp_path, capsys, two_workspace_export(), "--scu", "1", "--out", str(out))
    assert code == 1
    assert "symbolic link" in capsys.readouterr().err
    assert list(elsewhere.iterdir()) == [] and not (out / "Identity").exists()


def test_one_workspace_writes_the_flat_files_as_before(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "flat"
    code, printed = run(
        tmp_path, capsys, to_csv(sample_records(30)), "--scu", "1", "--out", str(out), "--json"
    )
    assert code == 0 and "workspaces" not in printed
    assert files_under(out) == sorted(FILE_NAMES.values())
    template = json.loads((out / FILE_NAMES["budget"]).read_text())
    assert template["parameters"]["budgetName"]["defaultValue"] == "security-copilot-monthly"
    # Asked for, one workspace gets its own folder, with the same budget.
    asked = tmp_path / "asked"
    code, per = run(tmp_path, capsys, to_csv(sample_records(30)),
                    "--scu", "1", "--per-workspace", "--out", str(asked), "--json")  # fmt: skip
    assert code == 0
    (only,) = per["workspaces"]
    assert only["budget_amount"] == printed["budget_amount"] == per["total"]["budget_amount"]
    assert files_under(asked) == sorted(f"Default-workspace/{f}" for f in FILE_NAMES.values())


def test_workspace_arguments_need_usage_and_a_known_workspace(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "x"
    assert main(["handoff", "--scu", "1", "--per-workspace", "--out", str(out)]) == 2
    code, _ = run(
        tmp_path, capsys, two_workspace_export(), "--scu", "1", "--workspace-plan", "HR=2", "--out", str(out)
    )
    assert code == 2
    assert "no workspace called 'HR'" in capsys.readouterr().err
    assert not out.exists()
