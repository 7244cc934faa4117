"""Textual's Footer, recomposed at most once per refresh and only when the keys it shows change.

Textual's ``Footer`` recomposes on every bindings signal — each focus change, each screen-stack
update — and each recompose re-creates and re-styles every key. Opening a run's results sends
about nine such signals, and the recomposes were the largest single cost of showing the first page
(tests/bench/PROFILING.md). Here the signals are coalesced into one pending recompose, which is
skipped when the bindings on show (keys, descriptions, enabled state) are what is already shown.

Help, Jump and Quit come first and, below ``COMPACT_BELOW`` columns, the keys are packed (one
space between them), so an 80-column terminal clips a screen's extra keys, never those
(tui/ui/bindings.py says which keys are in the footer at all).
"""

from __future__ import annotations

from typing import Any

from textual import events
from textual.screen import Screen
from textual.widgets import Footer

COMPACT_BELOW = 100
#: shown first, so a narrow terminal clips a screen's extra keys rather than these
FIRST = {"app.help": 0, "app.command_palette": 1, "app.quit": 2}


class QuietFooter(Footer):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pending = False
        self._shown: tuple | None = None

    def on_resize(self, event: events.Resize) -> None:
        self.compact = self.app.size.width < COMPACT_BELOW
        if self._shown is not None and self._shown[-1] != self.app.size.width and not self._pending:
            self._pending = True  # a different width fits different keys
            self.call_after_refresh(self._recompose_if_changed)

    def compose(self):
        keys = sorted(super().compose(), key=lambda w: FIRST.get(getattr(w, "action", ""), len(FIRST)))
        # only whole keys: one that does not fit is left out ("v Event lo" helps nobody; ? lists it)
        room, used, shown = self.app.size.width, 0, []
        for key in keys:
            width = self._cells(key)
            if width is not None:
                if used + width > room + (1 if self.compact else 0):  # the last margin may go
                    break
                used += width
            shown.append(key)
        return shown

    def _cells(self, key: object) -> int | None:
        """A footer key's width as Textual's Footer CSS lays it out (None: not a key)."""
        display, description = getattr(key, "key_display", None), getattr(key, "description", None)
        if display is None or description is None:
            return None
        if self.compact:  # key, space, description, then a one-cell margin
            return len(display) + 1 + len(description) + 1 if description else len(display) + 1
        return len(display) + 2 + len(description) + 1 if description else len(display)

    def bindings_changed(self, screen: Screen) -> None:
        self._bindings_ready = True
        # Textual skips a blurred app's footer; its web driver starts the app blurred and the page
        # reports focus only after a click, so in a browser the footer would stay blank until then
        if not screen.app.app_focus and not screen.app.is_web:
            return
        if self.is_attached and screen is self.screen and not self._pending:
            self._pending = True
            self.call_after_refresh(self._recompose_if_changed)

    def _keys_on_show(self) -> tuple:
        """What the footer would show: every active binding with its state."""
        return (*((name, b.key, b.key_display, b.action, b.description, b.show, b.group, enabled, tooltip)
                  for name, (_node, b, enabled, tooltip) in self.screen.active_bindings.items()),
                self.app.size.width)

    async def _recompose_if_changed(self) -> None:
        self._pending = False
        if not self.is_attached:
            return
        keys = self._keys_on_show()
        if keys == self._shown:
            return
        self._shown = keys
        await self.recompose()
