"""Serving the app (or a baseline) for the browser test and the serve benchmark."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int, proc: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited ({proc.returncode}) before listening on {port}")
        try:
            socket.create_connection(("127.0.0.1", port), 0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listening on {port} after {timeout:.0f}s")


def env(**extra: str) -> dict[str, str]:
    out = dict(os.environ)
    out["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), out.get("PYTHONPATH")]))
    out.update(extra)
    return out


@contextlib.contextmanager
def serving(argv: Sequence[str], port: int, environ: dict[str, str] | None = None,
            log: Path | None = None, cwd: Path | None = None) -> Iterator[str]:
    """Run a server (``argv``) in its own process group until the block ends; yields its URL."""
    out = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115 (closed below)
    proc = subprocess.Popen(list(argv), env=environ or env(), stdin=subprocess.DEVNULL, stdout=out,
                            stderr=subprocess.STDOUT, start_new_session=True, cwd=cwd or ROOT)
    try:
        wait_port(port, proc)
        yield f"http://127.0.0.1:{port}/"
    finally:
        # the whole group: textual-serve's app processes (one per tab) go with it
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        if log:
            out.close()


def serve_app_argv(port: int, *args: str) -> list[str]:
    """``cleanroom-tui serve`` on ``port``."""
    return [sys.executable, "-m", "tui", "serve", "--port", str(port), *args]


def serve_command_argv(port: int, command: str) -> list[str]:
    """textual-serve (with our page) running an arbitrary ``command`` per tab: the baseline."""
    code = ("import sys; from tui.serve import make_server; "
            "make_server(sys.argv[1], port=int(sys.argv[2]), title='baseline').serve()")
    return [sys.executable, "-c", code, command, str(port)]
