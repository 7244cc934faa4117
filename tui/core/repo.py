"""Cache-then-network reads (DESIGN.md principle 4: stale-while-revalidate).

A screen first asks :meth:`Repo.cached` and paints what the store holds at once, marked with its
fetch time ("as of"); then it awaits :meth:`Repo.refresh`, which calls the platform, stores the
answer and returns fresh models. Values are stored as JSON (``model_dump(mode="json",
by_alias=True)``), so the cache holds the platform's own field names and re-parses with the same
models that parse the wire.

No Textual here: the headless commands use the same repo.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from ..times import parse, utcnow

if TYPE_CHECKING:  # pragma: no cover
    from pydantic import TypeAdapter

T = TypeVar("T")


@dataclass(frozen=True)
class Cached(Generic[T]):
    """A value and when it was fetched from the platform."""

    value: T
    fetched_at: datetime
    #: True when it came from the local store rather than a call made just now
    from_cache: bool = False


class CacheStore(Protocol):
    """The part of ``tui.store.Store`` the repo needs (an in-memory stand-in is below)."""

    def get(self, profile: str, kind: str, key: str) -> Any: ...

    def put(self, profile: str, kind: str, key: str, value: Any, fetched_at: datetime | None = None) -> Any: ...

    def invalidate_prefix(self, profile: str, kind: str, prefix: str) -> int: ...


@dataclass
class _Entry:
    value: Any
    fetched_at: datetime


class MemoryStore:
    """A store that forgets on exit: used when no SQLite store is given (tests, demo fallbacks)."""

    def __init__(self) -> None:
        self._data: dict[tuple[str, str, str], _Entry] = {}

    def get(self, profile: str, kind: str, key: str) -> _Entry | None:
        return self._data.get((profile, kind, key))

    def put(self, profile: str, kind: str, key: str, value: Any, fetched_at: datetime | None = None) -> None:
        self._data[(profile, kind, key)] = _Entry(value, fetched_at or datetime.now(UTC))

    def invalidate_prefix(self, profile: str, kind: str, prefix: str) -> int:
        doomed = [k for k in self._data if k[:2] == (profile, kind) and k[2].startswith(prefix)]
        for k in doomed:
            del self._data[k]
        return len(doomed)


_ADAPTERS: dict[Any, TypeAdapter[Any]] = {}


def adapter(model_type: Any) -> TypeAdapter[Any]:
    """One TypeAdapter per type: building them is the expensive part of pydantic (imported on first
    use, so a screen painted from a raw snapshot never waits for it)."""
    found = _ADAPTERS.get(model_type)
    if found is None:
        from pydantic import TypeAdapter

        found = _ADAPTERS[model_type] = TypeAdapter(model_type)
    return found


def _as_aware(value: Any) -> datetime:
    return parse(value) or utcnow()


class Repo:
    """Reads for one profile: cached values first, fresh values from ``loader`` next."""

    def __init__(self, store: CacheStore | None, profile: str,
                 now: Callable[[], datetime] | None = None) -> None:
        self.store: CacheStore = store if store is not None else MemoryStore()
        self.profile = profile
        self._now = now or (lambda: datetime.now(UTC))

    def now(self) -> datetime:
        return self._now()

    def cached(self, kind: str, key: str, model_type: Any) -> Cached[Any] | None:
        """The stored value re-parsed into models, or None (never stored, or stored in a shape
        the current models no longer accept — then it is simply refetched)."""
        try:
            entry = self.store.get(self.profile, kind, key)
        except Exception:  # a broken cache must never stop a screen from loading
            return None
        if entry is None:
            return None
        from pydantic import ValidationError

        try:
            value = adapter(model_type).validate_python(entry.value)
        except ValidationError:
            return None
        return Cached(value, _as_aware(entry.fetched_at), from_cache=True)

    def raw(self, kind: str, key: str) -> Cached[Any] | None:
        """The stored JSON value as is (no models): for painting before pydantic is even imported."""
        try:
            entry = self.store.get(self.profile, kind, key)
        except Exception:
            return None
        if entry is None:
            return None
        return Cached(entry.value, _as_aware(entry.fetched_at), from_cache=True)

    def put_raw(self, kind: str, key: str, value: Any, fetched_at: datetime | None = None) -> None:
        """Store a JSON-ready value (a view snapshot) with its fetch time; best effort."""
        with contextlib.suppress(Exception):
            self.store.put(self.profile, kind, key, value, fetched_at=fetched_at or self._now())

    def forget_raw(self, kind: str, key_prefix: str) -> None:
        """Forget stored values of ``kind`` whose key starts with ``key_prefix``; best effort."""
        with contextlib.suppress(Exception):
            self.store.invalidate_prefix(self.profile, kind, key_prefix)

    async def refresh(self, kind: str, key: str, loader: Callable[[], Awaitable[T]],
                      model_type: Any) -> Cached[T]:
        """Call the platform, store the answer with its fetch time, return fresh models.

        Errors (``ApiError``) propagate unchanged: the caller shows them where the data would be.
        """
        value = await loader()
        fetched_at = self._now()
        self.remember(kind, key, value, model_type, fetched_at)
        return Cached(value, fetched_at, from_cache=False)

    def remember(self, kind: str, key: str, value: Any, model_type: Any,
                 fetched_at: datetime | None = None) -> None:
        """Store a value fetched elsewhere (e.g. a page fetched for another screen)."""
        fetched_at = fetched_at or self._now()
        try:
            dumped = adapter(model_type).dump_python(value, mode="json", by_alias=True)
            self.store.put(self.profile, kind, key, dumped, fetched_at=fetched_at)
        except Exception:  # caching is best effort; the fresh value is still returned
            import logging

            logging.getLogger("tui.core.repo").debug("could not cache %s/%s", kind, key, exc_info=True)
