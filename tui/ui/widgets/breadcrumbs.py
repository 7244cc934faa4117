"""Where you are: Home › CR-045144 Room name › CRQ-136017 Question › run (from the screen stack).

On a narrow terminal the middle of the trail gives way first (its names, keeping ids such as
CR-199659; then the crumbs: Home › … › run), then the current screen's name is cut with an ellipsis: the screen you are on always keeps its name.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widgets import Static

SEP = " › "
GAP = "…"


class Breadcrumbs(Static):
    DEFAULT_CSS = """
    Breadcrumbs {
        height: 1;
        padding: 0 1;
        color: $text-muted;
        background: $boost;
    }
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._crumbs: list[Text] = []

    def show(self, crumbs: Sequence[Text]) -> None:
        self._crumbs = list(crumbs)
        self.update(self.fit(self._width()))

    def on_resize(self) -> None:
        if self._crumbs:
            self.update(self.fit(self._width()))

    def _width(self) -> int:
        width = self.content_size.width if self.is_mounted else 0
        return width if width > 0 else max(self.app.size.width - 2, 20)

    def fit(self, width: int) -> Text:
        """The trail in ``width`` cells: middle crumbs dropped first, then the last ones cut."""
        crumbs = self._crumbs
        if not crumbs:
            return Text()
        current = Text(crumbs[-1].plain, style="bold")
        parts: list[Text] = list(crumbs[:-1])
        dropped = False

        def join() -> Text:
            text = Text()
            for i, crumb in enumerate([*parts[:1], *([Text(GAP)] if dropped else []), *parts[1:], current]):
                if i:
                    text.append(SEP, style="dim")
                text.append_text(crumb)
            return text

        text = join()
        for i in range(1, len(parts)):  # first the screens between give up their names, keeping ids
            if text.cell_len <= width:
                break
            short = parts[i].plain.split(" ", 1)[0]
            if short != parts[i].plain:
                parts[i] = Text(short)
                text = join()
        while text.cell_len > width and len(parts) > 1:
            del parts[1]  # the screens between home and here give way first
            dropped = True
            text = join()
        if text.cell_len > width:  # still too long: the current screen keeps as much of its name as fits
            text = join()
            head = text.cell_len - current.cell_len
            room = max(width - head, 6)
            if current.cell_len > room:
                current = Text(current.plain[:room - 1] + "…", style="bold")
                text = join()
            if text.cell_len > width:  # not even home fits beside it
                parts, dropped = [], False
                text = join()
                text.truncate(width, overflow="ellipsis")
        return text
