"""A minimal Streamlit websocket client: one real server-side session without a browser.

It does what the frontend does on load: fetch the XSRF cookie, open /_stcore/stream with the token
in the subprotocol header, ask for a script run, and read ForwardMsgs until the run finishes. The
load test uses it to hold many sessions at once on 2 cores (25 Chromium tabs would measure the
browser, not the app). The workshop benchmark uses it through nginx (it keeps the route cookie, so
a session stays on one replica) and to upload files as the frontend does.
"""

from __future__ import annotations

import asyncio
import time
import urllib.request
import uuid
from collections import Counter
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

import websockets
from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

T = TypeVar("T")


def run_async(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run ``coroutine`` on a fresh event loop in a worker thread.

    Playwright's sync API keeps an event loop running in the test's thread, where asyncio.run()
    is refused.
    """
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def session_cookies(base_url: str) -> dict[str, str]:
    """The cookies a browser gets with its first response: the XSRF cookie, and behind nginx the
    route cookie that keeps every later request of the session on one replica."""
    cookies = {}
    with urllib.request.urlopen(f"{base_url}/_stcore/health", timeout=10) as response:
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            cookies[name.strip()] = rest.split(";", 1)[0]
    return cookies


def xsrf_cookie(base_url: str) -> str:
    return session_cookies(base_url).get("_streamlit_xsrf", "")


@dataclass
class ScriptRun:
    status: int | None = None
    seconds: float = 0.0
    elements: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    session_id: str = ""
    # label -> (seconds from the run's start to the metric's first delta, its value)
    metrics: dict[str, tuple[float, str]] = field(default_factory=dict)
    # the same for headline cards drawn as markdown: a heading line (the label), then the value's
    headings: dict[str, tuple[float, str]] = field(default_factory=dict)
    file_uploader_ids: list[str] = field(default_factory=list)


class StreamlitSession:
    """``async with StreamlitSession(url) as s: run = await s.run()``."""

    def __init__(self, base_url: str, cookies: dict[str, str] | None = None) -> None:
        self.base_url = base_url
        self.cookies = cookies
        self.session_id = ""
        self._ws: Any = None

    @property
    def _cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in (self.cookies or {}).items())

    async def __aenter__(self) -> StreamlitSession:
        if self.cookies is None:
            self.cookies = session_cookies(self.base_url)
        token = self.cookies.get("_streamlit_xsrf", "")
        host = self.base_url.split("://", 1)[1]
        self._ws = await websockets.connect(
            f"ws://{host}/_stcore/stream",
            subprotocols=["streamlit", token] if token else ["streamlit"],  # type: ignore[list-item]
            additional_headers={"Cookie": self._cookie_header, "Origin": self.base_url},
            max_size=None,
            open_timeout=30,
        )
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._ws.close()

    async def run(
        self, query_string: str = "", page_name: str = "", widgets: list[WidgetState] | None = None
    ) -> ScriptRun:
        """Run the script for the page at URL path ``page_name`` ("" = the default page), with
        ``widgets`` as the widget states the frontend would send."""
        back = BackMsg()
        back.rerun_script.query_string = query_string
        back.rerun_script.page_name = page_name
        back.rerun_script.widget_states.widgets.extend(widgets or [])
        start = time.perf_counter()
        await self._ws.send(back.SerializeToString())
        run = ScriptRun()
        while run.status is None:
            message = ForwardMsg.FromString(await self._ws.recv())
            kind = message.WhichOneof("type")
            if kind == "script_finished":
                run.status = message.script_finished
            elif kind == "new_session":
                self.session_id = message.new_session.initialize.session_id
            elif kind == "delta" and message.delta.WhichOneof("type") == "new_element":
                element = message.delta.new_element
                element_type = element.WhichOneof("type") or ""
                run.elements[element_type] += 1
                if element_type == "metric" and element.metric.label not in run.metrics:
                    run.metrics[element.metric.label] = (time.perf_counter() - start, element.metric.body)
                elif element_type == "markdown":
                    lines = element.markdown.body.splitlines()
                    if len(lines) >= 2 and lines[0].startswith("#") and lines[1].startswith("#"):
                        label, value = lines[0].lstrip("# "), lines[1].lstrip("# ")
                        if label not in run.headings:
                            run.headings[label] = (time.perf_counter() - start, value)
                elif element_type == "file_uploader":
                    run.file_uploader_ids.append(element.file_uploader.id)
                elif element_type == "exception":
                    run.errors.append(f"exception: {element.exception.type}: {element.exception.message}")
                elif element_type == "alert" and element.alert.format == Alert.ERROR:
                    run.errors.append(f"error alert: {element.alert.body}")
        run.seconds = time.perf_counter() - start
        run.session_id = self.session_id
        return run

    async def upload(self, uploader_id: str, files: list[tuple[str, bytes]]) -> WidgetState:
        """PUT each file to this session's upload endpoint, as the frontend does, and return the
        uploader's widget state that names them (pass it to :meth:`run`)."""
        state = WidgetState(id=uploader_id)
        for name, data in files:
            file_id = str(uuid.uuid4())
            url = f"/_stcore/upload_file/{self.session_id}/{file_id}"
            await asyncio.to_thread(self._put, url, name, data)
            info = state.file_uploader_state_value.uploaded_file_info.add(
                file_id=file_id, name=name, size=len(data)
            )
            info.file_urls.file_id, info.file_urls.upload_url, info.file_urls.delete_url = file_id, url, url
        return state

    def _put(self, url: str, name: str, data: bytes) -> None:
        boundary = uuid.uuid4().hex
        body = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
                "Content-Type: application/octet-stream\r\n\r\n"
            ).encode()
            + data
            + f"\r\n--{boundary}--\r\n".encode()
        )
        assert self.cookies is not None
        request = urllib.request.Request(
            self.base_url + url,
            data=body,
            method="PUT",
            headers={
                "Content-Type": f"multipart/form-data; boundary={boundary}",
                "Cookie": self._cookie_header,
                "X-Xsrftoken": self.cookies.get("_streamlit_xsrf", ""),
                "Origin": self.base_url,
            },
        )
        with urllib.request.urlopen(request, timeout=120) as response:
            assert response.status in (200, 204), response.status
