"""One profile's client, the shared cache and its repo — what a screen or a headless command holds.

The demo (profiles whose ``base_url`` is ``embedded:``) talks to one in-process emulator shared by
both demo profiles, through ``httpx.ASGITransport``. The emulator is imported and built only when
the first demo request goes out (DESIGN.md principle 5: fast start), in a thread so the first
paint is not held up by world generation.

No Textual here.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from ..config import Profile
from ..times import utcnow
from .namespace import cache_namespace
from .reads import Read, Write, admit
from .repo import Cached, CacheStore, Repo

if TYPE_CHECKING:  # pragma: no cover
    import httpx

    from ..emulator.options import EmulatorOptions
    from .budget import BudgetLedger

log = logging.getLogger("tui.core.session")

T = TypeVar("T")

PLATFORM_LABELS = {"liveramp": "LiveRamp", "infosum": "InfoSum"}


class DemoWorld:
    """The in-process emulator both demo profiles share (built on first use)."""

    def __init__(self, options: EmulatorOptions | None = None) -> None:
        self._options = options
        #: a clock given by the caller (tests: ManualClock) also stamps "as of"; otherwise the wall
        #: clock does, so cached demo data from an earlier session is not dated in world time
        self.explicit_clock = options is not None and options.clock is not None
        self._app: Any = None
        self._lock = threading.Lock()
        self._transport: Any = None

    @property
    def transport(self) -> httpx.AsyncBaseTransport:
        """An ``httpx`` transport into the emulator (httpx itself is imported on first use)."""
        if self._transport is None:
            self._transport = _lazy_asgi_transport(self)
        return self._transport

    @property
    def options(self) -> EmulatorOptions:
        if self._options is None:
            from ..emulator.options import EmulatorOptions

            self._options = EmulatorOptions()
        return self._options

    def now(self) -> datetime:
        """The emulator's clock (scaled in the demo, manual in tests): the time its data lives in."""
        return self.options.make_clock().now()

    @property
    def built(self) -> bool:
        return self._app is not None

    def app(self) -> Any:
        """The emulator's ASGI app (``app.state.liveramp`` / ``app.state.infosum`` are the worlds)."""
        with self._lock:
            if self._app is None:
                from ..emulator.app import create_app

                self._app = create_app(self.options)
            return self._app

    async def app_async(self) -> Any:
        if self._app is not None:
            return self._app
        return await asyncio.to_thread(self.app)


def _lazy_asgi_transport(world: DemoWorld) -> httpx.AsyncBaseTransport:
    import httpx

    class LazyASGITransport(httpx.AsyncBaseTransport):
        """An ``ASGITransport`` whose app is created when the first request is sent."""

        def __init__(self) -> None:
            self._inner: httpx.ASGITransport | None = None

        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            if self._inner is None:
                app = await world.app_async()
                if self._inner is None:
                    self._inner = httpx.ASGITransport(app=app)
            return await self._inner.handle_async_request(request)

        async def aclose(self) -> None:
            if self._inner is not None:
                await self._inner.aclose()

    return LazyASGITransport()


OnlineListener = Callable[["Session", bool], None]


class StoredConvention:
    """A platform convention the client learned (which flow id it accepts), kept in the store per profile."""

    def __init__(self, store: Any, profile: str, name: str) -> None:
        self._store, self._profile, self._name = store, profile, name

    def get(self) -> str | None:
        return self._store.convention_get(self._profile, self._name)

    def set(self, convention: str) -> None:
        self._store.convention_put(self._profile, self._name, convention)


class Session:
    """One profile: its platform client, the repo over the shared store, and the online flag.

    ``online`` turns False when a call fails because the platform is unreachable
    (``ApiError.offline``) and back to True on the next call that succeeds.
    """

    def __init__(self, profile: Profile, *, store: CacheStore | None = None,
                 transport: httpx.AsyncBaseTransport | None = None,
                 demo: DemoWorld | None = None, now: Callable[[], datetime] | None = None,
                 readonly: bool = False, client_options: dict[str, Any] | None = None,
                 cache_namespace: str | None = None) -> None:
        self.profile = profile
        self.demo = demo if profile.embedded else None
        if self.demo is None and profile.embedded:
            self.demo = DemoWorld()
        self._transport = transport
        if now is None and self.demo is not None and self.demo.explicit_clock:
            now = self.demo.now
        self._store = store
        self.repo = Repo(store, cache_namespace or profile.name, now or utcnow)
        self.readonly = readonly or profile.read_only
        self.online = True
        self.last_error: Exception | None = None
        self._client: Any = None
        #: extra keyword arguments for the platform client (tests pass a fake ``sleep``)
        self._client_options = dict(client_options or {})
        self._listeners: list[OnlineListener] = []
        #: the org (LiveRamp) or company (InfoSum) the credentials belong to, once known
        self.org_name: str | None = None
        #: the InfoSum company id of the API key (decides who may close or leave a collaboration)
        self.org_id: str | None = None
        self._ledger: BudgetLedger | None = None

    # ------------------------------------------------------------------ identity
    @property
    def name(self) -> str:
        return self.profile.name

    @property
    def platform(self) -> str:
        return self.profile.platform

    @property
    def platform_label(self) -> str:
        return PLATFORM_LABELS.get(self.platform, self.platform)

    def now(self) -> datetime:
        """The platform's present, for "running for 3m" and the like: the emulator's world clock in
        the demo (it runs faster than the wall), the wall clock otherwise. "As of" stamps come from
        the repo's clock instead."""
        return self.demo.now() if self.demo is not None else utcnow()

    # ------------------------------------------------------------------ budget
    def budget_clock(self) -> Callable[[], datetime]:
        """The clock the budgets are measured in: wall time, or the demo world's explicit clock
        (the tests' ``ManualClock``), never the demo's scaled clock (its budget is already scaled)."""
        demo = self.demo
        return demo.now if demo is not None and demo.explicit_clock else utcnow

    @property
    def ledger(self) -> BudgetLedger:
        """The profile's budget books: every status read of this session is charged here, and the
        launcher and the runs board share them (:meth:`use_ledger`)."""
        if self._ledger is None:
            from .budget import BudgetLedger

            self._ledger = BudgetLedger(self.name, self.profile.budget, self.repo.store, self.budget_clock())
        return self._ledger

    def use_ledger(self, ledger: BudgetLedger) -> None:
        """Share books kept elsewhere (the app's store), so screens and the board count together."""
        self._ledger = ledger

    def _status_ledger(self) -> BudgetLedger | None:
        return self.ledger if self.platform == "liveramp" else None

    # ------------------------------------------------------------------ client
    @property
    def client(self) -> Any:
        """The platform client (``LiveRampClient`` or ``InfoSumClient``), created on first use."""
        if self._client is None:
            # Embedded (demo) profiles go to the clients unchanged: both clients recognise them, use
            # a placeholder host with the ASGI transport, and keep the demo token in memory only.
            profile = self.profile
            if self._transport is None and self.demo is not None:
                self._transport = self.demo.transport
            if self.platform == "liveramp":
                from ..api.liveramp import LiveRampClient

                options = dict(self._client_options)
                if self._store is not None and hasattr(self._store, "convention_get"):
                    options.setdefault("flow_ids", StoredConvention(self._store, profile.name, "flow_ids"))
                self._client = LiveRampClient(profile, transport=self._transport, **options)
            else:
                from ..api.infosum import InfoSumClient

                self._client = InfoSumClient(profile, transport=self._transport, **self._client_options)
        return self._client

    async def aclose(self) -> None:
        if self._client is not None:
            closer = getattr(self._client, "aclose", None)
            if closer is not None:
                try:
                    await closer()
                except Exception:  # closing must never turn a clean quit into a traceback
                    log.debug("error closing client", exc_info=True)
            self._client = None

    # ------------------------------------------------------------------ online flag
    def on_online_change(self, listener: OnlineListener) -> None:
        self._listeners.append(listener)

    def _set_online(self, online: bool) -> None:
        if online != self.online:
            self.online = online
            for listener in list(self._listeners):
                try:
                    listener(self, online)
                except Exception:
                    log.debug("online listener failed", exc_info=True)

    async def call(self, fn: Callable[[Any], Awaitable[T]]) -> T:
        """Run ``fn(client)``, keeping the online flag up to date. Errors propagate."""
        if self._client is None:
            # the client modules build their pydantic models on import (a few hundred ms): do it
            # in a thread so the event loop keeps painting while they load
            await asyncio.to_thread(_import_client, self.platform)
        from ..api.http import ApiError

        try:
            result = await fn(self.client)
        except ApiError as exc:
            self.last_error = exc
            if exc.offline:
                self._set_online(False)
            elif exc.status is not None:
                self._set_online(True)  # the platform answered: it is reachable
            raise
        self._set_online(True)
        return result

    # ------------------------------------------------------------------ reads
    def cached(self, read: Read[T] | str, key: str = "", model_type: Any = None) -> Cached[T] | None:
        """What the store holds for ``read`` (a :class:`~tui.core.reads.Read`), re-parsed; no call."""
        if isinstance(read, Read):
            return self.repo.cached(read.kind, read.key, read.model)
        return self.repo.cached(read, key, model_type)

    async def load(self, read: Read[T] | str, key: str = "", fn: Callable[[Any], Awaitable[T]] | None = None,
                   model_type: Any = None) -> Cached[T]:
        """Make ``read`` now and store the answer (see :meth:`Repo.refresh`).

        A LiveRamp status read is charged to the profile's ledger first; when its budget is spent
        (or the watcher's 429 backoff runs) :class:`~tui.core.reads.BudgetWait` says when the next read is
        allowed, and the caller keeps showing the cache. (``kind, key, fn, model`` — the form
        before reads were described — is kept for tests and one-off reads.)
        """
        if not isinstance(read, Read):
            assert fn is not None
            return await self.repo.refresh(read, key, lambda: self.call(fn), model_type)
        ledger = self._status_ledger()
        admit(ledger, read)
        # a 429 is shown as the platform sent it; a screen's next r may try again (only the pollers
        # back off for the hour: fault drills expect a screen to recover once the platform does)
        return await self.repo.refresh(read.kind, read.key, lambda: self.call(read.call), read.model)

    def remember(self, read: Read[Any], value: Any) -> None:
        """Store a value read elsewhere (the watcher's poll) as ``read``'s answer, so a screen opened
        later paints it at once."""
        self.repo.remember(read.kind, read.key, value, read.model)

    # ------------------------------------------------------------------ writes
    async def write(self, fn: Write[T] | Callable[[Any], Awaitable[T]]) -> T:
        """Send one write (a :class:`~tui.core.reads.Write`, or a client call). Never retried here
        (the HTTP layer sends writes exactly once)."""
        if isinstance(fn, Write):
            fn = fn.call
        if self.readonly:
            raise PermissionError(f"profile {self.name!r} is read-only: writes are refused")
        if not self.online:
            # the last call could not reach the platform: a write now would most likely be lost
            # on the way, leaving its outcome unknown; wait for a read to get through first
            raise PermissionError(f"profile {self.name!r} is offline: writes are disabled until the "
                                  "platform answers again (r retries)")
        return await self.call(fn)


def _import_client(platform: str) -> None:
    import importlib

    importlib.import_module("..api.liveramp.client" if platform == "liveramp" else "..api.infosum", __package__)


def build_sessions(profiles: list[Profile], *, store: CacheStore | None = None,
                   demo_options: EmulatorOptions | None = None, readonly: bool = False,
                   client_options: dict[str, Any] | None = None) -> list[Session]:
    """Sessions for ``profiles``; every embedded (demo) profile shares one emulator.

    The demo's cache entries are namespaced by seed and scale (``demo-liveramp@7x1``): another
    world must never be painted as this one's cached data.
    """
    demo: DemoWorld | None = None
    sessions = []
    for profile in profiles:
        if profile.embedded and demo is None:
            demo = DemoWorld(demo_options)
        sessions.append(Session(profile, store=store, demo=demo if profile.embedded else None,
                                readonly=readonly, client_options=client_options,
                                cache_namespace=cache_namespace(profile, demo_options)))
    return sessions
