"""Pilot apps paint on demand: the frames a headless app would throw away are not computed.

Textual renders every frame of a headless app (``Screen._compositor_refresh``: every dirty widget
is rendered to strips) and then ``App._display`` writes nothing, because there is no terminal. In
this suite that was a quarter of the UI tests' CPU. Here the top screen's frames are skipped while
the app is headless; its dirty regions stay recorded. What a test sees is rendered when it looks:

- ``screen_text`` and ``export_screenshot`` (snapshots) render the whole screen, as they did;
- when a test's ``run_test`` block ends normally, what changed on the screen since it was last
  looked at is rendered, so a widget that cannot render still fails the test that drove it there
  (as the frame it skipped would have).

Layout, mounting, messages, timers and ``call_after_refresh`` run as before: only the painting of
the discarded frame is left out. The real byte stream is tested on a pty (tests/faults/test_byte_stream.py,
the first-paint and new-operator walks), where nothing here applies.

``CLEANROOM_TUI_TEST_FRAMES=all`` paints every frame again (to rule this out when a UI test fails).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator

from textual.app import App
from textual.screen import Screen


def _paint_skipped(app: App) -> None:
    """Paint what the skipped frames would have painted since the screen was last looked at."""
    if app.is_running and app._exception is None:
        app.screen._compositor.render_update(screen_stack=app._background_screens)


def install() -> None:
    if os.environ.get("CLEANROOM_TUI_TEST_FRAMES") == "all" or getattr(Screen, "_frames_on_demand", False):
        return
    every_frame = Screen._compositor_refresh

    def compositor_refresh(self: Screen) -> None:
        app = self.app
        if app.is_headless and not app.is_inline and self is app.screen:
            self._dirty_widgets.clear()  # their regions stay in the compositor's dirty set
            app._update_mouse_over(self)
            return
        every_frame(self)

    real_run_test = App.run_test

    @contextlib.asynccontextmanager
    async def run_test(self: App, *args, **kwargs) -> AsyncIterator:
        async with real_run_test(self, *args, **kwargs) as pilot:
            yield pilot
            _paint_skipped(self)

    Screen._compositor_refresh = compositor_refresh
    Screen._frames_on_demand = True
    App.run_test = run_test
