"""A small client for Chromium's DevTools protocol (CDP) over a websocket: enough to load a page,
type keys, read xterm.js's screen, take screenshots and receive downloads.

Headless Chromium comes from the distribution's package (Debian's ``chromium``), never a
downloaded browser build. The browser is started with ``--remote-debugging-port=0`` and writes the
port it chose to ``DevToolsActivePort`` in its profile directory.
"""

from __future__ import annotations

import base64
import contextlib
import itertools
import json
import os
import shutil
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from websockets.sync.client import ClientConnection, connect

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-extensions", "--mute-audio", "--hide-scrollbars"]
NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def find_chromium() -> str | None:
    override = os.environ.get("CLEANROOM_TUI_CHROMIUM")
    if override:
        return override if Path(override).exists() else None
    return next((path for name in NAMES if (path := shutil.which(name))), None)


class CDPError(RuntimeError):
    pass


class Connection:
    """One websocket to a CDP endpoint (the browser's or a page's); calls are synchronous and the
    events that arrive meanwhile are kept for :meth:`wait_event`."""

    def __init__(self, url: str) -> None:
        # entered as a context manager (websockets ≥ 17 warns otherwise); left in close()
        self.ws: ClientConnection = connect(url, max_size=None, open_timeout=10).__enter__()
        self._ids = itertools.count(1)
        self.events: list[dict[str, Any]] = []

    def call(self, method: str, timeout: float = 30.0, **params: Any) -> dict[str, Any]:
        msg_id = next(self._ids)
        self.ws.send(json.dumps({"id": msg_id, "method": method, "params": params}))
        deadline = time.monotonic() + timeout
        while True:
            message = self._recv(deadline, method)
            if message.get("id") == msg_id:
                if "error" in message:
                    raise CDPError(f"{method}: {message['error']}")
                return message.get("result", {})
            self.events.append(message)

    def _recv(self, deadline: float, what: str) -> dict[str, Any]:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"no answer to {what}")
        try:
            return json.loads(self.ws.recv(timeout=left))
        except TimeoutError:
            raise TimeoutError(f"no answer to {what}") from None

    def wait_event(self, method: str, timeout: float = 10.0, pred: Any = None) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            for i, event in enumerate(self.events):
                if event.get("method") == method and (pred is None or pred(event["params"])):
                    del self.events[i]
                    return event["params"]
            self.events.append(self._recv(deadline, method))

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.ws.close()


#: finds xterm.js's Terminal among the page's objects; textual.js keeps it in a closure, so the
#: test asks V8 for every object and keeps the one that looks like a Terminal (see ``terminal``)
_IS_TERMINAL = ("function() { const found = this.filter(o => { try { return !!(o && o.buffer && "
                "o.buffer.active && typeof o.buffer.active.getLine === 'function' && o.element); } "
                "catch (e) { return false; } }); "
                "if (found.length) { window.__term = found[0]; } return found.length; }")
_SCREEN_TEXT = ("(() => { const t = window.__term; if (!t) return null; const b = t.buffer.active; "
                "const out = []; for (let y = 0; y < t.rows; y++) { const l = b.getLine(b.viewportY + y); "
                "out.push(l ? l.translateToString(true) : ''); } return out.join('\\n'); })()")
_KEYS = {  # key name -> (key, code, windowsVirtualKeyCode, text)
    "enter": ("Enter", "Enter", 13, "\r"), "down": ("ArrowDown", "ArrowDown", 40, ""),
    "up": ("ArrowUp", "ArrowUp", 38, ""), "escape": ("Escape", "Escape", 27, ""),
    "tab": ("Tab", "Tab", 9, ""), "backspace": ("Backspace", "Backspace", 8, ""),
}


class Page:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        conn.call("Page.enable")
        conn.call("Runtime.enable")

    def navigate(self, url: str) -> None:
        self.conn.call("Page.navigate", url=url)

    def evaluate(self, expression: str, await_promise: bool = False) -> Any:
        result = self.conn.call("Runtime.evaluate", expression=expression, returnByValue=True,
                                awaitPromise=await_promise)
        if "exceptionDetails" in result:
            raise CDPError(f"{expression[:60]}…: {result['exceptionDetails'].get('text')}")
        return result["result"].get("value")

    def find_terminal(self) -> bool:
        """Locate xterm.js's Terminal object (``window.__term``); False until the page made it."""
        ready = self.evaluate("window.__term ? 2 : document.querySelector('.xterm-screen') ? 1 : 0")
        if ready != 1:  # found already, or no terminal yet: no heap scan (it runs a full GC)
            return ready == 2
        proto = self.conn.call("Runtime.evaluate", expression="Object.prototype")["result"]["objectId"]
        objects = self.conn.call("Runtime.queryObjects", prototypeObjectId=proto)["objects"]["objectId"]
        try:
            found = self.conn.call("Runtime.callFunctionOn", objectId=objects, functionDeclaration=_IS_TERMINAL,
                                   returnByValue=True)["result"].get("value")
        finally:
            self.conn.call("Runtime.releaseObject", objectId=objects)
            self.conn.call("Runtime.releaseObject", objectId=proto)
        return bool(found)

    def screen_text(self) -> str:
        """The terminal's visible text, one line per row, as xterm.js holds it."""
        if not self.find_terminal():
            return ""
        return self.evaluate(_SCREEN_TEXT) or ""

    def wait_text(self, needle: str, timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
        text = ""
        while time.monotonic() < deadline:
            text = self.screen_text()
            if needle in text:
                return text
            time.sleep(0.05)
        raise AssertionError(f"{needle!r} not on screen within {timeout:.0f}s; screen:\n{text}")

    def first_seen(self, needle: str, timeout: float = 60.0) -> float:
        """Seconds from the page's navigation start to the moment xterm.js had parsed output
        containing ``needle`` (an ``onWriteParsed`` hook in the page: exact, whatever our polling
        interval or a busy renderer)."""
        hook = ("(() => { const t = window.__term, n = %s; window.__seen = window.__seen || {}; "
                "const check = () => { if (window.__seen[n]) return; const b = t.buffer.active; "
                "for (let y = 0; y < t.rows; y++) { const l = b.getLine(b.viewportY + y); "
                "if (l && l.translateToString(true).includes(n)) { window.__seen[n] = performance.now(); return; } } }; "
                "if (!window.__hooked) { window.__hooked = {}; } "
                "if (!window.__hooked[n]) { window.__hooked[n] = t.onWriteParsed(check); } check(); })()")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.find_terminal():
                self.evaluate(hook % json.dumps(needle))
                seen = self.evaluate(f"(window.__seen || {{}})[{json.dumps(needle)}]")
                if seen:
                    return seen / 1000.0
            time.sleep(0.05)
        raise AssertionError(f"{needle!r} not on screen within {timeout:.0f}s; screen:\n{self.screen_text()}")

    def key(self, name: str) -> None:
        """Press a key: a name from ``_KEYS`` or one printable character."""
        if name in _KEYS:
            key, code, vk, text = _KEYS[name]
        else:
            key, code, vk, text = name, "", ord(name.upper()) if name.isalnum() else 0, name
        down: dict[str, Any] = {"type": "keyDown", "key": key, "code": code, "windowsVirtualKeyCode": vk}
        if text:
            down["text"] = text
        self.conn.call("Input.dispatchKeyEvent", **down)
        self.conn.call("Input.dispatchKeyEvent", type="keyUp", key=key, code=code, windowsVirtualKeyCode=vk)

    def type(self, text: str) -> None:
        for ch in text:
            self.key(ch)

    def screenshot(self, path: Path) -> Path:
        data = self.conn.call("Page.captureScreenshot", format="png")["data"]
        path.write_bytes(base64.b64decode(data))
        return path


class Browser:
    """Headless Chromium with one page, a fresh profile directory and downloads saved to ``downloads``."""

    def __init__(self, executable: str, width: int = 1280, height: int = 800) -> None:
        self.profile = Path(tempfile.mkdtemp(prefix="cleanroom-chromium-"))
        self.downloads = self.profile / "downloads"
        self.downloads.mkdir()
        self.proc = subprocess.Popen(
            [executable, *FLAGS, f"--user-data-dir={self.profile}", "--remote-debugging-port=0",
             "--remote-debugging-address=127.0.0.1", f"--window-size={width},{height}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port_file = self.profile / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not port_file.exists() or len(port_file.read_text().splitlines()) < 2:
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.close()
                raise CDPError("chromium did not start its DevTools endpoint")
            time.sleep(0.05)
        port, path = port_file.read_text().splitlines()[:2]
        self.http = f"http://127.0.0.1:{port}"
        self.browser = Connection(f"ws://127.0.0.1:{port}{path}")
        self.browser.call("Browser.setDownloadBehavior", behavior="allowAndName", downloadPath=str(self.downloads),
                          eventsEnabled=True)
        self.page = Page(Connection(self._first_page()))

    def _first_page(self) -> str:
        with urllib.request.urlopen(f"{self.http}/json/list", timeout=10) as resp:
            targets = json.load(resp)
        return next(t["webSocketDebuggerUrl"] for t in targets if t.get("type") == "page")

    def grant_clipboard(self, origin: str) -> None:
        self.browser.call("Browser.grantPermissions", origin=origin,
                          permissions=["clipboardReadWrite", "clipboardSanitizedWrite"])

    def wait_download(self, timeout: float = 20.0) -> tuple[Path, str]:
        """The next download, once complete: its file under ``downloads`` and its suggested name."""
        begin = self.browser.wait_event("Browser.downloadWillBegin", timeout)
        self.browser.wait_event("Browser.downloadProgress", timeout,
                                lambda p: p.get("guid") == begin["guid"] and p.get("state") == "completed")
        # "allowAndName": saved under its guid; suggestedFilename is the name the server gave it
        return self.downloads / begin["guid"], begin.get("suggestedFilename", "")

    def close(self) -> None:
        for conn in (getattr(self, "page", None), getattr(self, "browser", None)):
            if conn is not None:
                (conn.conn if isinstance(conn, Page) else conn).close()
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        shutil.rmtree(self.profile, ignore_errors=True)


@contextlib.contextmanager
def browser(executable: str, **kwargs: Any) -> Iterator[Browser]:
    b = Browser(executable, **kwargs)
    try:
        yield b
    finally:
        b.close()
