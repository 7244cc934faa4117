"""Where you are: Home › CR-045144 Room name › CRQ-136017 Question › run (from the screen stack)."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widgets import Static


class Breadcrumbs(Static):
    DEFAULT_CSS = """
    Breadcrumbs {
        height: 1;
        padding: 0 1;
        color: $text-muted;
        background: $boost;
    }
    """

    def show(self, crumbs: Sequence[Text]) -> None:
        text = Text()
        for i, crumb in enumerate(crumbs):
            if i:
                text.append(" › ", style="dim")
            text.append_text(crumb if i < len(crumbs) - 1 else Text(crumb.plain, style="bold"))
        self.update(text)
