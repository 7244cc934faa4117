"""``cleanroom-tui events COLLAB``: an InfoSum collaboration's event log, filtered as the API filters.

``--type`` and ``--company`` become the API's own ``filter`` (built with
:mod:`tui.api.infosum.filters`: ``event_type eq '…' or …`` and ``company_id eq '…'``), ``--order``
its ``order_by event_date_time [DESC]``. The API cannot filter on time, so ``--since`` reads newest
first and stops at the first older event. ``--limit`` caps how many are read (default 100, 0 = all).

``COLLAB`` is a ``CLB.…`` id or an exact collaboration name; ``--company`` a ``CMP.…`` id or a
member's display name; ``--type`` a type with or without its ``TYPE_`` prefix, any case.

``--follow`` prints the newest events in time order, then polls every ``--interval`` seconds and
prints what is new (lines, or JSONL with ``--jsonl``) until interrupted (exit 130). Events carry no
id, so "new" means later than the newest seen, or as late but not seen before.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from ..core import infosum as isum
from ..core.infosum import EventQuery
from . import exitcodes
from .catalog import InfoSumCatalog, is_models
from .context import Context, UsageError, to_json
from .output import JSON, JSONL, Column, clip, pad
from .records import tagged, text, when
from .runs import since_of
from .times import shown

DEFAULT_LIMIT = 100
PAGE = 500  # the API's maximum per page (reference §5.1)
#: --follow backs off to this many seconds while the platform is unreachable
FOLLOW_MAX_INTERVAL = 60.0


def event_types(values: list[str] | None) -> list[str]:
    from ..api.infosum.filters import EVENT_TYPES, event_type_name

    out = []
    for value in values or []:
        for word in (w.strip() for w in value.split(",")):
            if not word:
                continue
            name = event_type_name(word)  # the TUI's filter box reads types the same way
            if name is None:
                raise UsageError(f"--type {word!r}: unknown event type (known: "
                                 f"{', '.join(t.removeprefix('TYPE_') for t in EVENT_TYPES[1:])})")
            out.append(name)
    return list(dict.fromkeys(out))


def companies(catalog: InfoSumCatalog, cid: str, values: list[str] | None) -> list[str]:
    out = []
    members = None
    for value in values or []:
        for word in (w.strip() for w in value.split(",")):
            if not word:
                continue
            if word.upper().startswith("CMP."):
                out.append(word)
                continue
            if members is None:
                members = catalog.members(cid)
            found = [text(m, "id") for m in members if text(m, "display_name").strip().lower() == word.lower()]
            if not found:
                names = ", ".join(text(m, "display_name") for m in members)
                raise UsageError(f"--company {word!r}: no member of {cid} has that name (members: {names})")
            out.append(found[0])
    return list(dict.fromkeys(out))


def event_key(event: dict[str, Any]) -> tuple[str, ...]:
    at = when(event, "event_date_time")
    return (at.isoformat() if at else "", text(event, "type"), text(event, "company_id"), text(event, "message"),
            json.dumps(event.get("metadata") or {}, sort_keys=True))


async def newer_than(session: Any, query: EventQuery, newest: datetime | None,
                     seen: set[tuple[str, ...]]) -> list[dict[str, Any]]:
    """Events after ``newest`` (or at it and not in ``seen``), oldest first, as JSON."""
    event_type = list[is_models().CollaborationEvent]
    out: list[dict[str, Any]] = []
    page = 1
    while True:
        batch = await session.call(isum.events_page(query.cid, page, 100, query.order_by(True), query.filter))
        for event in to_json(batch.items, event_type):
            at = when(event, "event_date_time")
            if newest is not None and at is not None and at < newest:
                out.reverse()
                return out
            if newest is None or at is None or at > newest or event_key(event) not in seen:
                out.append(event)
        if not batch.items or batch.next_page <= page:
            out.reverse()
            return out
        page = batch.next_page


def columns(ctx: Context, profile: Any, names: dict[str, str]) -> list[Column]:
    tz = ctx.tz(profile)
    return [
        Column("TIME", lambda e: shown(when(e, "event_date_time"), tz)),
        Column("TYPE", lambda e: text(e, "type").removeprefix("TYPE_")),
        Column("COMPANY", lambda e: names.get(text(e, "company_id"), text(e, "company_id")), flex=True, min_width=10),
        Column("MESSAGE", lambda e: text(e, "message"), flex=True, min_width=20),
    ]


def stream_line(event: dict[str, Any], names: dict[str, str], tz: Any) -> str:
    """A ``--follow`` line: fixed widths, since later lines cannot re-fit earlier ones."""
    from ..core.sanitize import plain

    company = names.get(text(event, "company_id"), text(event, "company_id"))
    return "  ".join([shown(when(event, "event_date_time"), tz).ljust(16),
                      pad(clip(plain(text(event, "type").removeprefix("TYPE_")), 32), 32),
                      pad(clip(plain(company), 24), 24),
                      plain(text(event, "message"), max_len=500)])


def member_names(ctx: Context, catalog: InfoSumCatalog, cid: str) -> dict[str, str]:
    """Company id → display name for the table (best effort: ids are shown when unknown)."""
    from .context import ReadError

    try:
        members = catalog.members(cid)
    except ReadError:
        return {}
    return {text(m, "id"): text(m, "display_name") for m in members if text(m, "display_name")}


def execute(ctx: Context) -> int:
    args = ctx.args
    if args.follow and ctx.out.mode == JSON:
        raise UsageError("--follow streams events: use --jsonl (one object per line) or the default lines")
    if args.follow and args.order == "desc":
        raise UsageError("--follow prints events in time order; leave out --order desc")
    if args.limit < 0:
        raise UsageError("--limit must be 0 (no limit) or more")
    if args.interval <= 0:
        raise UsageError("--interval must be more than 0 seconds")
    profile = ctx.one("infosum", "events")
    catalog = InfoSumCatalog(ctx, profile)
    cid = catalog.resolve(args.collaboration)
    from ..api.infosum.filters import and_, any_of, check_filter

    flt = and_(any_of("event_type", event_types(args.type)),
               any_of("company_id", companies(catalog, cid, args.company)))
    check_filter("events", flt)
    ctx.out.debug(f"filter: {flt or '(none)'}")
    descending = args.follow or (args.order or "desc") == "desc"
    query = EventQuery(cid, str(flt) if flt else None, descending, since_of(ctx, args.since, profile), args.limit)
    key = json.dumps([cid, query.filter, "desc" if descending else "asc", args.since or "", args.limit])
    events = list(ctx.fetch(profile, isum.events(query, key)).value or [])
    if args.follow:
        events.reverse()  # read newest first, shown in time order
    names = member_names(ctx, catalog, cid) if not ctx.out.machine else {}
    records = [{**tagged(e, profile.name, "infosum"), "collaboration_id": cid} for e in events]
    if not args.follow:
        ctx.out.records(records, columns(ctx, profile, names), sources=events, empty="no events match")
        return exitcodes.OK
    session = ctx.session(profile)
    return ctx.engine.run(lambda: follow(ctx, profile, session, query, events, names))


async def follow(ctx: Context, profile: Any, session: Any, query: EventQuery, first: list[dict[str, Any]],
                 names: dict[str, str]) -> int:
    """Print ``first``, then every new event, until cancelled (Ctrl-C: the runner exits 130)."""
    import asyncio

    from ..api.http import ApiError

    tz = ctx.tz(profile)

    def emit(events: list[dict[str, Any]]) -> None:
        for event in events:
            if ctx.out.mode == JSONL:
                ctx.out.jsonl({**tagged(event, profile.name, "infosum"), "collaboration_id": query.cid})
            else:
                ctx.out.line(stream_line(event, names, tz))

    emit(first)
    newest = max((at for at in (when(e, "event_date_time") for e in first) if at), default=query.since)
    seen = {event_key(e) for e in first if when(e, "event_date_time") == newest}
    ctx.out.note(f"following {query.cid} every {ctx.args.interval:g}s; Ctrl-C to stop")
    interval = float(ctx.args.interval)
    while True:
        await asyncio.sleep(interval)
        try:
            fresh = await newer_than(session, query, newest, seen)
        except ApiError as exc:
            if not (exc.offline or exc.retryable):
                raise
            interval = min(FOLLOW_MAX_INTERVAL, interval * 2)
            ctx.out.note(f"cannot reach the platform ({exc.message}); retrying in {interval:g}s")
            continue
        interval = float(ctx.args.interval)
        if not fresh:
            continue
        emit(fresh)
        top = max((at for at in (when(e, "event_date_time") for e in fresh) if at), default=newest)
        if top != newest:
            newest, seen = top, set()
        seen |= {event_key(e) for e in fresh if when(e, "event_date_time") == newest}
