"""Warm starts for browser tabs: a process that has imported Textual and the app once, and forks
one ready app per tab.

textual-serve starts a new process for every tab, and a new Python process spends most of a tab's
start-up importing Textual (measured: tests/bench/bench_serve.py). So ``cleanroom-tui serve``
starts this zygote next to the web server; the command each tab runs is a few-line client (run with
``python -S``, nothing to import) that hands its stdin/stdout/stderr and environment to the zygote
over a Unix socket (0600, in a private 0700 directory) and waits for the app's exit status. The
zygote forks; the child takes those descriptors and that environment and runs the TUI exactly as
``python -m tui ARGS`` would. If the zygote cannot be reached the client runs ``python -m tui``
itself: a slower start, never a broken tab.

The zygote imports before forking, and only imports: no event loop, thread, file or connection
exists yet, so every child starts clean. Textual reads its ``TEXTUAL_*`` settings when imported,
so the zygote sets the ones textual-serve gives every app process first.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import shlex
import socket
import sys

#: what textual-serve puts in every app process's environment (its AppService._build_environment),
#: set before Textual is imported here; COLUMNS/ROWS and the rest come from each tab's client
WEB_ENV = {"TEXTUAL_DRIVER": "textual.drivers.web_driver:WebDriver", "TEXTUAL_FPS": "60",
           "TEXTUAL_COLOR_SYSTEM": "truecolor", "TERM_PROGRAM": "textual"}

#: the client textual-serve runs per tab (``python -S -c CLIENT SOCKET ARG…``)
CLIENT = """
import json, os, socket, sys
path, args = sys.argv[1], sys.argv[2:]
try:
    s = socket.socket(socket.AF_UNIX)
    s.connect(path)
    socket.send_fds(s, [json.dumps({"env": dict(os.environ), "args": args}).encode()], [0, 1, 2])
except OSError:
    os.execv(sys.executable, [sys.executable, "-m", "tui", *args])
for fd in (0, 1, 2):
    os.close(fd)
status = s.recv(16)
os._exit(int(status or b"1"))
"""


def client_command(path: str, args: list[str], python: str | None = None) -> str:
    return shlex.join([python or sys.executable, "-S", "-c", CLIENT, path, *args])


def _preload() -> None:
    os.environ.update(WEB_ENV)
    import textual.drivers.web_driver  # noqa: F401

    import tui.cli  # noqa: F401
    import tui.ui.app  # noqa: F401
    import tui.ui.screens.home  # noqa: F401


def _child(conn: socket.socket, request: dict, fds: list[int]) -> None:
    """In the forked child: become the tab's app process."""
    code = 1
    try:
        for target, fd in zip((0, 1, 2), fds, strict=True):
            os.dup2(fd, target)
            os.close(fd)
        conn.close()
        os.environ.clear()
        os.environ.update(request["env"])
        # Python's own streams were set up for the zygote's descriptors: rebuild them on 0/1/2
        sys.stdin = open(0, encoding="utf-8", errors="surrogateescape", closefd=False)  # noqa: SIM115
        sys.stdout = open(1, "w", encoding="utf-8", errors="surrogateescape", closefd=False)  # noqa: SIM115
        sys.stderr = open(2, "w", encoding="utf-8", errors="backslashreplace", closefd=False)  # noqa: SIM115
        sys.argv = ["cleanroom-tui", *request["args"]]
        from tui.cli import main

        code = main(list(request["args"]))
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:
        import traceback

        traceback.print_exc()
    finally:
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code or 0)


def serve_forever(path: str) -> None:
    _preload()
    listener = socket.socket(socket.AF_UNIX)
    old = os.umask(0o177)
    try:
        listener.bind(path)
    finally:
        os.umask(old)
    listener.listen(16)
    waiting: dict[int, socket.socket] = {}  # child pid -> its client's connection
    while True:
        ready, _, _ = select.select([listener], [], [], 0.2)
        if ready:
            conn, _ = listener.accept()
            try:
                data, fds, _flags, _addr = socket.recv_fds(conn, 1 << 20, 3)
                request = json.loads(data)
            except (OSError, ValueError):
                conn.close()
                continue
            pid = os.fork()
            if pid == 0:
                listener.close()
                for other in waiting.values():
                    other.close()
                _child(conn, request, fds)
            for fd in fds:
                os.close(fd)
            waiting[pid] = conn
        while waiting:  # reap finished apps; tell each client its status
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break
            conn = waiting.pop(pid, None)
            if conn is not None:
                with contextlib.suppress(OSError):
                    conn.sendall(str(os.waitstatus_to_exitcode(status) & 0xFF).encode())
                conn.close()


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl+C on serve reaches its whole process group
        serve_forever(sys.argv[1])
