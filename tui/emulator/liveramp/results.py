"""Result rows computed on the fly from (run id, row index): nothing is materialised, so a
1M-row result costs no memory. The same functions serve question runs and flow-node reports.

Row maps are keyed by ``columnName`` (upper case) and every value is a string (reference §7.5).
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator

from .model import OutputColumn, Template


def row_count(template: Template, run_id: str, scale: int) -> int:
    """Total rows of a completed run: ``base × scale``, with ±20 % per-run variation for reports."""
    if template.exact_rows:
        return template.base_rows * scale
    digest = hashlib.blake2b(f"{run_id}:rows".encode(), digest_size=4).digest()
    wiggle = 0.8 + 0.4 * int.from_bytes(digest, "big") / 2**32
    return max(1, int(template.base_rows * scale * wiggle))


def metadata(template: Template) -> list[dict]:
    return [{"fieldName": c.field_name, "dataType": c.data_type, "columnName": c.column_name}
            for c in template.columns]


def _value(column: OutputColumn, index: int, noise: bytes, position: int, stable: str = "",
           base: bytes = b"") -> str:
    fraction = int.from_bytes(noise[position * 4:position * 4 + 4], "big") / 2**32
    if base:
        # a measure is the question's own value for this row, drifting a little from run to run
        # (mostly within ±5 %, now and then a jump), as last night's numbers do
        steady = int.from_bytes(base[position * 4:position * 4 + 4], "big") / 2**32
        drift = (fraction - 0.5) * (0.6 if noise[62] < 13 else 0.1)
        fraction = min(1.0, max(0.0, steady * (1 + drift)))
    if column.kind == "dimension":
        values = column.values
        base = values[index % len(values)]
        return base if index < len(values) else f"{base} #{index // len(values) + 1}"
    if column.kind == "sequence":
        return str(index + 1)
    if column.kind == "count":
        return str(int(column.low + (column.high - column.low) * fraction))
    if column.kind == "ratio":
        return f"{column.low + (column.high - column.low) * fraction:.4f}"
    if column.kind == "rampid":
        # the same audience from run to run (keyed by the question and the row), with ~3 % churn
        # per run, so comparing two runs of a list question finds the rows that came and went
        churned = noise[63] < 8
        seed = noise if churned else f"{stable}:{index}".encode()
        token = hashlib.blake2b(seed, digest_size=30).digest()
        return "XY" + base64.urlsafe_b64encode(token).decode().rstrip("=")
    return ""


def row(template: Template, run_id: str, index: int) -> dict[str, str]:
    noise = hashlib.blake2b(f"{run_id}:{index}".encode(), digest_size=64).digest()
    base = hashlib.blake2b(f"{template.title}:{index}".encode(), digest_size=64).digest()
    return {c.column_name: _value(c, index, noise, i % 16, template.title, base)
            for i, c in enumerate(template.columns)}


def rows(template: Template, run_id: str, total: int, offset: int, limit: int) -> list[dict[str, str]]:
    end = min(total, offset + limit)
    return [row(template, run_id, i) for i in range(max(0, offset), end)]


def result_data(template: Template, run_id: str, total: int, offset: int, limit: int) -> dict:
    """``QuestionRunResultData``; ``count`` is the total number of rows (GUESS in the reference)."""
    return {"metadata": metadata(template), "stats": rows(template, run_id, total, offset, limit),
            "count": total, "multipleOutputs": []}


def _csv_cell(text: str) -> str:
    if any(ch in text for ch in ',"\n\r'):
        return '"' + text.replace('"', '""') + '"'
    return text


def csv_chunks(template: Template, run_id: str, total: int, chunk: int = 2_000) -> Iterator[bytes]:
    """The output file as CSV, streamed in chunks (header = column names)."""
    names = [c.column_name for c in template.columns]
    yield (",".join(names) + "\n").encode()
    for start in range(0, total, chunk):
        lines = []
        for i in range(start, min(total, start + chunk)):
            values = row(template, run_id, i)
            lines.append(",".join(_csv_cell(values[n]) for n in names))
        yield ("\n".join(lines) + "\n").encode()
