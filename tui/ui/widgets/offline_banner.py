"""One banner when the platform cannot be reached; cached data stays on screen under it."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


class OfflineBanner(Static):
    DEFAULT_CSS = """
    OfflineBanner {
        height: 1;
        padding: 0 1;
        background: $error;
        color: $text;
        display: none;
    }
    OfflineBanner.-offline { display: block; }
    """

    def set_offline(self, names: list[str]) -> None:
        if names:
            self.update(Text(f"Offline: {', '.join(names)} unreachable — showing cached data where there "
                             "is some; retrying by itself (r retries now)."))
        self.set_class(bool(names), "-offline")
