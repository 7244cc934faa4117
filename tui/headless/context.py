"""Everything a headless command runs inside: profiles, the shared store, reads, the exit code.

**Profiles** are chosen as the TUI chooses them: ``--demo`` (or no profile configured at all) →
the two built-in demo profiles on the in-process emulator; ``--profile NAME`` or the file's
default → that profile; otherwise every configured profile (a command uses those of the platform
it needs, and asks for ``--profile`` when it needs exactly one).

**Reads** (:meth:`Context.fetch`) are cache-then-network under the TUI's own cache keys and give
the platform's JSON (dicts with its field names): a LiveRamp GET on the happy path goes through
:mod:`tui.headless.quick` (standard library, cached token: fast start); everything else through
the session's client — the full async stack, started on first use on a background event loop
(:class:`Engine`). A fresh answer is stored; when the platform is unreachable, or a budget forbids
the call, the stored answer is used, ``offline: data as of HH:MM`` goes to stderr and the exit
code becomes 4 (0 with ``--allow-stale``). LiveRamp status reads (run lists, single runs) are
charged to the profile's :class:`~tui.core.budget.BudgetLedger` — the one the TUI's watcher and
launcher keep in the store — so a cron job and a TUI share one budget.

Commands are plain functions ``execute(ctx) -> int``; the long-running or writing parts (watch,
launch, ``events --follow``) are coroutines handed to :meth:`Engine.run`. Choosing the profiles,
opening the store and running a command to its exit code (``run``, ``select_profiles``,
``open_store``, ``configure_logging``, ``output_mode``) are :mod:`tui.headless.runner`.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import threading
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import TYPE_CHECKING, Any, TypeVar

from ..core.namespace import cache_namespace
from ..core.reads import BudgetWait, Read, admit
from . import exitcodes
from .output import Output
from .times import clock, zone

if TYPE_CHECKING:  # pragma: no cover
    from ..config import Profile
    from ..core.budget import BudgetLedger
    from ..core.repo import Repo
    from ..core.session import Session
    from ..emulator.options import EmulatorOptions
    from .quick import QuickLiveRamp

T = TypeVar("T")
R = TypeVar("R")
log = logging.getLogger("tui.headless")

#: concurrent reads when a command fans out (questions of every room, runs of every question)
FAN_OUT = 8
#: ``ReadError.code`` of a read that could not be made (offline, budget) and had no cached answer
NOT_CACHED = "NOT_CACHED"
#: ``Stale.reason`` when the platform could not be reached (other reasons name a budget)
UNREACHABLE = "platform unreachable"
#: statuses a fan-out may skip (a room whose questions we may not read): no full-client retry for them
SKIPPABLE = (403, 404)
_QUICK_HINTS = {403: "Your user lacks the right for this (LiveRamp: add the API user as Admin to the room).",
                404: "Not found: it may have been deleted, or the id is wrong."}


class UsageError(Exception):
    """The command was called wrongly (exit 2); the message says how to call it."""


class ReadError(Exception):
    """A read that failed: the platform refused it, or it is unreachable and nothing is cached (exit 3).

    Carries what :class:`~tui.api.http.ApiError` carries for the commands (status, code, hint)
    without making them import the HTTP stack to catch it.
    """

    def __init__(self, text: str, *, status: int | None = None, code: str | None = None, hint: str = "",
                 offline: bool = False) -> None:
        super().__init__(text)
        self.status = status
        self.code = code
        self.hint = hint
        self.offline = offline

    @classmethod
    def of(cls, exc: Any) -> ReadError:
        """From an ``ApiError``."""
        return cls(str(exc), status=exc.status, code=exc.code, hint=exc.hint, offline=exc.offline)


@dataclass(frozen=True)
class Fetched:
    """A read's answer as JSON (the platform's field names) and when it was fetched."""

    value: Any
    fetched_at: datetime
    from_cache: bool = False


@dataclass
class Stale:
    """A profile answered (partly) from the cache: the oldest fetch time and why."""

    fetched_at: datetime
    reason: str


def to_json(value: Any, model: Any) -> Any:
    """Models → the JSON the platform would have sent (``by_alias``), as the repo stores it."""
    from ..core.repo import adapter

    return adapter(model).dump_python(value, mode="json", by_alias=True)


class Engine:
    """The full client stack (sessions, httpx, models) on a background event loop, started on first use."""

    def __init__(self, profiles: list[Profile], store: Any, demo_options: EmulatorOptions | None,
                 readonly: bool) -> None:
        self._profiles = profiles
        self._store = store
        self._demo_options = demo_options
        self._readonly = readonly
        self._lock = threading.Lock()
        self._loop: Any = None
        self._thread: threading.Thread | None = None
        self._sessions: dict[str, Session] = {}
        self._pending: set[Any] = set()

    @property
    def started(self) -> bool:
        return self._loop is not None

    def _start(self) -> None:
        with self._lock:
            if self._loop is not None:
                return
            import asyncio

            from ..core.session import build_sessions

            loop = asyncio.new_event_loop()
            thread = threading.Thread(target=loop.run_forever, name="cleanroom-headless", daemon=True)
            thread.start()
            sessions = build_sessions(self._profiles, store=self._store, demo_options=self._demo_options,
                                      readonly=self._readonly)
            self._sessions = {s.name: s for s in sessions}
            self._loop, self._thread = loop, thread

    def session(self, name: str) -> Session:
        self._start()
        return self._sessions[name]

    def run(self, make: Callable[[], Awaitable[R]]) -> R:
        """Run ``make()`` on the engine's loop and wait for it (callable from any thread but the loop's)."""
        import asyncio

        self._start()

        async def call() -> R:
            return await make()

        future = asyncio.run_coroutine_threadsafe(call(), self._loop)
        self._pending.add(future)
        try:
            return future.result()
        except BaseException:
            # Ctrl-C while waiting: stop the call on the loop too (the caller's cancel() would find
            # nothing once the finally below ran; a task left pending is reported at exit)
            future.cancel()
            raise
        finally:
            self._pending.discard(future)

    def cancel(self) -> None:
        """Cancel whatever is running (Ctrl-C)."""
        for future in list(self._pending):
            future.cancel()

    def close(self) -> None:
        if self._loop is None:
            return
        import asyncio

        async def shut() -> None:
            for session in self._sessions.values():
                await session.aclose()

        with contextlib.suppress(Exception):
            asyncio.run_coroutine_threadsafe(shut(), self._loop).result(timeout=5)
        self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._loop = None


class Context:
    """One headless invocation: its arguments, output, store, profiles and (lazily) the engine."""

    def __init__(self, args: argparse.Namespace, out: Output, store: Any, profiles: list[Profile],
                 demo_options: EmulatorOptions | None = None) -> None:
        self.args = args
        self.out = out
        self.store = store
        self.profiles = profiles
        self.demo_options = demo_options
        self.readonly = bool(getattr(args, "readonly", False))
        self.engine = Engine(profiles, store, demo_options, self.readonly)
        self.stale: dict[str, Stale] = {}
        self.failed = False  # an error was reported while the command carried on
        self._repos: dict[str, Repo] = {}
        self._ledgers: dict[str, BudgetLedger] = {}
        self._quick: dict[str, QuickLiveRamp | None] = {}
        self._offline: set[str] = set()
        self._lock = threading.RLock()

    # ------------------------------------------------------------------ profiles

    def now(self) -> datetime:
        return datetime.now(UTC)

    def tz(self, profile: Profile | None = None) -> tzinfo | None:
        return zone(getattr(profile, "timezone", None))

    def profiles_for(self, platform: str) -> list[Profile]:
        return [p for p in self.profiles if p.platform == platform]

    def one(self, platform: str, purpose: str) -> Profile:
        """The single profile of ``platform`` a command needs (exit 2 when none or several)."""
        found = self.profiles_for(platform)
        label = "LiveRamp" if platform == "liveramp" else "InfoSum"
        if not found:
            names = ", ".join(p.name for p in self.profiles) or "none"
            raise UsageError(f"{purpose} needs a {label} profile (selected: {names}); pick one with --profile")
        if len(found) > 1:
            names = ", ".join(p.name for p in found)
            raise UsageError(f"{purpose}: several {label} profiles ({names}); pick one with --profile")
        return found[0]

    def session(self, profile: Profile) -> Session:
        """The profile's session on the engine (starts the full client stack)."""
        return self.engine.session(profile.name)

    def repo(self, profile: Profile) -> Repo:
        found = self._repos.get(profile.name)
        if found is None:
            from ..core.repo import Repo

            found = self._repos[profile.name] = Repo(self.store, cache_namespace(profile, self.demo_options))
        return found

    def ledger(self, profile: Profile) -> BudgetLedger:
        """The profile's budget books (persisted in the store, shared with the TUI)."""
        with self._lock:
            found = self._ledgers.get(profile.name)
            if found is None:
                from ..core.budget import BudgetLedger

                found = self._ledgers[profile.name] = BudgetLedger(profile.name, profile.budget, self.store)
            return found

    def quick(self, profile: Profile) -> QuickLiveRamp | None:
        with self._lock:
            if profile.name not in self._quick:
                from .quick import QuickLiveRamp

                self._quick[profile.name] = QuickLiveRamp.open(profile, self.now())
            return self._quick[profile.name]

    # ------------------------------------------------------------------ reads

    def cached(self, profile: Profile, read: Read[Any] | str, key: str = "") -> Fetched | None:
        """What the store holds for ``read`` (JSON as stored; no models, no network)."""
        kind = read if isinstance(read, str) else read.kind
        key = key if isinstance(read, str) else read.key
        found = self.repo(profile).raw(kind, key)
        return Fetched(found.value, found.fetched_at, from_cache=True) if found is not None else None

    def fetch(self, profile: Profile, read: Read[Any], *, skippable: bool = False) -> Fetched:
        """Fresh from the platform (and stored), or the stored answer when it cannot be had now.

        ``read`` (from :mod:`tui.core.liveramp` / :mod:`tui.core.infosum`) names the cache entry, the
        full client's call and model, the same read as a plain GET for :mod:`~tui.headless.quick`
        (LiveRamp), and the object a status read is charged to (the ledger the TUI shares);
        ``skippable``: a 403/404 may be raised straight from the quick answer (the caller skips it)
        instead of being asked again through the full client. Raises :class:`ReadError`.
        """
        kind, key, path, params, charge = read.kind, read.key, read.path, read.params, read.charge
        if profile.name in self._offline:
            return self._cached_or_raise(profile, kind, key, "offline")
        ledger = self.ledger(profile) if charge and profile.platform == "liveramp" else None
        if ledger is not None:
            with self._lock:
                try:
                    admit(ledger, read, self.now())
                except BudgetWait as wait:
                    return self._cached_or_raise(profile, kind, key, "budget",
                                                 f"status-read budget of {charge} spent until {clock(wait.next_at)}")
        quick = self.quick(profile) if path is not None else None
        if quick is not None:
            answer = quick.get(path, params)
            if answer is not None:
                from .canonical import shape
                from .quick import fits

                # the full client's form (tui.headless.canonical), or None: only the models can shape it
                body = shape(kind, answer.body) if answer.ok and fits(kind, answer.body) else None
                if body is not None:
                    fetched_at = self.now()
                    self.repo(profile).put_raw(kind, key, body, fetched_at)
                    return Fetched(body, fetched_at)
                if skippable and answer.status in SKIPPABLE:
                    where = f" [GET {quick.target(path)}]" + (f" request id {answer.request_id}" if answer.request_id else "")
                    raise ReadError(f"HTTP {answer.status}: {answer.message or 'refused'}{where}",
                                    status=answer.status, hint=_QUICK_HINTS.get(answer.status, ""))
        return self._full(profile, read, ledger)

    def _full(self, profile: Profile, read: Read[Any], ledger: BudgetLedger | None) -> Fetched:
        kind, key, charge = read.kind, read.key, read.charge
        session = self.session(profile)
        shape = read.model  # the pydantic models are imported here, on the full path only
        try:
            # already charged above: the session's plain form makes the call without charging again
            got = self.engine.run(lambda: session.load(kind, key, read.call, shape))
        except Exception as exc:
            from ..api.http import ApiError

            if not isinstance(exc, ApiError):
                raise
            if exc.offline:
                self._offline.add(profile.name)
                return self._cached_or_raise(profile, kind, key, "offline", error=exc)
            if exc.status == 429 and ledger is not None and charge:
                until = ledger.backoff_after_429(charge, self.now(), exc.retry_after)
                return self._cached_or_raise(profile, kind, key, "budget", f"rate limited (429) until {clock(until)}",
                                             error=exc)
            if exc.retryable and self.cached(profile, kind, key) is not None:
                # 5xx, 429, a cut or garbled answer, after the client's own retries: the stored answer,
                # said to be one (exit 4), beats no answer (issue 10's fault drills)
                return self._cached_or_raise(profile, kind, key, "error", _one_line(str(exc)), error=exc)
            raise ReadError.of(exc) from None
        return Fetched(to_json(got.value, shape), got.fetched_at)

    def _cached_or_raise(self, profile: Profile, kind: str, key: str, why: str, detail: str = "",
                         error: Any = None) -> Fetched:
        found = self.cached(profile, kind, key)
        if found is None:
            # one code for "could not read it now and never stored it", so a fan-out can leave it out
            cause = str(error) if error is not None else (detail or UNREACHABLE)
            raise ReadError(f"{cause}; nothing cached for {kind} {key}", code=NOT_CACHED, offline=why == "offline")
        self.mark_stale(profile, found.fetched_at, UNREACHABLE if why == "offline" else detail)
        return found

    def mark_stale(self, profile: Profile, fetched_at: datetime, reason: str) -> None:
        """Something shown for this profile came from the cache (exit 4 unless ``--allow-stale``)."""
        with self._lock:
            known = self.stale.get(profile.name)
            if known is None or fetched_at < known.fetched_at:
                self.stale[profile.name] = Stale(fetched_at, reason)

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> list[R]:
        """``fn`` over ``items``, up to :data:`FAN_OUT` at a time (reads wait on the network, not the CPU)."""
        items = list(items)
        if len(items) <= 1:
            return [fn(item) for item in items]
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=min(FAN_OUT, len(items)), thread_name_prefix="read") as pool:
            return list(pool.map(fn, items))

    def report(self, exc: BaseException, where: str = "") -> None:
        """Print an error and carry on (the exit code becomes 3)."""
        self.failed = True
        hint = getattr(exc, "hint", "")
        if getattr(exc, "offline", False) or getattr(exc, "code", None) == NOT_CACHED:
            hint = "nothing cached to answer from: check the network and the profile's base_url"
        self.out.error(f"{where}: {exc}" if where else str(exc), hint)

    # ------------------------------------------------------------------ the end

    def finish(self, code: int) -> int:
        """Print the staleness notes and fold them and reported errors into the exit code."""
        for name, stale in self.stale.items():
            profile = next((p for p in self.profiles if p.name == name), None)
            # "offline:" when the platform could not be reached; "cached:" when a budget said "not now"
            head = "offline" if stale.reason == UNREACHABLE else "cached"
            self.out.note(f"{head}: data as of {clock(stale.fetched_at, tz=self.tz(profile))} "
                          f"(profile {name}: {stale.reason})")
        if self.failed:
            code = exitcodes.worst(code, exitcodes.API_ERROR)
        if self.stale and not getattr(self.args, "allow_stale", False):
            code = exitcodes.worst(code, exitcodes.OFFLINE_STALE)
        return code

    def close(self) -> None:
        for quick in self._quick.values():
            if quick is not None:
                quick.close()
        self.engine.close()


def _one_line(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


__all__ = ["FAN_OUT", "NOT_CACHED", "UNREACHABLE", "Context", "Engine", "Fetched", "ReadError", "Stale", "UsageError",
           "cache_namespace", "to_json"]
