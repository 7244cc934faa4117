"""The app's end of a cold demo's head start (:mod:`tui.core.prefetch`).

The home screen takes the forked child's answer (:meth:`HeadStart.take`) — at once if it is already
in the pipe, else when the pipe turns readable — and paints it. Work that would hold the event loop
and the CPU while those rows are awaited (importing the clients: the org lookup, the run watcher)
is held back (:meth:`HeadStart.after_first_rows`) until they are painted, or the child failed, or
:data:`WAIT_S` passed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from ..core.prefetch import Prefetch
    from .app import CleanroomApp

Paint = Callable[[dict[str, Any] | None], None]

#: seconds the home screen waits for the head start (a loaded machine) before loading on its own
WAIT_S = 5.0


class HeadStart:
    def __init__(self, app: CleanroomApp, prefetch: Prefetch | None) -> None:
        self._app = app
        self._prefetch = prefetch
        #: work held back until the head start's rows are painted (None: nothing held)
        self._held: list[Callable[[], None]] | None = [] if prefetch is not None else None

    def after_first_rows(self, callback: Callable[[], None]) -> None:
        """``app.after_frame``, but after the head start's rows while they are awaited."""
        if self._held is not None:
            self._held.append(callback)
        else:
            self._app.after_frame(callback)

    def take(self, paint: Paint | None) -> bool:
        """Hand the answers to ``paint`` (the home screen), now or when they arrive (None after
        :data:`WAIT_S`, or when the child gave none); True if ``paint`` will be called. ``paint``
        None: not wanted (the home screen had rows), the child is let go. Only the first call gets
        them: a later home screen (profile switch) loads as usual."""
        prefetch, self._prefetch = self._prefetch, None
        if prefetch is None or paint is None:
            if prefetch is not None:
                prefetch.close()
            self._release()
            return False
        if prefetch.read():
            self._finish(prefetch, paint)
            return True
        loop = asyncio.get_running_loop()
        fd = prefetch.fileno()

        def readable() -> None:
            if prefetch.read():
                give_up.stop()
                loop.remove_reader(fd)
                self._finish(prefetch, paint)

        def too_late() -> None:
            loop.remove_reader(fd)
            prefetch.close()
            self._finish(prefetch, paint)

        loop.add_reader(fd, readable)
        give_up = self._app.set_timer(WAIT_S, too_late)
        return True

    def _finish(self, prefetch: Prefetch, paint: Paint) -> None:
        paint(prefetch.answers)
        self._release()

    def _release(self) -> None:
        held, self._held = self._held, None
        for callback in held or []:
            self._app.after_frame(callback)
