"""Benchmark: CPU of the running TUI while it watches 10 active runs, between polls (issue 6).

The child is the real app on a 120×40 pty (``tests/bench/idle_app.py``: the demo in real time under
LiveRamp's real budget, so no status read falls due inside the window — the figure is the cost of
an app that is watching, between its polls). Baseline: the bare Textual app (Header, 50-row
DataTable, Footer) measured the same way in the same run. CPU = user + system time of the process
(all threads) from ``/proc/<pid>/stat`` over the window, as a percentage of one core.

    python -m tests.bench.bench_idle_tui [--quick]
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import select
import signal
import struct
import sys
import tempfile
import termios
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
TARGET_PCT = 2.0
TICKS = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime


def idle_cpu(cmd: list[str], *, ready: Path | None, window: float, warmup: float = 5.0,
             timeout: float = 60.0) -> tuple[float, int, str]:
    """(% of one core over ``window`` s, bytes the app wrote to the terminal in it, note)."""
    env = dict(os.environ, TERM="xterm-256color", COLUMNS="120", LINES="40")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if ready is not None:
        env["BENCH_READY"] = str(ready)
    pid, fd = pty.fork()
    if pid == 0:
        try:
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
            os.execvpe(cmd[0], cmd, env)
        finally:
            os._exit(127)
    written = 0

    def drain(until: float) -> int:
        got = 0
        while time.monotonic() < until:
            r, _, _ = select.select([fd], [], [], 0.05)
            if r:
                try:
                    got += len(os.read(fd, 65536))
                except OSError:
                    break
        return got

    try:
        start = time.monotonic()
        note = ""
        if ready is not None:
            while not ready.exists() and time.monotonic() - start < timeout:
                drain(time.monotonic() + 0.1)
            note = ready.read_text() if ready.exists() else "never ready"
        drain(time.monotonic() + warmup)
        before = _cpu_seconds(pid)
        t0 = time.monotonic()
        written = drain(t0 + window)
        used = _cpu_seconds(pid) - before
        elapsed = time.monotonic() - t0
        return 100.0 * used / elapsed, written, note
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(fd)


def measure(quick: bool = False) -> list[dict]:
    window = 10.0 if quick else 60.0
    with tempfile.TemporaryDirectory(prefix="bench-idle-") as tmp:
        ready = Path(tmp) / "ready"
        ours, our_bytes, watched = idle_cpu([sys.executable, str(HERE / "idle_app.py"), "10"], ready=ready,
                                            window=window)
    bare, bare_bytes, _ = idle_cpu([sys.executable, str(HERE / "bare_app.py")], ready=None, window=window)
    ok = watched == "10"
    return [{
        "figure": f"idle CPU of the TUI watching 10 runs, {window:.0f} s between polls",
        "ours": ours, "baseline": bare, "unit": "% core", "target": f"≤ {TARGET_PCT:g} % of a core",
        "passed": ok and ours <= TARGET_PCT,
        "note": (f"real app on a 120×40 pty, demo in real time under LiveRamp's real budget; runs watched: {watched}; "
                 f"terminal output in the window: ours {our_bytes:,} B, bare {bare_bytes:,} B; baseline = bare "
                 "Textual Header + 50-row DataTable + Footer, same window"),
    }]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    for row in measure(args.quick):
        print(f"{row['figure']}: ours {row['ours']:.2f} {row['unit']}, bare {row['baseline']:.2f} "
              f"({row['target']}: {'pass' if row['passed'] else 'MISS'}) — {row['note']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
