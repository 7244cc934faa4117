"""Lists the commands share, read cache-then-network under the TUI's own cache keys, and the
lookups that turn what a person types (``CR-199659``, ``CRQ-684183``, a name) into platform ids.

Every read is one of the domain services' (:mod:`tui.core.liveramp`, :mod:`tui.core.infosum`), so
the TUI's screens and these commands share cache entries (each warms the other) and status-read
charges.

Everything here is the platform's JSON (dicts). Display ids and names are looked up in the cache
first (ids never change), then by listing rooms and their questions; a question given by its UUID
is used as it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..core import infosum as isum
from ..core import liveramp as lr
from .context import NOT_CACHED, SKIPPABLE, Context, ReadError, UsageError
from .records import text

# patterns, compiled (and cached by ``re``) on first use: most calls never need them
_UUID = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
_ROOM_DISPLAY = r"(?i)^CR-\d+$"
_QUESTION_DISPLAY = r"(?i)^CRQ-\d+$"


def looks_like_uuid(value: str) -> bool:
    return bool(re.match(_UUID, value.strip()))


lr_models = lr.models
is_models = isum.models
RUNS_PAGE: int = lr.RUNS_PAGE


@dataclass(frozen=True)
class QuestionRef:
    """A cleanroom question and the room it is in (what a run does not say about itself)."""

    id: str
    display_id: str = ""
    name: str = ""
    room_id: str = ""
    room_display_id: str = ""
    room_name: str = ""

    def context(self) -> dict[str, str]:
        return {"cleanroomId": self.room_id, "cleanroomDisplayId": self.room_display_id,
                "cleanroomQuestionId": self.id, "questionDisplayId": self.display_id,
                "questionName": self.name}

    def matches(self, wanted: str) -> bool:
        wanted = wanted.strip()
        return wanted == self.id or (bool(self.display_id) and wanted.upper() == self.display_id.upper())


def _ref(room: dict[str, Any], question: dict[str, Any]) -> QuestionRef:
    return QuestionRef(text(question, "id"), text(question, "displayId"), text(question, "name"),
                       text(room, "id"), text(room, "displayId"), text(room, "name"))


def _room_matches(room: dict[str, Any], wanted: str) -> bool:
    wanted = wanted.strip()
    return wanted == text(room, "id") or (bool(text(room, "displayId"))
                                          and wanted.upper() == text(room, "displayId").upper())


class LiveRampCatalog:
    """Clean rooms, their questions and runs, for one LiveRamp profile."""

    def __init__(self, ctx: Context, profile: Any) -> None:
        self.ctx = ctx
        self.profile = profile

    # ------------------------------------------------------------------ lists

    def rooms(self) -> list[dict[str, Any]]:
        got = self.ctx.fetch(self.profile, lr.rooms())
        return list(got.value or [])

    def questions(self, room: dict[str, Any]) -> list[dict[str, Any]] | None:
        """The room's questions; None when they cannot be read (skipped, with a note from the caller)."""
        rid = text(room, "id")
        try:
            got = self.ctx.fetch(self.profile, lr.questions_of(rid), skippable=True)
        except ReadError as exc:
            if exc.code == NOT_CACHED:
                return None
            if exc.status in SKIPPABLE:
                # once per call (one room is read by several steps), the whole error only with -v:
                # the demo has a room its user cannot read, and every demo call said so at length
                name = text(room, "displayId") or rid
                out = self.ctx.out
                detail = str(exc) if out.verbose else f"HTTP {exc.status}, -v for details"
                out.warn(f"skipped clean room {name} ({detail})", once=f"skipped-room:{rid}")
                return []
            raise
        return list(got.value or [])

    def question_refs(self, rooms: list[dict[str, Any]]) -> list[QuestionRef]:
        lists = self.ctx.map(self.questions, rooms)
        uncached = [text(room, "displayId") or text(room, "id") for room, qs in zip(rooms, lists, strict=True)
                    if qs is None]
        if uncached:
            self.ctx.out.note(f"left out {len(uncached)} clean room(s) with no cached questions: {', '.join(uncached)}")
        return [_ref(room, q) for room, qs in zip(rooms, lists, strict=True) for q in qs or []]

    def runs(self, ref: QuestionRef, *, skippable: bool = False) -> list[dict[str, Any]]:
        """The newest runs of a question (one page; a status read charged to the question)."""
        return list(self.ctx.fetch(self.profile, lr.runs_of(ref.id), skippable=skippable).value or [])

    def run(self, run_id: str) -> dict[str, Any]:
        """One run (a status read charged to the run)."""
        return dict(self.ctx.fetch(self.profile, lr.run(run_id)).value or {})

    # ------------------------------------------------------------------ what the cache knows

    def cached_rooms(self) -> list[dict[str, Any]]:
        got = self.ctx.cached(self.profile, lr.rooms())
        return [r for r in (got.value if got is not None else []) if isinstance(r, dict)]

    def cached_refs(self) -> list[QuestionRef]:
        refs = []
        for room in self.cached_rooms():
            got = self.ctx.cached(self.profile, lr.questions_of(text(room, "id")))
            refs += [_ref(room, q) for q in (got.value if got is not None else []) if isinstance(q, dict)]
        return refs

    def run_context(self, run_id: str) -> tuple[QuestionRef, dict[str, Any], Any] | None:
        """Which cached question list holds this run: its question, the run as last listed, and when."""
        for ref in self.cached_refs():
            got = self.ctx.cached(self.profile, lr.runs_of(ref.id))
            for run in got.value if got is not None else []:
                if isinstance(run, dict) and text(run, "id") == run_id:
                    return ref, run, got.fetched_at
        return None

    # ------------------------------------------------------------------ lookups

    def resolve_room(self, wanted: str) -> dict[str, Any]:
        """A room by id, display id (``CR-…``) or exact name: cache first, then the platform."""
        for rooms in (self.cached_rooms(), None):
            if rooms is None:
                rooms = self.rooms()
            found = [r for r in rooms if _room_matches(r, wanted)]
            if not found and not re.match(_ROOM_DISPLAY, wanted.strip()):
                found = [r for r in rooms if text(r, "name").strip().lower() == wanted.strip().lower()]
            if len(found) == 1:
                return found[0]
            if len(found) > 1:
                raise UsageError(f"{wanted!r} names {len(found)} clean rooms; use its CR- display id")
        raise UsageError(f"no clean room {wanted!r} in profile {self.profile.name} (try `cleanroom-tui rooms`)")

    def resolve_question(self, wanted: str, room: dict[str, Any] | None = None) -> QuestionRef:
        """A cleanroom question by id, display id (``CRQ-…``) or exact name, optionally within a room."""
        def pick(refs: list[QuestionRef]) -> QuestionRef | None:
            if room is not None:
                refs = [r for r in refs if r.room_id == text(room, "id")]
            found = [r for r in refs if r.matches(wanted)]
            if not found and not re.match(_QUESTION_DISPLAY, wanted.strip()):
                found = [r for r in refs if r.name.strip().lower() == wanted.strip().lower()]
            if len({r.id for r in found}) > 1:
                raise UsageError(f"{wanted!r} names {len(found)} questions; use its CRQ- display id or --room")
            return found[0] if found else None

        hit = pick(self.cached_refs())
        if hit is not None:
            return hit
        if looks_like_uuid(wanted) and room is None:
            return QuestionRef(wanted.strip())  # used as it is; the platform says if it is wrong
        hit = pick(self.question_refs([room] if room is not None else self.rooms()))
        if hit is not None:
            return hit
        where = f" in {text(room, 'displayId') or text(room, 'id')}" if room is not None else ""
        raise UsageError(f"no cleanroom question {wanted!r}{where} in profile {self.profile.name}")


class InfoSumCatalog:
    """Collaborations of one InfoSum profile (always through the full client: no quick path)."""

    def __init__(self, ctx: Context, profile: Any) -> None:
        self.ctx = ctx
        self.profile = profile

    def collaborations(self) -> list[dict[str, Any]]:
        got = self.ctx.fetch(self.profile, isum.collaborations())
        return list(got.value or [])

    def collaboration(self, cid: str) -> dict[str, Any]:
        got = self.ctx.fetch(self.profile, isum.collaboration(cid))
        return dict(got.value or {})

    def members(self, cid: str) -> list[dict[str, Any]]:
        """Owner first, then members (ids and display names)."""
        collab = self.collaboration(cid)
        owner = collab.get("owner") or {}
        out = [owner] if text(owner, "id") else []
        return out + [m for m in collab.get("members") or [] if text(m, "id") != text(owner, "id")]

    def cached_collaborations(self) -> list[dict[str, Any]]:
        got = self.ctx.cached(self.profile, isum.collaborations())
        return [c for c in (got.value if got is not None else []) if isinstance(c, dict)]

    def resolve(self, wanted: str) -> str:
        """A collaboration id from an id (``CLB.…``, used as it is) or an exact name (cache first)."""
        wanted = wanted.strip()
        if not wanted:
            raise UsageError("a collaboration id is required")
        if wanted.upper().startswith("CLB."):
            return wanted
        for found_in in (self.cached_collaborations(), None):
            if found_in is None:
                found_in = self.collaborations()
            found = [c for c in found_in if wanted == text(c, "id") or text(c, "name").strip().lower() == wanted.lower()]
            if len({text(c, "id") for c in found}) == 1:
                return text(found[0], "id")
            if len(found) > 1:
                raise UsageError(f"{wanted!r} names {len(found)} collaborations; use its CLB. id")
        raise UsageError(f"no collaboration {wanted!r} in profile {self.profile.name} (try `cleanroom-tui rooms`)")


__all__ = ["RUNS_PAGE", "InfoSumCatalog", "LiveRampCatalog", "QuestionRef", "looks_like_uuid"]
