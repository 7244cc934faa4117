"""The one way files are exported: every CSV and JSON writer of the app goes through here (issue 16).

- **Atomic**: the text is written to a hidden temporary file beside the target, flushed, then
  renamed over it; on any error the temporary file is removed, so there is never a partial,
  ``.part`` or empty file where the export should be, and an existing file is only replaced by a
  complete one.
- **Encodable**: every string goes through :func:`tui.core.sanitize.plain` (newlines kept), so a
  lone surrogate from a server (valid JSON, not valid UTF-8) becomes U+FFFD instead of a
  ``UnicodeEncodeError``, and an exported file printed to a terminal cannot drive it.
- **Formula-safe CSV**: a cell starting with ``= + - @``, tab or CR is prefixed with ``'`` so a
  spreadsheet shows it as text instead of running it (``=HYPERLINK(…)``, ``+cmd|' /C calc'!A0``);
  numbers (``-5``, ``+1.5``) are left alone.

Naming (unique names, asking before replacing) is the callers' business; these only write.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import IO, Any

from .sanitize import plain

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def text(value: Any) -> str:
    """An exported string: inert and encodable, newlines kept."""
    return plain(value, None, single_line=False)


def csv_cell(value: Any) -> str:
    """One CSV cell: sanitised, and never a spreadsheet formula."""
    if value is None:
        return ""
    raw = value if isinstance(value, str) else str(value)
    cell = text(raw)
    if raw[:1] in _FORMULA_START or cell[:1] in _FORMULA_START:
        try:
            float(cell.replace(",", ""))
        except ValueError:
            return "'" + cell
    return cell


def clean(value: Any) -> Any:
    """A JSON-able value with every string (keys too) passed through :func:`text`."""
    if isinstance(value, str):
        return text(value)
    if isinstance(value, dict):
        return {text(k) if isinstance(k, str) else k: clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean(v) for v in value]
    return value


def write_atomic(path: Path | str, fill: Callable[[IO[str]], int]) -> int:
    """Run ``fill(fh)`` on a temporary file beside ``path``, then rename it to ``path``.

    Returns what ``fill`` returns (the number of rows). On any exception nothing is left behind.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            count = fill(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return count


def write_csv(path: Path | str, header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> int:
    """The app's only CSV writer: a header, then formula-safe, sanitised rows; returns the row count."""

    def fill(fh: IO[str]) -> int:
        writer = csv.writer(fh)
        writer.writerow([csv_cell(h) for h in header])
        count = 0
        for row in rows:
            writer.writerow([csv_cell(v) for v in row])
            count += 1
        return count

    return write_atomic(path, fill)


def write_json(path: Path | str, items: Iterable[Any], *, indent: int | None = 1) -> int:
    """A JSON list of ``items`` (strings sanitised), streamed item by item; returns the item count."""

    def fill(fh: IO[str]) -> int:
        count = 0
        fh.write("[")
        for count, item in enumerate(items, 1):
            body = json.dumps(clean(item), ensure_ascii=False, indent=indent, default=str)
            fh.write(("\n" if count == 1 else ",\n") + body)
        fh.write("\n]\n")
        return count

    return write_atomic(path, fill)


def is_json_path(path: Path | str) -> bool:
    return Path(path).suffix.lower() in (".json", ".jsonl")


__all__ = ["clean", "csv_cell", "is_json_path", "text", "write_atomic", "write_csv", "write_json"]
