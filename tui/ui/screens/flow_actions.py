"""Resume a paused flow run, replay one from a level: each behind the exact-request confirmation,
sent once through the launcher (journal, duplicate guard for replays, creation budget), then watched."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

from textual.screen import Screen

from ...core import liveramp as lr
from ...core.sanitize import plain
from ...core.session import Session
from ..jump_index import Target
from ..widgets.load_state import describe_error


async def send_launch(app: Any, send: Callable[[], Awaitable[Any]], what: str, label: str | None = None) -> Any | None:
    """Send one launch-like write; report refusals and failures as views; watch what it started."""
    from ...core.launch import LaunchError, LaunchFailed, LaunchUnknown

    try:
        outcome = await send()
    except LaunchUnknown as exc:
        # the note gives the advice when it has one (an InfoSum query cannot be listed: "again is safe")
        advice = "" if "again" in exc.note else " Do not send it again: the launch journal checks it by listing."
        app.notify(f"{exc.note}{advice}",
                   title=f"{what}: outcome unknown", severity="warning", markup=False, timeout=30)
        app.watching.ensure_running()  # an unresolved launch is checked again until the platform answers
        return None
    except LaunchFailed as exc:
        text = describe_error(exc.error).plain if exc.error is not None else str(exc)
        app.notify(text + (f"\n{exc.note}" if exc.note else ""), title=f"{what}: failed", severity="error",
                   markup=False, timeout=20)
        return None
    except LaunchError as exc:  # refused before sending: read-only, duplicate, budget, invalid values
        app.notify(plain(str(exc), 400), title=f"{what}: not sent", severity="warning", markup=False, timeout=15)
        return None
    except Exception as exc:  # errors are views
        app.notify(describe_error(exc).plain, title=f"{what}: failed", severity="error", markup=False, timeout=20)
        return None
    app.watching.launched(outcome)
    note = " (answer lost; found by listing, not sent again)" if outcome.recovered else ""
    # a resume's outcome is named by its run id: the toast names the run once (its name, then its id)
    head = plain(label or outcome.name or outcome.object_id, 120)
    ident = f"\n{outcome.object_id}" if outcome.object_id and outcome.object_id != head else ""
    app.notify(f"{head}{ident}{note}\nOn the Runs board (b).", title=what, markup=False, timeout=10)
    return outcome


def _confirm(screen: Screen, view: Any, send: Callable[[], Awaitable[Any]], what: str,
             label: str | None = None) -> None:
    from .launch_confirm import LaunchConfirmScreen

    app = screen.app

    def answered(ok: bool | None) -> None:
        if ok:
            # an app worker: leaving the screen must not cancel the POST in flight
            app.run_worker(send_launch(app, send, what, label), group="launch", exit_on_error=False,
                           description=what)

    app.push_screen(LaunchConfirmScreen(view), answered)


def resume(screen: Screen, session: Session, run_target: Target, run: Any) -> None:
    from .launch_confirm import LaunchRequestView

    if session.readonly:
        screen.notify("Read-only mode: writes are disabled.", title="Refused", severity="warning", markup=False)
        return
    if run is None or str(run.status).upper() != "PAUSED":
        screen.notify("Only a PAUSED flow run can be resumed.", markup=False)
        return
    room, flow = run_target.path[0], run_target.path[1]
    launcher = screen.app.watching.launcher(session)  # type: ignore[attr-defined]
    write = lr.resume_flow_run(room.id, run.id)
    view = LaunchRequestView(
        title="Resume a paused flow run", method=write.method, path=write.path, body=write.body,
        context=[("Profile", f"{session.name} (LiveRamp)"), ("Flow run", f"{run.name} ({run.id})"),
                 ("Flow", flow.label)],
        counts_create=False, confirm_label="Resume",
        lost_answer="A resume creates no run; if the answer is lost the run's status tells whether it resumed.")
    _confirm(screen, view, lambda: launcher.resume_flow_run(room.id, run.id, flow_id=flow.id), "Resumed",
             label=run.name or None)


def replay(screen: Screen, session: Session, run_target: Target, run: Any) -> None:
    """Ask for the start level, then confirm the exact replay request."""
    from .prompt import PromptScreen

    if session.readonly:
        screen.notify("Read-only mode: writes are disabled.", title="Refused", severity="warning", markup=False)
        return
    if run is None:
        screen.notify("The flow run is not loaded yet.", markup=False)
        return

    from ...api.liveramp.client import level_id

    def check(answer: str) -> str | None:
        if re.fullmatch(r"Level-\d+", level_id(answer) or ""):
            return None
        return f"Not a level: {plain(answer, 40)} (a level number, 2, or its id, Level-2)"

    def chosen(answer: str | None) -> None:
        start = level_id(answer) if answer else None  # checked by the prompt: it stays open until valid
        if start is not None:
            _confirm_replay(screen, session, run_target, run, start)

    screen.app.push_screen(PromptScreen(
        "Replay this flow run from which level?", "2",
        help="A level number (2) or id (Level-2). Earlier levels' results are reused; a replay is a new run "
             "and counts against the hour's creations.", check=check), chosen)


def _confirm_replay(screen: Screen, session: Session, run_target: Target, run: Any, start: str) -> None:
    from ...core.launch import FLOW_REPLAY, Launcher, target_of
    from ..text import local
    from .launch_confirm import LaunchRequestView

    room, flow = run_target.path[0], run_target.path[1]
    hub = screen.app.watching  # type: ignore[attr-defined]
    launcher = hub.launcher(session)
    name = f"Replay from {start} · {local(hub.now()):%Y-%m-%d %H:%M}"
    request = {"startLevelID": start, "name": name}
    duplicates = launcher.recent_launches(target_of(FLOW_REPLAY, room.id, flow.id, run.id),
                                          Launcher.replay_fingerprint(request))
    write = lr.replay_flow_run(room.id, run.id, request)
    view = LaunchRequestView(
        title="Replay a flow run", method=write.method, path=write.path, body=write.body,
        context=[("Profile", f"{session.name} (LiveRamp)"), ("Flow run", f"{run.name} ({run.id})"),
                 ("Flow", flow.label)],
        creates_left=launcher.creates_left(), creates_per_hour=launcher.ledger.creates_per_hour,
        duplicates=duplicates, duplicate_window_min=int(launcher.duplicate_window_s // 60), confirm_label="Replay",
        lost_answer="If the answer is lost, the app lists the flow's runs to find the replay instead of posting "
                    "again.")
    if launcher.creates_left() == 0:
        free = launcher.creates_free_at()
        screen.notify(f"Creation budget used up: replaying is disabled until {local(free):%H:%M:%S}."
                      if free else "Creation budget used up.", title="Not sent", severity="warning", markup=False)
        return
    _confirm(screen, view, lambda: launcher.replay_flow_run(room.id, flow.id, run.id, start, name=name,
                                                            allow_duplicate=bool(duplicates)), "Replay started")


__all__ = ["replay", "resume", "send_launch"]
