"""``cleanroom-tui runs``: question runs across the profile's clean rooms, newest first.

LiveRamp lists runs per cleanroom question only, so this reads the rooms, each room's questions
and each question's newest :data:`~tui.headless.catalog.RUNS_PAGE` runs (side by side). Filters:

- ``--room`` (id, ``CR-…`` display id or exact name) and ``--question`` (id, ``CRQ-…`` or exact
  name) narrow what is read; both repeatable;
- ``--status``: an ALL-CAPS platform status (``FAILED``, ``PARTNER_RUNNING`` …) matches exactly;
  a lifecycle word (``failed``, ``running``, ``queued``, ``waiting``, ``succeeded``, ``cancelled``,
  ``paused``, ``unknown``) matches every status normalized to it — ``failed`` includes ``ERROR``
  and ``PARTNER_FAILED``. Repeatable and comma-separated;
- ``--since`` on ``submittedAt`` (see :mod:`tui.headless.times`); ``--limit`` keeps the newest N.

Each run list is a status read charged to its question (LiveRamp: ≤ 20 per object per hour).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from ..core.status import Lifecycle, normalize
from . import exitcodes
from .catalog import RUNS_PAGE, LiveRampCatalog, QuestionRef
from .context import NOT_CACHED, SKIPPABLE, Context, ReadError, UsageError
from .output import Column
from .records import run_record, text, when
from .times import BadTime, parse_since, shown

#: LiveRamp question-run statuses (SPEC filter enum + the SDK's CANCELLED + PAUSED for flows)
PLATFORM_STATUSES = frozenset({
    "QUEUED", "PENDING_RETRY", "RUNNING", "PARTNER_QUEUED", "PARTNER_RUNNING", "PARTNER_COMPLETED",
    "PARTNER_FAILED", "COMPLETED", "FAILED", "ERROR", "CANCELLED", "PAUSED",
})
_LIFECYCLE_WORDS = {life.value: life for life in Lifecycle} | {"waiting": Lifecycle.WAITING_ON_PARTNER,
                                                               "done": Lifecycle.SUCCEEDED}
_EPOCH = datetime.min.replace(tzinfo=UTC)

Row = tuple[dict[str, Any], QuestionRef | None, str]  # (run, its question, profile name)


class StatusFilter:
    """``--status`` values: exact platform statuses and/or lifecycle words."""

    def __init__(self, values: list[str] | None) -> None:
        self.raw: set[str] = set()
        self.lives: set[Lifecycle] = set()
        for value in values or []:
            for word in (w.strip() for w in value.split(",")):
                if not word:
                    continue
                if word.isupper() and word in PLATFORM_STATUSES:
                    self.raw.add(word)
                elif word.lower() in _LIFECYCLE_WORDS:
                    self.lives.add(_LIFECYCLE_WORDS[word.lower()])
                elif word.upper() in PLATFORM_STATUSES:
                    self.raw.add(word.upper())
                else:
                    raise UsageError(f"--status {word!r}: not a platform status ({', '.join(sorted(PLATFORM_STATUSES))}) "
                                     f"nor a lifecycle word ({', '.join(sorted(_LIFECYCLE_WORDS))})")

    def __bool__(self) -> bool:
        return bool(self.raw or self.lives)

    def accepts(self, status: str | None) -> bool:
        if not self:
            return True
        return (status or "").upper() in self.raw or normalize("liveramp", status) in self.lives


def since_of(ctx: Context, value: str | None, profile: Any = None) -> datetime | None:
    if not value:
        return None
    try:
        return parse_since(value, ctx.now(), ctx.tz(profile))
    except BadTime as exc:
        raise UsageError(str(exc)) from None


def run_columns(ctx: Context, profile: Any, *, with_profile: bool = False, reason: bool = True) -> list[Column]:
    tz = ctx.tz(profile)
    columns = [Column("PROFILE", lambda x: x[2])] if with_profile else []
    columns += [
        Column("SUBMITTED", lambda x: shown(when(x[0], "submittedAt"), tz)),
        Column("STATUS", lambda x: text(x[0], "status")),
        Column("LIFECYCLE", lambda x: normalize("liveramp", text(x[0], "status")).value),
        Column("NAME", lambda x: text(x[0], "name"), flex=True, min_width=16),
        Column("QUESTION", lambda x: x[1].display_id if x[1] else ""),
        Column("ROOM", lambda x: x[1].room_display_id if x[1] else ""),
        Column("RUN ID", lambda x: text(x[0], "id")),
    ]
    if reason:
        columns.append(Column("REASON", lambda x: text(x[0], "failureReason"), flex=True, min_width=10))
    return columns


def select_refs(catalog: LiveRampCatalog, rooms_wanted: list[str] | None,
                questions_wanted: list[str] | None) -> tuple[list[QuestionRef], bool]:
    """The questions to read, and whether they were named explicitly (errors then are the user's)."""
    rooms = [catalog.resolve_room(value) for value in rooms_wanted or []]
    if questions_wanted:
        refs = []
        for value in questions_wanted:
            if len(rooms) == 1:
                refs.append(catalog.resolve_question(value, rooms[0]))
                continue
            ref = catalog.resolve_question(value)
            if rooms and ref.room_id and ref.room_id not in {text(r, "id") for r in rooms}:
                raise UsageError(f"question {value!r} is not in the clean room(s) given with --room")
            refs.append(ref)
        return list({r.id: r for r in refs}.values()), True
    return catalog.question_refs(rooms or catalog.rooms()), False


def collect(ctx: Context, profile: Any, refs: list[QuestionRef], explicit: bool) -> list[tuple[dict[str, Any], QuestionRef]]:
    """Every listed run with its question; a question we may not read is skipped unless it was named."""
    catalog = LiveRampCatalog(ctx, profile)
    full: list[str] = []
    uncached: list[str] = []

    def one(ref: QuestionRef) -> list[tuple[dict[str, Any], QuestionRef]]:
        label = ref.display_id or ref.id
        try:
            runs = catalog.runs(ref, skippable=not explicit)
        except ReadError as exc:
            if exc.code == NOT_CACHED and not explicit:
                uncached.append(label)
            elif exc.status in SKIPPABLE and not explicit:
                ctx.out.warn(f"skipped question {label}: {exc}")
            else:
                ctx.report(exc, f"question {label}")
            return []
        if len(runs) >= RUNS_PAGE:
            full.append(label)
        return [(run, ref) for run in runs if isinstance(run, dict)]

    lists = ctx.map(one, refs)
    if uncached:
        ctx.out.note(f"left out {len(uncached)} question(s) with no cached runs: {', '.join(uncached)}")
    if full:
        ctx.out.note(f"listing the newest {RUNS_PAGE} runs of each question ({len(full)} have more)", once="page")
    return [pair for pairs in lists for pair in pairs]


def newest_first(rows: list[Any]) -> list[Any]:
    return sorted(rows, key=lambda row: when(row[0], "submittedAt") or _EPOCH, reverse=True)


def execute(ctx: Context) -> int:
    args = ctx.args
    profiles = ctx.profiles_for("liveramp")
    if not profiles:
        raise UsageError("runs needs a LiveRamp profile (question runs are LiveRamp's); pick one with --profile")
    wanted = StatusFilter(args.status)
    if args.limit is not None and args.limit < 0:
        raise UsageError("--limit must be 0 (no limit) or more")
    rows: list[Row] = []
    answered = 0
    for profile in profiles:
        since = since_of(ctx, args.since, profile)
        try:
            refs, explicit = select_refs(LiveRampCatalog(ctx, profile), args.room, args.question)
        except ReadError as exc:
            ctx.report(exc, f"profile {profile.name}")
            continue
        answered += 1
        for run, ref in collect(ctx, profile, refs, explicit):
            if not wanted.accepts(text(run, "status")):
                continue
            submitted = when(run, "submittedAt")
            if since is not None and (submitted is None or submitted < since):
                continue
            rows.append((run, ref, profile.name))
    if not answered:
        return exitcodes.API_ERROR  # no empty list that a script could take for "no runs"
    rows = newest_first(rows)
    if args.limit:
        rows = rows[: args.limit]
    records = [run_record(run, name, ref) for run, ref, name in rows]
    columns = run_columns(ctx, profiles[0], with_profile=len(profiles) > 1)
    ctx.out.records(records, columns, sources=rows, empty="no runs match")
    return exitcodes.OK
