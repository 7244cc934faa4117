"""Export names that never replace a file, and a whole result streamed to a file page by page.

**Names.** Every export's suggested name carries the date and time to the second
(``results-20261207-201503.csv``), and ``-2``, ``-3``… when that is taken; a path that exists is
refused where it is typed (:func:`exists_problem`), and the final rename refuses too (a link, not a
replace). So an export never overwrites another one — two exports in a minute included.

**Whole results.** :func:`export_result` asks for one page at a time (each request only after the
previous answered, so the platform's rate is respected and a 429 backs off in the HTTP layer), writes
it to a hidden file beside the target, reports progress after each page, and renames the file
into place only when every row is written. Cancelled (the worker is cancelled) or failed, it leaves
nothing behind. Results reads are not status reads: they do not spend the per-run status budget.

No Textual here.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from .sanitize import plain


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


def _cell(value: Any) -> str:
    """A CSV cell: inert text that a spreadsheet never runs as a formula (numbers stay numbers)."""
    text = "" if value is None else plain(str(value), None)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        try:
            float(text.replace(",", ""))
        except ValueError:
            return "'" + text
    return text


#: ``fetch(offset)`` → a page with ``metadata`` and ``stats`` (RunResultData)
PageFetch = Callable[[int], Awaitable[Any]]


async def export_result(path: Path, fetch: PageFetch, *, page_size: int, total: int | None,
                        on_progress: Callable[[int], None] | None = None) -> int:
    """Every row of a paged result to ``path`` (JSON if it ends in .json, else CSV); returns rows."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        raise FileExistsError(path)
    tmp = path.with_name(f".{path.name}.part")
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
                        writer.writerow([_cell(label) for label in labels])
                for values in page.stats:
                    row = row_values(values, metadata)
                    if as_json:
                        item = {plain(k, None): plain(v, None) if isinstance(v, str) else v
                                for k, v in zip(labels, row, strict=False)}
                        fh.write(("\n" if written == 0 else ",\n") + json.dumps(item, ensure_ascii=False))
                    else:
                        writer.writerow([_cell(v) for v in row])
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
    tmp = path.with_name(f".{path.name}.part")
    tmp.write_bytes(data)
    place(tmp, path)
    return len(data)


__all__ = ["exists_problem", "export_result", "place", "result_columns", "row_values", "save_bytes", "slug",
           "unique_name"]
