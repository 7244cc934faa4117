"""The confirmation before a launch: the exact request (method, path, JSON body) that will be sent.

A launch cannot be undone and spends one of the hour's creations, so this screen shows precisely
what goes over the wire, where, for which profile, what the creation budget will be afterwards,
and — when the same parameters were launched moments ago — asks "launch again?". Cancel has the
focus: a stray Enter never launches.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Static

from ...core.sanitize import plain
from ..text import local
from .confirm import ConfirmScreen


@dataclass
class LaunchRequestView:
    """What the confirmation shows."""

    title: str  # "Launch a question run"
    method: str  # "POST"
    path: str  # "/v1/cleanroom-questions/<id>/create-run"
    body: dict[str, Any]
    #: (label, value) lines above the request: profile, question/flow, room
    context: Sequence[tuple[str, str]] = ()
    #: creations left now and the hourly budget; None when the platform publishes none (InfoSum)
    creates_left: int | None = None
    creates_per_hour: int | None = None
    counts_create: bool = True
    #: earlier launches with the same parameters within the duplicate window (JournalEntry)
    duplicates: list[Any] = field(default_factory=list)
    duplicate_window_min: int = 15
    confirm_label: str = "Launch"
    #: what happens if the answer is lost (differs per platform)
    lost_answer: str = ("If the answer is lost, the app lists the runs to find the new one instead of "
                        "posting again.")

    @property
    def request_line(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def body_json(self) -> str:
        return json.dumps(self.body, indent=2, ensure_ascii=False)


def duplicate_text(view: LaunchRequestView) -> Text:
    earlier = view.duplicates
    last = earlier[0]
    at = local(last.created_at).strftime("%H:%M:%S") if getattr(last, "created_at", None) else "?"
    text = Text()
    text.append("Again? ", style="bold yellow")
    text.append(f"The same parameters were launched {len(earlier)} time(s) in the last "
                f"{view.duplicate_window_min} min (last at {at}, {plain(last.state, 20)}"
                f"{', run ' + plain(last.object_id, 60) if getattr(last, 'object_id', None) else ''}). "
                "Launch another run anyway?")
    return text


def launch_body(view: LaunchRequestView) -> Text:
    text = Text()
    for label, value in view.context:
        text.append(f"{label:<10}", style="bold")
        text.append(plain(value, 200))
        text.append("\n")
    text.append(f"{'Request':<10}", style="bold")
    text.append(plain(view.request_line, 300))
    text.append("\nBody\n", style="bold")
    # values were validated (no control characters); plain() keeps it inert all the same
    text.append(plain(view.body_json, 20000, single_line=False))
    text.append("\n\n")
    if view.counts_create and view.creates_left is not None:
        after = max(0, view.creates_left - 1)
        text.append(f"Creations left this hour: {view.creates_left}/{view.creates_per_hour} → {after} "
                    "after this launch.\n", style="italic")
    text.append("Sent once; never retried automatically. " + view.lost_answer, style="dim")
    return text


class LaunchConfirmScreen(ConfirmScreen):
    """:class:`ConfirmScreen` with a scrolling body (a request with many parameters is long)."""

    DEFAULT_CSS = """
    LaunchConfirmScreen > Vertical { border: thick $primary; }
    LaunchConfirmScreen #launch-request { height: auto; max-height: 24; }
    LaunchConfirmScreen #launch-again { margin-bottom: 1; background: $warning 20%; padding: 0 1; }
    LaunchConfirmScreen.-short > Vertical { padding: 0 1; }
    """

    def __init__(self, view: LaunchRequestView) -> None:
        label = "Launch again" if view.duplicates else view.confirm_label
        super().__init__(view.title, launch_body(view), confirm_label=label, danger=bool(view.duplicates))
        self.view = view

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self.title_text), id="confirm-title")
            if self.view.duplicates:
                yield Static(duplicate_text(self.view), id="launch-again")
            with VerticalScroll(id="launch-request"):
                yield Static(self.body, id="confirm-body")
            with Horizontal():
                yield Button("Cancel", id="cancel")
                yield Button(self.confirm_label, id="confirm", variant="error" if self.danger else "primary")

    def on_resize(self) -> None:
        self.set_class(self.size.height < 30, "-short")
        self.call_after_refresh(self._fit_request)

    def _fit_request(self) -> None:
        """Cap the request's scroll box so the title and the buttons stay on screen (80×24)."""
        box = self.query_one("#launch-request")
        frame = self.query_one(Vertical)
        around = frame.outer_size.height - box.outer_size.height
        limit = max(3, min(24, self.size.height - around - 1))
        box.styles.max_height = limit


__all__ = ["LaunchConfirmScreen", "LaunchRequestView", "duplicate_text", "launch_body"]
