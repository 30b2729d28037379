"""``copilot-roi history``: add, list, show, forget, forget-names; hostile names and bad input exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from history_builders import files_under, records
from usage_builders import to_csv

from copilot_roi.cli import main
from copilot_roi.history import customer_slug
from copilot_roi.history.customers import SLUG_PATTERN


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("COPILOT_ROI_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("COPILOT_ROI_HISTORY_URL", raising=False)
    return tmp_path / "home"


def write(folder: Path, name: str, first: int, last: int) -> Path:
    path = folder / name
    path.write_bytes(to_csv(records(first, last)))
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_add_show_list_and_forget(home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a, b = write(tmp_path, "a.csv", 0, 100), write(tmp_path, "b.csv", 60, 150)
    code, out, _ = run(
        capsys, "history", "add", "--customer", "Contoso", str(a), "--as-of", "2026-11-21", "--json"
    )
    assert code == 0 and json.loads(out)["rows_added"] == 100
    code, out, _ = run(
        capsys, "history", "add", "--customer", "Contoso", str(a), str(b), "--as-of", "2026-11-21"
    )
    assert code == 0 and "50 of 150 rows added" in out
    code, out, _ = run(capsys, "history", "show", "--customer", "contoso", "--json")
    shown = json.loads(out)
    assert {k: shown[k] for k in ("rows", "sessions", "first", "last")} == {
        "rows": 150,
        "sessions": 75,
        "first": "2026-09-01T08:00:00+00:00",
        # Record 149 starts 7 x 149 = 1,043 hours (43 days 11 hours) after 1 Sept 08:00.
        "last": "2026-10-14T19:00:00+00:00",
    }
    assert shown["total_units"] == pytest.approx(sum(round(0.1 * (i % 9 + 1), 1) for i in range(150)))
    code, out, _ = run(capsys, "history", "list", "--json")
    assert [c["customer"] for c in json.loads(out)["customers"]] == ["Contoso"]
    code, out, _ = run(capsys, "history", "forget", "--customer", "Contoso")
    assert code == 0
    assert not [p for p in files_under(home) if "contoso" in p]
    _, out, _ = run(capsys, "history", "list", "--json")
    assert json.loads(out) == {"customers": []}


def test_forget_names_leaves_the_usage(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(
        capsys,
        "history",
        "add",
        "--customer",
        "Contoso",
        str(write(tmp_path, "a.csv", 0, 40)),
        "--as-of",
        "2026-11-21",
    )
    assert run(capsys, "history", "forget-names", "--customer", "Contoso", "--drop-key")[0] == 0
    assert not [p for p in files_under(home) if "/names/" in p or p.endswith("key.bin")]
    code, out, _ = run(capsys, "history", "show", "--customer", "Contoso", "--json")
    assert code == 0 and json.loads(out)["rows"] == 40 and json.loads(out)["names_kept"] is False


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["show", "--customer", ""], "give a customer name"),
        (["show", "--customer", "a\nb"], "control character"),
        (["show", "--customer", "x" * 121], "at most 120"),
        (["show", "--customer", "Nobody"], "no history kept for customer 'Nobody'"),
        (["add", "--customer", "C", "a.csv", "--as-of", "21/11/2026"], "is not a date"),
        (["add", "--customer", "C", "a.csv", "--tz", "Mars/Base"], "time zone"),
    ],
)
def test_bad_input_exits_2_with_one_line(
    home: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    with pytest.raises(SystemExit) as stopped:
        code = main(["history", *argv])
        raise SystemExit(code)
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_an_untrusted_file_exits_1_and_stores_nothing(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "usage.csv"
    bad.write_bytes(b"MZ\x90\x00\x03" + bytes(200))
    code, _, err = run(capsys, "history", "add", "--customer", "Contoso", str(bad))
    assert code == 1 and "usage.csv" in err
    assert not [p for p in files_under(home) if p.endswith(".parquet")]


@pytest.mark.parametrize(
    "name",
    [
        "../../etc",
        "..",
        "/absolute/path",
        "C:\\Windows\\System32",
        "CON",
        "a/../../b",
        "東京",
        "💥",
        ". ",
        "--x",
    ],
)
def test_hostile_customer_names_stay_inside_the_history_folder(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    slug = customer_slug(name)
    assert SLUG_PATTERN.match(slug), slug
    export = write(tmp_path, "a.csv", 0, 10)
    assert run(capsys, "history", "add", f"--customer={name}", str(export), "--as-of", "2026-11-21")[0] == 0
    outside = [p for p in tmp_path.rglob("*") if p.is_file() and home not in p.parents and p != export]
    assert outside == []
    assert all(p.startswith(f"history/customers/{slug}/") for p in files_under(home))
    _, out, _ = run(capsys, "history", "list", "--json")
    assert [c["customer"] for c in json.loads(out)["customers"]] == [name.strip()]
    run(capsys, "history", "forget", f"--customer={name}")
    assert files_under(home) == []


def test_names_alike_in_ascii_stay_two_customers() -> None:
    assert customer_slug("A/B") != customer_slug("A B")
    assert customer_slug("Café") != customer_slug("Cafe")


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"COPILOT_ROI_HISTORY_URL": "s3://bucket"}, "expected azure://<container>"),
        ({"COPILOT_ROI_HISTORY_URL": "azure://usage"}, "COPILOT_ROI_HISTORY_CONNECTION_STRING is not set"),
    ],
)
def test_a_misconfigured_store_exits_2_naming_the_setting(
    home: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    env: dict[str, str],
    message: str,
) -> None:
    monkeypatch.delenv("COPILOT_ROI_HISTORY_CONNECTION_STRING", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    code, _, err = run(capsys, "history", "list")
    assert code == 2 and message in err
