"""Serving the emulator over real HTTP (uvicorn on loopback)."""

from __future__ import annotations

import socket
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn

from .app import create_app
from .options import EmulatorOptions

IDENTITIES = """\
Demo identities (DESIGN.md):
  LiveRamp  client id: demo-client   secret: demo-secret
  InfoSum   API key:   demo-key      (company "Northwind Retail", owner of most collaborations)
            partner keys: partner-key-1, partner-key-2, partner-key-3, left-key (a company that left)
"""


def listening_socket(host: str = "127.0.0.1", port: int = 0) -> socket.socket:
    """A bound TCP socket with ``TCP_NODELAY`` (accepted connections inherit it on Linux).

    Without it every request after the first on a keep-alive connection can stall ~40 ms on
    loopback (Nagle + delayed ACK): a test-server artifact a real platform does not have, which
    would distort every HTTP benchmark against the emulator.
    """
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((host, port))
    return sock


def serve(options: EmulatorOptions, host: str = "127.0.0.1", port: int = 8900) -> None:
    app = create_app(options)
    print(f"cleanroom-tui emulator on http://{host}:{port}  (LiveRamp under /v1, InfoSum under /api)",
          file=sys.stderr)
    print(f"  seed={options.seed} speed={options.speed} scale={options.scale} "
          f"strict_limits={options.strict_limits} hostile={options.hostile}", file=sys.stderr)
    if options.chaos:
        print(f"  chaos: {options.chaos}", file=sys.stderr)
    print(IDENTITIES, file=sys.stderr)
    sock = listening_socket(host, port)
    config = uvicorn.Config(app, log_level="warning", access_log=False, date_header=False)
    uvicorn.Server(config).run(sockets=[sock])


class ServedEmulator:
    """The emulator on a random loopback port in a background thread (tests, benchmarks)."""

    def __init__(self, options: EmulatorOptions | None = None) -> None:
        self.options = options or EmulatorOptions()
        self.app = create_app(self.options)
        self._sock = listening_socket("127.0.0.1", 0)
        self.port = self._sock.getsockname()[1]
        self.base_url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(self.app, log_level="warning", access_log=False, date_header=False, lifespan="off")
        self.server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self._sock]},
                                        daemon=True, name="emulator")

    def start(self) -> ServedEmulator:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("emulator did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self._thread.join(timeout=5)
        self._sock.close()

    @property
    def liveramp(self):
        return self.app.state.liveramp

    @property
    def infosum(self):
        return self.app.state.infosum


@contextmanager
def served(options: EmulatorOptions | None = None) -> Iterator[ServedEmulator]:
    emu = ServedEmulator(options).start()
    try:
        yield emu
    finally:
        emu.stop()
