"""Two app processes behind nginx with deploy/nginx.conf: health, sticky sessions, websocket, XSRF.

The shipped config is used as is; only its ports are rewritten to free loopback ports. nginx runs
in the foreground in its own process group with a throwaway prefix directory, and an access log
that records which replica served each request, so stickiness is checked from nginx's own record.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import shutil
import subprocess
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from e2ekit import (
    REPO,
    Server,
    cli_json,
    find_page,
    free_port,
    metric,
    open_page,
    page_url,
    start_streamlit,
    stop_process,
    upload,
    wait_for_script,
    wait_until_healthy,
)
from wsclient import StreamlitSession, run_async

pytestmark = pytest.mark.e2e

XLSX = REPO / "sample_data" / "CapacityUsage.xlsx"

NGINX_SITE = REPO / "deploy" / "nginx.conf"
ROUTE_COOKIE = "copilot_roi_route"
LOG_FORMAT = "$cookie_copilot_roi_route|$upstream_addr|$request_method|$uri|$status"


async def visit_home(url: str) -> None:
    async with StreamlitSession(url) as session:
        await session.run()


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if Path(p).exists()), None
    )


def site_config(listen_port: int, replica_ports: list[int]) -> str:
    """deploy/nginx.conf with its listen port and upstream servers moved to the given ports."""
    text = NGINX_SITE.read_text(encoding="utf-8")
    text, listens = re.subn(r"^(\s*)listen 80;", rf"\1listen 127.0.0.1:{listen_port};", text, flags=re.M)
    assert listens == 1, "deploy/nginx.conf must have one `listen 80;`"
    shipped = re.findall(r"^\s*server 127\.0\.0\.1:(\d+);", text, flags=re.M)
    assert len(shipped) == len(replica_ports), (
        f"expected {len(replica_ports)} upstream servers, got {shipped}"
    )
    for old, new in zip(shipped, replica_ports, strict=True):
        text = text.replace(f"server 127.0.0.1:{old};", f"server 127.0.0.1:{new};")
    return text


def main_config(prefix: Path, site: Path) -> str:
    temp_paths = "\n".join(
        f"    {kind}_temp_path {prefix / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    # As root, nginx would switch its workers to `nobody`, who cannot enter the test's directory.
    user = "user root;\n" if os.geteuid() == 0 else ""
    return f"""{user}worker_processes 1;
pid {prefix / "nginx.pid"};
error_log {prefix / "error.log"} warn;
events {{ worker_connections 1024; }}
http {{
{temp_paths}
    log_format upstreams '{LOG_FORMAT}';
    access_log {prefix / "access.log"} upstreams;
    include {site};
}}
"""


@dataclass
class Proxy:
    proc: subprocess.Popen[bytes]
    port: int
    prefix: Path
    replicas: list[Server]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait_for_log(
        self, done: Callable[[list[dict[str, str]]], bool], timeout_s: float = 15
    ) -> list[dict[str, str]]:
        """The access log once ``done(rows)`` holds (or the timeout passes)."""
        deadline = time.monotonic() + timeout_s
        rows = self.log()
        while not done(rows) and time.monotonic() < deadline:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout=0.05)  # the pause between reads; also notices nginx dying
            rows = self.log()
        return rows

    def log(self) -> list[dict[str, str]]:
        rows = []
        for line in (self.prefix / "access.log").read_text().splitlines():
            route, upstream, method, uri, status = line.split("|")
            rows.append(
                {"route": route, "upstream": upstream, "method": method, "uri": uri, "status": status}
            )
        return rows


@pytest.fixture(scope="module")
def proxy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Proxy]:
    nginx = nginx_binary()
    if nginx is None:
        pytest.skip("nginx is not installed (./run test installs Debian's nginx when run as root)")
    prefix = tmp_path_factory.mktemp("nginx")
    replicas = [start_streamlit("replica-a"), start_streamlit("replica-b")]
    proc = None
    try:
        for replica in replicas:  # as after a deploy: the home page has been opened once
            run_async(visit_home(replica.url))
        port = free_port()
        site = prefix / "copilot-roi.conf"
        site.write_text(site_config(port, [r.port for r in replicas]))
        (prefix / "nginx.conf").write_text(main_config(prefix, site))
        base = [nginx, "-p", str(prefix), "-c", str(prefix / "nginx.conf")]
        check = subprocess.run([*base, "-t"], capture_output=True, text=True, check=False)
        assert check.returncode == 0, f"nginx -t rejected the config:\n{check.stderr}"
        proc = subprocess.Popen(
            [*base, "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=(prefix / "stderr.log").open("wb"),
            start_new_session=True,
        )
        wait_until_healthy(f"http://127.0.0.1:{port}/_stcore/health", proc, 30)
        yield Proxy(proc, port, prefix, replicas)
    finally:
        if proc is not None:
            stop_process(proc)
        for replica in replicas:
            stop_process(replica.proc)


def get(url: str, cookie: str = "") -> tuple[int, list[str]]:
    """Status and Set-Cookie headers of a GET, sending ``cookie`` as the Cookie header."""
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, response.headers.get_all("Set-Cookie") or []


def cookie_header(set_cookies: list[str]) -> str:
    return "; ".join(c.split(";", 1)[0] for c in set_cookies)


def test_replicas_and_proxy_are_healthy(proxy: Proxy) -> None:
    for replica in proxy.replicas:
        assert get(f"{replica.url}/_stcore/health")[0] == 200
    assert get(f"{proxy.url}/_stcore/health")[0] == 200
    assert get(f"{proxy.url}/")[0] == 200


def test_route_and_xsrf_cookies_pass_through(proxy: Proxy) -> None:
    status, first = get(f"{proxy.url}/_stcore/health")
    assert status == 200
    assert any(c.startswith(f"{ROUTE_COOKIE}=") and "HttpOnly" in c for c in first), first
    # Streamlit's double-submit XSRF cookie reaches the browser unchanged (readable by JavaScript).
    xsrf = [c for c in first if c.startswith("_streamlit_xsrf=")]
    assert xsrf and "HttpOnly" not in xsrf[0], first
    # A browser that has its route keeps it: nginx does not set the cookie again.
    _, second = get(f"{proxy.url}/_stcore/health", cookie_header(first))
    assert not any(c.startswith(f"{ROUTE_COOKIE}=") for c in second)


def test_new_sessions_spread_over_both_replicas(proxy: Proxy) -> None:
    for _ in range(24):
        get(f"{proxy.url}/_stcore/health")  # no cookie: a new visitor each time
    upstreams = {row["upstream"] for row in proxy.log() if row["uri"] == "/_stcore/health"}
    assert {f"127.0.0.1:{r.port}" for r in proxy.replicas} <= upstreams


def test_browser_session_through_the_proxy(proxy: Proxy, browser: Any) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 3600})
    context.set_default_timeout(60_000)
    try:
        page = context.new_page()
        page.goto(f"{proxy.url}/", wait_until="domcontentloaded")
        wait_for_script(page)  # the script ran: the websocket is up through nginx
        page.wait_for_selector('[data-testid="stVegaLiteChart"]')  # the default (capacity) page's charts
        total = page.locator('[data-testid="stMetric"]').first
        before = total.inner_text()
        # A widget change travels browser -> websocket -> app and the rerun comes back.
        scu = page.get_by_role("spinbutton", name="Provisioned SCUs")
        scu.fill("6")
        scu.press("Enter")
        page.wait_for_function(
            "before => document.querySelector('[data-testid=\"stMetric\"]').innerText !== before", arg=before
        )
        wait_for_script(page)
        route = next(c["value"] for c in context.cookies() if c["name"] == ROUTE_COOKIE)
    finally:
        context.close()

    # nginx logs the websocket when it closes, a moment after the browser context has gone.
    mine = proxy.wait_for_log(
        lambda rows: any(r["uri"] == "/_stcore/stream" and r["route"] == route for r in rows)
    )
    mine = [row for row in mine if row["route"] == route]
    assert any(row["uri"] == "/_stcore/stream" and row["status"] == "101" for row in mine), mine
    upstreams = {row["upstream"] for row in mine if row["upstream"] != "-"}
    assert len(upstreams) == 1, f"one browser session was served by several replicas: {upstreams}"


def test_upload_through_the_proxy(proxy: Proxy, new_page: Callable[[], Any]) -> None:
    """An upload is its own HTTP request: it must pass the XSRF check and reach the session's replica."""
    from playwright.sync_api import expect

    usage = find_page("usage")
    if usage is None:
        pytest.skip("app_pages/usage.py is not in app.py yet")
    want = cli_json("usage", str(XLSX), "--as-of", dt.date.today().isoformat(), "--tz", "UTC")
    page = new_page()
    open_page(page, page_url(proxy.url, usage))
    upload(page, [XLSX])
    expect(metric(page, "SCUs used")).to_have_text(f"{want['total_units']:,.1f}")
    route = next(c["value"] for c in page.context.cookies() if c["name"] == ROUTE_COOKIE)

    rows = [r for r in proxy.log() if r["route"] == route]
    uploads = [r for r in rows if r["uri"].startswith("/_stcore/upload_file/") and r["method"] == "PUT"]
    assert uploads and all(r["status"].startswith("2") for r in uploads), rows
    assert len({r["upstream"] for r in rows if r["upstream"] != "-"}) == 1
