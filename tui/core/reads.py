"""One read or write of a platform, described before it is made: what the domain services hand out.

A :class:`Read` carries every wire and cache fact of one read — the cache kind and key, the
client call, the model type, the plain GET path for the headless fast path, and the object a
LiveRamp *status read* is charged to. The services (:mod:`tui.core.liveramp`,
:mod:`tui.core.infosum`) build them; :meth:`Session.load <tui.core.session.Session.load>` (the TUI)
and ``Context.fetch`` (the headless commands) execute them. Neither a screen nor a command spells
a cache kind, a path or a client method.

Status reads (a run, a question's run list, a flow's run list, a flow run) are admitted by
:func:`admit` — the one place the budget rule lives: the hourly per-object cap of the profile's
ledger is law; the recommended spacing between reads is for polling loops, not for an operator's
one-off ``r``. When the ledger says no, :class:`BudgetWait` is raised and the caller serves the
cache, saying when the next read is allowed.

No Textual, no pydantic, no httpx on import (the headless fast path imports this).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:  # pragma: no cover
    from .budget import BudgetLedger

T = TypeVar("T")


@dataclass(frozen=True)
class Read(Generic[T]):
    """One read: cache kind/key, client call, model, status-read charge, plain GET path."""

    kind: str
    key: str
    #: ``call(client)`` makes the read with the full platform client
    call: Callable[[Any], Awaitable[T]] = field(compare=False)
    #: the model type (a thunk: the pydantic models load only when the full path needs them)
    shape: Callable[[], Any] = field(compare=False)
    #: the LiveRamp object this status read is charged to (a run, question or flow id); None: not a status read
    charge: str | None = None
    #: the same read as a plain GET under the API root, with its query (the headless fast path)
    path: str | None = None
    params: dict[str, Any] | None = field(default=None, compare=False)

    @property
    def model(self) -> Any:
        return self.shape()


@dataclass(frozen=True)
class Write(Generic[T]):
    """One write: its HTTP method, path (as the platform documents it) and JSON body, and the client
    call that sends it. :meth:`describe` is what the confirmation screen shows before it is sent;
    ``Session.write`` sends it once (never retried)."""

    method: str
    path: str
    call: Callable[[Any], Awaitable[T]] = field(compare=False)
    body: Any = field(default=None, compare=False)

    def describe(self) -> str:
        return f"{self.method} {self.path}"


class BudgetWait(Exception):
    """A status read refused by the budget ledger: the cache is shown, fresh data comes at ``next_at``."""

    #: lets the screens' error views and ``_report`` treat it as an expected refusal, not a bug
    expected = True

    def __init__(self, obj: str, next_at: datetime, reason: str = "status reads used up") -> None:
        self.obj = obj
        self.next_at = next_at
        self.reason = reason
        from ..times import hhmm

        super().__init__(f"{reason} for {obj}: fresh data from {hhmm(next_at)}")


def admit(ledger: BudgetLedger | None, read: Read[Any], now: datetime | None = None) -> None:
    """Charge ``read`` to the ledger if it is a status read, or raise :class:`BudgetWait`."""
    obj = read.charge
    if ledger is None or obj is None:
        return
    # the hourly cap and any 429 backoff are law; the 5-minute spacing is the pollers' concern
    # decided and recorded in one store transaction: two processes cannot both spend the last read
    if not ledger.claim_read(obj, now, urgent=True):
        backed_off = ledger.backed_off_until(obj, now) or ledger.backed_off_until("*", now)
        raise BudgetWait(obj, ledger.next_read_at(obj, now, urgent=True),
                         "rate limited by the platform" if backed_off else "status reads used up")


def after_429(ledger: BudgetLedger | None, read: Read[Any], exc: Any, now: datetime | None = None) -> BudgetWait | None:
    """A 429 on a status read: back off (LiveRamp sends no Retry-After) and say until when."""
    if ledger is None or read.charge is None or getattr(exc, "status", None) != 429:
        return None
    until = ledger.backoff_after_429(read.charge, now, getattr(exc, "retry_after", None))
    return BudgetWait(read.charge, until, "rate limited by the platform")


__all__ = ["BudgetWait", "Read", "Write", "admit", "after_429"]
