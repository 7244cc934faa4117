"""Per-item lenient parsing of list answers (issue 16, item 8), for both platforms' clients.

One malformed item (a room with ``questionsCount: "NaN"``, an event with an unparseable
``event_date_time``) used to fail the whole list as ``BAD_RESPONSE``. :func:`parse_items` keeps
every item that reads and describes the others: the result is an :class:`Items` — a plain ``list``
of models (so every caller, cache and typed service passes it through unchanged) with a
``problems`` attribute the UI shows as one marked row ("1 item could not be read: field, value").
Each problem is logged.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)
log = logging.getLogger("tui.api.items")


@dataclass(frozen=True)
class ItemProblem:
    """Why item ``index`` of a list answer was left out."""

    index: int
    field: str
    value: str  # the offending value, sanitised and short
    message: str
    path: str = ""

    def describe(self) -> str:
        return f"{self.field}, {self.value}" if self.value else self.field


class Items(list):
    """The items that could be read, in the platform's order; ``problems``: the ones that could not."""

    problems: list[ItemProblem]

    def __init__(self, items: Iterable[Any] = (), problems: Iterable[ItemProblem] = ()) -> None:
        super().__init__(items)
        self.problems = list(problems)


def problems_of(value: Any) -> list[ItemProblem]:
    """The unreadable items of a list answer (none for anything else)."""
    return list(getattr(value, "problems", None) or [])


def summary(problems: Sequence[ItemProblem]) -> str:
    """``1 item could not be read: questionsCount, NaN`` (the first one named)."""
    if not problems:
        return ""
    n = len(problems)
    noun = "item" if n == 1 else "items"
    return f"{n} {noun} could not be read: {problems[0].describe()}" + (" (and more)" if n > 1 else "")


def _problem(index: int, exc: ValidationError, data: Any, path: str) -> ItemProblem:
    errors = exc.errors(include_url=False)
    first = errors[0] if errors else {}
    where = ".".join(str(p) for p in first.get("loc", ())) or "item"
    raw = first.get("input", data)
    value = raw if isinstance(raw, str | int | float | bool) or raw is None else type(raw).__name__
    # repr(): quotes a string and escapes its control characters; the UI's gate does the rest
    return ItemProblem(index=index, field=_short(repr(where)[1:-1], 80), value=_short(repr(value), 60),
                       message=_short(str(first.get("msg", "invalid")), 200), path=path)


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def parse_items(model: type[M], raw: Iterable[Any], *, path: str = "", platform: str = "",
                skip_non_objects: bool = False) -> Items:
    """Validate each element of ``raw`` on its own; see the module docstring."""
    items: list[M] = []
    problems: list[ItemProblem] = []
    for index, data in enumerate(raw):
        if skip_non_objects and not isinstance(data, dict):
            continue
        try:
            items.append(model.model_validate({} if data is None else data))
        except ValidationError as exc:
            problem = _problem(index, exc, data, path)
            problems.append(problem)
            log.warning("%s %s: item %d could not be read (%s: %s): left out", platform, path, index,
                        problem.describe(), problem.message)
    return Items(items, problems)


__all__ = ["ItemProblem", "Items", "parse_items", "problems_of", "summary"]
