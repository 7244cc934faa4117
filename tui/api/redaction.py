"""Redaction: secrets never reach a log line, an exception text or a repr. Clients register their
secrets with :data:`REDACT` the moment they read them; every record a ``tui.*`` logger creates is
scrubbed (installed on import). Split out of :mod:`tui.api.http`, which re-exports these names."""

from __future__ import annotations

import logging
import re
from typing import Any


class Redactor:
    """Replaces every registered secret (and bearer/basic credentials) in a text."""

    _AUTH_RE = re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{6,}")

    def __init__(self) -> None:
        self._secrets: set[str] = set()

    def add(self, *secrets: str | None) -> None:
        for s in secrets:
            if s and len(s) >= 4:
                self._secrets.add(s)

    def __call__(self, text: str) -> str:
        for s in sorted(self._secrets, key=len, reverse=True):
            text = text.replace(s, "***")
        return self._AUTH_RE.sub(lambda m: f"{m.group(1)} ***", text)


#: process-wide redactor; clients register their secrets here the moment they read them.
REDACT = Redactor()


class RedactingFilter(logging.Filter):
    """Logging filter that scrubs secrets from every record that passes through (for handlers)."""

    def filter(self, record: logging.LogRecord) -> bool:
        _scrub(record)
        return True


def _scrub(record: logging.LogRecord) -> logging.LogRecord:
    try:
        message = record.getMessage()
    except (TypeError, ValueError):  # a malformed format string: leave it to logging's own error path
        return record
    record.msg = REDACT(message)
    record.args = None
    return record


def _install_record_factory() -> None:
    """Scrub every record our own loggers (``tui.*``) create, whichever handler receives it.

    A logger filter would only see records logged on that exact logger, not its children.
    """
    previous = logging.getLogRecordFactory()
    if getattr(previous, "_cleanroom_redacting", False):
        return

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        if record.name == "tui" or record.name.startswith("tui."):
            _scrub(record)
        return record

    factory._cleanroom_redacting = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)


_install_record_factory()
