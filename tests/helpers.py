"""Helpers shared by the test directories (the fixtures are in tests/conftest.py).

- Pilot helpers: wait for workers instead of sleeping, read the screen as text, pick rows.
- Fault doubles: the chaos specs the drills apply, a gate for the emulator's delays, a recording
  retry sleep.
- Headless: a profile file for a served emulator and a CLI runner that proves Textual stayed unloaded.
- Launch: a transport that loses a create-run's answer, valid values for a launch form.

Nothing here waits for wall time.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import os
import queue
import subprocess
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest
from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import Input
from textual.worker import WorkerCancelled, WorkerState

from tui.config import write_private
from tui.ui.app import CleanroomApp
from tui.ui.jump_index import Target
from tui.ui.widgets.resource_table import ResourceTable

if TYPE_CHECKING:  # the models stay unimported: tests/ui/test_home_imports.py imports this module
    from tui.api.liveramp import LiveRampClient
    from tui.core.launch import LaunchForm
    from tui.core.session import Session

SIZE = (120, 40)
SNAPSHOTS = Path(__file__).parent / "ui" / "snapshots"


# --------------------------------------------------------------------------- Pilot

async def wait_for_workers(pilot: Pilot, rounds: int = 40) -> None:
    """Wait until no worker is pending or running and no load is scheduled for the next frame
    (workers start further workers; the home screen starts loading after its first frame)."""
    app = pilot.app
    for _ in range(rounds):
        # the run watcher's polling loop lives as long as something is watched: not "work to wait for"
        finite = [w for w in app.workers if w.group != "watcher"]
        if finite:  # (an empty list would mean "every worker" to Textual)
            # a worker whose screen was closed meanwhile is cancelled: finished, as far as waiting goes
            with contextlib.suppress(WorkerCancelled):
                await app.workers.wait_for_complete(finite)
        await pilot.pause()
        busy = any(w.state in (WorkerState.PENDING, WorkerState.RUNNING) for w in finite)
        if not busy and not getattr(app, "scheduled", 0):
            break


async def settle(pilot: Pilot, rounds: int = 20) -> None:
    """Wait until two consecutive frames show the same text: the footer follows focus a message
    hop or two after it moves, later still on a loaded machine."""
    previous = None
    for _ in range(rounds):
        await pilot.pause()
        text = screen_text(pilot.app)
        if text == previous:
            return
        previous = text


async def until(pilot: Pilot, condition, rounds: int = 100) -> bool:
    """Pause until ``condition()`` holds (what a later frame shows, e.g. a footer composed a few
    messages after its screen); False if it never did within ``rounds`` pauses."""
    for _ in range(rounds):
        if condition():
            return True
        await pilot.pause()
    return bool(condition())


async def press(pilot: Pilot, *keys: str) -> None:
    await pilot.press(*keys)
    await wait_for_workers(pilot)


def screen_text(app: CleanroomApp) -> str:
    """The screen as plain text lines (what ``export_screenshot`` renders, without styles)."""
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True,
                      color_system="truecolor", record=True, legacy_windows=False, safe_box=False)
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return "\n".join(line.rstrip() for line in console.export_text(styles=False).splitlines())


def table(app: CleanroomApp, selector: str | None = None) -> ResourceTable:
    if selector is None:
        focused = app.screen.focused
        assert isinstance(focused, ResourceTable), f"focused is {focused!r}"
        return focused
    found = app.screen.query_one(selector)
    return found if isinstance(found, ResourceTable) else found.query_one(ResourceTable)


def plain_rows(t: ResourceTable) -> list[list[str]]:
    return [[c.plain for c in r.cells] for r in t.visible_rows()]


async def open_key(pilot: Pilot, t: ResourceTable, key: str) -> None:
    """Select the row with ``key`` and press Enter, as a user would."""
    t.focus()
    assert t.select_key(key), f"no row {key!r}"
    await pilot.pause()
    await press(pilot, "enter")


def assert_snapshot(app: CleanroomApp, name: str) -> None:
    """Compare the screen's text with tests/ui/snapshots/<name>.txt (UPDATE_SNAPSHOTS=1 rewrites it;
    the SVG next to it is for people reviewing the change)."""
    text = screen_text(app) + "\n"
    path = SNAPSHOTS / f"{name}.txt"
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        (SNAPSHOTS / f"{name}.svg").write_text(app.export_screenshot(title=name), encoding="utf-8")
        return
    if not path.exists():
        raise AssertionError(f"no snapshot {path.name}; run with UPDATE_SNAPSHOTS=1 to create it")
    expected = path.read_text(encoding="utf-8")
    if text != expected:
        import difflib

        diff = "\n".join(difflib.unified_diff(expected.splitlines(), text.splitlines(), "expected", "actual",
                                              lineterm=""))
        raise AssertionError(f"screen differs from {path.name} (UPDATE_SNAPSHOTS=1 to accept):\n{diff}")


def session(app: CleanroomApp, platform: str) -> Session:
    return next(s for s in app.sessions if s.platform == platform)


def emulator_of(app: CleanroomApp):
    """The in-process emulator's ASGI app (``.state.chaos``, ``.state.liveramp``, ``.state.infosum``)."""
    return app.sessions[0].demo.app()


async def open_flow_form(pilot, app, world, *, pause: str) -> Target:
    """Open the launch form of the demo's first flow, filled with valid values; ``pause`` is the
    "pause after level" field ("" runs through). Returns the flow's target (its path: the room)."""
    from tui.ui.screens.launch import LaunchScreen

    flow = next(iter(world.flows.values()))
    room = world.cleanrooms[flow.room_id]
    room_t = Target("room", room.id, room.name, "demo-liveramp", room.display_id)
    flow_t = Target("flow", flow.id, flow.name, "demo-liveramp", flow.display_id, path=(room_t,))
    await wait_for_workers(pilot)
    app.open(app.sessions[0], flow_t)
    await wait_for_workers(pilot)
    await press(pilot, "l")
    screen = app.screen
    assert isinstance(screen, LaunchScreen) and screen.plan.kind == "flow"
    await wait_for_workers(pilot)
    for i, f in enumerate(screen.form.fields):  # valid values for what the last run did not give
        if not screen.form.values.get(f.key):
            screen.query_one(f"#f-{i}").value = {"date": "2026-10-01", "integer": "7"}.get(f.kind, "x")
    screen.query_one("#f-pause", Input).value = pause
    await pilot.pause()
    return flow_t


#: "Conversion Timing": a required INTEGER run-time parameter and a Range partition on dates
TIMING = "CRQ-146303"
#: "Attribute Level Overlap and Index Report": an ENFORCED_LIST parameter (a select)
OVERLAP = "CRQ-684183"


def question_target(app, world, display_id: str) -> Target:
    q = world.find_question(display_id) if hasattr(world, "find_question") else None
    q = q or next(q for q in world.questions.values() if q.display_id == display_id)
    room = world.cleanrooms[q.room_id]
    room_t = Target("room", room.id, room.name, "demo-liveramp", room.display_id)
    return Target("question", q.id, q.title, "demo-liveramp", q.display_id, path=(room_t,))


async def open_form(pilot, app, world, display_id: str = TIMING):
    """The question's screen, then ``l``: its launch form (the LaunchScreen)."""
    from tui.ui.screens.launch import LaunchScreen

    await wait_for_workers(pilot)
    app.open(app.sessions[0], question_target(app, world, display_id))
    await wait_for_workers(pilot)
    await press(pilot, "l")
    assert isinstance(app.screen, LaunchScreen), type(app.screen)
    await wait_for_workers(pilot)
    assert app.screen.form is not None
    return app.screen


def field_input(screen, name: str):
    index = next(i for i, f in enumerate(screen.form.fields) if f.name == name)
    return screen.query_one(f"#f-{index}")


# --------------------------------------------------------------------------- fault doubles

#: every fault the drills apply, as a chaos spec for "all routes" (tui/emulator/chaos.py grammar).
#: The keys are the matrix's columns (scripts/reliability_matrix.py reads them from test ids).
FAULTS: dict[str, str] = {
    "latency": "*=latency:30s",
    "slow-drip": "*=drip:2s",
    "429": "*=429",
    "429-retry-after": "*=429:2",
    "500": "*=500",
    "502": "*=502",
    "503": "*=503",
    "malformed-json": "*=malformed",
    "truncated-body": "*=truncated",
    "connection-dropped": "*=drop-after",
    "token-expired": "/v1/*=token-expired,times=1;/api/*=token-expired,times=1",
}

#: faults that leave nothing behind once they stop: a drill runs them one after another on one app.
#: A 429 (the status budget's hold-off), a dropped connection (offline mode) and an expired token
#: (the token count) change what the next read does, so each of those gets an app of its own.
STATELESS_FAULTS = ("latency", "slow-drip", "500", "502", "503", "malformed-json", "truncated-body")


def fault_groups(faults) -> list[tuple[str, ...]]:
    """``faults`` as the drills run them: the stateless ones together, every other one alone."""
    together = tuple(f for f in faults if f in STATELESS_FAULTS)
    return ([together] if together else []) + [(f,) for f in faults if f not in STATELESS_FAULTS]


def fault_cells(row: str, faults) -> list:
    """pytest params of a drill, one per group, with ids "row.fault+fault…" (the README's matrix)."""
    return [pytest.param(group, id=f"{row}.{'+'.join(group)}") for group in fault_groups(faults)]


async def each_fault(row: str, group, drill) -> None:
    """``await drill(fault)`` for each fault of ``group`` in turn; a failure names its matrix cell."""
    for fault in group:
        try:
            await drill(fault)
        except AssertionError as failed:
            raise AssertionError(f"{row}.{fault}: {failed}") from failed


class Gate:
    """The emulator's ``Chaos.sleep`` in drills: a delay holds the call until the test opens the gate
    (so "slow" is a state the test can look at, not a wall-clock wait)."""

    def __init__(self) -> None:
        self.delays: list[float] = []
        self.open = True
        self._event: asyncio.Event | None = None

    def close(self) -> None:
        self.open = False
        self._event = None

    def release(self) -> None:
        self.open = True
        if self._event is not None:
            self._event.set()

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)
        if self.open:
            return
        if self._event is None:
            self._event = asyncio.Event()
        await self._event.wait()


class Backoff:
    """The clients' retry sleep: records each requested delay and returns at once."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


# --------------------------------------------------------------------------- headless CLI

QUESTION = "CRQ-684183"  # seed 7: "Attribute Level Overlap and Index Report" in CR-199659, READY
ROOM = "CR-199659"
LAUNCH_ARGS = ["--param", "CRM_ATTRIBUTE=AGE_RANGE", "--partition", "exposures.date_start=2026-11-01",
               "--partition", "exposures.date_end=2026-11-10"]
# runs main() as `python -m tui` does, then reports whether Textual got imported
RUNNER = (
    "import sys\n"
    "from tui.cli import main\n"
    "try:\n"
    "    code = main(sys.argv[1:])\n"
    "finally:\n"
    "    sys.stderr.write('\\n[textual imported: %s] [httpx imported: %s]\\n'\n"
    "                     % ('textual' in sys.modules, 'httpx' in sys.modules))\n"
    "sys.exit(code)\n"
)
NO_TEXTUAL = "[textual imported: False]"
QUICK = "[httpx imported: False]"  # the read was served by tui.headless.quick (no async client stack)
# budgets that let a test poll fast (the watcher's floor is max(min interval, hour / reads))
FAST_BUDGET = """
[profiles.{name}.budget]
status_reads_per_object_per_hour = 100000
min_status_interval_s = 0.05
"""


def profile_file(path: Path, base_url: str, *, lr_env: str = "HL_LR_SECRET", is_env: str = "HL_IS_KEY") -> Path:
    text = f"""
[profiles.emu-lr]
platform = "liveramp"
base_url = "{base_url}"
client_id = "demo-client"
secret_env = "{lr_env}"
{FAST_BUDGET.format(name="emu-lr")}
[profiles.emu-is]
platform = "infosum"
base_url = "{base_url}"
secret_env = "{is_env}"
"""
    write_private(path, text.encode())
    return path


class Cli:
    """Runs the CLI in a subprocess with its own config, state and cache dirs; each call proves
    Textual stayed unloaded. ``in_process=True`` calls ``tui.cli.main(argv)`` in this process
    instead (same config, dirs and exit codes; stdout and stderr captured), ~0.5 CPU-s cheaper a
    call: for tests about what a command answers, not about the process (its imports, the quick
    path's stdlib-only start, signals)."""

    def __init__(self, root: Path, base_url: str, *, in_process: bool = False) -> None:
        self.root = root
        self.in_process = in_process
        self.overrides = {"CLEANROOM_TUI_CONFIG": str(profile_file(root / "config.toml", base_url)),
                          "CLEANROOM_TUI_STATE_DIR": str(root / "state"),
                          "CLEANROOM_TUI_CACHE_DIR": str(root / "cache"),
                          "HL_LR_SECRET": "demo-secret", "HL_IS_KEY": "demo-key", "HL_BAD": "wrong-secret",
                          "COLUMNS": "200"}
        self.env = {**os.environ, **self.overrides}

    def as_subprocess(self) -> Cli:
        """The same CLI (config, dirs) run as a subprocess."""
        twin = Cli.__new__(Cli)
        twin.__dict__.update(self.__dict__, in_process=False)
        return twin

    def argv(self, *args: str) -> list[str]:
        return [sys.executable, "-c", RUNNER, *args]

    def __call__(self, *args: str, env: dict | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
        if self.in_process:
            return self._here(list(args), {**self.overrides, **(env or {})})
        done = subprocess.run(self.argv(*args), env={**self.env, **(env or {})}, capture_output=True, text=True,
                              timeout=timeout, stdin=subprocess.DEVNULL)
        assert NO_TEXTUAL in done.stderr, done.stderr
        return done

    @staticmethod
    def _here(argv: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
        import logging

        from tui.cli import main

        saved_env = {k: os.environ.get(k) for k in env}
        logger = logging.getLogger("tui")  # main() adds a stderr handler per call, as a process would once
        saved_log = list(logger.handlers), logger.propagate, logger.level
        out, err = io.StringIO(), io.StringIO()
        os.environ.update(env)
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                try:
                    code = main(argv)
                except SystemExit as exc:  # argparse: --help, usage errors
                    code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        finally:
            for key, value in saved_env.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
            logger.handlers[:] = saved_log[0]
            logger.propagate, logger.level = saved_log[1], saved_log[2]
        return subprocess.CompletedProcess(argv, code, out.getvalue(), err.getvalue())

    def json(self, *args: str, code: int = 0) -> object:
        done = self(*args, "--json")
        assert done.returncode == code, done.stderr
        return json.loads(done.stdout)

    def popen(self, *args: str) -> subprocess.Popen:
        return subprocess.Popen(self.argv(*args), env=self.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                stdin=subprocess.DEVNULL, text=True)


def lines_of(stream) -> queue.Queue:
    """A queue fed with ``stream``'s lines by a reader thread (readline with a timeout)."""
    q: queue.Queue = queue.Queue()

    def pump() -> None:
        for line in stream:
            q.put(line)
        q.put(None)

    threading.Thread(target=pump, daemon=True).start()
    return q


# --------------------------------------------------------------------------- launch

class DropAnswer(httpx.AsyncBaseTransport):
    """Forwards requests; for an armed path it lets the request reach the server, then loses the answer."""

    def __init__(self, inner: httpx.AsyncBaseTransport, *, raise_after: type[BaseException] | None = None,
                 before: bool = False) -> None:
        self.inner = inner
        self.armed: str | None = None
        self.dropped = 0
        self.raise_after = raise_after
        self.before = before

    def arm(self, path_suffix: str) -> None:
        self.armed = path_suffix

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        hit = self.armed is not None and request.method == "POST" and request.url.path.endswith(self.armed)
        if hit and self.before and self.raise_after is not None:
            self.armed = None
            raise self.raise_after("the process died before the request left")
        response = await self.inner.handle_async_request(request)
        if not hit:
            return response
        self.armed = None
        self.dropped += 1
        await response.aread()
        await response.aclose()
        if self.raise_after is not None:
            raise self.raise_after("the process died after the request left")
        raise httpx.ReadError("connection dropped before the answer arrived", request=request)

    async def aclose(self) -> None:
        await self.inner.aclose()


def fill(form: LaunchForm) -> LaunchForm:
    """Valid values for every empty field, as an operator would type them."""
    from tui.core.params import BOOLEAN, DATE, DECIMAL, INTEGER, TIMESTAMP

    for f in form.fields:
        if form.values.get(f.key):
            continue
        if f.choices:
            value = f.choices[0]
        elif f.kind == DATE:
            value = "2026-10-31" if f.range_role == "end" or "end" in f.name else "2026-10-01"
        elif f.kind == TIMESTAMP:
            value = "2026-10-01T00:00:00Z"
        elif f.kind == INTEGER:
            value = "14"
        elif f.kind == DECIMAL:
            value = "1.5"
        elif f.kind == BOOLEAN:
            value = "true"
        else:
            value = "e2e"
        form.set_value(f.key, value)
    return form


async def ready_questions(client: LiveRampClient) -> list:
    for room in await client.list_cleanrooms():
        if room.status != "COMPLETE":
            continue
        questions = [q for q in await client.list_cleanroom_questions(room.id) if q.status == "READY"]
        if len(questions) >= 4:
            return questions
    raise AssertionError("the demo world has a room with READY questions")


def confirmed_body(text: str, request: str) -> dict:
    """The JSON body a confirmation shows after ``request`` (``METHOD /path``), whether it follows on
    the same line or on a line of its own."""
    start = text.index(request) + len(request)
    body, _end = json.JSONDecoder().raw_decode(text, text.index("{", start))
    return body
