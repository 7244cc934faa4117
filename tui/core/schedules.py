"""Run schedule writes (issue 20.2): each one describes itself — method, path, JSON body — for the
confirmation screen, is recorded in the launch journal before it is sent, and is sent exactly once.

Paths and fields from the reference (§8.6) and the vendor spec:
``PATCH``/``DELETE /cleanroom-questions/{id}/cleanroom-question-run-schedules/{scheduleId}``.
Pausing and resuming sends ``{"active": false|true}``: GUESS — the read model has ``active`` but
``CreateCleanroomQuestionRunScheduleInput`` (the PATCH body) does not list it; the emulator honours it.

A write's outcome is journaled (target ``schedule:<question id>:<schedule id>``, state succeeded
or failed, or "lost" when the answer never came): the launcher's reconciliation leaves such
entries alone (it marks unknown targets unverifiable instead of re-sending anything).
No Textual.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

API_ROOT = "/v1"


def schedules_path(question_id: str, schedule_id: str | None = None) -> str:
    base = f"/cleanroom-questions/{question_id}/cleanroom-question-run-schedules"
    return f"{base}/{schedule_id}" if schedule_id else base


@dataclass(frozen=True)
class ScheduleWrite:
    """One schedule write, described before it is sent."""

    method: str
    question_id: str
    schedule_id: str
    body: dict[str, Any] | None = field(default=None)
    #: what it does, in words, for the confirmation
    effect: str = ""

    @property
    def path(self) -> str:
        return schedules_path(self.question_id, self.schedule_id)

    @property
    def request(self) -> str:
        """The exact request, as the confirmation shows it."""
        line = f"{self.method} {API_ROOT}{self.path}"
        return line + ("  " + json.dumps(self.body) if self.body is not None else "")

    @property
    def target(self) -> str:
        return f"schedule:{self.question_id}:{self.schedule_id}"

    async def invoke(self, client: Any) -> Any:
        if self.method == "DELETE":
            return await client.delete_schedule(self.question_id, self.schedule_id)
        return await client.update_schedule(self.question_id, self.schedule_id, self.body or {})

    def journaled(self, session: Any) -> Callable[[Any], Awaitable[Any]]:
        """The call for ``session.write``: recorded in the journal first, its outcome after."""
        store = session.repo.store

        async def call(client: Any) -> Any:
            jid = _intent(store, session, self)
            try:
                answer = await self.invoke(client)
            except Exception as exc:
                if jid:
                    status = getattr(exc, "status", None)
                    store.journal_failed(jid, str(exc)[:300], answered=status is not None)
                raise
            if jid:
                store.journal_succeeded(jid, self.schedule_id)
            return answer

        return call


def _intent(store: Any, session: Any, write: ScheduleWrite) -> int:
    intent = getattr(store, "journal_intent", None)
    if intent is None:  # the in-memory stand-in of a test repo keeps no journal
        return 0
    return intent(session.name, session.platform, write.target, {"method": write.method, "body": write.body},
                  {"method": write.method, "path": write.path, "body": write.body})


def set_active(question_id: str, schedule: Any, active: bool) -> ScheduleWrite:
    """Pause (``active=False``) or resume a schedule."""
    effect = ("The schedule starts runs again at its next due time." if active else
              "The schedule stops starting runs until it is resumed; runs already started go on.")
    return ScheduleWrite("PATCH", question_id, schedule.id, {"active": active}, effect)


def delete(question_id: str, schedule: Any) -> ScheduleWrite:
    return ScheduleWrite("DELETE", question_id, schedule.id, None,
                         "The schedule is deleted: no more runs start from it. Runs it started stay. "
                         "This cannot be undone.")


__all__ = ["API_ROOT", "ScheduleWrite", "delete", "schedules_path", "set_active"]
