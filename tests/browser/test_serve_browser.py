"""``cleanroom-tui serve --demo`` in headless Chromium, driven like a person: wait for the rooms,
open one, read help, export a table (the file arrives as a download), copy an id through the
browser's clipboard, quit. A failure leaves a PNG of the page (see the ``artifacts`` fixture).

``CLEANROOM_TUI_BROWSER_SCREENSHOT=path.png`` also saves the page once the home screen is up: the
README's browser screenshot (``screenshots/browser.png``) is taken this way.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import time
from pathlib import Path

import pytest

from .cdp import Page, browser
from .harness import free_port, serve_app_argv, serving

pytestmark = pytest.mark.timeout(300)
#: generous: CI machines and this one are shared; the start-up figure is the benchmark's job
SLOW = 90.0


def wait_for(page: Page, what: str, check, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"{what}: not within {timeout:.0f}s; screen:\n{page.screen_text()}")


@contextlib.contextmanager
def screenshot_on_failure(page: Page, artifacts: Path):
    try:
        yield
    except BaseException as exc:
        with contextlib.suppress(Exception):
            shot = page.screenshot(artifacts / "browser-failure.png")
            exc.add_note(f"screenshot of the page: {shot}")
        raise


def test_serve_demo_in_headless_chromium(chromium, isolated_env, artifacts, tmp_path):
    port = free_port()
    work = tmp_path / "work"  # the app processes' cwd: where exports are written on the server
    work.mkdir()
    log = tmp_path / "serve.log"
    with serving(serve_app_argv(port, "--demo"), port, environ=isolated_env, cwd=work, log=log) as url, \
            browser(chromium) as b:
        page = b.page
        with screenshot_on_failure(page, artifacts):
            page.navigate(url)
            home = page.wait_text("CR-", SLOW)
            assert "Clean rooms" in home and "Collaborations" in home
            # the footer is drawn without a click on the page (it stayed blank until focus)
            page.wait_text("? Help", 30)
            if target := os.environ.get("CLEANROOM_TUI_BROWSER_SCREENSHOT"):
                time.sleep(1.0)  # "Refreshing…" lines settle
                page.screenshot(Path(target))

            # y: the selected room's id reaches the browser's clipboard (OSC 52 → xterm.js → navigator.clipboard)
            b.grant_clipboard(url.rstrip("/"))
            page.key("y")
            copied = wait_for(page, "clipboard holds a room id", lambda: (
                page.evaluate("navigator.clipboard.readText()", await_promise=True) or "").startswith("CR-")
                and page.evaluate("navigator.clipboard.readText()", await_promise=True))
            assert copied in page.screen_text()

            # e on the rooms table: the CSV is written on the server and downloaded by the browser
            page.key("e")
            page.wait_text("to:", 20)
            page.key("enter")
            downloaded, suggested = b.wait_download(30)
            assert suggested.endswith(".csv") and suggested.startswith("clean-rooms")
            rows = list(csv.DictReader(io.StringIO(downloaded.read_text())))
            assert rows and all(r["Id"].startswith("CR-") for r in rows)
            assert any(r["Id"] == copied for r in rows)
            assert (work / suggested).read_text() == downloaded.read_text()  # the same file as on disk

            # Down + Enter opens the second room
            page.key("down")
            page.key("enter")
            room = page.wait_text("Home › CR-", 30)
            assert "Overview" in room

            # ? opens help; escape closes it
            page.key("?")
            page.wait_text("keys", 20)
            assert "Everywhere" in page.screen_text()
            page.key("escape")
            wait_for(page, "help closed", lambda: "Everywhere" not in page.screen_text(), 20)

            # q quits: the app process ends and the page says the session ended
            page.key("q")
            wait_for(page, "session ended", lambda: page.evaluate(
                "document.body.classList.contains('-closed')"), 30)
