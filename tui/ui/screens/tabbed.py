"""A browsing screen with tabs whose contents are built and loaded the first time they are shown.

Hidden tabs cost nothing at start: no widgets mounted, no calls made (Posting's lazy tabs).
``r`` reloads the summary and every tab built so far.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import TabbedContent, TabPane

from .base import BaseScreen


class TabbedScreen(BaseScreen):
    #: (pane id, label) in order; the first is shown first
    TABS: tuple[tuple[str, str], ...] = ()
    #: the first tab's table takes the focus once built (not the tab strip)
    AUTO_FOCUS = None

    def __init__(self, session) -> None:
        super().__init__(session)
        self._built: set[str] = set()
        self._building: set[str] = set()

    def compose_body(self) -> ComposeResult:
        with Vertical(classes="body"):
            yield from self.compose_top()
            with TabbedContent(initial=self.TABS[0][0] if self.TABS else ""):
                for pane_id, label in self.TABS:
                    with TabPane(label, id=pane_id):
                        yield Vertical(id=f"{pane_id}-slot", classes="pane")

    def compose_top(self) -> ComposeResult:
        """Widgets above the tabs (a summary); none by default."""
        yield from ()

    def initial_load(self) -> None:
        self.load_top()  # the first tab loads itself when it is built (on_mount below)

    async def on_mount(self) -> None:
        if self.TABS:
            await self.ensure_tab(self.TABS[0][0])

    async def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        if event.pane is not None and event.pane.id:
            await self.ensure_tab(event.pane.id)
            self.focus_tab(event.pane.id)

    async def ensure_tab(self, pane_id: str) -> None:
        if pane_id in self._built or pane_id in self._building:
            return
        self._building.add(pane_id)
        try:
            slot = self.query_one(f"#{pane_id}-slot", Vertical)
            await slot.mount_all(list(self.build_tab(pane_id)))
        finally:
            self._building.discard(pane_id)
        self._built.add(pane_id)
        self.load_tab(pane_id)
        self.focus_tab(pane_id)

    def focus_tab(self, pane_id: str) -> None:
        """Put the keyboard in the tab's first table (or node tree), so Enter/j/k/y act on it at once."""
        tabs = self._tabs()
        # ``active`` may still be unset while the TabbedContent mounts: the first tab is meant then
        if tabs is None or pane_id not in self._built or (tabs.active and tabs.active != pane_id):
            return
        # by CSS type name (subclasses match too), so this module imports neither widget
        found = list(self.query_one(f"#{pane_id}-slot").query("ResourceTable, FlowTree"))
        if found:
            found[0].focus()

    def show_tab(self, pane_id: str) -> None:
        tabs = self._tabs()
        if tabs is not None:
            tabs.active = pane_id

    def build_tab(self, pane_id: str) -> Iterable[Widget]:
        """The widgets of a tab, built on first show."""
        return ()

    def load_tab(self, pane_id: str) -> None:
        """Start the workers that load a tab's data."""

    def load_top(self) -> None:
        """Start the workers that load the summary above the tabs."""

    def reload(self) -> None:
        self.load_top()
        for pane_id in list(self._built):
            self.load_tab(pane_id)
