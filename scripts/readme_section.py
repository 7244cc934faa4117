"""Rewrite (or check) one generated section of README.md between its marker comments.

Shared by the scripts that generate README sections from the code (``keys_table.py``,
``reliability_matrix.py``), so the README says what the code does rather than what someone remembered.
"""

from __future__ import annotations

import sys
from pathlib import Path


def rewrite(readme: str, start: str, end: str, section: str) -> str:
    """``readme`` with everything from ``start`` to ``end`` (markers included) replaced by ``section``."""
    if start in readme and end in readme:
        head, rest = readme.split(start, 1)
        _old, tail = rest.split(end, 1)
        return head + section + tail
    raise SystemExit(f"README has no {start} … {end} markers")


def update(readme: Path, start: str, end: str, section: str, *, check: bool, stale: str) -> int:
    """Write the section (exit code 0), or with ``check`` say ``stale`` and return 1 if it differs."""
    current = readme.read_text(encoding="utf-8")
    updated = rewrite(current, start, end, section)
    if check:
        if updated != current:
            print(stale, file=sys.stderr)
            return 1
        return 0
    readme.write_text(updated, encoding="utf-8")
    return 0
