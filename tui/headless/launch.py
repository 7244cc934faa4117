"""``cleanroom-tui launch QUESTION --param k=v… --partition k=v… [--name N] [--yes]``: one question run.

Everything goes through :class:`tui.core.launch.Launcher`, as in the TUI: the question's parameter
list builds a :class:`~tui.core.launch.LaunchForm` (defaults, types, ranges), the values given here
are checked field by field before anything is sent, earlier intents whose answer was lost are
reconciled first, then the duplicate guard (same parameters within 15 min), the creation budget,
the launch journal, and one POST that is never retried.

It writes, so it asks first: a summary and ``Launch this run? [y/N]`` on stderr, the answer from
a terminal on stdin. ``--yes`` answers yes; without a terminal and without ``--yes`` nothing is
launched (exit 2). A duplicate is refused unless ``--allow-duplicate`` (or "y" when asked).

``QUESTION`` is a cleanroom question id, ``CRQ-…`` display id or exact name. Refusals before the
POST exit 2 (bad values, read-only profile, no confirmation, duplicate); the creation budget being
spent or the platform refusing exits 3; an answer lost in transit that listing could not settle
exits 3 with "do not launch again" — the journal keeps it and the next launch reconciles it.
"""

from __future__ import annotations

import sys
from typing import Any

from . import exitcodes
from .catalog import LiveRampCatalog, QuestionRef, lr_models
from .context import Context, UsageError, to_json
from .records import run_record, text
from .times import clock


def pairs_of(values: list[str] | None, flag: str) -> list[tuple[str, str]]:
    out = []
    for item in values or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"{flag} {item!r}: expected NAME=VALUE")
        out.append((key.strip(), value.strip()))
    return out


def field_for(form: Any, name: str, partition: bool) -> Any:
    exact = [f for f in form.fields if f.name == name]
    found = exact or [f for f in form.fields if f.name.lower() == name.lower()]
    if len(found) != 1:
        flag = "--partition" if partition else "--param"
        known = ", ".join(f"{f.name} ({'partition' if f.is_partition else 'param'}, {f.hint or f.kind})"
                          for f in form.fields) or "none"
        raise UsageError(f"{flag} {name!r}: the question has no such parameter (known: {known})")
    field = found[0]
    if field.is_partition != partition:
        right = "--partition" if field.is_partition else "--param"
        raise UsageError(f"{name!r} is a {'partition' if field.is_partition else 'run-time'} parameter: "
                         f"give it with {right}")
    return field


def fill(form: Any, params: list[tuple[str, str]], partitions: list[tuple[str, str]], name: str | None) -> None:
    """Put the given values into the form and check every field before anything is sent."""
    for key, value in params:
        form.set_value(field_for(form, key, False).key, value)
    for key, value in partitions:
        form.set_value(field_for(form, key, True).key, value)
    if name:
        form.set_name(name)
    errors = form.errors()
    if errors:
        raise UsageError("the run was not launched: " + "; ".join(errors.values()))


def summary(profile: Any, ref: QuestionRef, request: dict[str, Any], launcher: Any) -> list[str]:
    params = ", ".join(f"{k}={v}" for k, v in (request.get("parameters") or {}).items()) or "none"
    parts = ", ".join(f"{p['name']}={p['value']}" for p in request.get("partitionParameters") or []) or "none"
    where = f" in {ref.room_display_id} {ref.room_name}".rstrip() if ref.room_id else ""
    return [f"launch a run on profile {profile.name} (LiveRamp):",
            f"  question    {ref.display_id or ref.id} {ref.name}{where}".rstrip(),
            f"  run name    {request.get('name', '')}",
            f"  parameters  {params}",
            f"  partitions  {parts}",
            f"  creations left this hour: {launcher.creates_left()}/{launcher.ledger.creates_per_hour}"]


def interactive() -> bool:
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False


def ask(ctx: Context, question: str) -> bool:
    """A yes/no answer from the terminal (the prompt on stderr, like all narration)."""
    print(f"{question} [y/N] ", end="", file=ctx.out.stderr, flush=True)
    return sys.stdin.readline().strip().lower() in ("y", "yes")


def confirmed(ctx: Context, profile: Any, launcher: Any, ref: QuestionRef, request: dict[str, Any]) -> bool | None:
    """Whether to launch, and whether as an accepted duplicate: None = no, False = yes, True = yes again."""
    args = ctx.args
    earlier = [] if args.allow_duplicate else launcher.check_duplicate(ref.id, request)
    if earlier:
        last = earlier[0]
        said = (f"the same parameters were launched {len(earlier)} time(s) in the last 15 min "
                f"(last at {clock(last.created_at, tz=ctx.tz(profile))}, {last.state})")
        if args.yes or not interactive():
            raise UsageError(f"{said}; pass --allow-duplicate to launch again")
        return True if ask(ctx, f"{said}. Launch again?") else None
    if args.yes or ask(ctx, "Launch this run?"):
        return bool(args.allow_duplicate)
    return None


def execute(ctx: Context) -> int:
    from ..core.launch import (
        BudgetExhausted,
        DuplicateLaunch,
        InvalidParameters,
        Launcher,
        LaunchFailed,
        LaunchUnknown,
        ReadOnlyProfile,
    )

    args = ctx.args
    params = pairs_of(args.param, "--param")
    partitions = pairs_of(args.partition, "--partition")
    profile = ctx.one("liveramp", "launch")
    if ctx.readonly or profile.read_only:
        raise UsageError(f"profile {profile.name!r} is read-only: launching is disabled")
    if not args.yes and not interactive():
        raise UsageError("launch writes: confirm with --yes (stdin is not a terminal, so it cannot ask)")
    ref = LiveRampCatalog(ctx, profile).resolve_question(args.question)
    launcher = Launcher(ctx.session(profile), ctx.store, ledger=ctx.ledger(profile))
    for settled in ctx.engine.run(launcher.reconcile_unresolved):
        ctx.out.note(f"earlier launch {settled.entry.id}: {settled.result} {settled.object_id or ''} {settled.note}")
    form = ctx.engine.run(lambda: launcher.prepare_launch(ref.id, title=ref.name or ref.display_id or None))
    fill(form, params, partitions, args.name)
    request = form.build_request()
    for line in summary(profile, ref, request, launcher):
        ctx.out.note(line)
    again = confirmed(ctx, profile, launcher, ref, request)
    if again is None:
        ctx.out.note("not launched")
        return exitcodes.OK
    try:
        outcome = ctx.engine.run(lambda: launcher.launch(ref.id, request, fields=form.fields, allow_duplicate=again))
    except (InvalidParameters, ReadOnlyProfile, DuplicateLaunch) as exc:
        raise UsageError(str(exc)) from None
    except BudgetExhausted as exc:
        ctx.report(exc, "launch")
        return exitcodes.API_ERROR
    except LaunchUnknown as exc:
        ctx.report(exc, "launch")
        ctx.out.note("do not launch again yet: the next launch (or the TUI) reconciles it by listing runs")
        return exitcodes.API_ERROR
    except LaunchFailed as exc:
        ctx.report(exc.error or exc, "launch")
        if exc.note:
            ctx.out.note(exc.note)
        return exitcodes.API_ERROR
    record = outcome_record(profile, ref, outcome)
    if outcome.note:
        ctx.out.note(outcome.note)
    ctx.out.note(f"launched {outcome.object_id}; follow it with: "
                 f"cleanroom-tui watch {outcome.object_id} --until-done{profile_flags(ctx, profile)}")
    ctx.out.document(record, lambda: ctx.out.pairs([
        ("Launched", outcome.object_id), ("Run", outcome.name), ("Status", text(record, "status")),
        ("Question", f"{ref.display_id} {ref.name}".strip()), ("Journal", outcome.journal_id or "")]))
    return exitcodes.OK


def profile_flags(ctx: Context, profile: Any) -> str:
    """The flags that reach the same platform (and, in the demo, the same world) from a new process."""
    if profile.embedded:
        options = ctx.demo_options
        flags = " --demo"
        for name, default in (("seed", 7), ("scale", 1)):
            value = getattr(options, name, default)
            if value != default:
                flags += f" --{name} {value}"
        return flags
    return f" --profile {profile.name}" if getattr(ctx.args, "profile", None) else ""


def outcome_record(profile: Any, ref: QuestionRef, outcome: Any) -> dict[str, Any]:
    if outcome.obj is not None:
        record = run_record(to_json(outcome.obj, lr_models().QuestionRun), profile.name, ref)
    else:  # recovered by listing: the POST's answer was lost
        record = {"id": outcome.object_id, "name": outcome.name, "profile": profile.name, "platform": "liveramp",
                  **ref.context()}
    record.update({"journalId": outcome.journal_id, "recovered": outcome.recovered})
    return record
