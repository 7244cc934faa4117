"""Opening launch forms from where the operator is: a question, a flow, or a past run ("run again")."""

from __future__ import annotations

from typing import Any

from textual.screen import Screen

from ...core import liveramp as lr
from ...core.reads import BudgetWait
from ...core.session import Session
from ..jump_index import Target
from ..text import to_datetime
from ..widgets.load_state import describe_error


def _refuse_readonly(screen: Screen, session: Session) -> bool:
    if session.readonly:
        screen.notify("Read-only mode: launching is disabled.", title="Refused", severity="warning", markup=False)
        return True
    return False


def last_run_of(session: Session, question_id: str) -> Any:
    """The question's newest run as the cache knows it (the question screen lists them): its values
    become the form's defaults. No call is made — listing runs would spend the question's status reads."""
    cached = session.cached(lr.runs_of(question_id))
    runs = list(cached.value) if cached is not None else []
    if not runs:
        return None
    runs.sort(key=lambda r: to_datetime(r.submitted_at).isoformat() if to_datetime(r.submitted_at) else "")
    return runs[-1]


def last_flow_run_of(session: Session, room_id: str, flow_id: str) -> Any:
    cached = session.cached(lr.flow_runs_of(room_id, flow_id))
    runs = list(cached.value.clean_room_flow_runs) if cached is not None else []
    runs = [r for r in runs if r.status == "COMPLETED"] or runs
    if not runs:
        return None
    runs.sort(key=lambda r: to_datetime(r.submitted_at).isoformat() if to_datetime(r.submitted_at) else "")
    return runs[-1]


def launch_question(screen: Screen, session: Session, question: Target) -> None:
    """``l`` on a question: the form, with the last run's values as defaults."""
    from .launch import LaunchPlan, LaunchScreen

    if _refuse_readonly(screen, session):
        return
    plan = LaunchPlan("question", question, question_id=question.id, last_run=last_run_of(session, question.id))
    screen.app.push_screen(LaunchScreen(session, plan))


def launch_flow(screen: Screen, session: Session, flow: Target, room_id: str) -> None:
    from .launch import LaunchPlan, LaunchScreen

    if _refuse_readonly(screen, session):
        return
    plan = LaunchPlan("flow", flow, cleanroom_id=room_id, flow_id=flow.id, last_run=last_flow_run_of(session, room_id, flow.id))
    screen.app.push_screen(LaunchScreen(session, plan))


def run_again(screen: Screen, session: Session, run_target: Target | None, run: Any, *, kind: str) -> None:
    """"Run again with the same parameters": the form pre-filled with ``run``'s values, a fresh name."""
    if _refuse_readonly(screen, session) or run_target is None:
        return
    from .launch import LaunchPlan, LaunchScreen

    path = run_target.path
    if kind == "flow_run":
        if len(path) < 2:
            screen.notify("Open the run from its flow to run it again.", markup=False)
            return
        room, flow = path[0], path[1]

        async def open_flow() -> None:
            found = run if run is not None else await _read_flow_run(screen, session, room.id, run_target.id)
            if found is None:
                return
            plan = LaunchPlan("flow", flow, cleanroom_id=room.id, flow_id=flow.id, last_run=found, rerun=True)
            screen.app.push_screen(LaunchScreen(session, plan))

        screen.run_worker(open_flow(), group="run-again", exclusive=True, exit_on_error=False)
        return
    question = path[-1] if path else None
    if question is None or question.kind != "question" or not question.id:
        screen.notify("This run's question is not known here; open the run from its question.", markup=False)
        return

    async def open_question() -> None:
        found = run if run is not None else await _read_run(screen, session, run_target.id)
        if found is None:
            return
        plan = LaunchPlan("question", question, question_id=question.id, last_run=found, rerun=True)
        screen.app.push_screen(LaunchScreen(session, plan))

    screen.run_worker(open_question(), group="run-again", exclusive=True, exit_on_error=False)


async def _read_run(screen: Screen, session: Session, run_id: str) -> Any:
    """The run's parameters: from the cache, else one status read (charged, or refused by the budget)."""
    cached = session.cached(lr.run(run_id))
    if cached is not None:
        return cached.value
    try:
        return (await session.load(lr.run(run_id))).value
    except BudgetWait as exc:
        screen.notify(f"The status-read budget of this run is used up: {exc}", markup=False)
        return None
    except Exception as exc:
        screen.notify(describe_error(exc).plain, title="Could not read the run", severity="error", markup=False)
        return None


async def _read_flow_run(screen: Screen, session: Session, room_id: str, run_id: str) -> Any:
    cached = session.cached(lr.flow_run(room_id, run_id))
    if cached is not None:
        return cached.value
    try:
        return (await session.load(lr.flow_run(room_id, run_id))).value
    except Exception as exc:
        screen.notify(describe_error(exc).plain, title="Could not read the flow run", severity="error",
                      markup=False)
        return None


__all__ = ["last_flow_run_of", "last_run_of", "launch_flow", "launch_question", "run_again"]
