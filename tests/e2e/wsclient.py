"""A minimal Streamlit websocket client: one real server-side session without a browser.

It does what the frontend does on load: fetch the XSRF cookie, open /_stcore/stream with the token
in the subprotocol header, ask for a script run, and read ForwardMsgs until the run finishes. The
load test uses it to hold many sessions at once on 2 cores (25 Chromium tabs would measure the
browser, not the app).
"""

from __future__ import annotations

import asyncio
import time
import urllib.request
from collections import Counter
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

import websockets
from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

T = TypeVar("T")


def run_async(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run ``coroutine`` on a fresh event loop in a worker thread.

    Playwright's sync API keeps an event loop running in the test's thread, where asyncio.run()
    is refused.
    """
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def xsrf_cookie(base_url: str) -> str:
    with urllib.request.urlopen(f"{base_url}/_stcore/health", timeout=10) as response:
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            if name == "_streamlit_xsrf":
                return rest.split(";", 1)[0]
    return ""


@dataclass
class ScriptRun:
    status: int | None = None
    seconds: float = 0.0
    elements: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)


class StreamlitSession:
    """``async with StreamlitSession(url) as s: run = await s.run()``."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self._ws: Any = None

    async def __aenter__(self) -> StreamlitSession:
        token = xsrf_cookie(self.base_url)
        host = self.base_url.split("://", 1)[1]
        self._ws = await websockets.connect(
            f"ws://{host}/_stcore/stream",
            subprotocols=["streamlit", token] if token else ["streamlit"],  # type: ignore[list-item]
            additional_headers={"Cookie": f"_streamlit_xsrf={token}", "Origin": self.base_url},
            max_size=None,
            open_timeout=30,
        )
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._ws.close()

    async def run(self, query_string: str = "", page_name: str = "") -> ScriptRun:
        """Run the script for the page at URL path ``page_name`` ("" = the default page)."""
        back = BackMsg()
        back.rerun_script.query_string = query_string
        back.rerun_script.page_name = page_name
        start = time.perf_counter()
        await self._ws.send(back.SerializeToString())
        run = ScriptRun()
        while run.status is None:
            message = ForwardMsg.FromString(await self._ws.recv())
            kind = message.WhichOneof("type")
            if kind == "script_finished":
                run.status = message.script_finished
            elif kind == "delta" and message.delta.WhichOneof("type") == "new_element":
                element = message.delta.new_element
                element_type = element.WhichOneof("type") or ""
                run.elements[element_type] += 1
                if element_type == "exception":
                    run.errors.append(f"exception: {element.exception.type}: {element.exception.message}")
                elif element_type == "alert" and element.alert.format == Alert.ERROR:
                    run.errors.append(f"error alert: {element.alert.body}")
        run.seconds = time.perf_counter() - start
        return run
