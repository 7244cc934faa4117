"""A collaboration's events: pages, iteration, the streamed export: an ``InfoSumClient`` mixin."""

from __future__ import annotations

import os
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import BinaryIO

import httpx

from ...http import network_error
from ..models import (
    CollaborationEvent,
    Page,
)
from .core import (
    MAX_PER_PAGE,
    PLATFORM,
    ClientCore,
    _page_params,
    _segment,
)


class EventsApi(ClientCore):
    """Collaboration events."""

    # ------------------------------------------------------------------ events

    async def list_events(self, cid: str, page: int = 1, per_page: int = MAX_PER_PAGE,
                          order_by: str | None = None, filter: str | None = None,
                          ) -> Page[CollaborationEvent]:
        """Filter fields: ``event_type``, ``company_id``; order by ``event_date_time``."""
        return await self._list(self._collab_path(cid, "events"), ("events",), CollaborationEvent,
                                page, per_page, order_by, filter)

    def iter_events(self, cid: str, order_by: str | None = None, filter: str | None = None,
                    per_page: int = MAX_PER_PAGE) -> AsyncIterator[CollaborationEvent]:
        _page_params(1, per_page, None, None)
        _segment(cid, "collaboration id")
        return self._iterate(lambda n: self.list_events(cid, n, per_page, order_by, filter))

    async def export_events(
        self,
        cid: str,
        dest: Path | str | BinaryIO,
        *,
        order_by: str | None = None,
        filter: str | None = None,
        on_progress: Callable[[int], None] | None = None,
    ) -> int:
        """Stream the event log CSV (``GET …/events/export``) into ``dest``; return bytes written.

        Bytes are written as they arrive and never decoded. For a path, the data goes to a
        temporary file next to it that is renamed into place only when the whole body arrived, so a
        failed export leaves no half file. ``on_progress`` gets the running byte count.
        A connection lost mid-body is not retried (the GET itself is, before any byte arrives).
        """
        path = self._collab_path(cid, "events", "export")
        params = {"order_by": order_by or None, "filter": filter or None}
        response = await self._core.send("GET", path, params=params, stream=True,
                                         headers={"Accept": "text/csv, application/octet-stream, */*"})
        try:
            if isinstance(dest, str | os.PathLike):
                return await self._stream_to_path(response, Path(dest), on_progress)
            return await self._stream_to(response, dest, on_progress)
        finally:
            await response.aclose()

    async def _stream_to(self, response: httpx.Response, out: BinaryIO,
                         on_progress: Callable[[int], None] | None) -> int:
        written = 0
        try:
            async for chunk in response.aiter_bytes():
                if not chunk:
                    continue
                out.write(chunk)
                written += len(chunk)
                if on_progress is not None:
                    on_progress(written)
        except httpx.HTTPError as exc:
            raise network_error(exc, "GET", response.request.url.path, PLATFORM) from None
        return written

    async def _stream_to_path(self, response: httpx.Response, dest: Path,
                              on_progress: Callable[[int], None] | None) -> int:
        tmp = dest.with_name(f".{dest.name}.{os.getpid()}.{time.monotonic_ns()}.part")
        try:
            with open(tmp, "wb") as fh:
                written = await self._stream_to(response, fh, on_progress)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, dest)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return written
