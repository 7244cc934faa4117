"""Exports of an event-log view: the rows shown, as JSON (API-shaped events) or CSV (the export's
columns), through :mod:`tui.core.export`; and reading such a CSV back."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from pathlib import Path

from .event_rows import EventRow
from .export import is_json_path, write_csv, write_json

#: the events export's columns (reference §8.3.15; the emulator's guess): view exports use the same
CSV_HEADER = ("event_date_time", "type", "company_id", "message", "entities", "metadata")


def csv_row(row: EventRow) -> tuple[str, ...]:
    return (row.time, row.type, row.company_id, row.message,
            json.dumps(list(row.entities), separators=(",", ":")),
            json.dumps(row.metadata, separators=(",", ":"), sort_keys=True))


def write_view(path: Path, rows: Iterable[EventRow]) -> int:
    """Write ``rows`` as JSON (``.json``: a list of API-shaped events) or CSV (the export's columns).

    Through :mod:`tui.core.export`: atomic, sanitised, formula-safe; returns the number of rows.
    """
    if is_json_path(path):
        return write_json(path, (row.as_api() for row in rows), indent=None)
    return write_csv(path, CSV_HEADER, (csv_row(row) for row in rows))


def read_export_csv(data: bytes | str) -> list[dict[str, str]]:
    """Parse an events CSV (the server's or ours) into dicts: for checks and tests."""
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    return list(csv.DictReader(io.StringIO(text)))
