"""What a pane says instead of (or above) its data: loading, an error, or an empty result.

Errors are views (DESIGN.md principle 6): status code, the platform's message, the request id and
what to do — never a traceback.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from ...core.reads import BudgetWait
from ...core.sanitize import plain


def describe_error(exc: BaseException) -> Text:
    """An exception as the few lines an operator needs (all text sanitised)."""
    from ...api.http import ApiError  # lazily: httpx is not needed to paint the first screen

    text = Text()
    if isinstance(exc, ApiError):
        head = f"HTTP {exc.status}" if exc.status is not None else (exc.code or "Error")
        text.append(f"✗ {head}: ", style="bold red")
        text.append(plain(exc.message, 300))
        if exc.details:
            text.append(f" ({plain(exc.details, 200)})")
        where = f"{exc.method} {exc.path}".strip()
        if where:
            text.append(f"\n  {plain(where, 200)}", style="dim")
        if exc.request_id:
            text.append(f"\n  request id {plain(exc.request_id, 80)}", style="dim")
        if exc.hint:
            text.append(f"\n  {exc.hint}", style="italic")
    elif isinstance(exc, BudgetWait):
        # a status read the budget ledger refused: not an error of the platform, a wait
        from ..text import clock

        text.append("⏸ Budget: ", style="bold yellow")
        text.append(plain(f"{exc.reason} for {exc.obj}; next read at {clock(exc.next_at)}", 300))
        text.append("\n  LiveRamp allows 20 status reads per object per hour.", style="italic")
    elif isinstance(exc, PermissionError):
        text.append("✗ Refused: ", style="bold red")
        text.append(plain(str(exc), 300))
    else:
        text.append("✗ Unexpected error: ", style="bold red")
        text.append(plain(f"{type(exc).__name__}: {exc}", 300))
        text.append("\n  This is a bug in cleanroom-tui; the rest of the app keeps working.",
                    style="italic")
    return text


class LoadState(Static):
    DEFAULT_CSS = """
    LoadState {
        height: auto;
        padding: 0 1;
        color: $text-muted;
    }
    LoadState.-error { color: $text; background: $error 15%; }
    LoadState.-idle { display: none; }
    """

    def __init__(self, id: str | None = None, classes: str | None = None) -> None:
        super().__init__("", id=id, classes=classes)
        self.add_class("-idle")
        self.error: BaseException | None = None

    def loading(self, what: str = "", *, have_data: bool = False) -> None:
        self.error = None
        self.set_classes("-loading")
        label = f"Refreshing {what}…" if have_data else f"Loading {what}…"
        self.update(Text(label.replace("  ", " "), style="dim italic"))

    def failed(self, exc: BaseException, *, have_data: bool = False) -> None:
        self.error = exc
        self.set_classes("-error")
        text = describe_error(exc)
        if have_data:
            text.append("\n  Showing the last data fetched.", style="dim")
        elif isinstance(exc, BudgetWait):
            text.append("\n  Nothing cached for this yet.", style="dim")
        elif getattr(exc, "offline", False):
            text.append("\n  Nothing cached for this yet: it loads once the platform answers.", style="dim")
        self.update(text)

    def note(self, message: str) -> None:
        self.error = None
        self.set_classes("-note")
        self.update(Text(message, style="dim"))

    def idle(self) -> None:
        self.error = None
        self.set_classes("-idle")
        self.update("")
