"""The widgets of a typed parameter form: a field's validator, the date input, its label and hint.

Shared by the launch form (:mod:`tui.ui.screens.launch`) and every form built from a question's or a
flow's parameters (schedules). The checks are :mod:`tui.core.params`' — the same the launcher makes.
"""

from __future__ import annotations

from datetime import date, timedelta

from rich.text import Text
from textual.binding import Binding
from textual.validation import ValidationResult, Validator
from textual.widgets import Input

from ...core.params import BOOLEAN, CHOICE, DATE, DECIMAL, INTEGER, ParamField, check_value, parse_date
from ...core.sanitize import plain


class FieldValidator(Validator):
    """Textual's validator for one parameter: the same check the launcher makes."""

    def __init__(self, f: ParamField) -> None:
        super().__init__()
        self.field = f

    def validate(self, value: str) -> ValidationResult:
        _value, problem = check_value(self.field, value)
        return self.failure(problem) if problem else self.success()


class DateInput(Input):
    """A ``YYYY-MM-DD`` input; ↑/↓ move the date a day (from today when empty)."""

    BINDINGS = [Binding("up", "shift_day(1)", "Next day", show=False),
                Binding("down", "shift_day(-1)", "Previous day", show=False)]

    def action_shift_day(self, days: int) -> None:
        current = parse_date(self.value.strip()) or date.today()
        self.value = (current + timedelta(days=days)).isoformat()
        self.cursor_position = len(self.value)


def field_label(f: ParamField) -> Text:
    """A parameter's label: its name, ``*`` when required, its node, partition and data type."""
    text = Text()
    text.append(plain(f.label, 80), style="bold")
    if f.label != f.name:
        text.append(f"  {plain(f.name, 80)}", style="dim")
    if f.required:
        text.append(" *", style="bold red")
    extra = []
    if f.node_label:
        extra.append(f"node {plain(f.node_label, 40)}")
    if f.partition:
        extra.append(f"{f.partition} partition")
    if f.data_type:
        extra.append(plain(f.data_type, 20))
    if extra:
        text.append(f"  ({', '.join(extra)})", style="dim")
    return text


def field_hint(f: ParamField, note: str | None = None) -> Text:
    """The line under a field: format, suggestions, description, example, and a sanitising note."""
    parts = []
    # a description that already says the format ("Conversion window (whole number)") is not
    # followed by it again
    said = bool(f.hint) and f.hint.casefold() in (f.description or "").casefold()
    if f.hint and not said:
        parts.append(f.hint + (" · ↑/↓ ±1 day" if f.kind == DATE else ""))
    if f.choices and not f.enforced:
        parts.append("suggested: " + ", ".join(f.choices[:8]))
    if f.description:
        parts.append(f.description)
    if f.example:
        parts.append(f"e.g. {f.example}")
    if not f.required and not f.default:
        parts.append("optional: leave empty to use the platform's default")
    text = Text(plain(" · ".join(parts), 300), style="dim")
    if note:  # the value shown is not the platform's as is (issue 16)
        text.append(("\n" if parts else "") + f"⚠ {plain(note, 200)}", style="yellow")
    return text


def is_select(f: ParamField) -> bool:
    return f.kind == BOOLEAN or (f.enforced and bool(f.choices) and f.kind in (CHOICE, INTEGER, DECIMAL))


__all__ = ["DateInput", "FieldValidator", "field_hint", "field_label", "is_select"]
