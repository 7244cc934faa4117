"""The top line of every screen: which profile, platform and org you are looking at, and as of when.

The right part ("as of HH:MM", offline, read-only) never gets cut; the left part (profiles) is
ellipsised on narrow terminals. Org and company names come from the platform: sanitised, plain.

A profile with a ``color`` gets its name as a coloured badge (prod red). "As of" turns into a
warning-coloured "as of HH:MM · stale" once the oldest data on screen is older than the profile's
``stale_after`` (re-checked every 30 s, so an idle screen turns stale by itself).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from ...core.sanitize import plain
from ...core.session import Session
from ..text import clock


class ContextHeader(Horizontal):
    DEFAULT_CSS = """
    ContextHeader {
        height: 1;
        background: $panel;
        color: $foreground;
    }
    ContextHeader > #context-who { width: 1fr; padding: 0 1; text-wrap: nowrap; text-overflow: ellipsis; }
    ContextHeader > #context-when { width: auto; padding: 0 1; }
    ContextHeader > #context-when.-stale { background: $warning; color: $text; text-style: bold; }
    """
    #: how often an idle header re-checks staleness
    RECHECK_S = 30.0

    def __init__(self, sessions: Sequence[Session], *, readonly: bool = False) -> None:
        super().__init__()
        self.sessions = list(sessions)
        self.readonly = readonly
        self.as_of: datetime | None = None
        self.refreshing = False

    def compose(self) -> ComposeResult:
        yield Static(self.who_text(), id="context-who")
        yield Static(self.when_text(), id="context-when")

    def on_mount(self) -> None:
        self.set_interval(self.RECHECK_S, self.redraw)

    @property
    def stale(self) -> bool:
        """The oldest data on screen is older than the strictest profile's ``stale_after``."""
        if self.as_of is None or not self.sessions:
            return False
        now = max(s.repo.now() for s in self.sessions)
        limit = min(s.profile.stale_after_s for s in self.sessions)
        return now - self.as_of > timedelta(seconds=limit)

    def set_as_of(self, as_of: datetime | None, refreshing: bool) -> None:
        self.as_of, self.refreshing = as_of, refreshing
        self.redraw()

    def who_text(self) -> Text:
        text = Text()
        for i, session in enumerate(self.sessions):
            if i:
                text.append("  │  ", style="dim")
            color = session.profile.color
            if color:  # a badge, so the colour reads on any theme
                text.append(f" {plain(session.name, 40)} ", style=f"bold reverse {color}")
            else:
                text.append(plain(session.name, 40), style="bold")
            text.append(f" {session.platform_label}")
            org = session.org_name
            text.append(" · ")
            text.append(plain(org, 40) if org else "…", style="" if org else "dim")
            if not session.online:
                text.append(" · offline", style="bold red")
        return text

    def when_text(self) -> Text:
        text = Text()
        if self.as_of is not None:
            text.append(f"as of {clock(self.as_of)}")
            if self.stale:
                text.append(" · stale")
            if self.refreshing:
                text.append(" ↻", style="dim")
        elif self.refreshing or all(s.online for s in self.sessions):
            text.append("loading…", style="dim")
        else:
            text.append("no data yet", style="dim")  # offline, nothing cached: not "loading"
        if self.readonly:
            text.append("  READ-ONLY", style="bold yellow")
        return text

    def redraw(self) -> None:
        if not self.is_mounted:
            return
        self.query_one("#context-who", Static).update(self.who_text())
        when = self.query_one("#context-when", Static)
        when.update(self.when_text())
        when.set_class(self.stale, "-stale")
