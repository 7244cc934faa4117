"""Everything the ``:`` palette can jump to: rooms, questions, runs, flows, collaborations.

Screens add what they load (and the app indexes each room's questions in the background after
the home screen has painted), so the palette only offers what is known locally — it never makes
a call while you type.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

KIND_LABELS = {"room": "clean room", "question": "question", "run": "run", "flow": "flow",
               "flow_run": "flow run", "collaboration": "collaboration"}


@dataclass(frozen=True)
class Target:
    """A jump target and how to reach it: ``path`` holds the targets to open first (room → question)."""

    kind: str
    id: str
    name: str
    session: str
    display_id: str = ""
    path: tuple[Target, ...] = ()

    @property
    def label(self) -> str:
        return f"{self.display_id} {self.name}".strip() if self.display_id else self.name

    @property
    def search_text(self) -> str:
        return f"{self.display_id} {self.name} {self.id}"


class JumpIndex:
    def __init__(self) -> None:
        self._targets: dict[tuple[str, str, str], Target] = {}

    def add(self, target: Target) -> None:
        self._targets[(target.session, target.kind, target.id)] = target

    def __len__(self) -> int:
        return len(self._targets)

    def __iter__(self) -> Iterator[Target]:
        return iter(self._targets.values())

    def get(self, session: str, kind: str, id: str) -> Target | None:
        return self._targets.get((session, kind, id))

    def exact(self, text: str) -> list[Target]:
        """Targets whose id or display id is exactly ``text`` (case-insensitive)."""
        needle = text.strip().casefold()
        return [t for t in self._targets.values()
                if needle and needle in (t.id.casefold(), t.display_id.casefold())]
