"""The buttons and keys every small write form shares: Review (or Enter in a field) checks the form
and dismisses it with the choice, or shows the problem in the form's error line; Cancel/Esc dismiss
it with None. A form sets :attr:`ERROR_ID` and implements ``problem() -> (choice, why)``."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import Button, Input, Static


class ReviewFormMixin:
    """For a ``ModalScreen`` whose ``problem()`` returns ``(choice, why)``; ``why`` empty means valid."""

    #: the Static that shows why the form cannot be sent yet
    ERROR_ID = "form-error"

    def problem(self) -> tuple[Any, str]:  # pragma: no cover - each form implements it
        raise NotImplementedError

    def _review(self) -> None:
        choice, why = self.problem()
        if why:
            self.query_one(f"#{self.ERROR_ID}", Static).update(Text(f"✗ {why}"))  # type: ignore[attr-defined]
            return
        self.dismiss(choice)  # type: ignore[attr-defined]

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "review":
            self._review()
        else:
            self.dismiss(None)  # type: ignore[attr-defined]

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._review()

    def action_cancel(self) -> None:
        self.dismiss(None)  # type: ignore[attr-defined]
