"""Time from process start until a marker string is visible on a pseudo-terminal's screen.

The command runs in a pty of ``cols × rows``; its output goes through a VT100 emulator (pyte) and the
clock stops as soon as the marker appears anywhere on the screen. Same logic as
``../shared/tools/first_paint.py``, kept here so the benchmarks need only the repository.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import select
import signal
import struct
import termios
import time
from collections.abc import Mapping, Sequence
from re import Pattern


def time_to_marker(cmd: Sequence[str], marker: str | Pattern[str], *, env: Mapping[str, str] | None = None,
                   cols: int = 120, rows: int = 40, timeout: float = 20.0,
                   cwd: str | None = None, grace: float = 0.05, settle: float = 0.0) -> tuple[float | None, str]:
    """Seconds until ``marker`` (a string, or a compiled regex) shows (None on timeout) and the final
    screen text. ``grace``: seconds between SIGTERM and SIGKILL (a profiler needs time to dump).
    ``settle``: seconds the command keeps running after the marker showed (a priming run that must
    finish loading and write its cache before it is stopped)."""
    import pyte

    screen = pyte.Screen(cols, rows)
    stream = pyte.ByteStream(screen)
    child_env = dict(env if env is not None else os.environ, TERM="xterm-256color",
                     COLUMNS=str(cols), LINES=str(rows))
    size = struct.pack("HHHH", rows, cols, 0, 0)
    t0 = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:  # the child: size the terminal, then become the command
        try:
            fcntl.ioctl(0, termios.TIOCSWINSZ, size)
            if cwd:
                os.chdir(cwd)
            os.execvpe(cmd[0], list(cmd), child_env)
        finally:
            os._exit(127)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, size)
    found: float | None = None
    deadline = t0 + timeout
    try:
        while found is None and time.perf_counter() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.02)
            if not ready:
                continue
            try:
                data = os.read(fd, 65536)
            except OSError:
                break
            if not data:
                break
            stream.feed(data)
            # answer the cursor-position / device-attribute queries some apps send
            if b"\x1b[6n" in data:
                os.write(fd, b"\x1b[1;1R")
            if b"\x1b[c" in data:
                os.write(fd, b"\x1b[?62;c")
            if _shows(marker, "\n".join(screen.display)):
                found = time.perf_counter() - t0
        settled = time.perf_counter() + settle
        while found is not None and time.perf_counter() < settled:  # keep draining its output
            ready, _, _ = select.select([fd], [], [], 0.02)
            try:
                if ready and not os.read(fd, 65536):
                    break
            except OSError:
                break
    finally:
        text = "\n".join(screen.display)
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                break
            time.sleep(grace)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)
        os.close(fd)
    return found, text


def _shows(marker: str | Pattern[str], text: str) -> bool:
    return bool(marker.search(text)) if isinstance(marker, Pattern) else marker in text
