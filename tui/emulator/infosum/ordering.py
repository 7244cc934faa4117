"""v2 ``order_by``: comma-separated ``column [ASC|DESC]`` terms (reference §5.2).

Default direction when omitted is ASC (GUESS); each endpoint passes its own default ordering
(newest first). Unknown columns or directions are 400 INVALID_ARGUMENT, naming the position.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

from .errors import invalid

OrderTerm = tuple[str, bool]  # (column, descending)


def parse_order_by(text: str | None, columns: Iterable[str], default: Sequence[OrderTerm]) -> list[OrderTerm]:
    valid = list(columns)
    if text is None or not text.strip():
        return list(default)
    terms: list[OrderTerm] = []
    pos = 0
    for raw in text.split(","):
        start = pos + (len(raw) - len(raw.lstrip()))
        pos += len(raw) + 1
        words = raw.split()
        if not words:
            raise invalid(f"order_by: empty sort term at position {start}")
        column = words[0]
        if column not in valid:
            raise invalid(f"order_by: unknown column '{column}' at position {start}; "
                          f"valid columns: {', '.join(valid)}")
        descending = False
        if len(words) >= 2:
            direction = words[1].upper()
            if direction not in ("ASC", "DESC"):
                where = start + raw.lstrip().find(words[1], len(column))
                raise invalid(f"order_by: expected ASC or DESC after '{column}' at position {where}, "
                              f"found '{words[1]}'")
            descending = direction == "DESC"
        if len(words) > 2:
            raise invalid(f"order_by: unexpected '{words[2]}' in sort term '{raw.strip()}' at position {start}; "
                          "separate terms with commas")
        terms.append((column, descending))
    return terms


def sort_items(items: list, terms: Sequence[OrderTerm], keys: Mapping[str, Callable[[object], object]]) -> list:
    """Stable multi-key sort: apply the least significant term first."""
    result = list(items)
    for column, descending in reversed(terms):
        result.sort(key=keys[column], reverse=descending)
    return result
