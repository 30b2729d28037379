"""``--out`` never writes through a symbolic link: the file a link points to is never replaced or chmod-ed.

Issue 23 item 7: ``handoff --out`` followed an existing ``budget.json`` link and overwrote (and, for
the script, chmod-ed 755) the file it pointed to.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from copilot_roi.business.bundle import HTML_NAME
from copilot_roi.cli import main
from copilot_roi.cli.errors import CliError
from copilot_roi.cli.output_files import write_outputs
from copilot_roi.handoff import FILE_NAMES

HANDOFF = ["handoff", "--scu", "1", "--start-date", "2027-01-01"]
SECRET = b"the user's own file\n"


def victim(tmp_path: Path) -> Path:
    target = tmp_path / "elsewhere" / "precious.txt"
    target.parent.mkdir()
    target.write_bytes(SECRET)
    target.chmod(0o600)
    return target


@pytest.mark.parametrize("name", [FILE_NAMES["budget"], FILE_NAMES["script"]])
def test_handoff_refuses_a_link_and_names_the_file_it_would_replace(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = victim(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    (out / name).symlink_to(target)
    assert main([*HANDOFF, "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "symbolic link" in err
    assert str(out / name) in err and str(target) in err
    assert target.read_bytes() == SECRET and (target.stat().st_mode & 0o777) == 0o600
    assert sorted(p.name for p in out.iterdir()) == [name]  # nothing else written either


def test_a_dangling_link_is_refused_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    out.mkdir()
    planted = tmp_path / "would-be-created.sh"
    (out / FILE_NAMES["script"]).symlink_to(planted)
    assert main([*HANDOFF, "--out", str(out)]) == 1
    assert "symbolic link" in capsys.readouterr().err
    assert not planted.exists()


def test_report_refuses_a_link_in_its_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = victim(tmp_path)
    out = tmp_path / "report"
    out.mkdir()
    (out / HTML_NAME).symlink_to(target)
    assert main(["report", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(out / HTML_NAME) in err and str(target) in err
    assert target.read_bytes() == SECRET


def test_replacing_a_regular_file_is_said(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert main([*HANDOFF, "--out", str(out)]) == 0
    assert "replaced" not in capsys.readouterr().out
    assert main([*HANDOFF, "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert printed.count("(replaced the existing file)") == len(FILE_NAMES)
    assert (out / FILE_NAMES["script"]).stat().st_mode & 0o111


def test_a_link_that_appears_after_the_check_is_not_followed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """O_NOFOLLOW: the check is repeated by the open itself, so a race cannot redirect the write."""
    target = victim(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.txt").symlink_to(target)
    monkeypatch.setattr(Path, "is_symlink", lambda self: False)  # the link "appears" after the check
    with pytest.raises(CliError, match="cannot write"):
        write_outputs(out, {"a.txt": b"overwritten"}, executable=frozenset({"a.txt"}))
    assert target.read_bytes() == SECRET and (target.stat().st_mode & 0o777) == 0o600


def test_the_user_umask_is_kept_for_data_files(tmp_path: Path) -> None:
    previous = os.umask(0o077)
    try:
        written = write_outputs(
            tmp_path / "o", {"names.csv": b"x", "run.sh": b"#!/bin/sh\n"}, frozenset({"run.sh"})
        )
    finally:
        os.umask(previous)
    modes = {w.path.name: w.path.stat().st_mode & 0o777 for w in written}
    assert modes == {"names.csv": 0o600, "run.sh": 0o755}
