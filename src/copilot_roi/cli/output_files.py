"""Writing a command's files into ``--out``: never through a symbolic link, never silently replacing.

A link planted where an output goes (``out/budget.json -> ~/.bashrc``) would otherwise have the
command overwrite, and for the script chmod, the file it points to. Every target is checked before
anything is written, and each file is opened with ``O_NOFOLLOW`` so a link that appears between
the check and the write is refused too.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from copilot_roi.cli.errors import CliError

EXECUTABLE_MODE = 0o755


@dataclass(frozen=True)
class Written:
    path: Path
    replaced: bool  # a regular file of that name was there before

    def line(self) -> str:
        return f"wrote {self.path}" + (" (replaced the existing file)" if self.replaced else "")


def write_outputs(
    out: Path, files: Mapping[str, bytes], executable: frozenset[str] = frozenset()
) -> list[Written]:
    """Write ``files`` (name -> bytes) into the folder ``out``; names in ``executable`` get mode 755.

    Raises ``CliError`` (exit 1) naming the file when a target is a symbolic link or is not a
    regular file, before any file is written.
    """
    if out.exists() and not out.is_dir():
        raise CliError(f"{out}: not a folder")
    targets = [out / name for name in files]
    _refuse_unsafe_targets(targets)
    replaced = {path for path in targets if path.exists()}
    try:
        out.mkdir(parents=True, exist_ok=True)
        for path, data in zip(targets, files.values(), strict=True):
            _write_no_follow(path, data, executable=path.name in executable)
    except OSError as error:
        raise CliError(f"{out}: cannot write ({error.strerror})", exit_code=1) from error
    return [Written(path, path in replaced) for path in targets]


def write_output_folders(
    out: Path, folders: Mapping[str, Mapping[str, bytes]], executable: frozenset[str] = frozenset()
) -> dict[str, list[Written]]:
    """Write each of ``folders`` (folder name -> files) into its own sub-folder of ``out``.

    A folder name must be one plain path component (no separator, not ``.`` or ``..``), and a
    sub-folder that is a symbolic link is refused as a file would be: written through, it would
    put the files wherever it points. Every folder and file is checked before anything is written.
    """
    for folder, files in folders.items():
        if folder in ("", ".", "..") or Path(folder).name != folder or "\\" in folder:
            raise CliError(f"{folder!r} is not a plain folder name", exit_code=1)
        path = out / folder
        if path.is_symlink():
            raise CliError(
                f"{path} is a symbolic link (to {os.readlink(path)}): refusing to write through it; "
                "remove the link or choose another --out",
                exit_code=1,
            )
        if path.exists() and not path.is_dir():
            raise CliError(f"{path}: exists and is not a folder", exit_code=1)
        _refuse_unsafe_targets([path / name for name in files])
    return {folder: write_outputs(out / folder, files, executable) for folder, files in folders.items()}


def _refuse_unsafe_targets(targets: list[Path]) -> None:
    for path in targets:
        if path.is_symlink():
            raise CliError(
                f"{path} is a symbolic link (to {os.readlink(path)}): refusing to replace the file it "
                "points to; remove the link or choose another --out",
                exit_code=1,
            )
        if path.exists() and not path.is_file():
            raise CliError(f"{path}: exists and is not a regular file", exit_code=1)


def _write_no_follow(path: Path, data: bytes, executable: bool) -> None:
    # 0o666 less the umask, as ``Path.write_bytes``: the files can hold names, keep the user's umask.
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags, 0o666)
    try:
        if executable:
            os.fchmod(fd, EXECUTABLE_MODE)  # this file's mode, never a link target's
        with os.fdopen(fd, "wb", closefd=False) as handle:
            handle.write(data)
    finally:
        os.close(fd)
