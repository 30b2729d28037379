"""Start the Azurite blob emulator for a test: loopback only, a free port, a temporary folder.

``./run test`` installs it with npm (``.cache/azurite``); without npm the tests that need it
skip and say so.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
INSTALLED = ROOT / ".cache" / "azurite" / "node_modules" / ".bin" / "azurite-blob"
# Azurite's documented development account (a public, well-known key: no secret).
ACCOUNT = "devstoreaccount1"
ACCOUNT_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="


def azurite_binary() -> Path:
    found = os.environ.get("COPILOT_ROI_AZURITE")
    if found and Path(found).is_file():
        return Path(found)
    if INSTALLED.is_file():
        return INSTALLED
    if shutil.which("npm") is None:
        pytest.skip("Azurite needs npm, which is not installed (./run test installs Azurite with npm)")
    pytest.fail("Azurite is not installed: run ./run test, which installs it with npm into .cache/azurite")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def connection_string(port: int) -> str:
    return (
        f"DefaultEndpointsProtocol=http;AccountName={ACCOUNT};AccountKey={ACCOUNT_KEY};"
        f"BlobEndpoint=http://127.0.0.1:{port}/{ACCOUNT};"
    )


@contextlib.contextmanager
def running_azurite(folder: Path) -> Iterator[str]:
    """A running emulator; yields its connection string. Polled until it answers (no sleeps)."""
    port = free_port()
    process = subprocess.Popen(
        [
            str(azurite_binary()),
            "--blobHost",
            "127.0.0.1",
            "--blobPort",
            str(port),
            "--location",
            str(folder),
            "--skipApiVersionCheck",
            "--silent",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(
                    f"Azurite stopped: {process.stderr.read().decode() if process.stderr else ''}"
                )
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
            if time.monotonic() > deadline:
                raise RuntimeError("Azurite did not start within 60 s")
            time.sleep(0.05)
        yield connection_string(port)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
