"""Helpers for the real-browser tests and the browser benchmark: start `streamlit run app.py` on a
free port and poll it until healthy, launch Chromium, find the pages in app.py, wait for Streamlit.

The server is started as a subprocess in its own process group and torn down with the group, so a
failed test leaves nothing behind. Health is polled (each poll waits on the process, so a crash at
start-up is reported at once with its output) instead of sleeping a guessed time.
"""

from __future__ import annotations

import ast
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
START_TIMEOUT_S = 60.0
# Streamlit scrolls inside its own container, so a full-page screenshot only shows the viewport:
# a tall viewport captures a whole page.
TALL_VIEWPORT = {"width": 1400, "height": 3600}
# The projector sizes partners present at (the ``projector_page`` fixture's parameters).
PROJECTORS = [{"width": 1280, "height": 720}, {"width": 1366, "height": 768}]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_healthy(url: str, proc: subprocess.Popen[bytes], timeout_s: float) -> None:
    """Poll ``url`` until it answers 200; fail at once if ``proc`` exits first."""
    deadline = time.monotonic() + timeout_s
    last_error = ""
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
                last_error = f"HTTP {response.status}"
        except (urllib.error.URLError, ConnectionError, TimeoutError) as exc:
            last_error = str(exc)
        try:
            proc.wait(timeout=0.05)  # the pause between polls doubles as a check that it is alive
        except subprocess.TimeoutExpired:
            continue
        raise RuntimeError(f"server exited with {proc.returncode} before {url} was healthy")
    raise TimeoutError(f"{url} not healthy after {timeout_s:.0f} s: {last_error}")


@dataclass
class Server:
    proc: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def rss_bytes(self) -> int:
        return rss_bytes(self.proc.pid)


def rss_bytes(pid: int) -> int:
    """Resident memory of ``pid`` from /proc (Linux); 0 where /proc is not available."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def stop_process(proc: subprocess.Popen[bytes]) -> None:
    """Stop ``proc`` and its process group: TERM, then KILL if it does not go within 10 s."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def start_streamlit(log_name: str, extra_args: list[str] | None = None, script: str = "app.py") -> Server:
    """Serve ``script`` (relative to the repository; the app by default) on a free loopback port."""
    port = free_port()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log = ARTIFACTS / f"{log_name}.log"
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        script,
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        "--server.fileWatcherType",
        "none",
        *(extra_args or []),
    ]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with log.open("wb") as out:
        proc = subprocess.Popen(
            cmd, cwd=REPO, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True
        )
    server = Server(proc, port, log)
    try:
        wait_until_healthy(f"{server.url}/_stcore/health", proc, START_TIMEOUT_S)
    except BaseException:
        stop_process(proc)
        raise RuntimeError(f"streamlit did not start; log:\n{log.read_text(errors='replace')}") from None
    return server


def chromium_executable() -> str | None:
    """COPILOT_ROI_CHROMIUM, else Debian's chromium, else None (Playwright's own browser)."""
    configured = os.environ.get("COPILOT_ROI_CHROMIUM")
    if configured:
        return configured
    for candidate in ("/usr/bin/chromium", "/usr/bin/chromium-browser"):
        if Path(candidate).exists():
            return candidate
    return shutil.which("chromium")


def launch_chromium(playwright: Any) -> Any:
    executable = chromium_executable()
    return playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)


# --- pages, from the router ---------------------------------------------------------------


@dataclass(frozen=True)
class AppPage:
    path: str
    title: str
    url_path: str
    default: bool

    @property
    def slug(self) -> str:
        return Path(self.path).stem


def app_pages(app_py: Path = REPO / "app.py") -> list[AppPage]:
    """Every ``st.Page(...)`` in app.py: its script, title, URL path and whether it is the default.

    Parsing the router (not a list kept here) means a page added to app.py is covered at once.
    """
    found: list[AppPage] = []
    for node in ast.walk(ast.parse(app_py.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        if node.func.attr != "Page" or not node.args or not isinstance(node.args[0], ast.Constant):
            continue
        keywords = {kw.arg: kw.value for kw in node.keywords if kw.arg}
        path = str(node.args[0].value)

        def literal(name: str, fallback: Any, keywords: dict[str, ast.expr] = keywords) -> Any:
            value = keywords.get(name)
            return value.value if isinstance(value, ast.Constant) else fallback

        stem = Path(path).stem
        found.append(
            AppPage(
                path=path,
                title=str(literal("title", stem.replace("_", " ").title())),
                url_path=str(literal("url_path", stem)),
                default=bool(literal("default", False)),
            )
        )
    if found and not any(p.default for p in found):
        found[0] = AppPage(found[0].path, found[0].title, found[0].url_path, True)
    return found


def page_url(server_url: str, app_page: AppPage) -> str:
    return f"{server_url}/" if app_page.default else f"{server_url}/{app_page.url_path}"


def find_page(slug: str) -> AppPage | None:
    return next((p for p in app_pages() if p.slug == slug), None)


def require_page(slug: str) -> AppPage:
    """The page ``app_pages/<slug>.py`` from the router, or skip naming what is missing."""
    found = find_page(slug)
    if found is None:
        pytest.skip(f"app_pages/{slug}.py is not in app.py's st.navigation yet")
    return found


# --- waiting for Streamlit ------------------------------------------------------------------


def wait_for_script(page: Any, timeout_ms: int = 90_000) -> None:
    """Wait until the app is connected and its script has finished running.

    Right after a click or an edit this may return at once: the browser sends the rerun a moment
    later, and until then the state is still "not running" from the run before. To wait for an
    input's rerun, wait for something it changes on the page first.
    """
    page.wait_for_selector(
        '[data-testid="stApp"][data-test-connection-state="CONNECTED"][data-test-script-state="notRunning"]',
        timeout=timeout_ms,
    )


SKELETONS = '[data-testid="stSkeleton"], [data-testid="stSkeletonElement"], [data-testid="stAppSkeleton"]'


def wait_until_drawn(page: Any, timeout_ms: int = 60_000) -> None:
    """Wait for the script to finish and for every element to be drawn.

    Streamlit loads the code of many elements (metrics, sliders, charts) on first use and shows a
    grey skeleton until it arrives, after the script has finished.
    """
    wait_for_script(page, timeout_ms)
    page.wait_for_function(
        "selector => document.querySelectorAll(selector).length === 0", arg=SKELETONS, timeout=timeout_ms
    )


def open_page(page: Any, url: str) -> None:
    page.goto(url, wait_until="domcontentloaded")
    wait_until_drawn(page)


def page_errors(page: Any) -> list[str]:
    """Texts of exceptions and st.error alerts currently on the page."""
    errors = [e.inner_text() for e in page.query_selector_all('[data-testid="stException"]')]
    errors += [e.inner_text() for e in page.query_selector_all('[data-testid="stAlertContentError"]')]
    return errors


def shoot(page: Any, name: str) -> None:
    """Save the viewport (what the room sees) as ``name``.png for a person to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def screenshot(page: Any, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(target), full_page=True)
    return target


# --- reading and driving pages ----------------------------------------------------------------


def metric(page: Any, label: str) -> Any:
    """The value locator of the st.metric labelled ``label``."""
    return (
        page.locator('[data-testid="stMetric"]')
        .filter(has=page.locator('[data-testid="stMetricLabel"]', has_text=label))
        .first.locator('[data-testid="stMetricValue"]')
    )


def upload(page: Any, paths: list[Path], uploader_index: int = 0) -> None:
    """Put ``paths`` into the page's file uploader (as a person choosing files would)."""
    dropzone = page.locator('[data-testid="stFileUploaderDropzoneInput"]').nth(uploader_index)
    dropzone.set_input_files([str(p) for p in paths])


def cli_json(*args: str) -> dict[str, Any]:
    """Run the project's CLI (same engine as the pages) and parse its JSON output."""
    run = subprocess.run(
        [sys.executable, "-m", "copilot_roi", *args, "--json"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return dict(json.loads(run.stdout))
