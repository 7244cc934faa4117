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

**Names** (:func:`unique_name`, :func:`exists_problem`): every export's suggested name carries the
date and time to the second (``results-20261207-201503.csv``), and ``-2``, ``-3``… when that is
taken; a path that exists is refused where it is typed, and the streamed writers below refuse at the
end too (a link, not a replace). So an export never overwrites another one.

**Whole results** (:func:`export_result`): one page at a time (each request only after the previous
answered, so the platform's rate is respected and a 429 backs off in the HTTP layer), written to a
hidden file beside the target, progress after each page, renamed into place only when every row is
written; cancelled or failed, nothing is left behind. Results reads are not status reads: they do
not spend the per-run status budget.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import tempfile
from collections.abc import Awaitable, Callable, Iterable, Sequence
from datetime import datetime
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


# --------------------------------------------------------------------------- names and whole results
def slug(text: str, fallback: str = "export") -> str:
    """A file-name part from a (platform) name: lower-case letters and digits, dashes between."""
    return "-".join("".join(ch if ch.isalnum() else " " for ch in plain(text, 80).lower()).split())[:40] or fallback


def unique_name(stem: str, suffix: str = ".csv", *, directory: Path | str = ".",
                now: datetime | None = None) -> str:
    """``./{stem}-YYYYmmdd-HHMMSS{suffix}``, with ``-2``, ``-3``… if that file exists already."""
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    base = Path(directory) / f"{stem}-{stamp}"
    candidate, n = Path(f"{base}{suffix}"), 1
    while candidate.exists():
        n += 1
        candidate = Path(f"{base}-{n}{suffix}")
    return str(candidate) if Path(directory).is_absolute() else f"./{candidate}"


def exists_problem(answer: str) -> str | None:
    """Why a typed export path cannot be used (it exists: exports never replace a file), or None."""
    path = Path(answer).expanduser()
    if path.is_dir():
        return f"{plain(answer, 80)} is a folder: give a file name."
    if path.exists():
        return f"{plain(answer, 80)} exists: exports never replace a file, choose another name."
    return None


def place(tmp: Path, path: Path) -> None:
    """Move a finished temporary file to ``path``, refusing (FileExistsError) if it appeared meanwhile."""
    try:
        os.link(tmp, path)  # unlike a rename, a link never replaces what is there
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def result_columns(metadata: list[Any]) -> list[tuple[str, str]]:
    """(row-map key, label) per output column; rows are keyed by column name or field name."""
    out = []
    for i, col in enumerate(metadata):
        key = col.column_name or col.field_name or f"col{i}"
        out.append((key, col.field_name or col.column_name or key))
    return out


def row_values(values: dict[str, Any], metadata: list[Any]) -> list[Any]:
    out = []
    for (key, _label), col in zip(result_columns(metadata), metadata, strict=False):
        value = values.get(key)
        if value is None and col.field_name:
            value = values.get(col.field_name)
        out.append(value)
    return out


def _hidden_beside(path: Path) -> Path:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    return Path(tmp)


#: ``fetch(offset)`` → a page with ``metadata`` and ``stats`` (RunResultData)
PageFetch = Callable[[int], Awaitable[Any]]


async def export_result(path: Path, fetch: PageFetch, *, page_size: int, total: int | None,
                        on_progress: Callable[[int], None] | None = None) -> int:
    """Every row of a paged result to ``path`` (JSON if it ends in .json, else CSV); returns rows."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        raise FileExistsError(path)
    tmp = _hidden_beside(path)
    as_json = path.suffix.lower() == ".json"
    written = 0
    try:
        with open(tmp, "w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            metadata: list[Any] | None = None
            fh.write("[" if as_json else "")
            offset = 0
            while total is None or offset < total:
                page = await fetch(offset)
                if metadata is None:
                    metadata = list(page.metadata)
                    labels = [label for _key, label in result_columns(metadata)]
                    if not as_json:
                        writer.writerow([csv_cell(label) for label in labels])
                for values in page.stats:
                    row = row_values(values, metadata)
                    if as_json:
                        item = clean(dict(zip(labels, row, strict=False)))
                        fh.write(("\n" if written == 0 else ",\n") + json.dumps(item, ensure_ascii=False))
                    else:
                        writer.writerow([csv_cell(v) for v in row])
                    written += 1
                if on_progress is not None:
                    on_progress(written)
                if len(page.stats) < page_size:
                    break  # the last page (fewer rows than asked for)
                offset += page_size
            fh.write("\n]\n" if as_json else "")
        place(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return written


def save_bytes(path: Path, data: bytes) -> int:
    """A downloaded file, written whole and never over an existing one; returns its size."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _hidden_beside(path)
    try:
        tmp.write_bytes(data)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    place(tmp, path)
    return len(data)


__all__ = ["clean", "csv_cell", "exists_problem", "export_result", "is_json_path", "place", "result_columns",
           "row_values", "save_bytes", "slug", "text", "unique_name", "write_atomic", "write_csv", "write_json"]
