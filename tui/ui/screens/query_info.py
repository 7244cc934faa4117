"""The query an event names, in a modal: what the event says, and what the API says about it now."""

from __future__ import annotations

import asyncio

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen

from ...core import infosum as isum
from ...core.session import Session
from ..text import multiline, safe
from ..widgets.details import Details
from ..widgets.load_state import LoadState


class QueryInfoScreen(ModalScreen[None]):
    """A query named by an event: what the event says, and what the API says about it now."""

    DEFAULT_CSS = """
    QueryInfoScreen { align: center middle; }
    QueryInfoScreen > VerticalScroll {
        width: 90%; max-width: 110; height: auto; max-height: 80%;
        border: thick $primary; background: $surface; padding: 1 2;
    }
    """
    BINDINGS = [Binding("escape,q,enter", "close", "Close")]

    def __init__(self, session: Session, entity: dict[str, str]) -> None:
        super().__init__()
        self.session = session
        self.entity = entity

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Details(id="query-info")
            yield LoadState(id="query-state")

    def on_mount(self) -> None:
        self.query_one("#query-info", Details).show(self._pairs(), title="Query")
        self.run_worker(self._load(), exclusive=True, exit_on_error=False)

    def _pairs(self) -> list[tuple[str, Text]]:
        e = self.entity
        pairs = [("Id", safe(e.get("id"), 100))]
        if e.get("name") and e.get("name") != e.get("id"):
            pairs.append(("Query", multiline(e.get("name"), 2000)))
        return pairs

    async def _load(self) -> None:
        state = self.query_one("#query-state", LoadState)
        state.loading("query status")
        try:
            status = (await self.session.load(isum.query_status(self.entity["id"]))).value
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # e.g. 404: queries are not kept forever
            state.failed(exc)
            return
        state.idle()
        pairs = self._pairs() + [("Status", safe(status.status, 40)), ("Done", Text("yes" if status.done else "no"))]
        if status.error:
            pairs.append(("Error", multiline(status.error, 1000)))
        self.query_one("#query-info", Details).show(pairs, title="Query")

    def action_close(self) -> None:
        self.dismiss(None)
