"""Telling the operator a watched run finished: a toast, the terminal bell, and (opt-in) a desktop
notification through the terminal.

Desktop notifications are escape sequences the terminal turns into a system notification:

- OSC 9 (``ESC ] 9 ; text BEL``): iTerm2, WezTerm, Windows Terminal, ConEmu, kitty (≥ 0.36), foot;
- OSC 777 (``ESC ] 777 ; notify ; title ; body BEL``): urxvt, foot, WezTerm, Ghostty, VTE terminals
  with the notify patch.

Decision: they are **off by default** and turned on with ``CLEANROOM_TUI_DESKTOP_NOTIFY`` —
``1``/``yes``/``both`` sends both sequences, ``9`` or ``777`` only that one. Terminals that do
not know a sequence ignore it, but some show stray text, and on a shared jump host the operator
should choose. tmux drops them unless ``allow-passthrough`` is on (they are not wrapped in tmux's
DCS passthrough here: that would need to know the outer terminal). Run names come from other
companies, so the text is sanitised (no control characters, no ``;`` that would end a field) and
capped before it is written.
"""

from __future__ import annotations

import os
import re
from typing import Any

from ..core.sanitize import plain
from ..core.status import Lifecycle

ENV = "CLEANROOM_TUI_DESKTOP_NOTIFY"
_MAX = 200
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f;\u2400-\u2421]")

TITLES = {
    Lifecycle.SUCCEEDED: "Run succeeded",
    Lifecycle.FAILED: "Run failed",
    Lifecycle.CANCELLED: "Run cancelled",
}


def desktop_modes(environ: dict[str, str] | None = None) -> tuple[str, ...]:
    """Which desktop-notification sequences the operator asked for: (), ("9",), ("777",) or both."""
    value = (environ if environ is not None else os.environ).get(ENV, "").strip().lower()
    if value in ("", "0", "no", "false", "off"):
        return ()
    if value == "9":
        return ("9",)
    if value == "777":
        return ("777",)
    return ("9", "777")


def osc_text(value: Any, max_len: int = _MAX) -> str:
    """Text safe inside an OSC string: printable, no field separator, short."""
    text = _UNSAFE.sub(" ", plain(value, None))
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= max_len else text[: max_len - 1] + "…"


def osc_sequences(title: str, body: str, modes: tuple[str, ...]) -> list[str]:
    t, b = osc_text(title, 80), osc_text(body)
    out = []
    if "9" in modes:
        out.append(f"\x1b]9;{osc_text(f'{t}: {b}')}\x07")
    if "777" in modes:
        out.append(f"\x1b]777;notify;{t};{b}\x07")
    return out


def finished_message(event: Any) -> tuple[str, str, str]:
    """(title, message, severity) for a :class:`~tui.core.watch.RunFinished`."""
    snap = event.run
    life = event.lifecycle
    title = TITLES.get(life, "Run finished")
    lines = [f"{plain(snap.name or snap.object_id, 120)}",
             f"{plain(snap.status, 40)} ({life.value}) · {snap.profile}"]
    if event.reason and life is not Lifecycle.SUCCEEDED:
        lines.append(f"Reason: {plain(event.reason, 300)}")
    severity = "information" if life is Lifecycle.SUCCEEDED else ("error" if life is Lifecycle.FAILED else "warning")
    return title, "\n".join(lines), severity


def announce_finished(app: Any, event: Any, *, modes: tuple[str, ...] | None = None) -> None:
    """Toast + bell (+ the desktop notification when asked for) for a finished run."""
    title, message, severity = finished_message(event)
    # failures stay on screen longer: they need reading
    app.notify(message, title=title, severity=severity, markup=False,
               timeout=8 if severity == "information" else 30)
    app.bell()
    write_desktop(app, title, message.replace("\n", " · "), modes)


def write_desktop(app: Any, title: str, body: str, modes: tuple[str, ...] | None = None) -> list[str]:
    """Write the OSC notification(s) to the terminal; returns what was (or would be) written."""
    modes = desktop_modes() if modes is None else modes
    sequences = osc_sequences(title, body, modes) if modes else []
    driver = getattr(app, "_driver", None)
    if sequences and driver is not None and not getattr(app, "is_headless", True):
        for seq in sequences:
            driver.write(seq)
    return sequences


__all__ = ["ENV", "announce_finished", "desktop_modes", "finished_message", "osc_sequences", "osc_text",
           "write_desktop"]
