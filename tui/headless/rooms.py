"""``cleanroom-tui rooms``: the clean rooms (LiveRamp) and collaborations (InfoSum) of the profile(s).

Table: one section per profile. JSON: one array of every room and collaboration as the platform
spells it, each with ``profile`` and ``platform`` added.
"""

from __future__ import annotations

from typing import Any

from . import exitcodes
from .catalog import InfoSumCatalog, LiveRampCatalog
from .context import Context, ReadError
from .output import Column
from .records import items, tagged, text, when
from .times import shown


def room_columns(ctx: Context, profile: Any) -> list[Column]:
    tz = ctx.tz(profile)
    return [
        Column("ID", lambda r: text(r, "displayId") or text(r, "id")),
        Column("NAME", lambda r: text(r, "name"), flex=True, min_width=12),
        Column("STATUS", lambda r: text(r, "status")),
        Column("PARTNERS", lambda r: ", ".join(map(str, items(r.get("partners")))), flex=True),
        Column("QUESTIONS", lambda r: text(r, "questionsCount"), right=True),
        Column("UPDATED", lambda r: shown(when(r.get("timeAudit") or {}, "updatedAt"), tz)),
        Column("UUID", lambda r: text(r, "id")),
    ]


def collaboration_columns(ctx: Context, profile: Any) -> list[Column]:
    tz = ctx.tz(profile)

    def owner(c: dict[str, Any]) -> str:
        o = c.get("owner") or {}
        return text(o, "display_name") or text(o, "id")

    def members(c: dict[str, Any]) -> str:
        owner_id = text(c.get("owner") or {}, "id")
        return str(len([m for m in c.get("members") or [] if text(m, "id") != owner_id]))

    return [
        Column("ID", lambda c: text(c, "id")),
        Column("NAME", lambda c: text(c, "name"), flex=True, min_width=12),
        Column("STATUS", lambda c: text(c, "status").removeprefix("STATUS_")),
        Column("OWNER", owner, flex=True),
        Column("MEMBERS", members, right=True),
        Column("LAST ACTIVITY", lambda c: shown(when(c, "last_activity_date_time"), tz)),
    ]


def execute(ctx: Context) -> int:
    records: list[dict[str, Any]] = []
    sections: list[tuple[str, list[Column], list[Any]]] = []
    for profile in ctx.profiles:
        try:
            if profile.platform == "liveramp":
                found = LiveRampCatalog(ctx, profile).rooms()
                columns, what, label = room_columns(ctx, profile), "clean rooms", "LiveRamp"
            else:
                found = InfoSumCatalog(ctx, profile).collaborations()
                columns, what, label = collaboration_columns(ctx, profile), "collaborations", "InfoSum"
        except ReadError as exc:
            ctx.report(exc, f"profile {profile.name}")
            continue
        records += [tagged(item, profile.name, profile.platform) for item in found]
        sections.append((f"{what} · {profile.name} ({label}) · {len(found)}", columns, found))
    if not sections:
        return exitcodes.API_ERROR  # every profile failed: print no empty list
    if ctx.out.machine:
        ctx.out.records(records, [])
        return exitcodes.OK
    for i, (title, columns, found) in enumerate(sections):
        if i:
            ctx.out.line()
        if found:
            ctx.out.table(columns, found, title=title if len(sections) > 1 else None)
        else:
            ctx.out.note(f"no {title}")
    return exitcodes.OK
