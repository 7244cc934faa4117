"""Browser mode: ``cleanroom-tui serve`` runs the TUI in a web page through ``textual-serve``.

textual-serve (an optional extra: ``pip install 'cleanroom-tui[serve]'``) answers the page and, for
each browser tab that connects, starts one app process (``python -m tui …``) with Textual's web
driver, relaying keys and screen updates over a websocket. Each tab is therefore its own process:
the token cache (``api/liveramp/auth``: a ``flock``-ed file) and the budget ledgers (``store``:
one SQLite transaction per charge) are what keep LiveRamp's limits across tabs.

What we change from textual-serve's defaults:

- the page asks for no web fonts from the internet (its template links Google Fonts, which an
  offline jump host cannot reach and which delays the first paint until the request fails): Roboto
  Mono is served from textual-serve's own static files, with the browser's monospace font behind it;
- the page's websocket URL follows the address the browser used (``Host`` header), so the page
  works through an SSH tunnel (``ssh -L 9000:localhost:8000``) or under another host name, where
  textual-serve would write ``ws://127.0.0.1:8000`` into it;
- a bind address other than loopback needs ``--host`` and prints a warning: anyone who can reach the
  port drives the TUI with the operator's profile;
- a tab's app process is forked from a process that has imported Textual and the app already
  (``zygote.py``), instead of a new Python importing everything for each tab.
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

TEMPLATES = Path(__file__).with_name("templates")
#: what to install when textual-serve is missing
INSTALL_HINT = "pip install 'cleanroom-tui[serve]'  (or: pip install textual-serve)"


class ServeUnavailable(RuntimeError):
    """textual-serve is not installed."""


def is_loopback(host: str) -> bool:
    if host in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def exposure_warning(host: str, readonly: bool) -> str | None:
    """The warning printed when the page is reachable from other machines (None on loopback)."""
    if is_loopback(host):
        return None
    advice = ("--readonly is on: writes and launches are refused." if readonly else
              "Consider --readonly (hides and refuses every write), or keep the default loopback "
              "address and reach it through an SSH tunnel.")
    return (f"warning: serving on {host}: anyone who can reach this port uses the TUI with this "
            f"profile's credentials (no login in front of it). {advice}")


def app_args(*, demo: bool = False, profile: str | None = None, readonly: bool = False,
             seed: int = 7, speed: float = 60.0, scale: int = 1) -> list[str]:
    """The TUI's arguments for each tab: the same options ``serve`` was given."""
    argv: list[str] = []
    if demo:
        argv += ["--demo", "--seed", str(seed), "--speed", repr(speed), "--scale", str(scale)]
    if profile:
        argv += ["--profile", profile]
    if readonly:
        argv.append("--readonly")
    return argv


def app_command(python: str | None = None, **options: Any) -> str:
    """The shell command textual-serve runs for each tab (it uses ``create_subprocess_shell``)."""
    return shlex.join([python or sys.executable, "-m", "tui", *app_args(**options)])


def make_server(command: str, *, host: str = "127.0.0.1", port: int = 8000, title: str = "Cleanroom TUI") -> Any:
    """A textual-serve ``Server`` running ``command`` per tab, with the changes listed above."""
    try:
        import aiohttp_jinja2
        import jinja2
        from aiohttp import web
        from textual_serve.server import Server, to_int
    except ImportError as exc:
        raise ServeUnavailable(f"browser mode needs textual-serve: {INSTALL_HINT}") from exc

    class CleanroomServer(Server):
        def __init__(self) -> None:
            super().__init__(command, host=host, port=port, title=title, templates_path=TEMPLATES)

        async def _make_app(self) -> Any:
            # textual-serve's routes, with our page as the index
            app = web.Application()
            aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(self.templates_path))
            app.add_routes([
                web.get("/", self.handle_page, name="index"),
                web.get("/ws", self.handle_websocket, name="websocket"),
                web.get("/download/{key}", self.handle_download, name="download"),
                web.static("/static", self.statics_path, show_index=False, name="static"),
            ])
            app.on_startup.append(self.on_startup)
            app.on_shutdown.append(self.on_shutdown)
            return app

        async def handle_page(self, request: Any) -> Any:
            router = request.app.router
            # the origin the browser used: right behind a tunnel or another host name
            origin = f"{request.scheme}://{request.host}"
            ws_origin = ("wss" if request.scheme == "https" else "ws") + origin[origin.index(":"):]
            context = {
                "font_size": to_int(request.query.get("fontsize", "16"), 16),
                "app_websocket_url": ws_origin + str(router["websocket"].url_for()),
                "config": {"static": {"url": origin + str(router["static"].url_for(filename="/")).rstrip("/") + "/"}},
                "application": {"name": self.title},
            }
            return aiohttp_jinja2.render_template("page.html", request, context)

    return CleanroomServer()


def serve(*, host: str, port: int, demo: bool, profile: str | None, readonly: bool,
          seed: int = 7, speed: float = 60.0, scale: int = 1, out: Any = None) -> int:
    out = out or sys.stderr
    options = {"demo": demo, "profile": profile, "readonly": readonly, "seed": seed, "speed": speed, "scale": scale}
    try:
        make_server("true")  # textual-serve importable? (before starting anything)
    except ServeUnavailable as exc:
        print(f"cleanroom-tui: {exc}", file=out)
        return 2
    with _warm_starts(app_args(**options)) as command:
        return _run(make_server(command or app_command(**options), host=host, port=port),
                    host=host, port=port, demo=demo, profile=profile, readonly=readonly, out=out)


@contextlib.contextmanager
def _warm_starts(args: list[str]) -> Iterator[str | None]:
    """The zygote (``tui/serve/zygote.py``) for the server's lifetime; yields the per-tab command
    (None when ``CLEANROOM_TUI_SERVE_FORK=0``: a plain ``python -m tui`` per tab)."""
    if os.environ.get("CLEANROOM_TUI_SERVE_FORK", "1") == "0":
        yield None
        return
    from .zygote import client_command

    runtime = tempfile.mkdtemp(prefix="cleanroom-serve-")  # 0700: only we reach the socket
    path = os.path.join(runtime, "zygote.sock")
    proc = subprocess.Popen([sys.executable, "-m", "tui.serve.zygote", path], stdin=subprocess.DEVNULL)
    try:
        yield client_command(path, args)
    finally:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(runtime, ignore_errors=True)


def _run(server: Any, *, host: str, port: int, demo: bool, profile: str | None, readonly: bool, out: Any) -> int:
    warning = exposure_warning(host, readonly)
    if warning:
        print(f"cleanroom-tui: {warning}", file=out)
    what = "the demo" if demo else (f"profile {profile}" if profile else "the default profile")
    print(f"cleanroom-tui: serving {what}{' (read-only)' if readonly else ''} on http://{_url_host(host)}:{port}/ "
          "— each browser tab runs its own app process; Ctrl+C stops", file=out)
    try:
        server.serve()
    except KeyboardInterrupt:
        return 130
    return 0


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def add_parser(sub: Any) -> None:
    p = sub.add_parser("serve", help="serve the TUI to a web browser (textual-serve; optional extra)",
                       description="Serve the TUI in a web page: one app process per browser tab. "
                                   "Loopback only unless --host says otherwise.")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to bind (default 127.0.0.1; anything else is reachable by others: see --readonly)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    # own dest names: a subparser's defaults would overwrite the same options given before "serve"
    p.add_argument("--demo", dest="serve_demo", action="store_true", help="serve the built-in demo")
    p.add_argument("--profile", dest="serve_profile", metavar="NAME", help="serve this configured profile")
    p.add_argument("--readonly", dest="serve_readonly", action="store_true",
                   help="hide and refuse every write in every tab")


def main(args: Any, argv: Sequence[str] = ()) -> int:
    """``cleanroom-tui serve`` from the CLI's parsed arguments."""
    demo = bool(args.demo or args.serve_demo)
    profile = args.serve_profile or args.profile
    if demo and profile:
        print("cleanroom-tui: serve: --demo and --profile exclude each other", file=sys.stderr)
        return 2
    return serve(host=args.host, port=args.port, demo=demo, profile=profile,
                 readonly=bool(args.readonly or args.serve_readonly),
                 seed=args.seed, speed=args.speed, scale=args.scale)
