"""Where a finished export goes: the file on disk, and — when the TUI runs in a web page
(``cleanroom-tui serve``) — the same file handed to the browser as a download.

Every export (``e`` on a table, a timeline or an event log; ``E``'s API export) ends here once its
file is completely written, so browser delivery lives in one place and never sees half a file.
Under textual-serve the disk file alone would land on the server, out of the operator's reach.
"""

from __future__ import annotations

import mimetypes
import re
from pathlib import Path
from typing import Any

#: characters kept in the download's file name (it goes into a Content-Disposition header unquoted,
#: and part of it comes from platform names: anything else becomes "-")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def download_name(path: Path) -> str:
    name = _UNSAFE.sub("-", path.name).strip("-.") or "export"
    return name[:120]


def exported(app: Any, path: Path, message: str) -> str | None:
    """Say the export is written (``message``); in a browser, also start its download.
    Returns the delivery key (None in a terminal)."""
    key = None
    if getattr(app, "is_web", False):
        name = download_name(path)
        mime = mimetypes.guess_type(name)[0] or "application/octet-stream"
        key = app.deliver_binary(path, save_filename=name, mime_type=mime, name="export")
        message = f"{message} — downloading in the browser as {name}"
    app.notify(message, title="Export", markup=False)
    return key
