"""What the operator chose in the UI and expects to find again next start (the theme), kept in
the state directory (``ui.json``): not the cache, so ``cache clear`` does not forget it."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

log = logging.getLogger("tui.ui.prefs")

FILE = "ui.json"


def _path() -> Path:
    from ..config import state_dir

    return state_dir() / FILE


def load() -> dict:
    try:
        value = json.loads(_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def save(**changes: str) -> None:
    """Merge ``changes`` into the file (written whole, then renamed: never half a file)."""
    path = _path()
    data = {**load(), **changes}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        os.replace(tmp, path)
    except OSError:  # a read-only state dir: the choice holds for this run only
        log.debug("saving UI preferences failed", exc_info=True)
